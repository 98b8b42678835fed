package lambda

import (
	"bytes"
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/wsdesign/wsdesign/dev/npm"
)

// moduleSpecifier matches the module specifiers code names, and only those
// (not any quoted string, such as Symbol.for("@aws-sdk/reviver") in a
// bundle of the SDK): require("…") (esbuild's __require("…") too),
// import("…"), import … from "…", export … from "…" and a bare import "…".
var moduleSpecifier = regexp.MustCompile(`(?:^|[^\w$.])(?:(?:__)?require\s*\(\s*|import\s*\(\s*|import\s*|(?:import|export)\b[^;"'` + "`" + `]*?\bfrom\s*)["'` + "`" + `]([^"'` + "`" + `\s]+)["'` + "`" + `]`)

// sdkPackage takes the package of the AWS SDK for JavaScript a module
// specifier names: one of v3 (@aws-sdk/client-dynamodb/…), or v2
// (aws-sdk, aws-sdk/clients/…).
var sdkPackage = regexp.MustCompile(`^(@aws-sdk/[a-z0-9][a-z0-9._-]*|aws-sdk)(?:/|$)`)

// notInRuntime are the v3 packages that code may name but that Lambda's
// Node.js runtime does not carry: the optional signers the SDK loads only
// when the code registers them (their names are in the SDK's own error
// messages, and in guarded requires a bundle keeps), and the packages of the
// CRT, a native library (every name ending in -crt).
var notInRuntime = map[string]bool{"@aws-sdk/signature-v4a": true}

// runtimeProvides reports whether Lambda's Node.js runtime provides package
// name (an @aws-sdk/… package, or aws-sdk).
func runtimeProvides(name, runtime string) bool {
	if name == sdkV2 {
		return bundlesSDKv2(runtime)
	}
	return !notInRuntime[name] && !strings.HasSuffix(name, "-crt")
}

// Bundle says that a function's code is a bundle (as dev's esbuild step
// builds it): it carries the code it imports but what matches External,
// the patterns of the packages it leaves to the runtime.
type Bundle struct {
	External []string
}

// leaves reports whether the bundle leaves the import of specifier to the
// runtime, as esbuild's --external does: a pattern with a * matches the
// specifiers it matches with any text for the *; one without matches the
// package and the paths in it.
func (b *Bundle) leaves(specifier string) bool {
	for _, e := range b.External {
		if before, after, ok := strings.Cut(e, "*"); ok {
			if len(specifier) >= len(before)+len(after) && strings.HasPrefix(specifier, before) && strings.HasSuffix(specifier, after) {
				return true
			}
		} else if specifier == e || strings.HasPrefix(specifier, e+"/") {
			return true
		}
	}
	return false
}

// mayLeaveSDK reports whether the bundle may leave some AWS SDK package to
// the runtime, that is whether its code is worth reading: whether what a
// pattern fixes before its * could begin an SDK specifier.
func (b *Bundle) mayLeaveSDK() bool {
	for _, e := range b.External {
		fixed, _, wild := strings.Cut(e, "*")
		for _, sdk := range []string{"@aws-sdk/", sdkV2} {
			if strings.HasPrefix(fixed, sdk) || wild && strings.HasPrefix(sdk, fixed) {
				return true
			}
		}
	}
	return false
}

// sdkNames lists the AWS SDK packages the module specifiers of src name,
// sorted, each once; those of a bundle only where it leaves them to the
// runtime (b nil for code that is not a bundle).
func sdkNames(src []byte, b *Bundle) []string {
	var names []string
	for _, m := range moduleSpecifier.FindAllSubmatch(src, -1) {
		spec := string(m[1])
		p := sdkPackage.FindStringSubmatch(spec)
		if p == nil || b != nil && !b.leaves(spec) {
			continue
		}
		names = append(names, p[1])
	}
	slices.Sort(names)
	return slices.Compact(names)
}

// sdkV2 is the package name of the AWS SDK for JavaScript v2, and the version
// installed for it.
const sdkV2, sdkV2Version = "aws-sdk", "aws-sdk@2"

// bundlesSDKv2 reports whether Lambda's runtime provides the AWS SDK for
// JavaScript v2: nodejs16.x and the runtimes before it; from nodejs18.x it
// provides v3 only.
func bundlesSDKv2(runtime string) bool {
	n, ok := nodeMajor(runtime)
	return ok && n <= 16
}

// nodeMajor is the major version of Node.js a runtime runs (8 for
// nodejs8.10, 24 for nodejs24.x; 0 for the nodejs of Lambda's first days),
// and false for a runtime that is not Node.js.
func nodeMajor(runtime string) (int, bool) {
	v, ok := strings.CutPrefix(runtime, "nodejs")
	if !ok {
		return 0, false
	}
	if v == "" {
		return 0, true
	}
	major, _, _ := strings.Cut(v, ".")
	n, err := strconv.Atoi(major)
	return n, err == nil
}

// sdkImports lists the AWS SDK packages that the code in dir imports, that
// Lambda's Node.js runtime provides (v2 only where the runtime bundled it)
// and that neither dir nor a folder above it provides in node_modules. Of a
// bundle (b not nil) only the imports it leaves to the runtime count.
func sdkImports(dir, runtime string, b *Bundle) []string {
	if b != nil && !b.mayLeaveSDK() {
		return nil
	}
	var names []string
	filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return nil
		}
		if d.IsDir() {
			if d.Name() == "node_modules" || (p != dir && strings.HasPrefix(d.Name(), ".")) {
				return filepath.SkipDir
			}
			return nil
		}
		switch filepath.Ext(p) {
		case ".js", ".mjs", ".cjs":
		default:
			return nil
		}
		src, err := os.ReadFile(p)
		if err != nil || !bytes.Contains(src, []byte("aws-sdk")) {
			return nil
		}
		names = append(names, sdkNames(src, b)...)
		return nil
	})
	slices.Sort(names)
	names = slices.Compact(names)
	return slices.DeleteFunc(names, func(name string) bool {
		return !runtimeProvides(name, runtime) || providedAbove(dir, name)
	})
}

// providedAbove reports whether node would find package name from dir.
func providedAbove(dir, name string) bool {
	for d := dir; ; d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(d, "node_modules", filepath.FromSlash(name))); err == nil {
			return true
		}
		if filepath.Dir(d) == d {
			return false
		}
	}
}

// provideSDK installs the packages into the cache folder once (with npm, which
// records them in the folder's package.json, so that a later install keeps
// them) and
// returns the environment that makes a Node.js process find them: NODE_PATH
// for CommonJS and a resolve hook for ES modules, which ignore NODE_PATH.
// An install that fails is not tried again by the pool for the packages it
// was for: the functions that need one of them are not run, and say why.
func (p *Pool) provideSDK(names []string) (map[string]string, error) {
	cache := p.opt.SDKCache
	var missing []string
	for _, n := range names {
		if err := p.sdkFailed[n]; err != nil {
			return nil, fmt.Errorf("it imports %s, which Lambda's Node.js runtime provides, but %w", n, err)
		}
		if _, err := os.Stat(filepath.Join(cache, "node_modules", filepath.FromSlash(n))); err != nil {
			missing = append(missing, n)
		}
	}
	if len(missing) > 0 {
		if p.opt.Output != nil {
			p.opt.Output("wsdesign", "stderr", fmt.Sprintf("installing %s into %s (once), as Lambda's Node.js runtime provides them", strings.Join(missing, ", "), cache))
		}
		pkgs := slices.Clone(missing)
		for i, n := range pkgs {
			if n == sdkV2 {
				pkgs[i] = sdkV2Version
			}
		}
		err := os.MkdirAll(cache, 0o755)
		if err == nil {
			err = npm.Install(context.Background(), p.opt.NPM, cache, pkgs...)
		}
		if err != nil {
			err = fmt.Errorf("installing %s into %s failed: %w", strings.Join(missing, ", "), cache, err)
			if p.sdkFailed == nil {
				p.sdkFailed = map[string]error{}
			}
			for _, n := range missing {
				p.sdkFailed[n] = err
			}
			return nil, fmt.Errorf("it imports %s, which Lambda's Node.js runtime provides, but %w", strings.Join(missing, ", "), err)
		}
	}
	return map[string]string{
		// The SDK provided is the newest, which warns on every start that
		// later ones will need a newer Node.js than this machine's: a note
		// about wsdesign's choice, not about the handler.
		"AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED": "true",
		// v2 says at load that it is in maintenance mode; Lambda's runtimes
		// that bundled it did not.
		"AWS_SDK_JS_SUPPRESS_MAINTENANCE_MODE_MESSAGE": "1",
		"WSDESIGN_NODE_SDK":                            cache,
		"NODE_PATH":                                    filepath.Join(cache, "node_modules"),
		"NODE_OPTIONS":                                 "--import " + pathToFileURL(filepath.Join(p.tmp, "sdk-register.mjs")),
	}, nil
}

// pathToFileURL is the file: URL node accepts for --import, on every platform.
func pathToFileURL(p string) string {
	p = filepath.ToSlash(p)
	if !strings.HasPrefix(p, "/") {
		p = "/" + p
	}
	return "file://" + p
}
