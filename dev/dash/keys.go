package dash

import "charm.land/bubbles/v2/key"

// keyMap holds every key of the dashboard, in the wizard's scheme.
type keyMap struct {
	Quit, QuitNow key.Binding
	Help          key.Binding
	Pane          key.Binding
	Up, Down      key.Binding
	Top, Bottom   key.Binding
	Open          key.Binding // the selected event's detail
	Back          key.Binding
	Filter        key.Binding
	Save          key.Binding
	Disconnect    key.Binding

	Client      key.Binding // show or hide the client pane
	Connect     key.Binding // open a connection
	Type        key.Binding // start typing a message
	Send        key.Binding
	NextRoute   key.Binding
	CloseClient key.Binding
	NextClient  key.Binding
	PrevClient  key.Binding
}

func newKeyMap() keyMap {
	return keyMap{
		Quit:       key.NewBinding(key.WithKeys("q"), key.WithHelp("q", "quit")),
		QuitNow:    key.NewBinding(key.WithKeys("ctrl+c"), key.WithHelp("ctrl+c", "quit")),
		Help:       key.NewBinding(key.WithKeys("?"), key.WithHelp("?", "help")),
		Pane:       key.NewBinding(key.WithKeys("tab"), key.WithHelp("tab", "next pane")),
		Up:         key.NewBinding(key.WithKeys("up", "k"), key.WithHelp("↑/↓", "select")),
		Down:       key.NewBinding(key.WithKeys("down", "j")),
		Top:        key.NewBinding(key.WithKeys("home", "g"), key.WithHelp("g/G", "first/last")),
		Bottom:     key.NewBinding(key.WithKeys("end", "G")),
		Open:       key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "show event")),
		Back:       key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "back")),
		Filter:     key.NewBinding(key.WithKeys("f"), key.WithHelp("f", "filter by function")),
		Save:       key.NewBinding(key.WithKeys("s"), key.WithHelp("s", "save the event")),
		Disconnect: key.NewBinding(key.WithKeys("d"), key.WithHelp("d", "disconnect")),

		Client:      key.NewBinding(key.WithKeys("c"), key.WithHelp("c", "client")),
		Connect:     key.NewBinding(key.WithKeys("o"), key.WithHelp("o", "open connection")),
		Type:        key.NewBinding(key.WithKeys("i", "enter"), key.WithHelp("i", "type a message")),
		Send:        key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "send")),
		NextRoute:   key.NewBinding(key.WithKeys("ctrl+r"), key.WithHelp("ctrl+r", "next route")),
		CloseClient: key.NewBinding(key.WithKeys("x"), key.WithHelp("x", "close connection")),
		NextClient:  key.NewBinding(key.WithKeys("]"), key.WithHelp("[/]", "switch connection")),
		PrevClient:  key.NewBinding(key.WithKeys("[")),
	}
}
