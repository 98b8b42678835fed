package cli

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/wsdesign/wsdesign/stub"
)

func TestWriteStubsKeepsUserCode(t *testing.T) {
	dir := t.TempDir()
	mine := filepath.Join(dir, "src", "mine", "index.mjs")
	if err := os.MkdirAll(filepath.Dir(mine), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(mine, []byte("// my code\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	files := []stub.File{
		{Path: "src/new/index.mjs", Content: []byte("export const handler = 1;\n"), Mode: 0o644},
		{Path: "src/new/package.json", Content: []byte("{}\n"), Mode: 0o644},
		{Path: "src/mine/index.mjs", Content: []byte("stub\n"), Mode: 0o644},
		{Path: "src/mine/package.json", Content: []byte("{}\n"), Mode: 0o644},
		{Path: "src/py/app.py", Content: []byte("def handler(e, c): pass\n"), Mode: 0o644},
	}
	plan, err := planStubs(dir, files)
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"src/mine/"}; !slices.Equal(plan.Kept, want) {
		t.Errorf("kept %q, want %q", plan.Kept, want)
	}
	got, err := writeStubs(dir, plan)
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"src/new/index.mjs", "src/new/package.json", "src/py/app.py"}; !slices.Equal(got, want) {
		t.Errorf("written %q, want %q", got, want)
	}
	if b, _ := os.ReadFile(mine); string(b) != "// my code\n" {
		t.Errorf("user code changed: %q", b)
	}
	if _, err := os.Stat(filepath.Join(dir, "src", "mine", "package.json")); err == nil {
		t.Error("a file was added to an existing code folder")
	}
	fi, err := os.Stat(filepath.Join(dir, "src", "py", "app.py"))
	if err != nil || fi.Mode().Perm()&0o444 != 0o444 {
		t.Errorf("app.py: %v %v", fi, err)
	}

	// A second run finds every folder and writes nothing.
	again, err := planStubs(dir, files)
	if err != nil || len(again.Write) != 0 || len(again.Kept) != 3 {
		t.Errorf("second run: %+v, %v; want nothing written and 3 folders kept", again, err)
	}
}

func TestNewWritesStubsBesideTheTemplate(t *testing.T) {
	dir := t.TempDir()
	api := filepath.Join(dir, "api")
	mine := filepath.Join(api, "src", "on-connect", "app.py")
	if err := os.MkdirAll(filepath.Dir(mine), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(mine, []byte("# mine\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, stderr, code := runNew(t, dir, "--name", "Chat", "--runtime", "python3.13", "--authorizer", "Auth",
		"--endpoint", "$connect=OnConnect", "--endpoint", "send=SendMessage,2-way", "api/template.yaml")
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, f := range []string{"api/src/send-message/app.py", "api/src/auth/app.py"} {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			t.Errorf("%s: %v", f, err)
		}
		if !strings.Contains(stderr, "Wrote handler stub "+filepath.FromSlash(f)+"\n") {
			t.Errorf("output does not list %s:\n%s", f, stderr)
		}
	}
	if b, _ := os.ReadFile(mine); string(b) != "# mine\n" {
		t.Errorf("existing handler changed: %q", b)
	}
	if !strings.Contains(stderr, "Kept "+filepath.FromSlash("api/src/on-connect/")) {
		t.Errorf("output does not say the existing folder was kept:\n%s", stderr)
	}
}

func TestNewWritesNoStubs(t *testing.T) {
	for name, args := range map[string][]string{
		"--no-stubs": {"--no-stubs"},
		"cfn":        {"--format", "cfn"},
		"--stdout":   {"--stdout"},
	} {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			_, stderr, code := runNew(t, dir, append([]string{"--name", "Chat", "--endpoint", "$default=Echo,2-way"}, args...)...)
			if code != ExitOK {
				t.Fatalf("exit %d: %s", code, stderr)
			}
			if _, err := os.Stat(filepath.Join(dir, "src")); err == nil {
				t.Errorf("stubs written with %s", name)
			}
			if strings.Contains(stderr, "Wrote handler stub") {
				t.Errorf("output lists stubs with %s:\n%s", name, stderr)
			}
		})
	}
}

// TestNewRefusesBeforeWritingWhenSrcIsAFile: a file named src stands where
// the stubs' folders go. new finds it before writing anything: exit 2, no
// template (which would point at code that is not there), the file untouched.
func TestNewRefusesBeforeWritingWhenSrcIsAFile(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "src"), []byte("mine"), 0o644); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "template.yaml")
	out, code := runCLI(t, "new", path, "--name", "Chat", "--endpoint", "$connect=OnConnect")
	if code != ExitUsage || !strings.Contains(out, "nothing was written") {
		t.Errorf("exit %d, want 2 saying nothing was written:\n%s", code, out)
	}
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Errorf("the template was written: %v", err)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "src")); string(b) != "mine" {
		t.Errorf("src now holds %q", b)
	}
}

func TestStubsDoNotFollowASymlinkOutOfTheFolder(t *testing.T) {
	dir, elsewhere := t.TempDir(), t.TempDir()
	if err := os.Symlink(elsewhere, filepath.Join(dir, "src")); err != nil {
		t.Skip(err)
	}
	path := filepath.Join(dir, "template.yaml")
	out, code := runCLI(t, "new", path, "--name", "Chat", "--endpoint", "$connect=OnConnect")
	if code != ExitUsage || !strings.Contains(out, "outside the template's folder") {
		t.Errorf("exit %d, want 2 naming the link:\n%s", code, out)
	}
	if entries, _ := os.ReadDir(elsewhere); len(entries) != 0 {
		t.Errorf("stubs written through the link: %v", entries)
	}
}
