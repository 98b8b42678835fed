package check

import (
	"encoding/json"
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/colorprofile"
)

// Format is an output format of the findings.
type Format string

const (
	Text  Format = "text"
	JSON  Format = "json"
	SARIF Format = "sarif"
)

// Formats lists the output formats, the default first.
var Formats = []Format{Text, JSON, SARIF}

// ParseFormat reads a format name.
func ParseFormat(s string) (Format, bool) {
	for _, f := range Formats {
		if string(f) == strings.ToLower(s) {
			return f, true
		}
	}
	return "", false
}

// Counts tallies findings by severity.
type Counts struct {
	Errors, Warnings, Infos int
}

// Count tallies findings by severity.
func Count(fs []Finding) Counts {
	var c Counts
	for _, f := range fs {
		switch f.Severity() {
		case Error:
			c.Errors++
		case Warning:
			c.Warnings++
		default:
			c.Infos++
		}
	}
	return c
}

func (c Counts) String() string {
	plural := func(n int, s string) string {
		if n == 1 {
			return fmt.Sprintf("%d %s", n, s)
		}
		return fmt.Sprintf("%d %ss", n, s)
	}
	return plural(c.Errors, "error") + ", " + plural(c.Warnings, "warning") + ", " + plural(c.Infos, "info")
}

// Write writes findings in a format. profile colours text output
// (colorprofile.NoTTY or Ascii for none); files is how many templates were
// checked, for the summary line; version names the tool in SARIF.
func Write(w io.Writer, format Format, fs []Finding, files int, profile colorprofile.Profile, version string) error {
	switch format {
	case JSON:
		return writeJSON(w, fs)
	case SARIF:
		return writeSARIF(w, fs, version)
	}
	return writeText(w, fs, files, profile)
}

func writeText(w io.Writer, fs []Finding, files int, profile colorprofile.Profile) error {
	cw := &colorprofile.Writer{Forward: w, Profile: profile}
	var (
		pos  = lipgloss.NewStyle().Bold(true)
		sev  = map[Severity]lipgloss.Style{Error: lipgloss.NewStyle().Foreground(lipgloss.Red).Bold(true), Warning: lipgloss.NewStyle().Foreground(lipgloss.Yellow).Bold(true), Info: lipgloss.NewStyle().Foreground(lipgloss.Blue)}
		rule = lipgloss.NewStyle().Faint(true)
		id   = lipgloss.NewStyle().Foreground(lipgloss.Cyan)
		fix  = lipgloss.NewStyle().Faint(true)
	)
	var b strings.Builder
	for _, f := range fs {
		b.WriteString(pos.Render(f.Pos.String() + ":"))
		b.WriteString(" " + sev[f.Severity()].Render(f.Severity().String()) + " " + rule.Render(f.Rule.ID))
		if f.LogicalID != "" {
			b.WriteString(" " + id.Render("["+f.LogicalID+"]"))
		}
		b.WriteString(" " + f.Message + "\n")
		b.WriteString(fix.Render("    fix: "+f.Fix()) + "\n")
	}
	c := Count(fs)
	noun := "file"
	if files != 1 {
		noun = "files"
	}
	fmt.Fprintf(&b, "%d %s checked: %s\n", files, noun, c)
	_, err := io.WriteString(cw, b.String())
	return err
}

// jsonFinding is a finding in --format json.
type jsonFinding struct {
	Rule      string `json:"rule"`
	Severity  string `json:"severity"`
	Title     string `json:"title"`
	File      string `json:"file"`
	Line      int    `json:"line"`
	Column    int    `json:"column"`
	LogicalID string `json:"logicalId"`
	Message   string `json:"message"`
	Runtime   string `json:"runtime"`
	Fix       string `json:"fix"`
}

func writeJSON(w io.Writer, fs []Finding) error {
	out := struct {
		Findings []jsonFinding `json:"findings"`
		Errors   int           `json:"errors"`
		Warnings int           `json:"warnings"`
		Infos    int           `json:"infos"`
	}{Findings: []jsonFinding{}}
	for _, f := range fs {
		out.Findings = append(out.Findings, jsonFinding{
			Rule: f.Rule.ID, Severity: f.Severity().String(), Title: f.Rule.Title,
			File: f.Pos.File, Line: f.Pos.Line, Column: f.Pos.Col, LogicalID: f.LogicalID,
			Message: f.Message, Runtime: f.Rule.Runtime, Fix: f.Fix(),
		})
	}
	c := Count(fs)
	out.Errors, out.Warnings, out.Infos = c.Errors, c.Warnings, c.Infos
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(out)
}

// SARIF 2.1.0, the subset that code-scanning services read.
type (
	sarifLog struct {
		Schema  string     `json:"$schema"`
		Version string     `json:"version"`
		Runs    []sarifRun `json:"runs"`
	}
	sarifRun struct {
		Tool    sarifTool     `json:"tool"`
		Results []sarifResult `json:"results"`
	}
	sarifTool struct {
		Driver sarifDriver `json:"driver"`
	}
	sarifDriver struct {
		Name           string      `json:"name"`
		Version        string      `json:"version,omitempty"`
		InformationURI string      `json:"informationUri"`
		Rules          []sarifRule `json:"rules"`
	}
	sarifText struct {
		Text string `json:"text"`
	}
	sarifRule struct {
		ID                   string      `json:"id"`
		Name                 string      `json:"name"`
		ShortDescription     sarifText   `json:"shortDescription"`
		FullDescription      sarifText   `json:"fullDescription"`
		Help                 sarifText   `json:"help"`
		DefaultConfiguration sarifConfig `json:"defaultConfiguration"`
	}
	sarifConfig struct {
		Level string `json:"level"`
	}
	sarifResult struct {
		RuleID    string          `json:"ruleId"`
		RuleIndex int             `json:"ruleIndex"`
		Level     string          `json:"level"`
		Message   sarifText       `json:"message"`
		Locations []sarifLocation `json:"locations"`
	}
	sarifLocation struct {
		PhysicalLocation sarifPhysical  `json:"physicalLocation"`
		LogicalLocations []sarifLogical `json:"logicalLocations,omitempty"`
	}
	sarifPhysical struct {
		ArtifactLocation sarifArtifact `json:"artifactLocation"`
		Region           sarifRegion   `json:"region"`
	}
	sarifArtifact struct {
		URI string `json:"uri"`
	}
	sarifRegion struct {
		StartLine   int `json:"startLine"`
		StartColumn int `json:"startColumn"`
	}
	sarifLogical struct {
		Name string `json:"name"`
		Kind string `json:"kind"`
	}
)

// sarifLevel maps a severity to SARIF's level names.
func sarifLevel(s Severity) string {
	switch s {
	case Error:
		return "error"
	case Warning:
		return "warning"
	}
	return "note"
}

func writeSARIF(w io.Writer, fs []Finding, version string) error {
	driver := sarifDriver{Name: "wsdesign", Version: version, InformationURI: "https://github.com/wsdesign/wsdesign"}
	index := map[*Rule]int{}
	for i, r := range Rules {
		index[r] = i
		driver.Rules = append(driver.Rules, sarifRule{
			ID: r.ID, Name: ruleName(r.Title), ShortDescription: sarifText{r.Title},
			FullDescription: sarifText{r.Runtime}, Help: sarifText{r.Fix},
			DefaultConfiguration: sarifConfig{sarifLevel(r.Severity)},
		})
	}
	results := []sarifResult{}
	for _, f := range fs {
		loc := sarifLocation{PhysicalLocation: sarifPhysical{
			ArtifactLocation: sarifArtifact{URI: filepath.ToSlash(f.Pos.File)},
			Region:           sarifRegion{StartLine: max(f.Pos.Line, 1), StartColumn: max(f.Pos.Col, 1)},
		}}
		if f.LogicalID != "" {
			loc.LogicalLocations = []sarifLogical{{Name: f.LogicalID, Kind: "resource"}}
		}
		results = append(results, sarifResult{
			RuleID: f.Rule.ID, RuleIndex: index[f.Rule], Level: sarifLevel(f.Severity()),
			Message: sarifText{f.Message + ". Fix: " + f.Fix()}, Locations: []sarifLocation{loc},
		})
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(sarifLog{
		Schema:  "https://json.schemastore.org/sarif-2.1.0.json",
		Version: "2.1.0",
		Runs:    []sarifRun{{Tool: sarifTool{Driver: driver}, Results: results}},
	})
}

// ruleName turns a title into the PascalCase name SARIF viewers show.
func ruleName(title string) string {
	var b strings.Builder
	for _, w := range strings.FieldsFunc(title, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9')
	}) {
		b.WriteString(strings.ToUpper(w[:1]) + w[1:])
	}
	return b.String()
}

// WriteRules writes the rule table as Markdown: the reference of what check
// finds, printed by `wsdesign check --rules`.
func WriteRules(w io.Writer) error {
	var b strings.Builder
	b.WriteString("| ID | Severity | Rule | What goes wrong at run time | Fix |\n|---|---|---|---|---|\n")
	cell := func(s string) string { return strings.ReplaceAll(s, "|", `\|`) }
	for _, r := range Rules {
		fmt.Fprintf(&b, "| %s | %s | %s | %s | %s |\n", r.ID, r.Severity, cell(r.Title), cell(r.Runtime), cell(r.Fix))
	}
	_, err := io.WriteString(w, b.String())
	return err
}
