package cli

import (
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/cobra"
)

// Exit codes.
const (
	ExitOK = 0
	// ExitFindings: check found at least one error.
	ExitFindings = 1
	// ExitUsage: bad usage or bad input; nothing was written.
	ExitUsage = 2
	// ExitWrite: the command failed while writing; its message says what was
	// written and what was not.
	ExitWrite = 3
	// ExitCancelled: the user cancelled; nothing was written.
	ExitCancelled = 130
)

// exitError carries an exit code through cobra.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string {
	if e.err == nil {
		return ""
	}
	return e.err.Error()
}

func (e *exitError) Unwrap() error { return e.err }

// withCode attaches an exit code to an error. A nil err with a code exits
// silently with that code.
func withCode(code int, err error) error { return &exitError{code: code, err: err} }

// errCancelled ends a command the user cancelled.
var errCancelled = withCode(ExitCancelled, errors.New("cancelled, nothing written"))

// usageErrorf is bad usage or input: exit 2.
func usageErrorf(format string, args ...any) error {
	return withCode(ExitUsage, fmt.Errorf(format, args...))
}

// exitCode maps an error returned by a command to the process's exit code:
// errors without a code are bad usage or input.
func exitCode(err error) int {
	if err == nil {
		return ExitOK
	}
	var e *exitError
	if errors.As(err, &e) {
		return e.code
	}
	return ExitUsage
}

// exactArgs is cobra.ExactArgs with a message that names the argument that
// is missing, or the one too many, with the command's usage line.
func exactArgs(names ...string) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		switch {
		case len(args) < len(names):
			return usageErrorf("%s needs %s\nusage: %s", cmd.Name(), strings.Join(names[len(args):], " and "), cmd.UseLine())
		case len(args) > len(names):
			return usageErrorf("%s takes only %s; %q is one too many (quote an argument that holds spaces)\nusage: %s", cmd.Name(), strings.Join(names, " and "), args[len(names)], cmd.UseLine())
		}
		return nil
	}
}
