package tui

import "charm.land/bubbles/v2/key"

// keyMap holds every key the wizard answers to. The help line shows the ones
// that apply to the current screen and field.
type keyMap struct {
	Quit key.Binding
	Back key.Binding
	// Help shows every key of the screen; ? is typed into text fields, so
	// F1 also does it there.
	Help     key.Binding
	HelpText key.Binding

	// Forms.
	Next   key.Binding
	Prev   key.Binding
	Submit key.Binding
	Left   key.Binding
	Right  key.Binding

	// Lists.
	Up         key.Binding
	Down       key.Binding
	Add        key.Binding
	Edit       key.Binding
	Delete     key.Binding
	Undo       key.Binding
	MoveUp     key.Binding
	MoveDown   key.Binding
	Connect    key.Binding
	Disconnect key.Binding
	Default    key.Binding
	QuickAdd   key.Binding // Connect, Disconnect and Default in one help item
	Continue   key.Binding

	// Review.
	Scroll   key.Binding // handled by the preview's viewport; here for the help line
	Sideways key.Binding // the same, for lines wider than the preview
	Wrap     key.Binding
	Top      key.Binding
	Bottom   key.Binding
	Write    key.Binding
	Grant    key.Binding

	// Quit confirmation.
	Yes key.Binding
}

func newKeyMap() keyMap {
	return keyMap{
		Quit:     key.NewBinding(key.WithKeys("ctrl+c"), key.WithHelp("ctrl+c", "quit")),
		Back:     key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "back")),
		Help:     key.NewBinding(key.WithKeys("?", "f1"), key.WithHelp("?", "help")),
		HelpText: key.NewBinding(key.WithKeys("f1"), key.WithHelp("f1", "help")),

		Next:   key.NewBinding(key.WithKeys("tab", "down"), key.WithHelp("tab/↓", "next field")),
		Prev:   key.NewBinding(key.WithKeys("shift+tab", "up"), key.WithHelp("shift+tab/↑", "previous field")),
		Submit: key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "continue")),
		Left:   key.NewBinding(key.WithKeys("left", "h"), key.WithHelp("←/→", "choose")),
		Right:  key.NewBinding(key.WithKeys("right", "l", "space")),

		Up:         key.NewBinding(key.WithKeys("up", "k"), key.WithHelp("↑/↓", "choose")),
		Down:       key.NewBinding(key.WithKeys("down", "j")),
		Add:        key.NewBinding(key.WithKeys("a"), key.WithHelp("a", "add")),
		Edit:       key.NewBinding(key.WithKeys("enter", "e"), key.WithHelp("enter", "edit")),
		Delete:     key.NewBinding(key.WithKeys("d", "delete"), key.WithHelp("d", "delete")),
		Undo:       key.NewBinding(key.WithKeys("u"), key.WithHelp("u", "undo delete")),
		MoveUp:     key.NewBinding(key.WithKeys("K", "shift+up"), key.WithHelp("K/J", "reorder")),
		MoveDown:   key.NewBinding(key.WithKeys("J", "shift+down")),
		Connect:    key.NewBinding(key.WithKeys("c")),
		Disconnect: key.NewBinding(key.WithKeys("x")),
		Default:    key.NewBinding(key.WithKeys("f")),
		QuickAdd:   key.NewBinding(key.WithKeys("c", "x", "f"), key.WithHelp("c/x/f", "$connect/$disconnect/$default")),
		Continue:   key.NewBinding(key.WithKeys("tab", "n"), key.WithHelp("tab", "next step")),

		Scroll:   key.NewBinding(key.WithKeys("up", "down", "pgup", "pgdown"), key.WithHelp("↑/↓ pgup/pgdn", "scroll")),
		Sideways: key.NewBinding(key.WithKeys("left", "right"), key.WithHelp("←/→", "scroll sideways")),
		Wrap:     key.NewBinding(key.WithKeys("w"), key.WithHelp("w", "wrap or cut lines")),
		Top:      key.NewBinding(key.WithKeys("home", "g"), key.WithHelp("g/home", "top")),
		Bottom:   key.NewBinding(key.WithKeys("end", "G"), key.WithHelp("G/end", "bottom")),
		Write:    key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "write")),
		Grant:    key.NewBinding(key.WithKeys("t"), key.WithHelp("t", "toggle grant")),

		Yes: key.NewBinding(key.WithKeys("y", "Y", "ctrl+c"), key.WithHelp("y", "quit without writing")),
	}
}
