package tui

import (
	"fmt"
	"testing"

	tea "charm.land/bubbletea/v2"

	"github.com/wsdesign/wsdesign/model"
)

// design300 has API Gateway's limit of 300 endpoints, served by a handful of
// functions as SPEC section 3 expects.
func design300() model.Design {
	d := model.Design{Name: "ChatApi", RouteSelector: "action", Stage: "prod"}
	for i := range 300 {
		d.Endpoints = append(d.Endpoints, model.Endpoint{
			Route:   fmt.Sprintf("action%03d", i),
			Mode:    model.Mode(i % 2),
			Handler: model.NewFunction(fmt.Sprintf("Handler%dFunction", i%5)),
		})
	}
	return d
}

// BenchmarkKeystroke300Endpoints is one keystroke (update and view) on the
// Endpoints screen and on a text field, with 300 endpoints. Target: < 1 ms.
func BenchmarkKeystroke300Endpoints(b *testing.B) {
	b.Run("list", func(b *testing.B) {
		m := New(Options{Design: design300()})
		m.Update(tea.WindowSizeMsg{Width: 120, Height: 40})
		m.show(screenEndpoints)
		down, up := namedKeys["down"], namedKeys["up"]
		b.ReportAllocs()
		for i := 0; b.Loop(); i++ {
			k := down
			if i%400 >= 200 {
				k = up
			}
			m.Update(k)
			_ = m.View()
		}
	})
	b.Run("route", func(b *testing.B) {
		m := New(Options{Design: design300()})
		m.Update(tea.WindowSizeMsg{Width: 120, Height: 40})
		m.editEndpoint(150, "")
		keys := []tea.KeyPressMsg{{Code: 'x', Text: "x"}, namedKeys["backspace"]}
		b.ReportAllocs()
		for i := 0; b.Loop(); i++ {
			m.Update(keys[i%2])
			_ = m.View()
		}
	})
}

// BenchmarkFirstFrame is the wizard's work from start to its first frame:
// the model, the terminal size, the first view. Target: a few milliseconds.
func BenchmarkFirstFrame(b *testing.B) {
	for _, c := range []struct {
		name   string
		design model.Design
	}{{"new", model.Design{}}, {"edit-300-endpoints", design300()}} {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				m := New(Options{Design: c.design})
				m.Update(tea.WindowSizeMsg{Width: 120, Height: 40})
				_ = m.View()
			}
		})
	}
}
