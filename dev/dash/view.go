package dash

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/wsdesign/wsdesign/dev/event"
)

// Layout thresholds.
const (
	sideBySide = 140 // from this width the connections and the client sit beside the log
	minWidth   = 40
	minHeight  = 12
)

// View implements tea.Model.
func (m *Model) View() tea.View {
	v := tea.NewView(m.render())
	v.AltScreen = true
	v.WindowTitle = "wsdesign dev"
	return v
}

func (m *Model) render() string {
	if m.width < minWidth || m.height < minHeight {
		return ansi.Wrap(fmt.Sprintf("wsdesign dev needs a terminal of at least %d×%d; this one is %d×%d.", minWidth, minHeight, m.width, m.height), max(m.width, 1), "")
	}
	header := m.header()
	footer := m.footer()
	h := m.height - len(header) - len(footer)
	var body []string
	switch {
	case m.detail != nil:
		m.viewport.SetWidth(m.width - 4)
		m.viewport.SetHeight(max(1, h-2))
		body = m.box("Event "+string(m.detail.Kind)+" (esc back)", strings.Split(m.viewport.View(), "\n"), m.width, h, true)
	case m.width >= sideBySide:
		right := min(72, m.width*2/5)
		left := m.box(m.logTitle(), m.logLines(m.width-right-4, h-2), m.width-right, h, m.focus == paneLog)
		var side []string
		if m.showClient {
			ch := min(max(6, h*3/5), h-3)
			side = append(m.box(m.connsTitle(), m.connLines(right-4), right, h-ch, m.focus == paneConns),
				m.box(m.clientTitle(), m.clientLines(right-4, ch-2), right, ch, m.focus == paneClient)...)
		} else {
			side = m.box(m.connsTitle(), m.connLines(right-4), right, h, m.focus == paneConns)
		}
		for i := range h {
			body = append(body, left[i]+side[i])
		}
	default:
		ch := 0
		if m.showClient {
			ch = max(6, h/3)
		}
		conns := m.connLines(m.width - 4)
		cn := min(len(conns), max(1, (h-ch)/4)) + 2
		logH := h - ch - cn
		body = append(body, m.box(m.connsTitle(), conns, m.width, cn, m.focus == paneConns)...)
		body = append(body, m.box(m.logTitle(), m.logLines(m.width-4, logH-2), m.width, logH, m.focus == paneLog)...)
		if ch > 0 {
			body = append(body, m.box(m.clientTitle(), m.clientLines(m.width-4, ch-2), m.width, ch, m.focus == paneClient)...)
		}
	}
	return strings.Join(append(append(header, body...), footer...), "\n")
}

// header is the API, its URL and its routes.
func (m *Model) header() []string {
	s := m.styles
	api := m.app.API
	url := m.url
	if len(api.Stages) > 0 {
		url += "/" + api.Stages[0]
	}
	lines := []string{s.title.Render("wsdesign dev") + " · " + cmp.Or(api.LogicalID, api.ID) + " · " + url + s.hint.Render(" (local use only)")}
	var routes []string
	for _, r := range api.Routes {
		mode := "1-way"
		if r.TwoWay {
			mode = "2-way"
		}
		handler := r.Function
		if handler == "" {
			handler = r.Kind
		}
		item := r.Key + " " + mode + " " + handler
		if r.Key == "$connect" && api.ConnectAuthorizer != nil {
			item += " (authorizer " + api.ConnectAuthorizer.Function + ")"
		}
		routes = append(routes, item)
	}
	// The routes wrap between routes, under the first, on up to two lines
	// (three on a tall terminal); the last line cut shows it with ….
	lead := s.label.Render("selector ") + api.SelectionExpr + s.label.Render("  routes ")
	indent := strings.Repeat(" ", ansi.StringWidth(lead))
	most := 2
	if m.height >= 30 {
		most = 3
	}
	line := lead
	for i, r := range routes {
		switch {
		case i == 0:
			line += r
		case len(lines) < most && ansi.StringWidth(line+" · "+r) > m.width:
			lines = append(lines, line)
			line = indent + r
		default:
			line += " · " + r
		}
	}
	lines = append(lines, line)
	if m.reload != "" {
		lines = append(lines, s.good.Render("reloaded: ")+m.reload)
	}
	for i := range lines {
		lines[i] = ansi.Truncate(lines[i], m.width, "…")
	}
	return lines
}

func (m *Model) footer() []string {
	k := m.keys
	var keys []key.Binding
	switch {
	case m.opening != nil:
		keys = []key.Binding{
			key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "connect")),
			key.NewBinding(key.WithKeys("tab"), key.WithHelp("tab", "next field")), k.Back}
	case m.typing:
		keys = []key.Binding{k.Send, k.NextRoute, key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "stop typing"))}
	case m.detail != nil:
		keys = []key.Binding{k.Save, key.NewBinding(key.WithKeys("up"), key.WithHelp("↑/↓", "scroll")), k.Top, k.Back}
	case m.focus == paneConns:
		keys = []key.Binding{k.Up, k.Disconnect, k.Pane, k.Client, k.Connect}
	case m.focus == paneClient:
		keys = []key.Binding{k.Type, k.Connect, k.CloseClient, k.NextClient, k.Pane}
	default:
		keys = []key.Binding{k.Up, k.Open, k.Filter, k.Pane, k.Client, k.Connect, k.Top}
	}
	quit := []key.Binding{k.Help, k.QuitNow}
	if !m.typing && m.opening == nil {
		quit = []key.Binding{k.Help, k.Quit}
	}
	var out []string
	if m.note != "" {
		out = append(out, ansi.Truncate(m.styles.warn.Render(m.note), m.width, "…"))
	}
	if m.help.ShowAll {
		m.help.SetWidth(m.width)
		var general []key.Binding
		for _, b := range []key.Binding{k.Filter, k.Client, k.Connect, k.Pane} {
			if !slices.ContainsFunc(keys, func(o key.Binding) bool { return o.Help() == b.Help() }) {
				general = append(general, b)
			}
		}
		full := m.help.FullHelpView([][]key.Binding{keys, general, append(quit, k.QuitNow)})
		return append(out, strings.Split(full, "\n")...)
	}
	// The screen's keys give way to help and quit, which are always shown.
	always := m.help.ShortHelpView(quit)
	room := m.width - ansi.StringWidth(always) - 3
	m.help.SetWidth(max(room, 0))
	short := ansi.Truncate(m.help.ShortHelpView(keys), max(room, 0), "…")
	if short == "" {
		return append(out, ansi.Truncate(always, m.width, "…"))
	}
	return append(out, short+m.help.Styles.ShortSeparator.Render(" • ")+always)
}

// box draws lines in a rounded border with the title in its top edge,
// exactly w columns wide and h lines high.
func (m *Model) box(title string, lines []string, w, h int, focused bool) []string {
	if h < 2 {
		return nil
	}
	b := m.styles.border
	if focused {
		b = m.styles.focused
	}
	inner := w - 4
	title = ansi.Truncate(" "+title+" ", max(0, w-4), "…")
	out := []string{b.Render("╭─") + title + b.Render(strings.Repeat("─", max(0, w-3-ansi.StringWidth(title)))+"╮")}
	for i := range h - 2 {
		l := ""
		if i < len(lines) {
			l = ansi.Truncate(lines[i], inner, "…")
		}
		out = append(out, b.Render("│")+" "+l+strings.Repeat(" ", max(0, inner-ansi.StringWidth(l)))+" "+b.Render("│"))
	}
	return append(out, b.Render("╰"+strings.Repeat("─", w-2)+"╯"))
}

func (m *Model) logTitle() string {
	t := fmt.Sprintf("Log (%d)", len(m.shown))
	if m.filter != "" {
		t += " · " + m.filter + " only (f: next)"
	}
	if !m.follow {
		t += " · paused (G: follow)"
	}
	return t
}

// logLines are the events around the cursor, newest at the bottom.
func (m *Model) logLines(w, n int) []string {
	if len(m.shown) == 0 {
		return []string{m.styles.hint.Render("Waiting for connections: connect a client to " + m.url + ", or press o.")}
	}
	last := min(len(m.shown), max(m.cursor+1, n))
	first := max(0, last-n)
	out := make([]string, 0, n)
	for i := first; i < last; i++ {
		e := m.events[m.shown[i]]
		l := ansi.Truncate(event.Format(e), w, "…")
		switch {
		case i == m.cursor && m.focus == paneLog:
			l = m.styles.cursor.Render(l)
		case e.Kind == event.Refused, e.Kind == event.Invoke && e.Text != "", e.Kind == event.Route && strings.HasPrefix(e.Why, "Forbidden"):
			l = m.styles.bad.Render(l)
		case e.Kind == event.Warning:
			l = m.styles.warn.Render(l)
		case e.Kind == event.Reload:
			l = m.styles.good.Render(l)
		}
		out = append(out, l)
	}
	return out
}

func (m *Model) connsTitle() string { return fmt.Sprintf("Connections (%d)", len(m.order)) }

func (m *Model) connLines(w int) []string {
	if len(m.order) == 0 {
		return []string{m.styles.hint.Render("none open")}
	}
	out := []string{m.styles.hint.Render(fmt.Sprintf("%-16s %-8s %7s %-8s %s", "ID", "since", "in/out", "last", "source"))}
	for i, id := range m.order {
		c := m.conns[id]
		l := fmt.Sprintf("%-16s %-8s %3d/%-3d %-8s %s", id, c.at.Format("15:04:05"), c.in, c.out, c.last.Format("15:04:05"), c.source)
		l = ansi.Truncate(l, w, "…")
		if i == m.sel && m.focus == paneConns {
			l = m.styles.cursor.Render(l)
		}
		out = append(out, l)
	}
	return out
}

func (m *Model) clientTitle() string {
	if len(m.clients) == 0 {
		return "Client"
	}
	c := m.clients[m.current]
	return fmt.Sprintf("Client %d of %d · /%s · %s", m.current+1, len(m.clients), c.stage, c.status)
}

// clientLines are the open form, or the current client's exchange and its
// message input.
func (m *Model) clientLines(w, n int) []string {
	if f := m.opening; f != nil {
		out := []string{m.styles.label.Render("Open a connection")}
		for i, l := range f.labels {
			f.inputs[i].SetWidth(max(1, w-len(l)-3))
			out = append(out, l+": "+f.inputs[i].View())
		}
		return out
	}
	if len(m.clients) == 0 {
		return []string{m.styles.hint.Render("o opens a connection to try the API; several can be open at once.")}
	}
	c := m.clients[m.current]
	m.input.SetWidth(max(1, w-3))
	input := m.input.View()
	if !m.typing {
		input = m.styles.hint.Render("i: type a message · x: close · [/]: switch")
	}
	lines := c.lines
	if len(lines) > n-1 {
		lines = lines[len(lines)-(n-1):]
	}
	return append(append([]string(nil), lines...), input)
}
