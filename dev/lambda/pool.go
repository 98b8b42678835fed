package lambda

import (
	"bufio"
	"context"
	"crypto/rand"
	"embed"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/wsdesign/wsdesign/dev/cache"
)

//go:embed bootstrap/node.mjs bootstrap/python.py bootstrap/sdk-hook.mjs bootstrap/sdk-register.mjs
var bootstraps embed.FS

// Function is one Lambda function as the template declares it.
type Function struct {
	Name           string
	Runtime        string
	Dir            string
	Handler        string
	Env            map[string]string
	Timeout        time.Duration
	InlineCode     string
	MaxConcurrency int
	// ModulePaths are folders the runtime looks for modules in besides the
	// code's own, as Lambda looks in the layers at /opt: NODE_PATH for
	// Node.js (before the SDK provided), PYTHONPATH for Python.
	ModulePaths []string
	// Build, when set, builds the code into out (as sam build does) and
	// returns the handler the built code runs with (sam build may rewrite
	// it): the function runs from there. A function whose build fails is
	// not run, and the failure is its output.
	Build func(out string) (handler string, err error)
	// Bundle, for code Build bundles, says which packages the bundle
	// leaves to the runtime: the AWS SDK it inlined needs nothing.
	Bundle *Bundle
}

// Options apply to every function of a pool.
type Options struct {
	Python         string // default python3 on PATH
	Node           string // default node on PATH
	MaxConcurrency int    // per function, default 10
	Output         func(function, stream, line string)
	// NPM installs the AWS SDK packages handlers import without carrying
	// them (default npm on PATH) into SDKCache (default
	// cache.Dir()/node-sdk).
	NPM      string
	SDKCache string
}

// AccessKeyID is the placeholder access key handlers get: the AWS SDKs sign
// requests and need one, and local services that keep data apart by key (such
// as DynamoDB Local) must be given the same.
const AccessKeyID = "wsdesign"

// Supported reports whether the pool can run functions of runtime: Node.js
// and Python through a bootstrap of dev's, and the OS-only runtimes
// (provided.*, and go1.x) as the executable the code is, which speaks the
// Runtime API itself, or on go1.x the net/rpc protocol of that runtime.
func Supported(runtime string) bool {
	return strings.HasPrefix(runtime, "nodejs") || strings.HasPrefix(runtime, "python3") || OSOnly(runtime)
}

// OSOnly reports whether runtime runs the function's own executable, into
// which no hook of dev's is loaded.
func OSOnly(runtime string) bool {
	return runtime == "provided" || strings.HasPrefix(runtime, "provided.") || runtime == "go1.x"
}

// executable is the program an OS-only runtime runs from the code folder:
// the handler for go1.x, bootstrap for provided.*; empty for the others.
func executable(f Function) string {
	switch {
	case f.Runtime == "go1.x":
		return f.Handler
	case OSOnly(f.Runtime):
		return "bootstrap"
	}
	return ""
}

// notRun says, as a function's output, why it is not run.
func (p *Pool) notRun(function, why string) {
	if p.opt.Output != nil {
		for _, line := range strings.Split("not run: "+why, "\n") {
			p.opt.Output(function, "stderr", line)
		}
	}
}

// Unsupported lists the functions a pool cannot run, with the reason, so they can be listed at
// start and answer as failing integrations.
func Unsupported(fns []Function) map[string]string {
	out := map[string]string{}
	for _, f := range fns {
		switch {
		case !Supported(f.Runtime):
			out[f.Name] = fmt.Sprintf("runtime %q is not emulated", f.Runtime)
		case f.Dir == "" && f.InlineCode == "":
			out[f.Name] = "no local code (code in S3?)"
		}
	}
	return out
}

// FunctionError is a handler's error as the runtime reports it.
type FunctionError struct {
	Function     string   `json:"-"`
	ErrorType    string   `json:"errorType"`
	ErrorMessage string   `json:"errorMessage"`
	Trace        []string `json:"trace,omitempty"`
}

func (e *FunctionError) Error() string {
	return fmt.Sprintf("%s: %s: %s", e.Function, e.ErrorType, e.ErrorMessage)
}

// ErrTimeout is returned (wrapped) when an invocation outlives the function's timeout.
var ErrTimeout = errors.New("task timed out")

// Pool runs functions in warm processes.
type Pool struct {
	opt Options
	tmp string
	fns map[string]*function
	// sdkFailed are the AWS SDK packages whose install failed, with why.
	sdkFailed map[string]error
}

type function struct {
	Function
	pool *Pool
	slot chan struct{} // one token per process that may run
	mu   sync.Mutex
	idle []*process
	all  map[*process]bool
}

// NewPool prepares the functions; processes start on first invocation.
func NewPool(fns []Function, opt Options) (*Pool, error) {
	if opt.MaxConcurrency <= 0 {
		opt.MaxConcurrency = 10
	}
	if opt.Python == "" {
		opt.Python = "python3"
	}
	if opt.Node == "" {
		opt.Node = "node"
	}
	if opt.NPM == "" {
		opt.NPM = "npm"
	}
	if opt.SDKCache == "" {
		dir, err := cache.Dir()
		if err != nil {
			dir = filepath.Join(os.TempDir(), "wsdesign")
		}
		opt.SDKCache = filepath.Join(dir, "node-sdk")
	}
	tmp, err := os.MkdirTemp("", "wsdesign-lambda-")
	if err != nil {
		return nil, fmt.Errorf("lambda: %w", err)
	}
	p := &Pool{opt: opt, tmp: tmp, fns: map[string]*function{}}
	for _, name := range []string{"node.mjs", "python.py", "sdk-hook.mjs", "sdk-register.mjs"} {
		b, _ := bootstraps.ReadFile("bootstrap/" + name)
		if err := os.WriteFile(filepath.Join(tmp, name), b, 0o600); err != nil {
			return nil, fmt.Errorf("lambda: %w", err)
		}
	}
	for _, f := range fns {
		if _, bad := Unsupported([]Function{f})[f.Name]; bad {
			continue
		}
		if f.Timeout <= 0 {
			f.Timeout = 3 * time.Second
		}
		if f.MaxConcurrency <= 0 {
			f.MaxConcurrency = opt.MaxConcurrency
		}
		// The process runs in its code folder, so a relative folder would
		// be resolved from there.
		if f.Dir != "" {
			abs, err := filepath.Abs(f.Dir)
			if err != nil {
				return nil, fmt.Errorf("lambda: %w", err)
			}
			f.Dir = abs
		}
		f.ModulePaths = slices.Clone(f.ModulePaths)
		for i, dir := range f.ModulePaths {
			abs, err := filepath.Abs(dir)
			if err != nil {
				return nil, fmt.Errorf("lambda: %w", err)
			}
			f.ModulePaths[i] = abs
		}
		if f.InlineCode != "" {
			dir := filepath.Join(tmp, "fn-"+f.Name)
			if err := os.MkdirAll(dir, 0o700); err != nil {
				return nil, fmt.Errorf("lambda: %w", err)
			}
			file := "index.py"
			if strings.HasPrefix(f.Runtime, "nodejs") {
				file = "index.js"
				if strings.Contains(f.InlineCode, "export ") {
					file = "index.mjs"
				}
			}
			if err := os.WriteFile(filepath.Join(dir, file), []byte(f.InlineCode), 0o600); err != nil {
				return nil, fmt.Errorf("lambda: %w", err)
			}
			f.Dir = dir
		}
		if f.Build != nil {
			out := filepath.Join(tmp, "build-"+f.Name)
			handler, err := f.Build(out)
			if err != nil {
				p.notRun(f.Name, "its build failed: "+err.Error())
				continue
			}
			f.Dir, f.Handler = out, handler
		}
		if exe := executable(f); exe != "" {
			if _, err := os.Stat(filepath.Join(f.Dir, exe)); err != nil {
				p.notRun(f.Name, fmt.Sprintf("%s has no executable %s: build it, or give the function Metadata BuildMethod go1.x or makefile, which dev builds as sam build does", f.Dir, exe))
				continue
			}
		}
		if f.Dir != "" && strings.HasPrefix(f.Runtime, "nodejs") {
			if names := sdkImports(f.Dir, f.Runtime, f.Bundle); len(names) > 0 {
				env, err := p.provideSDK(names)
				if err != nil {
					p.notRun(f.Name, err.Error())
					continue
				}
				f.Env = withEnv(f.Env, env)
			}
		}
		fn := &function{Function: f, pool: p, slot: make(chan struct{}, f.MaxConcurrency), all: map[*process]bool{}}
		for range f.MaxConcurrency {
			fn.slot <- struct{}{}
		}
		p.fns[f.Name] = fn
	}
	return p, nil
}

// Invoke runs function with event and returns its result.
func (p *Pool) Invoke(ctx context.Context, function string, event []byte) ([]byte, error) {
	fn := p.fns[function]
	if fn == nil {
		return nil, fmt.Errorf("lambda: function %s is not runnable here", function)
	}
	select {
	case <-fn.slot:
	case <-ctx.Done():
		return nil, fmt.Errorf("lambda: %s: waiting for a free process: %w", function, ctx.Err())
	}
	defer func() { fn.slot <- struct{}{} }()
	var proc *process
	var out []byte
	var err error
	// A warm process that ended between invocations (as aws-lambda-go's
	// does after a panic) never saw the event: a new one takes it, as
	// Lambda would use another environment.
	for range 2 {
		if proc, err = fn.take(); err != nil {
			return nil, err
		}
		out, err = proc.invoke(ctx, event, fn.Timeout)
		if err != nil && !proc.alive() {
			fn.drop(proc)
			if errors.Is(err, errEndedWarm) {
				continue
			}
			return nil, err
		}
		break
	}
	if errors.Is(err, errEndedWarm) {
		return nil, err
	}
	fn.mu.Lock()
	fn.idle = append(fn.idle, proc)
	fn.mu.Unlock()
	return out, err
}

func (f *function) take() (*process, error) {
	f.mu.Lock()
	if n := len(f.idle); n > 0 {
		pr := f.idle[n-1]
		f.idle = f.idle[:n-1]
		f.mu.Unlock()
		return pr, nil
	}
	f.mu.Unlock()
	pr, err := f.start()
	if err != nil {
		return nil, err
	}
	f.mu.Lock()
	f.all[pr] = true
	f.mu.Unlock()
	return pr, nil
}

func (f *function) drop(pr *process) {
	pr.kill()
	f.mu.Lock()
	delete(f.all, pr)
	f.mu.Unlock()
}

// Close ends every process.
func (p *Pool) Close(ctx context.Context) error {
	for _, f := range p.fns {
		f.mu.Lock()
		for pr := range f.all {
			pr.kill()
		}
		f.all = map[*process]bool{}
		f.idle = nil
		f.mu.Unlock()
	}
	return os.RemoveAll(p.tmp)
}

type result struct {
	body []byte
	err  error
	// exit is set when the runtime ends the process after the invocation,
	// as aws-lambda-go asks for after a panic: the process is replaced.
	exit bool
}

// errEndedWarm is the end of a process that had answered invocations,
// before it took the next one.
var errEndedWarm = errors.New("the process ended between invocations")

// initTimeout is Lambda's limit for the init phase: starting the runtime
// and loading the handler, before the first invocation. It is a variable
// so that tests can shorten it.
var initTimeout = 10 * time.Second

type invocation struct {
	id       string
	event    []byte
	deadline time.Time
	done     chan result
}

type process struct {
	fn     *function
	cmd    *exec.Cmd
	srv    *http.Server // the Runtime API; nil on go1.x, which speaks net/rpc
	ready  atomic.Bool  // on go1.x, the program's port answered Ping
	warm   atomic.Bool  // it has answered an invocation
	next   chan *invocation
	exited chan struct{}
	initMu sync.Mutex
	initEr error
	cur    sync.Map // id → *invocation
	wg     sync.WaitGroup
}

func (f *function) start() (*process, error) {
	pr := &process{fn: f, next: make(chan *invocation), exited: make(chan struct{})}
	// The process is given the Runtime API to ask for invocations, except
	// on go1.x, which, as Lambda's go1.x runtime did, is given a port to
	// serve net/rpc on and is called there.
	var api, port string
	if f.Runtime == "go1.x" {
		var err error
		if port, err = freePort(); err != nil {
			return nil, fmt.Errorf("lambda: %w", err)
		}
	} else {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, fmt.Errorf("lambda: %w", err)
		}
		mux := http.NewServeMux()
		mux.HandleFunc("GET /2018-06-01/runtime/invocation/next", pr.serveNext)
		mux.HandleFunc("POST /2018-06-01/runtime/invocation/{id}/response", pr.serveResult)
		mux.HandleFunc("POST /2018-06-01/runtime/invocation/{id}/error", pr.serveResult)
		mux.HandleFunc("POST /2018-06-01/runtime/init/error", pr.serveInitError)
		pr.srv = &http.Server{Handler: mux}
		go pr.srv.Serve(ln)
		api = ln.Addr().String()
	}

	o := f.pool.opt
	var args []string
	bin := o.Node
	switch exe := executable(f.Function); {
	case exe != "":
		bin = filepath.Join(f.Dir, exe)
	case strings.HasPrefix(f.Runtime, "python"):
		bin = o.Python
		args = []string{"-u", filepath.Join(f.pool.tmp, "python.py")}
	default:
		args = []string{filepath.Join(f.pool.tmp, "node.mjs")}
	}
	cmd := exec.Command(bin, args...)
	cmd.Dir = f.Dir
	env := map[string]string{
		"_HANDLER":                        f.Handler,
		"LAMBDA_TASK_ROOT":                f.Dir,
		"AWS_LAMBDA_FUNCTION_NAME":        f.Name,
		"AWS_LAMBDA_FUNCTION_VERSION":     "$LATEST",
		"AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "128",
		"AWS_LAMBDA_FUNCTION_TIMEOUT":     strconv.Itoa(int(f.Timeout.Seconds())),
		"AWS_REGION":                      "us-east-1",
		"AWS_DEFAULT_REGION":              "us-east-1",
		"AWS_ACCESS_KEY_ID":               AccessKeyID,
		"AWS_SECRET_ACCESS_KEY":           "local",
		"AWS_EXECUTION_ENV":               "AWS_Lambda_" + f.Runtime,
		"TZ":                              ":UTC",
		"WSDESIGN_RUNTIME":                f.Runtime,
		"PATH":                            os.Getenv("PATH"),
		"HOME":                            os.Getenv("HOME"),
	}
	if port != "" {
		env["_LAMBDA_SERVER_PORT"] = port
	} else {
		env["AWS_LAMBDA_RUNTIME_API"] = api
	}
	if n, ok := nodeMajor(f.Runtime); ok && n >= 24 {
		env["WSDESIGN_REFUSE_CALLBACK"] = "1"
	}
	for k, v := range f.Env {
		env[k] = v
	}
	if len(f.ModulePaths) > 0 {
		paths := strings.Join(f.ModulePaths, string(os.PathListSeparator))
		if strings.HasPrefix(f.Runtime, "python") {
			// After what dev's own hooks put first.
			env["PYTHONPATH"] = strings.Trim(env["PYTHONPATH"]+string(os.PathListSeparator)+paths, string(os.PathListSeparator))
		} else {
			env["NODE_PATH"] = strings.Trim(paths+string(os.PathListSeparator)+env["NODE_PATH"], string(os.PathListSeparator))
		}
	}
	for k, v := range env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	stdout, _ := cmd.StdoutPipe()
	stderr, _ := cmd.StderrPipe()
	if err := cmd.Start(); err != nil {
		if pr.srv != nil {
			pr.srv.Close()
		}
		return nil, fmt.Errorf("lambda: %s: starting %s: %w", f.Name, bin, err)
	}
	pr.cmd = cmd
	pr.wg.Add(2)
	go pr.lines("stdout", stdout)
	go pr.lines("stderr", stderr)
	go func() {
		pr.wg.Wait()
		cmd.Wait()
		close(pr.exited)
		if pr.srv != nil {
			pr.srv.Close()
		}
	}()
	if port != "" {
		go pr.serveRPC(port)
	}
	return pr, nil
}

func (pr *process) lines(stream string, r io.Reader) {
	defer pr.wg.Done()
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 1024*1024)
	for sc.Scan() {
		if out := pr.fn.pool.opt.Output; out != nil {
			out(pr.fn.Name, stream, sc.Text())
		}
	}
}

func (pr *process) alive() bool {
	select {
	case <-pr.exited:
		return false
	default:
		return true
	}
}

func (pr *process) kill() {
	if pr.cmd.Process != nil {
		pr.cmd.Process.Kill()
	}
}

func (pr *process) invoke(ctx context.Context, event []byte, timeout time.Duration) ([]byte, error) {
	if len(event) == 0 {
		event = []byte("null")
	}
	b := make([]byte, 16)
	rand.Read(b)
	inv := &invocation{id: hex.EncodeToString(b), event: event, done: make(chan result, 1)}
	name := pr.fn.Name
	fail := func(err error) ([]byte, error) {
		pr.kill()
		<-pr.exited
		return nil, err
	}
	// As in Lambda, starting the runtime and loading the handler (the init
	// phase) has a limit of its own; the function's timeout runs from when
	// the runtime takes the event (serveNext, or serveRPC on go1.x, sets the
	// deadline it reads).
	initTimer := time.NewTimer(initTimeout)
	defer initTimer.Stop()
	select {
	case pr.next <- inv:
	case <-pr.exited:
		if pr.warm.Load() {
			return nil, fmt.Errorf("lambda: %s: %w (%v)", name, errEndedWarm, pr.cmd.ProcessState)
		}
		return nil, pr.exitError()
	case <-initTimer.C:
		return fail(fmt.Errorf("lambda: %s: %w after %s while starting (Lambda's init limit)%s", name, ErrTimeout, initTimeout, pr.fn.neverReady()))
	case <-ctx.Done():
		return fail(fmt.Errorf("lambda: %s: %w", name, ctx.Err()))
	}
	timer := time.NewTimer(timeout)
	defer timer.Stop()
	select {
	case r := <-inv.done:
		pr.warm.Store(true)
		if r.exit {
			pr.kill()
			<-pr.exited
		}
		return r.body, r.err
	case <-pr.exited:
		return nil, pr.exitError()
	case <-timer.C:
		return fail(fmt.Errorf("lambda: %s: %w after %s", name, ErrTimeout, timeout))
	case <-ctx.Done():
		return fail(fmt.Errorf("lambda: %s: %w", name, ctx.Err()))
	}
}

func (pr *process) exitError() error {
	pr.initMu.Lock()
	defer pr.initMu.Unlock()
	if pr.initEr != nil {
		return pr.initEr
	}
	if pr.fn.Runtime == "go1.x" && !pr.ready.Load() {
		return fmt.Errorf("lambda: %s: process exited (%v) without opening _LAMBDA_SERVER_PORT: is it built with aws-lambda-go's lambda.Start, without the tag lambda.norpc?", pr.fn.Name, pr.cmd.ProcessState)
	}
	return fmt.Errorf("lambda: %s: process exited: %v", pr.fn.Name, pr.cmd.ProcessState)
}

// neverReady says, after the init limit, what the function's own
// executable failed to do; the bootstraps of dev's need no such hint.
func (f *function) neverReady() string {
	switch {
	case f.Runtime == "go1.x":
		return ": the program never opened _LAMBDA_SERVER_PORT: is it built with aws-lambda-go's lambda.Start?"
	case OSOnly(f.Runtime):
		return ": the program never asked AWS_LAMBDA_RUNTIME_API for an invocation: does it speak the Lambda Runtime API (as aws-lambda-go's lambda.Start does)?"
	}
	return ""
}

func (pr *process) serveNext(w http.ResponseWriter, r *http.Request) {
	select {
	case inv := <-pr.next:
		inv.deadline = time.Now().Add(pr.fn.Timeout)
		pr.cur.Store(inv.id, inv)
		h := w.Header()
		h.Set("Lambda-Runtime-Aws-Request-Id", inv.id)
		h.Set("Lambda-Runtime-Deadline-Ms", strconv.FormatInt(inv.deadline.UnixMilli(), 10))
		h.Set("Lambda-Runtime-Invoked-Function-Arn", pr.fn.arn())
		h.Set("Lambda-Runtime-Trace-Id", inv.traceID())
		h.Set("Content-Type", "application/json")
		w.Write(inv.event)
	case <-r.Context().Done():
	}
}

// arn is the function's ARN as its invocations are given it.
func (f *function) arn() string {
	return "arn:aws:lambda:us-east-1:123456789012:function:" + f.Name
}

// traceID is the X-Ray trace header of the invocation, made from its id.
func (inv *invocation) traceID() string {
	return "Root=1-" + inv.id[:8] + "-" + inv.id[8:] + ";Sampled=0"
}

func (pr *process) serveResult(w http.ResponseWriter, r *http.Request) {
	v, ok := pr.cur.LoadAndDelete(r.PathValue("id"))
	if !ok {
		http.Error(w, `{"errorMessage":"unknown request id"}`, http.StatusBadRequest)
		return
	}
	inv := v.(*invocation)
	body, err := io.ReadAll(io.LimitReader(r.Body, 6<<20))
	if err != nil {
		inv.done <- result{err: fmt.Errorf("lambda: %s: %w", pr.fn.Name, err)}
		return
	}
	w.WriteHeader(http.StatusAccepted)
	if strings.HasSuffix(r.URL.Path, "/error") {
		inv.done <- result{err: pr.fn.decodeError(body)}
		return
	}
	inv.done <- result{body: body}
}

func (pr *process) serveInitError(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	var e error = pr.fn.decodeError(body)
	if fe := e.(*FunctionError); fe.ErrorType == "Runtime.ImportModuleError" {
		e = fmt.Errorf("%w (%s)", e, pr.fn.installHint(fe.ErrorMessage))
	}
	pr.initMu.Lock()
	pr.initEr = e
	pr.initMu.Unlock()
	w.WriteHeader(http.StatusAccepted)
}

// decodeError reads the error a runtime posts. (aws-lambda-go does not
// post that it ends its process after a panic: Invoke finds the process
// gone when it hands it the next event.)
func (f *function) decodeError(body []byte) *FunctionError {
	fe := &FunctionError{Function: f.Name}
	var raw struct {
		FunctionError
		// Strings from dev's bootstraps, frames ({path, line, label})
		// from aws-lambda-go.
		StackTrace []json.RawMessage `json:"stackTrace"`
	}
	if err := json.Unmarshal(body, &raw); err != nil {
		fe.ErrorType, fe.ErrorMessage = "Runtime.InvalidError", string(body)
		return fe
	}
	fe.ErrorType, fe.ErrorMessage, fe.Trace = raw.ErrorType, raw.ErrorMessage, raw.Trace
	if fe.Trace == nil {
		for _, fr := range raw.StackTrace {
			var line string
			var frame struct {
				Path  string `json:"path"`
				Line  int    `json:"line"`
				Label string `json:"label"`
			}
			if json.Unmarshal(fr, &line) != nil && json.Unmarshal(fr, &frame) == nil {
				line = frameLine(frame.Path, frame.Line, frame.Label)
			}
			fe.Trace = append(fe.Trace, line)
		}
	}
	return fe
}

func (f *function) installHint(importError string) string {
	if file, missing := f.handlerFileMissing(); missing {
		hint := fmt.Sprintf("the handler's file %s is not in %s: check the function's Handler and CodeUri", file, f.Dir)
		if b, err := os.ReadFile(filepath.Join(f.Dir, "package.json")); err == nil {
			var pkg struct{ Scripts map[string]string }
			if json.Unmarshal(b, &pkg) == nil && pkg.Scripts["build"] != "" {
				hint = fmt.Sprintf("the handler's file %s is not in %s: build it first (npm run build, in %s)", file, f.Dir, f.Dir)
			}
		}
		return hint
	}
	if strings.HasPrefix(f.Runtime, "python") {
		if _, err := os.Stat(filepath.Join(f.Dir, "requirements.txt")); err == nil {
			return fmt.Sprintf("install its dependencies: pip install -r requirements.txt -t %s (in %s)", f.Dir, f.Dir)
		}
		return "install its dependencies: pip install <module> -t " + f.Dir
	}
	if strings.Contains(importError, "'"+sdkV2+"'") && !bundlesSDKv2(f.Runtime) {
		return fmt.Sprintf("Lambda's %s runtime provides the AWS SDK for JavaScript v3 only, not v2 (%s): use the @aws-sdk/* clients, or add %s to the function's package.json and npm install (in %s)", f.Runtime, sdkV2, sdkV2, f.Dir)
	}
	return "install its dependencies: npm install (in " + f.Dir + ")"
}

// withEnv returns env with extra added; NODE_OPTIONS values are joined, so
// that every preload is kept.
func withEnv(env, extra map[string]string) map[string]string {
	out := make(map[string]string, len(env)+len(extra))
	for k, v := range env {
		out[k] = v
	}
	for k, v := range extra {
		if k == "NODE_OPTIONS" && out[k] != "" {
			v = v + " " + out[k]
		}
		out[k] = v
	}
	return out
}

// handlerFileMissing reports whether the module the Handler names (path
// and file name, before its last dot) is missing from the code folder, and
// names the file looked for.
func (f *function) handlerFileMissing() (string, bool) {
	mod := f.Handler[:max(strings.LastIndex(f.Handler, "."), 0)]
	exts := []string{".js", ".mjs", ".cjs"}
	if strings.HasPrefix(f.Runtime, "python") {
		mod = strings.ReplaceAll(mod, ".", "/")
		exts = []string{".py", "/__init__.py"}
	}
	if mod == "" || f.Dir == "" {
		return "", false
	}
	for _, ext := range exts {
		if _, err := os.Stat(filepath.Join(f.Dir, mod+ext)); err == nil {
			return "", false
		}
	}
	return mod + exts[0], true
}

// frameLine is one frame of a Go stack as a trace line.
func frameLine(path string, line int, label string) string {
	return fmt.Sprintf("%s:%d %s", path, line, label)
}
