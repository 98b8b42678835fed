package lambda

import (
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// TestVersionNote compares runtimes with interpreters that print the
// versions node and python3 print.
func TestVersionNote(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("the fake interpreters are shell scripts")
	}
	dir := t.TempDir()
	fake := func(name, version string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte("#!/bin/sh\necho '"+version+"'\n"), 0o755); err != nil {
			t.Fatal(err)
		}
		return p
	}
	opt := Options{Node: fake("node", "v22.11.0"), Python: fake("python", "Python 3.12.4")}
	versions := map[string]string{}
	for _, c := range []struct{ runtime, want string }{
		{"nodejs22.x", ""},
		{"nodejs24.x", "Node.js 22.11.0 (" + opt.Node + "), not Node.js 24"},
		{"python3.12", ""},
		{"python3.1", "Python 3.12.4 (" + opt.Python + "), not Python 3.1:"},
		{"python3.14", "Python 3.12.4 (" + opt.Python + "), not Python 3.14: pass --python"},
		{"provided.al2023", ""},
	} {
		if got := VersionNote(c.runtime, opt, versions); c.want == "" && got != "" || !strings.HasPrefix(got, c.want) {
			t.Errorf("%s: %q, want %q…", c.runtime, got, c.want)
		}
	}
	if got := VersionNote("python3.14", Options{Python: filepath.Join(dir, "missing")}, versions); got != "" {
		t.Errorf("an interpreter that is not there: %q, want no note", got)
	}
}
