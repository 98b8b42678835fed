// Package npm installs the Node.js packages `wsdesign dev` keeps in its cache
// (the AWS SDK clients Lambda's runtime bundles, the local DynamoDB), with a
// time limit, so that a registry that cannot be reached is an error that
// says so rather than a wait without end.
package npm

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
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
	what := strings.Join(pkgs, " ")
	switch {
	case errors.Is(ctx.Err(), context.DeadlineExceeded):
		return fmt.Errorf("npm install %s did not finish within %v: can npm reach its registry (npm config get registry)?", what, timeout)
	case err != nil:
		return fmt.Errorf("npm install %s: %w\n%s", what, err, strings.TrimSpace(string(out)))
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
	installed := filepath.Join(prefix, "node_modules", filepath.FromSlash(name), "package.json")
	if _, err := os.Stat(installed); err == nil {
		return prefix, nil
	}
	if say != nil {
		say(fmt.Sprintf("installing %s into %s, once", pkg, prefix))
	}
	if err := os.MkdirAll(filepath.Dir(prefix), 0o755); err != nil {
		return "", fmt.Errorf("install %s: %w", pkg, err)
	}
	tmp, err := os.MkdirTemp(filepath.Dir(prefix), ".install-*")
	if err != nil {
		return "", fmt.Errorf("install %s: %w", pkg, err)
	}
	defer os.RemoveAll(tmp)
	if err := Install(ctx, npmPath, tmp, pkg); err != nil {
		return "", err
	}
	if err := os.Rename(tmp, prefix); err != nil {
		if _, statErr := os.Stat(installed); statErr != nil { // not installed meanwhile by another process
			return "", fmt.Errorf("install %s: %w", pkg, err)
		}
	}
	return prefix, nil
}

// CacheDir is wsdesign's cache folder (os.UserCacheDir()/wsdesign), where
// Provide installs under node/.
func CacheDir() (string, error) {
	dir, err := os.UserCacheDir()
	if err != nil {
		return "", fmt.Errorf("finding the cache folder: %w", err)
	}
	return filepath.Join(dir, "wsdesign"), nil
}
