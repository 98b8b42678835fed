package render

import (
	"bytes"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/wsdesign/wsdesign/internal/gen"
)

// splitInputs are YAML texts to read in halves: every YAML template of the
// shared corpus and apps and of render's testdata, each also with CRLF line
// ends and with comments and blank lines around every line at the
// indentation of Resources entries, and generated templates.
func splitInputs(t testing.TB) map[string][]byte {
	out := map[string][]byte{}
	for _, root := range []string{filepath.Join("..", "..", "shared"), "testdata"} {
		_ = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || !strings.HasSuffix(p, ".yaml") && !strings.HasSuffix(p, ".yml") {
				return nil
			}
			if src, err := os.ReadFile(p); err == nil && len(src) < MaxTemplateSize {
				out[p] = src
			}
			return nil
		})
	}
	if len(out) == 0 {
		t.Fatal("no YAML files found")
	}
	out["block scalars"] = []byte(blockScalars)
	out["gen/125"] = gen.Sized(125, 0)
	out["gen/500-1MB"] = gen.Sized(500, 1<<20)
	for _, name := range slices.Collect(maps.Keys(out)) {
		src := out[name]
		lf := strings.ReplaceAll(string(src), "\r\n", "\n")
		out[name+" (crlf)"] = []byte(strings.ReplaceAll(lf, "\n", "\r\n"))
		out[name+" (comments)"] = []byte(decorate(lf))
	}
	return out
}

// blockScalars ends entries with block scalars of every chomping, followed
// by blank lines (which a kept scalar keeps), and with scalars and flow
// collections over several lines.
const blockScalars = `Resources:
  A:
    Code: |+
      kept

  B:
    Code: |-
      stripped


  C:
    Code: >+
      folded
      kept


  D: |+
    top

  E:
    Text: plain
      over lines

  F:
    Flow: [a,
      b]

  G:
    Quoted: "one
      two"
  H: 1
Outputs:
  X: |+
    end


`

// decorate puts comments, blank lines and a foot comment around the lines
// of two-space-indented keys, where yaml.v3 attaches comments to entries.
func decorate(src string) string {
	var b strings.Builder
	for i, line := range strings.SplitAfter(src, "\n") {
		if strings.HasPrefix(line, "  ") && !strings.HasPrefix(line, "   ") && len(line) > 2 && line[2] != '#' {
			switch i % 3 {
			case 0:
				b.WriteString("  # head\n")
			case 1:
				b.WriteString("\n")
			}
		}
		b.WriteString(line)
	}
	return b.String() + "# the end\n"
}

// TestSplitReadsAsWhole reads every input in halves at every line it may be
// split at, and compares the tree with the one read from the whole text:
// every node, position, style and comment.
func TestSplitReadsAsWhole(t *testing.T) {
	split, points := 0, 0
	for name, src := range splitInputs(t) {
		at := splitPoints(src)
		if len(at) == 0 {
			continue
		}
		whole, _, wholeErr := decodeReader(bytes.NewReader(src))
		step := max(1, len(at)/12) // every line of the small files, 12 of each large one
		for i := 0; i < len(at); i += step {
			points++
			doc := decodeSplit(src, at[i])
			if doc == nil {
				continue
			}
			split++
			if wholeErr != nil {
				t.Fatalf("%s: read in halves at line %d, but the whole text fails: %v", name, lineAt(src, at[i]), wholeErr)
			}
			if d := nodeDiff("", whole, doc); d != "" {
				t.Fatalf("%s split at line %d: %s", name, lineAt(src, at[i]), d)
			}
		}
	}
	if split == 0 || split < points/2 {
		t.Fatalf("read in halves at %d of %d split points", split, points)
	}
	t.Logf("read in halves at %d of %d split points", split, points)
}

// TestSplitFallsBack checks texts that read differently in halves than
// whole, or not at all: decodeYAML gives what the whole text gives.
func TestSplitFallsBack(t *testing.T) {
	big := string(gen.Sized(500, 0))
	mid := strings.Index(big[len(big)/2:], "\n  F") + len(big)/2 + 1
	cases := map[string]string{
		"quoted scalar open":    big[:mid-1] + ` "open` + "\n" + big[mid:] + "\"\n",
		"flow mapping open":     big[:mid-1] + " {a: 1,\n" + big[mid:] + "}\n",
		"alias to first half":   "X: &a 1\n" + big[:mid] + "  Z: *a\n" + big[mid:],
		"second document":       big + "---\nA: 1\n",
		"document end in first": big[:mid] + "...\n" + big[mid:],
		"syntax error":          big[:mid] + "  Bad: [\n" + big[mid:],
		"lone carriage return":  big[:mid] + "  C: 1\r" + big[mid:],
	}
	for name, src := range cases {
		t.Run(name, func(t *testing.T) {
			got, gotExtra, gotErr := decodeYAML([]byte(src))
			want, wantExtra, wantErr := decodeReader(strings.NewReader(src))
			if fmt.Sprint(gotErr) != fmt.Sprint(wantErr) || (gotExtra == nil) != (wantExtra == nil) {
				t.Fatalf("decodeYAML: extra %v, error %v; the whole text: extra %v, error %v", gotExtra != nil, gotErr, wantExtra != nil, wantErr)
			}
			if want != nil {
				if d := nodeDiff("", want, got); d != "" {
					t.Fatal(d)
				}
			}
		})
	}
}

// FuzzSplit reads texts in halves at every split point; where that reads,
// the whole text must read to the same tree.
func FuzzSplit(f *testing.F) {
	for _, src := range splitInputs(f) {
		if len(src) < 16<<10 {
			f.Add(src)
		}
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		at := splitPoints(src)
		if len(at) == 0 {
			return
		}
		whole, wholeExtra, wholeErr := decodeReader(bytes.NewReader(src))
		for _, a := range at {
			doc := decodeSplit(src, a)
			if doc == nil {
				continue
			}
			if wholeErr != nil || wholeExtra != nil {
				t.Fatalf("read in halves at %d, but the whole text gives %v (a second document: %v)", a, wholeErr, wholeExtra != nil)
			}
			if d := nodeDiff("", whole, doc); d != "" {
				t.Fatalf("split at %d: %s", a, d)
			}
		}
	})
}

// nodeDiff describes the first difference between two trees, or is "".
func nodeDiff(path string, a, b *yaml.Node) string {
	if (a == nil) != (b == nil) {
		return fmt.Sprintf("%s: %v against %v", path, a, b)
	}
	if a == nil {
		return ""
	}
	type fields struct {
		Kind                            yaml.Kind
		Style                           yaml.Style
		Tag, Value, Anchor              string
		HeadComment, LineComment, Foot  string
		Line, Column, Content, hasAlias int
	}
	of := func(n *yaml.Node) fields {
		alias := 0
		if n.Alias != nil {
			alias = n.Alias.Line*10000 + n.Alias.Column
		}
		return fields{n.Kind, n.Style, n.Tag, n.Value, n.Anchor, n.HeadComment, n.LineComment, n.FootComment, n.Line, n.Column, len(n.Content), alias}
	}
	if fa, fb := of(a), of(b); fa != fb {
		return fmt.Sprintf("%s: %+v against %+v", path, fa, fb)
	}
	for i := range a.Content {
		if d := nodeDiff(fmt.Sprintf("%s/%d(%s)", path, i, a.Content[i].Value), a.Content[i], b.Content[i]); d != "" {
			return d
		}
	}
	return ""
}

func lineAt(src []byte, off int) int { return 1 + bytes.Count(src[:off], []byte("\n")) }
