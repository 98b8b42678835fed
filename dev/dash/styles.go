package dash

import (
	"charm.land/bubbles/v2/help"
	"charm.land/lipgloss/v2"
)

// styles are the dashboard's, from the wizard's palette.
type styles struct {
	title, label, hint, border, focused lipgloss.Style
	cursor                              lipgloss.Style
	warn, bad, good                     lipgloss.Style
	help                                help.Styles
}

func newStyles(color bool) styles {
	if !color {
		plain := lipgloss.NewStyle()
		bold := plain.Bold(true)
		return styles{title: bold, label: plain, hint: plain, border: plain, focused: bold, cursor: plain.Reverse(true),
			warn: plain, bad: plain, good: plain, help: help.Styles{}}
	}
	accent := lipgloss.Color("#B9A5FF")
	muted := lipgloss.Color("#9A9A9A")
	s := styles{
		title:   lipgloss.NewStyle().Bold(true).Foreground(accent),
		label:   lipgloss.NewStyle().Bold(true),
		hint:    lipgloss.NewStyle().Foreground(muted),
		border:  lipgloss.NewStyle().Foreground(lipgloss.Color("#5C5C5C")),
		focused: lipgloss.NewStyle().Foreground(accent),
		cursor:  lipgloss.NewStyle().Reverse(true),
		warn:    lipgloss.NewStyle().Foreground(lipgloss.Color("#F2C94C")),
		bad:     lipgloss.NewStyle().Foreground(lipgloss.Color("#FF6B6B")),
		good:    lipgloss.NewStyle().Foreground(lipgloss.Color("#6FCF97")),
		help:    help.DefaultStyles(true),
	}
	return s
}
