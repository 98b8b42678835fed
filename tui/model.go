package tui

import (
	"fmt"
	"slices"
	"strings"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/wsdesign/wsdesign/model"
)

// Layout thresholds (SPEC section 6).
const (
	minWidth     = 40
	minHeight    = 12
	sideBySide   = 100
	stackedPanel = 4 // fewest panel lines worth drawing under the form
)

type screenID int

const (
	screenAPI screenID = iota
	screenEndpoints
	screenEndpoint
	screenLink
	screenAuthorizer
	screenReview
)

// steps are the screens of the breadcrumb; the endpoint editor and the
// Lambda link screen belong to the step that opened them.
var steps = []struct {
	screen screenID
	name   string
}{{screenAPI, "API"}, {screenEndpoints, "Endpoints"}, {screenAuthorizer, "Authorizer"}, {screenReview, "Review"}}

// Model is the wizard's root model. Screens are plain structs it owns; the
// design is edited in place by the API and Authorizer screens and through
// drafts by the endpoint editor and the Lambda link screen, so that Esc
// discards an edit.
type Model struct {
	opts    Options
	design  model.Design
	initial model.Design
	styles  Styles
	keys    keyMap
	help    help.Model

	width, height int
	screen        screenID

	api      apiScreen
	list     listScreen
	endpoint endpointScreen
	link     linkScreen
	auth     authScreen
	review   reviewScreen

	// plan and problems are of the design as currently shown, drafts
	// included, recomputed after every message.
	plan     model.Plan
	problems model.Problems
	// byEndpoint holds the problems of each endpoint, by index.
	byEndpoint map[int]model.Problems
	// planned is the design plan and problems were computed for.
	planned model.Design

	// grant is the answer to the Review screen's offer to give existing
	// functions what they lack to post to clients.
	grant bool

	askQuit   bool
	confirmed bool
	cancelled bool
}

// New builds the wizard over opts.Design with defaults filled in.
func New(opts Options) *Model {
	d := opts.Design
	d.Endpoints = append([]model.Endpoint(nil), d.Endpoints...)
	if d.RouteSelector == "" {
		d.RouteSelector = model.DefaultRouteSelector
	}
	if d.Stage == "" {
		d.Stage = model.DefaultStage
	}
	if d.Authorizer != nil {
		a := *d.Authorizer
		d.Authorizer = &a
	}
	m := &Model{
		opts:    opts,
		design:  d,
		initial: clone(d),
		grant:   opts.Grant,
		styles:  NewStyles(true),
		keys:    newKeyMap(),
		help:    help.New(),
		width:   80,
		height:  24,
	}
	m.help.Styles = m.styles.Help
	m.api = newAPIScreen(d)
	m.auth = newAuthScreen(d)
	m.api.form.focusOn(m.api.fields(), 0)
	m.sync()
	return m
}

// clone copies a design deeply enough that editing one never changes the
// other.
func clone(d model.Design) model.Design {
	d.Endpoints = append([]model.Endpoint(nil), d.Endpoints...)
	if d.Authorizer != nil {
		a := *d.Authorizer
		a.IdentitySource = append([]string(nil), a.IdentitySource...)
		d.Authorizer = &a
	}
	return d
}

// Result is the confirmed answers, or ErrCancelled.
func (m *Model) Result() (Answers, error) {
	if !m.confirmed {
		return Answers{}, ErrCancelled
	}
	return m.answers(), nil
}

// answers are the design as it will be written and the grant, for the
// Preview and the result.
func (m *Model) answers() Answers {
	d := clone(m.design)
	d.Normalize()
	return Answers{Design: d, Grant: m.grant}
}

// Init asks the terminal for its background colour, to pick light or dark
// styles, and focuses the first field.
func (m *Model) Init() tea.Cmd {
	return tea.Batch(tea.RequestBackgroundColor, m.api.form.focusOn(m.api.fields(), 0))
}

// Update handles one message. Everything it does is cheap: the only slow
// work, rendering the preview, runs in a command.
func (m *Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	var cmd tea.Cmd
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.width, m.height = msg.Width, msg.Height
	case tea.BackgroundColorMsg:
		m.styles = NewStyles(msg.IsDark())
		m.help.Styles = m.styles.Help
	case previewMsg:
		m.review.receive(msg, m)
	case tea.KeyPressMsg:
		cmd = m.key(msg)
	}
	m.sync()
	return m, cmd
}

func (m *Model) key(msg tea.KeyPressMsg) tea.Cmd {
	if m.askQuit {
		m.askQuit = false
		if key.Matches(msg, m.keys.Yes) {
			return m.cancel()
		}
		return nil
	}
	if key.Matches(msg, m.keys.Quit) {
		return m.quit()
	}
	switch m.screen {
	case screenAPI:
		return m.updateAPI(msg)
	case screenEndpoints:
		return m.updateList(msg)
	case screenEndpoint:
		return m.updateEndpoint(msg)
	case screenLink:
		return m.updateLink(msg)
	case screenAuthorizer:
		return m.updateAuth(msg)
	case screenReview:
		return m.updateReview(msg)
	}
	return nil
}

// quit leaves at once when nothing was answered, and asks first otherwise.
func (m *Model) quit() tea.Cmd {
	if m.dirty() {
		m.askQuit = true
		return nil
	}
	return m.cancel()
}

func (m *Model) cancel() tea.Cmd {
	m.cancelled = true
	return tea.Quit
}

// dirty reports whether the user changed anything since the wizard started.
func (m *Model) dirty() bool {
	return !sameDesign(m.current(), m.initial)
}

// sameDesign reports whether two designs hold the same answers. It is cheap
// next to planning and validating, which are skipped when it holds.
func sameDesign(a, b model.Design) bool {
	if a.Name != b.Name || a.LogicalID != b.LogicalID || a.RouteSelector != b.RouteSelector ||
		a.Description != b.Description || a.Stage != b.Stage || (a.Authorizer == nil) != (b.Authorizer == nil) {
		return false
	}
	if a.Authorizer != nil && (a.Authorizer.Handler != b.Authorizer.Handler ||
		!slices.Equal(a.Authorizer.IdentitySource, b.Authorizer.IdentitySource)) {
		return false
	}
	return slices.Equal(a.Endpoints, b.Endpoints)
}

// current is the design as shown: the open endpoint draft and link draft
// applied.
func (m *Model) current() model.Design {
	d := m.design
	editing := m.screen == screenEndpoint || m.screen == screenLink && m.link.target == targetEndpoint
	if editing {
		d.Endpoints = append([]model.Endpoint(nil), d.Endpoints...)
		e := m.endpoint.draft()
		if m.screen == screenLink {
			e.Handler = m.link.link()
		}
		if m.endpoint.index < 0 {
			d.Endpoints = append(d.Endpoints, e)
		} else {
			d.Endpoints[m.endpoint.index] = e
		}
	}
	if m.screen == screenLink && m.link.target == targetAuthorizer && d.Authorizer != nil {
		a := *d.Authorizer
		a.Handler = m.link.link()
		d.Authorizer = &a
	}
	return d
}

// editedIndex is the position of the endpoint being edited in current().
func (m *Model) editedIndex() int {
	if m.endpoint.index < 0 {
		return len(m.design.Endpoints)
	}
	return m.endpoint.index
}

// sync recomputes the plan and the problems and puts each explanation next
// to its field. It runs after every message, so it must stay cheap.
func (m *Model) sync() {
	if d := m.current(); m.byEndpoint == nil || !sameDesign(d, m.planned) {
		m.planned = clone(d)
		m.plan = model.PlanIDs(d, m.opts.IDs)
		m.problems = d.Validate(m.opts.IDs.Taken)
		m.byEndpoint = map[int]model.Problems{}
		for _, p := range m.problems {
			if i, ok := model.EndpointIndex(p.Field); ok {
				m.byEndpoint[i] = append(m.byEndpoint[i], p)
			}
		}
	}
	switch m.screen {
	case screenAPI:
		m.api.check(m)
	case screenEndpoints:
		m.list.clamp(len(m.design.Endpoints))
	case screenEndpoint:
		m.endpoint.check(m)
	case screenLink:
		m.link.check(m)
	case screenAuthorizer:
		m.auth.check(m)
	}
}

// show switches to a screen and focuses its first field.
func (m *Model) show(s screenID) tea.Cmd {
	m.screen = s
	switch s {
	case screenAPI:
		return m.api.form.focusOn(m.api.fields(), m.api.form.focus)
	case screenEndpoint:
		return m.endpoint.form.focusOn(m.endpoint.fields(), m.endpoint.form.focus)
	case screenLink:
		return m.link.form.focusOn(m.link.fields(), m.link.form.focus)
	case screenAuthorizer:
		return m.auth.form.focusOn(m.auth.fields(), m.auth.form.focus)
	case screenReview:
		return m.review.open(m)
	}
	return nil
}

// View draws the screen, the logical-ID panel and the help line.
func (m *Model) View() tea.View {
	v := tea.NewView(m.render())
	v.AltScreen = true
	v.WindowTitle = "wsdesign"
	return v
}

func (m *Model) render() string {
	if m.width < minWidth || m.height < minHeight {
		return lipgloss.NewStyle().Width(max(m.width, 1)).Render(fmt.Sprintf(
			"wsdesign needs a terminal of at least %d×%d; this one is %d×%d. Enlarge it to continue.",
			minWidth, minHeight, m.width, m.height))
	}
	header := m.header()
	footer := m.footer()
	bodyH := m.height - lipgloss.Height(header) - lipgloss.Height(footer) - 1
	var body []string
	if m.width >= sideBySide {
		// Side by side, joined line by line: the panel's lines are exactly
		// panelW wide, the screen's are padded to mainW.
		panelW := min(64, m.width*2/5)
		mainW := m.width - panelW - 2
		main := lines(m.renderScreen(mainW, bodyH), bodyH)
		panel := m.renderPanel(panelW, bodyH)
		for i := range max(len(main), len(panel)) {
			var l, p string
			if i < len(main) {
				l = main[i]
			}
			if i < len(panel) {
				p = panel[i]
			}
			body = append(body, l+strings.Repeat(" ", max(0, mainW+2-ansi.StringWidth(l)))+p)
		}
	} else {
		// Lists and the preview shrink to leave the panel at least half the
		// height; forms keep their height.
		panelH := min(bodyH/2, len(m.renderPanel(m.width, bodyH)))
		body = lines(m.renderScreen(m.width, bodyH-panelH-1), bodyH)
		if rest := bodyH - len(body) - 1; rest >= stackedPanel {
			body = append(append(body, ""), m.renderPanel(m.width, rest)...)
		}
	}
	for len(body) < bodyH {
		body = append(body, "")
	}
	return header + "\n" + strings.Join(body, "\n") + "\n" + footer
}

func (m *Model) header() string {
	s := m.styles
	title := "New WebSocket API"
	if m.design.Name != "" {
		title = m.design.Name
	}
	var crumbs []string
	cur := m.step()
	for _, st := range steps {
		style := s.Step
		if st.screen == cur {
			style = s.StepActive
		}
		crumbs = append(crumbs, style.Render(st.name))
	}
	line := s.Title.Render("wsdesign") + " " + s.Hint.Render("·") + " " + title + "   " + strings.Join(crumbs, s.Step.Render(" › "))
	return lipgloss.NewStyle().MaxWidth(m.width).Render(line)
}

// step is the breadcrumb step the current screen belongs to.
func (m *Model) step() screenID {
	switch m.screen {
	case screenEndpoint:
		return screenEndpoints
	case screenLink:
		if m.link.target == targetAuthorizer {
			return screenAuthorizer
		}
		return screenEndpoints
	}
	return m.screen
}

func (m *Model) footer() string {
	if m.askQuit {
		return m.styles.Warning.Width(m.width).Render("Quit without writing? Your answers will be lost. y: quit · any other key: stay")
	}
	m.help.SetWidth(m.width)
	// The help model lets an item overflow when not even its ellipsis fits.
	return ansi.Truncate(m.help.ShortHelpView(m.helpKeys()), m.width, "…")
}

func (m *Model) helpKeys() []key.Binding {
	k := m.keys
	back := k.Back
	if m.screen == screenAPI {
		back = key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "quit"))
	}
	switch m.screen {
	case screenEndpoints:
		return []key.Binding{k.Continue, k.Add, k.QuickAdd, k.Edit, k.Delete, k.MoveUp, back, k.Quit}
	case screenReview:
		if m.review.offersGrant() {
			return []key.Binding{k.Scroll, k.Grant, k.Write, back, k.Quit}
		}
		return []key.Binding{k.Scroll, k.Write, back, k.Quit}
	}
	var fields []*field
	var fm *form
	switch m.screen {
	case screenAPI:
		fields, fm = m.api.fields(), &m.api.form
	case screenEndpoint:
		fields, fm = m.endpoint.fields(), &m.endpoint.form
	case screenLink:
		fields, fm = m.link.fields(), &m.link.form
	case screenAuthorizer:
		fields, fm = m.auth.fields(), &m.auth.form
	}
	out := []key.Binding{k.Submit, k.Next, k.Prev}
	if f := fm.focused(fields); f.kind == fieldChoice && !f.vertical {
		out = append(out, k.Left)
	}
	return append(out, back, k.Quit)
}

func (m *Model) renderScreen(width, height int) string {
	switch m.screen {
	case screenAPI:
		return m.api.render(m, width)
	case screenEndpoints:
		return m.list.render(m, width, height)
	case screenEndpoint:
		return m.endpoint.render(m, width)
	case screenLink:
		return m.link.render(m, width)
	case screenAuthorizer:
		return m.auth.render(m, width)
	case screenReview:
		return m.review.render(m, width, height)
	}
	return ""
}

// lines splits s into at most n lines.
func lines(s string, n int) []string {
	out := strings.Split(s, "\n")
	return out[:min(len(out), max(n, 0))]
}

// screenTitle is a screen's heading and a sentence on what it is for.
func screenTitle(s Styles, width int, title, about string) string {
	return s.PanelTitle.Render(title) + "\n" + s.Hint.Width(width).Render(about) + "\n"
}
