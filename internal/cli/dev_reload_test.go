package cli

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
)

const reloadTemplate = `Transform: AWS::Serverless-2016-10-31
Resources:
  ChatEchoResponse:
    Type: AWS::ApiGatewayV2::RouteResponse
    Properties:
      ApiId: !Ref Chat
      RouteId: !Ref ChatEchoRoute
      RouteResponseKey: $default
  ChatDefaultResponse:
    Type: AWS::ApiGatewayV2::RouteResponse
    Properties:
      ApiId: !Ref Chat
      RouteId: !Ref ChatDefaultRoute
      RouteResponseKey: $default
  Chat:
    Type: AWS::Serverless::WebSocketApi
    Properties:
      RouteSelectionExpression: $request.body.action
      StageName: prod
      Routes:
        $connect:
          FunctionArn: !GetAtt Fn.Arn
        echo:
          FunctionArn: !GetAtt Fn.Arn
          RouteResponseSelectionExpression: $default
        $default:
          FunctionArn: !GetAtt Fn.Arn
          RouteResponseSelectionExpression: $default
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: nodejs20.x
      CodeUri: src/
      Handler: app.handler
`

func reloadHandler(reply string) string {
	return `export const handler = async (event) => ({ statusCode: 200, body: "` + reply + `:" + event.requestContext.routeKey });` + "\n"
}

// TestDevReloads: while a client stays connected, a change of the handler's
// code is answered by the new code, a route added to the template reaches
// its handler, and a template broken by an edit keeps the API serving and
// says where it is broken — all on the same connection.
func TestDevReloads(t *testing.T) {
	needTool(t, "node", "node", "--version")
	dir := t.TempDir()
	tpl := filepath.Join(dir, "template.yaml")
	code := filepath.Join(dir, "src", "app.mjs")
	write := func(path, text string) {
		t.Helper()
		// Written aside and renamed into place, as editors save.
		tmp := filepath.Join(filepath.Dir(path), ".tmp-"+filepath.Base(path))
		if err := os.WriteFile(tmp, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.Rename(tmp, path); err != nil {
			t.Fatal(err)
		}
	}
	os.MkdirAll(filepath.Dir(code), 0o755)
	write(code, reloadHandler("v1"))
	write(tpl, reloadTemplate)
	out, stop, base := serveDev(t, tpl)
	defer stop()
	c := dial(t, base+"/prod")
	defer c.CloseNow()
	ask := asker(t, c, out)
	ask(`{"action":"echo"}`, "v1:echo")
	ask(`{"action":"shout"}`, "v1:$default")

	write(code, reloadHandler("v2"))
	ask(`{"action":"echo"}`, "v2:echo")

	shout := strings.Replace(reloadTemplate, "        $default:\n", "        shout:\n          FunctionArn: !GetAtt Fn.Arn\n          RouteResponseSelectionExpression: $default\n        $default:\n", 1)
	shout = strings.Replace(shout, "Resources:\n", "Resources:\n  ChatShoutResponse:\n    Type: AWS::ApiGatewayV2::RouteResponse\n    Properties:\n      ApiId: !Ref Chat\n      RouteId: !Ref ChatShoutRoute\n      RouteResponseKey: $default\n", 1)
	write(tpl, shout)
	ask(`{"action":"shout"}`, "v2:shout")

	write(tpl, shout+"  Broken: [\n")
	deadline := time.Now().Add(20 * time.Second)
	for !strings.Contains(out.String(), "still serving the API as it was") && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
	log := out.String()
	if !strings.Contains(log, `"kind":"reload"`) || !strings.Contains(log, "template.yaml:") || !strings.Contains(log, "still serving the API as it was") {
		t.Fatalf("a broken template is not reported with its position:\n%s", log)
	}
	ask(`{"action":"shout"}`, "v2:shout")
}

// makefileTemplate serves a function built by its Makefile, whose target
// writes, as real ones do, into the folder it runs in: dist/ and a
// package-lock.json, different at every build.
var makefileTemplate = strings.Replace(reloadTemplate, "      Handler: app.handler\n", "      Handler: dist/app.handler\n    Metadata:\n      BuildMethod: makefile\n", 1)

const makefileBuild = "build-Fn:\n" +
	"\tdate +%s%N > package-lock.json\n" +
	"\trm -rf dist && mkdir dist && cp app.mjs dist/ && date +%s%N > dist/stamp\n" +
	"\tcp -r dist $(ARTIFACTS_DIR)/\n"

// TestDevMakefileReloadsOnce: an edit of a makefile function's code is one
// reload, whose build leaves the code folder as it was; it does not set
// off another reload, and another, without end.
func TestDevMakefileReloadsOnce(t *testing.T) {
	needTool(t, "node", "node", "--version")
	needTool(t, "make", "make", "--version")
	dir := t.TempDir()
	tpl := filepath.Join(dir, "template.yaml")
	src := filepath.Join(dir, "src")
	os.MkdirAll(src, 0o755)
	os.WriteFile(filepath.Join(src, "Makefile"), []byte(makefileBuild), 0o644)
	os.WriteFile(filepath.Join(src, "app.mjs"), []byte(reloadHandler("v1")), 0o644)
	os.WriteFile(tpl, []byte(makefileTemplate), 0o644)
	out, stop, base := serveDev(t, tpl)
	defer stop()
	c := dial(t, base+"/prod")
	defer c.CloseNow()
	ask := asker(t, c, out)
	ask(`{"action":"echo"}`, "v1:echo")
	if err := os.WriteFile(filepath.Join(src, "app.mjs"), []byte(reloadHandler("v2")), 0o644); err != nil {
		t.Fatal(err)
	}
	ask(`{"action":"echo"}`, "v2:echo")
	// Ten debounce periods and more: time for a loop to show.
	time.Sleep(20 * reloadDebounce)
	log := out.String()
	if n := strings.Count(log, `"kind":"reload"`); n != 1 {
		t.Errorf("one edit gave %d reloads, want 1:\n%s", n, log)
	}
	if n := strings.Count(log, "building with makefile"); n != 2 {
		t.Errorf("%d builds, want 2 (at start, and after the edit):\n%s", n, log)
	}
	for _, name := range []string{"dist", "package-lock.json"} {
		if _, err := os.Stat(filepath.Join(src, name)); err == nil {
			t.Errorf("the build wrote %s into the code folder", name)
		}
	}
}

// asker returns ask: it sends msg on c until the reply is want (a reload
// takes a moment), and fails, with dev's log, when it never is.
func asker(t *testing.T, c *websocket.Conn, out *syncBuffer) func(msg, want string) {
	return func(msg, want string) {
		t.Helper()
		ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
		defer cancel()
		var got string
		for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
			if err := c.Write(ctx, websocket.MessageText, []byte(msg)); err != nil {
				t.Fatalf("%s: %v\n%s", msg, err, out.String())
			}
			_, b, err := c.Read(ctx)
			if err != nil {
				t.Fatalf("%s: %v\n%s", msg, err, out.String())
			}
			if got = string(b); got == want {
				return
			}
		}
		t.Fatalf("%s: the reply stays %q, want %q\n%s", msg, got, want, out.String())
	}
}
