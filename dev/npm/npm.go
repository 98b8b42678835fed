// Package npm installs the Node.js packages `wsdesign dev` keeps in its cache
// (the AWS SDK clients Lambda's runtime bundles, the local DynamoDB), with a
// time limit, so that a registry that cannot be reached is an error that
// says so rather than a wait without end.
package npm

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/wsdesign/wsdesign/dev/cache"
)

// timeout bounds one install.
var timeout = 5 * time.Minute

// Install runs `npm install` of pkgs into prefix with the npm at path (npm
// on PATH when empty).
func Install(ctx context.Context, path, prefix string, pkgs ...string) error {
	if path == "" {
		path = "npm"
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	args := append([]string{"install", "--prefix", prefix, "--no-audit", "--no-fund", "--loglevel=error"}, pkgs...)
	out, err := exec.CommandContext(ctx, path, args...).CombinedOutput()
	what := strings.Join(append([]string{"npm install"}, pkgs...), " ")
	switch {
	case errors.Is(ctx.Err(), context.DeadlineExceeded):
		return fmt.Errorf("%s did not finish within %v: can npm reach its registry (npm config get registry)?", what, timeout)
	case err != nil:
		return fmt.Errorf("%s: %w\n%s", what, err, strings.TrimSpace(string(out)))
	}
	return nil
}

// Provide returns the folder (an npm prefix) under cacheDir/node where pkg
// (name@version) is installed, installing it there first when it is not,
// after telling say. The install goes into a temporary folder renamed into
// place, so that an interrupted one is not taken for a finished one, and
// two processes installing at once both end with it.
func Provide(ctx context.Context, npmPath, cacheDir, pkg string, say func(string)) (string, error) {
	name := pkg
	if i := strings.LastIndex(pkg, "@"); i > 0 {
		name = pkg[:i]
	}
	prefix := filepath.Join(cacheDir, "node", strings.ReplaceAll(strings.ReplaceAll(pkg, "/", "-"), "@", "-"))
	return cache.Fill(prefix, filepath.Join("node_modules", filepath.FromSlash(name), "package.json"), pkg, say, func(tmp string) error {
		return Install(ctx, npmPath, tmp, pkg)
	})
}

// ProvideDependencies returns the folder (an npm prefix) under
// cacheDir/node where the dependencies a package.json declares are
// installed, installing them first, once for that package.json and lock
// file (lock is nil where there is none): a project's dependencies, as sam
// build installs them in its copy of the code, without writing into the
// project's folder.
func ProvideDependencies(ctx context.Context, npmPath, cacheDir string, manifest, lock []byte, say func(string)) (string, error) {
	sum := sha256.New()
	sum.Write(manifest)
	sum.Write([]byte{0})
	sum.Write(lock)
	prefix := filepath.Join(cacheDir, "node", "deps-"+hex.EncodeToString(sum.Sum(nil))[:16])
	return cache.Fill(prefix, "node_modules", "the dependencies of its package.json", say, func(tmp string) error {
		if err := os.WriteFile(filepath.Join(tmp, "package.json"), manifest, 0o644); err != nil {
			return err
		}
		if lock != nil {
			if err := os.WriteFile(filepath.Join(tmp, "package-lock.json"), lock, 0o644); err != nil {
				return err
			}
		}
		return Install(ctx, npmPath, tmp)
	})
}
