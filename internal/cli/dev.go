package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/spf13/cobra"

	"github.com/wsdesign/wsdesign/dev/app"
	"github.com/wsdesign/wsdesign/dev/awslocal"
	"github.com/wsdesign/wsdesign/dev/build"
	"github.com/wsdesign/wsdesign/dev/dash"
	"github.com/wsdesign/wsdesign/dev/dynamo"
	"github.com/wsdesign/wsdesign/dev/event"
	"github.com/wsdesign/wsdesign/dev/gateway"
	"github.com/wsdesign/wsdesign/dev/lambda"
	"github.com/wsdesign/wsdesign/model"
	"github.com/wsdesign/wsdesign/render"
)

func newDevCmd() *cobra.Command {
	var apiID, host, logFormat string
	var port, maxConcurrency int
	var origins, overrides []string
	var python, dynamoEndpoint, persist, envVarsFile string
	var noWatch, noDashboard bool
	cmd := &cobra.Command{
		Use:   "dev [FILE]",
		Short: "Serve the template's WebSocket API locally, behaving as API Gateway does",
		Long: "dev serves the WebSocket API of FILE (default template.yaml, else template.yml or\n" +
			"template.json, as sam looks for it) on ws://HOST:PORT/ and\n" +
			"ws://HOST:PORT/STAGE, with API Gateway's route selection, 1-way and 2-way routes, the\n" +
			"$connect authorizer, limits and the @connections API on the same port. A change of FILE or of\n" +
			"a function's code is served from the next message on, on the open connections. It is for\n" +
			"local use only: it checks no signatures and keeps no secrets.",
		Example: "  wsdesign dev\n  npx wscat -c ws://127.0.0.1:3001\n  wsdesign dev --parameter-overrides Stage=test TableName=chat",
		RunE: func(cmd *cobra.Command, args []string) error {
			// As with sam, the Key=Value words after --parameter-overrides are all overrides.
			if cmd.Flags().Changed("parameter-overrides") {
				var files []string
				for _, a := range args {
					if render.IsParameterOverride(a) {
						overrides = append(overrides, a)
					} else {
						files = append(files, a)
					}
				}
				args = files
			}
			if len(args) > 1 {
				return usageErrorf("dev takes one template, not %d arguments: %q", len(args), args)
			}
			path := defaultTemplate()
			if len(args) == 1 {
				path = args[0]
			}
			t, apis, err := importFile(path)
			if err != nil {
				return err
			}
			a, err := chooseAPI(path, apis, apiID)
			if err != nil {
				return err
			}
			params, err := render.ParameterOverrides(t, overrides)
			if err != nil {
				return usageErrorf("%w", err)
			}
			vars, err := readEnvVars(envVarsFile)
			if err != nil {
				return err
			}
			if logFormat != "text" && logFormat != "json" && logFormat != "" {
				return usageErrorf("--log is text or json, not %q", logFormat)
			}
			// The dashboard draws on standard error; the log goes to
			// standard output unless that is the same terminal.
			board := !noDashboard && isTerminal(cmd.InOrStdin()) && isTerminal(cmd.ErrOrStderr())
			var sinks event.Tee
			switch {
			case board && isTerminal(cmd.OutOrStdout()):
			case logFormat == "json" || logFormat == "" && !isTerminal(cmd.OutOrStdout()):
				sinks = append(sinks, event.NewJSONWriter(cmd.OutOrStdout()))
			default:
				sinks = append(sinks, event.NewTextWriter(cmd.OutOrStdout()))
			}
			addr := net.JoinHostPort(host, strconv.Itoa(port))
			ln, err := net.Listen("tcp", addr)
			if err != nil {
				return fmt.Errorf("listening on %s: %w", addr, err)
			}
			local, ignored := localApp(t, a, "http://"+ln.Addr().String(), params, vars)
			ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			var served func(app.App)
			if board {
				d := startDashboard(cmd, local, ln.Addr().String(), filepath.Dir(path), stop)
				defer d.close()
				sinks = append(sinks, dashSink{d.p})
				served = func(a app.App) { d.p.Send(dash.Served{App: a}) }
			}
			var sink event.Sink = sinks
			services, err := startServices(ctx, local, "http://"+ln.Addr().String(), sink, dynamo.Options{Endpoint: dynamoEndpoint, PersistDir: persist})
			if err != nil {
				ln.Close()
				return err
			}
			defer services.close()
			lopt := lambda.Options{Python: python, MaxConcurrency: maxConcurrency}
			pool, err := startFunctions(local, services.env, services.proxyEnv, sink, lopt)
			if err != nil {
				ln.Close()
				return err
			}
			srv := gateway.New(local, pool, sink, gateway.Options{AllowedOrigins: origins, Region: render.LocalRegion})
			services.invoke.Serve(pool, local.FunctionNames())
			rl := &reloader{path: path, apiID: apiID, endpoint: "http://" + ln.Addr().String(), overrides: overrides, vars: vars,
				env: services.env, proxyEnv: services.proxyEnv, sink: sink, lopt: lopt, srv: srv, invoke: services.invoke, pool: pool, tables: tableNames(local), served: served}
			defer rl.close()
			if !noWatch {
				if err := rl.watch(local, cmd.OutOrStdout(), cmd.ErrOrStderr()); err != nil {
					sink.Emit(event.Event{Time: time.Now(), Kind: event.Warning, Text: "not reloading on changes: " + err.Error()})
				}
			}
			mux := http.NewServeMux()
			mux.Handle("/", srv)
			mux.Handle(lambda.APIPath, services.invoke) // Invoke; the rest is not emulated
			hs := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
			sink.Emit(event.Event{Time: time.Now(), Kind: event.Listening, Text: "ws://" + ln.Addr().String() + " (local use only)"})
			for _, r := range local.API.Routes {
				if why := r.Unserved(); why != "" {
					sink.Emit(event.Event{Time: time.Now(), Kind: event.Warning, RouteKey: r.Key, Text: why + ": the route answers as a failing integration"})
				}
				if r.IAM {
					sink.Emit(event.Event{Time: time.Now(), Kind: event.Warning, RouteKey: r.Key, Text: "AWS_IAM: connections without a SigV4 signature for execute-api are refused with 403, as in API Gateway, but the signature itself is not verified (dev has no secret key to check it with), and requestContext.identity names its access key only"})
				}
				if r.HalfTwoWay != "" && !model.OneWayOnly(r.Key) {
					sink.Emit(event.Event{Time: time.Now(), Kind: event.Warning, RouteKey: r.Key, Text: "the route has " + r.HalfTwoWay + ": as in API Gateway, its handler's answer is not sent back (wsdesign check: WSD009)"})
				}
			}
			if len(ignored) > 0 {
				sink.Emit(event.Event{Time: time.Now(), Kind: event.Warning, Text: describeIgnored(ignored)})
			}
			for _, u := range local.Unresolved {
				sink.Emit(event.Event{Time: time.Now(), Kind: event.Warning, Function: u.Function, Text: u.String()})
			}
			for _, n := range local.NotEmulated {
				sink.Emit(event.Event{Time: time.Now(), Kind: event.Warning, Function: n.Function, Text: n.Describe()})
			}
			// Asking the interpreters their versions takes a few tens of
			// milliseconds: not before dev serves.
			go warnVersions(local, lopt, sink)
			errc := make(chan error, 1)
			go func() { errc <- hs.Serve(srv.Listener(ln)) }()
			var failed error
			select {
			case err := <-errc:
				return err
			case failed = <-services.failed:
			case <-ctx.Done():
			}
			srv.Close()
			sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			if err := hs.Shutdown(sctx); err != nil && !errors.Is(err, http.ErrServerClosed) {
				return errors.Join(failed, err)
			}
			return failed
		},
	}
	cmd.Flags().StringVar(&apiID, "api", "", "logical ID of the API, when the template has several")
	cmd.Flags().IntVar(&port, "port", 3001, "port to listen on")
	cmd.Flags().StringVar(&host, "host", "127.0.0.1", "address to listen on (for local use only)")
	cmd.Flags().StringVar(&logFormat, "log", "", "log format: text or json (json when standard output is not a terminal)")
	cmd.Flags().StringVar(&python, "python", "", "Python interpreter for Python functions (default python3 on PATH)")
	cmd.Flags().IntVar(&maxConcurrency, "max-concurrency", 10, "processes per function at most; further invocations wait their turn")
	cmd.Flags().StringVar(&dynamoEndpoint, "dynamodb-endpoint", "", "a running DynamoDB Local or LocalStack to create the template's tables in (default: dynalite, installed once with npm)")
	cmd.Flags().StringVar(&persist, "persist", "", "keep the tables' data in this folder between runs (default: in memory)")
	cmd.Flags().StringVar(&envVarsFile, "env-vars", "", "JSON file of functions' environment variable values, as sam local takes it: {\"FnLogicalId\": {\"VAR\": \"value\"}, \"Parameters\": {…}}")
	cmd.Flags().StringArrayVar(&overrides, "parameter-overrides", nil, "template parameter values, as sam takes them: 'Key=Value Key2=Value2' or ParameterKey=K,ParameterValue=V (repeatable)")
	cmd.Flags().BoolVar(&noDashboard, "no-dashboard", false, "print the log instead of showing the dashboard in a terminal")
	cmd.Flags().BoolVar(&noWatch, "no-watch", false, "serve the template as it is at start: do not reload when it or a function's code changes")
	cmd.Flags().StringSliceVar(&origins, "allow-origin", nil, "allow browser pages from these hosts (host or host:port patterns) besides local ones")
	return cmd
}

// services are the local stand-ins for what handlers reach in AWS: the
// template's DynamoDB tables, Lambda's Invoke API for the template's
// functions, and a front that answers for AWS host names (the API's own
// execute-api host included), so that handlers reach them without code
// changes.
type services struct {
	invoke *lambda.InvokeAPI
	env    map[string]string
	// proxyEnv is what the processes of the OS-only runtimes get besides
	// env: no hook sends their connections to AWS hosts to the front, the
	// front's proxy does.
	proxyEnv map[string]string
	front    *awslocal.Front
	db       *dynamo.Server
	// failed receives why the local DynamoDB could not start with the
	// template's tables, which ends dev.
	failed chan error
}

// startServices starts the front and, when the template declares tables, a
// local DynamoDB with those tables, created in the background; env is what
// every handler process gets.
func startServices(ctx context.Context, local app.App, endpoint string, sink event.Sink, dopt dynamo.Options) (*services, error) {
	s := &services{
		env:    map[string]string{"AWS_ENDPOINT_URL_APIGATEWAYMANAGEMENTAPI": endpoint, "AWS_ENDPOINT_URL_LAMBDA": endpoint},
		invoke: lambda.NewInvokeAPI(func(c lambda.Call) { sink.Emit(invokeEvent(c)) }),
		failed: make(chan error, 1),
	}
	warn := func(text string) { sink.Emit(event.Event{Time: time.Now(), Kind: event.Warning, Text: text}) }
	fopt := awslocal.Options{Connections: endpoint, Lambda: endpoint, OnNotEmulated: func(service, host string) {
		warn(fmt.Sprintf("a handler called %s (%s), which wsdesign dev does not emulate", service, host))
	}}
	if len(local.Tables) > 0 {
		var tables []dynamo.Table
		for _, t := range local.Tables {
			def := maps.Clone(t.Definition)
			def["TableName"] = t.Name
			var dt dynamo.Table
			b, err := json.Marshal(def)
			if err == nil {
				err = json.Unmarshal(b, &dt)
			}
			if err != nil {
				return nil, fmt.Errorf("table %s: %w", t.LogicalID, err)
			}
			tables = append(tables, dt)
		}
		dopt.Region, dopt.AccessKeyID = render.LocalRegion, lambda.AccessKeyID
		dopt.OnMessage = warn
		dopt.OnCall = func(operation, table string, status int, d time.Duration) {
			sink.Emit(event.Event{Time: time.Now(), Kind: event.Table, Status: status, Duration: d, Text: operation + " " + table})
		}
		dopt.Tables = tables
		db, err := dynamo.Start(ctx, dopt)
		if err != nil {
			return nil, fmt.Errorf("starting a local DynamoDB: %w", err)
		}
		s.db = db
		// dev listens meanwhile: the handlers' first table calls wait for
		// the tables.
		go func() {
			if err := db.Wait(ctx); err != nil {
				if ctx.Err() == nil {
					s.failed <- fmt.Errorf("starting a local DynamoDB: %w", err)
				}
				return
			}
			for _, t := range tables {
				sink.Emit(event.Event{Time: time.Now(), Kind: event.Table, Text: "created " + t.Name + " in " + db.Backend()})
			}
		}()
		s.env["AWS_ENDPOINT_URL_DYNAMODB"] = db.URL()
		fopt.DynamoDB = db.URL()
	}
	front, err := awslocal.Start(fopt)
	if err != nil {
		s.close()
		return nil, fmt.Errorf("starting the local front for AWS host names: %w", err)
	}
	s.front = front
	maps.Copy(s.env, front.Env())
	s.proxyEnv = front.ProxyEnv()
	return s, nil
}

// warnVersions names, per runtime, the functions whose interpreter here is
// another version than Lambda's runtime.
func warnVersions(local app.App, opt lambda.Options, sink event.Sink) {
	byRuntime := map[string][]string{}
	for _, f := range local.Functions {
		if f.Problem == "" {
			byRuntime[f.Runtime] = append(byRuntime[f.Runtime], f.LogicalID)
		}
	}
	versions := map[string]string{}
	for _, rt := range slices.Sorted(maps.Keys(byRuntime)) {
		if note := lambda.VersionNote(rt, opt, versions); note != "" {
			sink.Emit(event.Event{Time: time.Now(), Kind: event.Warning, Text: strings.Join(byRuntime[rt], ", ") + " (" + rt + ") run here with " + note})
		}
	}
}

// invokeEvent is the log's line of an invocation through Lambda's API.
func invokeEvent(c lambda.Call) event.Event {
	e := event.Event{Time: time.Now(), Kind: event.Invoke, Function: c.Function, Duration: c.Duration, Request: c.Payload,
		Why: "invoked through Lambda's API, " + c.Type}
	if json.Valid(c.Result) {
		e.Response = c.Result
	}
	if c.Err != nil {
		e.Text = c.Err.Error()
	}
	return e
}

func (s *services) close() {
	if s.front != nil {
		s.front.Close()
	}
	if s.db != nil {
		s.db.Close()
	}
}

// startFunctions starts no process: it prepares a pool that runs each function of the app on
// its first invocation, with the environment handlers need to reach the local @connections API
// without code changes (base, and proxyEnv too for the OS-only runtimes). Functions that cannot
// run locally are listed, and their routes answer as failing integrations do.
func startFunctions(local app.App, base, proxyEnv map[string]string, sink event.Sink, opt lambda.Options) (*lambda.Pool, error) {
	opt.Output = func(function, stream, line string) {
		sink.Emit(event.Event{Time: time.Now(), Kind: event.Output, Function: function, Text: line})
	}
	var fns []lambda.Function
	for _, f := range local.Functions {
		if f.Problem != "" {
			sink.Emit(event.Event{Time: time.Now(), Kind: event.Warning, Function: f.LogicalID, Text: "not run locally: " + f.Problem})
			continue
		}
		env := maps.Clone(base)
		if lambda.OSOnly(f.Runtime) {
			maps.Copy(env, proxyEnv)
		}
		for k, v := range f.Env {
			env[k] = v
		}
		timeout := 3 * time.Second
		if f.TimeoutSec > 0 {
			timeout = time.Duration(f.TimeoutSec) * time.Second
		}
		for _, l := range f.RemoteLayers {
			sink.Emit(event.Event{Time: time.Now(), Kind: event.Warning, Function: f.LogicalID, Text: "layer " + l + " is not local (an ARN, or content in S3): what the handler needs from it is not served"})
		}
		fn := lambda.Function{Name: f.LogicalID, Runtime: f.Runtime, Dir: f.Dir, Handler: f.Handler, Env: env, Timeout: timeout, InlineCode: f.InlineCode, ModulePaths: f.LayerPaths}
		if strings.HasPrefix(f.Runtime, "python") {
			fn.ModulePaths = pythonModulePaths(f, opt, sink)
		}
		if b := f.Build; b != nil && f.Dir != "" {
			src := f.Dir
			say := func(m string) {
				sink.Emit(event.Event{Time: time.Now(), Kind: event.Output, Function: f.LogicalID, Text: m})
			}
			fn.Build = func(out string) (string, error) {
				say("building with " + b.Method + ", as sam build does")
				if err := build.Run(context.Background(), build.Options{NPM: opt.NPM, Say: say}, src, out, *b); err != nil {
					return "", err
				}
				return build.Handler(out, f.Handler, *b), nil
			}
			if b.Method == app.BuildEsbuild {
				// The bundle carries what it imports but its externals.
				fn.Bundle = &lambda.Bundle{External: b.External}
			}
		}
		fns = append(fns, fn)
	}
	for name, why := range lambda.Unsupported(fns) {
		sink.Emit(event.Event{Time: time.Now(), Kind: event.Warning, Function: name, Text: "not run locally: " + why})
	}
	return lambda.NewPool(fns, opt)
}

// pythonModulePaths are where a Python function's modules are found
// besides its code: the packages the requirements.txt of its code folder
// lists, then each layer's folder followed by the packages of its own
// requirements.txt (a layer sam build builds), installed as sam build
// does. A failed install is said; the function runs without those packages.
func pythonModulePaths(f app.Function, opt lambda.Options, sink event.Sink) []string {
	say := func(m string) {
		sink.Emit(event.Event{Time: time.Now(), Kind: event.Output, Function: f.LogicalID, Text: m})
	}
	python := opt.Python
	if python == "" {
		python = "python3"
	}
	requirements := func(dir string) []string {
		if dir == "" {
			return nil
		}
		d, err := build.PythonRequirements(context.Background(), build.Options{Say: say}, python, dir)
		if err != nil {
			sink.Emit(event.Event{Time: time.Now(), Kind: event.Warning, Function: f.LogicalID, Text: "its packages are not installed: " + err.Error()})
		}
		if d == "" {
			return nil
		}
		return []string{d}
	}
	paths := requirements(f.Dir)
	for _, l := range f.LayerPaths {
		paths = append(append(paths, l), requirements(l)...)
	}
	return paths
}

// dashboard is the running dashboard.
type dashboard struct {
	p    *tea.Program
	ctl  *dashControl
	done chan struct{}
}

// startDashboard shows the dashboard of local on the terminal of standard
// error; quitting it stops dev.
func startDashboard(cmd *cobra.Command, local app.App, addr, dir string, stop func()) *dashboard {
	ctl := newDashControl(addr, dir)
	var opts []dash.Option
	if os.Getenv("NO_COLOR") != "" {
		opts = append(opts, dash.WithNoColor())
	}
	d := &dashboard{ctl: ctl, done: make(chan struct{})}
	d.p = tea.NewProgram(dash.New(local, "ws://"+addr, ctl, opts...),
		tea.WithInput(cmd.InOrStdin()), tea.WithOutput(cmd.ErrOrStderr()))
	ctl.send = d.p.Send
	go func() {
		defer close(d.done)
		d.p.Run()
		stop()
	}()
	return d
}

// close ends the dashboard and gives the terminal back.
func (d *dashboard) close() {
	d.ctl.closeAll()
	d.p.Quit()
	<-d.done
}

// defaultTemplate is the template dev serves when none is named: the first
// of template.yaml, template.yml and template.json in the working folder, as
// the SAM CLI looks for it (template.yaml when there is none, for the
// error).
func defaultTemplate() string {
	for _, name := range []string{DefaultTemplate, "template.yml", "template.json"} {
		if _, err := os.Stat(name); err == nil {
			return name
		}
	}
	return DefaultTemplate
}
