//go:build !windows

package cli

import (
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestInputsThatAreNotFiles gives every command that reads a file a FIFO with
// no writer and /dev/zero: each is refused at once, with the path and what it
// is, instead of blocking forever or reading without end.
func TestInputsThatAreNotFiles(t *testing.T) {
	fifo := filepath.Join(t.TempDir(), "template.yaml")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skip("no FIFOs here:", err)
	}
	for _, in := range []struct{ path, kind string }{{fifo, "a named pipe (FIFO)"}, {"/dev/zero", "a character device"}} {
		for _, args := range [][]string{
			{"inspect", in.path},
			{"check", in.path},
			{"route", in.path, "{}"},
			{"edit", in.path, "--add-endpoint", "x", "--yes"},
			{"new", "--design", in.path, filepath.Join(t.TempDir(), "t.yaml")},
		} {
			done := make(chan struct{})
			var out string
			var code int
			go func() {
				out, code = runCLI(t, args...)
				close(done)
			}()
			select {
			case <-done:
			case <-time.After(10 * time.Second):
				t.Fatalf("%v: still reading after 10 s", args)
			}
			if args[0] == "check" {
				// check reports an unreadable file as a finding.
				if code == 0 || !strings.Contains(out, in.kind) {
					t.Errorf("%v: exit %d, want a refusal naming %s:\n%s", args, code, in.kind, out)
				}
				continue
			}
			if code != ExitUsage || !strings.Contains(out, in.path) || !strings.Contains(out, in.kind) {
				t.Errorf("%v: exit %d, want 2 naming %s and %s:\n%s", args, code, in.path, in.kind, out)
			}
		}
	}
}
