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
	// planned is the design plan and problems were computed for, and
	// plannedRoles the format's function roles.
	planned      model.Design
	plannedRoles bool

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
	m.api = newAPIScreen(d, opts)
	m.auth = newAuthScreen(d)
	m.api.form.focusOn(m.api.fields(), 0)
	m.sync()
	// Answers given before the wizard opened (flags, a design file, the
	// template being edited) are explained at once.
	for _, f := range m.api.fields() {
		f.touched = f.kind == fieldText && f.Value() != ""
	}
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
	return Answers{Design: d, Grant: m.grant, CloudFormation: m.api.format != nil && m.api.format.choice == formatCFN}
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
	if key.Matches(msg, m.keys.HelpText) || key.Matches(msg, m.keys.Help) && !m.typing() {
		m.help.ShowAll = !m.help.ShowAll
		return nil
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
	if m.api.format != nil {
		// Plain CloudFormation gives each new function a role of its own.
		m.opts.IDs.FunctionRoles = m.api.format.choice == formatCFN
	}
	if d := m.current(); m.byEndpoint == nil || !sameDesign(d, m.planned) || m.opts.IDs.FunctionRoles != m.plannedRoles {
		m.plannedRoles = m.opts.IDs.FunctionRoles
		m.planned = clone(d)
		m.plan = model.PlanIDs(d, m.opts.IDs)
		m.problems = d.Validate(m.opts.IDs.Taken)
		if m.opts.IDs.Pinned != nil && d.Stage == m.initial.Stage {
			m.problems = keptStage(m.problems, m.opts.AsWritten[d.Stage] != "")
		}
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

// keptStage turns the problems of the stage of the template being edited
// into warnings: it is the author's, and what the wizard would refuse for a
// new API blocks nothing. A stage given by an intrinsic is not checked at
// all: its value is known only when deployed.
func keptStage(ps model.Problems, intrinsic bool) model.Problems {
	out := ps[:0:0]
	for _, p := range ps {
		if p.Field == model.FieldStage && p.Severity == model.Error {
			if intrinsic {
				continue
			}
			p.Severity, p.Message = model.Warning, "the template's stage: "+p.Message
		}
		out = append(out, p)
	}
	return out
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
	bodyH := m.height - lipgloss.Height(header) - lipgloss.Height(footer)
	var body []string
	if m.width >= sideBySide {
		// Side by side, joined line by line: the panel's lines are exactly
		// panelW wide, the screen's are padded to mainW.
		panelW := min(96, m.width*2/5)
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
	} else if m.screen == screenReview {
		// Stacked, the Review screen is the template itself: the panel's
		// resource list would take the rows the template needs.
		body = lines(m.renderScreen(m.width, bodyH), bodyH)
	} else {
		// Lists shrink to leave the panel at least half the height; forms
		// keep their height.
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
		title = m.api.name.text.Value() // as the file writes it when kept
	}
	switch {
	case m.opts.File != "" && m.opts.IDs.Pinned != nil:
		title = "editing " + m.opts.File + " · " + title
	case m.opts.File != "":
		title = "adding to " + m.opts.File + " · " + title
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
	trail := strings.Join(crumbs, s.Step.Render(" › "))
	// The title gives way to the step trail, which says where the user is.
	room := m.width - len("wsdesign · ") - 3 - ansi.StringWidth(trail)
	if room < 8 {
		// Too narrow for both: the trail alone, cut if it must be.
		return ansi.Truncate(s.Title.Render("wsdesign")+" "+trail, m.width, "…")
	}
	return s.Title.Render("wsdesign") + " " + s.Hint.Render("·") + " " + ansi.Truncate(title, room, "…") + "   " + trail
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
		return m.styles.Warning.Width(m.width).Render("Quit without writing? Your answers will be lost.") + "\n" +
			m.styles.Warning.Render("y or ctrl+c: quit · any other key: stay")
	}
	m.help.SetWidth(m.width)
	help := m.keys.Help
	if m.typing() {
		help = m.keys.HelpText
	}
	if m.help.ShowAll {
		groups := m.helpGroups()
		groups = append(groups, []key.Binding{help, m.keys.Quit})
		return m.help.FullHelpView(groups)
	}
	// The keys of the screen are cut to leave room for help and quit, which
	// are always shown.
	always := m.help.ShortHelpView([]key.Binding{help, m.keys.Quit})
	room := m.width - ansi.StringWidth(always) - ansi.StringWidth(m.help.ShortSeparator)
	var keys []key.Binding
	for _, g := range m.helpGroups() {
		keys = append(keys, g...)
	}
	m.help.SetWidth(max(room, 0))
	short := m.help.ShortHelpView(keys)
	// The help model lets an item overflow when not even its ellipsis fits.
	if short = ansi.Truncate(short, max(room, 0), "…"); short == "" || room <= 1 {
		return ansi.Truncate(always, m.width, "…")
	}
	return short + m.help.Styles.ShortSeparator.Render(m.help.ShortSeparator) + always
}

// typing reports whether keys go to a text input, so that ? is typed, not
// taken as a request for help.
func (m *Model) typing() bool {
	if m.screen == screenEndpoints || m.screen == screenReview {
		return false
	}
	return m.focusedField().kind == fieldText
}

// focusedField is the focused field of a form screen.
func (m *Model) focusedField() *field {
	switch m.screen {
	case screenEndpoint:
		return m.endpoint.form.focused(m.endpoint.fields())
	case screenLink:
		return m.link.form.focused(m.link.fields())
	case screenAuthorizer:
		return m.auth.form.focused(m.auth.fields())
	}
	return m.api.form.focused(m.api.fields())
}

// helpGroups are the keys of the current screen, most used first: the short
// help line shows them in this order, the full help one column per group.
func (m *Model) helpGroups() [][]key.Binding {
	k := m.keys
	back := k.Back
	if m.screen == screenAPI {
		back = key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "quit"))
	}
	switch m.screen {
	case screenEndpoints:
		list := []key.Binding{k.Continue, k.Add, k.QuickAdd, k.Edit, k.Delete}
		if m.list.deleted != nil {
			list = append(list, k.Undo)
		}
		return [][]key.Binding{list, {upDown("select"), k.MoveUp, back}}
	case screenReview:
		write := []key.Binding{k.Write}
		if m.review.offersGrant() {
			write = append(write, k.Grant)
		}
		view := []key.Binding{k.Scroll, k.Top, k.Bottom, k.Wrap}
		if m.review.nowrap {
			view = append(view, k.Sideways)
		}
		return [][]key.Binding{write, view, {back}}
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
	// Enter moves to the next field until the last one, or runs an action.
	f := fm.focused(fields)
	submit := key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "next field"))
	switch {
	case f.kind == fieldAction && strings.HasPrefix(f.hint, "enter: "):
		what, _, _ := strings.Cut(strings.TrimPrefix(f.hint, "enter: "), " · ")
		submit = key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", what))
	case f.kind == fieldAction || fm.focus == len(fields)-1:
		submit = k.Submit
	}
	move := []key.Binding{submit, k.Next, k.Prev}
	switch {
	case f.kind == fieldChoice && f.vertical:
		// ↑/↓ choose among the options; tab moves between fields.
		move = []key.Binding{k.Up, submit, tabOnly(k.Next, "tab", "next field"), tabOnly(k.Prev, "shift+tab", "previous field")}
	case f.kind == fieldChoice:
		move = append(move, k.Left)
	}
	return [][]key.Binding{move, {back}}
}

// upDown is the help of a pair of keys that the screen reads elsewhere.
func upDown(what string) key.Binding {
	return key.NewBinding(key.WithKeys("up", "down"), key.WithHelp("↑/↓", what))
}

// tabOnly is b with the help naming only the tab key, for fields where the
// arrows choose instead.
func tabOnly(b key.Binding, keys, what string) key.Binding {
	b.SetHelp(keys, what)
	return b
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
