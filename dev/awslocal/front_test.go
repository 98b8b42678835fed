package awslocal

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// backend is a fake local server that records the requests it receives.
type backend struct {
	mu   sync.Mutex
	seen []string // "METHOD host path"
}

func (b *backend) start(t *testing.T) string {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		b.mu.Lock()
		b.seen = append(b.seen, r.Method+" "+r.Host+" "+r.URL.Path)
		b.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte("{}"))
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}

func (b *backend) requests() []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]string(nil), b.seen...)
}

type notEmulatedCall struct{ service, host string }

type fixture struct {
	front       *Front
	connections backend
	dynamo      backend
	lambda      backend
	mu          sync.Mutex
	notEmulated []notEmulatedCall
}

func startFront(t *testing.T) *fixture {
	t.Helper()
	fx := &fixture{}
	front, err := Start(Options{
		// A space in the path, as in many home folders, must survive
		// NODE_OPTIONS and PYTHONPATH.
		CacheDir:    filepath.Join(t.TempDir(), "cache dir"),
		Connections: fx.connections.start(t),
		DynamoDB:    fx.dynamo.start(t),
		Lambda:      fx.lambda.start(t),
		OnNotEmulated: func(service, host string) {
			fx.mu.Lock()
			fx.notEmulated = append(fx.notEmulated, notEmulatedCall{service, host})
			fx.mu.Unlock()
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { front.Close() })
	fx.front = front
	return fx
}

func (fx *fixture) notEmulatedCalls() []notEmulatedCall {
	fx.mu.Lock()
	defer fx.mu.Unlock()
	return append([]notEmulatedCall(nil), fx.notEmulated...)
}

// run runs a command with the front's environment (and placeholder AWS
// credentials, and no endpoint overrides) and returns its standard output.
func (fx *fixture) run(t *testing.T, name string, args ...string) string {
	t.Helper()
	if _, err := exec.LookPath(name); err != nil {
		t.Skipf("%s is not installed", name)
	}
	cmd := exec.Command(name, args...)
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "AWS_") && !strings.HasPrefix(kv, "NODE_OPTIONS=") && !strings.HasPrefix(kv, "PYTHONPATH=") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	cmd.Env = append(cmd.Env, "AWS_ACCESS_KEY_ID=AKIDLOCAL", "AWS_SECRET_ACCESS_KEY=local", "AWS_REGION=us-east-1", "AWS_DEFAULT_REGION=us-east-1")
	for k, v := range fx.front.Env() {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("%s: %v\n%s\n%s", name, err, out, stderr.String())
	}
	return string(out)
}

// result is what the scripts below print for the not-emulated call.
type result struct {
	Status    int    `json:"status"`
	ErrorType string `json:"errorType"`
	Body      string `json:"body"`
	Millis    int    `json:"ms"`
}

func (fx *fixture) checkNotEmulated(t *testing.T, out string) {
	t.Helper()
	var got result
	if err := json.Unmarshal([]byte(strings.TrimSpace(out)), &got); err != nil {
		t.Fatalf("script output %q: %v", out, err)
	}
	if got.Status != http.StatusBadRequest || got.ErrorType != ErrorType {
		t.Errorf("sqs call answered %d with x-amzn-ErrorType %q, want 400 and %q", got.Status, got.ErrorType, ErrorType)
	}
	var raw map[string]string
	if err := json.Unmarshal([]byte(got.Body), &raw); err != nil {
		t.Fatalf("error body %q: %v", got.Body, err)
	}
	if raw["__type"] != ErrorType || !strings.Contains(raw["message"], "sqs") || !strings.Contains(raw["message"], "not emulated by wsdesign dev") {
		t.Errorf("error body = %s, want __type %s and a message naming sqs as not emulated", got.Body, ErrorType)
	}
	if got.Millis >= 1000 {
		t.Errorf("the sqs call took %d ms, want it to fail fast (< 1 s)", got.Millis)
	}
	want := notEmulatedCall{"sqs", "sqs.us-east-1.amazonaws.com"}
	if calls := fx.notEmulatedCalls(); len(calls) != 1 || calls[0] != want {
		t.Errorf("OnNotEmulated calls = %v, want [%v]", calls, want)
	}
}

func (fx *fixture) checkConnections(t *testing.T, want ...string) {
	t.Helper()
	if got := fx.connections.requests(); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("@connections server saw %q, want %q", got, want)
	}
	if got := fx.dynamo.requests(); len(got) != 0 {
		t.Errorf("DynamoDB server saw %q, want nothing", got)
	}
}

const nodeScript = `
const https = require('https');
function get(url) {
  return new Promise((resolve, reject) => {
    const start = Date.now();
    https.get(url, (res) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode, errorType: res.headers['x-amzn-errortype'] || '', body, ms: Date.now() - start }));
    }).on('error', reject);
  });
}
(async () => {
  const ok = await get('https://abc123.execute-api.us-east-1.amazonaws.com/prod/@connections/x');
  if (ok.status !== 200) throw new Error('execute-api answered ' + ok.status + ' ' + ok.body);
  console.log(JSON.stringify(await get('https://sqs.us-east-1.amazonaws.com/')));
})().catch((err) => { console.error(err); process.exit(1); });
`

func TestNodeReachesLocalServers(t *testing.T) {
	fx := startFront(t)
	out := fx.run(t, "node", "-e", nodeScript)
	fx.checkConnections(t, "GET abc123.execute-api.us-east-1.amazonaws.com /prod/@connections/x")
	fx.checkNotEmulated(t, out)
}

func TestNodeESModuleReachesLocalServers(t *testing.T) {
	fx := startFront(t)
	fx.run(t, "node", "--input-type=module", "-e", `
import { request } from 'node:https';
await new Promise((resolve, reject) => {
  request('https://dynamodb.eu-west-3.amazonaws.com/', { method: 'POST' }, (res) => { res.resume(); res.on('end', resolve); })
    .on('error', reject).end('{}');
});
`)
	if got, want := fx.dynamo.requests(), []string{"POST dynamodb.eu-west-3.amazonaws.com /"}; strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("DynamoDB server saw %q, want %q", got, want)
	}
}

// TestLambdaHostReachesLocalServer: Lambda's API host (which an SDK too old
// for AWS_ENDPOINT_URL_LAMBDA calls) reaches dev's Invoke API.
func TestLambdaHostReachesLocalServer(t *testing.T) {
	fx := startFront(t)
	fx.run(t, "node", "-e", `
require('node:https').request('https://lambda.eu-west-1.amazonaws.com/2015-03-31/functions/f/invocations', { method: 'POST' }, (res) => res.resume())
  .on('error', (err) => { console.error(err); process.exit(1); }).end('{}');
`)
	if got, want := fx.lambda.requests(), []string{"POST lambda.eu-west-1.amazonaws.com /2015-03-31/functions/f/invocations"}; strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("the Lambda server saw %q, want %q", got, want)
	}
	if calls := fx.notEmulatedCalls(); len(calls) > 0 {
		t.Errorf("named as not emulated: %v", calls)
	}
}

const pythonScript = `
import json, time, urllib.request, urllib.error
with urllib.request.urlopen("https://abc123.execute-api.us-east-1.amazonaws.com/prod/@connections/x") as r:
    assert r.status == 200, r.status
start = time.monotonic()
try:
    urllib.request.urlopen("https://sqs.us-east-1.amazonaws.com/")
    raise SystemExit("the sqs call succeeded")
except urllib.error.HTTPError as e:
    print(json.dumps({"status": e.code, "errorType": e.headers.get("x-amzn-ErrorType", ""),
                      "body": e.read().decode(), "ms": int((time.monotonic() - start) * 1000)}))
`

func TestPythonReachesLocalServers(t *testing.T) {
	fx := startFront(t)
	out := fx.run(t, "python3", "-c", pythonScript)
	fx.checkConnections(t, "GET abc123.execute-api.us-east-1.amazonaws.com /prod/@connections/x")
	fx.checkNotEmulated(t, out)
}

// boto3Pythons returns the Python interpreters that have boto3, by the
// boto3 version: the python3 on PATH, and Debian's /usr/bin/python3 (where
// python3-boto3 installs, boto3 1.26, too old to read AWS_ENDPOINT_URL_*),
// which a pyenv or virtualenv python3 on PATH hides.
func boto3Pythons(t *testing.T) map[string]string {
	t.Helper()
	found := map[string]string{}
	seen := map[string]bool{}
	for _, name := range []string{"python3", "/usr/bin/python3"} {
		path, err := exec.LookPath(name)
		if err != nil {
			continue
		}
		real, err := filepath.EvalSymlinks(path)
		if err != nil {
			real = path
		}
		if seen[real] {
			continue
		}
		seen[real] = true
		out, err := exec.Command(path, "-c", "import boto3; print(boto3.__version__)").Output()
		if err == nil {
			found["boto3-"+strings.TrimSpace(string(out))] = path
		}
	}
	if len(found) == 0 {
		t.Skip("no python3 with boto3 (pip install boto3, or apt-get install python3-boto3)")
	}
	return found
}

func TestBoto3ReachesLocalServers(t *testing.T) {
	for version, python := range boto3Pythons(t) {
		t.Run(version, func(t *testing.T) {
			fx := startFront(t)
			fx.run(t, python, "-c", `
import boto3
boto3.client("apigatewaymanagementapi", endpoint_url="https://abc123.execute-api.us-east-1.amazonaws.com/prod").post_to_connection(ConnectionId="x", Data=b"hi")
`)
			fx.checkConnections(t, "POST abc123.execute-api.us-east-1.amazonaws.com /prod/@connections/x")
		})
	}
}

func TestCAIsKeptAndSignsLeaves(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "ca")
	first, err := loadCA(dir)
	if err != nil {
		t.Fatal(err)
	}
	info, err := os.Stat(filepath.Join(dir, caKeyFile))
	if err != nil {
		t.Fatal(err)
	}
	if perm := info.Mode().Perm(); perm != 0o600 {
		t.Errorf("CA key mode = %v, want 0600", perm)
	}
	second, err := loadCA(dir)
	if err != nil {
		t.Fatal(err)
	}
	if !second.cert.Equal(first.cert) {
		t.Error("a second loadCA generated a new CA instead of reading the kept one")
	}
	leaf, err := second.certificate("dynamodb.us-east-1.amazonaws.com")
	if err != nil {
		t.Fatal(err)
	}
	roots := x509.NewCertPool()
	roots.AddCert(first.cert)
	if _, err := leaf.Leaf.Verify(x509.VerifyOptions{DNSName: "dynamodb.us-east-1.amazonaws.com", Roots: roots, CurrentTime: time.Now()}); err != nil {
		t.Errorf("leaf certificate does not verify against the kept CA: %v", err)
	}
}

func TestServiceName(t *testing.T) {
	for host, want := range map[string]string{
		"sqs.us-east-1.amazonaws.com":                "sqs",
		"sns.eu-west-3.amazonaws.com":                "sns",
		"states.us-gov-west-1.amazonaws.com":         "states",
		"s3.amazonaws.com":                           "s3",
		"my-bucket.s3.amazonaws.com":                 "s3",
		"my-bucket.s3.ap-southeast-2.amazonaws.com":  "s3",
		"bedrock-runtime.us-west-2.amazonaws.com":    "bedrock-runtime",
		"sts.amazonaws.com":                          "sts",
		"abc123.execute-api.us-east-1.amazonaws.com": "execute-api",
	} {
		if got := ServiceName(host); got != want {
			t.Errorf("ServiceName(%q) = %q, want %q", host, got, want)
		}
	}
}

func TestPythonHookRunsTheSitecustomizeItHides(t *testing.T) {
	other := t.TempDir()
	if err := os.WriteFile(filepath.Join(other, "sitecustomize.py"), []byte("import builtins\nbuiltins.OTHER_SITECUSTOMIZE = True\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PYTHONPATH", other)
	fx := startFront(t)
	out := fx.run(t, "python3", "-c", `import builtins, socket; print(getattr(builtins, "OTHER_SITECUSTOMIZE", False), socket.getaddrinfo("sqs.us-east-1.amazonaws.com", 443)[0][4][0])`)
	if got := strings.TrimSpace(out); got != "True 127.0.0.1" {
		t.Errorf("python3 printed %q, want the other sitecustomize run (True) and the AWS host resolved to the front (127.0.0.1)", got)
	}
}

func TestLocalServerDownIsAnswered(t *testing.T) {
	down := httptest.NewServer(http.NotFoundHandler())
	down.Close()
	front, err := Start(Options{CacheDir: t.TempDir(), Connections: down.URL})
	if err != nil {
		t.Fatal(err)
	}
	defer front.Close()
	pem, err := os.ReadFile(front.CACertFile())
	if err != nil {
		t.Fatal(err)
	}
	roots := x509.NewCertPool()
	roots.AppendCertsFromPEM(pem)
	transport := &http.Transport{TLSClientConfig: &tls.Config{RootCAs: roots}}
	transport.DialContext = func(ctx context.Context, network, _ string) (net.Conn, error) {
		return (&net.Dialer{}).DialContext(ctx, network, front.Addr())
	}
	resp, err := (&http.Client{Transport: transport}).Post("https://abc123.execute-api.us-east-1.amazonaws.com/prod/@connections/x", "text/plain", strings.NewReader("hi"))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusBadGateway || resp.Header.Get("x-amzn-ErrorType") != "LocalServerUnavailable" {
		t.Errorf("with the @connections server down: %d %q, want 502 LocalServerUnavailable", resp.StatusCode, resp.Header.Get("x-amzn-ErrorType"))
	}
}
