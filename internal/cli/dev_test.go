package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/wsdesign/wsdesign/dev/event"
	"github.com/wsdesign/wsdesign/render"
)

func TestDevServesMockConnect(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "template.yaml")
	os.WriteFile(path, []byte(`Resources:
  Api:
    Type: AWS::ApiGatewayV2::Api
    Properties:
      Name: a
      ProtocolType: WEBSOCKET
      RouteSelectionExpression: $request.body.action
  Connect:
    Type: AWS::ApiGatewayV2::Route
    Properties:
      ApiId: !Ref Api
      RouteKey: $connect
      Target: !Sub integrations/${Mock}
  Mock:
    Type: AWS::ApiGatewayV2::Integration
    Properties:
      ApiId: !Ref Api
      IntegrationType: MOCK
      RequestTemplates:
        $default: '{"statusCode": 200}'
`), 0o644)
	out, stop, base := serveDev(t, path)
	c := dial(t, base)
	rctx, rcancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer rcancel()
	c.Write(rctx, websocket.MessageText, []byte(`{"action":"x"}`))
	_, b, err := c.Read(rctx)
	if err != nil || !strings.Contains(string(b), `"message":"Forbidden"`) {
		t.Errorf("got %q %v", b, err)
	}
	stop()
	kinds := map[event.Kind]bool{}
	for _, line := range strings.Split(strings.TrimSpace(out.String()), "\n") {
		var e event.Event
		if err := json.Unmarshal([]byte(line), &e); err != nil {
			t.Fatalf("%q: %v", line, err)
		}
		kinds[e.Kind] = true
	}
	for _, k := range []event.Kind{event.Listening, event.Connect, event.Route, event.Disconnect} {
		if !kinds[k] {
			t.Errorf("no %s event in %s", k, out.String())
		}
	}
}

const mockStageTemplate = `Parameters:
  Stage:
    Type: String
    Default: prod
Resources:
  Api:
    Type: AWS::ApiGatewayV2::Api
    Properties:
      Name: a
      ProtocolType: WEBSOCKET
      RouteSelectionExpression: $request.body.action
  Live:
    Type: AWS::ApiGatewayV2::Stage
    Properties:
      ApiId: !Ref Api
      StageName: !Ref Stage
`

func TestDevParameterOverrides(t *testing.T) {
	path := filepath.Join(t.TempDir(), "template.yaml")
	os.WriteFile(path, []byte(mockStageTemplate), 0o644)
	out, code := runCLI(t, "dev", "--parameter-overrides", "Stage=test", "Table=x", path, "--port", "0")
	if code != ExitUsage || !strings.Contains(out, "no parameter Table") {
		t.Errorf("unknown parameter: exit %d, want %d naming it\n%s", code, ExitUsage, out)
	}
	if out, code := runCLI(t, "dev", "--parameter-overrides", "Stage=test", path, "other.yaml"); code != ExitUsage || !strings.Contains(out, "one template") {
		t.Errorf("two files: exit %d\n%s", code, out)
	}
	// As sam takes them: several words after the flag; the stage name comes from the override.
	_, stop, base := serveDev(t, path, "--parameter-overrides", "Stage=test", "ParameterKey=Stage,ParameterValue=live")
	c := dial(t, base+"/live")
	c.CloseNow()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if _, resp, err := websocket.Dial(ctx, base+"/prod", nil); err == nil || resp == nil || resp.StatusCode != 404 {
		t.Errorf("the default stage is still served: %v %v", resp, err)
	}
	stop()
}

func TestDevListsNotEmulated(t *testing.T) {
	path := filepath.Join(t.TempDir(), "template.yaml")
	os.WriteFile(path, []byte(mockStageTemplate+`  Worker:
    Type: AWS::Lambda::Function
    Properties:
      Runtime: nodejs22.x
      Handler: index.handler
      Code: {ZipFile: "exports.handler = async () => {}"}
      Environment:
        Variables:
          QUEUE_URL: !Ref Jobs
  Jobs:
    Type: AWS::SQS::Queue
  Feed:
    Type: AWS::Lambda::EventSourceMapping
    Properties:
      FunctionName: !GetAtt Worker.Arn
      EventSourceArn: arn:aws:dynamodb:us-east-1:123456789012:table/orders/stream/2026-01-01T00:00:00.000
  Half:
    Type: AWS::ApiGatewayV2::Route
    Properties:
      ApiId: !Ref Api
      RouteKey: half
      RouteResponseSelectionExpression: $default
  Signed:
    Type: AWS::ApiGatewayV2::Route
    Properties:
      ApiId: !Ref Api
      RouteKey: $connect
      AuthorizationType: AWS_IAM
      Target: !Sub integrations/${Accept}
  Accept:
    Type: AWS::ApiGatewayV2::Integration
    Properties:
      ApiId: !Ref Api
      IntegrationType: MOCK
      RequestTemplates: {"200": '{"statusCode": 200}'}
`), 0o644)
	out, stop, base := serveDev(t, path)
	signed := "?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIDLOCAL%2F20261207%2Fus-east-1%2Fexecute-api%2Faws4_request&X-Amz-Signature=5ec"
	dial(t, base+"/prod"+signed).CloseNow()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if _, resp, err := websocket.Dial(ctx, base+"/prod", nil); err == nil || resp == nil || resp.StatusCode != 403 {
		t.Errorf("an unsigned connection to an AWS_IAM $connect: %v %v, want 403", resp, err)
	}
	stop()
	for _, want := range []string{
		`"function":"Worker","text":"not emulated: Jobs (AWS::SQS::Queue), which QUEUE_URL points at`,
		`"function":"Worker","text":"not emulated: a DynamoDB stream feeds it through Feed (AWS::Lambda::EventSourceMapping)`,
		`"routeKey":"half","text":"the route has RouteResponseSelectionExpression but no RouteResponse: as in API Gateway, its handler's answer is not sent back`,
		`"routeKey":"$connect","text":"AWS_IAM: connections without a SigV4 signature for execute-api are refused with 403`,
		`"why":"AWS_IAM: the request is not signed (AWS_IAM takes a SigV4 signature, in the query or an Authorization header)","status":403`,
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("the log lacks %s:\n%s", want, out.String())
		}
	}
}

// serveDev runs wsdesign dev on the template at path, on a port the system
// picks (a fixed one may be taken by any process's outgoing connection),
// until stop is called, and returns its JSON log and the ws:// URL it
// listens at, once it does.
func serveDev(t testing.TB, path string, flags ...string) (out *syncBuffer, stop func(), url string) {
	t.Helper()
	out = &syncBuffer{}
	cmd := newRoot(BuildInfo{})
	cmd.SetArgs(append([]string{"dev", path, "--port", "0", "--log", "json"}, flags...))
	cmd.SetOut(out)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- cmd.ExecuteContext(ctx) }()
	t.Cleanup(func() { cancel() })
	// dev may first install what the handlers need.
	listening := regexp.MustCompile(`"kind":"listening","text":"(ws://[0-9.:]+)`)
	for deadline := time.Now().Add(3 * time.Minute); ; time.Sleep(20 * time.Millisecond) {
		if m := listening.FindStringSubmatch(out.String()); m != nil {
			url = m[1]
			break
		}
		select {
		case err := <-done:
			t.Fatalf("dev ended before it listened: %v\n%s", err, out.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("dev did not listen within 3 minutes:\n%s", out.String())
		}
	}
	stop = func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("dev: %v", err)
		}
	}
	return out, stop, url
}

// dial connects to url, which serveDev returned.
func dial(t testing.TB, url string) *websocket.Conn {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	c, _, err := websocket.Dial(ctx, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// syncBuffer is a bytes.Buffer safe for the server's goroutines.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// TestDevRunsAWSChatSample runs AWS's chat sample as published (no
// node_modules anywhere above it, no npm install): the SDK comes from
// wsdesign's cache, the table from a local DynamoDB, and the endpoint the
// handler builds from the event (https://{apiId}.execute-api...) is answered
// locally. Two clients connect, one broadcasts, both receive it; after one
// leaves, a broadcast reaches the other.
func TestDevRunsAWSChatSample(t *testing.T) {
	for _, bin := range []string{"node", "npm"} {
		if _, err := exec.LookPath(bin); err != nil {
			t.Skip(bin, "is not installed")
		}
	}
	dir := t.TempDir()
	if err := os.CopyFS(dir, os.DirFS(filepath.Join("..", "..", "..", "shared", "apps", "simple-websockets-chat-app"))); err != nil {
		t.Fatal(err)
	}
	out, stop, base := serveDev(t, filepath.Join(dir, "template.yaml"))
	url := base + "/Prod"
	a, b := dial(t, url), dial(t, url)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	read := func(c *websocket.Conn, who string) string {
		_, m, err := c.Read(ctx)
		if err != nil {
			t.Fatalf("%s: %v\n%s", who, err, out.String())
		}
		return string(m)
	}
	if err := a.Write(ctx, websocket.MessageText, []byte(`{"action": "sendmessage", "data": "hello all"}`)); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		conn *websocket.Conn
		who  string
	}{{a, "sender"}, {b, "other client"}} {
		if got := read(c.conn, c.who); got != "hello all" {
			t.Errorf("%s received %q, want hello all", c.who, got)
		}
	}
	b.Close(websocket.StatusNormalClosure, "leaving")
	// The $disconnect handler deletes the connection from the table; wait for it.
	for !strings.Contains(out.String(), `"routeKey":"$disconnect"`) && ctx.Err() == nil {
		time.Sleep(20 * time.Millisecond)
	}
	if err := a.Write(ctx, websocket.MessageText, []byte(`{"action": "sendmessage", "data": "still here"}`)); err != nil {
		t.Fatal(err)
	}
	if got := read(a, "sender"); got != "still here" {
		t.Errorf("after the other left, the sender received %q", got)
	}
	a.Close(websocket.StatusNormalClosure, "")
	stop()
	log := out.String()
	for _, want := range []string{`"kind":"table"`, `"kind":"push"`, "PutItem", "Scan", "DeleteItem"} {
		if !strings.Contains(log, want) {
			t.Errorf("the log has no %s:\n%s", want, log)
		}
	}
	// The SDK dev provides does not warn, at each function's start, about
	// the Node.js versions its later releases need.
	if strings.Contains(log, "NodeVersionSupportWarning") {
		t.Errorf("the provided SDK's version warning is in the handlers' output:\n%s", log)
	}
}

// TestDevDefaultTemplate: with no FILE, dev takes template.yaml, else
// template.yml, else template.json, as the SAM CLI does.
func TestDevDefaultTemplate(t *testing.T) {
	t.Chdir(t.TempDir())
	if got := defaultTemplate(); got != "template.yaml" {
		t.Errorf("in an empty folder: %s, want template.yaml (for the error)", got)
	}
	for _, name := range []string{"template.json", "template.yml", "template.yaml"} {
		if err := os.WriteFile(name, []byte("Resources: {}\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		if got := defaultTemplate(); got != name {
			t.Errorf("with %s beside the others: %s", name, got)
		}
	}
}

// TestDevEnvVars: --env-vars sets the variables a function declares, by its
// logical ID or for all under Parameters (the function's own win), resolves
// what the template could not, and names what it did not set; a malformed
// file is refused with its position.
func TestDevEnvVars(t *testing.T) {
	dir := t.TempDir()
	src := `Resources:
  Api:
    Type: AWS::ApiGatewayV2::Api
    Properties: {Name: a, ProtocolType: WEBSOCKET, RouteSelectionExpression: $request.body.action}
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src/
      Handler: app.handler
      Runtime: nodejs22.x
      Environment:
        Variables: {LEVEL: debug, AUTH_URL: !GetAtt Elsewhere.Url, SHARED: template}
  Integ:
    Type: AWS::ApiGatewayV2::Integration
    Properties: {ApiId: !Ref Api, IntegrationType: AWS_PROXY, IntegrationUri: !Sub "arn:aws:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/${Fn.Arn}/invocations"}
  Connect:
    Type: AWS::ApiGatewayV2::Route
    Properties: {ApiId: !Ref Api, RouteKey: $connect, Target: !Sub "integrations/${Integ}"}
`
	tpl, err := render.Parse("template.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	apis, err := render.Import(tpl)
	if err != nil {
		t.Fatal(err)
	}
	env := filepath.Join(dir, "env.json")
	if err := os.WriteFile(env, []byte(`{"Parameters": {"SHARED": "all", "LEVEL": "info"}, "Fn": {"LEVEL": "trace", "AUTH_URL": "http://127.0.0.1:9/auth", "EXTRA": 1}}`), 0o644); err != nil {
		t.Fatal(err)
	}
	vars, err := readEnvVars(env)
	if err != nil {
		t.Fatal(err)
	}
	plain, _ := localApp(tpl, apis[0], "http://127.0.0.1:3001", nil, nil)
	if len(plain.Unresolved) != 1 {
		t.Fatalf("without --env-vars: unresolved %v, want AUTH_URL", plain.Unresolved)
	}
	local, ignored := localApp(tpl, apis[0], "http://127.0.0.1:3001", nil, vars)
	got := local.Functions[0].Env
	for k, v := range map[string]string{"LEVEL": "trace", "AUTH_URL": "http://127.0.0.1:9/auth", "SHARED": "all"} {
		if got[k] != v {
			t.Errorf("%s = %q, want %q", k, got[k], v)
		}
	}
	if _, ok := got["EXTRA"]; ok || !slices.Equal(ignored, []string{"Fn.EXTRA"}) {
		t.Errorf("a variable the template does not declare: set %v, ignored %v, want only named", ok, ignored)
	}
	if len(local.Unresolved) != 0 {
		t.Errorf("unresolved %v after --env-vars gave it", local.Unresolved)
	}
	if err := os.WriteFile(env, []byte("{\n  \"Fn\": {\"A\": 1,}\n}"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := readEnvVars(env); err == nil || !strings.Contains(err.Error(), "env.json:2:17:") || exitCode(err) != 2 {
		t.Errorf("a malformed file: %v, want a usage error at 2:17", err)
	}
}
