package gateway

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/coder/websocket"

	"github.com/wsdesign/wsdesign/dev/app"
)

// TestSwap: a new app takes over on the open connection — a route it adds
// answers, by the new invoker — and a connection whose stage the new app
// has no more is closed with 1001.
func TestSwap(t *testing.T) {
	f := newFixture(t, false, true, Options{})
	c := mustDial(t, f.url+"/dev")
	if got := send(t, c, `{"action":"greet"}`); got != "default" {
		t.Fatalf("before the swap, greet goes to $default: %q", got)
	}
	a := app.App{API: app.API{ID: "abc123", SelectionExpr: "$request.body.action", Stages: []string{"dev"}, Routes: []app.Route{
		{Key: "$connect", Kind: app.Lambda, Function: "Connect"},
		{Key: "greet", Kind: app.Lambda, Function: "Greet", TwoWay: true},
	}}}
	inv := &fakeInvoker{t: t, byFn: map[string]func(events.APIGatewayWebsocketProxyRequest) ([]byte, error){
		"Connect": body(""),
		"Greet":   body("hello from the new code"),
	}}
	f.srv.Swap(a, inv)
	if got := send(t, c, `{"action":"greet"}`); got != "hello from the new code" {
		t.Errorf("after the swap, on the same connection: %q", got)
	}

	a.API.Stages = []string{"prod"}
	f.srv.Swap(a, inv)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_, _, err := c.Read(ctx)
	var ce websocket.CloseError
	if !errors.As(err, &ce) || ce.Code != websocket.StatusGoingAway || !strings.Contains(ce.Reason, "stage") {
		t.Errorf("a connection to a stage gone: %v, want close 1001", err)
	}
}
