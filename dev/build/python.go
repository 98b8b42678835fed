package build

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"github.com/wsdesign/wsdesign/dev/cache"
)

// pipTimeout bounds one install of a requirements.txt.
const pipTimeout = 5 * time.Minute

// pipDone marks a folder PythonRequirements filled.
const pipDone = ".wsdesign-installed"

// PythonRequirements installs, as sam build does, the packages that a
// requirements.txt in dir lists, with python's pip, into a folder of
// wsdesign's cache named by the file's contents and the interpreter, and
// returns that folder for the module path. It is "" where dir has no
// requirements.txt, one that lists nothing, or one whose packages the
// interpreter has already (boto3, which Lambda's runtime has too, say).
func PythonRequirements(ctx context.Context, opt Options, python, dir string) (string, error) {
	file := filepath.Join(dir, "requirements.txt")
	req, err := os.ReadFile(file)
	if err != nil || !listsPackages(req) || hasAll(ctx, python, req) {
		return "", nil
	}
	if opt.CacheDir == "" {
		if opt.CacheDir, err = cache.Dir(); err != nil {
			return "", fmt.Errorf("pip install -r %s: %w", file, err)
		}
	}
	interpreter, err := exec.LookPath(python)
	if err != nil {
		return "", fmt.Errorf("pip install -r %s: %w", file, err)
	}
	sum := sha256.New()
	sum.Write(req)
	sum.Write([]byte{0})
	sum.Write([]byte(interpreter))
	prefix := filepath.Join(opt.CacheDir, "python", "req-"+hex.EncodeToString(sum.Sum(nil))[:16])
	return cache.Fill(prefix, pipDone, "the packages of "+file, opt.Say, func(tmp string) error {
		ctx, cancel := context.WithTimeout(ctx, pipTimeout)
		defer cancel()
		cmd := exec.CommandContext(ctx, interpreter, "-m", "pip", "install", "--disable-pip-version-check", "--no-input", "--quiet", "-r", "requirements.txt", "--target", tmp)
		cmd.Dir = dir // where the file's own relative paths lead
		out, err := cmd.CombinedOutput()
		switch {
		case errors.Is(ctx.Err(), context.DeadlineExceeded):
			return fmt.Errorf("pip install -r %s did not finish within %v: can pip reach its index?", file, pipTimeout)
		case err != nil:
			return fmt.Errorf("pip install -r %s (with %s): %w\n%s", file, interpreter, err, strings.TrimSpace(string(out)))
		}
		return os.WriteFile(filepath.Join(tmp, pipDone), nil, 0o644)
	})
}

// requirementName is the distribution a line of a requirements.txt names:
// "boto3" in "boto3>=1.26 ; python_version > '3'".
var requirementName = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]*`)

// hasAll reports whether python has every distribution req names; false
// where a line is not a plain name (a path, a URL, an option), which only
// pip reads.
func hasAll(ctx context.Context, python string, req []byte) bool {
	var names []string
	for _, line := range bytes.Split(req, []byte("\n")) {
		line = bytes.TrimSpace(line)
		if len(line) == 0 || line[0] == '#' {
			continue
		}
		name := requirementName.Find(line)
		if name == nil || bytes.Contains(line, []byte("://")) || bytes.Contains(line, []byte(" @ ")) {
			return false
		}
		names = append(names, string(name))
	}
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	script := "import sys, importlib.metadata as m\nfor n in sys.argv[1:]:\n    m.distribution(n)\n"
	return exec.CommandContext(ctx, python, append([]string{"-c", script}, names...)...).Run() == nil
}

// listsPackages reports whether a requirements.txt has a line that is not
// blank or a comment.
func listsPackages(req []byte) bool {
	for _, line := range bytes.Split(req, []byte("\n")) {
		if line = bytes.TrimSpace(line); len(line) > 0 && line[0] != '#' {
			return true
		}
	}
	return false
}
