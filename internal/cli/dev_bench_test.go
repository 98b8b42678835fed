package cli

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"testing"

	"github.com/coder/websocket"
)

// BenchmarkDevRoundTrip measures wsdesign dev serving bench/'s chat design
// (the handler that BENCHMARKS.md also runs under serverless-offline):
// connect and one 2-way message round trip, a round trip on an open
// connection, and a broadcast through @connections to 50 connected clients
// until every one has it.
func BenchmarkDevRoundTrip(b *testing.B) {
	needTool(b, "node", "node", "--version")
	conns := filepath.Join(b.TempDir(), "connections")
	_, stop, base := serveDev(b, filepath.Join("..", "..", "bench", "template.yaml"), "--parameter-overrides", "ConnectionsFile="+conns)
	defer stop()
	url := base + "/prod"
	ctx := context.Background()
	echo := func(b *testing.B, c *websocket.Conn) {
		msg := []byte(`{"action":"echo"}`)
		if err := c.Write(ctx, websocket.MessageText, msg); err != nil {
			b.Fatal(err)
		}
		if _, got, err := c.Read(ctx); err != nil || string(got) != string(msg) {
			b.Fatalf("echo: %q %v", got, err)
		}
	}
	warm := dial(b, url)
	for range 10 {
		echo(b, warm)
	}
	warm.Close(websocket.StatusNormalClosure, "")

	b.Run("connect+echo", func(b *testing.B) {
		for b.Loop() {
			c := dial(b, url)
			echo(b, c)
			c.Close(websocket.StatusNormalClosure, "")
		}
	})
	b.Run("echo", func(b *testing.B) {
		c := dial(b, url)
		defer c.Close(websocket.StatusNormalClosure, "")
		for b.Loop() {
			echo(b, c)
		}
	})
	b.Run("broadcast-50", func(b *testing.B) {
		os.WriteFile(conns, nil, 0o644) // only the 50 below receive broadcasts
		clients := make([]*websocket.Conn, 50)
		for i := range clients {
			clients[i] = dial(b, url)
			defer clients[i].Close(websocket.StatusNormalClosure, "")
		}
		i := 0
		for b.Loop() {
			i++
			data := "b" + strconv.Itoa(i)
			var wg sync.WaitGroup
			for _, c := range clients {
				wg.Go(func() {
					if _, got, err := c.Read(ctx); err != nil || string(got) != data {
						b.Errorf("broadcast: got %q %v, want %s", got, err, data)
					}
				})
			}
			if err := clients[0].Write(ctx, websocket.MessageText, []byte(`{"action":"broadcast","data":"`+data+`"}`)); err != nil {
				b.Fatal(err)
			}
			wg.Wait()
		}
	})
}
