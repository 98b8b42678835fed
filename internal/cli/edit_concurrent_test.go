package cli

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// TestConcurrentEditsLoseNothing runs `edit --yes` of one template in
// separate processes at once, each adding its own endpoint: each applies on
// top of the others (exit 0, its route in the final file, its stub written
// once), so that no change is lost.
func TestConcurrentEditsLoseNothing(t *testing.T) {
	if testing.Short() {
		t.Skip("starts processes")
	}
	const file = "01-simple-websockets-chat-app.yaml"
	src, err := os.ReadFile(filepath.Join(corpus, file))
	if err != nil {
		t.Fatal(err)
	}
	for round := range 3 {
		path := filepath.Join(t.TempDir(), file)
		if err := os.WriteFile(path, src, 0o644); err != nil {
			t.Fatal(err)
		}
		const n = 6
		codes := make([]int, n)
		stderr := make([]string, n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				// The test binary runs as wsdesign (TestMain).
				cmd := exec.Command(os.Args[0], "edit", path, "--add-endpoint", fmt.Sprintf("r%d=SendMessageFunction", i), "--yes")
				cmd.Env = append(os.Environ(), asCLI+"=1")
				var errOut bytes.Buffer
				cmd.Stderr = &errOut
				err := cmd.Run()
				var ee *exec.ExitError
				if errors.As(err, &ee) {
					codes[i] = ee.ExitCode()
				} else if err != nil {
					t.Error(err)
				}
				stderr[i] = errOut.String()
			}()
		}
		wg.Wait()
		final := importAPIs(t, path)[0].Design
		for i := range n {
			if _, has := final.Endpoint(fmt.Sprintf("r%d", i)); codes[i] != ExitOK || !has || strings.Count(stderr[i], "Wrote "+path) != 1 {
				t.Errorf("round %d, edit %d: exit %d, route in the file %v: %s", round, i, codes[i], has, stderr[i])
			}
		}
	}
}
