package gateway

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/coder/websocket"

	"github.com/wsdesign/wsdesign/dev/app"
	"github.com/wsdesign/wsdesign/dev/event"
)

// fakeInvoker answers per function and records every event, decoded strictly.
type fakeInvoker struct {
	t      *testing.T
	mu     sync.Mutex
	events []events.APIGatewayWebsocketProxyRequest
	byFn   map[string]func(ev events.APIGatewayWebsocketProxyRequest) ([]byte, error)
}

func (f *fakeInvoker) Invoke(ctx context.Context, fn string, raw []byte) ([]byte, error) {
	var ev events.APIGatewayWebsocketProxyRequest
	if fn != "Auth" {
		d := json.NewDecoder(bytes.NewReader(raw))
		d.DisallowUnknownFields()
		if err := d.Decode(&ev); err != nil {
			f.t.Errorf("%s: event does not decode strictly: %v\n%s", fn, err, raw)
		}
		checkRequired(f.t, raw, ev)
	} else {
		var a events.APIGatewayCustomAuthorizerRequestTypeRequest
		if err := json.Unmarshal(raw, &a); err != nil || a.Type != "REQUEST" || a.MethodArn == "" {
			f.t.Errorf("authorizer event: %v %s", err, raw)
		}
		json.Unmarshal(raw, &ev)
	}
	f.mu.Lock()
	f.events = append(f.events, ev)
	h := f.byFn[fn]
	f.mu.Unlock()
	type r struct {
		b   []byte
		err error
	}
	ch := make(chan r, 1)
	go func() { b, err := h(ev); ch <- r{b, err} }()
	select {
	case x := <-ch:
		return x.b, x.err
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// checkRequired fails when a field API Gateway always sends is missing from the raw event: the
// lists are the keys of aws-lambda-go's captured MESSAGE and DISCONNECT events.
func checkRequired(t *testing.T, raw []byte, ev events.APIGatewayWebsocketProxyRequest) {
	t.Helper()
	var m map[string]map[string]any
	json.Unmarshal(raw, &m)
	want := []string{"routeKey", "eventType", "connectionId", "connectedAt", "domainName", "stage", "apiId", "requestId", "extendedRequestId", "messageDirection", "requestTime", "requestTimeEpoch", "identity"}
	switch ev.RequestContext.EventType {
	case "MESSAGE":
		want = append(want, "messageId")
		if !bytes.Contains(raw, []byte(`"isBase64Encoded":false`)) || !bytes.Contains(raw, []byte(`"body":`)) {
			t.Errorf("message event without body/isBase64Encoded: %s", raw)
		}
	case "DISCONNECT":
		want = append(want, "disconnectStatusCode", "disconnectReason")
		if !bytes.Contains(raw, []byte(`"headers":`)) || !bytes.Contains(raw, []byte(`"multiValueHeaders":`)) {
			t.Errorf("disconnect event without headers: %s", raw)
		}
	case "CONNECT":
		if !bytes.Contains(raw, []byte(`"headers":`)) || !bytes.Contains(raw, []byte(`"multiValueHeaders":`)) {
			t.Errorf("connect event without headers: %s", raw)
		}
	default:
		t.Errorf("eventType %q", ev.RequestContext.EventType)
	}
	for _, k := range want {
		if _, ok := m["requestContext"][k]; !ok {
			t.Errorf("%s event lacks requestContext.%s", ev.RequestContext.EventType, k)
		}
	}
	// As in API Gateway, the domain is the API's own host, which handlers
	// build the @connections endpoint from.
	if rc := ev.RequestContext; rc.DomainName != rc.APIID+".execute-api.us-east-1.amazonaws.com" {
		t.Errorf("domainName %q, not the API's execute-api host", rc.DomainName)
	}
	if ev.RequestContext.EventType == "DISCONNECT" && ev.Headers["Host"] != ev.RequestContext.DomainName {
		t.Errorf("$disconnect's Host header %q, not %q", ev.Headers["Host"], ev.RequestContext.DomainName)
	}
	id := ev.RequestContext.Identity
	if id.SourceIP == "" {
		t.Errorf("identity.sourceIp empty")
	}
}

type recorder struct {
	mu sync.Mutex
	ev []event.Event
}

func (r *recorder) Emit(e event.Event) { r.mu.Lock(); r.ev = append(r.ev, e); r.mu.Unlock() }
func (r *recorder) has(k event.Kind, sub string) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, e := range r.ev {
		if e.Kind == k && strings.Contains(event.Format(e), sub) {
			return true
		}
	}
	return false
}

func body(s string) func(events.APIGatewayWebsocketProxyRequest) ([]byte, error) {
	return func(events.APIGatewayWebsocketProxyRequest) ([]byte, error) {
		return []byte(`{"statusCode":200,"body":` + fmt.Sprintf("%q", s) + `}`), nil
	}
}

type fixture struct {
	srv  *Server
	http *httptest.Server
	inv  *fakeInvoker
	log  *recorder
	url  string
}

func newFixture(t *testing.T, withAuth, withDefault bool, opt Options) *fixture {
	routes := []app.Route{
		{Key: "$connect", Kind: app.Lambda, Function: "Connect"},
		{Key: "$disconnect", Kind: app.Lambda, Function: "Disconnect"},
		{Key: "echo", Kind: app.Lambda, Function: "Echo", TwoWay: true},
		{Key: "oneway", Kind: app.Lambda, Function: "Echo"},
		{Key: "throw", Kind: app.Lambda, Function: "Throw", TwoWay: true},
		{Key: "slow", Kind: app.Lambda, Function: "Slow", TwoWay: true, TimeoutMillis: 100},
		{Key: "http", Kind: app.HTTP, TwoWay: true},
	}
	if withDefault {
		routes = append(routes, app.Route{Key: "$default", Kind: app.Lambda, Function: "Default", TwoWay: true})
	}
	a := app.App{API: app.API{ID: "abc123", SelectionExpr: "$request.body.action", Stages: []string{"dev"}, Routes: routes}}
	if withAuth {
		a.API.ConnectAuthorizer = &app.Authorizer{Function: "Auth", IdentitySources: []string{"route.request.querystring.token"}}
	}
	inv := &fakeInvoker{t: t, byFn: map[string]func(events.APIGatewayWebsocketProxyRequest) ([]byte, error){
		"Connect":    body(""),
		"Disconnect": body(""),
		"Echo": func(ev events.APIGatewayWebsocketProxyRequest) ([]byte, error) {
			auth, _ := json.Marshal(ev.RequestContext.Authorizer)
			return json.Marshal(map[string]any{"statusCode": 200, "body": "echo:" + ev.Body + " auth:" + string(auth)})
		},
		"Default": body("default"),
		"Throw":   func(events.APIGatewayWebsocketProxyRequest) ([]byte, error) { return nil, errors.New("boom") },
		"Slow": func(events.APIGatewayWebsocketProxyRequest) ([]byte, error) {
			time.Sleep(time.Second)
			return nil, nil
		},
		"Auth": func(ev events.APIGatewayWebsocketProxyRequest) ([]byte, error) {
			switch ev.QueryStringParameters["token"] {
			case "good":
				return []byte(`{"principalId":"me","policyDocument":{"Version":"2012-10-17","Statement":[{"Action":"execute-api:Invoke","Effect":"Allow","Resource":"arn:aws:execute-api:*:*:abc123/*"}]},"context":{"team":"blue"}}`), nil
			case "deny":
				return []byte(`{"principalId":"me","policyDocument":{"Statement":[{"Effect":"Deny","Resource":["*"]}]}}`), nil
			}
			return nil, errors.New("Unauthorized")
		},
	}}
	log := &recorder{}
	srv := New(a, inv, log, opt)
	h := httptest.NewUnstartedServer(srv)
	h.Listener = srv.Listener(h.Listener)
	h.Start()
	t.Cleanup(func() { srv.Close(); h.Close() })
	return &fixture{srv: srv, http: h, inv: inv, log: log, url: "ws" + strings.TrimPrefix(h.URL, "http")}
}

func dial(t *testing.T, u string, hdr http.Header) (*websocket.Conn, *http.Response, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	return websocket.Dial(ctx, u, &websocket.DialOptions{HTTPHeader: hdr})
}

func mustDial(t *testing.T, u string) *websocket.Conn {
	c, _, err := dial(t, u, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.CloseNow() })
	return c
}

func send(t *testing.T, c *websocket.Conn, msg string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := c.Write(ctx, websocket.MessageText, []byte(msg)); err != nil {
		t.Fatal(err)
	}
	_, b, err := c.Read(ctx)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestMessages(t *testing.T) {
	f := newFixture(t, false, true, Options{})
	c := mustDial(t, f.url+"/dev")
	if got := send(t, c, `{"action":"echo","x":1}`); !strings.HasPrefix(got, `echo:{"action":"echo","x":1}`) {
		t.Errorf("2-way: %q", got)
	}
	if got := send(t, c, `not json`); got != "default" {
		t.Errorf("$default: %q", got)
	}
	if got := send(t, c, `{"action":"throw"}`); !strings.Contains(got, `"message":"Internal server error"`) || !strings.Contains(got, `"connectionId"`) {
		t.Errorf("throw: %q", got)
	}
	start := time.Now()
	if got := send(t, c, `{"action":"slow"}`); !strings.Contains(got, "Internal server error") || time.Since(start) > 900*time.Millisecond {
		t.Errorf("timeout: %q after %s", got, time.Since(start))
	}
	if got := send(t, c, `{"action":"http"}`); !strings.Contains(got, "Internal server error") {
		t.Errorf("http integration: %q", got)
	}
}

func TestOneWayDropsBody(t *testing.T) {
	f := newFixture(t, false, true, Options{})
	c := mustDial(t, f.url)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	c.Write(ctx, websocket.MessageText, []byte(`{"action":"oneway"}`))
	time.Sleep(200 * time.Millisecond)
	if got := send(t, c, `{"action":"echo"}`); !strings.HasPrefix(got, "echo:") {
		t.Errorf("1-way reply was sent: next frame %q", got)
	}
	if !f.log.has(event.Warning, "1-way") {
		t.Errorf("no warning for the 1-way body")
	}
}

func TestForbidden(t *testing.T) {
	f := newFixture(t, false, false, Options{})
	c := mustDial(t, f.url+"/dev")
	got := send(t, c, `{"action":"nope"}`)
	var m map[string]string
	if err := json.Unmarshal([]byte(got), &m); err != nil || m["message"] != "Forbidden" || m["connectionId"] == "" || m["requestId"] == "" || len(m) != 3 {
		t.Errorf("Forbidden frame: %q", got)
	}
}

func TestAuthorizer(t *testing.T) {
	f := newFixture(t, true, true, Options{})
	for _, tc := range []struct {
		query  string
		status int
	}{{"", 401}, {"?token=bad", 401}, {"?token=deny", 403}} {
		_, resp, err := dial(t, f.url+"/dev"+tc.query, nil)
		if err == nil || resp == nil || resp.StatusCode != tc.status {
			t.Errorf("%q: got %v %v, want %d", tc.query, resp, err, tc.status)
		}
	}
	if len(f.inv.events) != 2 { // the missing token never reaches the authorizer
		t.Errorf("authorizer called %d times, want 2", len(f.inv.events))
	}
	c := mustDial(t, f.url+"/dev?token=good")
	if got := send(t, c, `{"action":"echo"}`); !strings.Contains(got, `"principalId":"me"`) || !strings.Contains(got, `"team":"blue"`) {
		t.Errorf("authorizer context not passed on: %q", got)
	}
	// Each call of the authorizer is logged as its own invocation, with the
	// event it received and what it returned.
	for _, want := range []string{"$connect [Auth]", "authorizer: the authorizer's policy does not allow", "authorizer: the authorizer answered Unauthorized", "authorizer: allowed"} {
		if !f.log.has(event.Invoke, want) {
			t.Errorf("no invoke event with %q", want)
		}
	}
	f.log.mu.Lock()
	defer f.log.mu.Unlock()
	for _, e := range f.log.ev {
		if e.Kind == event.Invoke && e.Function == "Auth" {
			var req events.APIGatewayCustomAuthorizerRequestTypeRequest
			if err := json.Unmarshal(e.Request, &req); err != nil || req.Type != "REQUEST" || req.MethodArn == "" || e.ConnectionID == "" {
				t.Errorf("authorizer invoke event: %v %s", err, e.Request)
			}
		}
	}
}

func TestConnectStatus(t *testing.T) {
	f := newFixture(t, false, true, Options{})
	f.inv.byFn["Connect"] = func(events.APIGatewayWebsocketProxyRequest) ([]byte, error) {
		return []byte(`{"statusCode":418}`), nil
	}
	if _, resp, err := dial(t, f.url, nil); err == nil || resp == nil || resp.StatusCode != 418 {
		t.Errorf("got %v %v, want 418", resp, err)
	}
}

// TestSubprotocol agrees on the subprotocol the $connect answer names in
// its Sec-WebSocket-Protocol header, as API Gateway does, and on none when
// it names none, with a warning (browsers then refuse the connection).
func TestSubprotocol(t *testing.T) {
	f := newFixture(t, false, true, Options{})
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	f.inv.byFn["Connect"] = func(ev events.APIGatewayWebsocketProxyRequest) ([]byte, error) {
		return json.Marshal(map[string]any{"statusCode": 200, "headers": map[string]string{"Sec-WebSocket-Protocol": "graphql-ws"}})
	}
	c, _, err := websocket.Dial(ctx, f.url, &websocket.DialOptions{Subprotocols: []string{"chat", "graphql-ws"}})
	if err != nil {
		t.Fatal(err)
	}
	if got := c.Subprotocol(); got != "graphql-ws" {
		t.Errorf("subprotocol %q, want graphql-ws, the one the $connect answer names", got)
	}
	c.CloseNow()
	if f.log.has(event.Warning, "subprotocol") {
		t.Error("a warning although $connect named the subprotocol")
	}
	f.inv.mu.Lock() // the first connection's $disconnect may be running
	f.inv.byFn["Connect"] = body("")
	f.inv.mu.Unlock()
	c, _, err = websocket.Dial(ctx, f.url, &websocket.DialOptions{Subprotocols: []string{"chat"}})
	if err != nil {
		t.Fatal(err)
	}
	if got := c.Subprotocol(); got != "" {
		t.Errorf("subprotocol %q, want none: $connect named none", got)
	}
	c.CloseNow()
	if !f.log.has(event.Warning, "asked for the subprotocol chat") {
		t.Error("no warning that the client asked for a subprotocol $connect did not name")
	}
}

func TestOrigin(t *testing.T) {
	f := newFixture(t, false, true, Options{})
	if _, resp, err := dial(t, f.url, http.Header{"Origin": {"https://evil.example"}}); err == nil || resp.StatusCode != 403 {
		t.Errorf("non-local origin accepted: %v", err)
	}
	c, _, err := dial(t, f.url, http.Header{"Origin": {"http://localhost:5173"}})
	if err != nil {
		t.Fatal(err)
	}
	c.CloseNow()
	g := newFixture(t, false, true, Options{AllowedOrigins: []string{"app.example"}})
	c, _, err = dial(t, g.url, http.Header{"Origin": {"https://app.example"}})
	if err != nil {
		t.Fatalf("allowed origin refused: %v", err)
	}
	c.CloseNow()
}

func waitDisconnect(t *testing.T, f *fixture) events.APIGatewayWebsocketProxyRequest {
	t.Helper()
	for i := 0; i < 100; i++ {
		f.inv.mu.Lock()
		for _, e := range f.inv.events {
			if e.RequestContext.EventType == "DISCONNECT" {
				f.inv.mu.Unlock()
				return e
			}
		}
		f.inv.mu.Unlock()
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatal("no $disconnect")
	return events.APIGatewayWebsocketProxyRequest{}
}

func TestLimits(t *testing.T) {
	for _, tc := range []struct {
		name string
		typ  websocket.MessageType
		size int
		code websocket.StatusCode
	}{
		{"too big", websocket.MessageText, MaxMessage + 1, websocket.StatusMessageTooBig},
		{"frame too big", websocket.MessageText, MaxFrame + 1, websocket.StatusMessageTooBig},
		{"binary", websocket.MessageBinary, 4, websocket.StatusUnsupportedData},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t, false, true, Options{})
			c := mustDial(t, f.url)
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			c.Write(ctx, tc.typ, bytes.Repeat([]byte("a"), tc.size))
			_, _, err := c.Read(ctx)
			if got := websocket.CloseStatus(err); got != tc.code {
				t.Errorf("close %v (%v), want %v", got, err, tc.code)
			}
			if d := waitDisconnect(t, f); d.RequestContext.DisconnectStatusCode != int64(tc.code) {
				t.Errorf("disconnectStatusCode %d", d.RequestContext.DisconnectStatusCode)
			}
		})
	}
}

// A message of up to MaxMessage arrives when it comes in frames of at most
// MaxFrame, also after a control frame, and also when a frame over the limit
// follows right behind it and closes the connection.
func TestMessageInFrames(t *testing.T) {
	f := newFixture(t, false, true, Options{})
	c := mustDial(t, f.url)
	c.SetReadLimit(2 * MaxMessage)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	framed := func(msg []byte) error {
		w, err := c.Writer(ctx, websocket.MessageText)
		if err != nil {
			return err
		}
		for chunk := range slices.Chunk(msg, MaxFrame) { // one frame per Write
			if _, err := w.Write(chunk); err != nil {
				return err
			}
		}
		return w.Close()
	}
	first := []byte(`{"action":"echo","data":"` + strings.Repeat("a", 100*1024) + `"}`)
	second := []byte(`{"action":"echo","data":"` + strings.Repeat("b", 60*1024) + `"}`)
	sent := make(chan error, 1)
	go func() {
		if err := c.Ping(ctx); err != nil { // its pong arrives while the test reads
			sent <- err
			return
		}
		if err := framed(first); err != nil {
			sent <- err
			return
		}
		sent <- c.Write(ctx, websocket.MessageText, second) // one frame of 60 KB
	}()
	var err error
	for err == nil {
		_, _, err = c.Read(ctx)
	}
	if websocket.CloseStatus(err) != websocket.StatusMessageTooBig {
		t.Errorf("after a frame over %d bytes: %v, want 1009", MaxFrame, err)
	}
	if err := <-sent; err != nil {
		t.Errorf("sending: %v", err)
	}
	waitDisconnect(t, f)
	// The message before the oversized frame is routed as the connection
	// closes: its invocation may start after $disconnect's.
	var bodies []string
	for deadline := time.Now().Add(5 * time.Second); len(bodies) == 0 && time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		f.inv.mu.Lock()
		bodies = bodies[:0]
		for _, e := range f.inv.events {
			if e.RequestContext.EventType == "MESSAGE" {
				bodies = append(bodies, e.Body)
			}
		}
		f.inv.mu.Unlock()
	}
	if len(bodies) != 1 || bodies[0] != string(first) {
		t.Errorf("messages routed: %d, want only the one sent in frames", len(bodies))
	}
}

func TestIdleTimeout(t *testing.T) {
	f := newFixture(t, false, true, Options{IdleTimeout: 200 * time.Millisecond})
	c := mustDial(t, f.url)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_, _, err := c.Read(ctx)
	if websocket.CloseStatus(err) != websocket.StatusGoingAway {
		t.Errorf("got %v, want 1001", err)
	}
	d := waitDisconnect(t, f)
	if d.RequestContext.DisconnectStatusCode != 1001 || d.RequestContext.DisconnectReason == nil || *d.RequestContext.DisconnectReason != "Going away" {
		t.Errorf("disconnect %+v", d.RequestContext)
	}
}

func connectionID(t *testing.T, f *fixture) string {
	t.Helper()
	f.inv.mu.Lock()
	defer f.inv.mu.Unlock()
	for _, e := range f.inv.events {
		if e.RequestContext.EventType == "CONNECT" {
			return e.RequestContext.ConnectionID
		}
	}
	t.Fatal("no connect event")
	return ""
}

func TestConnectionsAPI(t *testing.T) {
	f := newFixture(t, false, true, Options{})
	c := mustDial(t, f.url+"/dev")
	id := connectionID(t, f)
	if !strings.HasSuffix(id, "=") {
		t.Errorf("connection id %q is not shaped like AWS's", id)
	}
	do := func(method, path string, body []byte) *http.Response {
		req, _ := http.NewRequest(method, f.http.URL+path, bytes.NewReader(body))
		req.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential=x/20260101/us-east-1/execute-api/aws4_request, SignedHeaders=host, Signature=0")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		return resp
	}
	esc := url.PathEscape(id)
	if r := do("POST", "/dev/@connections/"+esc, []byte("pushed")); r.StatusCode != 200 {
		t.Errorf("POST %d", r.StatusCode)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if _, b, err := c.Read(ctx); err != nil || string(b) != "pushed" {
		t.Errorf("push: %q %v", b, err)
	}
	r := do("GET", "/@connections/"+esc, nil)
	var info map[string]any
	json.NewDecoder(r.Body).Decode(&info)
	if info["connectedAt"] == nil || info["lastActiveAt"] == nil || info["identity"].(map[string]any)["sourceIp"] == "" {
		t.Errorf("GET %v", info)
	}
	if r := do("POST", "/dev/@connections/"+esc, bytes.Repeat([]byte("a"), MaxMessage+1)); r.StatusCode != 413 || r.Header.Get("x-amzn-ErrorType") == "" {
		t.Errorf("413: %d", r.StatusCode)
	}
	if r := do("DELETE", "/dev/@connections/"+esc, nil); r.StatusCode != 204 {
		t.Errorf("DELETE %d", r.StatusCode)
	}
	if _, _, err := c.Read(ctx); websocket.CloseStatus(err) != websocket.StatusNormalClosure {
		t.Errorf("DELETE did not close the connection: %v", err)
	}
	waitDisconnect(t, f)
	r = do("POST", "/dev/@connections/"+esc, []byte("x"))
	b, _ := io.ReadAll(r.Body)
	if r.StatusCode != 410 || r.Header.Get("x-amzn-ErrorType") != "GoneException" {
		t.Errorf("gone: %d %s", r.StatusCode, b)
	}
}

func TestInvokeEventCarriesRequestAndResponse(t *testing.T) {
	f := newFixture(t, false, true, Options{})
	c := mustDial(t, f.url+"/dev")
	send(t, c, `{"action":"echo","n":7}`)
	f.log.mu.Lock()
	defer f.log.mu.Unlock()
	for _, e := range f.log.ev {
		if e.Kind != event.Invoke || e.RouteKey != "echo" {
			continue
		}
		var req events.APIGatewayWebsocketProxyRequest
		if err := json.Unmarshal(e.Request, &req); err != nil || req.Body != `{"action":"echo","n":7}` || req.RequestContext.RouteKey != "echo" || req.RequestContext.ConnectionID != e.ConnectionID {
			t.Errorf("request %s (%v)", e.Request, err)
		}
		var res struct {
			StatusCode int    `json:"statusCode"`
			Body       string `json:"body"`
		}
		if err := json.Unmarshal(e.Response, &res); err != nil || res.StatusCode != 200 || !strings.HasPrefix(res.Body, "echo:") {
			t.Errorf("response %s (%v)", e.Response, err)
		}
		return
	}
	t.Fatal("no invoke event for echo")
}

// TestConnectHeaderNames: the $connect handler and the authorizer get the
// client's headers under the names it wrote (token, not net/http's Token),
// Sec-WebSocket-* as API Gateway spells them; a header written twice in
// different cases is one header with both values.
func TestConnectHeaderNames(t *testing.T) {
	f := newFixture(t, false, true, Options{})
	got := make(chan map[string]string, 1)
	f.inv.mu.Lock()
	f.inv.byFn["Connect"] = func(ev events.APIGatewayWebsocketProxyRequest) ([]byte, error) {
		got <- ev.Headers
		return []byte(`{"statusCode":200}`), nil
	}
	f.inv.mu.Unlock()
	c, _, err := dial(t, f.url, http.Header{"token": {"hello"}, "x-Api-KEY": {"k"}, "X-Plain": {"p"}})
	if err != nil {
		t.Fatal(err)
	}
	defer c.CloseNow()
	h := <-got
	for k, v := range map[string]string{"token": "hello", "x-Api-KEY": "k", "X-Plain": "p", "Sec-WebSocket-Key": h["Sec-WebSocket-Key"]} {
		if h[k] != v || v == "" {
			t.Errorf("header %s = %q, want %q (headers %v)", k, h[k], v, h)
		}
	}
	for _, k := range []string{"Token", "X-Api-Key"} {
		if _, ok := h[k]; ok {
			t.Errorf("header %s in canonical form as well as written: %v", k, h)
		}
	}
}

// TestIAMConnect: a $connect route that AWS_IAM authorizes refuses, with
// 403, what carries no SigV4 signature, an incomplete one, or one for
// another service; a signed request (presigned URL or Authorization header)
// connects, and its access key is the event's identity.accessKey.
func TestIAMConnect(t *testing.T) {
	f := newFixture(t, false, true, Options{})
	a := app.App{API: f.srv.cur.Load().api}
	a.API.Routes = slices.Clone(a.API.Routes)
	a.API.Routes[0].IAM = true
	f.srv.Swap(a, f.inv)
	scope := func(service string) string {
		return url.QueryEscape("AKIDLOCAL/20261207/us-east-1/" + service + "/aws4_request")
	}
	presigned := "?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=" + scope("execute-api") + "&X-Amz-SignedHeaders=host&X-Amz-Signature=5ec"
	for _, c := range []struct {
		name, query, auth string
		status            int
		why               string
	}{
		{"unsigned", "", "", 403, "the request is not signed"},
		{"no signature", "?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=" + scope("execute-api"), "", 403, "incomplete"},
		{"another service", "?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Signature=5ec&X-Amz-Credential=" + scope("s3"), "", 403, "signed for the service s3, not execute-api"},
		{"bad scope", "", "AWS4-HMAC-SHA256 Credential=AKIDLOCAL/20261207, SignedHeaders=host, Signature=5ec", 403, "is not KEY/DATE/REGION/SERVICE/aws4_request"},
		{"presigned", presigned, "", 101, ""},
		{"header", "", "AWS4-HMAC-SHA256 Credential=AKIDLOCAL/20261207/us-east-1/execute-api/aws4_request, SignedHeaders=host;x-amz-date, Signature=5ec", 101, ""},
	} {
		hdr := http.Header{}
		if c.auth != "" {
			hdr.Set("Authorization", c.auth)
		}
		conn, resp, err := dial(t, f.url+"/dev"+c.query, hdr)
		if resp == nil || resp.StatusCode != c.status {
			t.Errorf("%s: %v %v, want %d", c.name, resp, err, c.status)
		}
		if c.why != "" && !f.log.has(event.Refused, c.why) {
			t.Errorf("%s: no refusal saying %q", c.name, c.why)
		}
		if conn != nil {
			conn.CloseNow()
		}
	}
	f.inv.mu.Lock()
	defer f.inv.mu.Unlock()
	keys := 0
	for _, ev := range f.inv.events {
		if ev.RequestContext.EventType == "CONNECT" {
			keys++
			if ev.RequestContext.Identity.AccessKey != "AKIDLOCAL" {
				t.Errorf("identity.accessKey %q, want AKIDLOCAL", ev.RequestContext.Identity.AccessKey)
			}
		}
	}
	if keys != 2 {
		t.Errorf("$connect ran %d times, want 2 (the signed requests only)", keys)
	}
}

// TestRouteWithoutIntegration: a route whose Target names no integration
// answers as a failing integration, and the log says why.
func TestRouteWithoutIntegration(t *testing.T) {
	f := newFixture(t, false, false, Options{})
	a := app.App{API: f.srv.cur.Load().api}
	a.API.Routes = append(slices.Clone(a.API.Routes), app.Route{Key: "bare", Kind: app.NoIntegration, TwoWay: true})
	f.srv.Swap(a, f.inv)
	c := mustDial(t, f.url+"/dev")
	if got := send(t, c, `{"action":"bare"}`); !strings.Contains(got, "Internal server error") {
		t.Errorf("a route without integration answered %q", got)
	}
	if !f.log.has(event.Warning, "the route has no integration") {
		t.Error("the log does not say the route has no integration")
	}
}

// TestParseResult reads handler results as API Gateway does: a body is a
// string, or null or absent for none; any other body is malformed.
func TestParseResult(t *testing.T) {
	for out, want := range map[string]struct {
		status int
		body   string
		ok     bool
	}{
		`{"statusCode":200,"body":null}`: {200, "", true},
		`{"statusCode":201}`:             {201, "", true},
		`{"body":"hi"}`:                  {200, "hi", true},
		`{"statusCode":200,"body":{}}`:   {200, "", false},
		`null`:                           {200, "", true},
		`"text"`:                         {200, `"text"`, true},
		``:                               {0, "", false},
	} {
		r, ok := parseResult([]byte(out))
		if ok != want.ok || ok && (r.StatusCode != want.status || r.Body != want.body) {
			t.Errorf("%s: %+v %v, want %+v", out, r, ok, want)
		}
	}
}
