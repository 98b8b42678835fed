//go:build !windows

package fileio

import "os"

// syncDir makes a rename in dir durable: the folder's entry is synced too.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}
