package dash

import (
	"encoding/json"
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
)

// openForm asks for what a new connection sends: the stage and the values
// of the authorizer's identity sources (or of an AWS_IAM signature).
type openForm struct {
	labels []string // "stage", then the identity sources
	inputs []textinput.Model
	at     int
}

func (m *Model) newOpenForm() *openForm {
	f := &openForm{}
	add := func(label, value string) {
		t := textinput.New()
		t.Prompt = ""
		t.SetValue(value)
		f.labels = append(f.labels, label)
		f.inputs = append(f.inputs, t)
	}
	stage := ""
	if len(m.app.API.Stages) > 0 {
		stage = m.app.API.Stages[0]
	}
	add("stage", stage)
	if a := m.app.API.ConnectAuthorizer; a != nil {
		for _, src := range a.IdentitySources {
			add(src, "")
		}
	}
	for _, r := range m.app.API.Routes {
		if r.Key == "$connect" && r.IAM {
			// A presigned URL's parameters, which dev reads but does not
			// verify: a placeholder signature serves.
			for _, p := range iamPresign {
				add("route.request.querystring."+p[0], p[1])
			}
		}
	}
	// A new connection starts from what the last one was opened with, so
	// that a token mistyped (and refused) is corrected, not typed again.
	if len(m.lastOpen) == len(f.inputs) {
		for i, v := range m.lastOpen {
			f.inputs[i].SetValue(v)
		}
	}
	return f
}

// iamPresign are the query parameters of a presigned URL for an AWS_IAM
// $connect, with placeholder values.
var iamPresign = [][2]string{
	{"X-Amz-Algorithm", "AWS4-HMAC-SHA256"},
	{"X-Amz-Credential", "wsdesign/20260101/us-east-1/execute-api/aws4_request"},
	{"X-Amz-Signature", "unverified"},
}

func (f *openForm) focus() tea.Cmd {
	for i := range f.inputs {
		f.inputs[i].Blur()
	}
	return f.inputs[f.at].Focus()
}

// client is the connection the form describes.
func (f *openForm) client(id int) Client {
	c := Client{ID: id, Stage: strings.Trim(f.inputs[0].Value(), "/"), Query: map[string]string{}, Header: map[string]string{}}
	for i, src := range f.labels[1:] {
		v := f.inputs[i+1].Value()
		if name, ok := strings.CutPrefix(src, "route.request.querystring."); ok {
			c.Query[name] = v
		} else if name, ok := strings.CutPrefix(src, "route.request.header."); ok {
			c.Header[name] = v
		}
	}
	return c
}

func (m *Model) updateOpen(msg tea.KeyPressMsg) tea.Cmd {
	f := m.opening
	switch msg.String() {
	case "esc":
		m.opening = nil
		return nil
	case "tab", "down":
		f.at = (f.at + 1) % len(f.inputs)
		return f.focus()
	case "shift+tab", "up":
		f.at = (f.at + len(f.inputs) - 1) % len(f.inputs)
		return f.focus()
	case "enter":
		id := len(m.clients) + 1
		c := f.client(id)
		m.lastOpen = m.lastOpen[:0]
		for _, in := range f.inputs {
			m.lastOpen = append(m.lastOpen, in.Value())
		}
		m.clients = append(m.clients, &client{id: id, stage: c.Stage, status: "connecting…"})
		m.current = len(m.clients) - 1
		m.opening = nil
		m.ctl.Dial(c)
		m.typing = true
		return m.input.Focus()
	}
	var cmd tea.Cmd
	f.inputs[f.at], cmd = f.inputs[f.at].Update(msg)
	return cmd
}

// updateClient handles the client pane when not typing.
func (m *Model) updateClient(msg tea.KeyPressMsg) tea.Cmd {
	k := m.keys
	switch {
	case key.Matches(msg, k.NextClient) && len(m.clients) > 0:
		m.current = (m.current + 1) % len(m.clients)
	case key.Matches(msg, k.PrevClient) && len(m.clients) > 0:
		m.current = (m.current + len(m.clients) - 1) % len(m.clients)
	case key.Matches(msg, k.CloseClient) && len(m.clients) > 0:
		m.ctl.CloseClient(m.clients[m.current].id)
	case key.Matches(msg, k.Type) && len(m.clients) > 0:
		m.typing = true
		return m.input.Focus()
	}
	return nil
}

// updateTyping sends keys to the message input.
func (m *Model) updateTyping(msg tea.KeyPressMsg) tea.Cmd {
	k := m.keys
	switch {
	case key.Matches(msg, k.Back):
		m.typing = false
		m.input.Blur()
		return nil
	case key.Matches(msg, k.Send):
		c := m.clients[m.current]
		if !c.open {
			m.note = "connection " + c.status + ": open another with o"
			return nil
		}
		text := m.input.Value()
		c.lines = append(c.lines, "→ "+text)
		m.ctl.Send(c.id, text)
		return nil
	case key.Matches(msg, k.NextRoute):
		routes := m.customRoutes()
		if len(routes) > 0 {
			m.input.SetValue(m.message(routes[m.routeN%len(routes)]))
			m.routeN++
		}
		return nil
	}
	var cmd tea.Cmd
	m.input, cmd = m.input.Update(msg)
	return cmd
}

// customRoutes are the routes a message can select by name.
func (m *Model) customRoutes() []string {
	var out []string
	for _, r := range m.app.API.Routes {
		if !strings.HasPrefix(r.Key, "$") {
			out = append(out, r.Key)
		}
	}
	return out
}

// selectorPath is the property path of the route selection expression:
// $request.body.message.type is [message type]; nil when the expression
// has another form.
func (m *Model) selectorPath() []string {
	p, ok := strings.CutPrefix(m.app.API.SelectionExpr, "$request.body.")
	if !ok || p == "" {
		return nil
	}
	return strings.Split(p, ".")
}

// message is the smallest message that selects route, nested along the
// selector's path: {"message": {"type": "join"}}.
func (m *Model) message(route string) string {
	path := m.selectorPath()
	if path == nil {
		return route
	}
	var v any = route
	for i := len(path) - 1; i >= 0; i-- {
		v = map[string]any{path[i]: v}
	}
	b, _ := json.Marshal(v)
	return string(b)
}

// template is what the message input starts with: the selector's property
// with the first route, or empty.
func (m *Model) template() string {
	if routes := m.customRoutes(); len(routes) > 0 {
		return m.message(routes[0])
	}
	return m.message("")
}
