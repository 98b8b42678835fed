package cli

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/coder/websocket"
)

// startSignal is an output that closes listening when dev's log says it
// listens, and tables when it says a table was created.
type startSignal struct {
	mu                sync.Mutex
	buf               bytes.Buffer
	listening, tables chan struct{}
}

func newStartSignal() *startSignal {
	return &startSignal{listening: make(chan struct{}), tables: make(chan struct{})}
}

func (w *startSignal) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.buf.Write(p)
	for pattern, c := range map[string]*chan struct{}{`"kind":"listening"`: &w.listening, `"kind":"table","text":"created `: &w.tables} {
		if *c != nil && bytes.Contains(w.buf.Bytes(), []byte(pattern)) {
			close(*c)
			*c = nil
		}
	}
	return len(p), nil
}

// BenchmarkDevStart measures wsdesign dev from the command's start to its
// "listening" event, before any handler runs (handlers' processes start on
// their first invocation): reading and importing the template, resolving
// it for local use, starting the function pool and the watcher, and
// listening. On bench/'s chat design, and on AWS's chat sample, whose table
// is created meanwhile in the local DynamoDB (a Node.js process): the time
// until it is, from the same start, is reported as tables-ms.
func BenchmarkDevStart(b *testing.B) {
	chat := b.TempDir()
	if err := os.CopyFS(chat, os.DirFS(filepath.Join("..", "..", "..", "shared", "apps", "simple-websockets-chat-app"))); err != nil {
		b.Fatal(err)
	}
	for _, c := range []struct {
		name, path string
		flags      []string
		tables     bool
	}{
		{"bench-chat", filepath.Join("..", "..", "bench", "template.yaml"), []string{"--parameter-overrides", "ConnectionsFile=" + filepath.Join(b.TempDir(), "c")}, false},
		{"aws-chat-sample-with-table", filepath.Join(chat, "template.yaml"), nil, true},
	} {
		b.Run(c.name, func(b *testing.B) {
			if c.tables {
				needTool(b, "node", "node", "--version")
			}
			var tables time.Duration
			for b.Loop() {
				out := newStartSignal()
				listening, created := out.listening, out.tables
				cmd := newRoot(BuildInfo{})
				cmd.SetArgs(append([]string{"dev", c.path, "--port", "0", "--log", "json"}, c.flags...))
				cmd.SetOut(out)
				ctx, cancel := context.WithCancel(context.Background())
				done := make(chan error, 1)
				start := time.Now()
				go func() { done <- cmd.ExecuteContext(ctx) }()
				stopped := func(err error) {
					cancel()
					b.Fatalf("dev stopped before its start was over: %v\n%s", err, out.buf.String())
				}
				select {
				case <-listening:
				case err := <-done:
					stopped(err)
				}
				b.StopTimer()
				if c.tables {
					select {
					case <-created:
						tables += time.Since(start)
					case err := <-done:
						stopped(err)
					}
				}
				cancel()
				if err := <-done; err != nil {
					b.Fatal(err)
				}
				b.StartTimer()
			}
			if c.tables {
				b.ReportMetric(float64(tables.Microseconds())/1000/float64(b.N), "tables-ms")
			}
		})
	}
}

// BenchmarkDevChatSampleBroadcast100 measures AWS's chat sample, as
// published, under wsdesign dev with 100 clients connected: one sends
// {"action":"sendmessage"}, timed until every client has the message (the
// handler scans the local table and posts to each connection through
// @connections). Reported as the median, p90, min and max of the
// iterations, in milliseconds.
func BenchmarkDevChatSampleBroadcast100(b *testing.B) {
	needTool(b, "node", "node", "--version")
	dir := b.TempDir()
	if err := os.CopyFS(dir, os.DirFS(filepath.Join("..", "..", "..", "shared", "apps", "simple-websockets-chat-app"))); err != nil {
		b.Fatal(err)
	}
	_, stop, base := serveDev(b, filepath.Join(dir, "template.yaml"))
	defer stop()
	url := base + "/Prod"
	ctx := context.Background()
	clients := make([]*websocket.Conn, 100)
	for i := range clients {
		clients[i] = dial(b, url)
		defer clients[i].Close(websocket.StatusNormalClosure, "")
	}
	broadcast := func(data string) time.Duration {
		start := time.Now()
		var wg sync.WaitGroup
		for _, c := range clients {
			wg.Go(func() {
				if _, got, err := c.Read(ctx); err != nil || string(got) != data {
					b.Errorf("broadcast: got %q %v, want %s", got, err, data)
				}
			})
		}
		if err := clients[0].Write(ctx, websocket.MessageText, []byte(`{"action":"sendmessage","data":"`+data+`"}`)); err != nil {
			b.Fatal(err)
		}
		wg.Wait()
		return time.Since(start)
	}
	for i := range 3 { // the first ones start the handler's processes
		broadcast(fmt.Sprint("warm", i))
	}
	var took []time.Duration
	i := 0
	for b.Loop() {
		i++
		took = append(took, broadcast(fmt.Sprint("m", i)))
	}
	slices.Sort(took)
	ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
	at := func(q float64) time.Duration { return took[min(len(took)-1, int(q*float64(len(took))))] }
	b.ReportMetric(ms(at(0.5)), "median-ms")
	b.ReportMetric(ms(at(0.9)), "p90-ms")
	b.ReportMetric(ms(took[0]), "min-ms")
	b.ReportMetric(ms(took[len(took)-1]), "max-ms")
}
