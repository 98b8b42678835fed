package cli

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strconv"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/wsdesign/wsdesign/dev/app"
	"github.com/wsdesign/wsdesign/dev/event"
	"github.com/wsdesign/wsdesign/dev/gateway"
	"github.com/wsdesign/wsdesign/dev/lambda"
	"github.com/wsdesign/wsdesign/render"
)

func newDevCmd() *cobra.Command {
	var apiID, host, logFormat string
	var port, maxConcurrency int
	var origins []string
	var python string
	cmd := &cobra.Command{
		Use:   "dev [FILE]",
		Short: "Serve the template's WebSocket API locally, behaving as API Gateway does",
		Long: "dev serves the WebSocket API of FILE (default template.yaml) on ws://HOST:PORT/ and\n" +
			"ws://HOST:PORT/STAGE, with API Gateway's route selection, 1-way and 2-way routes, the\n" +
			"$connect authorizer, limits and the @connections API on the same port. It is for local use\n" +
			"only: it checks no signatures and keeps no secrets.",
		Example: "  wsdesign dev\n  npx wscat -c ws://127.0.0.1:3001",
		Args:    cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			path := "template.yaml"
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
			var sink event.Sink = event.NewTextWriter(cmd.OutOrStdout())
			if logFormat == "json" || logFormat == "" && !isTerminal(cmd.OutOrStdout()) {
				sink = event.NewJSONWriter(cmd.OutOrStdout())
			} else if logFormat != "text" && logFormat != "" {
				return usageErrorf("--log is text or json, not %q", logFormat)
			}
			addr := net.JoinHostPort(host, strconv.Itoa(port))
			ln, err := net.Listen("tcp", addr)
			if err != nil {
				return fmt.Errorf("listening on %s: %w", addr, err)
			}
			local := render.Local(t, a, "http://"+ln.Addr().String())
			pool, err := startFunctions(local, "http://"+ln.Addr().String(), sink, lambda.Options{Python: python, MaxConcurrency: maxConcurrency})
			if err != nil {
				ln.Close()
				return err
			}
			defer pool.Close(context.Background())
			srv := gateway.New(local, pool, sink, gateway.Options{AllowedOrigins: origins, Domain: ln.Addr().String()})
			hs := &http.Server{Handler: srv, ReadHeaderTimeout: 10 * time.Second}
			sink.Emit(event.Event{Time: time.Now(), Kind: event.Listening, Text: "ws://" + ln.Addr().String() + " (local use only)"})
			for _, r := range local.API.Routes {
				if r.Kind == "HTTP" || r.Kind == "AWS" {
					sink.Emit(event.Event{Time: time.Now(), Kind: event.Warning, RouteKey: r.Key, Text: r.Kind + " integration is not emulated: the route answers as a failing integration"})
				}
			}
			for _, u := range local.Unresolved {
				sink.Emit(event.Event{Time: time.Now(), Kind: event.Warning, Function: u.Function, Text: fmt.Sprintf("%s cannot be resolved locally; given %q", u.Variable, u.Given)})
			}
			ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			errc := make(chan error, 1)
			go func() { errc <- hs.Serve(ln) }()
			select {
			case err := <-errc:
				return err
			case <-ctx.Done():
			}
			srv.Close()
			sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			if err := hs.Shutdown(sctx); err != nil && !errors.Is(err, http.ErrServerClosed) {
				return err
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&apiID, "api", "", "logical ID of the API, when the template has several")
	cmd.Flags().IntVar(&port, "port", 3001, "port to listen on")
	cmd.Flags().StringVar(&host, "host", "127.0.0.1", "address to listen on (for local use only)")
	cmd.Flags().StringVar(&logFormat, "log", "", "log format: text or json (json when standard output is not a terminal)")
	cmd.Flags().StringVar(&python, "python", "", "Python interpreter for Python functions (default python3 on PATH)")
	cmd.Flags().IntVar(&maxConcurrency, "max-concurrency", 10, "processes per function at most; further invocations wait their turn")
	cmd.Flags().StringSliceVar(&origins, "allow-origin", nil, "allow browser pages from these hosts (host or host:port patterns) besides local ones")
	return cmd
}

// startFunctions starts no process: it prepares a pool that runs each function of the app on
// its first invocation, with the environment handlers need to reach the local @connections API
// without code changes. Functions that cannot run locally are listed, and their routes answer as
// failing integrations do.
func startFunctions(local app.App, endpoint string, sink event.Sink, opt lambda.Options) (*lambda.Pool, error) {
	opt.Output = func(function, stream, line string) {
		sink.Emit(event.Event{Time: time.Now(), Kind: event.Output, Function: function, Text: line})
	}
	var fns []lambda.Function
	for _, f := range local.Functions {
		if f.Problem != "" {
			sink.Emit(event.Event{Time: time.Now(), Kind: event.Warning, Function: f.LogicalID, Text: "not run locally: " + f.Problem})
			continue
		}
		env := map[string]string{"AWS_ENDPOINT_URL_APIGATEWAYMANAGEMENTAPI": endpoint}
		for k, v := range f.Env {
			env[k] = v
		}
		timeout := 3 * time.Second
		if f.TimeoutSec > 0 {
			timeout = time.Duration(f.TimeoutSec) * time.Second
		}
		fns = append(fns, lambda.Function{Name: f.LogicalID, Runtime: f.Runtime, Dir: f.Dir, Handler: f.Handler, Env: env, Timeout: timeout, InlineCode: f.InlineCode})
	}
	for name, why := range lambda.Unsupported(fns) {
		sink.Emit(event.Event{Time: time.Now(), Kind: event.Warning, Function: name, Text: "not run locally: " + why})
	}
	return lambda.NewPool(fns, opt)
}
