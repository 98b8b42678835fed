package tui

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/charmbracelet/x/ansi"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/viewport"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
)

// reviewScreen shows what will be written: the problems, the files, and a
// scrollable preview of the template (or the diff against the file). The
// resource tree with types is the side panel on this screen.
type reviewScreen struct {
	viewport viewport.Model
	preview  *Preview // nil while the preview is computed
	gen      int      // which request a preview answers
	stale    bool     // the preview shown answers an earlier request
	note     string
	// lines is the preview's text; wide lines wrap unless nowrap is set,
	// when ←/→ scroll sideways and every cut line ends in ….
	lines  []string
	nowrap bool
	// numbered: lines is the template, numbered in the gutter; a diff is
	// not.
	numbered bool
}

// previewMsg carries a preview computed in a command.
type previewMsg struct {
	gen     int
	preview Preview
}

// open starts computing the preview of the current design.
func (r *reviewScreen) open(m *Model) tea.Cmd {
	r.preview = nil
	r.note = ""
	r.viewport = viewport.New()
	r.viewport.SoftWrap = !r.nowrap
	if m.opts.Preview == nil {
		r.preview = &Preview{}
		return nil
	}
	return r.compute(m)
}

// compute asks for the preview of the current answers. The preview on
// screen, if any, stays there, marked stale, until the new one arrives.
func (r *reviewScreen) compute(m *Model) tea.Cmd {
	r.gen++
	r.stale = r.preview != nil
	gen, a, render := r.gen, m.answers(), m.opts.Preview
	return func() tea.Msg { return previewMsg{gen: gen, preview: render(a)} }
}

// offersGrant reports whether the preview shows functions already in the
// template that cannot post to clients yet, which the grant toggle is for.
func (r *reviewScreen) offersGrant() bool {
	return r.preview != nil && len(r.preview.CannotPost) > 0
}

func (r *reviewScreen) receive(msg previewMsg, m *Model) {
	if msg.gen != r.gen || m.screen != screenReview {
		return // a preview of a design that has changed since
	}
	p := msg.preview
	r.preview, r.stale = &p, false
	content := p.YAML
	if p.Diff != "" {
		content = p.Diff
	}
	r.lines = strings.Split(strings.TrimSuffix(content, "\n"), "\n")
	r.numbered = p.Diff == ""
	r.viewport.LeftGutterFunc = r.gutter(m.styles.Hint)
	r.viewport.SetContentLines(r.lines)
}

// gutter numbers the template's lines, as check's findings give them (a
// diff has its own), and marks with ↪ the rows a wide line wraps onto.
func (r *reviewScreen) gutter(style lipgloss.Style) viewport.GutterFunc {
	w := 1
	if r.numbered {
		w = len(strconv.Itoa(len(r.lines)))
	}
	return func(c viewport.GutterContext) string {
		switch {
		case c.Soft:
			return style.Render(fmt.Sprintf("%*s ", w, "↪"))
		case !r.numbered || c.Index >= c.TotalLines:
			return strings.Repeat(" ", w+1)
		}
		return style.Render(fmt.Sprintf("%*d ", w, c.Index+1))
	}
}

func (m *Model) updateReview(msg tea.KeyPressMsg) tea.Cmd {
	r := &m.review
	switch {
	case key.Matches(msg, m.keys.Back):
		return m.show(screenAuthorizer)
	case key.Matches(msg, m.keys.Write):
		if errs := m.problems.Errors(); len(errs) > 0 {
			r.note = "Fix the errors first: " + errs[0].Message
			return nil
		}
		if r.preview == nil || r.stale {
			r.note = "The preview is still being computed."
			return nil
		}
		if r.preview.Err != nil {
			r.note = "The template cannot be written: " + r.preview.Err.Error()
			return nil
		}
		m.confirmed = true
		return tea.Quit
	case key.Matches(msg, m.keys.Wrap):
		r.nowrap = !r.nowrap
		r.viewport.SoftWrap = !r.nowrap
		r.viewport.SetXOffset(0)
		return nil
	case key.Matches(msg, m.keys.Top):
		r.viewport.GotoTop()
		return nil
	case key.Matches(msg, m.keys.Bottom):
		r.viewport.GotoBottom()
		return nil
	case key.Matches(msg, m.keys.Grant) && r.offersGrant():
		// The preview is computed again, so that the diff shows exactly
		// what the grant adds.
		m.grant = !m.grant
		return r.compute(m)
	}
	var cmd tea.Cmd
	r.viewport, cmd = r.viewport.Update(msg)
	return cmd
}

func (r *reviewScreen) render(m *Model, width, height int) string {
	s := m.styles
	var b strings.Builder
	b.WriteString(screenTitle(s, width, "Review", "Check what will be written, then press enter to write it."))
	var problems []string
	add := func(severity, text string) {
		style, mark := s.Hint, "i"
		switch severity {
		case "error":
			style, mark = s.Error, "✗"
		case "warning":
			style, mark = s.Warning, "!"
		}
		problems = append(problems, style.Width(width).Render(mark+" "+text))
	}
	for _, p := range m.problems {
		add(p.Severity.String(), p.Field+": "+p.Message)
	}
	if r.preview != nil {
		if r.preview.Err != nil {
			add("error", r.preview.Err.Error())
		}
		for _, f := range r.preview.Findings {
			add(f.Severity, f.Text)
		}
	}
	if len(problems) == 0 {
		b.WriteString(s.Note.Render("No problems found.") + "\n")
	} else {
		b.WriteString(strings.Join(problems, "\n") + "\n")
	}
	if r.preview == nil {
		b.WriteString(s.Hint.Render("Rendering the template…"))
		return b.String()
	}
	if len(r.preview.Files) > 0 {
		// On a short terminal the list keeps to two lines, leaving the rows
		// to the template.
		maxLines := 0
		if height < 30 {
			maxLines = 2
		}
		b.WriteString(wrapList(s.Label.Render("Files to write:"), r.preview.Files, width, maxLines) + "\n")
	}
	if r.offersGrant() {
		b.WriteString(r.renderGrant(m, width))
	}
	if r.note != "" {
		b.WriteString(s.Warning.Width(width).Render(r.note) + "\n")
	}
	what := "Template"
	if r.preview.Diff != "" {
		what = "Changes"
	}
	pos := fmt.Sprintf("%s (%d%%", what, int(r.viewport.ScrollPercent()*100))
	if r.viewport.XOffset() > 0 {
		pos += fmt.Sprintf(", from column %d", r.viewport.XOffset()+1)
	}
	b.WriteString(s.Label.Render(pos + ")"))
	if r.stale {
		b.WriteString(s.Hint.Render(" updating…"))
	}
	b.WriteString("\n")
	// The preview takes the rest of the height.
	r.viewport.SetWidth(width)
	r.viewport.SetHeight(max(3, height-lipgloss.Height(b.String())))
	b.WriteString(r.view())
	return b.String()
}

// view is the viewport's window on the preview, with … where a line goes on
// past the right edge or starts left of it.
func (r *reviewScreen) view() string {
	if !r.nowrap {
		return r.viewport.View()
	}
	gutter := r.viewport.LeftGutterFunc
	if gutter == nil {
		gutter = viewport.NoGutter
	}
	x := r.viewport.XOffset()
	w := r.viewport.Width() - ansi.StringWidth(gutter(viewport.GutterContext{}))
	from := min(r.viewport.YOffset(), len(r.lines))
	to := min(from+r.viewport.Height(), len(r.lines))
	out := make([]string, 0, to-from)
	for i, l := range r.lines[from:to] {
		full := ansi.StringWidth(l)
		l = ansi.Cut(l, x, x+w)
		if x > 0 && full > x {
			l = "…" + ansi.Cut(l, 1, w)
		}
		if full > x+w {
			l = ansi.Cut(l, 0, w-1) + "…"
		}
		out = append(out, gutter(viewport.GutterContext{Index: from + i, TotalLines: len(r.lines)})+l)
	}
	return strings.Join(out, "\n")
}

// renderGrant names the functions that cannot post to clients yet and shows
// whether they are given what they lack.
func (r *reviewScreen) renderGrant(m *Model, width int) string {
	s := m.styles
	mark := "[ ]"
	if m.grant {
		mark = "[x]"
	}
	return s.Warning.Width(width).Render(cannotPost(r.preview.CannotPost)) + "\n" +
		s.Value.Width(width).Render(mark+" give them "+r.preview.Lacks+" "+s.Hint.Render("(t)")) + "\n"
}

// cannotPost says which functions cannot post to clients yet.
func cannotPost(ids []string) string {
	return strings.Join(ids, ", ") + " cannot post to clients yet."
}

// wrapList writes label and items separated by commas in lines of at most
// width columns, breaking only between items: handler stubs make the list of
// files long, and a path cut at a hyphen reads as two. With maxLines > 0,
// the items that do not fit in that many lines are counted instead.
func wrapList(label string, items []string, width, maxLines int) string {
	var b strings.Builder
	b.WriteString(label)
	col, line := ansi.StringWidth(label), 1
	for i, item := range items {
		if i < len(items)-1 {
			item += ","
		}
		w := ansi.StringWidth(item)
		if maxLines > 0 && i < len(items)-1 {
			// Room is kept on the last line for what says how many are left.
			rest := fmt.Sprintf(" … %d more", len(items)-i)
			if line == maxLines && col+1+w+len(rest) > width || line > maxLines {
				b.WriteString(rest)
				break
			}
		}
		if col+1+w > width && col > 0 {
			b.WriteString("\n")
			col = 0
			line++
		} else {
			b.WriteString(" ")
			col++
		}
		item = ansi.Truncate(item, width, "…")
		b.WriteString(item)
		col += ansi.StringWidth(item)
	}
	return b.String()
}
