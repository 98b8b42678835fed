package cli

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"

	"github.com/google/renameio/v2/maybe"

	"github.com/wsdesign/wsdesign/stub"
)

// stubsWritten says what writeStubs did, for the command's output. Paths are
// relative to the template's folder, slash-separated.
type stubsWritten struct {
	Files []string
	// Kept are the code folders that already existed and were left alone.
	Kept []string
}

// writeStubs writes handler stubs beside a template in dir. The user's code
// is never touched: a code folder that already exists is skipped whole, and
// no existing file is replaced. Each file is written atomically where the
// platform allows, as the template is.
func writeStubs(dir string, files []stub.File) (stubsWritten, error) {
	var out stubsWritten
	folders := map[string]bool{} // code folder → whether to write into it
	for _, f := range files {
		folder := path.Dir(f.Path)
		write, seen := folders[folder]
		if !seen {
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
		if !write {
			continue
		}
		p := filepath.Join(dir, filepath.FromSlash(f.Path))
		if _, err := os.Lstat(p); err == nil {
			continue
		}
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return out, fmt.Errorf("handler stub: %w", err)
		}
		if err := maybe.WriteFile(p, f.Content, f.Mode); err != nil {
			return out, fmt.Errorf("handler stub: %w", err)
		}
		out.Files = append(out.Files, f.Path)
	}
	return out, nil
}

// reportStubs writes the stubs beside the template in dir and lists on w
// what it wrote and which folders it kept.
func reportStubs(w io.Writer, dir string, files []stub.File) error {
	done, err := writeStubs(dir, files)
	for _, f := range done.Files {
		fmt.Fprintf(w, "Wrote handler stub %s\n", filepath.Join(dir, filepath.FromSlash(f)))
	}
	for _, k := range done.Kept {
		fmt.Fprintf(w, "Kept %s as it is: the folder exists\n", filepath.Join(dir, filepath.FromSlash(k))+string(filepath.Separator))
	}
	return err
}
