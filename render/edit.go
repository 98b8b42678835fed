package render

import (
	"bytes"
	"errors"
	"fmt"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Top-level sections whose entries an Edit adds, removes and changes.
const (
	SectionParameters = "Parameters"
	SectionResources  = "Resources"
	SectionOutputs    = "Outputs"
)

// sectionOrder is the usual order of a template's top-level sections; a
// section an edit creates goes to its place in it.
var sectionOrder = []string{"AWSTemplateFormatVersion", "Description", "Metadata", "Parameters",
	"Rules", "Mappings", "Conditions", "Transform", "Globals", "Resources", "Outputs"}

// ErrEdit marks an edit that cannot be made to a template as it is written,
// or whose result would not read back as intended. The file is not written.
var ErrEdit = errors.New("cannot edit the template")

// Edit is a set of changes to a template, applied to its source bytes. Each
// change replaces the text of the entries it touches and nothing else, so
// every other byte of the file (comments, key order, quoting, blank lines,
// intrinsic forms, line endings) survives. Changes are recorded against the
// original text and applied together by Apply, which re-parses the result
// and proves that untouched entries read back identical and touched ones as
// intended.
type Edit struct {
	t       *Template
	s       *source
	style   Style
	splices []splice
	// want is the intended value of every touched entry, nil when removed.
	want map[entryRef]*yaml.Node
	// anchors maps an added entry to where it was inserted, so that another
	// entry can be added after it.
	anchors map[entryRef]int
	// created holds entries of sections the template does not have yet.
	created map[string][]createdEntry
	// rewrites holds the index in splices of entries written again whole;
	// inserted that of keys added below an entry, by entry and path.
	rewrites map[entryRef]int
	inserted map[string]int
	// nodes builds the nodes of new values.
	nodes arena
	// byID indexes the template's resources (see resource).
	byID map[string]Resource
	// topLevel holds new top-level keys that are not sections of entries
	// (Transform).
	topLevel map[string]*yaml.Node
	// jsonRemoved holds, per JSON object, the indices of the keys removed:
	// which commas go depends on all of them, so Apply cuts them together.
	jsonRemoved map[*yaml.Node][]int
}

type entryRef struct{ section, id string }

type createdEntry struct {
	id   string
	node *yaml.Node
}

// splice replaces src[start:end] with text.
type splice struct {
	start, end int
	text       string
}

// NewEdit starts an edit of t.
func NewEdit(t *Template) *Edit {
	return &Edit{t: t, s: newSource(t.Src), style: DetectStyle(t),
		want: map[entryRef]*yaml.Node{}, anchors: map[entryRef]int{}, created: map[string][]createdEntry{}, topLevel: map[string]*yaml.Node{}, rewrites: map[entryRef]int{}, inserted: map[string]int{}}
}

// touched lists the entries the edit adds, removes or changes.
func (e *Edit) touched() map[string][]string {
	out := map[string][]string{}
	for r := range e.want {
		out[r.section] = append(out[r.section], r.id)
	}
	for _, ids := range out {
		slices.Sort(ids)
	}
	return out
}

// addTopLevel adds a top-level key that the template does not have, such as
// Transform, in its usual place.
func (e *Edit) addTopLevel(key string, value *yaml.Node) error {
	if Get(e.t.Root, key) != nil || e.topLevel[key] != nil {
		return fmt.Errorf("%w: the template already has %s", ErrEdit, key)
	}
	e.topLevel[key] = value
	return nil
}

func (e *Edit) failf(n *yaml.Node, format string, args ...any) error {
	return fmt.Errorf("%w: %w", ErrEdit, e.t.Errorf(n, format, args...))
}

// entry finds an entry of a section: the section mapping, the entry's index
// (of its key in Content) and its current intended value.
func (e *Edit) entry(section, id string) (*yaml.Node, int, error) {
	m := Get(e.t.Root, section)
	if i := keyIndex(m, id); i >= 0 {
		return m, i, nil
	}
	return m, -1, fmt.Errorf("%w: %s has no entry %s", ErrEdit, section, id)
}

// current is the value an entry will have after the changes recorded so far.
func (e *Edit) current(section, id string) (*yaml.Node, bool) {
	r := entryRef{section, id}
	if w, ok := e.want[r]; ok {
		return w, w != nil
	}
	m, i, err := e.entry(section, id)
	if err != nil {
		return nil, false
	}
	return m.Content[i+1], true
}

// Add inserts a new entry into a section, after the entry after (which may
// itself be new) or, when after is empty or absent, at the end of the
// section. A missing section is created in its usual place.
func (e *Edit) Add(section, id string, node *yaml.Node, after string) error {
	r := entryRef{section, id}
	if _, exists := e.current(section, id); exists {
		return fmt.Errorf("%w: %s already has an entry %s", ErrEdit, section, id)
	}
	if _, touched := e.want[r]; touched {
		return fmt.Errorf("%w: %s %s is removed and added again; replace it instead", ErrEdit, section, id)
	}
	m := Get(e.t.Root, section)
	if m == nil || len(m.Content) == 0 {
		// A missing or empty section (Outputs: with no value, or {}) is
		// written whole, with its new entries, by Apply.
		e.created[section] = append(e.created[section], createdEntry{id, node})
		e.want[r] = node
		return nil
	}
	if m.Style&yaml.FlowStyle != 0 && e.t.Format != JSON {
		return e.failf(m, "%s is written in flow style; wsdesign edits block-style YAML sections", section)
	}
	at, ok := e.anchors[entryRef{section, after}]
	if !ok {
		last := len(m.Content) - 2
		if i := keyIndex(m, after); i >= 0 { // keys are unique: Parse refuses repeats
			last = i
		}
		at = e.insertPoint(m, last)
	}
	var text string
	if e.t.Format == JSON {
		k := m.Content[len(m.Content)-2]
		pre := e.s.indentOf(k.Line)
		text = "," + e.style.Newline + pre + jsonString(id) + ": " + e.style.jsonValue(node, pre)
	} else {
		k := m.Content[0]
		text = e.style.yamlEntry(id, node, k.Column-1)
		if section == SectionResources && e.style.Spaced {
			text = e.style.Newline + text
		}
		text = e.atEOF(at, text)
	}
	e.splices = append(e.splices, splice{at, at, text})
	e.anchors[r] = at
	e.want[r] = node
	return nil
}

// insertPoint is the offset just after entry i of a mapping.
func (e *Edit) insertPoint(m *yaml.Node, i int) int {
	k, v := m.Content[i], m.Content[i+1]
	if e.t.Format == JSON {
		return e.s.jsonEnd(e.s.off(v))
	}
	return e.s.next(e.s.blockEntry(k, v).last)
}

// atEOF adapts text inserted at offset at to a file that does not end with a
// line ending: the text then starts with one and ends without.
func (e *Edit) atEOF(at int, text string) string {
	if at < len(e.t.Src) || e.style.FinalNewline || len(e.t.Src) == 0 {
		return text
	}
	return e.style.Newline + strings.TrimSuffix(text, e.style.Newline)
}

// Remove deletes an entry of a section with the comment lines directly above
// it. A section left empty is removed too, except Resources.
func (e *Edit) Remove(section, id string) error {
	m, i, err := e.entry(section, id)
	if err != nil {
		return err
	}
	r := entryRef{section, id}
	if w, touched := e.want[r]; touched {
		if w == nil {
			return nil
		}
		return fmt.Errorf("%w: %s %s is changed and removed in one edit", ErrEdit, section, id)
	}
	e.want[r] = nil
	left := 0
	for j := 0; j+1 < len(m.Content); j += 2 {
		if w, touched := e.want[entryRef{section, m.Content[j].Value}]; !touched || w != nil {
			left++
		}
	}
	if left == 0 && len(e.created[section]) == 0 && section != SectionResources {
		return e.removeKey(e.t.Root, keyIndex(e.t.Root, section))
	}
	return e.removeKey(m, i)
}

// removeKey records the removal of entry i (the index of its key) of m.
func (e *Edit) removeKey(m *yaml.Node, i int) error {
	k, v := m.Content[i], m.Content[i+1]
	if e.t.Format == JSON {
		if len(m.Content) == 2 {
			return e.failf(k, "cannot remove the only entry of a JSON object")
		}
		if e.jsonRemoved == nil {
			e.jsonRemoved = map[*yaml.Node][]int{}
		}
		if !slices.Contains(e.jsonRemoved[m], i) {
			e.jsonRemoved[m] = append(e.jsonRemoved[m], i)
		}
		return nil
	}
	if m.Style&yaml.FlowStyle != 0 || !e.s.firstOnLine(k) {
		return e.failf(k, "%s is not on a line of its own in block style; wsdesign cannot remove it without rewriting its neighbours", k.Value)
	}
	b := e.s.blockEntry(k, v)
	start, end := e.s.start(b.head), e.s.next(b.last)
	// Keep one gap of blank lines between the neighbours, not two: the one
	// before the entry goes with it, as an insertion writes it (so adding
	// and removing an entry gives back the bytes of the gap after it), but
	// the first entry of a mapping takes the gap after it instead.
	gap := e.s.blankAbove(b.head)
	switch {
	case gap == b.head:
	case i > 0:
		start = e.s.start(gap)
	default:
		if l := e.s.blankBelow(b.last); l <= e.s.lineCount() {
			end = e.s.start(l)
		}
	}
	// A file without a final line ending keeps none.
	if end == len(e.t.Src) && !e.style.FinalNewline && start > 0 {
		start = max(e.s.start(e.s.blankAbove(b.head))-len(e.style.Newline), 0)
		if e.t.Src[start] != '\r' && e.t.Src[start] != '\n' {
			start++
		}
	}
	e.splices = append(e.splices, splice{start, end, ""})
	return nil
}

// jsonCuts records the cuts of the removed keys of JSON objects: a run of
// removed keys followed by a kept one goes from its first key to that one;
// a run that ends the object goes from the end of the last kept value, its
// comma included.
func (e *Edit) jsonCuts() error {
	for m, removed := range e.jsonRemoved {
		gone := func(i int) bool { return slices.Contains(removed, i) }
		n := len(m.Content)
		for i := 0; i < n; i += 2 {
			if !gone(i) {
				continue
			}
			j := i
			for j < n && gone(j) {
				j += 2
			}
			switch {
			case j < n:
				e.splices = append(e.splices, splice{e.s.off(m.Content[i]), e.s.off(m.Content[j]), ""})
			case i > 0:
				e.splices = append(e.splices, splice{e.s.jsonEnd(e.s.off(m.Content[i-1])), e.s.jsonEnd(e.s.off(m.Content[n-1])), ""})
			default:
				return e.failf(m.Content[0], "cannot remove every entry of a JSON object")
			}
			i = j
		}
	}
	e.jsonRemoved = nil
	return nil
}

// Replace writes a new value for an existing entry, keeping the comment
// lines above it.
func (e *Edit) Replace(section, id string, node *yaml.Node) error {
	m, i, err := e.entry(section, id)
	if err != nil {
		return err
	}
	r := entryRef{section, id}
	if _, touched := e.want[r]; touched {
		return fmt.Errorf("%w: %s %s is changed twice in one edit", ErrEdit, section, id)
	}
	e.want[r] = node
	return e.replaceValue(m.Content[i], m.Content[i+1], node)
}

// replaceValue records a new value for the entry whose key is k.
func (e *Edit) replaceValue(k, v, node *yaml.Node) error {
	if e.t.Format == JSON {
		start := e.s.off(v)
		e.splices = append(e.splices, splice{start, e.s.jsonEnd(start), e.style.jsonValue(node, e.s.indentOf(k.Line))})
		return nil
	}
	if k.Style&yaml.FlowStyle != 0 {
		return e.failf(k, "%s is in a flow-style mapping; wsdesign edits block-style YAML", k.Value)
	}
	b := e.s.blockEntry(k, v)
	start, end := e.s.off(k), e.s.next(b.last)
	text := e.style.yamlEntry(k.Value, node, k.Column-1)
	text = text[k.Column-1:]
	if end == len(e.t.Src) && !e.style.FinalNewline {
		text = strings.TrimSuffix(text, e.style.Newline)
	}
	e.splices = append(e.splices, splice{start, end, text})
	return nil
}

// Set gives the value at path (keys below the entry, such as
// Properties, Name) a new value, adding the key, and any missing mapping on
// the way, when absent. Only that key's lines change.
func (e *Edit) Set(section, id string, path []string, value *yaml.Node) error {
	return e.change(section, id, path, func(parent *yaml.Node, i int) (*yaml.Node, error) { return value, nil })
}

// Unset removes the key at path, and a mapping it leaves empty.
func (e *Edit) Unset(section, id string, path []string) error {
	return e.change(section, id, path, nil)
}

// Append adds an item at the end of the sequence at path, creating the
// sequence when absent. A single value where a sequence may stand (SAM's
// Policies: AWSLambdaBasicExecutionRole) becomes a sequence of both.
func (e *Edit) Append(section, id string, path []string, item *yaml.Node) error {
	return e.change(section, id, path, func(parent *yaml.Node, i int) (*yaml.Node, error) {
		if i < 0 {
			return e.nodes.seq(item), nil
		}
		old := parent.Content[i+1]
		if old.Kind == yaml.SequenceNode {
			c := *old
			c.Content = append(slices.Clip(old.Content), item)
			return &c, nil
		}
		return e.nodes.seq(old, item), nil
	})
}

// SetList gives the list at path the items, as one line per added or
// removed item where the list is a block sequence whose items each stand on
// their own line and the new items are the old ones with some removed and
// some appended: the list keeps its own indentation, comments and spacing.
// A single value becomes a flow list when items are added to it, and a
// flow list left with one item becomes that value again, so that adding and
// then removing an item gives back the original text.
func (e *Edit) SetList(section, id string, path []string, items []*yaml.Node) error {
	m, ei, err := e.entry(section, id)
	if err != nil {
		return err
	}
	old := valueAt(m.Content[ei+1], path)
	if len(items) == 0 {
		return e.Unset(section, id, path)
	}
	var value *yaml.Node
	switch {
	case old != nil && old.Kind == yaml.ScalarNode && len(items) > 1:
		value = e.nodes.seq(items...)
		value.Style = yaml.FlowStyle
	case old != nil && old.Kind == yaml.SequenceNode && old.Style&yaml.FlowStyle != 0 && len(items) == 1:
		value = items[0]
	case old != nil && old.Kind == yaml.SequenceNode && e.lineItems(old):
		if kept, ok := keptPrefix(old.Content, items); ok {
			return e.spliceItems(section, id, path, old, kept, items)
		}
		value = e.nodes.seq(items...)
	default:
		value = e.nodes.seq(items...)
	}
	return e.Set(section, id, path, value)
}

// lineItems reports whether a YAML block sequence puts each of its scalar
// items on a line of its own, after its dash.
func (e *Edit) lineItems(seq *yaml.Node) bool {
	if e.t.Format != YAML || seq.Style&yaml.FlowStyle != 0 || len(seq.Content) == 0 {
		return false
	}
	prev := 0
	for _, c := range seq.Content {
		if c.Kind != yaml.ScalarNode || c.Style&(yaml.LiteralStyle|yaml.FoldedStyle) != 0 || c.Line == prev ||
			!bytes.Equal(bytes.TrimSpace(e.t.Src[e.s.start(c.Line):e.s.off(c)]), []byte("-")) {
			return false
		}
		prev = c.Line
	}
	return true
}

// keptPrefix reports which old items the new list keeps when the new list
// is the old one with items removed and others appended at its end.
func keptPrefix(old, items []*yaml.Node) (kept []bool, ok bool) {
	kept = make([]bool, len(old))
	j := 0
	for i, o := range old {
		if j < len(items) && Same(o, items[j]) {
			kept[i] = true
			j++
		}
	}
	for _, n := range items[j:] {
		if n.Kind != yaml.ScalarNode {
			return nil, false
		}
	}
	return kept, true
}

// spliceItems removes the lines of the items kept does not keep and adds
// one line per item beyond the kept ones after the list's last item.
func (e *Edit) spliceItems(section, id string, path []string, old *yaml.Node, kept []bool, items []*yaml.Node) error {
	r := entryRef{section, id}
	if w, touched := e.want[r]; touched && w == nil {
		return fmt.Errorf("%w: %s %s is removed and changed in one edit", ErrEdit, section, id)
	}
	w, _ := e.current(section, id)
	w = clone(w)
	if err := setPath(w, path, e.nodes.seq(items...)); err != nil {
		return fmt.Errorf("%w: %s %s: %w", ErrEdit, section, id, err)
	}
	e.want[r] = w
	last := old.Content[len(old.Content)-1]
	dash := strings.Index(string(e.s.text(last.Line)), "-")
	end := e.s.next(e.s.lastLine(last.Line, dash, func([]byte) bool { return false }))
	for i, c := range old.Content {
		if !kept[i] {
			e.splices = append(e.splices, splice{e.s.start(c.Line), e.s.next(e.s.lastLine(c.Line, dash, func([]byte) bool { return false })), ""})
		}
	}
	n := 0
	for _, k := range kept {
		if k {
			n++
		}
	}
	var text strings.Builder
	for _, c := range items[n:] {
		text.WriteString(e.style.yamlLines(e.nodes.seq(c), dash))
	}
	if text.Len() > 0 {
		e.splices = append(e.splices, splice{end, end, e.atEOF(end, text.String())})
	}
	return nil
}

// change records a change at path in an entry: value computes the new value
// from the parent mapping and the key's index there (-1 when absent); a nil
// value removes the key.
func (e *Edit) change(section, id string, path []string, value func(parent *yaml.Node, i int) (*yaml.Node, error)) error {
	m, ei, err := e.entry(section, id)
	if err != nil {
		return err
	}
	if len(path) == 0 {
		return fmt.Errorf("%w: empty path in %s %s", ErrEdit, section, id)
	}
	r := entryRef{section, id}
	if w, touched := e.want[r]; touched && w == nil {
		return fmt.Errorf("%w: %s %s is removed and changed in one edit", ErrEdit, section, id)
	}
	// Walk the original text's tree to find where the change goes.
	cur := m.Content[ei+1]
	var parent *yaml.Node
	idx := -1
	depth := 0
	for depth = range path {
		if cur.Kind == yaml.AliasNode || cur.Kind != yaml.MappingNode {
			return e.failf(cur, "%s %s: %s is not a mapping; wsdesign does not edit through it", section, id, strings.Join(path[:depth], "."))
		}
		if k := e.t.merged[cur]; k != nil {
			return e.failf(k, "%s holds a YAML merge key (<<); wsdesign does not edit through it: write its keys out", strings.Join(append([]string{id}, path[:depth]...), "."))
		}
		parent, idx = cur, keyIndex(cur, path[depth])
		if idx < 0 {
			break
		}
		cur = cur.Content[idx+1]
	}
	var newValue *yaml.Node
	if value != nil {
		full := idx
		if depth < len(path)-1 {
			full = -1
		}
		if newValue, err = value(parent, full); err != nil {
			return err
		}
	}
	// Record the intended entry.
	w, _ := e.current(section, id)
	w = clone(w)
	if err := setPath(w, path, newValue); err != nil {
		return fmt.Errorf("%w: %s %s: %w", ErrEdit, section, id, err)
	}
	e.want[r] = w

	if e.t.Format == YAML && parent.Style&yaml.FlowStyle != 0 {
		// Inside a flow-style mapping lines are no unit of change: the
		// entry is written again whole, in block style.
		return e.rewrite(r, m.Content[ei], m.Content[ei+1], w)
	}
	switch {
	case idx >= 0 && newValue != nil:
		// A string changed into a string keeps its quoting and comment.
		if old := parent.Content[idx+1]; plainString(old) && plainString(newValue) {
			if start, end, text, err := e.scalarSpan(old, newValue.Value); err == nil {
				e.splices = append(e.splices, splice{start, end, text})
				return nil
			}
		}
		return e.replaceValue(parent.Content[idx], parent.Content[idx+1], newValue)
	case idx >= 0:
		if len(parent.Content) == 2 && depth > 0 {
			// Removing the only key removes the mapping that holds it.
			return e.change(section, id, path[:depth], nil)
		}
		return e.removeKey(parent, idx)
	case newValue == nil:
		return nil // nothing to remove
	}
	// Insert the missing key below parent, with the value the intended
	// entry has there: a second change below the same new key (two
	// properties of a new route of a SAM API) rewrites that one insertion.
	at := valueAt(w, path[:depth+1])
	slot := strings.Join(append([]string{section, id}, path[:depth+1]...), "\x00")
	if i, ok := e.inserted[slot]; ok {
		e.dropSplice(i)
	}
	e.inserted[slot] = len(e.splices)
	return e.insertKey(parent, path[depth], at)
}

// plainString reports whether n is a string scalar without a tag of its own.
func plainString(n *yaml.Node) bool {
	return n.Kind == yaml.ScalarNode && n.Style&yaml.TaggedStyle == 0 && n.ShortTag() == "!!str"
}

// valueAt is the value at path in a tree of mappings, or nil.
func valueAt(n *yaml.Node, path []string) *yaml.Node {
	for _, k := range path {
		n = Get(n, k)
	}
	return n
}

// rewrite records that an entry is written again whole with its intended
// value; a later change of the same entry updates that text.
func (e *Edit) rewrite(r entryRef, k, v, w *yaml.Node) error {
	if i, ok := e.rewrites[r]; ok {
		e.dropSplice(i)
	}
	e.rewrites[r] = len(e.splices)
	return e.replaceValue(k, v, w)
}

// dropSplice forgets splice i, which a newer text for the same place
// replaces, and renumbers the splices recorded after it.
func (e *Edit) dropSplice(i int) {
	e.splices = slices.Delete(e.splices, i, i+1)
	for ref, j := range e.rewrites {
		if j > i {
			e.rewrites[ref] = j - 1
		}
	}
	for slot, j := range e.inserted {
		if j > i {
			e.inserted[slot] = j - 1
		}
	}
}

// insertKey records a new key at the end of mapping m.
func (e *Edit) insertKey(m *yaml.Node, key string, value *yaml.Node) error {
	if len(m.Content) == 0 || m.Style&yaml.FlowStyle != 0 && e.t.Format != JSON {
		return e.failf(m, "cannot add %s to an empty or flow-style mapping", key)
	}
	last := len(m.Content) - 2
	at := e.insertPoint(m, last)
	k := m.Content[last]
	var text string
	if e.t.Format == JSON {
		pre := e.s.indentOf(k.Line)
		text = "," + e.style.Newline + pre + jsonString(key) + ": " + e.style.jsonValue(value, pre)
	} else {
		text = e.atEOF(at, e.style.yamlEntry(key, value, k.Column-1))
	}
	e.splices = append(e.splices, splice{at, at, text})
	return nil
}

// setPath sets (or with a nil value removes) the value at path in a tree,
// creating missing mappings and removing emptied ones.
func setPath(n *yaml.Node, path []string, value *yaml.Node) error {
	if n.Kind != yaml.MappingNode {
		return fmt.Errorf("%s is not a mapping", path[0])
	}
	i := keyIndex(n, path[0])
	if len(path) == 1 {
		switch {
		case value == nil && i >= 0:
			n.Content = slices.Delete(n.Content, i, i+2)
		case value != nil && i >= 0:
			n.Content[i+1] = value
		case value != nil:
			n.Content = append(n.Content, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: path[0]}, value)
		}
		return nil
	}
	if i < 0 {
		if value == nil {
			return nil
		}
		n.Content = append(n.Content, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: path[0]},
			&yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"})
		i = len(n.Content) - 2
	}
	if err := setPath(n.Content[i+1], path[1:], value); err != nil {
		return err
	}
	if value == nil && len(n.Content[i+1].Content) == 0 {
		n.Content = slices.Delete(n.Content, i, i+2)
	}
	return nil
}

// clone is a deep copy of a node tree.
func clone(n *yaml.Node) *yaml.Node {
	if n == nil {
		return nil
	}
	c := *n
	c.Content = make([]*yaml.Node, len(n.Content))
	for i, k := range n.Content {
		c.Content[i] = clone(k)
	}
	return &c
}

// Apply makes the recorded changes and returns the new file contents. The
// result is parsed again and compared with the original: every entry the
// edit does not touch must read back identical, every touched entry as
// intended, or Apply fails and nothing should be written.
func (e *Edit) Apply() ([]byte, error) {
	if err := e.createSections(); err != nil {
		return nil, err
	}
	if err := e.jsonCuts(); err != nil {
		return nil, err
	}
	sp := slices.Clone(e.splices)
	slices.SortStableFunc(sp, func(a, b splice) int {
		if a.start != b.start {
			return a.start - b.start
		}
		if a.end == a.start && b.end == b.start {
			// Insertions at one point, into a mapping and into one it
			// holds (a SAM API's new route and its new StageName): the
			// deeper first, so that it stays in its mapping.
			return insertDepth(b.text) - insertDepth(a.text)
		}
		return a.end - b.end
	})
	var out bytes.Buffer
	out.Grow(len(e.t.Src) + 4096)
	pos := 0
	for i, x := range sp {
		if x.start < pos && x.text == "" && i > 0 && sp[i-1].text == "" {
			// Two removals that meet (the last entry of a file without a
			// final newline takes the line ending before it) remove both.
			pos = max(pos, x.end)
			continue
		}
		if x.start < pos {
			return nil, fmt.Errorf("%w: two changes overlap at byte %d", ErrEdit, x.start)
		}
		out.Write(e.t.Src[pos:x.start])
		out.WriteString(x.text)
		pos = x.end
	}
	out.Write(e.t.Src[pos:])
	res := out.Bytes()
	if !e.style.FinalNewline && len(e.t.Src) > 0 {
		// Removals that meet at the end keep a file without a final
		// line ending so.
		res = bytes.TrimSuffix(res, []byte(e.style.Newline))
	}
	if err := e.verify(res); err != nil {
		return nil, err
	}
	return res, nil
}

// insertDepth is the indentation of the first line an insertion writes.
func insertDepth(text string) int {
	text = strings.TrimLeft(text, ",\r\n")
	return len(text) - len(strings.TrimLeft(text, " \t"))
}

// createSections records the text of the sections the edit creates.
func (e *Edit) createSections() error {
	for _, section := range sectionOrder {
		m := e.topLevel[section]
		if entries := e.created[section]; len(entries) > 0 {
			m = &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
			for _, c := range entries {
				m.Content = append(m.Content, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: c.id}, c.node)
			}
		}
		if m == nil {
			continue
		}
		root := e.t.Root
		if i := keyIndex(e.t.Root, section); i >= 0 {
			if err := e.replaceValue(root.Content[i], root.Content[i+1], m); err != nil {
				return err
			}
			continue
		}
		// After the last section that comes before it, else before the first.
		rank := slices.Index(sectionOrder, section)
		prev := -1
		for i := 0; i+1 < len(root.Content); i += 2 {
			if r := slices.Index(sectionOrder, root.Content[i].Value); r >= 0 && r < rank {
				prev = i
			}
		}
		if e.t.Format == JSON {
			if prev < 0 {
				k := root.Content[0]
				pre := e.s.indentOf(k.Line)
				at := e.s.off(k)
				e.splices = append(e.splices, splice{at, at, jsonString(section) + ": " + e.style.jsonValue(m, pre) + "," + e.style.Newline + pre})
				continue
			}
			k := root.Content[prev]
			pre := e.s.indentOf(k.Line)
			at := e.s.jsonEnd(e.s.off(root.Content[prev+1]))
			e.splices = append(e.splices, splice{at, at, "," + e.style.Newline + pre + jsonString(section) + ": " + e.style.jsonValue(m, pre)})
			continue
		}
		if root.Style&yaml.FlowStyle != 0 {
			return e.failf(root, "the template is written in flow style; wsdesign edits block-style YAML")
		}
		text := e.style.yamlEntry(section, m, root.Content[0].Column-1)
		if prev < 0 {
			b := e.s.blockEntry(root.Content[0], root.Content[1])
			at := e.s.start(b.head)
			e.splices = append(e.splices, splice{at, at, text + e.style.Newline})
			continue
		}
		at := e.insertPoint(root, prev)
		// Sections separated by blank lines get one before the new section.
		if prev+2 < len(root.Content) {
			b := e.s.blockEntry(root.Content[prev+2], root.Content[prev+3])
			if kind, _ := e.s.classify(b.head - 1); kind == blankLine {
				text = e.style.Newline + text
			}
		} else if e.style.Spaced {
			text = e.style.Newline + text
		}
		e.splices = append(e.splices, splice{at, at, e.atEOF(at, text)})
	}
	return nil
}
