package fileio

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/google/renameio/v2"
)

// Options of WriteFile.
type Options struct {
	// Backup keeps the previous contents in FILE~.
	Backup bool
}

// newFileMode is the mode of a file that did not exist, before the umask.
const newFileMode = 0o644

// WriteFile replaces the contents of path atomically: readers see either
// the old file or the new one, never a part. The file keeps its mode; when
// path is a symlink, its target is written and the link stays a link.
func WriteFile(path string, data []byte, opt Options) error {
	target, err := resolve(path)
	if err != nil {
		return err
	}
	if opt.Backup {
		if err := backup(path, target); err != nil {
			return fmt.Errorf("backing up %s: %w", path, err)
		}
	}
	if err := renameio.WriteFile(target, data, newFileMode); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	return nil
}

// resolve follows symlinks to the file that holds the contents. A path that
// does not exist yet resolves to itself.
func resolve(path string) (string, error) {
	target, err := filepath.EvalSymlinks(path)
	switch {
	case err == nil:
		return target, nil
	case errors.Is(err, fs.ErrNotExist):
		// A dangling link is written through to where it points.
		if dest, lerr := os.Readlink(path); lerr == nil {
			if !filepath.IsAbs(dest) {
				dest = filepath.Join(filepath.Dir(path), dest)
			}
			return dest, nil
		}
		return path, nil
	}
	return "", fmt.Errorf("resolving %s: %w", path, err)
}

// backup copies the contents of target to path~ with target's mode, so that a
// private template does not get a readable copy.
func backup(path, target string) error {
	fi, err := os.Stat(target)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	old, err := os.ReadFile(target)
	if err != nil {
		return err
	}
	perm := fi.Mode().Perm()
	return renameio.WriteFile(path+"~", old, perm, renameio.WithStaticPermissions(perm))
}
