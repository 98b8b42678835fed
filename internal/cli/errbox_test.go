package cli

import (
	"errors"
	"regexp"
	"strings"
	"testing"

	"charm.land/fang/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"
)

func TestErrorBox(t *testing.T) {
	// A message from new whose flag names would fall on the wrap at either
	// width, a multi-line one, and cobra's own usage error.
	msgs := []string{
		"--design: give the endpoints and the authorizer either in the design file or with --endpoint, --authorizer and --identity-source, not both",
		"--stage: $default does not work as a WebSocket stage\n--endpoint \"$connect,2-way\": $connect is 1-way only; d.yaml:4:11: endpoints[0].mode: $connect is 1-way only, and the --route-selector flag is --route-selector",
		"unknown flag: --route-selectr",
	}
	styles := fang.Styles{ErrorHeader: lipgloss.NewStyle().Bold(true).Padding(0, 1).Margin(1)}
	flag := regexp.MustCompile(`--[a-z-]+|[a-z]+\.yaml:\d+:\d+`)
	for _, width := range []int{60, 120} {
		for _, msg := range msgs {
			var b strings.Builder
			writeErrorBox(&b, styles, errors.New(msg), width)
			out := ansi.Strip(b.String())
			lines := strings.Split(out, "\n")
			if !strings.Contains(out, "\n   ERROR \n") {
				t.Errorf("width %d: no ERROR header:\n%s", width, out)
			}
			for _, l := range lines {
				if strings.TrimRight(l, " ") != l && strings.TrimSpace(l) != "ERROR" {
					t.Errorf("width %d: line %q ends in spaces", width, l)
				}
				if ansi.StringWidth(l) > width {
					t.Errorf("width %d: line %q is %d wide", width, l, ansi.StringWidth(l))
				}
			}
			// Each flag and position is whole on one line.
			for _, name := range flag.FindAllString(msg, -1) {
				whole := false
				for _, l := range lines {
					for _, w := range strings.Fields(l) {
						whole = whole || strings.Contains(w, name)
					}
				}
				if !whole {
					t.Errorf("width %d: %s is cut:\n%s", width, name, out)
				}
			}
			// Nothing of the message is lost in the wrap.
			if got, want := strings.Join(strings.Fields(out), " "), strings.Join(strings.Fields(msg), " "); !strings.Contains(got, want) {
				t.Errorf("width %d: the message changed:\n%s", width, out)
			}
			if usage := strings.Contains(out, "Try --help for usage."); usage != strings.HasPrefix(msg, "unknown flag") {
				t.Errorf("width %d: --help hint %v for %q", width, usage, msg)
			}
		}
	}
}

func TestWrapWords(t *testing.T) {
	for _, tt := range []struct {
		text  string
		width int
		want  []string
	}{
		{"a bb ccc", 4, []string{"a bb", "ccc"}},
		{"--identity-source x", 10, []string{"--identity-source", "x"}},
		{"one\n\ntwo", 10, []string{"one", "", "two"}},
		{"ab  cd", 5, []string{"ab cd"}},
	} {
		if got := wrapWords(tt.text, tt.width); strings.Join(got, "|") != strings.Join(tt.want, "|") {
			t.Errorf("wrapWords(%q, %d) = %q, want %q", tt.text, tt.width, got, tt.want)
		}
	}
}

func TestErrorOutsideATerminal(t *testing.T) {
	var b strings.Builder
	handleError(&b, fang.Styles{}, usageErrorf("--name is required"))
	if b.String() != "--name is required\n" {
		t.Errorf("not a terminal: %q, want the bare message", b.String())
	}
	b.Reset()
	handleError(&b, fang.Styles{}, withCode(ExitFindings, nil))
	if b.String() != "" {
		t.Errorf("a silent exit printed %q", b.String())
	}
}

// TestCancelIsNotAnError: the user's own cancel is said plainly, with no
// ERROR box.
func TestCancelIsNotAnError(t *testing.T) {
	var b strings.Builder
	handleError(&b, fang.Styles{ErrorHeader: lipgloss.NewStyle()}, errCancelled)
	if got := b.String(); got != "Cancelled; nothing was written.\n" {
		t.Errorf("cancel printed %q", got)
	}
	if exitCode(errCancelled) != ExitCancelled {
		t.Errorf("cancel exits %d", exitCode(errCancelled))
	}
}
