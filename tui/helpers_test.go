package tui

import (
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
)

// press sends keys to a model the way a terminal would: named keys
// ("enter", "tab", "esc", "ctrl+c", "shift+tab", "up", "down", "left",
// "right", "backspace") or text typed character by character.
func press(m *Model, keys ...string) {
	for _, k := range keys {
		if msg, ok := namedKeys[k]; ok {
			m.Update(msg)
			continue
		}
		for _, r := range k {
			m.Update(tea.KeyPressMsg{Code: r, Text: string(r)})
		}
	}
}

var namedKeys = map[string]tea.KeyPressMsg{
	"enter":      {Code: tea.KeyEnter},
	"tab":        {Code: tea.KeyTab},
	"shift+tab":  {Code: tea.KeyTab, Mod: tea.ModShift},
	"esc":        {Code: tea.KeyEscape},
	"ctrl+c":     {Code: 'c', Mod: tea.ModCtrl},
	"ctrl+u":     {Code: 'u', Mod: tea.ModCtrl},
	"up":         {Code: tea.KeyUp},
	"down":       {Code: tea.KeyDown},
	"left":       {Code: tea.KeyLeft},
	"right":      {Code: tea.KeyRight},
	"backspace":  {Code: tea.KeyBackspace},
	"shift+up":   {Code: tea.KeyUp, Mod: tea.ModShift},
	"shift+down": {Code: tea.KeyDown, Mod: tea.ModShift},
}

// sized resizes the model and returns its view without styling.
func sized(m *Model, w, h int) string {
	m.Update(tea.WindowSizeMsg{Width: w, Height: h})
	return ansi.Strip(m.View().Content)
}

func must(t *testing.T, ok bool, format string, args ...any) {
	t.Helper()
	if !ok {
		t.Fatalf(format, args...)
	}
}
