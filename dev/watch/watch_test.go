package watch

import (
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"
)

// changes collects what a watcher reports.
func changes(t *testing.T, paths ...string) (*Watcher, chan []string) {
	t.Helper()
	got := make(chan []string, 10)
	w, err := New(50*time.Millisecond, func(p []string) { got <- p }, func(err error) { t.Error(err) })
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { w.Close() })
	if err := w.Add(paths...); err != nil {
		t.Fatal(err)
	}
	return w, got
}

func next(t *testing.T, got chan []string) []string {
	t.Helper()
	select {
	case p := <-got:
		return p
	case <-time.After(5 * time.Second):
		t.Fatal("no change reported")
		return nil
	}
}

func quiet(t *testing.T, got chan []string) {
	t.Helper()
	select {
	case p := <-got:
		t.Errorf("reported %v, want nothing", p)
	case <-time.After(300 * time.Millisecond):
	}
}

func write(t *testing.T, path, text string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestWatch: a file replaced by renaming (as editors save), a file deep in a
// code folder and one in a folder made after the watch began are changes,
// each burst reported once; the template's neighbours, node_modules and
// .git are not.
func TestWatch(t *testing.T) {
	dir := t.TempDir()
	tpl := filepath.Join(dir, "template.yaml")
	code := filepath.Join(dir, "src", "chat")
	write(t, tpl, "a")
	write(t, filepath.Join(code, "index.mjs"), "a")
	write(t, filepath.Join(code, "node_modules", "x", "index.js"), "a")
	_, got := changes(t, tpl, code)

	tmp := filepath.Join(dir, ".template.yaml.swp")
	write(t, tmp, "b")
	if err := os.Rename(tmp, tpl); err != nil {
		t.Fatal(err)
	}
	if p := next(t, got); !slices.Contains(p, tpl) {
		t.Errorf("saving the template by rename reported %v", p)
	}

	for i := range 5 { // a burst
		write(t, filepath.Join(code, "index.mjs"), string(rune('a'+i)))
	}
	if p := next(t, got); !slices.Equal(p, []string{filepath.Join(code, "index.mjs")}) {
		t.Errorf("a burst of writes reported %v", p)
	}
	quiet(t, got)

	// sed -i and many editors write a temporary file beside the file and
	// rename it into place: one change, of the file.
	tmp = filepath.Join(code, "sedX1y2Z3")
	write(t, tmp, "z")
	if err := os.Rename(tmp, filepath.Join(code, "index.mjs")); err != nil {
		t.Fatal(err)
	}
	if p := next(t, got); !slices.Equal(p, []string{filepath.Join(code, "index.mjs")}) {
		t.Errorf("a save through a temporary file reported %v", p)
	}

	write(t, filepath.Join(code, "node_modules", "x", "index.js"), "b")
	write(t, filepath.Join(code, ".git", "HEAD"), "b")
	write(t, filepath.Join(dir, "README.md"), "b")
	quiet(t, got)

	write(t, filepath.Join(code, "lib", "util.mjs"), "a")
	next(t, got) // the new folder itself
	write(t, filepath.Join(code, "lib", "util.mjs"), "b")
	if p := next(t, got); !slices.Contains(p, filepath.Join(code, "lib", "util.mjs")) {
		t.Errorf("a file in a new folder reported %v", p)
	}
}

// A file written again as it was, or a folder removed and made again with
// the same files (a build's output made anew, a lock file rewritten), is no
// change; a change of contents is, once.
func TestSameContentsIsNoChange(t *testing.T) {
	dir := t.TempDir()
	code := filepath.Join(dir, "src")
	write(t, filepath.Join(code, "index.js"), "a")
	write(t, filepath.Join(code, "package-lock.json"), "{}")
	write(t, filepath.Join(code, "dist", "index.js"), "a")
	_, got := changes(t, code)

	write(t, filepath.Join(code, "package-lock.json"), "{}")
	if err := os.RemoveAll(filepath.Join(code, "dist")); err != nil {
		t.Fatal(err)
	}
	write(t, filepath.Join(code, "dist", "index.js"), "a")
	quiet(t, got)

	write(t, filepath.Join(code, "index.js"), "b")
	if p := next(t, got); !slices.Equal(p, []string{filepath.Join(code, "index.js")}) {
		t.Errorf("an edit reported %v", p)
	}
	write(t, filepath.Join(code, "index.js"), "b")
	quiet(t, got)
	// Back to what it was at first is a change from what it was last.
	write(t, filepath.Join(code, "index.js"), "a")
	if p := next(t, got); !slices.Equal(p, []string{filepath.Join(code, "index.js")}) {
		t.Errorf("an edit back reported %v", p)
	}
	if err := os.Remove(filepath.Join(code, "package-lock.json")); err != nil {
		t.Fatal(err)
	}
	if p := next(t, got); !slices.Equal(p, []string{filepath.Join(code, "package-lock.json")}) {
		t.Errorf("a removal reported %v", p)
	}
}

// TestIgnoredFile: writes to an ignored file (dev's own log, redirected
// into a watched folder) are no change; other files beside it still are.
func TestIgnoredFile(t *testing.T) {
	dir := t.TempDir()
	log := filepath.Join(dir, "dev.log")
	f, err := os.Create(log)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		t.Fatal(err)
	}
	w, got := changes(t, dir)
	w.Ignore(fi)
	for i := range 3 {
		f.WriteString("a line of the log\n")
		time.Sleep(time.Duration(i) * 20 * time.Millisecond)
	}
	quiet(t, got)
	write(t, filepath.Join(dir, "app.js"), "exports.handler = async () => 1;")
	if p := next(t, got); !slices.Equal(p, []string{filepath.Join(dir, "app.js")}) {
		t.Errorf("reported %v, want only app.js", p)
	}
}
