package render_test

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/wsdesign/wsdesign/render"
	"go.yaml.in/yaml/v3"
)

// tricky are strings that YAML could misread when written plain.
var tricky = []string{
	"", " lead", "trail ", "a: b", "a #b", "#x", "-x", "- x", "?", "?x", ":x", "true", "True", "yes", "NO", "on", "y",
	"null", "~", "123", "-1", "0x1F", "1e3", ".inf", "2010-09-09", "it's", `"q"`, "multi\nline", "tab\there",
	"\x01ctl", "ünïcödé", "!!", "!Ref x", "*x", "&x", "@x", "`x", "%x", "{x}", "[x]", "|", ">", "a:", "...", "---",
	"x\n", "\u2028", "line\n\n", "$default", "a,b", "<<", "=", "back\\slash", "\x7f",
	// YAML 1.1 readers (PyYAML: the SAM CLI, cfn-lint) take these for numbers, booleans, dates.
	"1:20", "-1:20", "190:20:30.15", "0b101", "0o17", "017", "1_000", ".5", "+.INF", "Off", "ON", "YES", "No",
	"2001-12-14", "2001-12-14t21:59:43.10-05:00", "2001-12-14 21:59:43.10", "1e5", "1.0e+5", "NULL", "Null",
}

// roundTrip writes a node as the value of a key and reads it back.
func roundTrip(t *testing.T, value *yaml.Node, indent int) *yaml.Node {
	t.Helper()
	m := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map", Content: []*yaml.Node{{Kind: yaml.ScalarNode, Tag: "!!str", Value: "k"}, value}}
	out, err := render.Encode(&yaml.Node{Kind: yaml.DocumentNode, Content: []*yaml.Node{m}}, render.YAML, indent)
	if err != nil {
		t.Fatal(err)
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(out, &doc); err != nil {
		t.Fatalf("%q does not parse: %v", out, err)
	}
	return render.Get(doc.Content[0], "k")
}

// yaml11 fails when a string was written plain where a YAML 1.1 reader
// takes it for something else.
func yaml11(t *testing.T, got *yaml.Node) {
	t.Helper()
	if got.Tag == "!!str" && got.Style == 0 {
		if tag := render.PyYAMLTag(got.Value); tag != "!!str" {
			t.Errorf("%q is written plain, which PyYAML reads as %s", got.Value, tag)
		}
	}
}

func TestEncodeYAMLKeepsValues(t *testing.T) {
	for _, s := range tricky {
		for _, style := range []yaml.Style{0, yaml.LiteralStyle, yaml.DoubleQuotedStyle, yaml.SingleQuotedStyle} {
			for _, tag := range []string{"!!str", "!Sub"} {
				n := &yaml.Node{Kind: yaml.ScalarNode, Tag: tag, Value: s, Style: style}
				if tag == "!Sub" {
					n.Style |= yaml.TaggedStyle
				}
				for _, comment := range []string{"", "c"} { // a comment takes yaml.v3's encoder
					n.LineComment = comment
					got := roundTrip(t, n, 2)
					if got.Value != s || got.Tag != tag {
						t.Errorf("%s %q (style %d) read back as %s %q", tag, s, style, got.Tag, got.Value)
					}
					yaml11(t, got)
				}
			}
		}
	}
	for _, n := range []*yaml.Node{
		{Kind: yaml.ScalarNode, Tag: "!!int", Value: "5"},
		{Kind: yaml.ScalarNode, Tag: "!!bool", Value: "true"},
		{Kind: yaml.ScalarNode, Tag: "!!bool", Value: "yes"}, // YAML 1.1 spelling: yaml.v3 writes it
		{Kind: yaml.ScalarNode, Tag: "!!null", Value: "~"},
		{Kind: yaml.ScalarNode, Tag: "!!float", Value: "1.5"},
	} {
		got := roundTrip(t, n, 2)
		if got.ShortTag() != n.Tag {
			t.Errorf("%s %q read back as %s %q", n.Tag, n.Value, got.ShortTag(), got.Value)
		}
	}
}

// TestEncodeYAMLKeepsStructure writes nested collections at several indents
// and reads them back as the same tree.
func TestEncodeYAMLKeepsStructure(t *testing.T) {
	src := `A:
  - B: !Ref C
    D:
      - - x
        - y
      - []
      - {}
  - !Sub
    - ${X}
    - X: !GetAtt F.Arn
  - |
    line one
      indented
E: !If [Cond, 1, !Ref AWS::NoValue]
`
	var doc yaml.Node
	if err := yaml.Unmarshal([]byte(src), &doc); err != nil {
		t.Fatal(err)
	}
	// Flow style goes through yaml.v3; block style is what is measured here.
	var block func(n *yaml.Node)
	block = func(n *yaml.Node) {
		n.Style &^= yaml.FlowStyle
		for _, c := range n.Content {
			block(c)
		}
	}
	block(&doc)
	want := dump(t, &doc)
	for _, indent := range []int{2, 3, 4} {
		out, err := render.Encode(&doc, render.YAML, indent)
		if err != nil {
			t.Fatal(err)
		}
		var back yaml.Node
		if err := yaml.Unmarshal(out, &back); err != nil {
			t.Fatalf("indent %d: %v\n%s", indent, err, out)
		}
		if got := dump(t, &back); got != want {
			t.Errorf("indent %d: read back\n%s\nwant\n%s\nfrom\n%s", indent, got, want, out)
		}
	}
}

// dump is a node tree as text: kinds, tags and values, no styles or positions.
func dump(t *testing.T, n *yaml.Node) string {
	var b strings.Builder
	var walk func(n *yaml.Node, depth int)
	walk = func(n *yaml.Node, depth int) {
		b.WriteString(strings.Repeat(" ", depth))
		b.WriteString(n.ShortTag() + " " + n.Value + "\n")
		for _, c := range n.Content {
			walk(c, depth+1)
		}
	}
	walk(n, 0)
	return b.String()
}

// TestEncodeYAMLFallsBack writes what the fast writer leaves to yaml.v3.
func TestEncodeYAMLFallsBack(t *testing.T) {
	src := "# head\nA: &x [1, 2] # line\nB: *x\nC: >\n  folded\n"
	var doc yaml.Node
	if err := yaml.Unmarshal([]byte(src), &doc); err != nil {
		t.Fatal(err)
	}
	out, err := render.Encode(&doc, render.YAML, 2)
	if err != nil {
		t.Fatal(err)
	}
	// The comments, the anchor, the alias and the flow and folded styles survive.
	if want := "# head\nA: &x [1, 2] # line\nB: *x\nC: >\n  folded\n"; !strings.HasPrefix(string(out), want) {
		t.Errorf("got:\n%s\nwant:\n%s", out, want)
	}
}

// FuzzEncodeYAMLScalar: any string, in any style, as a plain value or an
// intrinsic's argument, reads back as itself.
func FuzzEncodeYAMLScalar(f *testing.F) {
	for _, s := range tricky {
		f.Add(s, uint8(0))
	}
	styles := []yaml.Style{0, yaml.LiteralStyle, yaml.DoubleQuotedStyle, yaml.SingleQuotedStyle}
	f.Fuzz(func(t *testing.T, s string, pick uint8) {
		if !utf8.ValidString(s) {
			t.Skip("YAML holds UTF-8 text only")
		}
		n := &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: s, Style: styles[int(pick)%len(styles)]}
		if pick >= 128 {
			n.Tag, n.Style = "!Sub", n.Style|yaml.TaggedStyle
		}
		got := roundTrip(t, n, 2+int(pick%3))
		if got.Value != s || got.Tag != n.Tag {
			t.Errorf("%s %q (style %d) read back as %s %q", n.Tag, s, n.Style, got.Tag, got.Value)
		}
		yaml11(t, got)
	})
}
