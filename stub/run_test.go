package stub

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/wsdesign/wsdesign/model"
)

// These tests run every stub the way Lambda does, with node and python3,
// against sample API Gateway WebSocket events, and let the post-back code
// reach a local server standing in for the callback URL.

const (
	apiDomain = "abc123.execute-api.eu-west-1.amazonaws.com"
	methodArn = "arn:aws:execute-api:eu-west-1:123456789012:abc123/prod/$connect"
	goodToken = "s3cret"
)

// language runs the stubs of one runtime family.
type language struct {
	runtime string
	// handlerFile is the stub file that holds the handler.
	handlerFile string
	command     string
	runner      string
	// setup prepares a folder of written stubs to run, and returns
	// environment variables the runs need.
	setup func(t *testing.T, dir string, files []File) []string
}

var languages = []language{
	{runtime: "nodejs24.x", handlerFile: "index.mjs", command: "node", runner: "testdata/invoke.mjs", setup: nodeSetup},
	{runtime: "python3.13", handlerFile: "app.py", command: "python3", runner: "testdata/invoke.py", setup: pythonSetup},
}

// callbackServer stands in for https://{api}.execute-api.{region}.amazonaws.com/prod:
// POST /prod/@connections/{id} answers 410 Gone for connection "gone", 403
// for "forbidden" and 200 otherwise, as API Gateway does.
type callbackServer struct {
	*httptest.Server
	mu    sync.Mutex
	posts map[string][]byte // by connection ID
}

var connectionPath = regexp.MustCompile(`^/prod/@connections/([^/]+)$`)

func newCallbackServer(t *testing.T) *callbackServer {
	s := &callbackServer{posts: map[string][]byte{}}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		m := connectionPath.FindStringSubmatch(r.URL.Path)
		if r.Method != http.MethodPost || m == nil {
			http.Error(w, `{"message":"Not Found"}`, http.StatusNotFound)
			return
		}
		body, _ := io.ReadAll(r.Body)
		s.mu.Lock()
		s.posts[m[1]] = body
		s.mu.Unlock()
		switch m[1] {
		case "gone":
			w.Header().Set("x-amzn-ErrorType", "GoneException")
			w.WriteHeader(http.StatusGone)
			_, _ = w.Write([]byte(`{"message":null}`))
		case "forbidden":
			w.Header().Set("x-amzn-ErrorType", "ForbiddenException")
			w.WriteHeader(http.StatusForbidden)
			_, _ = w.Write([]byte(`{"message":"Forbidden"}`))
		}
	}))
	t.Cleanup(s.Close)
	return s
}

func (s *callbackServer) posted(id string) ([]byte, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	b, ok := s.posts[id]
	return b, ok
}

func requestContext(routeKey, connectionID string) map[string]any {
	eventType := "MESSAGE"
	switch routeKey {
	case model.RouteConnect:
		eventType = "CONNECT"
	case model.RouteDisconnect:
		eventType = "DISCONNECT"
	}
	return map[string]any{
		"routeKey": routeKey, "eventType": eventType, "connectionId": connectionID,
		"domainName": apiDomain, "stage": "prod", "apiId": "abc123",
		"requestId": "req-1", "extendedRequestId": "req-1", "connectedAt": 1764000000000,
		"requestTimeEpoch": 1764000000100, "messageDirection": "IN",
		"identity": map[string]any{"sourceIp": "192.0.2.1"},
	}
}

// routeEvent is the event an integration receives: a message route's carries
// the message in body; $connect's the handshake's headers and query string.
func routeEvent(routeKey, connectionID, body string) map[string]any {
	e := map[string]any{"requestContext": requestContext(routeKey, connectionID), "isBase64Encoded": false}
	switch routeKey {
	case model.RouteConnect:
		e["headers"] = map[string]any{"Host": apiDomain, "Sec-WebSocket-Version": "13"}
		e["queryStringParameters"] = map[string]any{"token": goodToken}
	case model.RouteDisconnect:
		e["headers"] = map[string]any{"Host": apiDomain}
	default:
		e["body"] = body
	}
	return e
}

// authorizerEvent is the REQUEST authorizer's event on $connect.
func authorizerEvent(headers, query map[string]any) map[string]any {
	return map[string]any{
		"type": "REQUEST", "methodArn": methodArn,
		"headers": headers, "queryStringParameters": query,
		"stageVariables": map[string]any{},
		"requestContext": requestContext(model.RouteConnect, "conn-auth"),
	}
}

type outcome struct {
	Result map[string]any `json:"result"`
	Error  string         `json:"error"`
}

// run writes the design's stubs into a fresh folder and runs the handler of
// the function in folder fn on each event, with env added to the
// environment.
func (l language) run(t *testing.T, d model.Design, fn string, env []string, events ...map[string]any) []outcome {
	t.Helper()
	dir := t.TempDir()
	files := For(d)
	for _, f := range files {
		p := filepath.Join(dir, filepath.FromSlash(f.Path))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, f.Content, f.Mode); err != nil {
			t.Fatal(err)
		}
	}
	env = append(l.setup(t, dir, files), env...)
	in, err := json.Marshal(events)
	if err != nil {
		t.Fatal(err)
	}
	runner, err := filepath.Abs(l.runner)
	if err != nil {
		t.Fatal(err)
	}
	outFile := filepath.Join(dir, "outcomes.json")
	handler := filepath.Join(dir, "src", fn, l.handlerFile)
	cmd := exec.Command(l.command, runner, handler, outFile)
	cmd.Dir = dir
	cmd.Stdin = bytes.NewReader(in)
	cmd.Env = append(awsFreeEnviron(), env...)
	if out, err := cmd.CombinedOutput(); err != nil {
		src, _ := os.ReadFile(handler)
		t.Fatalf("%s %s: %v\n%s\n--- %s:\n%s", l.command, handler, err, out, fn, src)
	}
	b, err := os.ReadFile(outFile)
	if err != nil {
		t.Fatal(err)
	}
	var outcomes []outcome
	if err := json.Unmarshal(b, &outcomes); err != nil {
		t.Fatalf("outcomes: %v\n%s", err, b)
	}
	if len(outcomes) != len(events) {
		t.Fatalf("%d outcomes for %d events", len(outcomes), len(events))
	}
	return outcomes
}

// awsFreeEnviron is the environment without the AWS settings of whoever
// runs the tests, so that no profile or real endpoint is ever used.
func awsFreeEnviron() []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "AWS_") {
			env = append(env, kv)
		}
	}
	return append(env,
		"AWS_ACCESS_KEY_ID=AKIDEXAMPLE", "AWS_SECRET_ACCESS_KEY=secret", "AWS_REGION=eu-west-1",
		"AWS_DEFAULT_REGION=eu-west-1", "AWS_EC2_METADATA_DISABLED=true",
		"AWS_CONFIG_FILE="+os.DevNull, "AWS_SHARED_CREDENTIALS_FILE="+os.DevNull)
}

func requireCommand(t *testing.T, name string) {
	t.Helper()
	if _, err := exec.LookPath(name); err != nil {
		t.Skipf("%s is not installed: the %s stubs are not run", name, name)
	}
}

func TestRouteStubsRun(t *testing.T) {
	for _, l := range languages {
		t.Run(l.runtime, func(t *testing.T) {
			t.Parallel()
			requireCommand(t, l.command)
			cb := newCallbackServer(t)
			chat := newFunction("ChatFunction", l.runtime)
			ping := newFunction("PingFunction", l.runtime)
			d := model.Design{Name: "Chat", Endpoints: []model.Endpoint{
				{Route: model.RouteConnect, Handler: chat},
				{Route: model.RouteDisconnect, Handler: chat},
				{Route: "send", Handler: chat},
				{Route: model.RouteDefault, Handler: chat},
				{Route: "echo", Mode: model.TwoWay, Handler: chat},
				{Route: "ping", Mode: model.TwoWay, Handler: ping},
			}}
			d.Normalize()
			env := []string{"CALLBACK_URL=" + cb.URL + "/prod"}

			got := l.run(t, d, "chat", env,
				routeEvent(model.RouteConnect, "c1", ""),
				routeEvent(model.RouteDisconnect, "c1", ""),
				routeEvent("send", "alive", `{"action":"send","text":"hi"}`),
				routeEvent(model.RouteDefault, "gone", "not json"),
				routeEvent("echo", "echoer", `{"action":"echo"}`),
				routeEvent("send", "forbidden", `{"action":"send"}`),
				routeEvent("unknown", "c2", `{"action":"unknown"}`),
			)
			for i, name := range []string{"$connect", "$disconnect", "send", "$default (410 Gone)", "echo"} {
				if got[i].Error != "" || got[i].Result["statusCode"] != 200.0 {
					t.Errorf("%s: got %+v, want statusCode 200", name, got[i])
				}
			}
			for i, name := range []string{"$connect", "$disconnect", "send", "$default"} {
				if _, ok := got[i].Result["body"]; ok {
					t.Errorf("%s is 1-way but returned a body: %+v", name, got[i].Result)
				}
			}
			if body, ok := got[4].Result["body"].(string); !ok || !strings.Contains(body, `\"action\":\"echo\"`) {
				t.Errorf("echo: body %#v, want a string holding the message", got[4].Result["body"])
			}
			if got[5].Error == "" {
				t.Errorf("a 403 from the callback URL must fail the invocation; got %+v", got[5])
			}
			if got[6].Error == "" {
				t.Errorf("a route the function does not serve must fail; got %+v", got[6])
			}

			// The pushes reached the callback endpoint, with the message.
			if b, ok := cb.posted("alive"); !ok || !json.Valid(b) || !bytes.Contains(b, []byte(`"send"`)) {
				t.Errorf("send: posted %q (%v), want JSON naming the route", b, ok)
			}
			for _, id := range []string{"gone", "echoer", "forbidden"} {
				if _, ok := cb.posted(id); !ok {
					t.Errorf("nothing posted to connection %s", id)
				}
			}
			if _, ok := cb.posted("c1"); ok {
				t.Error("$connect/$disconnect posted to the client")
			}

			// A function with one route answers without a switch.
			got = l.run(t, d, "ping", env, routeEvent("ping", "p1", `{"action":"ping"}`))
			if _, ok := got[0].Result["body"].(string); !ok || got[0].Result["statusCode"] != 200.0 {
				t.Errorf("ping: got %+v, want statusCode 200 and a string body", got[0])
			}
		})
	}
}

func TestAuthorizerStubsRun(t *testing.T) {
	for _, l := range languages {
		t.Run(l.runtime, func(t *testing.T) {
			t.Parallel()
			requireCommand(t, l.command)
			conn := newFunction("ConnectFunction", l.runtime)
			auth := newFunction("AuthFunction", l.runtime)
			design := func(authorizer model.LambdaLink, sources ...string) model.Design {
				d := model.Design{
					Endpoints:  []model.Endpoint{{Route: model.RouteConnect, Handler: conn}},
					Authorizer: &model.Authorizer{Handler: authorizer, IdentitySource: sources},
				}
				d.Normalize()
				return d
			}
			withToken := []string{AuthTokenEnv + "=" + goodToken}
			query := func(token string) map[string]any { return authorizerEvent(nil, map[string]any{"token": token}) }
			header := func(name, token string) map[string]any {
				return authorizerEvent(map[string]any{"Host": apiDomain, name: token}, nil)
			}

			// The default identity source: the token query string parameter.
			got := l.run(t, design(auth), "auth", withToken, query(goodToken), query("wrong"), authorizerEvent(nil, nil))
			expectPolicy(t, "good token", got[0], "Allow")
			expectPolicy(t, "bad token", got[1], "Deny")
			expectPolicy(t, "no token", got[2], "Deny")
			got = l.run(t, design(auth), "auth", nil, query(goodToken), query(""))
			expectPolicy(t, "AUTH_TOKEN unset", got[0], "Deny")
			expectPolicy(t, "AUTH_TOKEN unset, empty token", got[1], "Deny")

			// A header, in whatever case the client sent it.
			hd := design(auth, "route.request.header.X-Api-Key", "route.request.querystring.room")
			got = l.run(t, hd, "auth", withToken, header("x-api-key", goodToken), header("X-API-KEY", "wrong"), query(goodToken))
			expectPolicy(t, "good header", got[0], "Allow")
			expectPolicy(t, "bad header", got[1], "Deny")
			expectPolicy(t, "token in the wrong place", got[2], "Deny")

			// Stage variables and context variables.
			stage := authorizerEvent(nil, nil)
			stage["stageVariables"] = map[string]any{"gate": goodToken}
			got = l.run(t, design(auth, "stageVariables.gate"), "auth", withToken, stage, query(goodToken))
			expectPolicy(t, "good stage variable", got[0], "Allow")
			expectPolicy(t, "no stage variable", got[1], "Deny")
			got = l.run(t, design(auth, "context.identity.sourceIp"), "auth", []string{AuthTokenEnv + "=192.0.2.1"}, query(""))
			expectPolicy(t, "good source IP", got[0], "Allow")

			// One function both authorizes and handles $connect.
			both := design(conn, "route.request.header.Authorization")
			got = l.run(t, both, "connect", withToken,
				header("authorization", goodToken), routeEvent(model.RouteConnect, "c1", ""))
			expectPolicy(t, "authorizer request to a route handler", got[0], "Allow")
			if got[1].Result["statusCode"] != 200.0 {
				t.Errorf("$connect on the shared function: got %+v", got[1])
			}
		})
	}
}

// expectPolicy checks an authorizer's answer: a policy with one statement
// that allows or denies invoking exactly the methodArn of the request.
func expectPolicy(t *testing.T, name string, o outcome, effect string) {
	t.Helper()
	var policy struct {
		PrincipalID    string `json:"principalId"`
		PolicyDocument struct {
			Version   string
			Statement []struct {
				Action   string
				Effect   string
				Resource string
			}
		} `json:"policyDocument"`
	}
	b, _ := json.Marshal(o.Result)
	if o.Error != "" || json.Unmarshal(b, &policy) != nil {
		t.Errorf("%s: got %+v, want a policy", name, o)
		return
	}
	doc := policy.PolicyDocument
	if policy.PrincipalID == "" || doc.Version != "2012-10-17" || len(doc.Statement) != 1 {
		t.Errorf("%s: malformed policy %s", name, b)
		return
	}
	s := doc.Statement[0]
	if s.Effect != effect || s.Action != "execute-api:Invoke" || s.Resource != methodArn {
		t.Errorf("%s: statement %+v, want %s execute-api:Invoke on %s", name, s, effect, methodArn)
	}
}

// nodeSetup links the stubs' folder to a node_modules holding the API Gateway
// Management API client their package.json asks for, installed once with npm
// into the user's cache folder.
func nodeSetup(t *testing.T, dir string, files []File) []string {
	t.Helper()
	version := ""
	for _, f := range files {
		if filepath.Base(f.Path) != "package.json" {
			continue
		}
		var pkg struct{ Dependencies map[string]string }
		if err := json.Unmarshal(f.Content, &pkg); err != nil {
			t.Fatalf("%s: %v", f.Path, err)
		}
		if v := pkg.Dependencies[SDKPackage]; v != "" {
			version = v
		}
	}
	if version == "" {
		return nil // no stub of this design imports the SDK
	}
	modules := sdkModules(t, version)
	if err := os.Symlink(modules, filepath.Join(dir, "node_modules")); err != nil {
		t.Fatal(err)
	}
	return nil
}

var sdkInstall sync.Mutex

// sdkModules returns the node_modules folder holding SDKPackage@version,
// installing it on first use.
func sdkModules(t *testing.T, version string) string {
	t.Helper()
	sdkInstall.Lock()
	defer sdkInstall.Unlock()
	cache, err := os.UserCacheDir()
	if err != nil {
		t.Skipf("no cache folder to install %s into: %v", SDKPackage, err)
	}
	parent := filepath.Join(cache, "wsdesign", "stub-sdk")
	final := filepath.Join(parent, regexp.MustCompile(`[^A-Za-z0-9.]+`).ReplaceAllString(version, "_"))
	modules := filepath.Join(final, "node_modules")
	if _, err := os.Stat(filepath.Join(modules, filepath.FromSlash(SDKPackage), "package.json")); err == nil {
		return modules
	}
	requireCommand(t, "npm")
	if err := os.MkdirAll(parent, 0o755); err != nil {
		t.Fatal(err)
	}
	// Install beside the final folder and rename, so that an interrupted
	// install never looks complete.
	tmp, err := os.MkdirTemp(parent, ".install-")
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(tmp)
	t.Logf("installing %s@%s into %s", SDKPackage, version, final)
	cmd := exec.Command("npm", "install", "--prefix", tmp, "--no-audit", "--no-fund", "--loglevel=error", SDKPackage+"@"+version)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("npm install %s@%s: %v\n%s", SDKPackage, version, err, out)
	}
	if err := os.Rename(tmp, final); err != nil {
		t.Fatal(err)
	}
	return modules
}

var boto3Check struct {
	once sync.Once
	ok   bool
}

// pythonSetup runs the stubs with the real boto3 when python3 can import it,
// and otherwise with testdata/fakeboto3, which posts to the same endpoint the
// same way but checks nothing of boto3's own behaviour.
func pythonSetup(t *testing.T, _ string, _ []File) []string {
	t.Helper()
	boto3Check.once.Do(func() {
		boto3Check.ok = exec.Command("python3", "-c", "import boto3").Run() == nil
	})
	env := []string{"PYTHONDONTWRITEBYTECODE=1"}
	if boto3Check.ok {
		return env
	}
	fake, err := filepath.Abs("testdata/fakeboto3")
	if err != nil {
		t.Fatal(err)
	}
	t.Log("python3 cannot import boto3: posting back through testdata/fakeboto3 instead")
	return append(env, "PYTHONPATH="+fake)
}
