package fileio

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// Options of WriteFile.
type Options struct {
	// Backup keeps the previous contents in FILE~.
	Backup bool
	// Expect, when not nil, is what the file held when it was read: the
	// write happens only if it still does, checked under a lock that every
	// wsdesign process takes for its check and rename, so that no process
	// overwrites a change made since it read the file.
	Expect []byte
	// Force replaces a file that has no write permission.
	Force bool
}

// ErrReadOnly is returned for a file without write permission, unless Force.
var ErrReadOnly = errors.New("the file is read-only")

// ErrChanged is returned when the file no longer holds what was read.
var ErrChanged = errors.New("the file changed since it was read")

// newFileMode is the mode of a file that did not exist, before the umask.
const newFileMode = 0o644

// WriteFile replaces the contents of path atomically: readers see either
// the old file or the new one, never a part. The file keeps its mode; when
// path is a symlink, its target is written and the link stays a link.
func WriteFile(path string, data []byte, opt Options) error {
	if expect := opt.Expect; expect != nil {
		opt.Expect = nil
		return Update(path, expect, func() error { return WriteFile(path, data, opt) })
	}
	target, err := resolve(path)
	if err != nil {
		return err
	}
	if opt.Backup {
		if err := backup(path, target); err != nil {
			return fmt.Errorf("backing up %s: %w", path, err)
		}
	}
	if err := Replaceable(path, opt.Force); err != nil {
		return err
	}
	perm := fs.FileMode(newFileMode)
	fi, err := os.Stat(target)
	if err == nil {
		perm = fi.Mode().Perm()
	}
	if err := replace(target, data, perm, fi); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	return nil
}

// Update runs write only while path still holds expect (what was read),
// under a lock that every wsdesign process takes for its check and write,
// so that no process overwrites a change made since it read the file; when
// the file changed, it returns ErrChanged and runs nothing. write must not
// ask for the lock again (WriteFile without Expect).
func Update(path string, expect []byte, write func() error) error {
	target, err := resolve(path)
	if err != nil {
		return err
	}
	unlock, err := lock(target)
	if err != nil {
		return fmt.Errorf("locking %s: %w", path, err)
	}
	defer unlock()
	cur, err := os.ReadFile(target)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("reading %s again: %w", path, err)
	}
	if !bytes.Equal(cur, expect) {
		return fmt.Errorf("%s: %w; nothing was written: run the edit again", path, ErrChanged)
	}
	return write()
}

// Replaceable reports why WriteFile would refuse to replace path: a file
// that is not a regular one, or one without write permission (unless
// force). A missing file is replaceable. Commands ask before they show a
// diff, so that the user does not confirm a write that cannot happen.
func Replaceable(path string, force bool) error {
	target, err := resolve(path)
	if err != nil {
		return err
	}
	fi, err := os.Stat(target)
	if err != nil {
		return nil
	}
	if !fi.Mode().IsRegular() {
		return fmt.Errorf("%s is %s, not a regular file: wsdesign does not replace it", path, kindOf(fi.Mode()))
	}
	if fi.Mode().Perm()&0o222 == 0 && !force {
		return fmt.Errorf("%s: %w; pass --force to replace it anyway", path, ErrReadOnly)
	}
	return nil
}

// CreateFile writes a file that must not exist yet, atomically: a file that
// appears at path meanwhile is never replaced (the complete temporary file is
// hard-linked into place, which fails when path exists). A symlink is written
// through to its target, dangling ones included.
func CreateFile(path string, data []byte, perm fs.FileMode) error {
	target, err := resolve(path)
	if err != nil {
		return err
	}
	tmp, untrack, err := writeTemp(target, data, perm)
	if err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	defer untrack()
	defer os.Remove(tmp)
	if err := os.Link(tmp, target); err != nil {
		if errors.Is(err, fs.ErrExist) {
			return fmt.Errorf("writing %s: %w (it appeared while wsdesign was running; nothing was written)", path, fs.ErrExist)
		}
		return fmt.Errorf("writing %s: %w", path, err)
	}
	return syncDir(filepath.Dir(target))
}

// replace writes data beside target and renames it over target in one step,
// so that readers see the old file or the new one, never a part.
// When old (the file replaced) is given, the new file keeps its owner and
// group where the process may set them.
func replace(target string, data []byte, perm fs.FileMode, old fs.FileInfo) error {
	tmp, untrack, err := writeTemp(target, data, perm)
	if err != nil {
		return err
	}
	defer untrack()
	if old != nil {
		keepOwner(tmp, old)
	}
	if err := os.Rename(tmp, target); err != nil {
		os.Remove(tmp)
		return err
	}
	return syncDir(filepath.Dir(target))
}

// writeTemp writes data to a new temporary file in target's folder (a rename
// is atomic only within one file system), synced to disk, and returns its
// path; until untrack is called, a signal that ends the process removes it.
func writeTemp(target string, data []byte, perm fs.FileMode) (name string, untrack func(), err error) {
	f, err := os.CreateTemp(filepath.Dir(target), "."+filepath.Base(target)+".*.tmp")
	if err != nil {
		return "", nil, err
	}
	untrack = track(f.Name())
	afterCreateTemp(f.Name())
	_, err = f.Write(data)
	if err == nil {
		err = f.Chmod(perm)
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(f.Name())
		untrack()
		return "", nil, err
	}
	return f.Name(), untrack, nil
}

// afterCreateTemp lets a test stop a write between creating the temporary
// file and renaming it, where a signal would otherwise leave it behind.
var afterCreateTemp = func(string) {}

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
	return replace(path+"~", old, perm, nil)
}
