// Package esbuild bundles a function's code as `sam build` does for
// BuildMethod esbuild, so that `wsdesign dev` runs TypeScript (and other
// esbuild-built) handlers from their source: esbuild is installed once into
// wsdesign's cache with npm.
package esbuild

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"

	"github.com/wsdesign/wsdesign/dev/app"
	"github.com/wsdesign/wsdesign/dev/npm"
)

// Version is the esbuild installed.
const Version = "esbuild@0.28.2"

// Options say where esbuild comes from.
type Options struct {
	NPM      string // default npm on PATH
	CacheDir string // default wsdesign's (npm.CacheDir)
	Say      func(string)
}

// Bundle bundles the entry points of b, relative to src, into out.
func Bundle(ctx context.Context, opt Options, src, out string, b app.Build) error {
	if opt.CacheDir == "" {
		dir, err := npm.CacheDir()
		if err != nil {
			return fmt.Errorf("esbuild: %w", err)
		}
		opt.CacheDir = dir
	}
	prefix, err := npm.Provide(ctx, opt.NPM, opt.CacheDir, Version, opt.Say)
	if err != nil {
		return fmt.Errorf("esbuild: %w", err)
	}
	bin := filepath.Join(prefix, "node_modules", ".bin", "esbuild")
	if runtime.GOOS == "windows" {
		bin += ".cmd"
	}
	args := []string{"--bundle", "--platform=node", "--outdir=" + out, "--format=" + b.Format, "--target=" + b.Target, "--log-level=warning"}
	for _, e := range b.External {
		args = append(args, "--external:"+e)
	}
	for _, e := range b.OutExtension {
		args = append(args, "--out-extension:"+e)
	}
	if b.Sourcemap {
		args = append(args, "--sourcemap")
	}
	for _, e := range b.EntryPoints {
		args = append(args, entryPoint(src, e))
	}
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Dir = src
	if msg, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("esbuild %s (in %s): %w\n%s", strings.Join(b.EntryPoints, " "), src, err, strings.TrimSpace(string(msg)))
	}
	return nil
}

// entryPoint is e, or the same module with another of the extensions
// esbuild reads when e does not exist (an entry point taken from the
// handler's module names .ts).
func entryPoint(src, e string) string {
	if _, err := os.Stat(filepath.Join(src, e)); err == nil {
		return e
	}
	base := strings.TrimSuffix(e, filepath.Ext(e))
	for _, ext := range []string{".ts", ".mts", ".cts", ".js", ".mjs", ".cjs"} {
		if _, err := os.Stat(filepath.Join(src, base+ext)); err == nil {
			return base + ext
		}
	}
	return e
}
