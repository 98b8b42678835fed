package tui

import (
	"fmt"
	"slices"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"github.com/wsdesign/wsdesign/model"
)

// listScreen is the list of endpoints: add, edit, delete, reorder, and
// quick-add of the reserved routes.
type listScreen struct {
	cursor int
	offset int // first row shown, so that long lists scroll
	note   string
	// deleted is the endpoint the last d removed, until another key than u:
	// deleting is one key, so undoing it is one key too.
	deleted *deletedEndpoint
}

type deletedEndpoint struct {
	index    int
	endpoint model.Endpoint
}

func (l *listScreen) clamp(n int) {
	l.cursor = max(0, min(l.cursor, n-1))
}

func (m *Model) updateList(msg tea.KeyPressMsg) tea.Cmd {
	l := &m.list
	k := m.keys
	eps := m.design.Endpoints
	l.note = ""
	deleted := l.deleted
	l.deleted = nil
	switch {
	case key.Matches(msg, k.Back):
		return m.show(screenAPI)
	case key.Matches(msg, k.Up):
		l.cursor--
	case key.Matches(msg, k.Down):
		l.cursor++
	case key.Matches(msg, k.MoveUp) && l.cursor > 0 && len(eps) > 0:
		eps[l.cursor-1], eps[l.cursor] = eps[l.cursor], eps[l.cursor-1]
		l.cursor--
	case key.Matches(msg, k.MoveDown) && l.cursor < len(eps)-1:
		eps[l.cursor+1], eps[l.cursor] = eps[l.cursor], eps[l.cursor+1]
		l.cursor++
	case key.Matches(msg, k.Delete) && len(eps) > 0:
		e := eps[l.cursor]
		l.note = "Deleted " + e.Route + ". u: undo"
		if pin := m.opts.IDs.Pinned; pin != nil && pin.Routes[e.Route] != "" {
			l.note = "Deleted " + e.Route + "; its route and what only it uses are removed from the template when written. u: undo"
		}
		l.deleted = &deletedEndpoint{index: l.cursor, endpoint: e}
		m.design.Endpoints = append(eps[:l.cursor:l.cursor], eps[l.cursor+1:]...)
	case key.Matches(msg, k.Undo) && deleted != nil:
		m.design.Endpoints = slices.Insert(eps, deleted.index, deleted.endpoint)
		l.cursor = deleted.index
		l.note = "Restored " + deleted.endpoint.Route + "."
	case key.Matches(msg, k.Add):
		return m.editEndpoint(-1, "")
	case key.Matches(msg, k.Connect):
		return m.quickAdd(model.RouteConnect)
	case key.Matches(msg, k.Disconnect):
		return m.quickAdd(model.RouteDisconnect)
	case key.Matches(msg, k.Default):
		return m.quickAdd(model.RouteDefault)
	case key.Matches(msg, k.Edit) && len(eps) > 0:
		if f := eps[l.cursor].Foreign; f != "" {
			l.note = eps[l.cursor].Route + " uses a " + f + " integration, not a Lambda function: it is kept as written."
			return nil
		}
		return m.editEndpoint(l.cursor, "")
	case key.Matches(msg, k.Continue):
		if p := m.problems.For(model.FieldEndpoints); len(p) > 0 {
			l.note = p[0].Message
			return nil
		}
		for i := range eps {
			if p := m.byEndpoint[i].Errors(); len(p) > 0 {
				l.cursor = i
				l.note = fmt.Sprintf("Endpoint %s: %s", eps[i].Route, p[0].Message)
				return nil
			}
		}
		return m.show(screenAuthorizer)
	}
	return nil
}

// quickAdd opens the editor on a new endpoint for a reserved route, with the
// handler to choose, or moves to the endpoint that already has it.
func (m *Model) quickAdd(route string) tea.Cmd {
	for i, e := range m.design.Endpoints {
		if e.Route == route {
			m.list.cursor = i
			m.list.note = route + " is already endpoint " + fmt.Sprint(i+1) + "."
			return nil
		}
	}
	return m.editEndpoint(-1, route)
}

func (l *listScreen) render(m *Model, width, height int) string {
	s := m.styles
	eps := m.design.Endpoints
	out := screenTitle(s, width, fmt.Sprintf("Endpoints (%d)", len(eps)),
		"Each endpoint is a route and the Lambda function that handles it. "+
			"A message "+exampleMessage(m.design)+" goes to the endpoint with that route.") + "\n"
	if len(eps) == 0 {
		out += s.Hint.Width(width).Render("No endpoints yet: press c for $connect, x for $disconnect, f for $default, a for another route.")
		if l.note != "" {
			out += "\n" + s.Warning.Width(width).Render(l.note)
		}
		return out
	}
	routeW := 8
	for _, e := range eps {
		routeW = max(routeW, min(len(e.Route), 24))
	}
	// Rows shown: what the height leaves after the heading and the note.
	rows := max(3, height-lipgloss.Height(out)-3)
	if l.cursor < l.offset {
		l.offset = l.cursor
	}
	if l.cursor >= l.offset+rows {
		l.offset = l.cursor - rows + 1
	}
	l.offset = max(0, min(l.offset, len(eps)-rows))
	var b strings.Builder
	for i := l.offset; i < len(eps) && i < l.offset+rows; i++ {
		e := eps[i]
		mark := " "
		if len(m.byEndpoint[i].Errors()) > 0 {
			mark = s.Error.Render("✗")
		}
		handler := e.Handler.String()
		if e.Foreign != "" {
			handler = e.Foreign + " integration (kept as is)"
		} else if !e.Handler.IsSet() {
			handler = "(no handler)"
		}
		row := fmt.Sprintf("%-*s  %-5s  %s", routeW, truncate(e.Route, routeW), e.Mode, handler)
		row = truncate(row, width-4)
		if i == l.cursor {
			row = s.Cursor.Render("› " + row)
		} else {
			row = "  " + row
		}
		b.WriteString(mark + row + "\n")
	}
	if more := len(eps) - (l.offset + rows); more > 0 {
		b.WriteString(s.Hint.Render(fmt.Sprintf("  … %d more", more)) + "\n")
	}
	out += strings.TrimSuffix(b.String(), "\n")
	note := l.note
	if p := m.byEndpoint[l.cursor]; note == "" && len(p) > 0 {
		note = p[0].Message
	}
	if note != "" {
		out += "\n" + s.Warning.Width(width).Render(note)
	}
	return out
}

// truncate cuts s to n columns with an ellipsis.
func truncate(s string, n int) string {
	r := []rune(s)
	if len(r) <= n || n < 1 {
		return s
	}
	return string(r[:n-1]) + "…"
}
