package render

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"iter"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"

	"github.com/wsdesign/wsdesign/internal/fileio"
)

// MaxTemplateSize is the largest file read as a template. CloudFormation
// itself accepts at most 1 MB (from S3); a few times that leaves room for
// comments and for SAM templates before the transform.
const MaxTemplateSize = 4 << 20

// maxExpandedNodes bounds how many nodes YAML aliases may add to a
// template once expanded, so that an alias bomb is refused, not expanded.
// Real templates reuse a few small anchors a few times; every reader of the
// tree (Refs, CompactJSON, Get) follows aliases, so this also bounds their
// work.
const maxExpandedNodes = 1 << 16

// Format is the syntax of a template file.
type Format int

const (
	YAML Format = iota
	JSON
)

func (f Format) String() string {
	if f == JSON {
		return "json"
	}
	return "yaml"
}

// Pos is a position in a template file.
type Pos struct {
	File      string
	Line, Col int
}

func (p Pos) String() string { return fmt.Sprintf("%s:%d:%d", p.File, p.Line, p.Col) }

// Error is a problem at a position in a template.
type Error struct {
	Pos
	Msg string
}

func (e *Error) Error() string { return e.Pos.String() + ": " + e.Msg }

// Template is a parsed CloudFormation or SAM template.
type Template struct {
	Path   string
	Src    []byte
	Format Format
	// Root is the top-level mapping of the document.
	Root *yaml.Node
	// merged are the mappings that hold YAML merge keys (<<), whose merged
	// pairs Parse has put in their place: read like any mapping, edited
	// nowhere through.
	merged map[*yaml.Node]*yaml.Node
}

// shortTags are the intrinsic function tags CloudFormation's YAML accepts.
var shortTags = map[string]bool{
	"!Ref": true, "!Condition": true, "!Base64": true, "!Cidr": true, "!FindInMap": true,
	"!GetAtt": true, "!GetAZs": true, "!ImportValue": true, "!Join": true, "!Select": true,
	"!Split": true, "!Sub": true, "!Transform": true, "!And": true, "!Equals": true,
	"!If": true, "!Not": true, "!Or": true, "!Length": true, "!ToJsonString": true,
}

// Load reads and parses a template file. A file larger than
// MaxTemplateSize is refused before it is read whole, and at most that much
// is read from anything else (a pipe, a device).
func Load(path string) (*Template, error) {
	if fi, err := os.Stat(path); err == nil && fi.Mode().IsRegular() && fi.Size() > MaxTemplateSize {
		return nil, tooLarge(path, fi.Size())
	}
	src, err := fileio.Read(path, os.Stdin, MaxTemplateSize)
	var big *fileio.TooLargeError
	if errors.As(err, &big) {
		// Standard input, or a file that grew while it was read.
		return nil, &Error{Pos: Pos{File: path, Line: 1, Col: 1}, Msg: fmt.Sprintf("more than %s; a template may be at most that (CloudFormation accepts 1 MB)", fileio.Size(MaxTemplateSize))}
	}
	if err != nil {
		return nil, err
	}
	return Parse(path, src)
}

func tooLarge(path string, n int64) error {
	return &Error{Pos: Pos{File: path, Line: 1, Col: 1}, Msg: fmt.Sprintf("the file is %s; a template may be at most %s (CloudFormation accepts 1 MB)", fileio.Size(n), fileio.Size(MaxTemplateSize))}
}

// Parse reads a template. Any problem is an *Error carrying file:line:col.
func Parse(path string, src []byte) (*Template, error) {
	fail := func(line, col int, format string, args ...any) error {
		return &Error{Pos: Pos{File: path, Line: line, Col: col}, Msg: fmt.Sprintf(format, args...)}
	}
	if len(src) > MaxTemplateSize {
		return nil, tooLarge(path, int64(len(src)))
	}
	if len(bytes.TrimSpace(src)) == 0 {
		return nil, fail(1, 1, "the file is empty; a template is a YAML or JSON mapping with a Resources section")
	}
	// Report whichever comes first of a NUL byte and invalid UTF-8, so that a
	// binary file is refused where its binary data starts.
	nul, bad := bytes.IndexByte(src, 0), firstInvalidUTF8(src)
	switch {
	case bad >= 0 && (nul < 0 || bad < nul):
		l, c := lineCol(src, bad)
		return nil, fail(l, c, "not UTF-8 text")
	case nul >= 0:
		l, c := lineCol(src, nul)
		return nil, fail(l, c, "not a text file (NUL byte)")
	}
	t := &Template{Path: path, Src: src}
	body := bytes.TrimLeft(src, " \t\r\n\ufeff")
	if len(body) > 0 && body[0] == '{' {
		t.Format = JSON
		// encoding/json refuses a byte-order mark, which editors on Windows
		// write and CloudFormation accepts.
		bom := len(src) - len(bytes.TrimPrefix(src, []byte("\ufeff")))
		if err := checkJSON(src[bom:]); err != nil {
			var se *json.SyntaxError
			if errors.As(err, &se) {
				l, c := lineCol(src, bom+int(se.Offset)-1)
				return nil, fail(l, c, "invalid JSON: %s", se.Error())
			}
			if errors.Is(err, io.ErrUnexpectedEOF) {
				l, c := lineCol(src, len(bytes.TrimRight(src, " \t\r\n")))
				return nil, fail(l, c, "invalid JSON: the file ends before every { and [ is closed")
			}
			return nil, fail(1, 1, "invalid JSON: %s", err)
		}
	}
	doc, extra, err := decodeYAML(src)
	if err != nil {
		l, c := yamlErrPos(src, err)
		return nil, fail(l, c, "invalid YAML: %s", trimYAMLErr(err))
	}
	if extra != nil {
		return nil, fail(extra.Line, extra.Column, "a template is one YAML document; this file has more")
	}
	if len(doc.Content) == 0 || doc.Content[0].Kind != yaml.MappingNode {
		n := doc
		if len(doc.Content) > 0 {
			n = doc.Content[0]
		}
		return nil, fail(max(n.Line, 1), max(n.Column, 1), "not a CloudFormation template: the top level must be a mapping with a Resources section")
	}
	t.Root = doc.Content[0]
	if err := t.checkNodes(); err != nil {
		return nil, err
	}
	if err := t.mergeKeys(t.Root, 0); err != nil {
		return nil, err
	}
	res := Get(t.Root, "Resources")
	if res == nil {
		return nil, fail(t.Root.Line, t.Root.Column, "not a CloudFormation template: no Resources section")
	}
	if res.Kind != yaml.MappingNode {
		return nil, fail(res.Line, res.Column, "Resources must be a mapping of logical IDs to resources")
	}
	return t, nil
}

// checkNodes refuses duplicate keys, unknown tags and alias bombs.
func (t *Template) checkNodes() error {
	total := 0
	memo := map[*yaml.Node]int{}
	var expanded func(n *yaml.Node) int
	expanded = func(n *yaml.Node) int {
		if v, ok := memo[n]; ok {
			return v
		}
		memo[n] = maxExpandedNodes // a cycle counts as too large
		c := 1
		if n.Kind == yaml.AliasNode && n.Alias != nil {
			c += expanded(n.Alias)
		}
		for _, k := range n.Content {
			c += expanded(k)
			if c > maxExpandedNodes {
				break
			}
		}
		memo[n] = c
		return c
	}
	var walk func(n *yaml.Node) error
	walk = func(n *yaml.Node) error {
		if n.Kind == yaml.AliasNode {
			total += expanded(n)
			if total > maxExpandedNodes {
				return &Error{Pos: t.Pos(n), Msg: "YAML aliases expand to too many nodes (an alias bomb?)"}
			}
			return nil
		}
		if n.Tag != "" && n.Style&yaml.TaggedStyle != 0 && n.Tag[0] == '!' && !coreTags[n.Tag] && !shortTags[n.Tag] {
			return &Error{Pos: t.Pos(n), Msg: fmt.Sprintf("unknown tag %s (CloudFormation's YAML knows !Ref, !Sub, !GetAtt, !Join, … and the standard !!str, !!int, !!bool, !!float, !!null, !!map, !!seq)", n.Tag)}
		}
		if (n.Tag == "!Ref" || n.Tag == "!Condition") && n.Style&yaml.TaggedStyle != 0 && n.Kind != yaml.ScalarNode {
			return &Error{Pos: t.Pos(n), Msg: fmt.Sprintf("%s takes a name (a logical ID or a parameter), not a %s", n.Tag, kindName(n))}
		}
		if n.Kind == yaml.MappingNode {
			seen := make(map[string]*yaml.Node, len(n.Content)/2)
			for k := range Pairs(n) {
				if k.Kind == yaml.ScalarNode && k.Value != "<<" {
					if first, dup := seen[k.Value]; dup {
						return &Error{Pos: t.Pos(k), Msg: fmt.Sprintf("duplicate key %q (first at line %d)", k.Value, first.Line)}
					}
					seen[k.Value] = k
				}
			}
		}
		for _, c := range n.Content {
			if err := walk(c); err != nil {
				return err
			}
		}
		return nil
	}
	return walk(t.Root)
}

// coreTags are the standard YAML tags CloudFormation reads.
var coreTags = map[string]bool{"!!str": true, "!!int": true, "!!bool": true, "!!float": true, "!!null": true, "!!map": true, "!!seq": true}

func kindName(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "mapping"
	case yaml.SequenceNode:
		return "list"
	}
	return "value"
}

// mergeKeys puts the pairs of YAML merge keys (<<: *anchor, or a list of
// aliases) in their place, as YAML 1.1 readers (PyYAML: the SAM CLI,
// cfn-lint) do: a key of the mapping itself wins over a merged one, an
// earlier source over a later one.
func (t *Template) mergeKeys(n *yaml.Node, depth int) error {
	if n == nil || depth > 200 || n.Kind == yaml.AliasNode {
		return nil
	}
	for _, c := range n.Content {
		if err := t.mergeKeys(c, depth+1); err != nil {
			return err
		}
	}
	if n.Kind != yaml.MappingNode {
		return nil
	}
	at := -1
	for i := 0; i+1 < len(n.Content); i += 2 {
		if k := n.Content[i]; k.Kind == yaml.ScalarNode && k.ShortTag() == "!!merge" {
			at = i
			break
		}
	}
	if at < 0 {
		return nil
	}
	key, v := n.Content[at], n.Content[at+1]
	sources := []*yaml.Node{v}
	if v.Kind == yaml.SequenceNode {
		sources = v.Content
	}
	own := map[string]bool{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if i != at {
			own[n.Content[i].Value] = true
		}
	}
	var pairs []*yaml.Node
	for _, src := range sources {
		m := src
		if m.Kind == yaml.AliasNode {
			m = m.Alias
		}
		if m == nil || m.Kind != yaml.MappingNode {
			return &Error{Pos: t.Pos(src), Msg: "a YAML merge key (<<) takes a mapping or a list of mappings"}
		}
		for k, v := range Pairs(m) {
			if !own[k.Value] {
				own[k.Value] = true
				pairs = append(pairs, k, v)
			}
		}
	}
	if t.merged == nil {
		t.merged = map[*yaml.Node]*yaml.Node{}
	}
	t.merged[n] = key
	n.Content = slices.Concat(n.Content[:at], pairs, n.Content[at+2:])
	return nil
}

// Pos is the position of a node.
func (t *Template) Pos(n *yaml.Node) Pos {
	if n == nil {
		return Pos{File: t.Path, Line: 1, Col: 1}
	}
	return Pos{File: t.Path, Line: n.Line, Col: n.Column}
}

// Errorf is an *Error at a node of this template.
func (t *Template) Errorf(n *yaml.Node, format string, args ...any) error {
	return &Error{Pos: t.Pos(n), Msg: fmt.Sprintf(format, args...)}
}

// Resource is one entry of the Resources section.
type Resource struct {
	ID   string
	Type string
	// Key is the logical-ID key node; Node the resource's mapping.
	Key  *yaml.Node
	Node *yaml.Node
}

// Prop returns a property's value node, or nil.
func (r Resource) Prop(name string) *yaml.Node { return Get(Get(r.Node, "Properties"), name) }

// Attr returns a resource attribute's value node (DependsOn, Condition …), or nil.
func (r Resource) Attr(name string) *yaml.Node { return Get(r.Node, name) }

// Resources lists the resources in file order.
func (t *Template) Resources() []Resource {
	m := Get(t.Root, "Resources")
	if m == nil || m.Kind != yaml.MappingNode {
		return nil
	}
	out := make([]Resource, 0, len(m.Content)/2)
	for k, v := range Pairs(m) {
		r := Resource{ID: k.Value, Key: k, Node: v}
		if ty := Get(v, "Type"); ty != nil && ty.Kind == yaml.ScalarNode {
			r.Type = ty.Value
		}
		out = append(out, r)
	}
	return out
}

// Resource returns the resource of a logical ID.
func (t *Template) Resource(id string) (Resource, bool) {
	for _, r := range t.Resources() {
		if r.ID == id {
			return r, true
		}
	}
	return Resource{}, false
}

// Parameter returns a parameter's mapping node, or nil.
func (t *Template) Parameter(name string) *yaml.Node { return Get(Get(t.Root, "Parameters"), name) }

// Taken reports whether a logical ID names a resource or a parameter, the
// namespace that Ref and GetAtt share.
func (t *Template) Taken() func(string) bool {
	ids := map[string]bool{}
	for _, sec := range []string{"Resources", "Parameters"} {
		m := Get(t.Root, sec)
		if m == nil {
			continue
		}
		for k := range Pairs(m) {
			ids[k.Value] = true
		}
	}
	return func(id string) bool { return ids[id] }
}

// Get returns the value of a key in a mapping node, or nil.
func Get(m *yaml.Node, key string) *yaml.Node {
	if m == nil {
		return nil
	}
	if m.Kind == yaml.AliasNode {
		m = m.Alias
	}
	if m == nil || m.Kind != yaml.MappingNode {
		return nil
	}
	if i := keyIndex(m, key); i >= 0 {
		return m.Content[i+1]
	}
	return nil
}

// Pairs yields the keys and values of a mapping node in order, and nothing
// for a nil node or one of another kind.
func Pairs(m *yaml.Node) iter.Seq2[*yaml.Node, *yaml.Node] {
	return func(yield func(k, v *yaml.Node) bool) {
		if m == nil || m.Kind != yaml.MappingNode {
			return
		}
		for i := 0; i+1 < len(m.Content); i += 2 {
			if !yield(m.Content[i], m.Content[i+1]) {
				return
			}
		}
	}
}

// keyIndex is the position of a key in a mapping's Content, or -1.
func keyIndex(m *yaml.Node, key string) int {
	if m == nil {
		return -1
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return i
		}
	}
	return -1
}

func checkJSON(src []byte) error {
	dec := json.NewDecoder(bytes.NewReader(src))
	var v json.RawMessage
	if err := dec.Decode(&v); err != nil {
		return err
	}
	if dec.More() {
		off := dec.InputOffset()
		return &json.SyntaxError{Offset: off + 1}
	}
	return nil
}

var yamlLine = regexp.MustCompile(`line (\d+)`)

func yamlErrLine(err error) int {
	if m := yamlLine.FindStringSubmatch(err.Error()); m != nil {
		if n, _ := strconv.Atoi(m[1]); n > 0 {
			return n
		}
	}
	return 1
}

// yamlErrPos finds where a YAML syntax error is. yaml.v3 reports the line
// where the enclosing construct began (sometimes counted from zero), not the
// line of the problem, and no column. The problem is on the last line of the
// shortest prefix of the file that fails with the same message, found by
// binary search from the reported line (a handful of parses, paid only for a
// broken file). The column is the first tab of that line for tab errors, else
// its first non-blank character.
func yamlErrPos(src []byte, err error) (line, col int) {
	msg := trimYAMLErr(err)
	starts := []int{0}
	for i, b := range src {
		if b == '\n' && i+1 < len(src) {
			starts = append(starts, i+1)
		}
	}
	fails := func(lines int) bool {
		end := len(src)
		if lines < len(starts) {
			end = starts[lines]
		}
		var doc yaml.Node
		e := yaml.NewDecoder(bytes.NewReader(src[:end])).Decode(&doc)
		return e != nil && trimYAMLErr(e) == msg
	}
	lo, hi := min(max(yamlErrLine(err), 1), len(starts)), len(starts)
	for lo < hi {
		mid := (lo + hi) / 2
		if fails(mid) {
			hi = mid
		} else {
			lo = mid + 1
		}
	}
	line = lo
	text := src[starts[line-1]:]
	if i := bytes.IndexByte(text, '\n'); i >= 0 {
		text = text[:i]
	}
	if i := yamlErrCol(text, msg); i >= 0 {
		return line, 1 + utf8.RuneCount(text[:i])
	}
	return line, firstCol(src, line)
}

// yamlErrCol is the byte offset in a line of the most common YAML mistakes
// in templates, or -1: a tab in the indentation, a colon and space inside an
// unquoted value ("ZipFile: exports.handler = async () => ({ a: 1 })"), a
// value starting with a reserved character (` or @).
func yamlErrCol(line []byte, msg string) int {
	value := func() int {
		start := len(line) - len(bytes.TrimLeft(line, " -"))
		if i := bytes.Index(line[start:], []byte(": ")); i >= 0 {
			rest := line[start+i+2:]
			return start + i + 2 + len(rest) - len(bytes.TrimLeft(rest, " "))
		}
		return -1
	}
	switch {
	case strings.Contains(msg, "tab"):
		return bytes.IndexByte(line, '\t')
	case strings.HasPrefix(msg, "mapping values are not allowed"):
		if v := value(); v >= 0 {
			if i := bytes.Index(line[v:], []byte(": ")); i >= 0 {
				return v + i
			}
		}
	case strings.HasPrefix(msg, "found character that cannot start any token"):
		return value()
	}
	return -1
}

var yamlPrefix = regexp.MustCompile(`^yaml: (line \d+: )?`)

func trimYAMLErr(err error) string { return yamlPrefix.ReplaceAllString(err.Error(), "") }

// lineCol turns a byte offset into a 1-based line and column (in characters).
func lineCol(src []byte, off int) (int, int) {
	off = min(max(off, 0), len(src))
	line := 1 + bytes.Count(src[:off], []byte("\n"))
	start := bytes.LastIndexByte(src[:off], '\n') + 1
	return line, 1 + utf8.RuneCount(src[start:off])
}

// firstCol is the column of the first non-blank character of a line.
func firstCol(src []byte, line int) int {
	lines := bytes.SplitN(src, []byte("\n"), line+1)
	if line-1 >= len(lines) {
		return 1
	}
	l := lines[line-1]
	return 1 + len(l) - len(bytes.TrimLeft(l, " \t"))
}

// firstInvalidUTF8 is the offset of the first byte that is not valid
// UTF-8, or -1.
func firstInvalidUTF8(b []byte) int {
	if utf8.Valid(b) {
		return -1
	}
	for i := 0; i < len(b); {
		r, n := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && n == 1 {
			return i
		}
		i += n
	}
	return -1
}
