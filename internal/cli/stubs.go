package cli

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/wsdesign/wsdesign/internal/fileio"
	"github.com/wsdesign/wsdesign/stub"
)

// stubPlan is what writing stubs beside a template does. Paths are
// relative to the template's folder, slash-separated.
type stubPlan struct {
	Write []stub.File
	// Kept are the code folders that already exist and are left alone.
	Kept []string
}

// planStubs decides which handler stubs to write beside a template in dir.
// The user's code is never touched: a code folder that already exists is
// skipped whole, and no existing file is replaced.
func planStubs(dir string, files []stub.File) (stubPlan, error) {
	var out stubPlan
	folders := map[string]bool{} // code folder → whether to write into it
	for _, f := range files {
		folder := path.Dir(f.Path)
		write, seen := folders[folder]
		if !seen {
			if err := staysInside(dir, folder); err != nil {
				return out, err
			}
			_, err := os.Lstat(filepath.Join(dir, filepath.FromSlash(folder)))
			switch {
			case err == nil:
				out.Kept = append(out.Kept, folder+"/")
			case !errors.Is(err, fs.ErrNotExist):
				return out, fmt.Errorf("handler stub: %w", err)
			default:
				write = true
			}
			folders[folder] = write
		}
		if write {
			out.Write = append(out.Write, f)
		}
	}
	return out, nil
}

// writeStubs writes the planned stubs, each atomically where the platform
// allows, as the template is. It returns the paths it wrote.
func writeStubs(dir string, plan stubPlan) ([]string, error) {
	var done []string
	for _, f := range plan.Write {
		p := filepath.Join(dir, filepath.FromSlash(f.Path))
		if _, err := os.Lstat(p); err == nil {
			continue
		}
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return done, fmt.Errorf("handler stub: %w", err)
		}
		if err := fileio.CreateFile(p, f.Content, f.Mode); err != nil {
			return done, fmt.Errorf("handler stub: %w", err)
		}
		done = append(done, f.Path)
	}
	return done, nil
}

// staysInside refuses a code folder that a symlink on its way (src, say)
// would put outside the template's folder dir: stubs are written beside the
// template, never elsewhere through a link.
func staysInside(dir, folder string) error {
	root, err := filepath.EvalSymlinks(dir)
	if err != nil {
		return nil // the folder does not exist yet: nothing links out of it
	}
	p := dir
	for _, part := range strings.Split(folder, "/") {
		p = filepath.Join(p, part)
		fi, err := os.Lstat(p)
		if err != nil || fi.Mode()&fs.ModeSymlink == 0 {
			continue
		}
		dest, err := filepath.EvalSymlinks(p)
		if err != nil {
			return fmt.Errorf("handler stub: %s is a symlink that leads nowhere: %w", p, err)
		}
		if rel, err := filepath.Rel(root, dest); err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
			return fmt.Errorf("handler stub: %s is a symlink to %s, outside the template's folder; wsdesign writes stubs only beside the template", p, dest)
		}
	}
	return nil
}

// writeAll writes the handler stubs beside the template at path, then the
// template, with writeTemplate: the file the command exists to write comes
// last, and the stubs are planned first, so that a folder in the way (a file
// named src, say) stops the command before anything is written (exit 2).
// A failure while writing exits 3 and says what was written and what was not.
func writeAll(w io.Writer, path string, stubs []stub.File, writeTemplate func() error) error {
	done, err := putStubs(w, filepath.Dir(path), stubs, "; "+path+" was not written")
	if err != nil {
		return err
	}
	if err := writeTemplate(); err != nil {
		refused := errors.Is(err, fileio.ErrChanged) || errors.Is(err, fs.ErrExist) || errors.Is(err, fileio.ErrReadOnly)
		switch {
		case refused && done == 0:
			return err // the file changed under us: nothing was written
		case done == 0:
			return withCode(ExitWrite, fmt.Errorf("%w; nothing was written", err))
		}
		return withCode(ExitWrite, fmt.Errorf("%w; %s; %s was not written", err, written(done), path))
	}
	fmt.Fprintf(w, "Wrote %s.\n", path)
	return nil
}

// writeStubsOnly writes the handler stubs into dir, for a template written
// elsewhere (new --stubs-only after new --stdout).
func writeStubsOnly(w io.Writer, dir string, stubs []stub.File) error {
	if len(stubs) == 0 {
		fmt.Fprintln(w, "No handler stub to write: the design has no new function.")
		return nil
	}
	_, err := putStubs(w, dir, stubs, "")
	return err
}

// putStubs plans and writes the handler stubs into dir, saying what it
// wrote and kept, and returns how many files it wrote. A failure's message
// ends with notWritten.
func putStubs(w io.Writer, dir string, stubs []stub.File, notWritten string) (int, error) {
	plan, err := planStubs(dir, stubs)
	if err != nil {
		return 0, usageErrorf("%w; nothing was written", err)
	}
	done, err := writeStubs(dir, plan)
	for _, f := range done {
		fmt.Fprintf(w, "Wrote handler stub %s\n", filepath.Join(dir, filepath.FromSlash(f)))
	}
	if err != nil {
		return len(done), withCode(ExitWrite, fmt.Errorf("%w; %s%s", err, written(len(done)), notWritten))
	}
	for _, k := range plan.Kept {
		fmt.Fprintf(w, "Kept %s as it is: the folder exists\n", filepath.Join(dir, filepath.FromSlash(k))+string(filepath.Separator))
	}
	return len(done), nil
}

// written says how many stub files were written before a failure.
func written(n int) string {
	if n == 0 {
		return "nothing was written"
	}
	return count(n, "handler stub file") + " were written"
}
