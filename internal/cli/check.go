package cli

import (
	"errors"
	"os"
	"strings"

	"github.com/charmbracelet/colorprofile"
	"github.com/spf13/cobra"

	"github.com/wsdesign/wsdesign/check"
	"github.com/wsdesign/wsdesign/render"
)

func newCheckCmd(info BuildInfo) *cobra.Command {
	var (
		format string
		rules  bool
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
			"2 bad usage. A file that cannot be read is an error finding (WSD000) at its position.",
		Example: "  wsdesign check template.yaml\n  wsdesign check --format sarif template.yaml > check.sarif\n  wsdesign check --rules",
		RunE: func(cmd *cobra.Command, args []string) error {
			if rules {
				return check.WriteRules(cmd.OutOrStdout())
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
	_ = cmd.RegisterFlagCompletionFunc("format", cobra.FixedCompletions(names, cobra.ShellCompDirectiveNoFileComp))
	return cmd
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
