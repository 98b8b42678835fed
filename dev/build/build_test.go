package build

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/wsdesign/wsdesign/dev/app"
)

func needNPM(t *testing.T) {
	if _, err := exec.LookPath("npm"); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("npm is needed under CI")
		}
		t.Skip("npm is not installed")
	}
}

func TestBundle(t *testing.T) {
	needNPM(t)
	src, out := t.TempDir(), t.TempDir()
	os.WriteFile(filepath.Join(src, "app.ts"), []byte(`import { n } from "./n"; export const handler = async (): Promise<number> => n;`), 0o644)
	os.WriteFile(filepath.Join(src, "n.ts"), []byte(`export const n: number = 42;`), 0o644)
	// The entry point named after a handler's module is found whatever its extension.
	os.WriteFile(filepath.Join(src, "other.js"), []byte(`exports.handler = async () => 1;`), 0o644)
	b := app.Build{Method: app.BuildEsbuild, EntryPoints: []string{"app.ts", "other.ts"}, Format: "cjs", Target: "es2020", External: []string{"@aws-sdk/*"}}
	if err := Run(context.Background(), Options{}, src, out, b); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"app.js", "other.js"} {
		got, err := os.ReadFile(filepath.Join(out, f))
		if err != nil {
			t.Fatal(err)
		}
		if f == "app.js" && (!strings.Contains(string(got), "42") || strings.Contains(string(got), "Promise<number>")) {
			t.Errorf("app.js is not the bundle of app.ts and n.ts:\n%s", got)
		}
	}
}

func TestBundleFailureSaysWhy(t *testing.T) {
	needNPM(t)
	src := t.TempDir()
	os.WriteFile(filepath.Join(src, "app.ts"), []byte(`export const handler = async ( => 1;`), 0o644)
	err := Run(context.Background(), Options{}, src, t.TempDir(), app.Build{Method: app.BuildEsbuild, EntryPoints: []string{"app.ts"}, Format: "esm", Target: "es2020"})
	if err == nil || !strings.Contains(err.Error(), "app.ts:1:") {
		t.Errorf("got %v, want esbuild's error with its position", err)
	}
}

// A makefile build runs the target build-<LogicalID> with ARTIFACTS_DIR the
// folder the function runs from, as sam build does.
func TestMakefile(t *testing.T) {
	if _, err := exec.LookPath("make"); err != nil {
		t.Skip("make is not installed")
	}
	src, out := t.TempDir(), t.TempDir()
	os.WriteFile(filepath.Join(src, "Makefile"), []byte("build-Chat:\n\techo built > $(ARTIFACTS_DIR)/bootstrap\nbuild-Other:\n\tfalse\n"), 0o644)
	if err := Run(context.Background(), Options{}, src, out, app.Build{Method: app.BuildMakefile, Function: "Chat"}); err != nil {
		t.Fatal(err)
	}
	if got, err := os.ReadFile(filepath.Join(out, "bootstrap")); err != nil || string(got) != "built\n" {
		t.Errorf("bootstrap: %q %v", got, err)
	}
	if err := Run(context.Background(), Options{}, src, out, app.Build{Method: app.BuildMakefile, Function: "Other"}); err == nil || !strings.Contains(err.Error(), "make build-Other") {
		t.Errorf("a failing target: %v", err)
	}
}

// snapshot is what a folder holds: each path below it, with its kind,
// size, time and contents (node_modules, which builds may install into, is
// left out).
func snapshot(t *testing.T, dir string) map[string]string {
	t.Helper()
	got := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.Name() == "node_modules" {
			return filepath.SkipDir
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		v := fmt.Sprintf("%v %d %v", info.Mode(), info.Size(), info.ModTime().UnixNano())
		if info.Mode().IsRegular() {
			b, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			v += " " + string(b)
		}
		got[p] = v
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return got
}

func sameSnapshot(t *testing.T, what string, before, after map[string]string) {
	t.Helper()
	for p, v := range after {
		if w, ok := before[p]; !ok {
			t.Errorf("%s wrote %s into the source folder", what, p)
		} else if v != w {
			t.Errorf("%s changed %s in the source folder: %q, was %q", what, p, v, w)
		}
	}
	for p := range before {
		if _, ok := after[p]; !ok {
			t.Errorf("%s removed %s from the source folder", what, p)
		}
	}
}

// A makefile build runs in a copy of the code folder, as sam build does:
// what its target writes beside the sources (dist/, package-lock.json, a
// tsconfig of its own) leaves the folder dev watches as it was. The copy
// has the folder's files with their times (make compares them), its
// node_modules (linked file by file, so that what an install removes or
// adds there stays in the copy), but not .git or .aws-sam.
func TestMakefileLeavesSourceAsItWas(t *testing.T) {
	if _, err := exec.LookPath("make"); err != nil {
		t.Skip("make is not installed")
	}
	src, out := t.TempDir(), t.TempDir()
	files := map[string]string{
		"Makefile": "build-Fn:\n" +
			"\ttest ! -e .git && test ! -e .aws-sam\n" +
			"\tcat node_modules/dep/index.js > dep.txt\n" +
			"\trm -rf node_modules/dep && mkdir node_modules/other && echo x > node_modules/other/index.js\n" +
			"\techo '{\"lockfileVersion\": 3}' > package-lock.json\n" +
			"\tprintf '{\"include\": [\"src/app.ts\"]}' > tsconfig-only-handler.json\n" +
			"\trm -rf dist && mkdir -p dist && cp src/app.js dist/ && echo stamp > src/stamp\n" +
			"\tcp -r dist dep.txt $(ARTIFACTS_DIR)/\n" +
			"\t$(MAKE) old.txt && cp old.txt $(ARTIFACTS_DIR)/\n" +
			// Up to date in the source, so in the copy too.
			"old.txt: src/app.js\n\techo rebuilt > old.txt\n",
		"package-lock.json":         `{"lockfileVersion": 2}`,
		"src/app.js":                `exports.handler = async () => 1;`,
		"dist/stale.js":             "stale",
		"old.txt":                   "kept",
		"node_modules/dep/index.js": "dep",
		".git/HEAD":                 "ref: refs/heads/main",
		".aws-sam/build.toml":       "",
	}
	for name, text := range files {
		p := filepath.Join(src, filepath.FromSlash(name))
		os.MkdirAll(filepath.Dir(p), 0o755)
		os.WriteFile(p, []byte(text), 0o644)
	}
	past := time.Now().Add(-time.Hour)
	os.Chtimes(filepath.Join(src, "src", "app.js"), past, past)
	before := snapshot(t, src)
	if err := Run(context.Background(), Options{}, src, out, app.Build{Method: app.BuildMakefile, Function: "Fn"}); err != nil {
		t.Fatal(err)
	}
	sameSnapshot(t, "make build-Fn", before, snapshot(t, src))
	if _, err := os.Stat(filepath.Join(src, "node_modules", "other")); err == nil {
		t.Error("what the build added to node_modules is in the source's")
	}
	if got, err := os.ReadFile(filepath.Join(src, "node_modules", "dep", "index.js")); err != nil || string(got) != "dep" {
		t.Errorf("the source's node_modules/dep after the build removed it from the copy's: %q %v", got, err)
	}
	for name, want := range map[string]string{"dist/app.js": files["src/app.js"], "dep.txt": "dep", "old.txt": "kept"} {
		if got, err := os.ReadFile(filepath.Join(out, filepath.FromSlash(name))); err != nil || string(got) != want {
			t.Errorf("%s in the artifacts: %q %v, want %q", name, got, err, want)
		}
	}
	if err := Run(context.Background(), Options{}, src, out, app.Build{Method: app.BuildMakefile, Function: "Missing"}); err == nil || !strings.Contains(err.Error(), "(in a copy of "+src+")") {
		t.Errorf("a failing build says where it ran: %v", err)
	}
}

// copySource links the files of node_modules (but npm's record of them,
// which npm install writes again) and copies the others, with their modes
// and times, and symbolic links as links.
func TestCopySource(t *testing.T) {
	src, dst := t.TempDir(), t.TempDir()
	for name, text := range map[string]string{"app.js": "app", "bin/run": "#!/bin/sh", "node_modules/dep/index.js": "dep", "lib/node_modules/x/index.js": "x", "node_modules/.package-lock.json": "{}"} {
		p := filepath.Join(src, filepath.FromSlash(name))
		os.MkdirAll(filepath.Dir(p), 0o755)
		os.WriteFile(p, []byte(text), 0o644)
	}
	os.Chmod(filepath.Join(src, "bin", "run"), 0o755)
	past := time.Now().Add(-time.Hour).Truncate(time.Second)
	os.Chtimes(filepath.Join(src, "app.js"), past, past)
	os.Symlink("../app.js", filepath.Join(src, "bin", "app"))
	os.Symlink("../outside", filepath.Join(src, "out"))
	os.Chtimes(filepath.Join(src, "bin"), past, past)
	if err := copySource(src, dst); err != nil {
		t.Fatal(err)
	}
	same := func(name string) bool {
		a, err1 := os.Stat(filepath.Join(src, filepath.FromSlash(name)))
		b, err2 := os.Stat(filepath.Join(dst, filepath.FromSlash(name)))
		if err1 != nil || err2 != nil {
			t.Fatalf("%s: %v %v", name, err1, err2)
		}
		return os.SameFile(a, b)
	}
	for name, linked := range map[string]bool{"app.js": false, "bin/run": false, "node_modules/dep/index.js": true, "lib/node_modules/x/index.js": true, "node_modules/.package-lock.json": false} {
		if got := same(name); got != linked {
			t.Errorf("%s linked: %v, want %v", name, got, linked)
		}
	}
	for _, name := range []string{"app.js", "bin"} {
		if fi, err := os.Stat(filepath.Join(dst, name)); err != nil || !fi.ModTime().Equal(past) {
			t.Errorf("%s: time not kept: %v %v", name, fi, err)
		}
	}
	if fi, err := os.Stat(filepath.Join(dst, "bin", "run")); err != nil || fi.Mode().Perm() != 0o755 {
		t.Errorf("bin/run: mode not kept: %v %v", fi, err)
	}
	if got, _ := os.Readlink(filepath.Join(dst, "bin", "app")); got != "../app.js" {
		t.Errorf("a link within the folder leads to %q", got)
	}
	if got, _ := os.Readlink(filepath.Join(dst, "out")); got != filepath.Join(filepath.Dir(src), "outside") {
		t.Errorf("a link out of the folder leads to %q", got)
	}
}

// esbuild and go build write their output only: the code folder is left as
// it was.
func TestBuildsLeaveSourceAsItWas(t *testing.T) {
	if _, err := exec.LookPath("go"); err == nil {
		src := t.TempDir()
		os.WriteFile(filepath.Join(src, "go.mod"), []byte("module example.com/fn\n\ngo 1.21\n"), 0o644)
		os.WriteFile(filepath.Join(src, "main.go"), []byte("package main\n\nfunc main() {}\n"), 0o644)
		before := snapshot(t, src)
		if err := Run(context.Background(), Options{}, src, t.TempDir(), app.Build{Method: app.BuildGo, Executable: "bootstrap"}); err != nil {
			t.Fatal(err)
		}
		sameSnapshot(t, "go build", before, snapshot(t, src))
	}
	if _, err := exec.LookPath("npm"); err == nil {
		src := t.TempDir()
		os.WriteFile(filepath.Join(src, "app.ts"), []byte(`export const handler = async (): Promise<number> => 1;`), 0o644)
		os.WriteFile(filepath.Join(src, "package.json"), []byte(`{"name": "fn"}`), 0o644)
		before := snapshot(t, src)
		b := app.Build{Method: app.BuildEsbuild, EntryPoints: []string{"app.ts"}, Format: "esm", Target: "es2020", Sourcemap: true}
		if err := Run(context.Background(), Options{}, src, t.TempDir(), b); err != nil {
			t.Fatal(err)
		}
		sameSnapshot(t, "esbuild", before, snapshot(t, src))
	}
}

// TestHandler rewrites the handler of an esbuild function as sam build
// does: the bundle of modules/connect.ts is connect.js at the top of out.
func TestHandler(t *testing.T) {
	out := t.TempDir()
	os.WriteFile(filepath.Join(out, "connect.js"), nil, 0o644)
	os.MkdirAll(filepath.Join(out, "kept"), 0o755)
	os.WriteFile(filepath.Join(out, "kept", "app.js"), nil, 0o644)
	esb := app.Build{Method: app.BuildEsbuild}
	for _, c := range []struct {
		handler string
		b       app.Build
		want    string
	}{
		{"modules/connect.handler", esb, "connect.handler"},
		{"connect.handler", esb, "connect.handler"},
		{"kept/app.handler", esb, "kept/app.handler"},
		{"/opt/nodejs/shared.handler", esb, "/opt/nodejs/shared.handler"},
		{"modules/connect.handler", app.Build{Method: app.BuildMakefile}, "modules/connect.handler"},
	} {
		if got := Handler(out, c.handler, c.b); got != c.want {
			t.Errorf("Handler(%s, %s) = %s, want %s", c.handler, c.b.Method, got, c.want)
		}
	}
}

// A bundle that imports a package not installed says where to install the
// function's dependencies.
func TestBundleNamesMissingDependencies(t *testing.T) {
	needNPM(t)
	root := t.TempDir()
	src := filepath.Join(root, "modules")
	os.MkdirAll(src, 0o755)
	os.WriteFile(filepath.Join(root, "package.json"), []byte(`{"dependencies": {"left-pad-nowhere": "1.0.0"}}`), 0o644)
	os.WriteFile(filepath.Join(src, "app.ts"), []byte(`import pad from "left-pad-nowhere"; export const handler = async () => pad("x", 3);`), 0o644)
	err := Run(context.Background(), Options{}, src, t.TempDir(), app.Build{Method: app.BuildEsbuild, EntryPoints: []string{"app.ts"}, Format: "cjs", Target: "es2020"})
	if err == nil || !strings.Contains(err.Error(), "run npm install in "+root) {
		t.Errorf("got %v, want the advice to run npm install in %s", err, root)
	}
}

// An esbuild function whose package.json declares dependencies that are not
// installed gets them installed, as sam build does, into the cache: the
// bundle carries them, and the code folder is left as it was. A
// node_modules above it without them (another project's) does not count.
func TestBundleInstallsDependencies(t *testing.T) {
	needNPM(t)
	root, out := t.TempDir(), t.TempDir()
	src := filepath.Join(root, "fn")
	os.MkdirAll(filepath.Join(root, "node_modules", "unrelated"), 0o755)
	os.WriteFile(filepath.Join(root, "node_modules", "unrelated", "package.json"), []byte(`{"name": "unrelated"}`), 0o644)
	os.MkdirAll(src, 0o755)
	os.WriteFile(filepath.Join(src, "package.json"), []byte(`{"name": "fn", "dependencies": {"ms": "2.1.3"}}`), 0o644)
	os.WriteFile(filepath.Join(src, "app.ts"), []byte(`import ms from "ms"; export const handler = async (): Promise<string> => ms(90000);`), 0o644)
	before := snapshot(t, src)
	b := app.Build{Method: app.BuildEsbuild, EntryPoints: []string{"app.ts"}, Format: "cjs", Target: "es2020"}
	if err := Run(context.Background(), Options{}, src, out, b); err != nil {
		t.Fatal(err)
	}
	sameSnapshot(t, "esbuild with dependencies", before, snapshot(t, src))
	got, err := exec.Command("node", "-e", `require(process.argv[1]).handler().then((v) => console.log(v))`, filepath.Join(out, "app.js")).CombinedOutput()
	if err != nil || strings.TrimSpace(string(got)) != "2m" {
		t.Errorf("the bundle's handler gave %q %v, want ms(90000), 2m", got, err)
	}
}
