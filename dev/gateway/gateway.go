package gateway

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"path"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/coder/websocket"

	"github.com/wsdesign/wsdesign/dev/app"
	"github.com/wsdesign/wsdesign/dev/event"
	"github.com/wsdesign/wsdesign/model"
)

// Invoker runs a function with an event; an error means the invocation failed
// (the handler threw, timed out or could not start).
type Invoker interface {
	Invoke(ctx context.Context, function string, event []byte) ([]byte, error)
}

// API Gateway's limits.
const (
	MaxMessage     = 128 * 1024
	MaxIntegration = 29 * time.Second
	defaultTimeout = 3 * time.Second
)

// Options tune the server.
type Options struct {
	IdleTimeout    time.Duration // default 10 minutes
	MaxLifetime    time.Duration // default 2 hours
	AllowedOrigins []string      // host patterns beyond the local ones
	Region         string        // of the API's host name in events; default us-east-1
}

// Server serves one API.
type Server struct {
	cur  atomic.Pointer[served]
	sink event.Sink
	opt  Options

	mu    sync.Mutex
	conns map[string]*conn
	wg    sync.WaitGroup

	// heads holds, by remote address, the connections Listener accepted,
	// with the head of their first request.
	heads sync.Map
}

type conn struct {
	id string
	// ready is closed once the upgrade is done: ws is then the connection,
	// or nil when the upgrade failed.
	ready       chan struct{}
	ws          *websocket.Conn
	stage       string
	connectedAt time.Time
	identity    events.APIGatewayRequestIdentity
	authorizer  map[string]any
	mu          sync.Mutex
	lastActive  time.Time
	closeOnce   sync.Once
	closeCode   int
	closeReason string
	frames      *frames
}

// New builds a server.
func New(a app.App, inv Invoker, sink event.Sink, opt Options) *Server {
	if opt.IdleTimeout == 0 {
		opt.IdleTimeout = 10 * time.Minute
	}
	if opt.MaxLifetime == 0 {
		opt.MaxLifetime = 2 * time.Hour
	}
	s := &Server{sink: sink, opt: opt, conns: map[string]*conn{}}
	s.cur.Store(newServed(a, inv))
	return s
}

// served is the app a server serves and what runs its functions; Swap
// replaces it whole.
type served struct {
	api     app.API
	fns     map[string]app.Function
	invoker Invoker
}

func newServed(a app.App, inv Invoker) *served {
	fns := map[string]app.Function{}
	for _, f := range a.Functions {
		fns[f.LogicalID] = f
	}
	return &served{api: a.API, fns: fns, invoker: inv}
}

// Swap serves a, its functions run by inv, from the next upgrade, message
// or @connections call on. Open connections stay when their stage still
// exists, as they would through a redeployment of the API; the others are
// closed with 1001 (going away).
func (s *Server) Swap(a app.App, inv Invoker) {
	s.cur.Store(newServed(a, inv))
	s.mu.Lock()
	var gone []*conn
	for _, c := range s.conns {
		if !s.hasStage(c.stage) {
			gone = append(gone, c)
		}
	}
	s.mu.Unlock()
	for _, c := range gone {
		s.closeConn(c, int(websocket.StatusGoingAway), "the stage is no longer in the template")
	}
}

func (s *Server) emit(e event.Event) {
	e.Time = time.Now()
	s.sink.Emit(e)
}

func newID(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return base64.StdEncoding.EncodeToString(b)
}

// ServeHTTP routes upgrades and @connections calls.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	path := r.URL.EscapedPath()
	if i := strings.Index(path, "/@connections/"); i >= 0 {
		stage := strings.Trim(path[:i], "/")
		if stage != "" && !s.hasStage(stage) {
			http.NotFound(w, r)
			return
		}
		id, err := url.PathUnescape(path[i+len("/@connections/"):])
		if err != nil {
			awsError(w, http.StatusBadRequest, "BadRequestException", "invalid connection id")
			return
		}
		s.connections(w, r, id)
		return
	}
	stage := strings.Trim(path, "/")
	if stage == "" && len(s.cur.Load().api.Stages) > 0 {
		stage = s.cur.Load().api.Stages[0]
	} else if stage != "" && !s.hasStage(stage) {
		http.NotFound(w, r)
		return
	}
	s.upgrade(w, r, stage)
}

func (s *Server) hasStage(st string) bool {
	for _, x := range s.cur.Load().api.Stages {
		if x == st {
			return true
		}
	}
	return false
}

func (s *Server) route(key string) (app.Route, bool) {
	for _, r := range s.cur.Load().api.Routes {
		if r.Key == key {
			return r, true
		}
	}
	return app.Route{}, false
}

// domain is the API's host name, as API Gateway gives it in events
// ({apiId}.execute-api.{region}.amazonaws.com): a handler that builds the
// @connections endpoint from it reaches dev through the handlers' redirect of
// AWS host names.
func (s *Server) domain() string {
	region := s.opt.Region
	if region == "" {
		region = "us-east-1"
	}
	return s.cur.Load().api.ID + ".execute-api." + region + ".amazonaws.com"
}

func (s *Server) context(c *conn, routeKey, eventType string) events.APIGatewayWebsocketProxyRequestContext {
	now := time.Now()
	return events.APIGatewayWebsocketProxyRequestContext{
		RouteKey:          routeKey,
		EventType:         eventType,
		ConnectionID:      c.id,
		ConnectedAt:       c.connectedAt.UnixMilli(),
		DomainName:        s.domain(),
		Stage:             c.stage,
		APIID:             s.cur.Load().api.ID,
		RequestID:         newID(12),
		ExtendedRequestID: newID(12),
		MessageDirection:  "IN",
		RequestTime:       now.UTC().Format("02/Jan/2006:15:04:05 -0700"),
		RequestTimeEpoch:  now.UnixMilli(),
		Identity:          c.identity,
		Authorizer:        c.authorizer,
	}
}

// result is what a handler returned, as API Gateway reads it.
type result struct {
	StatusCode int
	Body       string
	// Headers are the response's headers: those of a $connect answer reach
	// the client's upgrade (Sec-WebSocket-Protocol, to agree on a
	// subprotocol).
	Headers map[string]string
}

func (s *Server) timeout(r app.Route) time.Duration {
	d := defaultTimeout
	if f, ok := s.cur.Load().fns[r.Function]; ok && f.TimeoutSec > 0 {
		d = time.Duration(f.TimeoutSec) * time.Second
	}
	if r.TimeoutMillis > 0 {
		if t := time.Duration(r.TimeoutMillis) * time.Millisecond; t < d {
			d = t
		}
	}
	return min(d, MaxIntegration)
}

// call runs a route's integration; ok is false when it failed.
func (s *Server) call(ctx context.Context, c *conn, r app.Route, ev any, reqID string) (res result, ok bool) {
	if why := r.Unserved(); why != "" {
		s.emit(event.Event{Kind: event.Warning, ConnectionID: c.id, RouteKey: r.Key, Text: why})
		return result{}, false
	}
	if r.Kind == app.Mock {
		return result{StatusCode: r.MockStatus}, true
	}
	body, _ := json.Marshal(ev)
	timeout := s.timeout(r)
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	start := time.Now()
	out, err := s.cur.Load().invoker.Invoke(ctx, r.Function, body)
	e := event.Event{Kind: event.Invoke, ConnectionID: c.id, RequestID: reqID, RouteKey: r.Key, Function: r.Function, Duration: time.Since(start), Request: body}
	if json.Valid(out) {
		e.Response = out
	}
	if err == nil && ctx.Err() != nil {
		err = ctx.Err()
	}
	if err != nil {
		e.Text = err.Error()
		if errors.Is(ctx.Err(), context.DeadlineExceeded) {
			e.Text = fmt.Sprintf("%s: task timed out after %s", r.Function, timeout)
		}
		s.emit(e)
		return result{}, false
	}
	res, ok = parseResult(out)
	e.Status, e.Body = res.StatusCode, res.Body
	if !ok {
		e.Text = "the handler returned something API Gateway cannot use"
	}
	s.emit(e)
	return res, ok
}

func parseResult(out []byte) (result, bool) {
	var v any
	if len(out) == 0 || json.Unmarshal(out, &v) != nil {
		return result{}, false
	}
	switch v := v.(type) {
	case nil:
		return result{StatusCode: 200}, true
	case map[string]any:
		var r result
		if sc, ok := v["statusCode"].(float64); ok {
			r.StatusCode = int(sc)
		} else {
			r.StatusCode = 200
		}
		// A null body (Python's None) is no body, as a missing one is.
		if b, ok := v["body"]; ok && b != nil {
			bs, isStr := b.(string)
			if !isStr {
				return r, false
			}
			r.Body = bs
		}
		if h, ok := v["headers"].(map[string]any); ok {
			r.Headers = map[string]string{}
			for k, v := range h {
				if s, ok := v.(string); ok {
					r.Headers[k] = s
				}
			}
		}
		return r, true
	}
	return result{StatusCode: 200, Body: string(out)}, true
}

func (s *Server) upgrade(w http.ResponseWriter, r *http.Request, stage string) {
	host, _, _ := net.SplitHostPort(r.RemoteAddr)
	c := &conn{id: newID(10), stage: stage, connectedAt: time.Now(), identity: events.APIGatewayRequestIdentity{SourceIP: host, UserAgent: r.UserAgent()}}
	c.lastActive = c.connectedAt
	if !s.originAllowed(r) {
		s.emit(event.Event{Kind: event.Refused, ConnectionID: c.id, Status: 403, Why: "origin " + r.Header.Get("Origin") + " is not local; allow it with --allow-origin"})
		http.Error(w, "Forbidden", http.StatusForbidden)
		return
	}
	if rt, ok := s.route("$connect"); ok && rt.IAM {
		key, refused := sigV4(r)
		if refused != "" {
			s.emit(event.Event{Kind: event.Refused, ConnectionID: c.id, Status: 403, Why: "AWS_IAM: " + refused})
			http.Error(w, "Forbidden", http.StatusForbidden)
			return
		}
		c.identity.AccessKey = key
	}
	ctx := s.context(c, "$connect", "CONNECT")
	hdr := connectHeaders(r, s.headerNames(r))
	ev := events.APIGatewayWebsocketProxyRequest{
		Headers:               map[string]string{},
		MultiValueHeaders:     hdr,
		QueryStringParameters: map[string]string{},
		RequestContext:        ctx,
		IsBase64Encoded:       false,
	}
	mvq := map[string][]string{}
	for k, v := range r.URL.Query() {
		ev.QueryStringParameters[k] = v[len(v)-1]
		mvq[k] = v
	}
	if len(mvq) > 0 {
		ev.MultiValueQueryStringParameters = mvq
	}
	for k, v := range hdr {
		ev.Headers[k] = strings.Join(v, ",")
	}
	if a := s.cur.Load().api.ConnectAuthorizer; a != nil {
		status, why, auth := s.authorize(r, a, ev)
		if status != 0 {
			s.emit(event.Event{Kind: event.Refused, ConnectionID: c.id, Status: status, Why: why})
			http.Error(w, http.StatusText(status), status)
			return
		}
		c.authorizer = auth
		ev.RequestContext.Authorizer = auth
	}
	var accept websocket.AcceptOptions
	if rt, ok := s.route("$connect"); ok {
		res, ok := s.call(r.Context(), c, rt, ev, ctx.RequestID)
		if !ok {
			s.emit(event.Event{Kind: event.Refused, ConnectionID: c.id, Status: 500, Why: "$connect integration failed"})
			http.Error(w, "Internal server error", http.StatusInternalServerError)
			return
		}
		if res.StatusCode < 200 || res.StatusCode > 299 {
			s.emit(event.Event{Kind: event.Refused, ConnectionID: c.id, Status: res.StatusCode, Why: "$connect returned " + fmt.Sprint(res.StatusCode)})
			http.Error(w, http.StatusText(res.StatusCode), res.StatusCode)
			return
		}
		// As API Gateway, the upgrade agrees on the subprotocol the
		// $connect answer names, and on none otherwise.
		for k, v := range res.Headers {
			if strings.EqualFold(k, "Sec-WebSocket-Protocol") {
				accept.Subprotocols = []string{strings.TrimSpace(v)}
			}
		}
	}
	if asked := r.Header.Get("Sec-WebSocket-Protocol"); asked != "" && accept.Subprotocols == nil {
		s.emit(event.Event{Kind: event.Warning, ConnectionID: c.id, RouteKey: "$connect",
			Text: "the client asked for the subprotocol " + asked + ", and no $connect answer's Sec-WebSocket-Protocol header names one: as in API Gateway, the upgrade names none, which browsers refuse"})
	}
	accept.OriginPatterns = s.originPatterns()
	c.frames = newFrames()
	// The connection is known before the client gets its 101, so that an
	// @connections call made as soon as it has it finds the connection.
	c.ready = make(chan struct{})
	s.mu.Lock()
	s.conns[c.id] = c
	s.mu.Unlock()
	ws, err := websocket.Accept(&watchFrames{w, c.frames}, r, &accept)
	if err != nil {
		s.mu.Lock()
		delete(s.conns, c.id)
		s.mu.Unlock()
		close(c.ready)
		return
	}
	ws.SetReadLimit(MaxMessage)
	c.ws = ws
	s.wg.Add(1)
	close(c.ready)
	s.emit(event.Event{Kind: event.Connect, ConnectionID: c.id, Text: r.URL.String()})
	s.serve(c)
}

// connectHeaders are the headers a $connect event carries: the client's,
// named as the client wrote them (names, the canonical name to the written
// one, when Listener kept them), with Host (which net/http keeps apart), the
// X-Forwarded-* and X-Amzn-Trace-Id headers API Gateway adds, and the
// Sec-WebSocket-* names spelled as API Gateway passes them.
func connectHeaders(r *http.Request, names map[string]string) map[string][]string {
	hdr := map[string][]string{}
	for k, v := range r.Header {
		if rest, ok := strings.CutPrefix(k, "Sec-Websocket-"); ok {
			k = "Sec-WebSocket-" + rest
		} else if written, ok := names[k]; ok {
			k = written
		}
		hdr[k] = append(hdr[k], v...)
	}
	host, _, _ := net.SplitHostPort(r.RemoteAddr)
	_, localPort, _ := net.SplitHostPort(r.Host)
	proto := "http"
	if r.TLS != nil {
		proto = "https"
	}
	trace := make([]byte, 12)
	rand.Read(trace)
	for k, v := range map[string]string{"Host": r.Host, "X-Forwarded-For": host, "X-Forwarded-Port": localPort, "X-Forwarded-Proto": proto,
		"X-Amzn-Trace-Id": fmt.Sprintf("Root=1-%08x-%x", time.Now().Unix(), trace)} {
		if _, given := hdr[k]; !given || k == "Host" {
			hdr[k] = []string{v}
		}
	}
	return hdr
}

// originAllowed allows non-browser clients, local origins and those the user named.
func (s *Server) originAllowed(r *http.Request) bool {
	o := r.Header.Get("Origin")
	if o == "" {
		return true
	}
	u, err := url.Parse(o)
	if err != nil {
		return false
	}
	if strings.EqualFold(u.Host, r.Host) {
		return true
	}
	for _, p := range s.originPatterns() {
		if ok, _ := path.Match(p, strings.ToLower(u.Host)); ok {
			return true
		}
	}
	return false
}

// originPatterns are the hosts, as coder/websocket matches them, whose pages may connect.
func (s *Server) originPatterns() []string {
	return append([]string{"localhost", "localhost:*", "127.0.0.1", "127.0.0.1:*", "[::1]", "[::1]:*"}, s.opt.AllowedOrigins...)
}

func (s *Server) serve(c *conn) {
	defer s.wg.Done()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	idle := time.AfterFunc(s.opt.IdleTimeout, func() { s.closeConn(c, 1001, "Going away") })
	life := time.AfterFunc(s.opt.MaxLifetime, func() { s.closeConn(c, 1001, "Going away") })
	defer idle.Stop()
	defer life.Stop()
	code, reason := 1006, ""
	for i := int64(0); ; i++ {
		typ, data, err := c.ws.Read(ctx)
		if err != nil {
			c.mu.Lock()
			closed, cc, cr := c.closeCode != 0, c.closeCode, c.closeReason
			c.mu.Unlock()
			switch st := websocket.CloseStatus(err); {
			case closed:
				code, reason = cc, cr
			case st != -1:
				code, reason = int(st), ""
			case strings.Contains(err.Error(), "read limited"):
				code, reason = 1009, "Message too big"
			}
			break
		}
		idle.Reset(s.opt.IdleTimeout)
		c.mu.Lock()
		c.lastActive = time.Now()
		c.mu.Unlock()
		if c.frames.tooBig(i) {
			s.closeConn(c, 1009, "Message too big")
			continue
		}
		if typ == websocket.MessageBinary {
			s.closeConn(c, 1003, "Binary frames are not supported")
			continue
		}
		s.wg.Add(1)
		go func() {
			defer s.wg.Done()
			// As in AWS, an invocation runs to its end (or its timeout) when the
			// client goes away meanwhile.
			s.message(context.WithoutCancel(ctx), c, data)
		}()
	}
	s.mu.Lock()
	delete(s.conns, c.id)
	s.mu.Unlock()
	s.disconnect(c, code, reason)
}

func (s *Server) frame(c *conn, message, reqID string) {
	b, _ := json.Marshal(map[string]string{"message": message, "connectionId": c.id, "requestId": reqID})
	c.ws.Write(context.Background(), websocket.MessageText, b)
}

func (s *Server) message(ctx context.Context, c *conn, data []byte) {
	keys := make([]string, 0, len(s.cur.Load().api.Routes))
	for _, r := range s.cur.Load().api.Routes {
		if r.Key != "$connect" && r.Key != "$disconnect" {
			keys = append(keys, r.Key)
		}
	}
	rc := s.context(c, "", "MESSAGE")
	rc.MessageID = newID(8)
	s.emit(event.Event{Kind: event.Message, ConnectionID: c.id, RequestID: rc.RequestID, Body: string(data)})
	selector := strings.TrimPrefix(s.cur.Load().api.SelectionExpr, "$request.body.")
	sel := model.Select(selector, keys, data)
	if sel.Rejected {
		s.emit(event.Event{Kind: event.Route, ConnectionID: c.id, RequestID: rc.RequestID, Why: "Forbidden: " + sel.Explain(selector)})
		s.frame(c, "Forbidden", rc.RequestID)
		return
	}
	rt, _ := s.route(sel.Route)
	s.emit(event.Event{Kind: event.Route, ConnectionID: c.id, RequestID: rc.RequestID, RouteKey: rt.Key, Why: sel.Explain(selector)})
	rc.RouteKey = rt.Key
	ev := events.APIGatewayWebsocketProxyRequest{RequestContext: rc, Body: string(data)}
	res, ok := s.call(ctx, c, rt, ev, rc.RequestID)
	if !ok {
		s.frame(c, "Internal server error", rc.RequestID)
		return
	}
	if res.Body == "" {
		return
	}
	if !rt.TwoWay {
		s.emit(event.Event{Kind: event.Warning, ConnectionID: c.id, RouteKey: rt.Key, Function: rt.Function, Text: "a 1-way route returned a body; API Gateway drops it (add a route response)"})
		return
	}
	c.ws.Write(ctx, websocket.MessageText, []byte(res.Body))
	s.emit(event.Event{Kind: event.Reply, ConnectionID: c.id, RequestID: rc.RequestID, RouteKey: rt.Key, Body: res.Body})
}

func (s *Server) disconnect(c *conn, code int, reason string) {
	s.emit(event.Event{Kind: event.Disconnect, ConnectionID: c.id, Status: code, Why: reason})
	rt, ok := s.route("$disconnect")
	if !ok {
		return
	}
	rc := s.context(c, "$disconnect", "DISCONNECT")
	rc.DisconnectStatusCode = int64(code)
	rc.DisconnectReason = &reason
	// API Gateway's $disconnect carries these headers (aws-lambda-go's captured event).
	hdr := map[string]string{"Host": s.domain(), "x-api-key": "", "X-Forwarded-For": "", "x-restapi": ""}
	mv := map[string][]string{}
	for k, v := range hdr {
		mv[k] = []string{v}
	}
	ev := events.APIGatewayWebsocketProxyRequest{Headers: hdr, MultiValueHeaders: mv, RequestContext: rc}
	s.call(context.Background(), c, rt, ev, rc.RequestID)
}

// Close closes every connection, running $disconnect for each.
func (s *Server) Close() {
	s.mu.Lock()
	cs := make([]*conn, 0, len(s.conns))
	for _, c := range s.conns {
		cs = append(cs, c)
	}
	s.mu.Unlock()
	for _, c := range cs {
		s.closeConn(c, 1001, "Going away")
	}
	s.wg.Wait()
}

func (s *Server) closeConn(c *conn, code int, reason string) {
	if <-c.ready; c.ws == nil {
		return
	}
	c.closeOnce.Do(func() {
		c.mu.Lock()
		c.closeCode, c.closeReason = code, reason
		c.mu.Unlock()
		go c.ws.Close(websocket.StatusCode(code), reason)
	})
}

func awsError(w http.ResponseWriter, status int, typ, msg string) {
	w.Header().Set("x-amzn-ErrorType", typ)
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(map[string]string{"message": msg})
}

func (s *Server) connections(w http.ResponseWriter, r *http.Request, id string) {
	s.mu.Lock()
	c := s.conns[id]
	s.mu.Unlock()
	if c != nil {
		<-c.ready
	}
	if c == nil || c.ws == nil {
		awsError(w, http.StatusGone, "GoneException", "")
		return
	}
	switch r.Method {
	case http.MethodPost:
		body, err := io.ReadAll(io.LimitReader(r.Body, MaxMessage+1))
		if err != nil {
			awsError(w, http.StatusBadRequest, "BadRequestException", err.Error())
			return
		}
		if len(body) > MaxMessage {
			awsError(w, http.StatusRequestEntityTooLarge, "PayloadTooLargeException", "Request Entity Too Large")
			return
		}
		if err := c.ws.Write(r.Context(), websocket.MessageText, body); err != nil {
			awsError(w, http.StatusGone, "GoneException", "")
			return
		}
		s.emit(event.Event{Kind: event.Push, ConnectionID: id, Body: string(body)})
		w.WriteHeader(http.StatusOK)
	case http.MethodGet:
		c.mu.Lock()
		last := c.lastActive
		c.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(map[string]any{
			"connectedAt":  c.connectedAt.UTC().Format(time.RFC3339Nano),
			"identity":     map[string]string{"sourceIp": c.identity.SourceIP, "userAgent": c.identity.UserAgent},
			"lastActiveAt": last.UTC().Format(time.RFC3339Nano),
		})
	case http.MethodDelete:
		s.closeConn(c, 1000, "")
		w.WriteHeader(http.StatusNoContent)
	default:
		awsError(w, http.StatusMethodNotAllowed, "MethodNotAllowedException", "")
	}
}
