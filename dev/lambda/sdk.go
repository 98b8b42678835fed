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

// sdkImport matches the AWS SDK for JavaScript packages a file names: v3's
// clients, and v2 (aws-sdk).
var sdkImport = regexp.MustCompile(`["'](@aws-sdk/[a-z0-9-]+|aws-sdk)(?:/[^"']*)?["']`)

// sdkV2 is the package name of the AWS SDK for JavaScript v2, and the version
// installed for it.
const sdkV2, sdkV2Version = "aws-sdk", "aws-sdk@2"

// bundlesSDKv2 reports whether Lambda's runtime provides the AWS SDK for
// JavaScript v2: nodejs16.x and the runtimes before it; from nodejs18.x it
// provides v3 only.
func bundlesSDKv2(runtime string) bool {
	v, ok := strings.CutPrefix(runtime, "nodejs")
	if !ok {
		return false
	}
	major, _, _ := strings.Cut(v, ".")
	n, err := strconv.Atoi(major)
	return v == "" || err == nil && n <= 16
}

// sdkImports lists the AWS SDK packages that the code in dir imports and
// that neither dir nor a folder above it provides in node_modules: those
// Lambda's Node.js runtime would provide (v2 only where the runtime bundled
// it).
func sdkImports(dir, runtime string) []string {
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
		for _, m := range sdkImport.FindAllSubmatch(src, -1) {
			names = append(names, string(m[1]))
		}
		return nil
	})
	slices.Sort(names)
	names = slices.Compact(names)
	return slices.DeleteFunc(names, func(name string) bool {
		return name == sdkV2 && !bundlesSDKv2(runtime) || providedAbove(dir, name)
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
func (p *Pool) provideSDK(names []string) (map[string]string, error) {
	cache := p.opt.SDKCache
	var missing []string
	for _, n := range names {
		if _, err := os.Stat(filepath.Join(cache, "node_modules", filepath.FromSlash(n))); err != nil {
			if n == sdkV2 {
				n = sdkV2Version
			}
			missing = append(missing, n)
		}
	}
	if len(missing) > 0 {
		if p.opt.Output != nil {
			p.opt.Output("wsdesign", "stderr", fmt.Sprintf("installing %s into %s (once), as Lambda's Node.js runtime provides them", strings.Join(missing, ", "), cache))
		}
		if err := os.MkdirAll(cache, 0o755); err != nil {
			return nil, fmt.Errorf("lambda: AWS SDK cache: %w", err)
		}
		if err := npm.Install(context.Background(), p.opt.NPM, cache, missing...); err != nil {
			return nil, fmt.Errorf("lambda: the AWS SDK Lambda's runtime provides: %w", err)
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
