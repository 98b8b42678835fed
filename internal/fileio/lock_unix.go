//go:build !windows

package fileio

import (
	"os"
	"path/filepath"
	"syscall"
)

// lock takes an exclusive advisory lock on the folder of target until unlock
// is called. The folder outlives the rename, unlike the file being replaced,
// whose lock a waiting process would take on the old inode.
func lock(target string) (unlock func(), err error) {
	d, err := os.Open(filepath.Dir(target))
	if err != nil {
		return nil, err
	}
	if err := syscall.Flock(int(d.Fd()), syscall.LOCK_EX); err != nil {
		d.Close()
		return nil, err
	}
	return func() {
		syscall.Flock(int(d.Fd()), syscall.LOCK_UN)
		d.Close()
	}, nil
}
