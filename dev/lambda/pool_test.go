package lambda

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

func need(t testing.TB, bin string) {
	if _, err := exec.LookPath(bin); err != nil {
		t.Skip(bin + " not installed")
	}
}

func newPool(t testing.TB, files map[string]string, fns ...Function) *Pool {
	dir := t.TempDir()
	for name, text := range files {
		os.WriteFile(filepath.Join(dir, name), []byte(text), 0o600)
	}
	for i := range fns {
		if fns[i].InlineCode == "" {
			fns[i].Dir = dir
		}
	}
	p, err := NewPool(fns, Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.Close(context.Background()) })
	return p
}

func TestNodeAndPythonHandlers(t *testing.T) {
	need(t, "node")
	need(t, "python3")
	p := newPool(t, map[string]string{
		"cjs.js":  `let n = 0; exports.handler = async (e) => ({ n: ++n, got: e.x });`,
		"esm.mjs": `export const handler = async (e) => ({ esm: e.x });`,
		"app.py":  "def handler(event, context):\n    return {'py': event['x']}\n",
		"bad.js":  `exports.handler = async () => { throw new TypeError("boom"); };`,
	},
		Function{Name: "cjs", Runtime: "nodejs20.x", Handler: "cjs.handler"},
		Function{Name: "esm", Runtime: "nodejs20.x", Handler: "esm.handler"},
		Function{Name: "py", Runtime: "python3.11", Handler: "app.handler"},
		Function{Name: "bad", Runtime: "nodejs20.x", Handler: "bad.handler"},
	)
	ctx := context.Background()
	for _, c := range []struct{ fn, want string }{
		{"cjs", `{"n":1,"got":7}`}, {"cjs", `{"n":2,"got":7}`},
		{"esm", `{"esm":7}`}, {"py", `{"py": 7}`},
	} {
		out, err := p.Invoke(ctx, c.fn, []byte(`{"x":7}`))
		if err != nil || string(out) != c.want {
			t.Errorf("%s: got %s, %v; want %s", c.fn, out, err, c.want)
		}
	}
	_, err := p.Invoke(ctx, "bad", []byte(`{}`))
	var fe *FunctionError
	if !errors.As(err, &fe) || fe.ErrorType != "TypeError" || fe.ErrorMessage != "boom" {
		t.Errorf("throwing handler: %v", err)
	}
}

func TestTimeoutReplacesProcess(t *testing.T) {
	need(t, "node")
	p := newPool(t, map[string]string{
		"slow.js": `exports.handler = async (e) => { if (e.wait) await new Promise(r => setTimeout(r, 5000)); return "ok"; };`,
	}, Function{Name: "slow", Runtime: "nodejs20.x", Handler: "slow.handler", Timeout: 300 * time.Millisecond})
	_, err := p.Invoke(context.Background(), "slow", []byte(`{"wait":true}`))
	if !errors.Is(err, ErrTimeout) {
		t.Fatalf("want timeout, got %v", err)
	}
	out, err := p.Invoke(context.Background(), "slow", []byte(`{}`))
	if err != nil || string(out) != `"ok"` {
		t.Fatalf("after timeout: %s, %v", out, err)
	}
}

// TestInitIsNotTimed: as in Lambda, loading a handler (here 600 ms of
// top-level await) does not count against the function's timeout (300 ms).
func TestInitIsNotTimed(t *testing.T) {
	need(t, "node")
	p := newPool(t, map[string]string{
		"init.mjs": `await new Promise(r => setTimeout(r, 600)); export const handler = async () => "ok";`,
	}, Function{Name: "init", Runtime: "nodejs20.x", Handler: "init.handler", Timeout: 300 * time.Millisecond})
	out, err := p.Invoke(context.Background(), "init", []byte(`{}`))
	if err != nil || string(out) != `"ok"` {
		t.Fatalf("a slow init: %s, %v", out, err)
	}
}

func TestConcurrencyAndCap(t *testing.T) {
	need(t, "node")
	code := map[string]string{"s.js": `exports.handler = async () => { const start = Date.now(); await new Promise(r => setTimeout(r, 400)); return { start, end: Date.now() }; };`}
	checkCap(t, func(limit int) *Pool {
		return newPool(t, code, Function{Name: "s", Runtime: "nodejs20.x", Handler: "s.handler", MaxConcurrency: limit, Timeout: 10 * time.Second})
	}, nil)
}

// checkCap runs two invocations of function s at once, under a cap of 2 and
// of 1, and checks that they overlap under 2 only. pool makes a pool whose
// function s, given event, takes 400 ms and answers when it ran, as
// {"start": ms, "end": ms}: overlap is judged from the handlers' own clocks
// rather than from how fast a loaded machine is.
func checkCap(t *testing.T, pool func(limit int) *Pool, event []byte) {
	t.Helper()
	for _, c := range []struct {
		cap     int
		overlap bool
	}{{2, true}, {1, false}} {
		p := pool(c.cap)
		type span struct{ Start, End int64 }
		spans := make([]span, 2)
		// Two rounds: the first starts the processes (as many as the cap
		// allows), whose start on a loaded machine may outlast the other
		// invocation; the second runs on warm processes.
		for range 2 {
			var wg sync.WaitGroup
			for i := range spans {
				wg.Add(1)
				go func() {
					defer wg.Done()
					out, err := p.Invoke(context.Background(), "s", event)
					if err == nil {
						err = json.Unmarshal(out, &spans[i])
					}
					if err != nil {
						t.Error(err)
					}
				}()
			}
			wg.Wait()
		}
		a, b := spans[0], spans[1]
		if got := a.Start < b.End && b.Start < a.End; got != c.overlap {
			t.Errorf("cap %d: invocations ran %v and %v; overlap %v, want %v", c.cap, a, b, got, c.overlap)
		}
	}
}

func TestCallbackHandlers(t *testing.T) {
	need(t, "node")
	code := map[string]string{"cb.js": `exports.handler = (e, ctx, cb) => cb(null, "cb");`}
	p := newPool(t, code,
		Function{Name: "old", Runtime: "nodejs20.x", Handler: "cb.handler"},
		Function{Name: "older", Runtime: "nodejs8.10", Handler: "cb.handler"},
		Function{Name: "new", Runtime: "nodejs24.x", Handler: "cb.handler"})
	for _, name := range []string{"old", "older"} {
		if out, err := p.Invoke(context.Background(), name, nil); err != nil || string(out) != `"cb"` {
			t.Errorf("%s: %s, %v", name, out, err)
		}
	}
	if _, err := p.Invoke(context.Background(), "new", nil); err == nil || !strings.Contains(err.Error(), "Callback") {
		t.Errorf("nodejs24.x: want refusal, got %v", err)
	}
}

// TestLegacyContextMethods runs handlers that end with context.succeed,
// fail and done, called after the handler returned (as an authorizer
// waiting on a promise does), and ones that return nothing and end when
// their work is over, as Lambda's Node.js runtimes before nodejs24.x do.
func TestLegacyContextMethods(t *testing.T) {
	need(t, "node")
	code := map[string]string{"ctx.js": `
exports.succeed = (e, ctx) => { setTimeout(() => ctx.succeed({ ok: e.x }), 20); };
exports.fail = (e, ctx) => { Promise.resolve().then(() => ctx.fail("Unauthorized")); };
exports.done = (e, ctx) => { setTimeout(() => ctx.done(null, "done"), 20); };
exports.nothing = (e, ctx) => { setTimeout(() => console.log("work over"), 20); };
exports.later = (e, ctx) => { setTimeout(() => ctx.succeed("late"), 20); };
`}
	fns := []Function{{Name: "nothing", Runtime: "nodejs20.x", Handler: "ctx.nothing"}, {Name: "modern", Runtime: "nodejs24.x", Handler: "ctx.later", Timeout: time.Second}}
	for _, name := range []string{"succeed", "fail", "done"} {
		fns = append(fns, Function{Name: name, Runtime: "nodejs20.x", Handler: "ctx." + name})
	}
	p := newPool(t, code, fns...)
	ctx := context.Background()
	for fn, want := range map[string]string{"succeed": `{"ok":7}`, "done": `"done"`, "nothing": `null`} {
		if out, err := p.Invoke(ctx, fn, []byte(`{"x":7}`)); err != nil || string(out) != want {
			t.Errorf("%s: got %s, %v; want %s", fn, out, err, want)
		}
	}
	_, err := p.Invoke(ctx, "fail", nil)
	if fe := (*FunctionError)(nil); !errors.As(err, &fe) || fe.ErrorMessage != "Unauthorized" {
		t.Errorf("context.fail: got %v, want the function error Unauthorized", err)
	}
	// nodejs24.x has no context.succeed: the handler's timer throws, and
	// the invocation fails.
	if out, err := p.Invoke(ctx, "modern", nil); err == nil {
		t.Errorf("nodejs24.x context.succeed: got %s, want an error", out)
	}
}

func TestOutputAndMissingDependency(t *testing.T) {
	need(t, "node")
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "log.js"), []byte(`exports.handler = async () => { console.log("hello out"); console.error("hello err"); };`), 0o600)
	os.WriteFile(filepath.Join(dir, "dep.js"), []byte(`require("left-pad-missing"); exports.handler = async () => 1;`), 0o600)
	v2 := filepath.Join(dir, "v2")
	os.MkdirAll(v2, 0o700)
	os.WriteFile(filepath.Join(v2, "index.js"), []byte(`const AWS = require('aws-sdk'); exports.handler = async () => 1;`), 0o600)
	var mu sync.Mutex
	var lines []string
	p, err := NewPool([]Function{
		{Name: "log", Runtime: "nodejs20.x", Handler: "log.handler", Dir: dir},
		{Name: "dep", Runtime: "nodejs20.x", Handler: "dep.handler", Dir: dir},
		{Name: "v2", Runtime: "nodejs20.x", Handler: "index.handler", Dir: v2},
	}, Options{Output: func(fn, stream, line string) {
		mu.Lock()
		lines = append(lines, fn+" "+stream+" "+line)
		mu.Unlock()
	}})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close(context.Background())
	if _, err := p.Invoke(context.Background(), "log", nil); err != nil {
		t.Fatal(err)
	}
	_, err = p.Invoke(context.Background(), "dep", nil)
	if err == nil || !strings.Contains(err.Error(), "npm install") {
		t.Errorf("missing dependency: %v", err)
	}
	// nodejs18.x and later bundle v3 only: the SDK v2 is not provided, and
	// the error says why.
	_, err = p.Invoke(context.Background(), "v2", nil)
	if err == nil || !strings.Contains(err.Error(), "provides the AWS SDK for JavaScript v3 only") {
		t.Errorf("aws-sdk on nodejs20.x: %v", err)
	}
	time.Sleep(100 * time.Millisecond)
	mu.Lock()
	got := strings.Join(lines, "\n")
	mu.Unlock()
	for _, want := range []string{"log stdout hello out", "log stderr hello err"} {
		if !strings.Contains(got, want) {
			t.Errorf("output lacks %q:\n%s", want, got)
		}
	}
}

func BenchmarkInvokeWarmNode(b *testing.B) {
	need(b, "node")
	p := newPool(b, map[string]string{"t.js": `exports.handler = async () => 1;`},
		Function{Name: "t", Runtime: "nodejs20.x", Handler: "t.handler"})
	p.Invoke(context.Background(), "t", nil)
	for b.Loop() {
		if _, err := p.Invoke(context.Background(), "t", nil); err != nil {
			b.Fatal(err)
		}
	}
}

func TestBundlesSDKv2(t *testing.T) {
	for runtime, want := range map[string]bool{"nodejs": true, "nodejs8.10": true, "nodejs16.x": true, "nodejs18.x": false, "nodejs24.x": false, "python3.9": false} {
		if got := bundlesSDKv2(runtime); got != want {
			t.Errorf("%s: %v, want %v", runtime, got, want)
		}
	}
}

// TestMissingHandlerFile: a handler whose own file is not there is named,
// with the build script to run where package.json has one, rather than
// taken for a missing dependency.
func TestMissingHandlerFile(t *testing.T) {
	need(t, "node")
	built, plain := t.TempDir(), t.TempDir()
	os.WriteFile(filepath.Join(built, "package.json"), []byte(`{"scripts": {"build": "tsc"}}`), 0o600)
	fns := []Function{
		{Name: "built", Runtime: "nodejs20.x", Handler: "dist/connect.handler", Dir: built},
		{Name: "plain", Runtime: "nodejs20.x", Handler: "app.handler", Dir: plain},
	}
	if _, err := exec.LookPath("python3"); err == nil {
		fns = append(fns, Function{Name: "py", Runtime: "python3.12", Handler: "pkg.app.handler", Dir: plain})
	}
	p, err := NewPool(fns, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close(context.Background())
	for name, want := range map[string]string{
		"built": "the handler's file dist/connect.js is not in " + built + ": build it first (npm run build",
		"plain": "the handler's file app.js is not in " + plain + ": check the function's Handler and CodeUri",
		"py":    "the handler's file pkg/app.py is not in " + plain + ": check the function's Handler and CodeUri",
	} {
		if name == "py" && len(fns) < 3 {
			continue
		}
		_, err := p.Invoke(context.Background(), name, nil)
		if err == nil || !strings.Contains(err.Error(), want) || strings.Contains(err.Error(), "install") {
			t.Errorf("%s: %v, want %q", name, err, want)
		}
	}
}
