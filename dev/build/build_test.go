package build

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

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
