package tui

import (
	"fmt"
	"strings"

	"charm.land/lipgloss/v2"

	"github.com/wsdesign/wsdesign/model"
)

// roleNames say what each logical ID names, in the panel's words.
var roleNames = map[model.Role]string{
	model.RoleAPI:                  "API",
	model.RoleStage:                "stage",
	model.RoleRoute:                "route",
	model.RoleRouteResponse:        "route response",
	model.RoleIntegration:          "integration",
	model.RolePermission:           "invoke permission",
	model.RoleAuthorizer:           "authorizer",
	model.RoleAuthorizerPermission: "authorizer permission",
	model.RoleFunction:             "new function",
	model.RoleFunctionRole:         "function role",
}

// panelEntry is one logical ID as the panel lists it.
type panelEntry struct {
	id    model.ID
	about string // what it names: its role, the route, the function
}

// entries lists the plan's IDs in the order they are written, each with what
// it names.
func (m *Model) entries() []panelEntry {
	p := m.plan
	out := []panelEntry{{p.API, "API"}, {p.Stage, "stage"}}
	d := m.current()
	for i, r := range p.Routes {
		route := ""
		if i < len(d.Endpoints) {
			route = " " + d.Endpoints[i].Route
		}
		out = append(out, panelEntry{r.Route, "route" + route})
		if r.RouteResponse.Value != "" {
			out = append(out, panelEntry{r.RouteResponse, "response" + route})
		}
	}
	for _, h := range p.Handlers {
		fn := " " + h.Function.String()
		out = append(out, panelEntry{h.Integration, "integration" + fn}, panelEntry{h.Permission, "permission" + fn})
	}
	if p.Authorizer.Value != "" {
		out = append(out, panelEntry{p.Authorizer, "authorizer"}, panelEntry{p.AuthorizerPermission, "authorizer permission"})
	}
	for _, f := range p.Functions {
		out = append(out, panelEntry{f.ID, "new function"})
		if f.Role.Value != "" {
			out = append(out, panelEntry{f.Role, "function role"})
		}
	}
	return out
}

// renderPanel draws every logical ID that will be written, marking the ones
// not simply derived, within width×height. On the Review screen, once the
// preview is known, each ID shows its resource type instead.
func (m *Model) renderPanel(width, height int) string {
	s := m.styles
	inner := width - s.Panel.GetHorizontalFrameSize()
	var types map[string]string
	if m.screen == screenReview && m.review.preview != nil {
		types = m.review.preview.Types
	}
	entries := m.entries()
	title := fmt.Sprintf("Logical IDs (%d)", len(entries))
	if types != nil {
		title = fmt.Sprintf("Resources (%d)", len(entries))
	}
	lines := []string{s.PanelTitle.Render(title)}
	for i, e := range entries {
		prefix := "├ "
		switch {
		case i == 0:
			prefix = ""
		case i == len(entries)-1:
			prefix = "└ "
		}
		about := e.about
		if t, ok := types[e.id.Value]; ok {
			about = t
		}
		detail := s.Role.Render(about)
		// New functions are named by the user by nature; the mark is for
		// IDs that differ from what the naming rule gives.
		if e.id.Origin != model.Derived && e.id.Role != model.RoleFunction {
			mark := e.id.Origin.String()
			detail += " " + s.Marks[mark].Render("["+mark+"]")
		}
		line := prefix + s.ID.Render(e.id.Value) + " " + detail
		if lipgloss.Width(line) <= inner {
			lines = append(lines, line)
		} else {
			cont := "│ "
			if prefix != "├ " {
				cont = "  "
			}
			lines = append(lines, truncateStyled(prefix+s.ID.Render(e.id.Value), inner), truncateStyled(cont+"  "+detail, inner))
		}
		if e.id.Reason != "" {
			reason := s.Marks[e.id.Origin.String()].Width(inner - 2).Render(e.id.Reason)
			lines = append(lines, strings.Split(indent(reason, "  "), "\n")...)
		}
	}
	avail := height - s.Panel.GetVerticalFrameSize()
	if len(lines) > avail {
		more := len(lines) - avail + 1
		lines = append(lines[:avail-1], s.Hint.Render(fmt.Sprintf("… %d more lines", more)))
	}
	return s.Panel.Width(width).Render(strings.Join(lines, "\n"))
}

// truncateStyled cuts a styled line to n columns.
func truncateStyled(line string, n int) string {
	if lipgloss.Width(line) <= n {
		return line
	}
	return lipgloss.NewStyle().MaxWidth(n).Render(line)
}
