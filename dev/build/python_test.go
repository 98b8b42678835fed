package build

import (
	"archive/zip"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// writeWheel writes a wheel of a module greet (greet.hello() is "hello"),
// which pip installs with no index.
func writeWheel(t *testing.T, path string) {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	z := zip.NewWriter(f)
	for name, text := range map[string]string{
		"greet.py":                          "def hello():\n    return 'hello'\n",
		"greet-1.0.dist-info/METADATA":      "Metadata-Version: 2.1\nName: greet\nVersion: 1.0\n",
		"greet-1.0.dist-info/WHEEL":         "Wheel-Version: 1.0\nGenerator: test\nRoot-Is-Purelib: true\nTag: py3-none-any\n",
		"greet-1.0.dist-info/RECORD":        "",
		"greet-1.0.dist-info/top_level.txt": "greet\n",
	} {
		w, err := z.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte(text))
	}
	if err := z.Close(); err != nil {
		t.Fatal(err)
	}
}

// TestPythonRequirements installs what a requirements.txt lists, as sam
// build does, into the cache: the module imports from the folder returned,
// the code folder is left as it was, and a second call finds it installed.
// A requirements.txt that lists nothing, or none, installs nothing.
func TestPythonRequirements(t *testing.T) {
	if err := exec.Command("python3", "-m", "pip", "--version").Run(); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("python3 with pip is needed under CI: %v", err)
		}
		t.Skipf("python3 with pip is not installed: %v", err)
	}
	src, cacheDir := t.TempDir(), t.TempDir()
	writeWheel(t, filepath.Join(src, "greet-1.0-py3-none-any.whl"))
	os.WriteFile(filepath.Join(src, "requirements.txt"), []byte("# the app's own\n./greet-1.0-py3-none-any.whl\n"), 0o644)
	before := snapshot(t, src)
	var said []string
	opt := Options{CacheDir: cacheDir, Say: func(m string) { said = append(said, m) }}
	dir, err := PythonRequirements(context.Background(), opt, "python3", src)
	if err != nil {
		t.Fatal(err)
	}
	sameSnapshot(t, "pip install", before, snapshot(t, src))
	cmd := exec.Command("python3", "-c", "import greet; print(greet.hello())")
	cmd.Env = append(os.Environ(), "PYTHONPATH="+dir)
	if out, err := cmd.CombinedOutput(); err != nil || strings.TrimSpace(string(out)) != "hello" {
		t.Errorf("importing greet from %s: %s %v", dir, out, err)
	}
	again, err := PythonRequirements(context.Background(), opt, "python3", src)
	if err != nil || again != dir || len(said) != 1 {
		t.Errorf("the second call: %q %v, said %q; want %q, installed once", again, err, said, dir)
	}
	empty, has := t.TempDir(), t.TempDir()
	os.WriteFile(filepath.Join(empty, "requirements.txt"), []byte("\n# nothing\n"), 0o644)
	// pip is there (checked above): what the interpreter has needs nothing.
	os.WriteFile(filepath.Join(has, "requirements.txt"), []byte("pip>=1.0 ; python_version > '3'\n"), 0o644)
	for _, d := range []string{empty, has, t.TempDir()} {
		if got, err := PythonRequirements(context.Background(), opt, "python3", d); got != "" || err != nil {
			t.Errorf("%s: %q %v, want nothing installed", d, got, err)
		}
	}
}
