package render

import (
	"bytes"
	"encoding/json"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Style is how a template file is written, detected from the file so that the
// text an edit adds reads like the rest of it.
type Style struct {
	Format Format
	// Indent is the YAML indentation width in spaces.
	Indent int
	// IndentlessSeq puts a sequence's dashes at the column of its key.
	IndentlessSeq bool
	// LongForm writes intrinsics as Fn:: mappings instead of short tags.
	LongForm bool
	// Newline is "\n" or "\r\n".
	Newline string
	// JSONIndent is one level of JSON indentation.
	JSONIndent string
	// FinalNewline says whether the file ends with a line ending.
	FinalNewline bool
	// Spaced says whether the resources are separated by blank lines.
	Spaced bool
}

// DetectStyle reads the style of a template: for each choice, what the file
// mostly does.
func DetectStyle(t *Template) Style {
	st := Style{Format: t.Format, Indent: 2, Newline: "\n", JSONIndent: "  "}
	s := newSource(t.Src)
	if i := bytes.IndexByte(t.Src, '\n'); i > 0 && t.Src[i-1] == '\r' {
		st.Newline = "\r\n"
	}
	st.FinalNewline = len(t.Src) > 0 && t.Src[len(t.Src)-1] == '\n'
	var c styleCounts
	c.indents = map[int]int{}
	c.walk(t.Root)
	best := 0
	for w, n := range c.indents {
		if w > 0 && (n > best || n == best && w < st.Indent) {
			st.Indent, best = w, n
		}
	}
	st.IndentlessSeq = c.indentless > c.indented
	st.LongForm = c.long > c.short
	if t.Format == JSON && len(t.Root.Content) > 0 && s.firstOnLine(t.Root.Content[0]) {
		st.JSONIndent = s.indentOf(t.Root.Content[0].Line)
	}
	if res := Get(t.Root, "Resources"); res != nil && len(res.Content) >= 4 && res.Style&yaml.FlowStyle == 0 {
		k := res.Content[2]
		b := s.blockEntry(k, res.Content[3])
		kind, _ := s.classify(b.head - 1)
		st.Spaced = kind == blankLine
	}
	return st
}

// styleCounts counts, over a template, the choices DetectStyle makes.
type styleCounts struct {
	indents                           map[int]int // block mapping indentation widths
	short, long, indentless, indented int
}

func (c *styleCounts) walk(n *yaml.Node) {
	if n.Style&yaml.TaggedStyle != 0 && shortTags[n.Tag] {
		c.short++
	}
	if n.Kind == yaml.MappingNode {
		for k, v := range Pairs(n) {
			if k.Value == "Ref" || strings.HasPrefix(k.Value, "Fn::") {
				c.long++
			}
			if v.Style&yaml.FlowStyle != 0 || n.Style&yaml.FlowStyle != 0 || len(v.Content) == 0 || v.Line <= k.Line {
				continue
			}
			switch {
			case v.Kind == yaml.MappingNode:
				c.indents[v.Column-k.Column]++
			case v.Kind == yaml.SequenceNode && v.Column == k.Column:
				c.indentless++
			case v.Kind == yaml.SequenceNode:
				c.indented++
			}
		}
	}
	for _, ch := range n.Content {
		c.walk(ch)
	}
}

// yamlEntry renders key: value as block YAML lines indented by indent spaces,
// each line ending with the file's line ending.
func (st Style) yamlEntry(key string, v *yaml.Node, indent int) string {
	m := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map", Content: []*yaml.Node{
		{Kind: yaml.ScalarNode, Tag: "!!str", Value: key}, st.form(v)}}
	return st.yamlLines(m, indent)
}

func (st Style) yamlLines(n *yaml.Node, indent int) string {
	n = clone(n)
	quoteForYAML11(n)
	var b bytes.Buffer
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(st.Indent)
	if st.IndentlessSeq {
		enc.CompactSeqIndent()
	}
	// Encoding a node tree built from yaml.Node values cannot fail.
	_ = enc.Encode(n)
	_ = enc.Close()
	pad := strings.Repeat(" ", indent)
	var out strings.Builder
	for _, line := range strings.SplitAfter(b.String(), "\n") {
		if line == "" {
			continue
		}
		if line != "\n" {
			out.WriteString(pad)
		}
		out.WriteString(strings.TrimSuffix(line, "\n"))
		out.WriteString(st.Newline)
	}
	return out.String()
}

// form writes intrinsics the way the file does, in block style: a copy.
func (st Style) form(n *yaml.Node) *yaml.Node {
	if st.Format == JSON || st.LongForm {
		n = longForm(n)
	} else {
		n = shortForm(n)
	}
	blockStyle(n)
	return n
}

// blockStyle turns flow-style collections into block style, in place,
// except a flow list of plain values (`DependsOn: [A, B]`), which reads
// the same in either style and stays on its line.
func blockStyle(n *yaml.Node) {
	if n == nil {
		return
	}
	if n.Kind == yaml.SequenceNode && !slices.ContainsFunc(n.Content, func(c *yaml.Node) bool { return c.Kind != yaml.ScalarNode || c.Style&yaml.TaggedStyle != 0 }) {
		return
	}
	n.Style &^= yaml.FlowStyle
	for _, c := range n.Content {
		blockStyle(c)
	}
}

// jsonValue renders a value as JSON whose lines after the first start with
// prefix (the indentation of the line the value starts on).
func (st Style) jsonValue(n *yaml.Node, prefix string) string {
	// Encoding a node tree built from yaml.Node values cannot fail.
	tabs := strings.Trim(st.JSONIndent, "\t") == ""
	width := len(st.JSONIndent)
	b, _ := Encode(n, JSON, width)
	lines := strings.Split(strings.TrimSuffix(string(b), "\n"), "\n")
	for i, l := range lines {
		if tabs {
			// Encode indents with spaces; a tab-indented file gets tabs.
			rest := strings.TrimLeft(l, " ")
			l = strings.Repeat("\t", len(l)-len(rest)) + rest
		}
		if i > 0 {
			l = prefix + l
		}
		lines[i] = l
	}
	return strings.Join(lines, st.Newline)
}

func jsonString(s string) string {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s)
	return strings.TrimSuffix(b.String(), "\n")
}

// longForm returns a copy of n with every short-form intrinsic (!Ref X) in
// the long mapping form ({Ref: X}, {Fn::GetAtt: [X, Arn]}).
func longForm(n *yaml.Node) *yaml.Node {
	if n == nil {
		return nil
	}
	if n.Kind == yaml.AliasNode {
		return longForm(n.Alias)
	}
	if key, arg, ok := longIntrinsic(n); ok {
		return &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map", Content: []*yaml.Node{
			{Kind: yaml.ScalarNode, Tag: "!!str", Value: key}, longForm(arg)}}
	}
	c := *n
	c.Anchor = ""
	c.Content = make([]*yaml.Node, len(n.Content))
	for i, k := range n.Content {
		c.Content[i] = longForm(k)
	}
	return &c
}

// shortForm returns a copy of n with every long-form intrinsic that has a
// short tag written with the tag.
func shortForm(n *yaml.Node) *yaml.Node {
	if n == nil {
		return nil
	}
	if n.Kind == yaml.AliasNode {
		return shortForm(n.Alias)
	}
	if n.Kind == yaml.MappingNode && len(n.Content) == 2 && n.Style&yaml.TaggedStyle == 0 {
		if name, arg, ok := Intrinsic(n); ok && shortTags["!"+name] {
			a := shortForm(arg)
			if name == "GetAtt" && a.Kind == yaml.SequenceNode && len(a.Content) == 2 &&
				a.Content[0].Kind == yaml.ScalarNode && a.Content[1].Kind == yaml.ScalarNode {
				a = &yaml.Node{Kind: yaml.ScalarNode, Value: a.Content[0].Value + "." + a.Content[1].Value}
			}
			c := *a
			c.Tag, c.Style = "!"+name, c.Style|yaml.TaggedStyle
			// A nested short form cannot carry a second tag on the same node.
			if a.Style&yaml.TaggedStyle == 0 {
				return &c
			}
			return clone(n)
		}
	}
	c := *n
	c.Anchor = ""
	c.Content = make([]*yaml.Node, len(n.Content))
	for i, k := range n.Content {
		c.Content[i] = shortForm(k)
	}
	return &c
}
