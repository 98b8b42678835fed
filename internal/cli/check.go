package cli

import (
	"errors"
	"fmt"
	"io"
	"os"
	"regexp"
	"slices"
	"strings"

	"github.com/charmbracelet/colorprofile"
	"github.com/spf13/cobra"

	"github.com/wsdesign/wsdesign/check"
	"github.com/wsdesign/wsdesign/render"
)

func newCheckCmd(info BuildInfo) *cobra.Command {
	var (
		format, explain string
		rules           bool
	)
	names := make([]string, len(check.Formats))
	for i, f := range check.Formats {
		names[i] = string(f)
	}
	cmd := &cobra.Command{
		Use:   "check FILE…",
		Short: "Find wiring mistakes in the WebSocket APIs of templates",
		Long: "check reads CloudFormation and SAM templates (any, not only those wsdesign wrote) and\n" +
			"reports the mistakes that break WebSocket APIs at deploy time or when clients connect:\n" +
			"missing invoke permissions, routes that never go live, two-way routes that never answer,\n" +
			"authorizers that never run, resource and policy limits, properties the schema rejects.\n" +
			"Each finding names its rule (WSD001…), the resource and its file:line:col, and a fix.\n\n" +
			"Exit status: 0 no error found (warnings and infos allowed), 1 an error found,\n" +
			"2 bad usage. A file that cannot be read is an error finding (WSD000) at its position.\n\n" +
			"--rules lists the rules; --explain RULE prints one in full.",
		Example: "  wsdesign check template.yaml\n  wsdesign check --format sarif template.yaml > check.sarif\n  wsdesign check --rules\n  wsdesign check --explain WSD001",
		RunE: func(cmd *cobra.Command, args []string) error {
			if rules {
				return check.WriteRules(cmd.OutOrStdout())
			}
			if cmd.Flags().Changed("explain") {
				if len(args) > 0 {
					return usageErrorf("--explain prints a rule and checks no file: give the files without it")
				}
				r, ok := check.RuleByID(explain)
				if !ok {
					return usageErrorf("--explain %q: no such rule; the rules are %s (wsdesign check --rules lists them)", explain, ruleRange())
				}
				_, err := io.WriteString(cmd.OutOrStdout(), explanation(r, explainWidth))
				return err
			}
			if len(args) == 0 {
				return usageErrorf("check needs at least one template file (or --rules)")
			}
			f, ok := check.ParseFormat(format)
			if !ok {
				return usageErrorf("--format %q: want one of %s", format, strings.Join(names, ", "))
			}
			// Every file gets its result: one that cannot be read or checked is
			// an error finding at its position, and the others are still checked.
			var findings []check.Finding
			for _, path := range args {
				t, err := render.Load(path)
				if err == nil {
					var fs []check.Finding
					if fs, err = check.Template(t); err == nil {
						findings = append(findings, fs...)
						continue
					}
				}
				findings = append(findings, unreadable(path, err))
			}
			out := cmd.OutOrStdout()
			if err := check.Write(out, f, findings, len(args), colorprofile.Detect(out, os.Environ()), info.String()); err != nil {
				return err
			}
			if check.Count(findings).Errors > 0 {
				return withCode(ExitFindings, nil)
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&format, "format", string(check.Text), "output format: "+strings.Join(names, ", "))
	cmd.Flags().BoolVar(&rules, "rules", false, "print the rules (ID, severity, what goes wrong, fix) as a Markdown table")
	cmd.Flags().StringVar(&explain, "explain", "", "print the rule RULE (such as WSD001) in full: what it finds, what goes wrong at run time, the fix")
	_ = cmd.RegisterFlagCompletionFunc("explain", func(*cobra.Command, []string, string) ([]cobra.Completion, cobra.ShellCompDirective) {
		var ids []cobra.Completion
		for _, r := range check.Rules {
			ids = append(ids, cobra.CompletionWithDesc(r.ID, r.Title))
		}
		return ids, cobra.ShellCompDirectiveNoFileComp
	})
	_ = cmd.RegisterFlagCompletionFunc("format", cobra.FixedCompletions(names, cobra.ShellCompDirectiveNoFileComp))
	return cmd
}

// placeholder is a logical ID placeholder in a rule's fix (${Api}), not a
// pseudo parameter (${AWS::Region}).
var placeholder = regexp.MustCompile(`\$\{[A-Za-z0-9]+\}`)

// explainWidth is the width --explain wraps its paragraphs to.
const explainWidth = 80

// explanation is a rule in full, its paragraphs wrapped to width.
func explanation(r *check.Rule, width int) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s (%s): %s\n", r.ID, r.Severity, r.Title)
	section := func(title, text string) {
		b.WriteString("\n" + title + "\n")
		for _, line := range wrapWords(text, width-2) {
			b.WriteString("  " + line + "\n")
		}
	}
	section("What goes wrong", r.Runtime)
	section("Fix", r.Fix)
	var sev string
	switch r.Severity {
	case check.Error:
		sev = "An error: wsdesign check exits 1 when it finds one."
	case check.Warning:
		sev = "A warning: reported, but wsdesign check still exits 0."
	default:
		sev = "An info: worth knowing, often intended; wsdesign check still exits 0."
	}
	var placeholders []string
	for _, p := range placeholder.FindAllString(r.Fix, -1) {
		if !slices.Contains(placeholders, p) {
			placeholders = append(placeholders, p)
		}
	}
	if len(placeholders) > 0 {
		stand := " stands for a logical ID"
		if len(placeholders) > 1 {
			stand = " stand for logical IDs"
		}
		sev += " In the fix, " + strings.Join(placeholders, " and ") + stand + ", as a !Sub writes them; a finding names its API and authorizer."
	}
	section("Severity", sev)
	return b.String()
}

// ruleRange names the first and last rule IDs.
func ruleRange() string {
	return check.Rules[0].ID + "…" + check.Rules[len(check.Rules)-1].ID
}

// unreadable is the finding for a file that cannot be read as a template, at
// the position of the problem when the template gave one.
func unreadable(path string, err error) check.Finding {
	f := check.Finding{Rule: check.Unreadable, Pos: render.Pos{File: path, Line: 1, Col: 1}, Message: err.Error()}
	var re *render.Error
	if errors.As(err, &re) {
		f.Pos, f.Message = re.Pos, re.Msg
	}
	return f
}
