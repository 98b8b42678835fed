package render

import "go.yaml.in/yaml/v3"

// arena hands out the nodes of one tree from shared blocks: a template of
// 300 routes has some 20,000 nodes, and one allocation per node was most of
// the time spent building it.
type arena struct{ free []yaml.Node }

const arenaBlock = 512

func (a *arena) node(kind yaml.Kind, tag, value string, style yaml.Style) *yaml.Node {
	if len(a.free) == 0 {
		a.free = make([]yaml.Node, arenaBlock)
	}
	n := &a.free[0]
	a.free = a.free[1:]
	n.Kind, n.Tag, n.Value, n.Style = kind, tag, value, style
	return n
}

// The constructors below build the nodes wsdesign writes. Intrinsic
// functions are built in short form with TaggedStyle set, exactly as the
// parser reads a user's !Ref, so that Intrinsic and Refs understand the
// emitter's output and the editor's input alike.

func (a *arena) str(s string) *yaml.Node { return a.node(yaml.ScalarNode, "!!str", s, 0) }

func (a *arena) boolean(b bool) *yaml.Node {
	v := "false"
	if b {
		v = "true"
	}
	return a.node(yaml.ScalarNode, "!!bool", v, 0)
}

func (a *arena) literalBlock(s string) *yaml.Node {
	return a.node(yaml.ScalarNode, "!!str", s, yaml.LiteralStyle)
}

func (a *arena) seq(items ...*yaml.Node) *yaml.Node {
	n := a.node(yaml.SequenceNode, "!!seq", "", 0)
	n.Content = items
	return n
}

func (a *arena) strs(values []string) *yaml.Node {
	n := a.seq(make([]*yaml.Node, 0, len(values))...)
	for _, v := range values {
		n.Content = append(n.Content, a.str(v))
	}
	return n
}

func (a *arena) ref(id string) *yaml.Node { return a.short("!Ref", id) }

func (a *arena) sub(s string) *yaml.Node { return a.short("!Sub", s) }

func (a *arena) getAtt(id, attr string) *yaml.Node { return a.short("!GetAtt", id+"."+attr) }

func (a *arena) short(tag, arg string) *yaml.Node {
	return a.node(yaml.ScalarNode, tag, arg, yaml.TaggedStyle)
}

// mapping builds a mapping node in the order its keys are set.
type mapping struct {
	node  *yaml.Node
	arena *arena
}

func (a *arena) mapping() mapping {
	n := a.node(yaml.MappingNode, "!!map", "", 0)
	n.Content = make([]*yaml.Node, 0, 8) // most mappings written hold at most four pairs
	return mapping{node: n, arena: a}
}

func (m mapping) set(key string, value *yaml.Node) mapping {
	m.node.Content = append(m.node.Content, m.arena.str(key), value)
	return m
}
