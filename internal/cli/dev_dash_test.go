package cli

import (
	"context"
	"encoding/json"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/wsdesign/wsdesign/dev/app"
	"github.com/wsdesign/wsdesign/dev/dash"
	"github.com/wsdesign/wsdesign/dev/event"
	"github.com/wsdesign/wsdesign/dev/gateway"
)

// echoInvoker answers every route with the message's body, and lets
// $connect in only with token=good.
type echoInvoker struct{}

func (echoInvoker) Invoke(_ context.Context, fn string, ev []byte) ([]byte, error) {
	var e struct {
		Body  string            `json:"body"`
		Query map[string]string `json:"queryStringParameters"`
	}
	json.Unmarshal(ev, &e)
	if fn == "Connect" && e.Query["token"] != "good" {
		return []byte(`{"statusCode":401}`), nil
	}
	return json.Marshal(map[string]any{"statusCode": 200, "body": "echo " + e.Body})
}

// TestDashControl drives a real gateway through what the dashboard asks:
// a refused and an accepted connection, a message and its reply, closing,
// DELETE @connections and a saved event.
func TestDashControl(t *testing.T) {
	a := app.App{API: app.API{ID: "api", SelectionExpr: "$request.body.action", Stages: []string{"dev"}, Routes: []app.Route{
		{Key: "$connect", Kind: app.Lambda, Function: "Connect"},
		{Key: "$default", Kind: app.Lambda, Function: "Echo", TwoWay: true},
	}}}
	rec := &recordingSink{}
	srv := gateway.New(a, echoInvoker{}, rec, gateway.Options{})
	h := httptest.NewServer(srv)
	defer h.Close()
	defer srv.Close()

	dir := t.TempDir()
	msgs := make(chan tea.Msg, 16)
	c := newDashControl(strings.TrimPrefix(h.URL, "http://"), dir)
	c.send = func(m tea.Msg) { msgs <- m }
	next := func() tea.Msg {
		t.Helper()
		select {
		case m := <-msgs:
			return m
		case <-time.After(5 * time.Second):
			t.Fatal("no answer from the control")
			return nil
		}
	}

	c.Dial(dash.Client{ID: 1, Stage: "dev", Query: map[string]string{"token": "bad"}})
	if m, ok := next().(dash.ClientClosed); !ok || m.Code != 401 || m.Err == nil {
		t.Fatalf("a refused connection answered %#v", m)
	}
	c.Dial(dash.Client{ID: 2, Stage: "dev", Query: map[string]string{"token": "good"}})
	if m, ok := next().(dash.ClientOpened); !ok || m.ID != 2 {
		t.Fatalf("an accepted connection answered %#v", m)
	}
	c.Send(2, "hi")
	if m, ok := next().(dash.ClientReceived); !ok || m.ID != 2 || m.Text != "echo hi" {
		t.Fatalf("the reply came as %#v", m)
	}
	c.CloseClient(2)
	if m, ok := next().(dash.ClientClosed); !ok || m.ID != 2 || m.Code != 1000 {
		t.Fatalf("closing answered %#v", m)
	}

	// DELETE @connections closes a connection the dashboard lists.
	c.Dial(dash.Client{ID: 3, Stage: "dev", Query: map[string]string{"token": "good"}})
	next()
	id := rec.connected(t)
	c.Disconnect(id)
	if m, ok := next().(dash.ClientClosed); !ok || m.ID != 3 {
		t.Fatalf("disconnecting answered %#v", m)
	}

	for want := range 2 {
		c.Save("event-x.json", []byte("{}\n"))
		m, ok := next().(dash.Saved)
		if path := filepath.Join(dir, []string{"event-x-1.json", "event-x-2.json"}[want]); !ok || m.Err != nil || m.Path != path {
			t.Fatalf("save %d answered %#v, want %s", want+1, m, path)
		}
		if b, err := os.ReadFile(m.Path); err != nil || string(b) != "{}\n" {
			t.Errorf("saved %q (%v)", b, err)
		}
	}
}

// recordingSink keeps the connection IDs the gateway accepted.
type recordingSink struct {
	mu  sync.Mutex
	ids []string
}

func (r *recordingSink) Emit(e event.Event) {
	if e.Kind == event.Connect {
		r.mu.Lock()
		r.ids = append(r.ids, e.ConnectionID)
		r.mu.Unlock()
	}
}

func (r *recordingSink) connected(t *testing.T) string {
	t.Helper()
	for range 100 {
		r.mu.Lock()
		n := len(r.ids)
		var last string
		if n > 0 {
			last = r.ids[n-1]
		}
		r.mu.Unlock()
		if n >= 2 {
			return last
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatal("the gateway never accepted the connection")
	return ""
}
