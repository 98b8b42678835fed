// Package dynamo runs a local DynamoDB for wsdesign dev: a given endpoint
// (DynamoDB Local, LocalStack) or dynalite, installed once with npm into
// wsdesign's cache; it creates the template's tables there and puts a small
// proxy in front that reports every call, runs the transactions dynalite
// lacks with the operations it has, and answers the other operations it
// lacks (PartiQL, TTL, streams) with a clear error. The proxy answers at once: the
// local DynamoDB starts and its tables are created behind it, and calls
// made meanwhile wait for them.
package dynamo

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/wsdesign/wsdesign/dev/cache"
	"github.com/wsdesign/wsdesign/dev/npm"
)

// Dynalite is the npm package run when no endpoint is given.
const Dynalite = "dynalite@4.0.0"

// Options configures Start.
type Options struct {
	// Endpoint is the URL of a running DynamoDB Local or LocalStack
	// (--dynamodb-endpoint). Empty: run dynalite.
	Endpoint string
	// PersistDir is where dynalite keeps its data (--persist). Empty: in
	// memory. Not used with Endpoint.
	PersistDir string
	// CacheDir is wsdesign's cache folder; dynalite is installed under its
	// node folder. Empty means os.UserCacheDir()/wsdesign.
	CacheDir string
	// Region and AccessKeyID are those of the placeholder credentials the
	// handlers sign with: DynamoDB Local and LocalStack keep tables apart by
	// them, so the tables are created under the same ones. Empty:
	// us-east-1 and "wsdesign".
	Region      string
	AccessKeyID string
	// OnMessage, when set, receives progress (the one-time install) and
	// dynalite's own error output, a line at a time.
	OnMessage func(string)
	// OnCall, when set, is called after each call through the proxy with
	// the operation, the table(s) it names (comma-separated, "" when none),
	// the HTTP status answered and how long it took.
	OnCall func(operation, table string, status int, dur time.Duration)
	// Tables are created at start, before any call through the proxy is
	// answered.
	Tables []Table
}

// Server is a running local DynamoDB and the proxy in front of it.
type Server struct {
	opts    Options
	backend string // URL of dynalite or of the given endpoint
	api     *client
	cmd     *exec.Cmd // dynalite, nil with a given endpoint
	exited  chan struct{}
	closing atomic.Bool // Close was called: dynalite's end is expected
	proxy   *proxy
	txMu    sync.Mutex // one transaction at a time (dynalite has none)
	// ready is closed when the local DynamoDB answers and Options.Tables
	// are ACTIVE, or when that failed; err then says why. cancel stops
	// the start.
	ready  chan struct{}
	err    error
	cancel context.CancelFunc
}

// startTimeout bounds how long the local DynamoDB may take to answer.
const startTimeout = 30 * time.Second

// Start checks the options, installs dynalite into the cache if it is not
// there, and starts the proxy on 127.0.0.1; dynalite (or the check that the
// given endpoint answers) and the creation of Options.Tables go on in the
// background: Wait waits for them, and calls through the proxy wait too.
func Start(ctx context.Context, opts Options) (*Server, error) {
	if opts.Region == "" {
		opts.Region = "us-east-1"
	}
	if opts.AccessKeyID == "" {
		opts.AccessKeyID = "wsdesign"
	}
	if opts.CacheDir == "" {
		dir, err := cache.Dir()
		if err != nil {
			return nil, fmt.Errorf("dynalite: %w", err)
		}
		opts.CacheDir = dir
	}
	s := &Server{opts: opts, ready: make(chan struct{})}
	if opts.Endpoint != "" && opts.PersistDir != "" {
		return nil, errors.New("--persist keeps dynalite's data; the DynamoDB at --dynamodb-endpoint keeps its own")
	}
	var main string
	if opts.Endpoint != "" {
		u, err := url.Parse(opts.Endpoint)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return nil, fmt.Errorf("--dynamodb-endpoint %q is not an http:// or https:// URL", opts.Endpoint)
		}
		s.backend = opts.Endpoint
	} else {
		// The install may take longer than starting; it has no bound but ctx.
		var err error
		if main, err = s.dynaliteMain(ctx); err != nil {
			return nil, err
		}
	}
	p, err := startProxy(s)
	if err != nil {
		return nil, err
	}
	s.proxy = p
	ctx, s.cancel = context.WithCancel(ctx)
	go func() {
		defer close(s.ready)
		s.err = s.start(ctx, main)
	}()
	return s, nil
}

// start starts dynalite from main (none with a given endpoint), waits until
// the local DynamoDB answers and creates Options.Tables.
func (s *Server) start(ctx context.Context, main string) error {
	if main != "" {
		if err := s.runDynalite(ctx, main); err != nil {
			return err
		}
	}
	s.api = &client{endpoint: s.backend, region: s.opts.Region, accessKeyID: s.opts.AccessKeyID, http: &http.Client{}}
	wctx, cancel := context.WithTimeout(ctx, startTimeout)
	defer cancel()
	if err := s.waitAnswering(wctx); err != nil {
		return err
	}
	if err := s.createTables(ctx, s.opts.Tables); err != nil {
		return fmt.Errorf("creating the template's tables: %w", err)
	}
	return nil
}

// Wait waits until the local DynamoDB answers and Options.Tables are
// created, and says why not if that failed.
func (s *Server) Wait(ctx context.Context) error {
	select {
	case <-s.ready:
		return s.err
	case <-ctx.Done():
		return ctx.Err()
	}
}

// URL is the proxy's URL: the endpoint handlers are given
// (AWS_ENDPOINT_URL_DYNAMODB) and the one AWS's DynamoDB host name is
// forwarded to.
func (s *Server) URL() string { return s.proxy.url }

// Backend is the URL of the local DynamoDB behind the proxy, once Wait has
// returned.
func (s *Server) Backend() string { return s.backend }

// Close stops the start if it is still going on, the proxy and dynalite.
func (s *Server) Close() error {
	s.cancel()
	<-s.ready
	s.proxy.close()
	if s.cmd == nil {
		return nil
	}
	s.closing.Store(true)
	// SIGTERM lets dynalite close its store; Kill where signals are not
	// available or it does not end.
	if err := s.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		s.cmd.Process.Kill()
	}
	select {
	case <-s.exited:
	case <-time.After(2 * time.Second):
		s.cmd.Process.Kill()
		<-s.exited
	}
	return nil
}

// dynaliteMain returns dynalite's index.js, installing dynalite with npm into
// the cache first if it is not there.
func (s *Server) dynaliteMain(ctx context.Context) (string, error) {
	npmPath, err := exec.LookPath("npm")
	if err != nil {
		return "", fmt.Errorf("the local DynamoDB (%s) is installed with npm, which is not on PATH: install Node.js and npm, or give --dynamodb-endpoint: %w", Dynalite, err)
	}
	prefix, err := npm.Provide(ctx, npmPath, s.opts.CacheDir, Dynalite, s.message)
	if err != nil {
		return "", fmt.Errorf("the local DynamoDB: %w", err)
	}
	return filepath.Join(prefix, "node_modules", "dynalite", "index.js"), nil
}

// launcher runs dynalite (its index.js, the first argument) on 127.0.0.1
// on a free port, which its cli.js cannot do (it takes --port 0 for its
// default, 4567), with its data in the folder given as the second argument
// if any, and prints the address; SIGTERM closes its store before ending.
const launcher = `
const [main, path] = process.argv.slice(1);
const server = require(main)({ path: path || undefined, createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
server.listen(0, '127.0.0.1', () => console.log('listening at: http://127.0.0.1:' + server.address().port));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
`

var listening = regexp.MustCompile(`listening at: (http://\S+)`)

// runDynalite starts dynalite and sets s.backend from the address it
// prints.
func (s *Server) runDynalite(ctx context.Context, main string) error {
	ctx, cancel := context.WithTimeout(ctx, startTimeout)
	defer cancel()
	node, err := exec.LookPath("node")
	if err != nil {
		return fmt.Errorf("the local DynamoDB (%s) runs on Node.js, which is not on PATH: %w", Dynalite, err)
	}
	args := []string{"-e", launcher, main}
	if s.opts.PersistDir != "" {
		if err := os.MkdirAll(s.opts.PersistDir, 0o755); err != nil {
			return fmt.Errorf("--persist: %w", err)
		}
		args = append(args, s.opts.PersistDir)
	}
	cmd := exec.Command(node, args...)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return fmt.Errorf("start dynalite: %w", err)
	}
	stderr, err := cmd.StderrPipe()
	if err != nil {
		return fmt.Errorf("start dynalite: %w", err)
	}
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("start dynalite: %w", err)
	}
	s.cmd = cmd
	s.exited = make(chan struct{})
	go s.forward(stderr)
	address := make(chan string, 1)
	go func() {
		lines := bufio.NewScanner(stdout)
		for lines.Scan() {
			if m := listening.FindStringSubmatch(lines.Text()); m != nil {
				address <- m[1]
			}
		}
		io.Copy(io.Discard, stdout)
	}()
	go func() {
		cmd.Wait()
		if !s.closing.Load() {
			s.message(fmt.Sprintf("dynalite ended: %v", cmd.ProcessState))
		}
		close(s.exited)
	}()
	select {
	case s.backend = <-address:
		return nil
	case <-s.exited:
		return fmt.Errorf("dynalite ended before listening: %v", cmd.ProcessState)
	case <-ctx.Done():
		cmd.Process.Kill()
		<-s.exited
		return fmt.Errorf("dynalite did not start listening: %w", ctx.Err())
	}
}

// forward passes dynalite's error output to OnMessage.
func (s *Server) forward(r io.Reader) {
	lines := bufio.NewScanner(r)
	for lines.Scan() {
		s.message("dynalite: " + lines.Text())
	}
}

func (s *Server) message(m string) {
	if s.opts.OnMessage != nil {
		s.opts.OnMessage(m)
	}
}

// waitAnswering waits until the local DynamoDB answers ListTables.
func (s *Server) waitAnswering(ctx context.Context) error {
	for {
		err := s.api.call(ctx, "ListTables", struct{}{}, nil)
		var apiErr *APIError
		if err == nil || errors.As(err, &apiErr) {
			// An error answer still shows it is up; CreateTable says why.
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("the local DynamoDB at %s does not answer: %w", s.backend, errors.Join(ctx.Err(), err))
		case <-s.exited:
			return fmt.Errorf("dynalite ended: %v", s.cmd.ProcessState)
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// tableActive bounds how long CreateTables waits for a table to be ACTIVE.
const tableActive = 30 * time.Second

// CreateTables creates each table, once the start is over, and waits until
// it and its indexes are ACTIVE. A table that exists already (kept by
// --persist, or in a running DynamoDB Local or LocalStack) is used as it
// is.
func (s *Server) CreateTables(ctx context.Context, tables []Table) error {
	if err := s.Wait(ctx); err != nil {
		return err
	}
	return s.createTables(ctx, tables)
}

func (s *Server) createTables(ctx context.Context, tables []Table) error {
	for _, t := range tables {
		err := s.api.call(ctx, "CreateTable", t.createRequest(), nil)
		if err != nil && !isType(err, "ResourceInUseException") {
			return fmt.Errorf("create table %s: %w", t.Name, err)
		}
	}
	ctx, cancel := context.WithTimeout(ctx, tableActive)
	defer cancel()
	for _, t := range tables {
		if err := s.waitActive(ctx, t.Name); err != nil {
			return err
		}
	}
	return nil
}

func (s *Server) waitActive(ctx context.Context, name string) error {
	for {
		var out struct {
			Table struct {
				TableStatus            string
				GlobalSecondaryIndexes []struct{ IndexStatus string }
			}
		}
		if err := s.api.call(ctx, "DescribeTable", map[string]string{"TableName": name}, &out); err != nil {
			return fmt.Errorf("wait for table %s: %w", name, err)
		}
		active := out.Table.TableStatus == "ACTIVE"
		for _, gsi := range out.Table.GlobalSecondaryIndexes {
			active = active && gsi.IndexStatus == "ACTIVE"
		}
		if active {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("table %s is still %s: %w", name, out.Table.TableStatus, ctx.Err())
		case <-time.After(50 * time.Millisecond):
		}
	}
}
