package cli

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// asCLI, set in the environment, makes the test binary run as wsdesign:
// the README's examples call it by that name.
const asCLI = "WSDESIGN_TEST_AS_CLI"

func TestMain(m *testing.M) {
	if os.Getenv(asCLI) == "1" {
		os.Exit(Execute(BuildInfo{Version: "test"}))
	}
	os.Exit(m.Run())
}

// readmeBlock is a fenced code block of the README with the marker on the
// line before it: <!-- needs: aws --> (skipped: it needs AWS, a terminal,
// the network or a checkout of the source) or <!-- file: NAME --> (the
// block is that file's content).
type readmeBlock struct {
	line        int
	lang, text  string
	needs, file string
}

func readmeBlocks(t *testing.T, path string) []readmeBlock {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var (
		blocks []readmeBlock
		cur    *readmeBlock
		marker string
		body   strings.Builder
	)
	s := bufio.NewScanner(f)
	for n := 1; s.Scan(); n++ {
		line := s.Text()
		switch {
		case cur != nil && strings.TrimSpace(line) == "```":
			cur.text = body.String()
			blocks = append(blocks, *cur)
			cur = nil
		case cur != nil:
			body.WriteString(line + "\n")
		case strings.HasPrefix(line, "```"):
			cur = &readmeBlock{line: n, lang: strings.TrimPrefix(line, "```")}
			body.Reset()
			if m, ok := strings.CutPrefix(marker, "needs:"); ok {
				cur.needs = strings.TrimSpace(m)
			} else if m, ok := strings.CutPrefix(marker, "file:"); ok {
				cur.file = strings.TrimSpace(m)
			}
		default:
			marker = ""
			if m, ok := strings.CutPrefix(strings.TrimSpace(line), "<!--"); ok && strings.HasSuffix(m, "-->") {
				marker = strings.TrimSpace(strings.TrimSuffix(m, "-->"))
			}
		}
	}
	if err := s.Err(); err != nil {
		t.Fatal(err)
	}
	if cur != nil {
		t.Fatalf("%s:%d: code block not closed", path, cur.line)
	}
	return blocks
}

// TestREADMEExamples runs every code block of the README in order, in one
// temporary folder, with wsdesign on the PATH: shell blocks run and must
// succeed, file blocks are written. Blocks marked as needing AWS, a
// terminal, the network or a checkout are skipped, and only those.
func TestREADMEExamples(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("the README's examples are POSIX shell")
	}
	bash, err := exec.LookPath("bash")
	if err != nil {
		t.Skip("no bash to run the README's examples")
	}
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	bin := t.TempDir()
	shim := "#!/bin/sh\n" + asCLI + "=1 exec '" + self + "' \"$@\"\n"
	if err := os.WriteFile(filepath.Join(bin, "wsdesign"), []byte(shim), 0o755); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	ran := 0
	for _, b := range readmeBlocks(t, filepath.Join("..", "..", "README.md")) {
		where := fmt.Sprintf("README.md:%d", b.line)
		switch {
		case b.needs != "":
			t.Logf("%s: skipped, needs %s", where, b.needs)
		case b.file != "":
			if err := os.WriteFile(filepath.Join(dir, b.file), []byte(b.text), 0o644); err != nil {
				t.Fatal(err)
			}
		case b.lang == "sh":
			cmd := exec.Command(bash, "-e", "-o", "pipefail", "-x", "-c", b.text)
			cmd.Dir = dir
			cmd.Env = append(os.Environ(), "PATH="+bin+string(os.PathListSeparator)+os.Getenv("PATH"), "NO_COLOR=1")
			out, err := cmd.CombinedOutput()
			if err != nil {
				t.Fatalf("%s: %v\n%s", where, err, out)
			}
			ran++
		default:
			t.Errorf("%s: a %q block is neither run nor written: mark it <!-- file: NAME --> or <!-- needs: … -->", where, b.lang)
		}
	}
	if ran == 0 {
		t.Fatal("no example ran")
	}
}
