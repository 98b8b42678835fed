package render

import (
	"bytes"
	"fmt"
	"regexp"
	"strings"

	"go.yaml.in/yaml/v3"
)

// SetScalar gives a scalar of an entry (a node of the entry's tree, such as
// the string of a !Sub) a new value. Only the bytes of the scalar change:
// its tag, its quoting and a comment after it stay. Scalars written over
// several lines or as block scalars cannot be changed this way.
func (e *Edit) SetScalar(section, id string, n *yaml.Node, value string) error {
	m, i, err := e.entry(section, id)
	if err != nil {
		return err
	}
	r := entryRef{section, id}
	if w, touched := e.want[r]; touched && w == nil {
		return fmt.Errorf("%w: %s %s is removed and changed in one edit", ErrEdit, section, id)
	}
	route := indexPath(m.Content[i+1], n)
	if route == nil {
		return fmt.Errorf("%w: the scalar is not part of %s %s", ErrEdit, section, id)
	}
	start, end, text, err := e.scalarSpan(n, value)
	if err != nil {
		return err
	}
	cur, _ := e.current(section, id)
	w := clone(cur)
	target := w
	for _, k := range route {
		if k >= len(target.Content) {
			return fmt.Errorf("%w: %s %s changed shape in this edit", ErrEdit, section, id)
		}
		target = target.Content[k]
	}
	target.Value = value
	e.want[r] = w
	e.splices = append(e.splices, splice{start, end, text})
	return nil
}

// indexPath is the path of child indices from root to n, or nil.
func indexPath(root, n *yaml.Node) []int {
	if root == n {
		return []int{}
	}
	for i, c := range root.Content {
		if p := indexPath(c, n); p != nil {
			return append([]int{i}, p...)
		}
	}
	return nil
}

// scalarSpan finds the bytes of a one-line scalar and the text that writes
// value in the same style.
func (e *Edit) scalarSpan(n *yaml.Node, value string) (start, end int, text string, err error) {
	fail := func(why string) (int, int, string, error) {
		return 0, 0, "", e.failf(n, "cannot change this value in place: %s", why)
	}
	start = e.s.off(n)
	src := e.t.Src
	if e.t.Format == JSON {
		return start, e.s.jsonEnd(start), jsonString(value), nil
	}
	lineEnd := e.s.start(n.Line) + len(e.s.text(n.Line))
	if n.Style&yaml.TaggedStyle != 0 {
		// The node starts at its tag; the value follows it.
		start += len(n.Tag)
		for start < lineEnd && (src[start] == ' ' || src[start] == '\t') {
			start++
		}
	}
	line := src[start:lineEnd]
	switch {
	case n.Style&yaml.DoubleQuotedStyle != 0:
		j := 1
		for ; j < len(line) && line[j] != '"'; j++ {
			if line[j] == '\\' {
				j++
			}
		}
		if j >= len(line) {
			return fail("it continues on the next line")
		}
		return start, start + j + 1, jsonString(value), nil
	case n.Style&yaml.SingleQuotedStyle != 0:
		j := 1
		for ; j < len(line); j++ {
			if line[j] == '\'' {
				if j+1 < len(line) && line[j+1] == '\'' {
					j++
					continue
				}
				break
			}
		}
		if j >= len(line) {
			return fail("it continues on the next line")
		}
		return start, start + j + 1, "'" + strings.ReplaceAll(value, "'", "''") + "'", nil
	case n.Style&(yaml.LiteralStyle|yaml.FoldedStyle) != 0:
		return fail("it is a block scalar")
	}
	text = string(line)
	if k := bytes.Index(line, []byte(" #")); k >= 0 {
		text = string(line[:k])
	}
	text = strings.TrimRight(text, " \t")
	if text != n.Value {
		return fail("it continues on the next line")
	}
	if !plainOK(value) || plainTag(value) != "!!str" {
		return start, start + len(text), jsonString(value), nil
	}
	return start, start + len(text), value, nil
}

// stageReference matches a literal stage name as a path segment of a
// callback URL or a connections ARN: /prod at the end or before a slash.
func stageReference(stage string) *regexp.Regexp {
	return regexp.MustCompile(`/` + regexp.QuoteMeta(stage) + `(/|$)`)
}

// renameStage changes the literal stage name in the !Sub strings that name
// the API's stage: the callback URL variables and ManageConnections
// statements of functions, and the Outputs. wsdesign writes the stage name
// there as a literal (a Ref to the stage would make a dependency cycle), so
// changing the stage changes them too.
func (e *Edit) renameStage(api, from, to string) error {
	if from == "" || from == to {
		return nil
	}
	pattern := stageReference(from)
	// The API's id is ${Api} in wsdesign's strings and ${Api.ApiId} in
	// what the SAM transform writes.
	names := func(v string) bool {
		return strings.Contains(v, "${"+api+"}") || strings.Contains(v, "${"+api+".ApiId}")
	}
	visit := func(section, id string, root *yaml.Node) error {
		var firstErr error
		walkSubs(root, func(s *yaml.Node) {
			if firstErr != nil || !names(s.Value) || !pattern.MatchString(s.Value) {
				return
			}
			next := pattern.ReplaceAllString(s.Value, "/"+to+"$1")
			firstErr = e.SetScalar(section, id, s, next)
		})
		return firstErr
	}
	for _, r := range e.t.Resources() {
		if r.Type == TypeStage {
			continue
		}
		if err := visit(SectionResources, r.ID, r.Node); err != nil {
			return err
		}
	}
	outs := Get(e.t.Root, SectionOutputs)
	for k, v := range Pairs(outs) {
		if err := visit(SectionOutputs, k.Value, v); err != nil {
			return err
		}
	}
	return nil
}

// walkSubs calls f with the string node of every Fn::Sub under n, in either
// form.
func walkSubs(n *yaml.Node, f func(*yaml.Node)) {
	if n == nil || n.Kind == yaml.AliasNode {
		return
	}
	if name, _, ok := Intrinsic(n); ok && name == "Sub" {
		arg := n
		if n.Style&yaml.TaggedStyle == 0 {
			arg = n.Content[1]
		}
		if arg.Kind == yaml.SequenceNode && len(arg.Content) > 0 {
			arg = arg.Content[0]
		}
		if arg.Kind == yaml.ScalarNode {
			f(arg)
		}
		return
	}
	for _, c := range n.Content {
		walkSubs(c, f)
	}
}
