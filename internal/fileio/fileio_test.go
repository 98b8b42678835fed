package fileio

import (
	"errors"
	"os"
	"path/filepath"
	"sync"
	"testing"
)

func TestWriteFileKeepsModeAndReplaces(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "template.yaml")
	if err := os.WriteFile(path, []byte("old"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := WriteFile(path, []byte("new"), Options{}); err != nil {
		t.Fatal(err)
	}
	got, _ := os.ReadFile(path)
	if string(got) != "new" {
		t.Errorf("contents %q, want new", got)
	}
	fi, _ := os.Stat(path)
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("mode %v, want 0600", fi.Mode().Perm())
	}
	if _, err := os.Stat(path + "~"); !os.IsNotExist(err) {
		t.Errorf("backup written without Backup: %v", err)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("temporary files left behind: %v", entries)
	}
}

func TestWriteFileBackup(t *testing.T) {
	path := filepath.Join(t.TempDir(), "template.yaml")
	if err := os.WriteFile(path, []byte("old"), 0o640); err != nil {
		t.Fatal(err)
	}
	if err := WriteFile(path, []byte("new"), Options{Backup: true}); err != nil {
		t.Fatal(err)
	}
	got, _ := os.ReadFile(path + "~")
	if string(got) != "old" {
		t.Errorf("backup %q, want old", got)
	}
	if fi, _ := os.Stat(path + "~"); fi.Mode().Perm() != 0o640 {
		t.Errorf("backup mode %v, want the file's 0640", fi.Mode().Perm())
	}
}

func TestWriteFileThroughSymlink(t *testing.T) {
	dir := t.TempDir()
	target := filepath.Join(dir, "real", "template.yaml")
	if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(target, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "template.yaml")
	if err := os.Symlink(filepath.Join("real", "template.yaml"), link); err != nil {
		t.Fatal(err)
	}
	if err := WriteFile(link, []byte("new"), Options{}); err != nil {
		t.Fatal(err)
	}
	if fi, _ := os.Lstat(link); fi.Mode()&os.ModeSymlink == 0 {
		t.Error("the symlink was replaced by a file")
	}
	if got, _ := os.ReadFile(target); string(got) != "new" {
		t.Errorf("target %q, want new", got)
	}
}

func TestWriteFileNew(t *testing.T) {
	path := filepath.Join(t.TempDir(), "template.yaml")
	if err := WriteFile(path, []byte("x"), Options{Backup: true}); err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(path); string(got) != "x" {
		t.Errorf("contents %q", got)
	}
}

// BenchmarkWriteFile is the cost of an atomic write of 1 MB, most of it the
// fsync that makes the new contents durable before the rename.
func BenchmarkWriteFile(b *testing.B) {
	path := filepath.Join(b.TempDir(), "template.yaml")
	data := make([]byte, 1<<20)
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if err := WriteFile(path, data, Options{}); err != nil {
			b.Fatal(err)
		}
	}
}

func TestCreateFileNeverReplaces(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "template.yaml")
	if err := CreateFile(path, []byte("first"), 0o644); err != nil {
		t.Fatal(err)
	}
	err := CreateFile(path, []byte("second"), 0o644)
	if err == nil {
		t.Fatal("CreateFile replaced a file that exists")
	}
	if got, _ := os.ReadFile(path); string(got) != "first" {
		t.Errorf("contents %q, want the first file's", got)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Errorf("temporary files left behind: %v", entries)
	}
}

func TestCreateFileThroughDanglingSymlink(t *testing.T) {
	dir := t.TempDir()
	link := filepath.Join(dir, "template.yaml")
	if err := os.Symlink("real.yaml", link); err != nil {
		t.Skip("symlinks unavailable:", err)
	}
	if err := CreateFile(link, []byte("new"), 0o644); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Lstat(link); err != nil || fi.Mode()&os.ModeSymlink == 0 {
		t.Fatalf("the link was replaced: %v %v", fi, err)
	}
	if got, _ := os.ReadFile(filepath.Join(dir, "real.yaml")); string(got) != "new" {
		t.Errorf("target holds %q, want new", got)
	}
}

func TestWriteFileRefusesAChangedFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "template.yaml")
	if err := os.WriteFile(path, []byte("read"), 0o644); err != nil {
		t.Fatal(err)
	}
	// Someone else writes the file after it was read.
	if err := os.WriteFile(path, []byte("theirs"), 0o644); err != nil {
		t.Fatal(err)
	}
	err := WriteFile(path, []byte("mine"), Options{Expect: []byte("read")})
	if !errors.Is(err, ErrChanged) {
		t.Fatalf("got %v, want ErrChanged", err)
	}
	if got, _ := os.ReadFile(path); string(got) != "theirs" {
		t.Errorf("contents %q: the other change was lost", got)
	}
	if err := WriteFile(path, []byte("mine"), Options{Expect: []byte("theirs")}); err != nil {
		t.Fatal(err)
	}
}

// TestConcurrentEditsLoseNothing runs read-modify-write cycles from several
// goroutines at once, each appending its mark to what it read: every cycle
// either lands on top of the others or is refused, so the file ends with
// exactly the marks of the cycles that succeeded.
func TestConcurrentEditsLoseNothing(t *testing.T) {
	path := filepath.Join(t.TempDir(), "template.yaml")
	if err := os.WriteFile(path, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	landed := 0
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 20 {
				read, err := os.ReadFile(path)
				if err != nil {
					t.Error(err)
					return
				}
				err = WriteFile(path, append(read, byte('a'+i)), Options{Expect: read})
				switch {
				case err == nil:
					mu.Lock()
					landed++
					mu.Unlock()
				case !errors.Is(err, ErrChanged):
					t.Error(err)
				}
			}
		}()
	}
	wg.Wait()
	got, _ := os.ReadFile(path)
	if len(got) != landed {
		t.Errorf("%d writes succeeded but the file holds %d marks: updates were lost", landed, len(got))
	}
}
