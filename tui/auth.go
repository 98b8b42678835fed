package tui

import (
	"cmp"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/wsdesign/wsdesign/model"
)

// authScreen adds or removes the API's authorizer. Turning it on adds a
// $connect endpoint when the design has none, because API Gateway runs
// authorizers only when a client connects.
type authScreen struct {
	form                        form
	use, handler, sources, next *field
	// addedConnect is the endpoint this screen added, removed again when the
	// authorizer is turned off before the user touched it.
	addedConnect *model.Endpoint
	note         string
}

const connectFunctionName = "connect"

func newAuthScreen(d model.Design) authScreen {
	s := authScreen{
		use:     newChoiceField("Authorizer", option{label: "none"}, option{label: "Lambda authorizer on $connect"}),
		handler: newActionField("Authorizer function", "enter: choose", "(none yet)"),
		sources: newTextField("Identity sources", model.DefaultIdentitySource, "e.g. "+model.DefaultIdentitySource),
		next:    newActionField("Continue", "enter: review the template", ""),
	}
	if d.Authorizer != nil {
		s.use.choice = 1
		s.sources.text.SetValue(strings.Join(d.Authorizer.IdentitySource, ", "))
	}
	return s
}

func (s *authScreen) fields() []*field {
	if s.use.choice == 0 {
		return []*field{s.use, s.next}
	}
	return []*field{s.use, s.handler, s.sources, s.next}
}

func (m *Model) updateAuth(msg tea.KeyPressMsg) tea.Cmd {
	s := &m.auth
	if key.Matches(msg, m.keys.Back) {
		return m.show(screenEndpoints)
	}
	fields := s.fields()
	res, cmd := s.form.update(msg, fields, m.keys)
	m.applyAuth()
	focused := s.form.focused(fields)
	switch {
	case res == formSubmit && focused == s.handler:
		return m.openLink(targetAuthorizer, m.design.Authorizer.Handler, "")
	case res == formSubmit:
		if cmd, bad := s.form.toError(s.fields()); bad {
			return cmd
		}
		return m.show(screenReview)
	}
	return cmd
}

// applyAuth puts the screen's answers into the design.
func (m *Model) applyAuth() {
	s := &m.auth
	d := &m.design
	if s.use.choice == 0 {
		if d.Authorizer != nil {
			s.note = ""
			d.Authorizer = nil
			m.removeAddedConnect()
		}
		return
	}
	if d.Authorizer == nil {
		d.Authorizer = &model.Authorizer{}
		connect := model.NewFunction(model.FunctionID(connectFunctionName))
		if d.EnsureConnect(connect) {
			e := d.Endpoints[0]
			s.addedConnect = &e
			s.note = "Added a $connect endpoint handled by a new function " + connect.FunctionID +
				": API Gateway runs an authorizer only when a client connects. Change it under Endpoints."
		}
	}
	var srcs []string
	for _, src := range strings.Split(s.sources.Value(), ",") {
		if src = strings.TrimSpace(src); src != "" {
			srcs = append(srcs, src)
		}
	}
	d.Authorizer.IdentitySource = srcs
}

// removeAddedConnect takes back the $connect endpoint the screen added, if it
// is still as added.
func (m *Model) removeAddedConnect() {
	a := m.auth.addedConnect
	m.auth.addedConnect = nil
	if a == nil {
		return
	}
	for i, e := range m.design.Endpoints {
		if e == *a {
			m.design.Endpoints = append(m.design.Endpoints[:i:i], m.design.Endpoints[i+1:]...)
			return
		}
	}
}

func (s *authScreen) check(m *Model) {
	s.handler.err, s.sources.err = nil, nil
	if a := m.current().Authorizer; a != nil {
		s.handler.value = describeLink(a.Handler)
		_, s.handler.err = problemAt(m.problems, model.FieldAuthorizer)
		_, s.sources.err = problemAt(m.problems, model.FieldIdentitySource)
		s.sources.note = "Comma-separated. Browsers cannot set headers on a WebSocket: a query string token is the usual choice."
	}
	s.next.err = cmp.Or(s.handler.err, s.sources.err)
	s.next.touched = s.next.touched || s.form.focused(s.fields()) == s.next
}

func (s *authScreen) render(m *Model, width int) string {
	out := screenTitle(m.styles, width, "Authorizer", "Optionally, a Lambda function that authorizes clients when they connect.") +
		"\n" + s.form.render(s.fields(), width, m.styles)
	if s.note != "" && s.use.choice == 1 {
		out += "\n\n" + m.styles.Note.Width(width).Render(s.note)
	}
	return out
}
