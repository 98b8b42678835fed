package tui

import (
	"cmp"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/wsdesign/wsdesign/model"
)

// endpointScreen edits one endpoint as a draft: Esc discards it, Save puts it
// into the design. Endpoints with a foreign integration are not edited.
type endpointScreen struct {
	form                       form
	index                      int // in the design; -1 for a new endpoint
	route, mode, handler, save *field
	handlerLink                model.LambdaLink
}

// editEndpoint opens the editor on endpoint i, or on a new endpoint (i < 0)
// with route filled in.
func (m *Model) editEndpoint(i int, route string) tea.Cmd {
	e := model.Endpoint{Route: route}
	if i >= 0 {
		e = m.design.Endpoints[i]
	}
	s := endpointScreen{
		index:       i,
		route:       newTextField("Route", e.Route, "e.g. sendMessage"),
		mode:        newChoiceField("Mode", option{label: "1-way"}, option{label: "2-way"}),
		handler:     newActionField("Handler", "enter: choose", "(none yet)"),
		save:        newActionField("Save endpoint", "enter: save · esc: discard", ""),
		handlerLink: e.Handler,
	}
	s.mode.choice = int(e.Mode)
	if route != "" {
		// A quick-added route is settled: go straight to its handler.
		s.form.focus = 2
	}
	m.endpoint = s
	return m.show(screenEndpoint)
}

func (s *endpointScreen) fields() []*field {
	return []*field{s.route, s.mode, s.handler, s.save}
}

// draft is the endpoint as the editor holds it.
func (s *endpointScreen) draft() model.Endpoint {
	return model.Endpoint{
		Route:   s.route.Value(),
		Mode:    model.Mode(s.mode.choice),
		Handler: s.handlerLink,
	}
}

func (m *Model) updateEndpoint(msg tea.KeyPressMsg) tea.Cmd {
	s := &m.endpoint
	if key.Matches(msg, m.keys.Back) {
		return m.show(screenEndpoints)
	}
	fields := s.fields()
	res, cmd := s.form.update(msg, fields, m.keys)
	// A route that allows only 1-way takes the mode with it.
	if model.OneWayOnly(s.route.Value()) {
		s.mode.choice = int(model.OneWay)
	}
	focused := s.form.focused(fields)
	switch {
	case res == formSubmit && focused == s.handler:
		return m.openLink(targetEndpoint, s.handlerLink, s.route.Value())
	case res == formSubmit:
		if cmd, bad := s.form.toError(fields); bad {
			return cmd
		}
		e := s.draft()
		if s.index < 0 {
			m.design.Endpoints = append(m.design.Endpoints, e)
			m.list.cursor = len(m.design.Endpoints) - 1
		} else {
			m.design.Endpoints[s.index] = e
		}
		return m.show(screenEndpoints)
	}
	return cmd
}

// check explains the draft's fields with the problems the design has there.
func (s *endpointScreen) check(m *Model) {
	i := m.editedIndex()
	e := s.draft()
	s.route.warn, s.route.err = problemAt(m.problems, model.EndpointField(i, "route"))
	s.route.note = ""
	if s.route.err == nil {
		s.route.note = routeNote(m.design, e.Route)
	}

	two := &s.mode.options[1]
	two.disabled = ""
	if err := model.ValidateMode(e.Route, model.TwoWay); err != nil {
		two.disabled = err.Error()
	}
	_, s.mode.err = problemAt(m.problems, model.EndpointField(i, "mode"))
	if e.Mode == model.TwoWay {
		s.mode.note = `The handler returns {"body": "…"}, which is sent back to the client.`
	} else {
		s.mode.note = "The handler's return value is ignored; it can still post to the client."
	}

	s.handler.value = describeLink(e.Handler)
	_, s.handler.err = problemAt(m.problems, model.EndpointField(i, "handler"))
	// The Save field stands for the whole endpoint.
	s.save.err = cmp.Or(s.route.err, s.mode.err, s.handler.err)
	s.save.touched = s.save.touched || s.form.focused(s.fields()) == s.save
}

// problemAt returns the first warning and the first error of a field.
func problemAt(ps model.Problems, field string) (warn string, err error) {
	for _, p := range ps.For(field) {
		switch {
		case p.Severity == model.Error && err == nil:
			err = plainError(p.Message)
		case p.Severity == model.Warning && warn == "":
			warn = p.Message
		}
	}
	return warn, err
}

// plainError is a problem's message without its field path, for showing next
// to the field.
type plainError string

func (e plainError) Error() string { return string(e) }

// routeNote says when an endpoint runs.
func routeNote(d model.Design, route string) string {
	switch route {
	case model.RouteConnect:
		return "Runs when a client connects; it can reject the connection."
	case model.RouteDisconnect:
		return "Runs after a client disconnects."
	case model.RouteDefault:
		return "Runs for messages no other endpoint takes."
	case "":
		return "The value of the " + d.RouteSelector + " property, or $connect, $disconnect, $default."
	}
	d.Endpoints = []model.Endpoint{{Route: route}}
	return "Selected by " + exampleMessage(d) + "."
}

// describeLink is a link as the editor shows it.
func describeLink(l model.LambdaLink) string {
	switch l.Kind {
	case model.LinkExisting:
		return strings.TrimSpace(l.FunctionID + " " + parens(l.FunctionType))
	case model.LinkNew:
		return l.FunctionID + " (new, " + l.Runtime + ")"
	case model.LinkARN:
		return "ARN from parameter " + l.Parameter
	}
	return ""
}

func parens(s string) string {
	if s == "" {
		return ""
	}
	return "(" + s + ")"
}

func (s *endpointScreen) render(m *Model, width int) string {
	title := "New endpoint"
	if s.index >= 0 {
		title = "Endpoint " + m.design.Endpoints[s.index].Route
	}
	return screenTitle(m.styles, width, title, "The route that selects this endpoint, whether the client gets an answer, and the function that handles it.") +
		"\n" + s.form.render(s.fields(), width, m.styles)
}
