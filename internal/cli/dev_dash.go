package cli

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"sync"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/coder/websocket"

	"github.com/wsdesign/wsdesign/dev/dash"
	"github.com/wsdesign/wsdesign/dev/event"
	"github.com/wsdesign/wsdesign/dev/gateway"
	"github.com/wsdesign/wsdesign/internal/fileio"
)

// dashSink hands the server's events to the dashboard.
type dashSink struct{ p *tea.Program }

func (s dashSink) Emit(e event.Event) { s.p.Send(dash.EventMsg{Event: e}) }

// dashControl does what the dashboard asks: the built-in client's
// connections, DELETE @connections, and saved events. Its answers go back
// to the dashboard as messages.
type dashControl struct {
	addr string // host:port the API is served on
	dir  string // where events are saved
	send func(tea.Msg)

	mu    sync.Mutex
	conns map[int]*websocket.Conn
}

func newDashControl(addr, dir string) *dashControl {
	return &dashControl{addr: addr, dir: dir, conns: map[int]*websocket.Conn{}}
}

func (c *dashControl) Dial(cl dash.Client) {
	go func() {
		u := url.URL{Scheme: "ws", Host: c.addr, Path: "/" + cl.Stage}
		q := url.Values{}
		for k, v := range cl.Query {
			q.Set(k, v)
		}
		u.RawQuery = q.Encode()
		hdr := http.Header{}
		for k, v := range cl.Header {
			hdr.Set(k, v)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 35*time.Second)
		defer cancel()
		ws, resp, err := websocket.Dial(ctx, u.String(), &websocket.DialOptions{HTTPHeader: hdr})
		if err != nil {
			code := 0
			if resp != nil {
				code = resp.StatusCode
				err = fmt.Errorf("HTTP %d %s", code, http.StatusText(code))
			}
			c.send(dash.ClientClosed{ID: cl.ID, Code: code, Err: err})
			return
		}
		ws.SetReadLimit(gateway.MaxMessage + 1)
		c.mu.Lock()
		c.conns[cl.ID] = ws
		c.mu.Unlock()
		c.send(dash.ClientOpened{ID: cl.ID})
		c.read(cl.ID, ws)
	}()
}

// read passes on what a client connection receives until it closes.
func (c *dashControl) read(id int, ws *websocket.Conn) {
	defer func() {
		c.mu.Lock()
		delete(c.conns, id)
		c.mu.Unlock()
	}()
	for {
		_, b, err := ws.Read(context.Background())
		if err != nil {
			var ce websocket.CloseError
			if errors.As(err, &ce) {
				c.send(dash.ClientClosed{ID: id, Code: int(ce.Code), Reason: ce.Reason})
			} else {
				c.send(dash.ClientClosed{ID: id, Code: int(websocket.StatusAbnormalClosure), Reason: "connection lost"})
			}
			return
		}
		c.send(dash.ClientReceived{ID: id, Text: string(b)})
	}
}

func (c *dashControl) conn(id int) *websocket.Conn {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.conns[id]
}

func (c *dashControl) Send(id int, text string) {
	ws := c.conn(id)
	if ws == nil {
		return
	}
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := ws.Write(ctx, websocket.MessageText, []byte(text)); err != nil {
			c.send(dash.ClientClosed{ID: id, Err: err})
		}
	}()
}

func (c *dashControl) CloseClient(id int) {
	if ws := c.conn(id); ws != nil {
		go ws.Close(websocket.StatusNormalClosure, "")
	}
}

func (c *dashControl) Disconnect(connectionID string) {
	go func() {
		req, err := http.NewRequest(http.MethodDelete, "http://"+c.addr+"/@connections/"+url.PathEscape(connectionID), nil)
		if err != nil {
			return
		}
		if resp, err := http.DefaultClient.Do(req); err == nil {
			resp.Body.Close()
		}
	}()
}

// Save writes the event beside the template under the first free number:
// event-sendmessage-1.json, then -2.
func (c *dashControl) Save(name string, data []byte) {
	go func() {
		base := strings.TrimSuffix(name, ".json")
		var path string
		err := fs.ErrExist
		for n := 1; errors.Is(err, fs.ErrExist) && n < 1000; n++ {
			path = filepath.Join(c.dir, fmt.Sprintf("%s-%d.json", base, n))
			err = fileio.CreateFile(path, data, 0o644)
		}
		c.send(dash.Saved{Path: path, Err: err})
	}()
}

// closeAll closes the built-in client's connections.
func (c *dashControl) closeAll() {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, ws := range c.conns {
		ws.CloseNow()
	}
}
