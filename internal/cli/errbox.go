package cli

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"charm.land/fang/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/term"
)

// maxErrorWidth bounds the width error messages are wrapped to, as fang
// bounds its help.
const maxErrorWidth = 120

// handleError prints a command's error: in a terminal as a box wrapped to
// its width, otherwise as the bare message, for logs and scripts.
func handleError(w io.Writer, styles fang.Styles, err error) {
	var e *exitError
	if errors.As(err, &e) && e.err == nil {
		return // the command already said everything
	}
	if errors.Is(err, errCancelled) {
		// The user's own choice is not an error: no box, no red.
		fmt.Fprintln(w, "Cancelled; nothing was written.")
		return
	}
	out := w
	if cw, ok := w.(*colorprofile.Writer); ok {
		out = cw.Forward
	}
	f, ok := out.(term.File)
	if !ok || !term.IsTerminal(f.Fd()) {
		fmt.Fprintln(w, err.Error())
		return
	}
	width := 80
	if cols, _, err := term.GetSize(f.Fd()); err == nil && cols > 0 {
		width = min(cols, maxErrorWidth)
	}
	writeErrorBox(w, styles, err, width)
}

// writeErrorBox writes the error under an ERROR header, wrapped to width
// between words only, so that flags (--identity-source) and file positions
// stay whole, and with no padding after the text.
func writeErrorBox(w io.Writer, styles fang.Styles, err error, width int) {
	const indent = "  "
	var b strings.Builder
	b.WriteString("\n" + indent + styles.ErrorHeader.SetString("ERROR").UnsetMargins().String() + "\n\n")
	msg := err.Error()
	if !strings.HasSuffix(msg, ".") && !strings.HasSuffix(msg, "?") {
		msg += "."
	}
	for _, line := range wrapWords(msg, width-2*len(indent)) {
		if line != "" {
			line = indent + line
		}
		b.WriteString(line + "\n")
	}
	b.WriteString("\n")
	if isUsageError(err) {
		b.WriteString(indent + "Try " + styles.Program.Flag.Render("--help") + " for usage.\n\n")
	}
	_, _ = io.WriteString(w, b.String())
}

// wrapWords breaks text into lines of at most width cells at spaces, never
// inside a word (a word wider than width gets a line of its own), and keeps
// the text's own line breaks.
func wrapWords(text string, width int) []string {
	var lines []string
	for _, para := range strings.Split(text, "\n") {
		line, lineWidth := "", 0
		for _, word := range strings.Fields(para) {
			ww := ansi.StringWidth(word)
			switch {
			case line == "":
				line, lineWidth = word, ww
			case lineWidth+1+ww <= width:
				line, lineWidth = line+" "+word, lineWidth+1+ww
			default:
				lines = append(lines, line)
				line, lineWidth = word, ww
			}
		}
		lines = append(lines, line)
	}
	return lines
}

// isUsageError tells cobra's own usage errors, which --help answers, by
// their text: cobra gives them no type.
func isUsageError(err error) bool {
	for _, prefix := range []string{"flag needs an argument:", "unknown flag:", "unknown shorthand flag:", "unknown command", "invalid argument"} {
		if strings.HasPrefix(err.Error(), prefix) {
			return true
		}
	}
	return false
}
