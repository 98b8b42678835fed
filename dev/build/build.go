// Package build builds a function's code as `sam build` does for the build
// methods a template's Metadata names, so that `wsdesign dev` runs handlers
// from their source: esbuild bundles (TypeScript included; esbuild, and the
// dependencies a package.json declares where none are installed, are
// installed into wsdesign's cache with npm), Go programs (go1.x) and
// makefile builds.
package build

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"time"

	"github.com/wsdesign/wsdesign/dev/app"
	"github.com/wsdesign/wsdesign/dev/cache"
	"github.com/wsdesign/wsdesign/dev/npm"
)

// Esbuild is the esbuild installed.
const Esbuild = "esbuild@0.28.2"

// Options say where the tools come from.
type Options struct {
	NPM      string // default npm on PATH
	CacheDir string // default wsdesign's (cache.Dir)
	Say      func(string)
}

// Run builds the code in src into out, by b's method.
func Run(ctx context.Context, opt Options, src, out string, b app.Build) error {
	if err := os.MkdirAll(out, 0o755); err != nil {
		return err
	}
	switch b.Method {
	case app.BuildEsbuild:
		return esbuild(ctx, opt, src, out, b)
	case app.BuildGo:
		// sam's Go builder: the main package of the code folder, built as
		// bootstrap (or the handler's name, for the go1.x runtime).
		cmd := exec.CommandContext(ctx, "go", "build", "-o", filepath.Join(out, b.Executable), ".")
		cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
		return run(cmd, src, "go build")
	case app.BuildMakefile:
		// As sam build does: the target build-<LogicalID>, with
		// ARTIFACTS_DIR the folder the function then runs from, run in a
		// copy of the code folder. What a Makefile writes beside its
		// sources (npm install's package-lock.json, dist/, a tsconfig of
		// its own) then never changes the folder dev watches, which would
		// reload, build and write again without end.
		scratch, err := os.MkdirTemp("", "wsdesign-make-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(scratch)
		if err := copySource(src, scratch); err != nil {
			return fmt.Errorf("make build-%s: copying %s to build in: %w", b.Function, src, err)
		}
		cmd := exec.CommandContext(ctx, "make", "build-"+b.Function)
		cmd.Env = append(os.Environ(), "ARTIFACTS_DIR="+out)
		cmd.Dir = scratch
		where := src
		if abs, err := filepath.Abs(src); err == nil {
			where = abs
		}
		return run(cmd, "a copy of "+where, "make build-"+b.Function)
	}
	return fmt.Errorf("build method %q is not one dev runs", b.Method)
}

// run runs a build command in its folder (where names it, when not its
// Dir); a failure carries what it printed. esbuild and go build write only
// their output (and their caches), so they run in the code folder itself.
func run(cmd *exec.Cmd, where, what string) error {
	if cmd.Dir == "" {
		cmd.Dir = where
	}
	if msg, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("%s (in %s): %w\n%s", what, where, err, strings.TrimSpace(string(msg)))
	}
	return nil
}

// skippedInCopy are the folders sam build leaves out of the copy it builds
// in: version control, and its own output.
var skippedInCopy = map[string]bool{".git": true, ".aws-sam": true}

// copySource copies the code folder src into dst as sam build does before
// make runs (but .git and .aws-sam), keeping modes and times (make compares
// times). The files of a node_modules folder are linked rather than copied
// (hard links; copies where the scratch folder is on another file system):
// the copy is made fast, and an npm install in it finds the packages
// installed and does nothing (npm replaces a node_modules that is a
// symbolic link by a new install of every package). A symbolic link is
// copied as a link, to the same place (made absolute when it leads out of
// src).
func copySource(src, dst string) error {
	src, err := filepath.Abs(src)
	if err != nil {
		return err
	}
	type dirTime struct {
		path string
		time time.Time
	}
	var dirs []dirTime
	err = filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(src, p)
		if err != nil {
			return err
		}
		to := filepath.Join(dst, rel)
		switch {
		case p == src:
			return nil
		case d.IsDir() && skippedInCopy[d.Name()]:
			return filepath.SkipDir
		case d.Type()&fs.ModeSymlink != 0:
			target, err := os.Readlink(p)
			if err != nil {
				return err
			}
			if !filepath.IsAbs(target) {
				if r, err := filepath.Rel(src, filepath.Join(filepath.Dir(p), target)); err != nil || r == ".." || strings.HasPrefix(r, ".."+string(filepath.Separator)) {
					target = filepath.Join(filepath.Dir(p), target)
				}
			}
			return os.Symlink(target, to)
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		if d.IsDir() {
			// A folder's times are set once what is in it is copied.
			dirs = append(dirs, dirTime{to, info.ModTime()})
			return os.Mkdir(to, info.Mode().Perm()|0o700)
		}
		if !info.Mode().IsRegular() {
			return nil // a socket, a device: nothing a build reads
		}
		if linked(rel) && os.Link(p, to) == nil {
			return nil
		}
		if err := copyFile(p, to, info.Mode().Perm()); err != nil {
			return err
		}
		return os.Chtimes(to, info.ModTime(), info.ModTime())
	})
	for _, d := range slices.Backward(dirs) {
		if err == nil {
			err = os.Chtimes(d.path, d.time, d.time)
		}
	}
	return err
}

// linked reports whether the file rel is one copySource links: one in a
// node_modules folder, but the package managers' own records at its top
// (npm's .package-lock.json, which every npm install writes again).
func linked(rel string) bool {
	dir := filepath.Dir(rel)
	if filepath.Base(dir) == "node_modules" && strings.HasPrefix(filepath.Base(rel), ".") {
		return false
	}
	return slices.Contains(strings.Split(dir, string(filepath.Separator)), "node_modules")
}

// copyFile copies the regular file from to to, with mode perm.
func copyFile(from, to string, perm fs.FileMode) error {
	in, err := os.Open(from)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(to, os.O_WRONLY|os.O_CREATE|os.O_EXCL, perm|0o200)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

func esbuild(ctx context.Context, opt Options, src, out string, b app.Build) error {
	if opt.CacheDir == "" {
		dir, err := cache.Dir()
		if err != nil {
			return fmt.Errorf("esbuild: %w", err)
		}
		opt.CacheDir = dir
	}
	prefix, err := npm.Provide(ctx, opt.NPM, opt.CacheDir, Esbuild, opt.Say)
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
	nodeModules, err := dependencies(ctx, opt, src)
	if err != nil {
		return fmt.Errorf("esbuild: %w", err)
	}
	cmd := exec.CommandContext(ctx, bin, args...)
	if nodeModules != "" {
		cmd.Env = append(os.Environ(), "NODE_PATH="+nodeModules)
	}
	err = run(cmd, src, "esbuild "+strings.Join(b.EntryPoints, " "))
	if err != nil && unresolvedPackage.MatchString(err.Error()) {
		if dir, ok := packageDir(src); ok {
			return fmt.Errorf("%w\nthe function's dependencies are not installed: run npm install in %s", err, dir)
		}
	}
	return err
}

// dependencies installs, as sam build does before it bundles, what the
// function's package.json declares where a package of it is not installed
// (in a node_modules of its folder or above): into wsdesign's cache, so that the
// code folder is left as it was. It returns the node_modules folder esbuild
// then finds packages in (NODE_PATH), or "" where there is nothing to
// install, or where the package.json names a dependency by a path or a
// workspace, which only an install in its own folder serves.
func dependencies(ctx context.Context, opt Options, src string) (string, error) {
	dir, ok := packageDir(src)
	if !ok {
		return "", nil
	}
	manifest, err := os.ReadFile(filepath.Join(dir, "package.json"))
	if err != nil {
		return "", nil
	}
	var pkg struct{ Dependencies, DevDependencies map[string]string }
	if json.Unmarshal(manifest, &pkg) != nil {
		return "", nil
	}
	deps := maps.Clone(pkg.Dependencies)
	if deps == nil {
		deps = map[string]string{}
	}
	maps.Copy(deps, pkg.DevDependencies)
	missing := false
	for name, spec := range deps {
		for _, local := range []string{"file:", "link:", "workspace:", ".", "/", "~"} {
			if strings.HasPrefix(spec, local) {
				return "", nil
			}
		}
		missing = missing || !installed(dir, name)
	}
	if !missing {
		return "", nil
	}
	lock, err := os.ReadFile(filepath.Join(dir, "package-lock.json"))
	if err != nil {
		lock = nil
	}
	prefix, err := npm.ProvideDependencies(ctx, opt.NPM, opt.CacheDir, manifest, lock, opt.Say)
	if err != nil {
		return "", fmt.Errorf("installing the dependencies of %s, as sam build does: %w\nfix the package.json, or run npm install in %s", filepath.Join(dir, "package.json"), err, dir)
	}
	return filepath.Join(prefix, "node_modules"), nil
}

// installed reports whether the package name is in a node_modules folder
// of dir or of a folder above it, where Node.js and esbuild look for it.
func installed(dir, name string) bool {
	for d := dir; ; d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(d, "node_modules", filepath.FromSlash(name), "package.json")); err == nil {
			return true
		}
		if filepath.Dir(d) == d {
			return false
		}
	}
}

// unresolvedPackage is esbuild's error for an import of a package (not a
// relative path) it cannot find.
var unresolvedPackage = regexp.MustCompile(`Could not resolve "[^./]`)

// packageDir is the folder of the package.json nearest above src, where
// the function's dependencies are installed.
func packageDir(src string) (string, bool) {
	dir, err := filepath.Abs(src)
	if err != nil {
		return "", false
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "package.json")); err == nil {
			return dir, true
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", false
		}
		dir = parent
	}
}

// Handler is the handler that the code b built into out runs with. For
// esbuild it is the one sam build writes into the built template: esbuild
// puts each bundle at the top of out, so a handler whose module is not
// where it names it (out/DIR/MODULE.js), and not in a layer (/opt), is taken
// by its last path element (src/handlers/app.handler: app.handler).
func Handler(out, handler string, b app.Build) string {
	if b.Method != app.BuildEsbuild || strings.HasPrefix(handler, "/opt") {
		return handler
	}
	module := strings.TrimSuffix(handler, path.Ext(handler))
	if _, err := os.Stat(filepath.Join(out, filepath.FromSlash(module)+".js")); err == nil {
		return handler
	}
	return path.Base(handler)
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
