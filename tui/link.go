package tui

import (
	"cmp"
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/wsdesign/wsdesign/model"
)

// linkTarget is what the Lambda link screen chooses a function for.
type linkTarget int

const (
	targetEndpoint linkTarget = iota
	targetAuthorizer
)

// The kinds of link, in the order the screen offers them.
const (
	kindExisting = iota
	kindNew
	kindARN
)

// linkScreen chooses the Lambda function behind an endpoint or the
// authorizer: one already in the template (or already created by this
// design), a new one, or one outside the template by ARN.
type linkScreen struct {
	form                             form
	target                           linkTarget
	kind, pick, name, runtime, param *field
	// choices are the functions pick offers, parallel to its options.
	choices []model.LambdaLink
}

// openLink opens the link screen on the current link; route names a new
// function when there is none yet.
func (m *Model) openLink(target linkTarget, cur model.LambdaLink, route string) tea.Cmd {
	s := linkScreen{target: target}
	s.kind = newChoiceField("Function",
		option{label: "existing function"}, option{label: "new function"}, option{label: "by ARN (outside the template)"})
	s.choices = m.linkChoices()
	var opts []option
	for _, c := range s.choices {
		opts = append(opts, option{label: c.FunctionID, detail: linkDetail(c)})
	}
	s.pick = newChoiceField("Which function", opts...)
	s.pick.vertical = true
	if len(s.choices) == 0 {
		s.kind.options[kindExisting].disabled = "none yet"
	}
	suggested := strings.TrimSuffix(strings.TrimPrefix(route, "$"), "Function")
	if target == targetAuthorizer {
		suggested = "authorizer"
	}
	runtimes := make([]option, len(model.Runtimes))
	for i, r := range model.Runtimes {
		runtimes[i] = option{label: r}
	}
	s.name = newTextField("Name", suggested, "e.g. send message")
	s.runtime = newChoiceField("Runtime", runtimes...)
	s.param = newTextField("Parameter name", "", "e.g. ChatHandlerArn")

	s.kind.choice = kindNew
	switch cur.Kind {
	case model.LinkExisting, model.LinkNew:
		for i, c := range s.choices {
			if c.FunctionID == cur.FunctionID {
				s.kind.choice, s.pick.choice = kindExisting, i
			}
		}
		if cur.Kind == model.LinkNew {
			s.kind.choice = kindNew
			s.name.text.SetValue(strings.TrimSuffix(cur.FunctionID, "Function"))
			for i, r := range model.Runtimes {
				if r == cur.Runtime {
					s.runtime.choice = i
				}
			}
		}
	case model.LinkARN:
		s.kind.choice = kindARN
		s.param.text.SetValue(cur.Parameter)
	}
	if s.kind.choice == kindNew {
		// The name is what is left to type.
		s.form.focus = 1
	}
	m.link = s
	return m.show(screenLink)
}

// linkChoices are the functions of the template, then the new functions the
// design already creates, so that one function can serve several endpoints.
func (m *Model) linkChoices() []model.LambdaLink {
	var out []model.LambdaLink
	seen := map[string]bool{}
	for _, f := range m.opts.Functions {
		l := model.Existing(f.ID)
		l.FunctionType = f.Type
		out = append(out, l)
		seen[f.ID] = true
	}
	for _, l := range m.design.Functions() {
		if l.Kind == model.LinkNew && !seen[l.FunctionID] {
			out = append(out, l)
			seen[l.FunctionID] = true
		}
	}
	return out
}

func linkDetail(l model.LambdaLink) string {
	if l.Kind == model.LinkNew {
		return "new in this design, " + l.Runtime
	}
	return l.FunctionType
}

func (s *linkScreen) fields() []*field {
	switch s.kind.choice {
	case kindExisting:
		return []*field{s.kind, s.pick}
	case kindNew:
		return []*field{s.kind, s.name, s.runtime}
	}
	return []*field{s.kind, s.param}
}

// link is the link as the screen holds it.
func (s *linkScreen) link() model.LambdaLink {
	switch s.kind.choice {
	case kindExisting:
		if len(s.choices) == 0 {
			return model.LambdaLink{}
		}
		return s.choices[s.pick.choice]
	case kindNew:
		id := model.FunctionID(s.name.Value())
		if id == "" {
			return model.LambdaLink{Kind: model.LinkNew}
		}
		l := model.NewFunction(id)
		l.Runtime = model.Runtimes[s.runtime.choice]
		return l
	}
	return model.ARNParameter(strings.TrimSpace(s.param.Value()))
}

func (m *Model) updateLink(msg tea.KeyPressMsg) tea.Cmd {
	s := &m.link
	back := screenEndpoint
	if s.target == targetAuthorizer {
		back = screenAuthorizer
	}
	if key.Matches(msg, m.keys.Back) {
		return m.show(back)
	}
	fields := s.fields()
	res, cmd := s.form.update(msg, fields, m.keys)
	if res == formSubmit {
		if cmd, bad := s.form.toError(fields); bad {
			return cmd
		}
		l := s.link()
		if s.target == targetAuthorizer {
			m.design.Authorizer.Handler = l
			m.auth.form.focus = 2 // on to the identity sources
			return m.show(screenAuthorizer)
		}
		m.endpoint.handlerLink = l
		m.endpoint.form.focus = len(m.endpoint.fields()) - 1 // on to Save
		return m.show(screenEndpoint)
	}
	return cmd
}

// check explains the link being chosen.
func (s *linkScreen) check(m *Model) {
	l := s.link()
	s.name.err, s.name.note = nil, ""
	s.param.err, s.param.note = nil, ""
	switch s.kind.choice {
	case kindNew:
		s.name.err = m.newFunctionError(l)
		if s.name.err == nil {
			s.name.note = fmt.Sprintf("Logical ID %s, code in %s", l.FunctionID, l.CodeURI)
		}
	case kindARN:
		if s.param.Value() == "" {
			s.param.err = plainError("a parameter name is required, such as ChatHandlerArn")
		} else if err := model.ValidateLink(l); err != nil {
			s.param.err = err
		} else {
			s.param.note = "The template gets a parameter " + l.Parameter + " that takes the function's ARN."
		}
	}
	// Collisions with the rest of the design, as the link is typed: the
	// design shown includes this draft.
	field := model.FieldAuthorizer
	if s.target == targetEndpoint {
		field = model.EndpointField(m.editedIndex(), "handler")
	}
	if _, err := problemAt(m.problems, field); err != nil {
		switch s.kind.choice {
		case kindNew:
			s.name.err = cmp.Or(s.name.err, err)
		case kindARN:
			s.param.err = cmp.Or(s.param.err, err)
		}
	}
}

// newFunctionError says why a new function cannot have the name typed.
func (m *Model) newFunctionError(l model.LambdaLink) error {
	if l.FunctionID == "" {
		return plainError("a name is required, with letters or digits, such as \"send message\"")
	}
	for _, f := range m.opts.Functions {
		if f.ID == l.FunctionID {
			return plainError(l.FunctionID + " is already in the template: choose it under \"in the template\"")
		}
	}
	if m.opts.IDs.Taken != nil && m.opts.IDs.Taken(l.FunctionID) {
		return plainError(l.FunctionID + " is already used in the template by another resource")
	}
	return model.ValidateLink(l)
}

func (s *linkScreen) render(m *Model, width int) string {
	title := "Handler"
	about := "The Lambda function that handles " + m.endpoint.route.Value() + "."
	if s.target == targetAuthorizer {
		title = "Authorizer function"
		about = "The Lambda function that decides whether a client may connect."
	}
	about += " One function can serve several endpoints."
	return screenTitle(m.styles, width, title, about) + "\n" + s.form.render(s.fields(), width, m.styles)
}
