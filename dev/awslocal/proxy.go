package awslocal

import (
	"context"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httputil"
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
// for the hooks; a CONNECT to any other host is tunnelled to that host.
// Plain-HTTP requests go to the front's router or on to their host alike.
type proxy struct {
	listener  net.Listener
	server    *http.Server
	front     string       // the front's address
	router    http.Handler // the front's handler, for plain HTTP to AWS hosts
	forward   *httputil.ReverseProxy
	transport *http.Transport
	dialer    net.Dialer

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

// startProxy starts the proxy on 127.0.0.1 on a free port.
func startProxy(front string, router http.Handler) (*proxy, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("listen for the handlers' proxy: %w", err)
	}
	p := &proxy{listener: ln, front: front, router: router, tunnels: map[*tunnel]struct{}{}}
	// The proxy goes straight to the hosts handlers name: the environment
	// that points handlers here must not point the proxy at itself.
	p.transport = http.DefaultTransport.(*http.Transport).Clone()
	p.transport.Proxy = nil
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
	addr := r.Host
	if isAWSHost(requestHost(r)) {
		addr = p.front
	}
	ctx, cancel := context.WithTimeout(r.Context(), dialTimeout)
	upstream, err := p.dialer.DialContext(ctx, "tcp", addr)
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
