// Package awslocal makes AWS endpoints reachable from the handler processes
// of wsdesign dev without code changes: a local TLS front answers for every
// *.amazonaws.com host name with certificates from a CA kept in the user's
// cache, forwards the API's own execute-api host, DynamoDB and Lambda to the
// local servers, and fails fast for every other AWS service. Hooks loaded into
// Node.js (a --require preload) and Python (sitecustomize) send the
// processes' connections to AWS hosts to the front. Processes without a hook
// (Go, and other code on the OS-only runtimes) reach it through an HTTP
// proxy that tunnels their connections to AWS hosts to the front and their
// others to the host itself.
package awslocal

import (
	"context"
	"crypto/tls"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"github.com/wsdesign/wsdesign/dev/cache"
)

// Options configures a Front.
type Options struct {
	// CacheDir is wsdesign's cache folder; the CA is kept in its ca folder and
	// the process hooks are written to its hooks folder. Empty means
	// os.UserCacheDir()/wsdesign.
	CacheDir string
	// Connections is the URL of the local @connections server, which answers
	// for {apiId}.execute-api.{region}.amazonaws.com. Empty: not emulated.
	Connections string
	// DynamoDB is the URL of the local DynamoDB endpoint, which answers for
	// dynamodb.{region}.amazonaws.com. Empty: not emulated.
	DynamoDB string
	// Lambda is the URL of the local server of Lambda's Invoke API, which
	// answers for lambda.{region}.amazonaws.com. Empty: not emulated.
	Lambda string
	// OnNotEmulated, when set, is called for each request to an AWS host
	// that no local server answers, with the service's name and the host,
	// from the goroutine serving the request.
	OnNotEmulated func(service, host string)
}

// Front is the local TLS front for AWS host names, with the proxy to it.
type Front struct {
	ca        *authority
	listener  net.Listener
	server    *http.Server
	proxy     *proxy
	bundle    string
	nodeHook  string
	pythonDir string
}

// ErrorType is the x-amzn-ErrorType (and __type) of the answer to a request
// for an AWS service that wsdesign dev does not emulate.
const ErrorType = "ServiceNotEmulated"

var (
	//go:embed hooks/aws.cjs
	nodeHook []byte
	//go:embed hooks/sitecustomize.py
	pythonHook []byte
)

// Start loads (or creates) the CA, writes the process hooks and the bundle
// of trusted roots, and starts the front and its proxy on 127.0.0.1 on free
// ports.
func Start(opts Options) (*Front, error) {
	dir := opts.CacheDir
	if dir == "" {
		var err error
		if dir, err = cache.Dir(); err != nil {
			return nil, fmt.Errorf("the local CA: %w", err)
		}
	}
	ca, err := loadCA(filepath.Join(dir, "ca"))
	if err != nil {
		return nil, fmt.Errorf("local CA: %w", err)
	}
	f := &Front{
		ca:        ca,
		nodeHook:  filepath.Join(dir, "hooks", "node", "aws.cjs"),
		pythonDir: filepath.Join(dir, "hooks", "python"),
	}
	if err := writeHook(f.nodeHook, nodeHook); err != nil {
		return nil, err
	}
	if err := writeHook(filepath.Join(f.pythonDir, "sitecustomize.py"), pythonHook); err != nil {
		return nil, err
	}
	if f.bundle, err = ca.writeBundle(systemRoots); err != nil {
		return nil, err
	}
	handler, err := newRouter(opts)
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("listen for AWS host names: %w", err)
	}
	f.listener = ln
	protocols := new(http.Protocols)
	protocols.SetHTTP1(true)
	protocols.SetHTTP2(true) // the SDKs' event-stream clients speak only HTTP/2
	f.server = &http.Server{
		Protocols:         protocols,
		Handler:           handler,
		ReadHeaderTimeout: 10 * time.Second,
		// Handshake errors would go to standard error, under the terminal
		// user interface; the hooks only send AWS host names here.
		ErrorLog: log.New(io.Discard, "", 0),
		TLSConfig: &tls.Config{
			MinVersion: tls.VersionTLS12,
			GetCertificate: func(hello *tls.ClientHelloInfo) (*tls.Certificate, error) {
				host := strings.ToLower(strings.TrimSuffix(hello.ServerName, "."))
				if !isAWSHost(host) {
					return nil, fmt.Errorf("wsdesign dev answers only for *.amazonaws.com, not %q", hello.ServerName)
				}
				return ca.certificate(host)
			},
		},
	}
	go f.server.ServeTLS(ln, "", "")
	if f.proxy, err = startProxy(f.Addr(), handler, http.ProxyFromEnvironment); err != nil {
		f.server.Close()
		return nil, err
	}
	return f, nil
}

// Addr is the front's address, 127.0.0.1:port.
func (f *Front) Addr() string { return f.listener.Addr().String() }

// CACertFile is the PEM file of the CA that signs the front's certificates.
func (f *Front) CACertFile() string { return f.ca.certFile }

// NodeOptions is the NODE_OPTIONS fragment that loads the Node.js hook.
func (f *Front) NodeOptions() string {
	return "--require " + quoteNodeOption(f.nodeHook)
}

// Env is the environment to give handler processes so that their connections
// to AWS hosts reach the front and trust its certificates. NODE_OPTIONS and
// PYTHONPATH already include this process's own values, after the hooks.
func (f *Front) Env() map[string]string {
	return map[string]string{
		"WSDESIGN_AWS_FRONT":  f.Addr(),
		"WSDESIGN_AWS_CA":     f.ca.certFile,
		"NODE_EXTRA_CA_CERTS": f.ca.certFile,
		"AWS_CA_BUNDLE":       f.ca.certFile,
		"NODE_OPTIONS":        join(" ", f.NodeOptions(), os.Getenv("NODE_OPTIONS")),
		"PYTHONPATH":          join(string(os.PathListSeparator), f.pythonDir, os.Getenv("PYTHONPATH")),
	}
}

// ProxyEnv is the environment to give handler processes that no hook
// reaches (Go, and other code on the OS-only runtimes), so that an SDK too
// old to read AWS_ENDPOINT_URL_*, or code that builds an AWS URL itself,
// reaches the front: the standard proxy variables, which Go's net/http
// (http.ProxyFromEnvironment, behind http.DefaultTransport and so the AWS
// SDKs for Go) and most other HTTP clients honour, name the front's proxy;
// NO_PROXY keeps the local servers, on the loopback address, off it.
// SSL_CERT_FILE, which Go's crypto/x509 on Linux (and OpenSSL) reads instead
// of the system's bundle, names a bundle of the system's roots and the CA,
// so that both AWS hosts and all others are trusted. (Go on macOS and
// Windows verifies with the system and ignores it.)
func (f *Front) ProxyEnv() map[string]string {
	proxy := f.proxy.URL()
	local := "localhost,127.0.0.1,::1"
	return map[string]string{
		"HTTPS_PROXY":   proxy,
		"https_proxy":   proxy,
		"HTTP_PROXY":    proxy,
		"http_proxy":    proxy,
		"NO_PROXY":      local,
		"no_proxy":      local,
		"SSL_CERT_FILE": f.bundle,
	}
}

// Close stops the proxy and the front and closes their connections.
func (f *Front) Close() error {
	// The proxy first: its tunnels are connections to the front.
	perr := f.proxy.close()
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	err := f.server.Shutdown(ctx)
	if err != nil {
		err = f.server.Close()
	}
	return errors.Join(perr, err)
}

func join(sep, first, rest string) string {
	if rest == "" {
		return first
	}
	return first + sep + rest
}

// quoteNodeOption quotes a path for NODE_OPTIONS, which splits on spaces and
// takes double quotes with backslash escapes.
func quoteNodeOption(s string) string {
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(s) + `"`
}

// writeHook writes an embedded hook to name unless it is there already.
func writeHook(name string, data []byte) error {
	if err := writeChanged(name, data, 0o644); err != nil {
		return fmt.Errorf("write the handler hook: %w", err)
	}
	return nil
}

var (
	executeAPIHost = regexp.MustCompile(`^[a-z0-9]+\.execute-api\.[a-z0-9-]+\.amazonaws\.com$`)
	dynamoDBHost   = regexp.MustCompile(`^dynamodb\.[a-z0-9-]+\.amazonaws\.com$`)
	lambdaHost     = regexp.MustCompile(`^lambda\.[a-z0-9-]+\.amazonaws\.com$`)
	regionLabel    = regexp.MustCompile(`^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d+$`)
)

func isAWSHost(host string) bool { return strings.HasSuffix(host, ".amazonaws.com") }

// newRouter returns the handler that sends each request to the local server
// for its host name, or answers that the service is not emulated.
func newRouter(opts Options) (http.Handler, error) {
	connections, err := proxyTo(opts.Connections)
	if err != nil {
		return nil, fmt.Errorf("@connections server: %w", err)
	}
	dynamo, err := proxyTo(opts.DynamoDB)
	if err != nil {
		return nil, fmt.Errorf("DynamoDB endpoint: %w", err)
	}
	lambda, err := proxyTo(opts.Lambda)
	if err != nil {
		return nil, fmt.Errorf("the Lambda endpoint: %w", err)
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		host := requestHost(r)
		switch {
		case executeAPIHost.MatchString(host) && connections != nil:
			connections.ServeHTTP(w, r)
		case dynamoDBHost.MatchString(host) && dynamo != nil:
			dynamo.ServeHTTP(w, r)
		case lambdaHost.MatchString(host) && lambda != nil:
			lambda.ServeHTTP(w, r)
		default:
			service := ServiceName(host)
			if opts.OnNotEmulated != nil {
				opts.OnNotEmulated(service, host)
			}
			notEmulated(w, service, host)
		}
	}), nil
}

// proxyTo returns a reverse proxy to the server at rawURL, which keeps the
// AWS host name the request was sent to (the one the SDK signed), or nil
// for "".
func proxyTo(rawURL string) (*httputil.ReverseProxy, error) {
	if rawURL == "" {
		return nil, nil
	}
	target, err := url.Parse(rawURL)
	if err != nil {
		return nil, fmt.Errorf("parse %q: %w", rawURL, err)
	}
	if target.Scheme != "http" && target.Scheme != "https" || target.Host == "" {
		return nil, fmt.Errorf("%q is not an http:// or https:// URL", rawURL)
	}
	return &httputil.ReverseProxy{
		Rewrite: func(r *httputil.ProxyRequest) {
			r.SetURL(target)
			r.Out.Host = requestHost(r.In)
			r.SetXForwarded()
		},
		ErrorHandler: func(w http.ResponseWriter, r *http.Request, err error) {
			awsError(w, http.StatusBadGateway, "LocalServerUnavailable",
				fmt.Sprintf("the local server for %s (%s) does not answer: %v", requestHost(r), rawURL, err))
		},
	}, nil
}

// requestHost is the host a request was sent to, lower case, without port.
func requestHost(r *http.Request) string {
	host := r.Host
	if host == "" && r.TLS != nil {
		host = r.TLS.ServerName
	}
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	return strings.ToLower(strings.TrimSuffix(host, "."))
}

// ServiceName names the AWS service of an AWS host name: the label before the
// region (sqs in sqs.us-east-1.amazonaws.com), or the last label before
// amazonaws.com for global endpoints (s3 in bucket.s3.amazonaws.com).
func ServiceName(host string) string {
	labels := strings.Split(strings.TrimSuffix(host, ".amazonaws.com"), ".")
	for i, label := range labels {
		if i > 0 && regionLabel.MatchString(label) {
			return labels[i-1]
		}
	}
	return labels[len(labels)-1]
}

// notEmulated answers in the shape of AWS's JSON errors. The status is a 4xx
// so that the SDKs fail at once instead of retrying as they do on 5xx.
func notEmulated(w http.ResponseWriter, service, host string) {
	awsError(w, http.StatusBadRequest, ErrorType, fmt.Sprintf("%s (%s) is not emulated by wsdesign dev", service, host))
}

// awsError answers in the shape of AWS's JSON errors.
func awsError(w http.ResponseWriter, status int, errorType, message string) {
	body, _ := json.Marshal(map[string]string{"__type": errorType, "message": message})
	w.Header().Set("Content-Type", "application/x-amz-json-1.0")
	w.Header().Set("x-amzn-ErrorType", errorType)
	w.WriteHeader(status)
	w.Write(body)
}
