package awslocal

import (
	"bufio"
	"context"
	"crypto/tls"
	"encoding/base64"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"sync"
	"time"
)

// dialTimeout bounds how long the proxy waits for the host a client asked
// for before it answers that the host cannot be reached.
const dialTimeout = 10 * time.Second

// proxy is the HTTP proxy through which handler processes that no hook
// reaches (Go, and other code on the OS-only runtimes) find the front: a
// CONNECT to an AWS host is tunnelled to the front's TLS listener, where the
// client's TLS handshake names the host and the front answers as it does
// for the hooks; a CONNECT to any other host is tunnelled to that host,
// through the proxy dev's own environment names for it, as the handler would
// have reached it without dev. Plain-HTTP requests go to the front's router
// or on to their host alike.
type proxy struct {
	listener  net.Listener
	server    *http.Server
	front     string       // the front's address
	router    http.Handler // the front's handler, for plain HTTP to AWS hosts
	forward   *httputil.ReverseProxy
	transport *http.Transport
	dialer    net.Dialer
	// upstream is the proxy a request to a host other than AWS's goes
	// through, or nil (http.ProxyFromEnvironment: the user's HTTPS_PROXY,
	// HTTP_PROXY and NO_PROXY, which dev's own process has).
	upstream func(*http.Request) (*url.URL, error)

	mu      sync.Mutex
	closed  bool
	tunnels map[*tunnel]struct{}
	wg      sync.WaitGroup // one per tunnel
}

// tunnel is a CONNECT's two connections, which end together.
type tunnel struct{ client, upstream net.Conn }

func (t *tunnel) close() {
	t.client.Close()
	t.upstream.Close()
}

// startProxy starts the proxy on 127.0.0.1 on a free port; upstream is the
// proxy for other hosts than AWS's (see proxy.upstream).
func startProxy(front string, router http.Handler, upstream func(*http.Request) (*url.URL, error)) (*proxy, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("listen for the handlers' proxy: %w", err)
	}
	p := &proxy{listener: ln, front: front, router: router, upstream: upstream, tunnels: map[*tunnel]struct{}{}}
	// Only dev's handler processes get the environment that names this
	// proxy; dev's own (the user's) says how other hosts are reached.
	p.transport = http.DefaultTransport.(*http.Transport).Clone()
	p.transport.Proxy = upstream
	p.transport.DialContext = p.dialer.DialContext
	p.forward = &httputil.ReverseProxy{
		// The request's absolute URL and Host are where it goes.
		Rewrite:   func(*httputil.ProxyRequest) {},
		Transport: p.transport,
		ErrorHandler: func(w http.ResponseWriter, r *http.Request, err error) {
			http.Error(w, fmt.Sprintf("wsdesign dev's proxy could not reach %s: %v", r.Host, err), http.StatusBadGateway)
		},
	}
	p.server = &http.Server{
		Handler:           p,
		ReadHeaderTimeout: 10 * time.Second,
		ErrorLog:          log.New(io.Discard, "", 0),
	}
	go p.server.Serve(ln)
	return p, nil
}

// URL is the proxy's URL, http://127.0.0.1:port.
func (p *proxy) URL() string { return "http://" + p.listener.Addr().String() }

func (p *proxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch {
	case r.Method == http.MethodConnect:
		p.tunnel(w, r)
	case r.URL.Host == "":
		http.Error(w, "wsdesign dev's proxy takes CONNECT and absolute-form requests only", http.StatusBadRequest)
	case isAWSHost(requestHost(r)):
		p.router.ServeHTTP(w, r)
	default:
		p.forward.ServeHTTP(w, r)
	}
}

// tunnel answers a CONNECT: it dials the front for an AWS host and the host
// itself for any other, then copies bytes both ways until either side ends.
func (p *proxy) tunnel(w http.ResponseWriter, r *http.Request) {
	if _, _, err := net.SplitHostPort(r.Host); err != nil {
		http.Error(w, fmt.Sprintf("CONNECT takes host:port, not %q", r.Host), http.StatusBadRequest)
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), dialTimeout)
	var upstream net.Conn
	var err error
	if isAWSHost(requestHost(r)) {
		upstream, err = p.dialer.DialContext(ctx, "tcp", p.front)
	} else {
		upstream, err = p.dialHost(ctx, r.Host)
	}
	cancel()
	if err != nil {
		http.Error(w, fmt.Sprintf("wsdesign dev's proxy could not reach %s: %v", r.Host, err), http.StatusBadGateway)
		return
	}
	client, buf, err := http.NewResponseController(w).Hijack()
	if err != nil {
		upstream.Close()
		http.Error(w, "wsdesign dev's proxy could not take over the connection: "+err.Error(), http.StatusInternalServerError)
		return
	}
	t := &tunnel{client: client, upstream: upstream}
	if !p.track(t) {
		t.close()
		return
	}
	defer p.untrack(t)
	client.SetDeadline(time.Time{})
	if _, err := io.WriteString(client, "HTTP/1.1 200 Connection established\r\n\r\n"); err != nil {
		return
	}
	// What the client sent after the CONNECT, read with it.
	if n := buf.Reader.Buffered(); n > 0 {
		pending, _ := buf.Reader.Peek(n)
		if _, err := upstream.Write(pending); err != nil {
			return
		}
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		io.Copy(upstream, client)
		t.close()
	}()
	io.Copy(client, upstream)
	t.close()
	<-done
}

// dialHost connects to hostport, a host other than AWS's: through the
// upstream proxy for it (a CONNECT, with the credentials its URL carries),
// or directly.
func (p *proxy) dialHost(ctx context.Context, hostport string) (net.Conn, error) {
	via, err := p.upstream(&http.Request{Method: http.MethodConnect, URL: &url.URL{Scheme: "https", Host: hostport}, Host: hostport})
	if err != nil || via == nil {
		if err != nil {
			return nil, fmt.Errorf("the proxy for %s: %w", hostport, err)
		}
		return p.dialer.DialContext(ctx, "tcp", hostport)
	}
	addr := via.Host
	if via.Port() == "" {
		port := "80"
		if via.Scheme == "https" {
			port = "443"
		}
		addr = net.JoinHostPort(via.Hostname(), port)
	}
	conn, err := p.dialer.DialContext(ctx, "tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("the proxy %s: %w", via.Redacted(), err)
	}
	if via.Scheme == "https" {
		conn = tls.Client(conn, &tls.Config{ServerName: via.Hostname()})
	}
	if d, ok := ctx.Deadline(); ok {
		conn.SetDeadline(d)
	}
	req := &http.Request{Method: http.MethodConnect, URL: &url.URL{Opaque: hostport}, Host: hostport, Header: http.Header{}}
	if via.User != nil {
		password, _ := via.User.Password()
		req.Header.Set("Proxy-Authorization", "Basic "+base64.StdEncoding.EncodeToString([]byte(via.User.Username()+":"+password)))
	}
	br := bufio.NewReader(conn)
	err = req.Write(conn)
	var resp *http.Response
	if err == nil {
		resp, err = http.ReadResponse(br, req)
	}
	if err == nil && resp.StatusCode != http.StatusOK {
		err = fmt.Errorf("it answered %s", resp.Status)
	}
	if err != nil {
		conn.Close()
		return nil, fmt.Errorf("the proxy %s for %s: %w", via.Redacted(), hostport, err)
	}
	conn.SetDeadline(time.Time{})
	if br.Buffered() > 0 {
		return &readFirst{Conn: conn, r: br}, nil
	}
	return conn, nil
}

// readFirst is a connection whose first bytes were read into r.
type readFirst struct {
	net.Conn
	r io.Reader
}

func (c *readFirst) Read(b []byte) (int, error) { return c.r.Read(b) }

// track registers an open tunnel, unless the proxy is closed.
func (p *proxy) track(t *tunnel) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		return false
	}
	p.tunnels[t] = struct{}{}
	p.wg.Add(1)
	return true
}

func (p *proxy) untrack(t *tunnel) {
	t.close()
	p.mu.Lock()
	delete(p.tunnels, t)
	p.mu.Unlock()
	p.wg.Done()
}

// close stops the proxy, ends its tunnels and waits for them.
func (p *proxy) close() error {
	p.mu.Lock()
	p.closed = true
	for t := range p.tunnels {
		t.close()
	}
	p.mu.Unlock()
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	err := p.server.Shutdown(ctx)
	if err != nil {
		err = p.server.Close()
	}
	p.wg.Wait()
	p.transport.CloseIdleConnections()
	return err
}
