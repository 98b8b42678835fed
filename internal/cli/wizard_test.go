package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Without a terminal the wizard never starts, even when asked for in its
// accessible form: the command names the flags at once and writes nothing.
func TestNewWithoutTerminalNamesTheFlags(t *testing.T) {
	for _, args := range [][]string{nil, {"--accessible"}, {"--name", "Chat"}} {
		dir := t.TempDir()
		_, stderr, code := runNew(t, dir, args...)
		if code != ExitUsage {
			t.Errorf("%v: exit %d, want %d", args, code, ExitUsage)
		}
		if !strings.Contains(stderr, "is required") || !strings.Contains(stderr, "--") {
			t.Errorf("%v: the error does not name the flag: %q", args, stderr)
		}
		if _, err := os.Stat(filepath.Join(dir, DefaultTemplate)); err == nil {
			t.Errorf("%v: a template was written", args)
		}
	}
}
