//go:build !windows

package fileio

import (
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

// TestSignalDuringWriteLeavesNoTemporaryFile stops a write of 1 MB with
// SIGTERM after its temporary file exists and before the rename: the
// temporary file is removed, the original is intact, and the process ends
// as SIGTERM would end it.
func TestSignalDuringWriteLeavesNoTemporaryFile(t *testing.T) {
	if path := os.Getenv("WSDESIGN_FILEIO_HELPER"); path != "" {
		afterCreateTemp = func(name string) {
			os.WriteFile(path+".ready", []byte(name), 0o644)
			time.Sleep(time.Minute) // the parent sends SIGTERM meanwhile
		}
		WriteFile(path, make([]byte, 1<<20), Options{})
		return
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "template.yaml")
	if err := os.WriteFile(path, []byte("original"), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestSignalDuringWriteLeavesNoTemporaryFile$")
	cmd.Env = append(os.Environ(), "WSDESIGN_FILEIO_HELPER="+path)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(30 * time.Second)
	for {
		if _, err := os.Stat(path + ".ready"); err == nil {
			break
		}
		if time.Now().After(deadline) {
			cmd.Process.Kill()
			t.Fatal("the helper never started writing")
		}
		time.Sleep(10 * time.Millisecond)
	}
	os.Remove(path + ".ready")
	cmd.Process.Signal(syscall.SIGTERM)
	err := cmd.Wait()
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 128+int(syscall.SIGTERM) {
		t.Errorf("helper ended with %v, want exit %d", err, 128+int(syscall.SIGTERM))
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("files left beside the template: %v", entries)
	}
	if got, _ := os.ReadFile(path); string(got) != "original" {
		t.Errorf("the template holds %q", got)
	}
}
