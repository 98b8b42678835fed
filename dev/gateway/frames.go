package gateway

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"io"
	"net"
	"net/http"
	"sync/atomic"
)

// MaxFrame is API Gateway's limit on one WebSocket frame; a message of up to
// MaxMessage reaches it split into frames.
const MaxFrame = 32 * 1024

// frames watches the frames a client sends as they pass on their way to
// coder/websocket, which reads whole messages and does not show frames. It
// notes the message that holds the first data frame over MaxFrame.
type frames struct {
	net.Conn
	r    io.Reader
	hdr  []byte // the current frame's header, as far as it has arrived
	skip uint64 // payload bytes of the current frame still to pass
	done int64  // data messages whose last frame has passed
	// over is the index of the message with a frame over MaxFrame, -1 while
	// there is none.
	over atomic.Int64
}

// watchFrames wraps a ResponseWriter so that the connection it hijacks for
// the WebSocket is read through a frames.
type watchFrames struct {
	http.ResponseWriter
	f *frames
}

func (w *watchFrames) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	hj, ok := w.ResponseWriter.(http.Hijacker)
	if !ok {
		return nil, nil, http.ErrNotSupported
	}
	nc, brw, err := hj.Hijack()
	if err != nil {
		return nil, nil, err
	}
	// Bytes the HTTP server has read past the request belong to frames too.
	buffered, _ := brw.Reader.Peek(brw.Reader.Buffered())
	w.f.Conn = nc
	w.f.r = io.MultiReader(bytes.NewReader(bytes.Clone(buffered)), nc)
	return w.f, bufio.NewReadWriter(bufio.NewReader(w.f), brw.Writer), nil
}

func newFrames() *frames {
	f := &frames{}
	f.over.Store(-1)
	return f
}

func (f *frames) Read(p []byte) (int, error) {
	n, err := f.r.Read(p)
	f.scan(p[:n])
	return n, err
}

// tooBig reports whether the message of index i (counting data messages from
// 0) or one before it had a frame over MaxFrame.
func (f *frames) tooBig(i int64) bool {
	over := f.over.Load()
	return over >= 0 && i >= over
}

func (f *frames) scan(b []byte) {
	for len(b) > 0 {
		if f.skip > 0 {
			k := min(f.skip, uint64(len(b)))
			f.skip -= k
			b = b[k:]
			continue
		}
		f.hdr = append(f.hdr, b[0])
		b = b[1:]
		if len(f.hdr) < headerLen(f.hdr) {
			continue
		}
		size := payloadLen(f.hdr)
		if opcode := f.hdr[0] & 0x0f; opcode < 8 { // a data frame, not a control frame
			if size > MaxFrame && f.over.Load() < 0 {
				f.over.Store(f.done)
			}
			if f.hdr[0]&0x80 != 0 { // FIN
				f.done++
			}
		}
		f.skip, f.hdr = size, f.hdr[:0]
	}
}

// headerLen is the length of a frame header (RFC 6455 §5.2) given its first
// bytes; 2 until the second byte has arrived.
func headerLen(h []byte) int {
	if len(h) < 2 {
		return 2
	}
	n := 2
	switch h[1] & 0x7f {
	case 126:
		n += 2
	case 127:
		n += 8
	}
	if h[1]&0x80 != 0 { // masked, as every client frame is
		n += 4
	}
	return n
}

func payloadLen(h []byte) uint64 {
	switch n := h[1] & 0x7f; n {
	case 126:
		return uint64(binary.BigEndian.Uint16(h[2:4]))
	case 127:
		return binary.BigEndian.Uint64(h[2:10])
	default:
		return uint64(n)
	}
}
