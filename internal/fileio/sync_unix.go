//go:build !windows

package fileio

import (
	"io/fs"
	"os"
	"syscall"
)

// syncDir makes a rename in dir durable: the folder's entry is synced too.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}

// keepOwner gives name the owner and group of old, where the process may:
// root editing a user's template must not take it over, and anyone else
// cannot change them (the error is ignored on purpose).
func keepOwner(name string, old fs.FileInfo) {
	if st, ok := old.Sys().(*syscall.Stat_t); ok {
		_ = os.Lchown(name, int(st.Uid), int(st.Gid))
	}
}
