package fileio

import (
	"bytes"
	"fmt"
	"io"
	"io/fs"
	"os"
)

// TooLargeError is returned by Read for an input over its limit.
type TooLargeError struct {
	Path  string
	Limit int64
}

func (e *TooLargeError) Error() string {
	return fmt.Sprintf("%s is larger than %s, the most wsdesign reads from it", e.Path, Size(e.Limit))
}

// Read reads an input of a command: the file at path, or standard input for
// "-" (pipes included). It reads at most limit bytes, so an endless input
// (/dev/zero, a runaway pipe) stops there, and refuses a named file that is
// not a regular file (a FIFO with no writer would block forever, a device
// never ends) before reading it.
func Read(path string, stdin io.Reader, limit int64) ([]byte, error) {
	name, r, size := "standard input", stdin, int64(0)
	if path != "-" {
		fi, err := os.Stat(path)
		if err != nil {
			return nil, err
		}
		if kind := kindOf(fi.Mode()); kind != "" {
			return nil, fmt.Errorf("%s is %s, not a regular file: give a file, or - to read standard input", path, kind)
		}
		f, err := os.Open(path)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		name, r, size = path, f, fi.Size()
	}
	// Room for the size the file had, and for finding that it ends there.
	buf := bytes.NewBuffer(make([]byte, 0, min(max(size, 0), limit)+bytes.MinRead))
	if _, err := buf.ReadFrom(io.LimitReader(r, limit+1)); err != nil {
		return nil, fmt.Errorf("reading %s: %w", name, err)
	}
	b := buf.Bytes()
	if int64(len(b)) > limit {
		return nil, &TooLargeError{Path: name, Limit: limit}
	}
	return b, nil
}

// kindOf names a file that is not a regular file; "" for a regular one.
func kindOf(m fs.FileMode) string {
	switch {
	case m.IsRegular():
		return ""
	case m.IsDir():
		return "a folder"
	case m&fs.ModeNamedPipe != 0:
		return "a named pipe (FIFO)"
	case m&fs.ModeSocket != 0:
		return "a socket"
	case m&fs.ModeCharDevice != 0:
		return "a character device"
	case m&fs.ModeDevice != 0:
		return "a device"
	}
	return "not a regular file"
}

// Size is a byte count as people read it: 4.0 MiB, 128 KiB.
func Size(n int64) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%d KiB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}
