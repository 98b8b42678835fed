package render

import (
	"fmt"

	"go.yaml.in/yaml/v3"
)

// verify parses the edited text and proves that it means what the edit
// intends: every top-level section and entry it does not touch reads back
// identical to the original, every touched entry as intended, and nothing
// else appears.
func (e *Edit) verify(out []byte) error {
	t2, err := Parse(e.t.Path, out)
	if err != nil {
		return fmt.Errorf("%w: the edited text does not parse: %w", ErrEdit, err)
	}
	if t2.Format != e.t.Format {
		return fmt.Errorf("%w: the edited %s template reads as %s", ErrEdit, e.t.Format, t2.Format)
	}
	touched := map[string]bool{}
	for r := range e.want {
		touched[r.section] = true
	}
	root, root2 := e.t.Root, t2.Root
	seen := map[string]bool{}
	for k, v := range Pairs(root) {
		key := k.Value
		seen[key] = true
		got := Get(root2, key)
		if !touched[key] {
			if !Same(v, got) {
				return fmt.Errorf("%w: the edit would change %s, which it does not touch", ErrEdit, key)
			}
			continue
		}
		if err := e.verifySection(key, v, got); err != nil {
			return err
		}
	}
	for key := range e.topLevel {
		if Get(root2, key) == nil {
			return fmt.Errorf("%w: %s was not added", ErrEdit, key)
		}
	}
	for k, v := range Pairs(root2) {
		key := k.Value
		if want, ok := e.topLevel[key]; ok && !seen[key] {
			if !Same(want, v) {
				return fmt.Errorf("%w: %s does not read back as intended", ErrEdit, key)
			}
			continue
		}
		if !seen[key] {
			if err := e.verifySection(key, nil, v); err != nil {
				return err
			}
		}
	}
	return nil
}

func (e *Edit) verifySection(section string, before, after *yaml.Node) error {
	want := 0
	check := func(id string, orig *yaml.Node) error {
		w, touched := e.want[entryRef{section, id}]
		if !touched {
			w = orig
		}
		got := Get(after, id)
		switch {
		case w == nil && got != nil:
			return fmt.Errorf("%w: %s %s should be removed but is still there", ErrEdit, section, id)
		case w == nil:
			return nil
		case !Same(w, got):
			return fmt.Errorf("%w: %s %s does not read back as intended", ErrEdit, section, id)
		}
		want++
		return nil
	}
	inBefore := map[string]bool{}
	if before != nil {
		for k, v := range Pairs(before) {
			inBefore[k.Value] = true
			if err := check(k.Value, v); err != nil {
				return err
			}
		}
	}
	for r := range e.want {
		if r.section == section && !inBefore[r.id] {
			if err := check(r.id, nil); err != nil {
				return err
			}
		}
	}
	got := 0
	if after != nil {
		got = len(after.Content) / 2
	}
	if got != want {
		return fmt.Errorf("%w: %s has %d entries after the edit, %d intended", ErrEdit, section, got, want)
	}
	return nil
}

// Same reports whether two values mean the same to CloudFormation: equal
// trees, where an intrinsic function may be written in either form and
// styles, comments and positions do not count.
func Same(a, b *yaml.Node) bool {
	if same(a, b) {
		return true
	}
	return same(canonical(a), canonical(b))
}

func same(a, b *yaml.Node) bool {
	a, b = deref(a), deref(b)
	if a == nil || b == nil {
		return a == b
	}
	if a.Kind != b.Kind || len(a.Content) != len(b.Content) {
		return false
	}
	if a.Kind == yaml.ScalarNode && (a.Value != b.Value || a.ShortTag() != b.ShortTag()) {
		return false
	}
	if a.Kind != yaml.ScalarNode && a.Style&yaml.TaggedStyle != b.Style&yaml.TaggedStyle {
		return false
	}
	if a.Style&yaml.TaggedStyle != 0 && a.Tag != b.Tag {
		return false
	}
	for i := range a.Content {
		if !same(a.Content[i], b.Content[i]) {
			return false
		}
	}
	return true
}

func deref(n *yaml.Node) *yaml.Node {
	for n != nil && n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	if n != nil && n.Kind == yaml.DocumentNode && len(n.Content) == 1 {
		n = n.Content[0]
	}
	return n
}

// canonical is the long form of a value with Fn::GetAtt always a list.
func canonical(n *yaml.Node) *yaml.Node {
	n = longForm(n)
	var walk func(n *yaml.Node)
	walk = func(n *yaml.Node) {
		if n == nil {
			return
		}
		if n.Kind == yaml.MappingNode && len(n.Content) == 2 && n.Content[0].Value == "Fn::GetAtt" && n.Content[1].Kind == yaml.ScalarNode {
			n.Content[1] = getAttList(n.Content[1].Value)
		}
		for _, c := range n.Content {
			walk(c)
		}
	}
	walk(n)
	return n
}
