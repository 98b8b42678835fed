//go:build windows

package fileio

import (
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"

	"golang.org/x/sys/windows"
)

// lock takes an exclusive lock for target until unlock is called. Windows
// cannot lock a folder, so the lock is held on a file in the temporary
// folder named after target's absolute path, which outlives the rename.
func lock(target string) (unlock func(), err error) {
	abs, err := filepath.Abs(target)
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256([]byte(strings.ToLower(abs)))
	f, err := os.OpenFile(filepath.Join(os.TempDir(), "wsdesign-"+hex.EncodeToString(sum[:8])+".lock"), os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return nil, err
	}
	h := windows.Handle(f.Fd())
	ol := new(windows.Overlapped)
	if err := windows.LockFileEx(h, windows.LOCKFILE_EXCLUSIVE_LOCK, 0, 1, 0, ol); err != nil {
		f.Close()
		return nil, err
	}
	return func() {
		windows.UnlockFileEx(h, 0, 1, 0, ol)
		f.Close()
	}, nil
}
