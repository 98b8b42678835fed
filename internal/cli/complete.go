package cli

import (
	"fmt"

	"github.com/spf13/cobra"
	"github.com/wsdesign/wsdesign/model"
)

// Shell completion of the flags whose values are a known set.

// templateExts are the file name endings offered for a template argument.
var templateExts = []string{"yaml", "yml", "json", "template"}

// completeTemplate offers template files for the first argument only.
func completeTemplate(_ *cobra.Command, args []string, _ string) ([]cobra.Completion, cobra.ShellCompDirective) {
	if len(args) > 0 {
		return nil, cobra.ShellCompDirectiveNoFileComp
	}
	return templateExts, cobra.ShellCompDirectiveFilterFileExt
}

// registerCompletions offers the runtimes for --runtime and the template
// formats for --format.
func registerCompletions(cmd *cobra.Command) {
	_ = cmd.RegisterFlagCompletionFunc("runtime", cobra.FixedCompletions(model.Runtimes, cobra.ShellCompDirectiveNoFileComp))
	_ = cmd.RegisterFlagCompletionFunc("format", cobra.FixedCompletions([]cobra.Completion{
		cobra.CompletionWithDesc("sam", "SAM: AWS::Serverless resources and handler stubs"),
		cobra.CompletionWithDesc("cfn", "plain CloudFormation: inline code and IAM roles"),
	}, cobra.ShellCompDirectiveNoFileComp))
}

// completeAPI offers the logical IDs of the WebSocket APIs of the template
// named by the first argument.
func completeAPI(_ *cobra.Command, args []string, _ string) ([]cobra.Completion, cobra.ShellCompDirective) {
	if len(args) == 0 {
		return nil, cobra.ShellCompDirectiveNoFileComp
	}
	_, apis, err := importFile(args[0])
	if err != nil {
		return nil, cobra.ShellCompDirectiveNoFileComp
	}
	var ids []cobra.Completion
	for _, a := range apis {
		ids = append(ids, cobra.CompletionWithDesc(a.Resource.ID, fmt.Sprintf("%s, %s", orNone(a.Design.Name), count(len(a.Routes), "route"))))
	}
	return ids, cobra.ShellCompDirectiveNoFileComp
}
