package render

import (
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// The intrinsics below choose or pick among values: Fn::If on the
// template's Conditions, Fn::Select of a list (a literal one, Fn::Split, or
// a list parameter), Fn::FindInMap in its Mappings. They resolve locally
// when their arguments do, as CloudFormation would resolve them with the
// parameters' values.

// maxConditionDepth bounds conditions that name conditions, so that a
// cycle (which CloudFormation refuses) ends.
const maxConditionDepth = 32

// resolveIf resolves !If [Condition, then, else].
func (r localResolver) resolveIf(arg *yaml.Node) (string, bool) {
	if arg.Kind != yaml.SequenceNode || len(arg.Content) != 3 {
		return "", false
	}
	holds, ok := r.condition(Text(arg.Content[0]), 0)
	if !ok {
		return "", false
	}
	if holds {
		return r.resolve(arg.Content[1])
	}
	return r.resolve(arg.Content[2])
}

// condition evaluates the template's condition of that name.
func (r localResolver) condition(name string, depth int) (bool, bool) {
	n := Get(Get(r.t.Root, "Conditions"), name)
	if n == nil || depth > maxConditionDepth {
		return false, false
	}
	return r.holds(n, depth+1)
}

// holds evaluates a condition function: Fn::Equals, Fn::Not, Fn::And,
// Fn::Or, and Condition.
func (r localResolver) holds(n *yaml.Node, depth int) (bool, bool) {
	name, arg, ok := Intrinsic(n)
	if !ok {
		return false, false
	}
	if name == "Condition" {
		return r.condition(Text(arg), depth)
	}
	if arg.Kind != yaml.SequenceNode {
		return false, false
	}
	switch name {
	case "Equals":
		if len(arg.Content) != 2 {
			return false, false
		}
		a, okA := r.resolve(arg.Content[0])
		b, okB := r.resolve(arg.Content[1])
		return a == b, okA && okB
	case "Not":
		if len(arg.Content) != 1 {
			return false, false
		}
		v, ok := r.holds(arg.Content[0], depth)
		return !v, ok
	case "And", "Or":
		all := name == "And"
		for _, c := range arg.Content {
			v, ok := r.holds(c, depth)
			if !ok {
				return false, false
			}
			if v != all {
				return v, true
			}
		}
		return all, true
	}
	return false, false
}

// resolveSelect resolves !Select [index, list].
func (r localResolver) resolveSelect(arg *yaml.Node) (string, bool) {
	if arg.Kind != yaml.SequenceNode || len(arg.Content) != 2 {
		return "", false
	}
	s, ok := r.resolve(arg.Content[0])
	i, err := strconv.Atoi(s)
	if !ok || err != nil || i < 0 {
		return "", false
	}
	items, ok := r.list(arg.Content[1])
	if !ok || i >= len(items) {
		return "", false
	}
	return items[i], true
}

// list resolves a value that is a list of strings: a sequence, !Split, or
// the Ref of a list parameter (its value split at commas).
func (r localResolver) list(n *yaml.Node) ([]string, bool) {
	if n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	if n.Kind == yaml.SequenceNode && n.Style&yaml.TaggedStyle == 0 {
		all := true
		out := make([]string, 0, len(n.Content))
		for _, c := range n.Content {
			v, ok := r.resolve(c)
			all = all && ok
			out = append(out, v)
		}
		return out, all
	}
	name, arg, ok := Intrinsic(n)
	switch {
	case !ok:
	case name == "Split" && arg.Kind == yaml.SequenceNode && len(arg.Content) == 2:
		s, ok := r.resolve(arg.Content[1])
		return strings.Split(s, Text(arg.Content[0])), ok
	case name == "Ref" && r.t.Parameter(Text(arg)) != nil:
		typ, _ := Scalar(Get(r.t.Parameter(Text(arg)), "Type"))
		if typ == "CommaDelimitedList" || strings.HasPrefix(typ, "List<") {
			s, ok := r.ref(Text(arg))
			return strings.Split(s, ","), ok
		}
	}
	return nil, false
}

// resolveFindInMap resolves !FindInMap [MapName, TopLevelKey, SecondLevelKey].
func (r localResolver) resolveFindInMap(arg *yaml.Node) (string, bool) {
	if arg.Kind != yaml.SequenceNode || len(arg.Content) < 3 {
		return "", false
	}
	v := Get(r.t.Root, "Mappings")
	for _, k := range arg.Content[:3] {
		key, ok := r.resolve(k)
		if !ok {
			return "", false
		}
		v = Get(v, key)
	}
	if s, ok := Scalar(v); ok {
		return s, true
	}
	if items, ok := r.list(v); ok && v != nil {
		return strings.Join(items, ","), true
	}
	return "", false
}
