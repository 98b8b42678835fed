package gateway

import (
	"bytes"
	"net"
	"net/http"
	"net/textproto"
	"sync"
)

// API Gateway hands a $connect handler the client's headers under the names
// the client wrote (an authorizer reading event.headers.token finds the
// `token: …` that wscat -H sent), while net/http gives them in canonical
// form (Token). Listener records each connection's first request head as it
// is read, so that the upgrade can name the headers as they were sent.

// maxHead bounds what is kept of a request head: net/http refuses longer
// ones itself (its DefaultMaxHeaderBytes).
const maxHead = http.DefaultMaxHeaderBytes + 4096

// Listener returns ln with the header names of each connection's first
// request kept for the upgrade; serve the server on it.
func (s *Server) Listener(ln net.Listener) net.Listener {
	return &namingListener{Listener: ln, s: s}
}

type namingListener struct {
	net.Listener
	s *Server
}

func (l *namingListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	nc := &namingConn{Conn: c, s: l.s, addr: c.RemoteAddr().String()}
	l.s.heads.Store(nc.addr, nc)
	return nc, nil
}

// namingConn keeps the bytes read until the first request's head ends.
type namingConn struct {
	net.Conn
	s    *Server
	addr string
	mu   sync.Mutex
	head []byte
	done bool
	// taken is set once a request took the names: later requests on the
	// connection are not the one they were read from.
	taken bool
}

func (c *namingConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	c.mu.Lock()
	if !c.done {
		c.head = append(c.head, p[:n]...)
		if i := bytes.Index(c.head, []byte("\r\n\r\n")); i >= 0 {
			c.head, c.done = c.head[:i], true
		} else if len(c.head) > maxHead {
			c.head, c.done = nil, true
		}
	}
	c.mu.Unlock()
	return n, err
}

func (c *namingConn) Close() error {
	c.s.heads.CompareAndDelete(c.addr, c)
	return c.Conn.Close()
}

// headerNames maps the canonical names of r's headers to the names its
// client wrote, when r is the first request of a connection served through
// Listener; nil otherwise.
func (s *Server) headerNames(r *http.Request) map[string]string {
	v, ok := s.heads.Load(r.RemoteAddr)
	if !ok {
		return nil
	}
	c := v.(*namingConn)
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.done || c.taken {
		return nil
	}
	c.taken = true
	names := map[string]string{}
	lines := bytes.Split(c.head, []byte("\r\n"))
	for _, l := range lines[min(1, len(lines)):] {
		name, _, ok := bytes.Cut(l, []byte(":"))
		if !ok || len(name) == 0 {
			continue
		}
		k := textproto.CanonicalMIMEHeaderKey(string(name))
		if _, seen := names[k]; !seen {
			names[k] = string(name)
		}
	}
	return names
}
