package render

import (
	"strings"

	"go.yaml.in/yaml/v3"
)

// Intrinsic reads an intrinsic function call in either form: the short tag
// (!Ref X, !GetAtt X.Arn) or the long mapping ({Ref: X}, {Fn::GetAtt: [X, Arn]}).
// name is the long name without "Fn::" ("Ref", "GetAtt", "Sub", "Join" …).
func Intrinsic(n *yaml.Node) (name string, arg *yaml.Node, ok bool) {
	if n == nil {
		return "", nil, false
	}
	if n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	if n.Style&yaml.TaggedStyle != 0 && shortTags[n.Tag] {
		// The argument is the node itself without its tag.
		a := *n
		a.Tag, a.Style = "", n.Style&^yaml.TaggedStyle
		switch a.Kind {
		case yaml.ScalarNode:
			a.Tag = "!!str"
		case yaml.SequenceNode:
			a.Tag = "!!seq"
		case yaml.MappingNode:
			a.Tag = "!!map"
		}
		return n.Tag[1:], &a, true
	}
	if n.Kind == yaml.MappingNode && len(n.Content) == 2 {
		k := n.Content[0].Value
		if k == "Ref" || k == "Condition" {
			return k, n.Content[1], true
		}
		if strings.HasPrefix(k, "Fn::") {
			return k[4:], n.Content[1], true
		}
	}
	return "", nil, false
}

// longIntrinsic reads a short-form intrinsic (!Ref X, !GetAtt X.Arn) as its
// long form: the mapping key (Ref, Condition, Fn::<Name>) and the argument,
// with the !GetAtt string split at its first dot into [X, Attr] (the
// attribute may hold more dots), as cfn-flip converts it. Every writer of
// the long form (JSON output, compact JSON values, long-form YAML) uses it.
func longIntrinsic(n *yaml.Node) (key string, arg *yaml.Node, ok bool) {
	if n == nil || n.Style&yaml.TaggedStyle == 0 || !shortTags[n.Tag] {
		return "", nil, false
	}
	name, arg, _ := Intrinsic(n)
	key = "Fn::" + name
	if name == "Ref" || name == "Condition" {
		key = name
	}
	if name == "GetAtt" && arg.Kind == yaml.ScalarNode {
		arg = getAttList(arg.Value)
	}
	return key, arg, true
}

// getAttList is the list form of a GetAtt argument written as one string:
// "X.Arn" is [X, Arn], split at the first dot.
func getAttList(s string) *yaml.Node {
	seq := &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq"}
	for _, part := range strings.SplitN(s, ".", 2) {
		seq.Content = append(seq.Content, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: part})
	}
	return seq
}

// Scalar returns the value of a plain scalar node (not an intrinsic).
func Scalar(n *yaml.Node) (string, bool) {
	if n == nil {
		return "", false
	}
	if n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	if n == nil || n.Kind != yaml.ScalarNode || n.Style&yaml.TaggedStyle != 0 && shortTags[n.Tag] {
		return "", false
	}
	return n.Value, true
}

// subArgs reads the argument of Fn::Sub: the string, and the variables map
// of the list form (nil when not given). ok is false when the string is not
// a plain scalar.
func subArgs(arg *yaml.Node) (s string, vars *yaml.Node, ok bool) {
	if arg != nil && arg.Kind == yaml.SequenceNode {
		if len(arg.Content) == 0 {
			return "", nil, false
		}
		if len(arg.Content) > 1 {
			vars = arg.Content[1]
		}
		arg = arg.Content[0]
	}
	s, ok = Scalar(arg)
	return s, vars, ok
}

// subPart is a piece of a Fn::Sub string: literal text, or a variable
// (${Name}, ${Resource.Attribute}).
type subPart struct {
	text, variable string
}

// ref is the logical ID or parameter a variable names: the part before its
// first dot.
func (p subPart) ref() string { return strings.SplitN(p.variable, ".", 2)[0] }

// subParts splits a Fn::Sub string into literal text and variables, as
// CloudFormation reads it: ${!Literal} is the text ${Literal}, and a "${"
// with no closing brace, or "${}", is text.
func subParts(s string) []subPart {
	var out []subPart
	text := func(t string) {
		if t == "" {
			return
		}
		if n := len(out); n > 0 && out[n-1].variable == "" {
			out[n-1].text += t
			return
		}
		out = append(out, subPart{text: t})
	}
	for s != "" {
		i := strings.Index(s, "${")
		j := -1
		if i >= 0 {
			j = strings.IndexByte(s[i:], '}')
		}
		if j < 0 {
			text(s)
			break
		}
		text(s[:i])
		switch v := s[i+2 : i+j]; {
		case v == "":
			text("${}")
		case v[0] == '!':
			text("${" + v[1:] + "}")
		default:
			out = append(out, subPart{variable: v})
		}
		s = s[i+j+1:]
	}
	return out
}

// Refs lists the names a value refers to through Ref, GetAtt and Sub,
// in order of first appearance and without repeats. Pseudo parameters
// (AWS::Region …) are included; callers look names up in the template.
func Refs(n *yaml.Node) []string {
	var out []string
	seen := map[string]bool{}
	add := func(s string) {
		if s != "" && !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	var walk func(n *yaml.Node, depth int)
	walk = func(n *yaml.Node, depth int) {
		if n == nil || depth > 64 {
			return
		}
		if n.Kind == yaml.AliasNode {
			walk(n.Alias, depth+1)
			return
		}
		if name, arg, ok := Intrinsic(n); ok {
			switch name {
			case "Ref":
				if s, ok := Scalar(arg); ok {
					add(s)
					return
				}
			case "GetAtt":
				if s, ok := Scalar(arg); ok {
					add(strings.SplitN(s, ".", 2)[0])
					return
				}
				if arg.Kind == yaml.SequenceNode && len(arg.Content) > 0 {
					if s, ok := Scalar(arg.Content[0]); ok {
						add(s)
					}
					for _, c := range arg.Content[1:] {
						walk(c, depth+1)
					}
					return
				}
			case "Sub":
				s, vars, ok := subArgs(arg)
				if ok {
					for _, p := range subParts(s) {
						if p.variable != "" && Get(vars, p.variable) == nil {
							add(p.ref())
						}
					}
				}
				if vars != nil {
					walk(vars, depth+1)
				}
				return
			}
			walk(arg, depth+1)
			return
		}
		for _, c := range n.Content {
			walk(c, depth+1)
		}
	}
	walk(n, 0)
	return out
}

// RefersTo reports whether a value refers to the logical ID id.
func RefersTo(n *yaml.Node, id string) bool {
	for _, r := range Refs(n) {
		if r == id {
			return true
		}
	}
	return false
}

// AsWritten is a value that is not a literal as a user reads it in the file,
// on one line: `!Sub ${AWS::StackName}-chat` in YAML with the short tag,
// {'Fn::Sub': '${AWS::StackName}-chat'} in the long form (as flow YAML), compact JSON in a
// JSON file. It is "" for a literal or no value.
func AsWritten(n *yaml.Node, f Format) string {
	if n == nil {
		return ""
	}
	if _, ok := Scalar(n); ok {
		return ""
	}
	if f == JSON {
		return CompactJSON(n)
	}
	if n.Kind == yaml.ScalarNode {
		return n.Tag + " " + n.Value
	}
	flow := *n
	flow.Style |= yaml.FlowStyle
	b, err := yaml.Marshal(&flow)
	if err != nil {
		return CompactJSON(n)
	}
	return strings.Join(strings.Fields(string(b)), " ")
}
