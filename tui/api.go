package tui

import (
	"strings"

	tea "charm.land/bubbletea/v2"

	"github.com/wsdesign/wsdesign/model"
)

// apiScreen asks for the API's name, route selector, stage and an optional
// explicit logical ID. Its answers go straight into the design.
type apiScreen struct {
	form                             form
	name, selector, stage, logicalID *field
	// format is offered for a new file only; nil otherwise.
	format *field
}

// The options of the format field.
const (
	formatSAM = iota
	formatCFN
)

func newAPIScreen(d model.Design, opts Options) apiScreen {
	s := apiScreen{
		name:      newTextField("Name", d.Name, "e.g. Chat"),
		selector:  newTextField("Route selector property", d.RouteSelector, "e.g. "+model.DefaultRouteSelector),
		stage:     newTextField("Stage", d.Stage, "e.g. "+model.DefaultStage),
		logicalID: newTextField("Logical ID (optional)", d.LogicalID, "empty: derived from the name"),
	}
	if opts.ChooseFormat {
		s.format = newChoiceField("Template",
			option{label: "SAM", detail: "sam deploy"},
			option{label: "CloudFormation", detail: "aws cloudformation deploy"})
		if opts.CloudFormation {
			s.format.SetChoice(formatCFN)
		}
	}
	s.name.keep(d.Name, opts.AsWritten)
	s.stage.keep(d.Stage, opts.AsWritten)
	if opts.IDs.Pinned != nil {
		s.logicalID.label = "Logical ID"
		s.logicalID.readOnly = "The API's logical ID is kept: its routes, stage and the template's references use it. Rename it in the template itself."
	}
	return s
}

func (s *apiScreen) fields() []*field {
	if s.format != nil {
		return []*field{s.name, s.selector, s.stage, s.logicalID, s.format}
	}
	return []*field{s.name, s.selector, s.stage, s.logicalID}
}

func (m *Model) updateAPI(msg tea.KeyPressMsg) tea.Cmd {
	s := &m.api
	if msg.String() == "esc" {
		return m.quit()
	}
	res, cmd := s.form.update(msg, s.fields(), m.keys)
	m.design.Name = s.name.Value()
	m.design.RouteSelector = model.SelectorProperty(s.selector.Value())
	m.design.Stage = strings.TrimSpace(s.stage.Value())
	m.design.LogicalID = strings.TrimSpace(s.logicalID.Value())
	if res == formSubmit {
		if cmd, bad := s.form.toError(s.fields()); bad {
			return cmd
		}
		return m.show(screenEndpoints)
	}
	return cmd
}

// check explains every field of the API screen.
func (s *apiScreen) check(m *Model) {
	d := m.current()
	s.name.err = model.ValidateName(d.Name)
	s.name.note = "Logical ID: " + describeID(m.plan.API)
	if id := m.plan.API; id.Origin == model.Fallback && d.Name != "" {
		if typed := model.AlnumName(d.Name); typed != "" && len(typed) <= model.MaxAPIID {
			s.name.note += ". Type " + typed + " to keep the name in the ID, or give a Logical ID below."
		}
	}
	s.selector.err = model.ValidateRouteSelector(d.RouteSelector)
	s.selector.note = ""
	if s.selector.err == nil {
		if typed := strings.TrimSpace(s.selector.Value()); typed != d.RouteSelector {
			s.selector.note = "Read as the property " + d.RouteSelector + ". "
		}
		s.selector.note += "Example message: " + exampleMessage(d) + " selects the endpoint whose route is " + exampleRoute(d) + "."
	}
	s.stage.warn, s.stage.err = problemAt(m.problems, model.FieldStage)
	// The design's problems hold the ID's own checks and its collisions
	// with the functions the design creates.
	_, s.logicalID.err = problemAt(m.problems, model.FieldLogicalID)
	s.logicalID.note = "Letters and digits; replaces the ID derived from the name."
}

// describeID is a logical ID with how it was chosen.
func describeID(id model.ID) string {
	out := id.Value
	if id.Origin != model.Derived {
		out += " (" + id.Origin.String()
		if id.Reason != "" {
			out += ": " + id.Reason
		}
		out += ")"
	}
	return out
}

// exampleRoute is the route the example message selects: the first custom
// endpoint's, or a made-up one.
func exampleRoute(d model.Design) string {
	for _, e := range d.Endpoints {
		if !e.Reserved() && e.Route != "" {
			return e.Route
		}
	}
	return "sendMessage"
}

// exampleMessage is the smallest message that selects exampleRoute, nested
// along the selector's path: {"message": {"type": "sendMessage"}}.
func exampleMessage(d model.Design) string {
	msg := quote(exampleRoute(d))
	segs := strings.Split(d.RouteSelector, ".")
	for i := len(segs) - 1; i >= 0; i-- {
		msg = "{" + quote(segs[i]) + ": " + msg + "}"
	}
	return msg
}

func quote(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `"`, `\"`)
	return `"` + r.Replace(s) + `"`
}

func (s *apiScreen) render(m *Model, width int) string {
	return screenTitle(m.styles, width, "API", "Name the WebSocket API and choose the message property that selects an endpoint.") +
		"\n" + s.form.render(s.fields(), width, m.styles)
}
