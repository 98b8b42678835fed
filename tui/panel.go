package tui

import (
	"fmt"
	"strings"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/wsdesign/wsdesign/model"
)

// panelEntry is one logical ID as the panel lists it.
type panelEntry struct {
	id    model.ID
	about string // what it names: its role, the route, the function
	// endpoint is the index of the endpoint a route's IDs belong to, or -1.
	endpoint int
}

// entries lists the plan's IDs in the order they are written, each with what
// it names.
func (m *Model) entries() []panelEntry {
	p := m.plan
	out := make([]panelEntry, 0, 2+2*len(p.Routes)+2*len(p.Handlers)+len(p.Functions)+2)
	add := func(id model.ID, about string, endpoint int) {
		out = append(out, panelEntry{id: id, about: about, endpoint: endpoint})
	}
	add(p.API, "API", -1)
	add(p.Stage, "stage", -1)
	d := m.current()
	for i, r := range p.Routes {
		route := ""
		if i < len(d.Endpoints) {
			route = " " + d.Endpoints[i].Route
		}
		add(r.Route, "route"+route, i)
		if r.RouteResponse.Value != "" {
			add(r.RouteResponse, "response"+route, i)
		}
	}
	for _, h := range p.Handlers {
		fn := " " + h.Function.String()
		add(h.Integration, "integration"+fn, -1)
		add(h.Permission, "permission"+fn, -1)
	}
	if p.Authorizer.Value != "" {
		add(p.Authorizer, "authorizer", -1)
		add(p.AuthorizerPermission, "authorizer permission", -1)
	}
	for _, f := range p.Functions {
		add(f.ID, "new function", -1)
		if f.Role.Value != "" {
			add(f.Role, "function role", -1)
		}
	}
	return out
}

// focusEndpoint is the endpoint the panel keeps in view: the one selected in
// the list or being edited; -1 elsewhere.
func (m *Model) focusEndpoint() int {
	switch {
	case m.screen == screenEndpoints:
		return m.list.cursor
	case m.screen == screenEndpoint, m.screen == screenLink && m.link.target == targetEndpoint:
		return m.editedIndex()
	}
	return -1
}

// line is styled text with its width in columns, measured on the plain
// text: measuring styled text is most of the cost of drawing a frame.
type line struct {
	text  string
	width int
}

func measured(styled string) line { return line{styled, ansi.StringWidth(styled)} }

// renderPanel draws the logical IDs that will be written, marking the ones
// not simply derived, as lines exactly width columns wide and at most height
// lines. Only the IDs that fit are drawn, around the focused endpoint's, so
// that the cost does not grow with the design. On the Review screen, once
// the preview is known, each ID shows its resource type instead of what it
// names.
func (m *Model) renderPanel(width, height int) []string {
	s := m.styles
	inner := width - 4 // border and one column of padding on each side
	avail := max(1, height-3)
	var types map[string]string
	if m.screen == screenReview && m.review.preview != nil {
		types = m.review.preview.Types
	}
	entries := m.entries()
	title := fmt.Sprintf("Logical IDs (%d)", len(entries))
	if types != nil {
		title = fmt.Sprintf("Resources (%d)", len(entries))
	}
	first := 0
	if focus := m.focusEndpoint(); focus >= 0 {
		for i, e := range entries {
			// Scroll only when the focused endpoint's IDs would be out of
			// view, keeping a few IDs above them for context.
			if e.endpoint == focus && i >= avail-2 {
				first = i - avail/3
				break
			}
		}
	}
	lines := []line{{s.PanelTitle.Render(title), len(title)}}
	if first > 0 {
		lines = append(lines, measured(s.Hint.Render(fmt.Sprintf("… %d IDs above", first))))
	}
	// The legend explains the marks of the IDs drawn; it is kept below them
	// when there is room for it.
	legend := m.legend(entries, inner)
	if len(legend) > avail/3 {
		legend = nil
	}
	next := first
	for ; next < len(entries); next++ {
		el, ids := m.panelLines(entries[next], next, len(entries), inner, types)
		room := avail + 1 - len(lines) - len(legend)
		if next < len(entries)-1 {
			room-- // for the line that says how many more there are
		}
		if len(el) > room {
			// Without the reason, which the field's note also gives, the
			// ID itself may still fit.
			if el = el[:ids]; len(el) > room {
				break
			}
		}
		lines = append(lines, el...)
	}
	if next < len(entries) {
		lines = append(lines, measured(s.Hint.Render(fmt.Sprintf("… %d more IDs", len(entries)-next))))
	}
	lines = append(lines, legend...)
	return frame(lines, width, s.PanelBorder)
}

// markMeaning says what each mark of the panel means.
var markMeaning = []struct {
	origin model.Origin
	text   string
}{
	{model.Fallback, "the name cannot make an ID; taken from the resource type"},
	{model.Collision, "the derived ID is taken; a number added"},
	{model.Reused, "already in the template; kept as it is"},
	{model.Explicit, "the ID you gave"},
}

// legend explains the marks that the entries carry, one line each.
func (m *Model) legend(entries []panelEntry, inner int) []line {
	s := m.styles
	used := map[model.Origin]bool{}
	for _, e := range entries {
		if e.id.Role != model.RoleFunction {
			used[e.id.Origin] = true
		}
	}
	var out []line
	for _, mm := range markMeaning {
		if !used[mm.origin] {
			continue
		}
		mark := "[" + mm.origin.String() + "]"
		out = append(out, measured(ansi.Truncate(s.Marks[mm.origin.String()].Render(mark)+" "+s.Hint.Render(mm.text), inner, "…")))
	}
	return out
}

// frame draws a rounded border around lines, padded to width columns.
func frame(lines []line, width int, border lipgloss.Style) []string {
	inner := width - 4
	out := make([]string, 0, len(lines)+2)
	out = append(out, border.Render("╭"+strings.Repeat("─", width-2)+"╮"))
	left, right := border.Render("│")+" ", " "+border.Render("│")
	for _, l := range lines {
		out = append(out, left+l.text+strings.Repeat(" ", max(0, inner-l.width))+right)
	}
	return append(out, border.Render("╰"+strings.Repeat("─", width-2)+"╯"))
}

// panelLines draws one entry: the ID and what it names on one line when they
// fit, else on two; then the reason for a fallback or a collision. ids is
// the number of lines before the reason.
func (m *Model) panelLines(e panelEntry, i, n, inner int, types map[string]string) (out []line, ids int) {
	s := m.styles
	prefix, cont := "├ ", "│ "
	switch {
	case i == 0:
		prefix, cont = "", " "
	case i == n-1:
		prefix, cont = "└ ", "  "
	}
	about := e.about
	if t, ok := types[e.id.Value]; ok {
		about = t
	}
	detail, detailW := s.Role.Render(about), ansi.StringWidth(about)
	// New functions are named by the user by nature; the mark is for IDs
	// that differ from what the naming rule gives.
	if e.id.Origin != model.Derived && e.id.Role != model.RoleFunction {
		mark := "[" + e.id.Origin.String() + "]"
		detail += " " + s.Marks[e.id.Origin.String()].Render(mark)
		detailW += 1 + len(mark)
	}
	prefixW, contW := ansi.StringWidth(prefix), ansi.StringWidth(cont)
	id, idW := e.id.Value, len(e.id.Value)
	switch {
	case prefixW+idW+1+detailW <= inner:
		out = append(out, line{prefix + id + " " + detail, prefixW + idW + 1 + detailW})
	case contW+2+detailW <= inner && prefixW+idW <= inner:
		out = append(out, line{prefix + id, prefixW + idW}, line{cont + "  " + detail, contW + 2 + detailW})
	default:
		out = append(out, measured(truncateStyled(prefix+id, inner)), measured(truncateStyled(cont+"  "+detail, inner)))
	}
	ids = len(out)
	if e.id.Reason != "" {
		reason := s.Marks[e.id.Origin.String()].Width(max(1, inner-contW-1)).Render(e.id.Reason)
		for _, l := range strings.Split(indent(reason, cont+" "), "\n") {
			out = append(out, measured(l))
		}
	}
	return out, ids
}

// truncateStyled cuts a styled line to n columns, ending it with ….
func truncateStyled(s string, n int) string { return ansi.Truncate(s, n, "…") }
