package dash

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	"charm.land/bubbles/v2/viewport"
	tea "charm.land/bubbletea/v2"

	"github.com/wsdesign/wsdesign/dev/app"
	"github.com/wsdesign/wsdesign/dev/event"
)

// maxEvents bounds the log the dashboard keeps; older events are dropped.
const maxEvents = 5000

// Control is what the dashboard asks of the server. Every method returns at
// once: the caller does the work and answers with ClientOpened,
// ClientClosed, ClientReceived and Saved.
type Control interface {
	// Dial opens a built-in client connection.
	Dial(c Client)
	Send(client int, text string)
	CloseClient(client int)
	// Disconnect closes a connection as DELETE @connections does.
	Disconnect(connectionID string)
	// Save writes data to a new file named after name (event-join.json
	// becomes event-join-1.json, or -2 when that exists) and answers with
	// the path written.
	Save(name string, data []byte)
}

// Client is a connection the built-in client opens.
type Client struct {
	ID     int // chosen by the dashboard: 1, 2, …
	Stage  string
	Query  map[string]string
	Header map[string]string
}

// Messages the caller sends with tea.Program.Send.
type (
	// EventMsg is one event of the server's stream.
	EventMsg struct{ Event event.Event }
	// Served says that the API served is now a (after a reload).
	Served struct{ App app.App }
	// ClientOpened says that a client connection is open.
	ClientOpened struct{ ID int }
	// ClientClosed says that a client connection was refused (Err, with
	// the HTTP status as Code) or closed (the close code and reason).
	ClientClosed struct {
		ID     int
		Code   int
		Reason string
		Err    error
	}
	// ClientReceived is a frame a client connection received.
	ClientReceived struct {
		ID   int
		Text string
	}
	// Saved answers Control.Save.
	Saved struct {
		Path string
		Err  error
	}
)

type pane int

const (
	paneLog pane = iota
	paneConns
	paneClient
)

// conn is an open connection as the dashboard counts it.
type conn struct {
	id       string
	at, last time.Time
	source   string
	in, out  int
}

// client is one connection of the built-in client.
type client struct {
	id     int
	stage  string
	open   bool
	status string
	lines  []string // what was sent (→) and received (←)
}

// Model is the dashboard.
type Model struct {
	app    app.App
	url    string
	ctl    Control
	keys   keyMap
	help   help.Model
	styles styles

	width, height int
	focus         pane

	events []event.Event
	// shown indexes events that pass the filter; cursor is a position in
	// shown, follow keeps it on the newest.
	shown  []int
	cursor int
	follow bool
	filter string // a function's logical ID, or "" for all

	conns map[string]*conn
	order []string // connection IDs in the order they connected
	sel   int      // selected connection

	detail   *event.Event
	viewport viewport.Model

	showClient bool
	clients    []*client
	current    int // index in clients
	input      textinput.Model
	typing     bool
	opening    *openForm
	lastOpen   []string // the values the last connection was opened with
	routeN     int      // which route ctrl+r put in the message last

	note    string
	reload  string // what the last reload said
	stopped bool
}

// Option configures the dashboard.
type Option func(*Model)

// WithNoColor draws without colours (NO_COLOR).
func WithNoColor() Option { return func(m *Model) { m.styles = newStyles(false) } }

// New builds the dashboard of the API a, served at url.
func New(a app.App, url string, ctl Control, opts ...Option) *Model {
	m := &Model{app: a, url: url, ctl: ctl, keys: newKeyMap(), help: help.New(), styles: newStyles(true),
		follow: true, conns: map[string]*conn{}, width: 80, height: 24, routeN: 1}
	for _, o := range opts {
		o(m)
	}
	m.help.Styles = m.styles.help
	m.input = textinput.New()
	m.input.Prompt = "> "
	m.input.CharLimit = 128 * 1024
	m.input.SetValue(m.template())
	m.viewport = viewport.New()
	return m
}

// Init implements tea.Model.
func (m *Model) Init() tea.Cmd { return nil }

// Update implements tea.Model.
func (m *Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.width, m.height = msg.Width, msg.Height
	case EventMsg:
		m.add(msg.Event)
	case Served:
		m.app = msg.App
	case ClientOpened:
		if c := m.client(msg.ID); c != nil {
			c.open, c.status = true, "open"
		}
	case ClientClosed:
		if c := m.client(msg.ID); c != nil {
			c.open = false
			switch {
			case msg.Err != nil:
				c.status = "refused: " + msg.Err.Error()
			case msg.Reason != "":
				c.status = fmt.Sprintf("closed %d %s", msg.Code, msg.Reason)
			default:
				c.status = fmt.Sprintf("closed %d", msg.Code)
			}
		}
	case ClientReceived:
		if c := m.client(msg.ID); c != nil {
			c.lines = append(c.lines, "← "+msg.Text)
		}
	case Saved:
		if msg.Err != nil {
			m.note = "not saved: " + msg.Err.Error()
		} else {
			m.note = "saved " + msg.Path + " (sam local invoke -e " + msg.Path + ")"
		}
	case tea.KeyPressMsg:
		return m, m.key(msg)
	}
	return m, nil
}

// add appends an event, counts it against its connection and keeps the
// log's cursor on the newest when following.
func (m *Model) add(e event.Event) {
	if len(m.events) == maxEvents {
		m.events = slices.Delete(m.events, 0, maxEvents/10)
		m.refilter()
	}
	m.events = append(m.events, e)
	if m.passes(e) {
		m.shown = append(m.shown, len(m.events)-1)
	}
	if m.follow {
		m.cursor = len(m.shown) - 1
	}
	if e.Kind == event.Reload {
		m.reload = e.Text
	}
	if e.ConnectionID == "" {
		return
	}
	c := m.conns[e.ConnectionID]
	switch e.Kind {
	case event.Connect:
		c = &conn{id: e.ConnectionID, at: e.Time, source: e.Text}
		m.conns[e.ConnectionID] = c
		m.order = append(m.order, e.ConnectionID)
	case event.Disconnect:
		delete(m.conns, e.ConnectionID)
		if i := slices.Index(m.order, e.ConnectionID); i >= 0 {
			m.order = slices.Delete(m.order, i, i+1)
		}
		m.sel = max(0, min(m.sel, len(m.order)-1))
		return
	}
	if c == nil {
		return
	}
	c.last = e.Time
	switch e.Kind {
	case event.Message:
		c.in++
	case event.Reply, event.Push:
		c.out++
	}
}

func (m *Model) passes(e event.Event) bool { return m.filter == "" || e.Function == m.filter }

func (m *Model) refilter() {
	m.shown = m.shown[:0]
	for i, e := range m.events {
		if m.passes(e) {
			m.shown = append(m.shown, i)
		}
	}
	m.cursor = max(0, min(m.cursor, len(m.shown)-1))
	if m.follow {
		m.cursor = len(m.shown) - 1
	}
}

// functions are the functions the log has seen, in the order first seen.
func (m *Model) functions() []string {
	var out []string
	for _, e := range m.events {
		if e.Function != "" && !slices.Contains(out, e.Function) {
			out = append(out, e.Function)
		}
	}
	return out
}

func (m *Model) client(id int) *client {
	for _, c := range m.clients {
		if c.id == id {
			return c
		}
	}
	return nil
}

func (m *Model) key(msg tea.KeyPressMsg) tea.Cmd {
	k := m.keys
	if key.Matches(msg, k.QuitNow) {
		return m.quit()
	}
	switch {
	case m.opening != nil:
		return m.updateOpen(msg)
	case m.typing:
		return m.updateTyping(msg)
	}
	m.note = ""
	switch {
	case key.Matches(msg, k.Quit):
		return m.quit()
	case key.Matches(msg, k.Help):
		m.help.ShowAll = !m.help.ShowAll
		return nil
	}
	if m.detail != nil {
		return m.updateDetail(msg)
	}
	switch {
	case key.Matches(msg, k.Pane):
		m.focus = (m.focus + 1) % 3
		if m.focus == paneClient && !m.showClient {
			m.focus = paneLog
		}
	case key.Matches(msg, k.Client):
		m.showClient = !m.showClient
		m.focus = paneLog
		if m.showClient {
			m.focus = paneClient
		}
	case key.Matches(msg, k.Connect):
		m.showClient, m.focus = true, paneClient
		m.opening = m.newOpenForm()
		return m.opening.focus()
	case key.Matches(msg, k.Filter):
		fns := append([]string{""}, m.functions()...)
		m.filter = fns[(slices.Index(fns, m.filter)+1)%len(fns)]
		m.refilter()
	case m.focus == paneLog:
		m.updateLog(msg)
	case m.focus == paneConns:
		m.updateConns(msg)
	case m.focus == paneClient:
		return m.updateClient(msg)
	}
	return nil
}

func (m *Model) quit() tea.Cmd {
	m.stopped = true
	return tea.Quit
}

func (m *Model) updateLog(msg tea.KeyPressMsg) {
	k := m.keys
	switch {
	case key.Matches(msg, k.Up):
		m.cursor = max(0, m.cursor-1)
	case key.Matches(msg, k.Down):
		m.cursor = min(len(m.shown)-1, m.cursor+1)
	case key.Matches(msg, k.Top):
		m.cursor = 0
	case key.Matches(msg, k.Bottom):
		m.cursor = len(m.shown) - 1
	case key.Matches(msg, k.Open) && len(m.shown) > 0:
		e := m.events[m.shown[m.cursor]]
		m.detail = &e
		m.viewport = viewport.New()
		m.viewport.SoftWrap = true
		m.viewport.SetContent(detailText(e))
		return
	}
	// Following resumes at the newest event.
	m.follow = m.cursor >= len(m.shown)-1
}

func (m *Model) updateConns(msg tea.KeyPressMsg) {
	k := m.keys
	switch {
	case key.Matches(msg, k.Up):
		m.sel = max(0, m.sel-1)
	case key.Matches(msg, k.Down):
		m.sel = max(0, min(len(m.order)-1, m.sel+1))
	case key.Matches(msg, k.Disconnect) && len(m.order) > 0:
		id := m.order[m.sel]
		m.ctl.Disconnect(id)
		m.note = "disconnecting " + id
	}
}

func (m *Model) updateDetail(msg tea.KeyPressMsg) tea.Cmd {
	k := m.keys
	switch {
	case key.Matches(msg, k.Back):
		m.detail = nil
		return nil
	case key.Matches(msg, k.Save) && m.detail.Request != nil:
		m.ctl.Save(saveName(*m.detail), indented(m.detail.Request))
		return nil
	case key.Matches(msg, k.Top):
		m.viewport.GotoTop()
		return nil
	case key.Matches(msg, k.Bottom):
		m.viewport.GotoBottom()
		return nil
	}
	var cmd tea.Cmd
	m.viewport, cmd = m.viewport.Update(msg)
	return cmd
}

// saveName is the name an event is saved under: event-sendmessage.json
// (the caller numbers it to keep earlier ones).
func saveName(e event.Event) string {
	route := strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' {
			return r
		}
		return -1
	}, e.RouteKey)
	if route == "" {
		route = "event"
	}
	return "event-" + route + ".json"
}

func indented(raw json.RawMessage) []byte {
	var b bytes.Buffer
	if json.Indent(&b, raw, "", "  ") != nil {
		return append(append([]byte(nil), raw...), '\n')
	}
	b.WriteByte('\n')
	return b.Bytes()
}

// detailText is the whole event: its fields, then the event the handler
// received and what it returned, as JSON.
func detailText(e event.Event) string {
	var b strings.Builder
	field := func(name, v string) {
		if v != "" {
			fmt.Fprintf(&b, "%-13s %s\n", name, v)
		}
	}
	field("time", e.Time.Format("15:04:05.000"))
	field("kind", string(e.Kind))
	field("connection", e.ConnectionID)
	field("request", e.RequestID)
	field("route", e.RouteKey)
	field("why", e.Why)
	field("function", e.Function)
	if e.Duration != 0 {
		field("duration", e.Duration.Round(time.Microsecond).String())
	}
	if e.Status != 0 {
		field("status", fmt.Sprint(e.Status))
	}
	field("body", e.Body)
	field("text", e.Text)
	if e.Request != nil {
		b.WriteString("\nEvent the handler received (s saves it, to replay with sam local invoke -e):\n")
		b.Write(indented(e.Request))
	}
	if e.Response != nil {
		b.WriteString("\nWhat it returned:\n")
		b.Write(indented(e.Response))
	}
	return b.String()
}
