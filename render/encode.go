package render

import (
	"bytes"
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"

	"go.yaml.in/yaml/v3"
)

// DefaultIndent is the indentation of the files wsdesign writes.
const DefaultIndent = 2

// OutputFormat is the syntax to write a template in: JSON when asked for or
// when the path ends in .json, YAML otherwise.
func OutputFormat(path string, asJSON bool) Format {
	if asJSON || strings.EqualFold(filepath.Ext(path), ".json") {
		return JSON
	}
	return YAML
}

// Encode writes a document or a node. YAML keeps the short-form intrinsics
// of the tree; JSON writes them in long form, the only form it can hold.
// Keys stay in the tree's order. indent ≤ 0 means DefaultIndent.
func Encode(doc *yaml.Node, f Format, indent int) ([]byte, error) {
	if indent <= 0 {
		indent = DefaultIndent
	}
	var buf bytes.Buffer
	if f == JSON {
		n := doc
		if n.Kind == yaml.DocumentNode && len(n.Content) == 1 {
			n = n.Content[0]
		}
		w := jsonWriter{buf: &buf, indent: strings.Repeat(" ", indent)}
		if err := w.value(n, 0); err != nil {
			return nil, err
		}
		buf.WriteByte('\n')
		return buf.Bytes(), nil
	}
	if writable(doc) {
		blockWriter{buf: &buf, indent: indent}.document(doc)
		return buf.Bytes(), nil
	}
	doc = clone(doc)
	quoteForYAML11(doc)
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(indent)
	if err := enc.Encode(doc); err != nil {
		return nil, fmt.Errorf("encoding YAML: %w", err)
	}
	if err := enc.Close(); err != nil {
		return nil, fmt.Errorf("encoding YAML: %w", err)
	}
	return buf.Bytes(), nil
}

// jsonWriter writes a yaml.Node tree as indented JSON, keeping key order,
// which encoding/json cannot do for a map.
type jsonWriter struct {
	buf    *bytes.Buffer
	indent string
}

func (w jsonWriter) newline(depth int) {
	w.buf.WriteByte('\n')
	for range depth {
		w.buf.WriteString(w.indent)
	}
}

func (w jsonWriter) value(n *yaml.Node, depth int) error {
	if key, arg, ok := longIntrinsic(n); ok {
		w.buf.WriteByte('{')
		w.newline(depth + 1)
		w.str(key)
		w.buf.WriteString(": ")
		if err := w.value(arg, depth+1); err != nil {
			return err
		}
		w.newline(depth)
		w.buf.WriteByte('}')
		return nil
	}
	switch n.Kind {
	case yaml.MappingNode:
		if len(n.Content) == 0 {
			w.buf.WriteString("{}")
			return nil
		}
		w.buf.WriteByte('{')
		first := true
		for k, v := range Pairs(n) {
			if !first {
				w.buf.WriteByte(',')
			}
			first = false
			w.newline(depth + 1)
			w.str(k.Value)
			w.buf.WriteString(": ")
			if err := w.value(v, depth+1); err != nil {
				return err
			}
		}
		w.newline(depth)
		w.buf.WriteByte('}')
	case yaml.SequenceNode:
		if len(n.Content) == 0 {
			w.buf.WriteString("[]")
			return nil
		}
		w.buf.WriteByte('[')
		for i, c := range n.Content {
			if i > 0 {
				w.buf.WriteByte(',')
			}
			w.newline(depth + 1)
			if err := w.value(c, depth+1); err != nil {
				return err
			}
		}
		w.newline(depth)
		w.buf.WriteByte(']')
	case yaml.ScalarNode:
		w.scalar(n)
	case yaml.AliasNode:
		return w.value(n.Alias, depth)
	default:
		return fmt.Errorf("line %d: cannot write a YAML node of kind %d as JSON", n.Line, n.Kind)
	}
	return nil
}

func (w jsonWriter) scalar(n *yaml.Node) {
	switch n.ShortTag() {
	case "!!null":
		w.buf.WriteString("null")
		return
	case "!!bool", "!!int", "!!float":
		// JSON writes the value, not YAML's spelling of it (0x1F, True).
		var v any
		if err := yaml.Unmarshal([]byte(n.Value), &v); err == nil {
			if b, err := json.Marshal(v); err == nil { // .inf and .nan have no JSON form
				w.buf.Write(b)
				return
			}
		}
	}
	w.str(n.Value)
}

func (w jsonWriter) str(s string) {
	if plainJSON(s) {
		w.buf.WriteByte('"')
		w.buf.WriteString(s)
		w.buf.WriteByte('"')
		return
	}
	enc := json.NewEncoder(w.buf)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s) // a string always encodes
	w.buf.Truncate(w.buf.Len() - 1)
}

// plainJSON reports whether a string needs no escape in JSON: printable
// ASCII without quote or backslash, as nearly every string of a template.
func plainJSON(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= 0x7f || c == '"' || c == '\\' {
			return false
		}
	}
	return true
}
