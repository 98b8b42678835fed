package npm

import (
	"context"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
)

// fakeNPM writes a shell script standing in for npm.
func fakeNPM(t *testing.T, body string) string {
	t.Helper()
	if runtime.GOOS == "windows" {
		t.Skip("the stand-in npm is a shell script")
	}
	p := filepath.Join(t.TempDir(), "npm")
	if err := os.WriteFile(p, []byte("#!/bin/sh\n"+body+"\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestInstall(t *testing.T) {
	dir := t.TempDir()
	args := filepath.Join(dir, "args")
	if err := Install(context.Background(), fakeNPM(t, `echo "$@" > `+args), dir, "a@1", "b"); err != nil {
		t.Fatal(err)
	}
	got, _ := os.ReadFile(args)
	if want := "install --prefix " + dir + " --no-audit --no-fund --loglevel=error a@1 b\n"; string(got) != want {
		t.Errorf("npm ran with %q, want %q", got, want)
	}
}

func TestInstallFails(t *testing.T) {
	err := Install(context.Background(), fakeNPM(t, "echo 'npm error 404 Not Found' >&2; exit 1"), t.TempDir(), "nope")
	if err == nil || !strings.Contains(err.Error(), "npm install nope") || !strings.Contains(err.Error(), "404 Not Found") {
		t.Errorf("got %v, want the package and what npm said", err)
	}
}

// An npm that cannot reach its registry does not make dev wait without end.
func TestInstallTimesOut(t *testing.T) {
	defer func(d time.Duration) { timeout = d }(timeout)
	timeout = 200 * time.Millisecond
	start := time.Now()
	err := Install(context.Background(), fakeNPM(t, "exec sleep 30"), t.TempDir(), "slow")
	if err == nil || !strings.Contains(err.Error(), "did not finish within 200ms") || !strings.Contains(err.Error(), "registry") {
		t.Errorf("got %v, want a timeout naming the registry", err)
	}
	if d := time.Since(start); d > 10*time.Second {
		t.Errorf("took %v", d)
	}
}
