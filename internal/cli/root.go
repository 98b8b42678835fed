package cli

import (
	"context"
	"os"

	"charm.land/fang/v2"
	"github.com/spf13/cobra"
)

// BuildInfo is the version the binary reports.
type BuildInfo struct {
	Version string
	Commit  string
	// Date is when the release was built, or the time of the commit a
	// checkout was built from.
	Date  string
	Dirty bool
}

// Execute runs the command line and returns the process's exit code.
func Execute(info BuildInfo) int {
	root := newRoot(info)
	err := fang.Execute(context.Background(), root,
		fang.WithVersion(info.String()),
		fang.WithErrorHandler(handleError),
	)
	return exitCode(err)
}

func newRoot(info BuildInfo) *cobra.Command {
	root := &cobra.Command{
		Use:   "wsdesign",
		Short: "Design API Gateway WebSocket APIs and write them into SAM/CloudFormation templates",
		Long: "wsdesign designs AWS API Gateway WebSocket APIs in the terminal: name the API, pick the\n" +
			"route selector, add endpoints and link their Lambda functions, watch the logical IDs\n" +
			"appear, and get a template that deploys and works the first time.",
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetOut(os.Stdout)
	root.SetErr(os.Stderr)
	root.AddCommand(
		newNewCmd(),
		newEditCmd(),
		newVersionCmd(info),
		newInspectCmd(),
		newCheckCmd(info),
		newRouteCmd(),
		newDevCmd(),
	)
	return root
}
