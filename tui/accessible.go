package tui

import (
	"bufio"
	"fmt"
	"io"
	"slices"
	"strings"

	"charm.land/huh/v2"
	"github.com/charmbracelet/colorprofile"

	"github.com/wsdesign/wsdesign/model"
)

// asker asks the wizard's questions as plain line prompts, for screen
// readers and dumb terminals. It uses huh's accessible fields, one at a time,
// over the same root model as the interactive wizard, so that the answers are
// checked and explained the same way.
type asker struct {
	m     *Model
	in    *lineReader
	out   io.Writer
	theme huh.Theme
}

func runAccessible(opts Options, in io.Reader, out io.Writer) (Answers, error) {
	m := New(opts)
	a := &asker{
		m:     m,
		in:    &lineReader{r: bufio.NewReader(in)},
		out:   &colorprofile.Writer{Forward: out, Profile: colorprofile.NoTTY},
		theme: m.styles.HuhTheme(),
	}
	if err := a.run(); err != nil {
		return Answers{}, err
	}
	m.confirmed = true
	return m.Result()
}

func (a *asker) run() error {
	m := a.m
	d := &m.design
	a.say("New WebSocket API. Answer each question and press Enter; end the input (Ctrl+D) to cancel without writing.")
	var err error
	if d.Name, err = a.input("API name", d.Name, model.ValidateName); err != nil {
		return err
	}
	a.sync()
	a.say("Logical ID: " + describeID(m.plan.API))
	validSelector := func(s string) error { return model.ValidateRouteSelector(model.SelectorProperty(s)) }
	if d.RouteSelector, err = a.input("Route selector property", d.RouteSelector, validSelector); err != nil {
		return err
	}
	d.RouteSelector = model.SelectorProperty(d.RouteSelector)
	a.say("Example message: " + exampleMessage(*d))
	if d.Stage, err = a.input("Stage", d.Stage, model.ValidateStage); err != nil {
		return err
	}
	validID := func(s string) error { return model.ValidateLogicalID(s, m.opts.IDs.Taken) }
	if d.LogicalID, err = a.input("Explicit logical ID (empty to keep "+m.plan.API.Value+")", d.LogicalID, validID); err != nil {
		return err
	}
	if f := m.api.format; f != nil {
		labels := []string{"SAM (sam deploy)", "CloudFormation (aws cloudformation deploy)"}
		i, err := a.choose("Template format ["+labels[f.choice]+"]:", labels, f.choice)
		if err != nil {
			return err
		}
		f.SetChoice(i)
	}
	if err := a.endpoints(); err != nil {
		return err
	}
	if err := a.authorizer(); err != nil {
		return err
	}
	return a.review()
}

// endpoints adds endpoints until the user is done.
func (a *asker) endpoints() error {
	d := &a.m.design
	for {
		var labels, routes []string
		for _, r := range []string{model.RouteConnect, model.RouteDisconnect, model.RouteDefault} {
			if _, ok := d.Endpoint(r); !ok {
				labels, routes = append(labels, r), append(routes, r)
			}
		}
		labels, routes = append(labels, "another route"), append(routes, "")
		if len(d.Endpoints) > 0 {
			labels = append(labels, "done adding endpoints")
		}
		i, err := a.choose(fmt.Sprintf("Add an endpoint (%d so far):", len(d.Endpoints)), labels, 0)
		if err != nil {
			return err
		}
		if i == len(routes) {
			return nil
		}
		e := model.Endpoint{Route: routes[i]}
		if e.Route == "" {
			unique := func(s string) error {
				if err := model.ValidateRoute(s); err != nil {
					return err
				}
				if _, dup := d.Endpoint(s); dup {
					return fmt.Errorf("%s is already an endpoint", s)
				}
				return nil
			}
			if e.Route, err = a.input("Route (the value of the "+d.RouteSelector+" property)", "", unique); err != nil {
				return err
			}
		}
		if !model.OneWayOnly(e.Route) {
			mode, err := a.choose("Mode:", []string{
				"1-way: the handler's return value is ignored",
				"2-way: the handler returns {\"body\": …}, sent back to the client",
			}, 0)
			if err != nil {
				return err
			}
			e.Mode = model.Mode(mode)
		}
		if e.Handler, err = a.link("Handler of "+e.Route+":", strings.TrimPrefix(e.Route, "$")); err != nil {
			return err
		}
		d.Endpoints = append(d.Endpoints, e)
		a.sync()
		r := a.m.plan.Routes[len(d.Endpoints)-1]
		a.say("Added " + e.Route + ": " + strings.TrimSpace(r.Route.Value+" "+r.RouteResponse.Value))
	}
}

func (a *asker) authorizer() error {
	d := &a.m.design
	yes, err := a.confirm("Add a Lambda authorizer, run when a client connects?", false)
	if err != nil || !yes {
		return err
	}
	auth := &model.Authorizer{}
	if auth.Handler, err = a.link("Authorizer function:", "authorizer"); err != nil {
		return err
	}
	valid := func(s string) error {
		for _, src := range strings.Split(s, ",") {
			if err := model.ValidateIdentitySource(strings.TrimSpace(src)); err != nil {
				return err
			}
		}
		return nil
	}
	srcs, err := a.input("Identity sources, comma-separated", model.DefaultIdentitySource, valid)
	if err != nil {
		return err
	}
	for _, s := range strings.Split(srcs, ",") {
		auth.IdentitySource = append(auth.IdentitySource, strings.TrimSpace(s))
	}
	d.Authorizer = auth
	connect := model.NewFunction(model.FunctionID(connectFunctionName))
	if d.EnsureConnect(connect) {
		a.say("Added a $connect endpoint handled by a new function " + connect.FunctionID + ": API Gateway runs an authorizer only when a client connects.")
	}
	return nil
}

func (a *asker) review() error {
	m := a.m
	a.sync()
	a.say("Logical IDs:")
	for _, e := range m.entries() {
		line := "  " + e.id.Value + " (" + e.about + ")"
		if e.id.Origin != model.Derived && e.id.Role != model.RoleFunction {
			line += " [" + e.id.Origin.String() + "]"
			if e.id.Reason != "" {
				line += " " + e.id.Reason
			}
		}
		a.say(line)
	}
	for _, p := range m.problems {
		a.say(fmt.Sprintf("%s: %s: %s", p.Severity, p.Field, p.Message))
	}
	if m.opts.Preview != nil {
		p := m.opts.Preview(m.answers())
		if len(p.CannotPost) > 0 {
			a.say(cannotPost(p.CannotPost))
			grant, err := a.confirm("Give them "+p.Lacks+"?", m.grant)
			if err != nil {
				return err
			}
			if grant != m.grant {
				m.grant = grant
				p = m.opts.Preview(m.answers())
			}
		}
		if p.Err != nil {
			return p.Err
		}
		for _, f := range p.Findings {
			a.say(f.Text)
		}
		if len(p.Files) > 0 {
			a.say("Files to write: " + strings.Join(p.Files, ", "))
		}
	}
	if len(m.problems.Errors()) > 0 {
		a.say("The design has errors; nothing written.")
		return ErrCancelled
	}
	yes, err := a.confirm("Write the template?", false)
	if err == nil && !yes {
		err = ErrCancelled
	}
	return err
}

// link asks for the Lambda function behind an endpoint or the authorizer.
func (a *asker) link(title, suggested string) (model.LambdaLink, error) {
	m := a.m
	choices := m.linkChoices()
	kinds := []string{"a new function", "a function outside the template, by ARN"}
	if len(choices) > 0 {
		kinds = append(kinds, "a function already in the template or this design")
	}
	k, err := a.choose(title, kinds, 0)
	if err != nil {
		return model.LambdaLink{}, err
	}
	switch k {
	case 0:
		valid := func(s string) error { return m.newFunctionError(model.NewFunction(model.FunctionID(s))) }
		name, err := a.input("Function name", suggested, valid)
		if err != nil {
			return model.LambdaLink{}, err
		}
		r, err := a.choose("Runtime ["+model.DefaultRuntime+"]:", model.Runtimes, slices.Index(model.Runtimes, model.DefaultRuntime))
		if err != nil {
			return model.LambdaLink{}, err
		}
		l := model.NewFunction(model.FunctionID(name))
		l.Runtime = model.Runtimes[r]
		a.say(fmt.Sprintf("Logical ID %s, code in %s", l.FunctionID, l.CodeURI))
		return l, nil
	case 1:
		valid := func(s string) error { return model.ValidateLink(model.ARNParameter(s)) }
		p, err := a.input("Parameter name for the function's ARN", "", valid)
		return model.ARNParameter(p), err
	}
	labels := make([]string, len(choices))
	for i, c := range choices {
		labels[i] = c.FunctionID + " (" + linkDetail(c) + ")"
	}
	i, err := a.choose("Which function:", labels, 0)
	if err != nil {
		return model.LambdaLink{}, err
	}
	return choices[i], nil
}

func (a *asker) sync() { a.m.sync() }

func (a *asker) say(line string) { _, _ = fmt.Fprintln(a.out, line) }

// input asks for a line of text; an empty answer keeps def, which the
// prompt shows in brackets.
func (a *asker) input(title, def string, valid func(string) error) (string, error) {
	if def != "" {
		title += " [" + def + "]"
	}
	title += ":"
	v := def
	f := huh.NewInput().Title(title).Value(&v).Validate(func(s string) error {
		if strings.TrimSpace(s) == "" && def != "" {
			return nil
		}
		return valid(strings.TrimSpace(s))
	})
	return v, a.ask(f)
}

func (a *asker) choose(title string, labels []string, def int) (int, error) {
	v := def
	opts := make([]huh.Option[int], len(labels))
	for i, l := range labels {
		opts[i] = huh.NewOption(l, i)
	}
	f := huh.NewSelect[int]().Title(title).Options(opts...).Value(&v)
	if err := a.ask(f); err != nil {
		return 0, err
	}
	if v < 0 || v >= len(labels) {
		return 0, ErrCancelled
	}
	return v, nil
}

// confirm asks a yes/no question; an empty answer keeps def.
func (a *asker) confirm(title string, def bool) (bool, error) {
	v := def
	f := huh.NewConfirm().Title(title).Value(&v)
	return v, a.ask(f)
}

// ask runs one field; the end of the input cancels the wizard.
func (a *asker) ask(f huh.Field) error {
	err := huh.NewForm(huh.NewGroup(f)).
		WithTheme(a.theme).
		WithAccessible(true).
		WithInput(a.in).
		WithOutput(a.out).
		Run()
	if err != nil {
		return fmt.Errorf("prompt: %w", err)
	}
	if a.in.eof {
		return ErrCancelled
	}
	return nil
}

// lineReader hands out its input one line per Read. huh's accessible prompts
// scan each answer with a new bufio.Scanner; reading more than one line at a
// time would lose the next answers when the input is not a terminal.
type lineReader struct {
	r       *bufio.Reader
	pending []byte
	eof     bool
}

func (l *lineReader) Read(p []byte) (int, error) {
	if len(l.pending) == 0 {
		line, err := l.r.ReadBytes('\n')
		if len(line) == 0 && err != nil {
			l.eof = true
			return 0, io.EOF
		}
		if line[len(line)-1] != '\n' {
			// A last line without its newline is still an answer.
			line = append(line, '\n')
		}
		l.pending = line
	}
	n := copy(p, l.pending)
	l.pending = l.pending[n:]
	return n, nil
}
