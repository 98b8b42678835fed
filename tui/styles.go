package tui

import (
	"charm.land/bubbles/v2/help"
	"charm.land/huh/v2"
	"charm.land/lipgloss/v2"
)

// Styles is every style the wizard draws with, built once from one palette so
// that the screens, the panel, the help line and the accessible prompts agree.
type Styles struct {
	Title      lipgloss.Style // the wizard's name in the header
	Step       lipgloss.Style // a step of the breadcrumb
	StepActive lipgloss.Style // the current step

	Label        lipgloss.Style // a field's label
	LabelFocused lipgloss.Style // the focused field's label
	Value        lipgloss.Style // a field's value when not focused
	Hint         lipgloss.Style // explanations next to a field
	Error        lipgloss.Style // inline errors
	Warning      lipgloss.Style // inline warnings
	Note         lipgloss.Style // things the wizard did for the user
	Code         lipgloss.Style // example messages, logical IDs in text
	Disabled     lipgloss.Style // options that cannot be chosen
	Cursor       lipgloss.Style // the selected row of a list

	PanelBorder lipgloss.Style // the logical-ID panel's frame
	PanelTitle  lipgloss.Style
	Role        lipgloss.Style // what a logical ID names
	Marks       map[string]lipgloss.Style

	Help help.Styles

	isDark bool
}

// NewStyles builds the styles for a dark or light terminal background.
func NewStyles(isDark bool) Styles {
	c := lipgloss.LightDark(isDark)
	accent := c(lipgloss.Color("#5A3FC0"), lipgloss.Color("#B9A5FF"))
	muted := c(lipgloss.Color("#6B6B6B"), lipgloss.Color("#9A9A9A"))
	faint := c(lipgloss.Color("#A0A0A0"), lipgloss.Color("#5C5C5C"))
	red := c(lipgloss.Color("#C0262D"), lipgloss.Color("#FF6B6B"))
	yellow := c(lipgloss.Color("#946200"), lipgloss.Color("#F2C94C"))
	green := c(lipgloss.Color("#1E7B3C"), lipgloss.Color("#6FCF97"))
	cyan := c(lipgloss.Color("#0B6E8A"), lipgloss.Color("#6ED3F0"))

	s := Styles{isDark: isDark}
	s.Title = lipgloss.NewStyle().Bold(true).Foreground(accent)
	s.Step = lipgloss.NewStyle().Foreground(muted)
	s.StepActive = lipgloss.NewStyle().Bold(true).Underline(true)
	s.Label = lipgloss.NewStyle().Foreground(muted)
	s.LabelFocused = lipgloss.NewStyle().Bold(true).Foreground(accent)
	s.Value = lipgloss.NewStyle()
	s.Hint = lipgloss.NewStyle().Foreground(muted)
	s.Error = lipgloss.NewStyle().Foreground(red)
	s.Warning = lipgloss.NewStyle().Foreground(yellow)
	s.Note = lipgloss.NewStyle().Foreground(green)
	s.Code = lipgloss.NewStyle().Foreground(cyan)
	s.Disabled = lipgloss.NewStyle().Foreground(faint)
	s.Cursor = lipgloss.NewStyle().Bold(true).Foreground(accent)
	s.PanelBorder = lipgloss.NewStyle().Foreground(faint)
	s.PanelTitle = lipgloss.NewStyle().Bold(true)
	s.Role = lipgloss.NewStyle().Foreground(muted)
	s.Marks = map[string]lipgloss.Style{
		"fallback":  lipgloss.NewStyle().Foreground(yellow),
		"collision": lipgloss.NewStyle().Foreground(yellow),
		"existing":  lipgloss.NewStyle().Foreground(cyan),
		"explicit":  lipgloss.NewStyle().Foreground(green),
	}
	s.Help = help.DefaultStyles(isDark)
	return s
}

// HuhTheme is the theme of the accessible prompts, from the same palette.
func (s Styles) HuhTheme() huh.Theme {
	return huh.ThemeFunc(func(bool) *huh.Styles {
		t := huh.ThemeBase(s.isDark)
		t.Focused.Title = s.LabelFocused
		t.Focused.Description = s.Hint
		t.Focused.ErrorMessage = s.Error
		t.Focused.ErrorIndicator = s.Error.SetString(" *")
		t.Focused.SelectSelector = s.Cursor.SetString("> ")
		t.Blurred = t.Focused
		t.Help = s.Help
		return t
	})
}
