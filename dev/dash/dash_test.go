package dash

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"
	"github.com/charmbracelet/x/exp/teatest/v2"

	"github.com/wsdesign/wsdesign/dev/app"
	"github.com/wsdesign/wsdesign/dev/event"
)

// control records what the dashboard asks for.
type control struct {
	dialed       []Client
	sent         []string
	closed       []int
	disconnected []string
	saved        map[string][]byte
}

func (c *control) Dial(cl Client)           { c.dialed = append(c.dialed, cl) }
func (c *control) Send(id int, text string) { c.sent = append(c.sent, fmt.Sprintf("%d:%s", id, text)) }
func (c *control) CloseClient(id int)       { c.closed = append(c.closed, id) }
func (c *control) Disconnect(id string)     { c.disconnected = append(c.disconnected, id) }
func (c *control) Save(path string, data []byte) {
	if c.saved == nil {
		c.saved = map[string][]byte{}
	}
	c.saved[path] = data
}

func chat() app.App {
	return app.App{API: app.API{ID: "chat000000", LogicalID: "ChatApi", SelectionExpr: "$request.body.action", Stages: []string{"prod"},
		Routes: []app.Route{
			{Key: "$connect", Kind: app.Lambda, Function: "OnConnectFunction"},
			{Key: "$disconnect", Kind: app.Lambda, Function: "OnDisconnectFunction"},
			{Key: "sendmessage", Kind: app.Lambda, Function: "SendMessageFunction", TwoWay: true},
			{Key: "join", Kind: app.Lambda, Function: "SendMessageFunction"},
		},
		ConnectAuthorizer: &app.Authorizer{Function: "AuthFunction", IdentitySources: []string{"route.request.querystring.token", "route.request.header.X-Team"}},
	}}
}

var t0 = time.Date(2026, 12, 6, 10, 0, 0, 0, time.UTC)

func at(s int) time.Time { return t0.Add(time.Duration(s) * time.Second) }

// script is a client connecting, a routed 2-way message, a Forbidden one, a
// failing one, a refused connection and a 1-way body warning.
var script = []event.Event{
	{Time: at(0), Kind: event.Listening, Text: "ws://127.0.0.1:3001 (local use only)"},
	{Time: at(1), Kind: event.Invoke, ConnectionID: "Ab1Cd2Ef3Gh=", RouteKey: "$connect", Function: "AuthFunction", Duration: 2 * time.Millisecond},
	{Time: at(1), Kind: event.Connect, ConnectionID: "Ab1Cd2Ef3Gh=", Text: "/prod?token=good"},
	{Time: at(2), Kind: event.Message, ConnectionID: "Ab1Cd2Ef3Gh=", RequestID: "r1", Body: `{"action":"sendmessage","data":"hi"}`},
	{Time: at(2), Kind: event.Route, ConnectionID: "Ab1Cd2Ef3Gh=", RequestID: "r1", RouteKey: "sendmessage", Why: `action is "sendmessage"`},
	{Time: at(2), Kind: event.Invoke, ConnectionID: "Ab1Cd2Ef3Gh=", RequestID: "r1", RouteKey: "sendmessage", Function: "SendMessageFunction", Duration: 12 * time.Millisecond, Status: 200, Body: "sent",
		Request:  json.RawMessage(`{"requestContext":{"routeKey":"sendmessage","connectionId":"Ab1Cd2Ef3Gh="},"body":"{\"action\":\"sendmessage\",\"data\":\"hi\"}"}`),
		Response: json.RawMessage(`{"statusCode":200,"body":"sent"}`)},
	{Time: at(2), Kind: event.Reply, ConnectionID: "Ab1Cd2Ef3Gh=", RequestID: "r1", RouteKey: "sendmessage", Body: "sent"},
	{Time: at(3), Kind: event.Output, Function: "SendMessageFunction", Text: "posted to 1 connection"},
	{Time: at(4), Kind: event.Message, ConnectionID: "Ab1Cd2Ef3Gh=", RequestID: "r2", Body: `{"action":"nope"}`},
	{Time: at(4), Kind: event.Route, ConnectionID: "Ab1Cd2Ef3Gh=", RequestID: "r2", Why: `Forbidden: action is "nope", which no route has, and there is no $default`},
	{Time: at(5), Kind: event.Message, ConnectionID: "Ab1Cd2Ef3Gh=", RequestID: "r3", Body: `{"action":"join"}`},
	{Time: at(5), Kind: event.Route, ConnectionID: "Ab1Cd2Ef3Gh=", RequestID: "r3", RouteKey: "join", Why: `action is "join"`},
	{Time: at(5), Kind: event.Invoke, ConnectionID: "Ab1Cd2Ef3Gh=", RequestID: "r3", RouteKey: "join", Function: "SendMessageFunction", Duration: 3 * time.Millisecond, Text: "Error: boom"},
	{Time: at(6), Kind: event.Refused, ConnectionID: "Zz9Yy8Xx7Ww=", Status: 401, Why: "identity source route.request.querystring.token is missing"},
	{Time: at(7), Kind: event.Warning, ConnectionID: "Ab1Cd2Ef3Gh=", RouteKey: "join", Function: "SendMessageFunction", Text: "a 1-way route returned a body; API Gateway drops it (add a route response)"},
	{Time: at(8), Kind: event.Push, ConnectionID: "Ab1Cd2Ef3Gh=", Body: "hello all"},
}

func feed(m *Model, evs ...event.Event) {
	for _, e := range evs {
		m.Update(EventMsg{Event: e})
	}
}

var named = map[string]tea.KeyPressMsg{
	"enter": {Code: tea.KeyEnter}, "esc": {Code: tea.KeyEscape}, "tab": {Code: tea.KeyTab},
	"up": {Code: tea.KeyUp}, "down": {Code: tea.KeyDown}, "ctrl+c": {Code: 'c', Mod: tea.ModCtrl},
	"ctrl+r": {Code: 'r', Mod: tea.ModCtrl}, "backspace": {Code: tea.KeyBackspace},
}

// press sends named keys or types text.
func press(m *Model, keys ...string) tea.Cmd {
	var last tea.Cmd
	for _, k := range keys {
		if msg, ok := named[k]; ok {
			_, last = m.Update(msg)
			continue
		}
		for _, r := range k {
			_, last = m.Update(tea.KeyPressMsg{Code: r, Text: string(r)})
		}
	}
	return last
}

func view(m *Model, w, h int) string {
	m.Update(tea.WindowSizeMsg{Width: w, Height: h})
	return ansi.Strip(m.View().Content)
}

func newDash(ctl *control) *Model { return New(chat(), "ws://127.0.0.1:3001", ctl, WithNoColor()) }

func TestCountsConnections(t *testing.T) {
	m := newDash(&control{})
	feed(m, script...)
	c := m.conns["Ab1Cd2Ef3Gh="]
	if c == nil || c.in != 3 || c.out != 2 || !c.last.Equal(at(8)) || c.source != "/prod?token=good" {
		t.Fatalf("connection counted as %+v", c)
	}
	if _, ok := m.conns["Zz9Yy8Xx7Ww="]; ok {
		t.Error("a refused connection is listed as open")
	}
	feed(m, event.Event{Time: at(9), Kind: event.Disconnect, ConnectionID: "Ab1Cd2Ef3Gh=", Status: 1000})
	if len(m.conns) != 0 || len(m.order) != 0 {
		t.Errorf("a closed connection stays: %v", m.order)
	}
}

func TestLogShowsWhy(t *testing.T) {
	m := newDash(&control{})
	feed(m, script...)
	v := view(m, 200, 50)
	for _, want := range []string{
		`sendmessage (action is "sendmessage")`,
		"Forbidden: action is \"nope\"",
		"Error: boom",
		"refused    Zz9Yy8Xx7Ww= status=401 (identity source route.request.querystring.token is missing)",
		"API Gateway drops it",
		"posted to 1 connection",
		"push       Ab1Cd2Ef3Gh= hello all",
	} {
		if !strings.Contains(v, want) {
			t.Errorf("the log lacks %q:\n%s", want, v)
		}
	}
}

func TestFilterByFunction(t *testing.T) {
	m := newDash(&control{})
	feed(m, script...)
	press(m, "f") // AuthFunction, the first function seen
	press(m, "f") // SendMessageFunction
	if m.filter != "SendMessageFunction" {
		t.Fatalf("filter %q", m.filter)
	}
	for _, i := range m.shown {
		if m.events[i].Function != "SendMessageFunction" {
			t.Errorf("filtered log shows %+v", m.events[i])
		}
	}
	if len(m.shown) != 4 {
		t.Errorf("%d events of SendMessageFunction, want 4", len(m.shown))
	}
	press(m, "f")
	if m.filter != "" || len(m.shown) != len(script) {
		t.Errorf("f did not come back to all: %q, %d", m.filter, len(m.shown))
	}
}

func TestDetailAndSave(t *testing.T) {
	ctl := &control{}
	m := newDash(ctl)
	feed(m, script...)
	// From the newest, up to the invocation of sendmessage.
	for m.events[m.shown[m.cursor]].Kind != event.Invoke || m.events[m.shown[m.cursor]].RouteKey != "sendmessage" {
		press(m, "up")
	}
	press(m, "enter")
	v := view(m, 120, 40)
	for _, want := range []string{`"routeKey": "sendmessage"`, `"statusCode": 200`, "SendMessageFunction", "Event the handler received"} {
		if !strings.Contains(v, want) {
			t.Errorf("the detail lacks %q:\n%s", want, v)
		}
	}
	press(m, "s")
	data, ok := ctl.saved["event-sendmessage.json"]
	if !ok {
		t.Fatalf("s saved %v", ctl.saved)
	}
	var got map[string]any
	if err := json.Unmarshal(data, &got); err != nil || got["body"] != `{"action":"sendmessage","data":"hi"}` {
		t.Errorf("saved %s (%v)", data, err)
	}
	m.Update(Saved{Path: "event-sendmessage-1.json"})
	if v := view(m, 120, 40); !strings.Contains(v, "saved event-sendmessage-1.json") {
		t.Errorf("no saved note:\n%s", v)
	}
	press(m, "esc")
	if m.detail != nil {
		t.Error("esc did not leave the detail")
	}
}

func TestClient(t *testing.T) {
	ctl := &control{}
	m := newDash(ctl)
	press(m, "o", "backspace", "backspace", "backspace", "backspace", "prod", "tab", "good", "tab", "blue", "enter")
	if len(ctl.dialed) != 1 {
		t.Fatalf("dialed %v", ctl.dialed)
	}
	d := ctl.dialed[0]
	if d.Stage != "prod" || d.Query["token"] != "good" || d.Header["X-Team"] != "blue" {
		t.Errorf("dialed %+v", d)
	}
	m.Update(ClientOpened{ID: 1})
	if !m.typing || m.input.Value() != `{"action":"sendmessage"}` {
		t.Fatalf("typing %v, message %q", m.typing, m.input.Value())
	}
	press(m, "enter")
	press(m, "ctrl+r")
	if m.input.Value() != `{"action":"join"}` {
		t.Errorf("ctrl+r gave %q", m.input.Value())
	}
	// q is typed, not a quit.
	if cmd := press(m, "q"); cmd != nil && m.stopped {
		t.Fatal("q quit while typing")
	}
	m.Update(ClientReceived{ID: 1, Text: "sent"})
	m.Update(ClientReceived{ID: 1, Text: "hello all"})
	if len(ctl.sent) != 1 || ctl.sent[0] != `1:{"action":"sendmessage"}` {
		t.Errorf("sent %v", ctl.sent)
	}
	v := view(m, 120, 40)
	for _, want := range []string{`→ {"action":"sendmessage"}`, "← sent", "← hello all", "Client 1 of 1 · /prod · open"} {
		if !strings.Contains(v, want) {
			t.Errorf("the client pane lacks %q:\n%s", want, v)
		}
	}
	press(m, "esc", "x")
	if len(ctl.closed) != 1 || ctl.closed[0] != 1 {
		t.Errorf("x closed %v", ctl.closed)
	}
	m.Update(ClientClosed{ID: 1, Code: 1000})
	m.Update(ClientClosed{ID: 9, Err: errors.New("ignored")})
	if c := m.clients[0]; c.open || c.status != "closed 1000" {
		t.Errorf("client %+v", c)
	}
	// The next connection starts from what the last was opened with.
	press(m, "o", "tab", "backspace", "backspace", "backspace", "backspace", "better", "enter")
	if len(ctl.dialed) != 2 || ctl.dialed[1].Stage != "prod" || ctl.dialed[1].Query["token"] != "better" || ctl.dialed[1].Header["X-Team"] != "blue" {
		t.Errorf("second dial %+v, want prod, token better, X-Team blue", ctl.dialed[1:])
	}
}

func TestDisconnect(t *testing.T) {
	ctl := &control{}
	m := newDash(ctl)
	feed(m, script...)
	press(m, "tab", "d")
	if len(ctl.disconnected) != 1 || ctl.disconnected[0] != "Ab1Cd2Ef3Gh=" {
		t.Errorf("disconnected %v", ctl.disconnected)
	}
}

func TestQuit(t *testing.T) {
	for _, k := range []string{"q", "ctrl+c"} {
		m := newDash(&control{})
		if cmd := press(m, k); cmd == nil || !m.stopped {
			t.Errorf("%s did not quit", k)
		}
	}
	m := newDash(&control{})
	press(m, "o")
	if cmd := press(m, "ctrl+c"); cmd == nil || !m.stopped {
		t.Error("ctrl+c did not quit from the open form")
	}
}

// TestViews draws the dashboard at the sizes it must work at: every line
// fits, borders are whole, the footer says how to quit.
func TestViews(t *testing.T) {
	cases := []struct {
		name string
		prep func(m *Model)
	}{
		{"log", func(m *Model) { feed(m, script...) }},
		{"detail", func(m *Model) {
			feed(m, script...)
			for m.events[m.shown[m.cursor]].RouteKey != "sendmessage" || m.events[m.shown[m.cursor]].Kind != event.Invoke {
				press(m, "up")
			}
			press(m, "enter")
		}},
		{"client", func(m *Model) {
			feed(m, script...)
			press(m, "o", "tab", "good", "enter")
			m.Update(ClientOpened{ID: 1})
			press(m, "enter")
			m.Update(ClientReceived{ID: 1, Text: "sent"})
			m.Update(ClientReceived{ID: 1, Text: "hello all"})
		}},
	}
	for _, c := range cases {
		for _, size := range [][2]int{{80, 24}, {120, 40}, {200, 50}} {
			t.Run(fmt.Sprintf("%s_%dx%d", c.name, size[0], size[1]), func(t *testing.T) {
				m := newDash(&control{})
				c.prep(m)
				v := view(m, size[0], size[1])
				rows := strings.Split(v, "\n")
				if len(rows) > size[1] {
					t.Errorf("%d lines on a terminal of %d", len(rows), size[1])
				}
				for i, r := range rows {
					if w := ansi.StringWidth(r); w > size[0] {
						t.Errorf("line %d is %d wide: %q", i+1, w, r)
					}
					if p := strings.TrimRight(r, " "); strings.ContainsAny(p, "│╭╰") && !strings.HasSuffix(p, "│") && !strings.HasSuffix(p, "╮") && !strings.HasSuffix(p, "╯") {
						t.Errorf("line %d breaks a border: %q", i+1, p)
					}
				}
				if !strings.Contains(rows[len(rows)-1], "quit") {
					t.Errorf("the footer does not say how to quit: %q", rows[len(rows)-1])
				}
				golden.RequireEqual(t, v)
			})
		}
	}
}

func TestFullHelp(t *testing.T) {
	m := newDash(&control{})
	press(m, "?")
	v := view(m, 120, 40)
	for _, want := range []string{"filter by function", "open connection", "next pane", "q", "ctrl+c", "quit"} {
		if !strings.Contains(v, want) {
			t.Errorf("full help lacks %q:\n%s", want, v)
		}
	}
	if n := strings.Count(v, "open connection"); n != 1 {
		t.Errorf("open connection listed %d times:\n%s", n, v)
	}
}

// TestProgram runs the dashboard as a program: the scripted events reach
// the screen, and q ends it.
func TestProgram(t *testing.T) {
	tm := teatest.NewTestModel(t, newDash(&control{}), teatest.WithInitialTermSize(120, 40),
		teatest.WithProgramOptions(tea.WithColorProfile(colorprofile.ASCII)))
	for _, e := range script {
		tm.Send(EventMsg{Event: e})
	}
	teatest.WaitFor(t, tm.Output(), func(b []byte) bool {
		return bytes.Contains(b, []byte("Forbidden")) && bytes.Contains(b, []byte("hello all"))
	}, teatest.WithDuration(5*time.Second))
	tm.Type("q")
	m := tm.FinalModel(t, teatest.WithFinalTimeout(5*time.Second)).(*Model)
	if !m.stopped || len(m.events) != len(script) {
		t.Errorf("stopped %v with %d events", m.stopped, len(m.events))
	}
}

// TestClientSignsIAMConnect: for an AWS_IAM $connect the built-in client's
// form holds a presigned URL's parameters, which dev reads and does not
// verify, so the connection is let in.
func TestClientSignsIAMConnect(t *testing.T) {
	a := chat()
	a.API.ConnectAuthorizer = nil
	a.API.Routes[0].IAM = true
	ctl := &control{}
	m := New(a, "ws://127.0.0.1:3001", ctl, WithNoColor())
	press(m, "o", "enter")
	if len(ctl.dialed) != 1 {
		t.Fatalf("dialed %v", ctl.dialed)
	}
	q := ctl.dialed[0].Query
	if q["X-Amz-Algorithm"] != "AWS4-HMAC-SHA256" || !strings.HasSuffix(q["X-Amz-Credential"], "/execute-api/aws4_request") || q["X-Amz-Signature"] == "" {
		t.Errorf("dialed with the query %v, want a presigned URL's parameters", q)
	}
}
