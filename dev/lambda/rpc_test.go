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

// buildGo1x builds testdata/go1x, with the main module's aws-lambda-go, as
// the executable handler in a folder of its own (on go1.x the Handler is
// the executable's name).
func buildGo1x(t testing.TB, tags ...string) string {
	need(t, "go")
	dir := t.TempDir()
	args := []string{"build", "-o", filepath.Join(dir, "handler")}
	if len(tags) > 0 {
		args = append(args, "-tags", strings.Join(tags, ","))
	}
	if out, err := exec.Command("go", append(args, "./testdata/go1x")...).CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return dir
}

// go1xPool is a pool of fns, which name their own folders.
func go1xPool(t testing.TB, opt Options, fns ...Function) *Pool {
	p, err := NewPool(fns, opt)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.Close(context.Background()) })
	return p
}

// answer is what testdata/go1x answers.
type answer struct {
	Pid      int    `json:"pid"`
	Start    int64  `json:"start"`
	End      int64  `json:"end"`
	Request  string `json:"request"`
	ARN      string `json:"arn"`
	Deadline int64  `json:"deadline"`
	Port     string `json:"port"`
}

func invokeGo1x(t *testing.T, p *Pool, event string) answer {
	t.Helper()
	out, err := p.Invoke(context.Background(), "go", []byte(event))
	if err != nil {
		t.Fatalf("%s: %v", event, err)
	}
	var a answer
	if err := json.Unmarshal(out, &a); err != nil {
		t.Fatalf("%s: %s: %v", event, out, err)
	}
	if a.Port == "" {
		t.Fatalf("%s: the handler was given no _LAMBDA_SERVER_PORT, so it did not answer over net/rpc", event)
	}
	return a
}

// TestGo1xHandler runs a handler built with aws-lambda-go on go1.x, over
// net/rpc: it answers, warm, with what the invocation gave it, its output
// is the function's, and its start (600 ms) does not count against the
// function's timeout (300 ms).
func TestGo1xHandler(t *testing.T) {
	dir := buildGo1x(t)
	var mu sync.Mutex
	var lines []string
	p := go1xPool(t, Options{Output: func(fn, stream, line string) {
		mu.Lock()
		lines = append(lines, fn+" "+stream+" "+line)
		mu.Unlock()
	}}, Function{Name: "go", Runtime: "go1.x", Dir: dir, Handler: "handler", Timeout: 300 * time.Millisecond, Env: map[string]string{"GO1X_INIT": "600ms"}})
	a := invokeGo1x(t, p, `{}`)
	b := invokeGo1x(t, p, `{}`)
	if a.Pid != b.Pid {
		t.Errorf("the second invocation ran in process %d, not in the warm %d", b.Pid, a.Pid)
	}
	if a.Request == "" || a.Request == b.Request {
		t.Errorf("request ids %q and %q, want two", a.Request, b.Request)
	}
	if !strings.HasSuffix(a.ARN, ":function:go") {
		t.Errorf("invoked function ARN %q", a.ARN)
	}
	if d := a.Deadline - a.Start; d <= 0 || d > 300 {
		t.Errorf("deadline %d ms after the start, want within the timeout of 300", d)
	}
	time.Sleep(100 * time.Millisecond)
	mu.Lock()
	got := strings.Join(lines, "\n")
	mu.Unlock()
	if want := "go stdout handled " + a.Request; !strings.Contains(got, want) {
		t.Errorf("output lacks %q:\n%s", want, got)
	}
}

// TestGo1xConcurrencyAndCap: on go1.x, as on the other runtimes, invocations
// run at once in as many processes as the cap allows, and no more.
func TestGo1xConcurrencyAndCap(t *testing.T) {
	dir := buildGo1x(t)
	checkCap(t, func(limit int) *Pool {
		return go1xPool(t, Options{}, Function{Name: "s", Runtime: "go1.x", Dir: dir, Handler: "handler", MaxConcurrency: limit, Timeout: 10 * time.Second})
	}, []byte(`{"wait":400}`))
}

// TestGo1xErrors: a handler's error is the function's error; a panic is too,
// and, as aws-lambda-go asks, its process is replaced, as is one that exits
// in the middle of an invocation, which fails.
func TestGo1xErrors(t *testing.T) {
	p := go1xPool(t, Options{}, Function{Name: "go", Runtime: "go1.x", Dir: buildGo1x(t), Handler: "handler"})
	ctx := context.Background()
	pid := invokeGo1x(t, p, `{}`).Pid
	_, err := p.Invoke(ctx, "go", []byte(`{"fail":true}`))
	var fe *FunctionError
	if !errors.As(err, &fe) || fe.Function != "go" || fe.ErrorType != "errorString" || fe.ErrorMessage != "denied" {
		t.Errorf("an error returned: got %v, want the function error errorString: denied", err)
	}
	if got := invokeGo1x(t, p, `{}`).Pid; got != pid {
		t.Errorf("after an error returned, process %d, want the warm %d", got, pid)
	}
	_, err = p.Invoke(ctx, "go", []byte(`{"panic":true}`))
	if !errors.As(err, &fe) || fe.ErrorType != "string" || fe.ErrorMessage != "boom" || len(fe.Trace) == 0 {
		t.Errorf("a panic: got %v, want the function error string: boom with its stack", err)
	}
	after := invokeGo1x(t, p, `{}`).Pid
	if after == pid {
		t.Errorf("after a panic, process %d is still used", pid)
	}
	_, err = p.Invoke(ctx, "go", []byte(`{"exit":true}`))
	if err == nil || errors.As(err, &fe) || !strings.Contains(err.Error(), "exit status 3") {
		t.Errorf("an exit in the middle of an invocation: got %v, want the process's exit", err)
	}
	if got := invokeGo1x(t, p, `{}`).Pid; got == after {
		t.Errorf("after an exit, process %d is still used", after)
	}
}

// TestGo1xTimeoutReplacesProcess: an invocation that outlives the timeout
// fails, and its process is killed and replaced.
func TestGo1xTimeoutReplacesProcess(t *testing.T) {
	p := go1xPool(t, Options{}, Function{Name: "go", Runtime: "go1.x", Dir: buildGo1x(t), Handler: "handler", Timeout: 300 * time.Millisecond})
	pid := invokeGo1x(t, p, `{}`).Pid
	if _, err := p.Invoke(context.Background(), "go", []byte(`{"wait":5000}`)); !errors.Is(err, ErrTimeout) {
		t.Fatalf("want timeout, got %v", err)
	}
	if got := invokeGo1x(t, p, `{}`).Pid; got == pid {
		t.Errorf("after a timeout, process %d is still used", pid)
	}
}

// TestGo1xNeverServes: an executable that never opens _LAMBDA_SERVER_PORT
// within the init limit, or exits without opening it (as one built with
// lambda.norpc does), fails with why; so does one on provided.* that never
// asks the Runtime API for an invocation.
func TestGo1xNeverServes(t *testing.T) {
	defer func(d time.Duration) { initTimeout = d }(initTimeout)
	initTimeout = 500 * time.Millisecond
	dir := buildGo1x(t)
	provided := t.TempDir()
	if err := os.Symlink(filepath.Join(dir, "handler"), filepath.Join(provided, "bootstrap")); err != nil {
		t.Fatal(err)
	}
	slow := map[string]string{"GO1X_INIT": "1h"}
	p := go1xPool(t, Options{},
		Function{Name: "slow", Runtime: "go1.x", Dir: dir, Handler: "handler", Env: slow},
		Function{Name: "norpc", Runtime: "go1.x", Dir: buildGo1x(t, "lambda.norpc"), Handler: "handler"},
		Function{Name: "provided", Runtime: "provided.al2023", Dir: provided, Handler: "bootstrap", Env: slow})
	for fn, want := range map[string]string{
		"slow":     "the program never opened _LAMBDA_SERVER_PORT: is it built with aws-lambda-go's lambda.Start?",
		"norpc":    "without opening _LAMBDA_SERVER_PORT: is it built with aws-lambda-go's lambda.Start, without the tag lambda.norpc?",
		"provided": "the program never asked AWS_LAMBDA_RUNTIME_API for an invocation",
	} {
		_, err := p.Invoke(context.Background(), fn, []byte(`{}`))
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: got %v, want %q", fn, err, want)
		}
		if fn != "norpc" && !errors.Is(err, ErrTimeout) {
			t.Errorf("%s: got %v, want the init limit's timeout", fn, err)
		}
	}
}

// TestProvidedPanic: a Go handler on provided.* that panics reports its
// error with the stack aws-lambda-go posts (frames, not strings), and, as
// aws-lambda-go then ends its process, the next invocation runs in a new
// one rather than failing on the process that is going away.
func TestProvidedPanic(t *testing.T) {
	dir := buildGo1x(t)
	if err := os.Rename(filepath.Join(dir, "handler"), filepath.Join(dir, "bootstrap")); err != nil {
		t.Fatal(err)
	}
	p := go1xPool(t, Options{}, Function{Name: "go", Runtime: "provided.al2023", Dir: dir, Handler: "bootstrap"})
	ctx := context.Background()
	pidOf := func() int {
		t.Helper()
		out, err := p.Invoke(ctx, "go", []byte(`{}`))
		var a answer
		if err != nil || json.Unmarshal(out, &a) != nil || a.Pid == 0 {
			t.Fatalf("invoking: %s %v", out, err)
		}
		return a.Pid
	}
	pid := pidOf()
	_, err := p.Invoke(ctx, "go", []byte(`{"panic":true}`))
	var fe *FunctionError
	if !errors.As(err, &fe) || fe.ErrorType != "string" || fe.ErrorMessage != "boom" || len(fe.Trace) == 0 || !strings.Contains(fe.Trace[0], ".go:") {
		t.Errorf("a panic: got %v (trace %q), want the function error string: boom with its frames", err, fe.Trace)
	}
	if after := pidOf(); after == pid {
		t.Errorf("after a panic, process %d is still used", pid)
	}
}
