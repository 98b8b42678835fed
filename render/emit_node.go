package render

import (
	"strings"

	"go.yaml.in/yaml/v3"
)

// The constructors below build the nodes wsdesign writes. Intrinsic
// functions are built in short form with TaggedStyle set, exactly as the
// parser reads a user's !Ref, so that Intrinsic and Refs understand the
// emitter's output and the editor's input alike.

func str(s string) *yaml.Node {
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: s}
}

func boolean(b bool) *yaml.Node {
	v := "false"
	if b {
		v = "true"
	}
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!bool", Value: v}
}

func literalBlock(s string) *yaml.Node {
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: s, Style: yaml.LiteralStyle}
}

func seq(items ...*yaml.Node) *yaml.Node {
	return &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq", Content: items}
}

func strs(values []string) *yaml.Node {
	n := seq()
	for _, v := range values {
		n.Content = append(n.Content, str(v))
	}
	return n
}

func ref(id string) *yaml.Node { return short("!Ref", id) }

func sub(s string) *yaml.Node { return short("!Sub", s) }

func getAtt(id, attr string) *yaml.Node { return short("!GetAtt", id+"."+attr) }

func short(tag, arg string) *yaml.Node {
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: tag, Value: arg, Style: yaml.TaggedStyle}
}

// mapping builds a mapping node in the order its keys are set.
type mapping struct{ node *yaml.Node }

func newMapping() mapping {
	return mapping{node: &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}}
}

func (m mapping) set(key string, value *yaml.Node) mapping {
	m.node.Content = append(m.node.Content, str(key), value)
	return m
}

// LongForm returns a copy of n in which every short-form intrinsic
// (!Ref X, !GetAtt X.Arn, !Sub s …) is written in long form ({Ref: X},
// {Fn::GetAtt: [X, Arn]}, {Fn::Sub: s}), the only form JSON can hold.
func LongForm(n *yaml.Node) *yaml.Node {
	if n == nil {
		return nil
	}
	if n.Kind == yaml.AliasNode {
		return LongForm(n.Alias)
	}
	if name, arg, ok := Intrinsic(n); ok && n.Style&yaml.TaggedStyle != 0 {
		key := "Fn::" + name
		if name == "Ref" || name == "Condition" {
			key = name
		}
		value := LongForm(arg)
		if name == "GetAtt" && arg.Kind == yaml.ScalarNode {
			// !GetAtt Fn.Arn splits at the first dot: the attribute may hold more.
			id, attr, _ := strings.Cut(arg.Value, ".")
			value = seq(str(id), str(attr))
		}
		return newMapping().set(key, value).node
	}
	out := *n
	out.Content = make([]*yaml.Node, len(n.Content))
	for i, c := range n.Content {
		out.Content[i] = LongForm(c)
	}
	return &out
}
