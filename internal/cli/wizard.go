package cli

import (
	"errors"
	"os"

	"github.com/charmbracelet/x/term"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/wsdesign/wsdesign/render"
	"github.com/wsdesign/wsdesign/tui"
)

// wizardOptions are the flags of the commands that ask for missing answers
// with the wizard.
type wizardOptions struct {
	accessible bool
}

func (w *wizardOptions) addFlags(f *pflag.FlagSet) {
	f.BoolVar(&w.accessible, "accessible", false, "ask the wizard's questions as plain line prompts, for screen readers (also when TERM=dumb)")
}

// canAsk reports whether the wizard can ask for missing answers: standard
// input is a terminal, and so is standard error, where the wizard draws.
// Otherwise the command fails at once, naming the flags to give.
func canAsk(cmd *cobra.Command) bool {
	return isTerminal(cmd.InOrStdin()) && isTerminal(cmd.ErrOrStderr())
}

func isTerminal(v any) bool {
	f, ok := v.(*os.File)
	return ok && term.IsTerminal(f.Fd())
}

// run runs the wizard on the command's standard input and standard error
// and returns the confirmed answers; cancelling exits 130 with nothing
// written.
func (w *wizardOptions) run(cmd *cobra.Command, opts tui.Options) (tui.Answers, error) {
	opts.Accessible = w.accessible || os.Getenv("TERM") == "dumb"
	a, err := tui.Run(cmd.Context(), opts, cmd.InOrStdin(), cmd.ErrOrStderr())
	if errors.Is(err, tui.ErrCancelled) {
		return a, errCancelled
	}
	return a, err
}

// answeredFlavor is the template format chosen in the wizard.
func answeredFlavor(a tui.Answers) render.Flavor {
	if a.CloudFormation {
		return render.CFN
	}
	return render.SAM
}
