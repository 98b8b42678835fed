package render

import (
	"bytes"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"
)

// blockWriter writes the block-style YAML that wsdesign builds: mappings,
// sequences, plain, quoted and literal scalars, short-form intrinsic tags.
// yaml.v3's encoder spends tens of microseconds per node tree; a template
// with 300 routes took over 20 ms. Trees with anything else (comments,
// anchors, flow style, other tags) go through yaml.v3, so every tree is
// written, the common one fast.
type blockWriter struct {
	buf    *bytes.Buffer
	indent int
}

// writable reports whether blockWriter can write n exactly.
func writable(n *yaml.Node) bool {
	if n.HeadComment != "" || n.LineComment != "" || n.FootComment != "" || n.Anchor != "" ||
		n.Style&(yaml.FlowStyle|yaml.FoldedStyle) != 0 {
		return false
	}
	if n.Style&yaml.TaggedStyle != 0 && !shortTags[n.Tag] {
		return false
	}
	switch n.Kind {
	case yaml.DocumentNode:
		return len(n.Content) == 1 && writable(n.Content[0])
	case yaml.ScalarNode:
		// A number, boolean or null must be written plain to stay one.
		tag := n.ShortTag()
		return utf8.ValidString(n.Value) &&
			(n.Style&yaml.TaggedStyle != 0 || tag == "!!str" || plainOK(n.Value) && plainTag(n.Value) == tag)
	case yaml.MappingNode:
		for i, c := range n.Content {
			if i%2 == 0 && (c.Kind != yaml.ScalarNode || c.Style&(yaml.TaggedStyle|yaml.LiteralStyle) != 0) || !writable(c) {
				return false
			}
		}
		return true
	case yaml.SequenceNode:
		for _, c := range n.Content {
			if !writable(c) {
				return false
			}
		}
		return true
	}
	return false
}

func (w blockWriter) pad(depth int) {
	for range depth * w.indent {
		w.buf.WriteByte(' ')
	}
}

// document writes a node that writable accepted.
func (w blockWriter) document(n *yaml.Node) {
	if n.Kind == yaml.DocumentNode {
		n = n.Content[0]
	}
	switch {
	case n.Kind == yaml.MappingNode && len(n.Content) > 0 && n.Style&yaml.TaggedStyle == 0:
		w.mapping(n, 0)
	case n.Kind == yaml.SequenceNode && len(n.Content) > 0 && n.Style&yaml.TaggedStyle == 0:
		w.sequence(n, 0)
	default:
		w.value(n, -1)
	}
}

// mapping writes the pairs of a non-empty mapping at depth.
func (w blockWriter) mapping(n *yaml.Node, depth int) {
	first := true
	for k, v := range Pairs(n) {
		if !first {
			w.pad(depth)
		}
		first = false
		w.scalar(k, depth)
		w.buf.WriteByte(':')
		w.value(v, depth)
	}
}

// sequence writes the items of a non-empty sequence at depth; an item's
// mapping or sequence starts on the dash's line.
func (w blockWriter) sequence(n *yaml.Node, depth int) {
	for i, c := range n.Content {
		if i > 0 {
			w.pad(depth)
		}
		w.buf.WriteByte('-')
		if len(c.Content) > 0 && c.Style&yaml.TaggedStyle == 0 {
			for range w.indent - 1 {
				w.buf.WriteByte(' ')
			}
			if c.Kind == yaml.MappingNode {
				w.mapping(c, depth+1)
			} else {
				w.sequence(c, depth+1)
			}
			continue
		}
		w.value(c, depth)
	}
}

// value writes what follows a key's colon or an item's dash, children one
// level deeper than depth, and ends the line.
func (w blockWriter) value(n *yaml.Node, depth int) {
	space := func() {
		if depth >= 0 { // after a colon or a dash
			w.buf.WriteByte(' ')
		}
	}
	if n.Style&yaml.TaggedStyle != 0 {
		space()
		w.buf.WriteString(n.Tag)
		depth = max(depth, 0) // the tag now precedes the value
	}
	switch {
	case n.Kind == yaml.MappingNode && len(n.Content) > 0:
		w.buf.WriteByte('\n')
		w.pad(depth + 1)
		w.mapping(n, depth+1)
	case n.Kind == yaml.SequenceNode && len(n.Content) > 0:
		w.buf.WriteByte('\n')
		w.pad(depth + 1)
		w.sequence(n, depth+1)
	case n.Kind == yaml.MappingNode:
		space()
		w.buf.WriteString("{}\n")
	case n.Kind == yaml.SequenceNode:
		space()
		w.buf.WriteString("[]\n")
	default:
		space()
		w.scalar(n, depth)
		if n.Style&yaml.LiteralStyle == 0 || !literalOK(n.Value) {
			w.buf.WriteByte('\n')
		}
	}
}

// scalar writes a scalar's text: plain when YAML reads it back as the same
// value, else quoted; a literal block when asked for and possible.
func (w blockWriter) scalar(n *yaml.Node, depth int) {
	v := n.Value
	tag := n.ShortTag()
	if n.Style&yaml.TaggedStyle != 0 {
		tag = "!!str" // an intrinsic's argument is a string
	}
	switch {
	case n.Style&yaml.LiteralStyle != 0 && literalOK(v):
		w.literal(v, depth+1)
	case n.Style&yaml.DoubleQuotedStyle != 0:
		w.buf.WriteString(strconv.Quote(v))
	case n.Style&yaml.SingleQuotedStyle != 0 && singleOK(v):
		w.single(v)
	case plainOK(v) && plainTag(v) == tag:
		w.buf.WriteString(v)
	case plainTag(v) != "!!str" || !singleOK(v):
		// yaml.v3 double-quotes strings that look like other types, so that
		// "2010-09-09" stays a string in every reader.
		w.buf.WriteString(strconv.Quote(v))
	default:
		w.single(v)
	}
}

func (w blockWriter) single(v string) {
	w.buf.WriteByte('\'')
	w.buf.WriteString(strings.ReplaceAll(v, "'", "''"))
	w.buf.WriteByte('\'')
}

// literal writes a | block, its lines at depth, with the chomping indicator
// that keeps the value's final newlines.
func (w blockWriter) literal(v string, depth int) {
	w.buf.WriteByte('|')
	switch {
	case !strings.HasSuffix(v, "\n"):
		w.buf.WriteByte('-')
	case strings.HasSuffix(v, "\n\n"):
		w.buf.WriteByte('+')
	}
	w.buf.WriteByte('\n')
	for _, line := range strings.SplitAfter(strings.TrimSuffix(v, "\n"), "\n") {
		if line != "\n" && line != "" {
			w.pad(depth)
		}
		w.buf.WriteString(line)
	}
	w.buf.WriteByte('\n')
}

// plainTag is the tag YAML gives a plain scalar. Only a scalar starting with
// one of these characters can be other than a string (a number, a boolean,
// null, a timestamp, the merge key); the others skip yaml.v3's resolver.
func plainTag(v string) string {
	if v != "" && !strings.ContainsRune("0123456789+-.~nNtTfFyYoO<", rune(v[0])) {
		return "!!str"
	}
	return (&yaml.Node{Kind: yaml.ScalarNode, Value: v}).ShortTag()
}

// plainOK reports whether a scalar can be written plain in a block value
// without changing what it says, to YAML 1.2 readers (yaml.v3) and YAML 1.1
// ones (PyYAML: the SAM CLI, cfn-lint) alike. It is stricter than YAML needs.
func plainOK(v string) bool {
	if v == "" || strings.ContainsAny(v[:1], "-?:,[]{}#&*!|>'\"%@` \t") ||
		strings.HasSuffix(v, " ") || strings.HasSuffix(v, ":") ||
		strings.Contains(v, ": ") || strings.Contains(v, " #") || strings.HasPrefix(v, "...") {
		return false
	}
	if oldBool(v) || PyYAMLTag(v) != plainTag(v) {
		return false
	}
	for _, r := range v {
		if r == '\t' || !unicode.IsPrint(r) && r != ' ' {
			return false
		}
	}
	return true
}

// quoteForYAML11 marks as quoted, in place, the plain strings of n that a
// YAML 1.1 reader would take for something else: yaml.v3's encoder, which
// writes trees blockWriter cannot, follows YAML 1.2 and writes `on` and
// `1:20` plain, which PyYAML reads as true and 80.
func quoteForYAML11(n *yaml.Node) {
	quoted := yaml.TaggedStyle | yaml.DoubleQuotedStyle | yaml.SingleQuotedStyle | yaml.LiteralStyle | yaml.FoldedStyle
	if n.Kind == yaml.ScalarNode && n.Style&quoted == 0 && n.ShortTag() == "!!str" && !plainOK(n.Value) {
		// As blockWriter quotes them.
		if plainTag(n.Value) == "!!str" && singleOK(n.Value) {
			n.Style |= yaml.SingleQuotedStyle
		} else {
			n.Style |= yaml.DoubleQuotedStyle
		}
	}
	for _, c := range n.Content {
		quoteForYAML11(c)
	}
}

// oldBool reports the one-letter booleans of YAML 1.1 (y, n), which PyYAML
// reads as strings but other YAML 1.1 readers do not.
func oldBool(v string) bool {
	return len(v) == 1 && strings.ContainsAny(v, "yYnN")
}

func singleOK(v string) bool {
	for _, r := range v {
		if !unicode.IsPrint(r) && r != ' ' {
			return false
		}
	}
	return true
}

// literalOK reports whether a | block holds v exactly: printable lines, no
// leading blank on the first (it would need an indentation indicator), no
// line starting with a tab or made of blanks only (YAML readers take those
// for indentation).
func literalOK(v string) bool {
	if v == "" || v[0] == ' ' || v[0] == '\n' || strings.Trim(v, "\n") == "" {
		return false
	}
	for _, line := range strings.Split(v, "\n") {
		if strings.HasPrefix(line, "\t") || line != "" && strings.TrimSpace(line) == "" {
			return false
		}
	}
	for _, r := range v {
		if r != '\n' && r != '\t' && !unicode.IsPrint(r) && r != ' ' {
			return false
		}
	}
	return true
}
