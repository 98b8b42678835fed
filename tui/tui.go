package tui

import (
	"context"
	"errors"
	"fmt"
	"io"

	tea "charm.land/bubbletea/v2"

	"github.com/wsdesign/wsdesign/model"
)

// ErrCancelled is returned by Run when the user leaves the wizard without
// confirming: Esc on the first screen, Ctrl+C, or the end of the input in
// accessible mode. Nothing must be written.
var ErrCancelled = errors.New("cancelled")

// Function is a Lambda function already in the target template, offered as a
// handler.
type Function struct {
	ID   string // logical ID
	Type string // resource type, such as AWS::Serverless::Function
}

// Preview is what the caller computes from a design for the Review screen.
type Preview struct {
	// YAML is the template as it will be written.
	YAML string
	// Diff is the unified diff against the file on disk; empty for a new file.
	Diff string
	// Types maps the logical IDs of the written resources to their resource
	// types, for the resource tree.
	Types map[string]string
	// Findings are what check finds in the template as it will be written.
	Findings []Finding
	// Files are the paths that will be written: the template and the code
	// stubs of new functions.
	Files []string
	// CannotPost names the functions already in the template that the
	// design links to the API and that cannot post to clients yet; Lacks
	// says what they lack, such as "execute-api:ManageConnections and
	// CALLBACK_URL". The Review screen offers to give it to them
	// (Answers.Grant).
	CannotPost []string
	Lacks      string
	// Err says why the design could not be rendered.
	Err error
}

// Finding is one thing check finds in the template as it will be written.
type Finding struct {
	// Severity is "error", "warning" or "info", as check names them.
	Severity string
	// Text is the finding as check prints it, with its position and rule.
	Text string
}

// Answers are what the wizard returns, and what it asks the Preview for:
// the design, and the choices about the template that the design does not
// hold.
type Answers struct {
	Design model.Design
	// Grant consents to giving the functions of Preview.CannotPost what they
	// lack.
	Grant bool
	// CloudFormation chooses plain CloudFormation over SAM, where
	// Options.ChooseFormat offers the choice.
	CloudFormation bool
}

// Options configure the wizard. Everything it knows of the target template
// comes in here; the wizard itself never reads or writes files.
type Options struct {
	// Design is the starting design: empty (or pre-filled from flags) for a
	// new API, imported for edit.
	Design model.Design
	// Functions are the functions already in the template.
	Functions []Function
	// IDs is what the logical-ID plan needs of the template: the IDs already
	// taken, and those of the API's existing resources when editing.
	IDs model.PlanOptions
	// Grant is the starting answer to the offer to give existing functions
	// what they lack to post to clients (--grant).
	Grant bool
	// ChooseFormat offers SAM or plain CloudFormation (a new file);
	// CloudFormation is the starting answer (--format cfn).
	ChooseFormat   bool
	CloudFormation bool
	// File is the template the wizard adds an API to or edits one of; ""
	// for a new file.
	File string
	// AsWritten maps the values of the design that are not literals (an
	// intrinsic Name or Stage, held as compact JSON) to how the file writes
	// them: the wizard shows them that way and keeps them unless retyped.
	AsWritten map[string]string
	// Preview renders the answers for the Review screen. It may be slow: it
	// runs in a command, each time the Review screen is shown and each time
	// the grant is toggled there. Nil shows no preview.
	Preview func(Answers) Preview
	// Accessible asks the same questions as plain line prompts.
	Accessible bool
}

// Run runs the wizard, reading keys from in and drawing on out (the
// terminal's stderr), and returns the confirmed answers. It returns
// ErrCancelled when the user cancels.
func Run(ctx context.Context, opts Options, in io.Reader, out io.Writer) (Answers, error) {
	if opts.Accessible {
		return runAccessible(opts, in, out)
	}
	// The colour profile comes from out and the environment, so NO_COLOR
	// and TERM are honoured.
	final, err := tea.NewProgram(New(opts), tea.WithContext(ctx), tea.WithInput(in), tea.WithOutput(out)).Run()
	if errors.Is(err, tea.ErrInterrupted) || errors.Is(err, tea.ErrProgramKilled) {
		return Answers{}, ErrCancelled
	}
	if err != nil {
		return Answers{}, fmt.Errorf("wizard: %w", err)
	}
	return final.(*Model).Result()
}
