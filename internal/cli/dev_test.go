package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/wsdesign/wsdesign/dev/event"
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
	var out bytes.Buffer
	cmd := newRoot(BuildInfo{})
	cmd.SetArgs([]string{"dev", path, "--port", "39517", "--log", "json"})
	cmd.SetOut(&out)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- cmd.ExecuteContext(ctx) }()
	var c *websocket.Conn
	var err error
	for i := 0; i < 50; i++ {
		dctx, dcancel := context.WithTimeout(context.Background(), time.Second)
		c, _, err = websocket.Dial(dctx, "ws://127.0.0.1:39517", nil)
		dcancel()
		if err == nil {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if err != nil {
		t.Fatal(err)
	}
	rctx, rcancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer rcancel()
	c.Write(rctx, websocket.MessageText, []byte(`{"action":"x"}`))
	_, b, err := c.Read(rctx)
	if err != nil || !strings.Contains(string(b), `"message":"Forbidden"`) {
		t.Errorf("got %q %v", b, err)
	}
	cancel()
	<-done
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
