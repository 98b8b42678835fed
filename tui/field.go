package tui

import (
	"cmp"
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"
)

// field is one question of a screen: a line of text, a choice among options,
// or an action (a button that opens another screen). Screens set err, warn
// and note after every keystroke so that the explanation sits next to the
// field as it is typed.
type field struct {
	label string
	kind  fieldKind

	text textinput.Model // fieldText

	options  []option // fieldChoice
	choice   int
	vertical bool // options one per line, chosen with ↑/↓

	value string // fieldAction: what the action currently holds
	hint  string // fieldAction: what enter does, shown when focused
	empty string // fieldAction: what stands for an empty value

	// kept is the value the field started with when that is not a literal
	// (see Options.AsWritten) and shown how it is shown: while the text is
	// shown, the value is kept.
	kept, shown string
	// readOnly says why a text field cannot be changed; its value is shown
	// and the reason given when it is focused.
	readOnly string

	err  error
	warn string
	note string
	// touched is set once the field was typed into or blocked a step, so
	// that an empty required field is not flagged before the user gets to it.
	touched bool
}

type fieldKind int

const (
	fieldText fieldKind = iota
	fieldChoice
	fieldAction
)

// option is one choice; disabled says why it cannot be chosen.
type option struct {
	label    string
	detail   string
	disabled string
}

func newTextField(label, value, placeholder string) *field {
	t := textinput.New()
	t.Prompt = ""
	t.Placeholder = placeholder
	t.SetValue(value)
	t.CharLimit = 256
	return &field{label: label, kind: fieldText, text: t}
}

func newChoiceField(label string, options ...option) *field {
	return &field{label: label, kind: fieldChoice, options: options}
}

// newActionField is a field that runs an action on enter: hint says what
// the action does, empty what the field shows before it holds a value.
func newActionField(label, hint, empty string) *field {
	return &field{label: label, kind: fieldAction, hint: hint, empty: empty}
}

// Value is the text of a text field, or the value it keeps.
func (f *field) Value() string {
	if f.shown != "" && f.text.Value() == f.shown {
		return f.kept
	}
	return f.text.Value()
}

// keep shows value, when asWritten has it, as the file writes it.
func (f *field) keep(value string, asWritten map[string]string) {
	if shown, ok := asWritten[value]; ok && shown != "" {
		f.kept, f.shown = value, shown
		f.text.SetValue(shown)
	}
}

// SetChoice selects an option, ignoring one that is disabled.
func (f *field) SetChoice(i int) {
	if i >= 0 && i < len(f.options) && f.options[i].disabled == "" {
		f.choice = i
	}
}

// step moves the choice by delta, skipping disabled options.
func (f *field) step(delta int) {
	for i := f.choice + delta; i >= 0 && i < len(f.options); i += delta {
		if f.options[i].disabled == "" {
			f.choice = i
			return
		}
	}
}

// form is the focus over a screen's fields, which may change as answers do.
type form struct {
	focus int
}

// formResult says what a key did to a form.
type formResult int

const (
	formHandled formResult = iota
	formSubmit             // enter on the last field, or on an action
)

// update sends a key to the focused field of fields, or moves the focus.
func (fm *form) update(msg tea.KeyPressMsg, fields []*field, keys keyMap) (formResult, tea.Cmd) {
	fm.clamp(fields)
	f := fields[fm.focus]
	switch {
	case key.Matches(msg, keys.Submit):
		// Actions open another screen or check everything themselves.
		if f.err != nil && f.kind != fieldAction {
			f.touched = true // show why enter does nothing
			return formHandled, nil
		}
		if f.kind == fieldAction || fm.focus == len(fields)-1 {
			return formSubmit, nil
		}
		return formHandled, fm.move(fields, 1)
	case f.kind == fieldChoice && f.vertical && key.Matches(msg, keys.Up):
		f.step(-1)
		return formHandled, nil
	case f.kind == fieldChoice && f.vertical && key.Matches(msg, keys.Down):
		f.step(1)
		return formHandled, nil
	case key.Matches(msg, keys.Next):
		return formHandled, fm.move(fields, 1)
	case key.Matches(msg, keys.Prev):
		return formHandled, fm.move(fields, -1)
	case f.kind == fieldChoice && !f.vertical && key.Matches(msg, keys.Left):
		f.step(-1)
	case f.kind == fieldChoice && !f.vertical && key.Matches(msg, keys.Right):
		f.step(1)
	case f.kind == fieldText && f.readOnly != "":
	case f.kind == fieldText:
		f.touched = true
		var cmd tea.Cmd
		f.text, cmd = f.text.Update(msg)
		return formHandled, cmd
	}
	return formHandled, nil
}

// toError moves the focus to the first field with an error and shows the
// error; it reports false when every field is valid.
func (fm *form) toError(fields []*field) (tea.Cmd, bool) {
	for i, f := range fields {
		if f.err != nil {
			f.touched = true
			return fm.focusOn(fields, i), true
		}
	}
	return nil, false
}

// move shifts the focus, keeping the focused text input the only one with a
// cursor.
func (fm *form) move(fields []*field, delta int) tea.Cmd {
	return fm.focusOn(fields, fm.focus+delta)
}

func (fm *form) focusOn(fields []*field, i int) tea.Cmd {
	fm.focus = max(0, min(i, len(fields)-1))
	var cmd tea.Cmd
	for j, f := range fields {
		if f.kind != fieldText {
			continue
		}
		if j == fm.focus {
			cmd = f.text.Focus()
		} else {
			f.text.Blur()
		}
	}
	return cmd
}

func (fm *form) clamp(fields []*field) { fm.focus = max(0, min(fm.focus, len(fields)-1)) }

func (fm *form) focused(fields []*field) *field {
	fm.clamp(fields)
	return fields[fm.focus]
}

// render draws the fields, each with its inline error and warning, and the
// focused field's note. Labels sit in a column left of the values when the
// width allows, else above them.
func (fm *form) render(fields []*field, width int, s Styles) string {
	labelW := 0
	for _, f := range fields {
		labelW = max(labelW, lipgloss.Width(f.label))
	}
	inline := width-labelW-4 >= 30
	pad := "  "
	if inline {
		pad = strings.Repeat(" ", labelW+4)
	}
	valueW := width - lipgloss.Width(pad)
	var b strings.Builder
	for i, f := range fields {
		focused := i == fm.focus
		label := s.Label
		marker := "  "
		if focused {
			label = s.LabelFocused
			marker = s.Cursor.Render("› ")
		}
		value := f.renderValue(focused, valueW, s)
		switch {
		case inline && !f.vertical:
			b.WriteString(marker + label.Render(f.label) + strings.Repeat(" ", labelW-lipgloss.Width(f.label)+2))
			b.WriteString(strings.TrimPrefix(indent(value, pad), pad) + "\n")
		default:
			b.WriteString(marker + label.Render(f.label) + "\n" + indent(value, pad) + "\n")
		}
		if f.err != nil && f.touched {
			b.WriteString(indent(s.Error.Width(valueW).Render("✗ "+f.err.Error()), pad) + "\n")
		}
		if f.warn != "" {
			b.WriteString(indent(s.Warning.Width(valueW).Render("! "+f.warn), pad) + "\n")
		}
		if note := cmp.Or(f.readOnly, f.note); note != "" && focused {
			b.WriteString(indent(s.Hint.Width(valueW).Render(note), pad) + "\n")
		}
	}
	return strings.TrimSuffix(b.String(), "\n")
}

func (f *field) renderValue(focused bool, width int, s Styles) string {
	switch f.kind {
	case fieldText:
		if f.readOnly != "" {
			return s.Value.Render(ansi.Truncate(f.text.Value(), width, "…"))
		}
		if w := max(1, width-1); w != f.text.Width() {
			// The input scrolls its text within its width only when its
			// cursor moves: place it again for the new width.
			f.text.SetWidth(w)
			f.text.SetCursor(f.text.Position())
		}
		return f.text.View()
	case fieldAction:
		v := f.value
		if v == "" && f.empty != "" {
			v = s.Hint.Render(f.empty)
		}
		// A button (an action with no value) always says what it does.
		if f.hint != "" && (focused || f.empty == "") {
			v = strings.TrimSpace(v + "  " + s.Hint.Render(f.hint))
		}
		return v
	}
	var parts []string
	for i, o := range f.options {
		mark := "( )"
		if i == f.choice {
			mark = "(•)"
		}
		line := mark + " " + o.label
		switch {
		case o.disabled != "":
			line = s.Disabled.Width(width).Render(line + " — " + o.disabled)
		case i == f.choice && focused:
			line = s.Cursor.Render(line)
		}
		if o.detail != "" && o.disabled == "" {
			line += " " + s.Hint.Render(o.detail)
		}
		parts = append(parts, line)
	}
	if f.vertical {
		return strings.Join(parts, "\n")
	}
	// Options side by side, unless a disabled one carries a reason, which
	// reads better on its own line.
	for _, o := range f.options {
		if o.disabled != "" {
			return strings.Join(parts, "\n")
		}
	}
	if line := strings.Join(parts, "   "); lipgloss.Width(line) <= width {
		return line
	}
	return strings.Join(parts, "\n")
}

func indent(s, prefix string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = prefix + l
	}
	return strings.Join(lines, "\n")
}
