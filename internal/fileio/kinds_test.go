//go:build !windows

package fileio

import (
	"errors"
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

func TestWriteFileRefusesReadOnlyUnlessForced(t *testing.T) {
	path := filepath.Join(t.TempDir(), "template.yaml")
	if err := os.WriteFile(path, []byte("old"), 0o444); err != nil {
		t.Fatal(err)
	}
	if err := WriteFile(path, []byte("new"), Options{}); !errors.Is(err, ErrReadOnly) {
		t.Fatalf("got %v, want ErrReadOnly", err)
	}
	if got, _ := os.ReadFile(path); string(got) != "old" {
		t.Fatalf("a read-only file was replaced: %q", got)
	}
	if err := WriteFile(path, []byte("new"), Options{Force: true}); err != nil {
		t.Fatal(err)
	}
	fi, _ := os.Stat(path)
	if got, _ := os.ReadFile(path); string(got) != "new" || fi.Mode().Perm() != 0o444 {
		t.Errorf("forced write: %q, mode %v; want new, 0444", got, fi.Mode().Perm())
	}
}

func TestWriteFileRefusesAFIFO(t *testing.T) {
	path := filepath.Join(t.TempDir(), "template.yaml")
	if err := syscall.Mkfifo(path, 0o644); err != nil {
		t.Skip(err)
	}
	if err := WriteFile(path, []byte("new"), Options{}); err == nil {
		t.Fatal("a FIFO was replaced by a regular file")
	}
	if fi, _ := os.Lstat(path); fi.Mode()&os.ModeNamedPipe == 0 {
		t.Errorf("the FIFO is gone: %v", fi.Mode())
	}
}

// TestWriteFileKeepsOwner: root editing another user's template leaves it
// theirs.
func TestWriteFileKeepsOwner(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("only root can give a file to another user")
	}
	path := filepath.Join(t.TempDir(), "template.yaml")
	if err := os.WriteFile(path, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Chown(path, 1234, 5678); err != nil {
		t.Fatal(err)
	}
	if err := WriteFile(path, []byte("new"), Options{}); err != nil {
		t.Fatal(err)
	}
	fi, _ := os.Stat(path)
	st := fi.Sys().(*syscall.Stat_t)
	if st.Uid != 1234 || st.Gid != 5678 {
		t.Errorf("owner %d:%d, want 1234:5678", st.Uid, st.Gid)
	}
}
