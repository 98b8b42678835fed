package check

import (
	"regexp"

	"github.com/wsdesign/wsdesign/render"
	"go.yaml.in/yaml/v3"
)

// The SAM translator reads templates with PyYAML, a YAML 1.1 reader, and its
// property checks test Python types, so the SAM rules ask what PyYAML makes
// of a value (render.PyYAMLTag for plain scalars).

// Python types of PyYAML's values, as pyType names them.
const (
	pyStr  = "str"
	pyMap  = "dict"
	pyList = "list"
	pyNone = "None"
)

// pyType is the Python type PyYAML gives a value: str, bool, int, float,
// None, datetime, dict or list. Tags other than YAML's own (!Ref, !Sub …)
// become one-key dicts, as the SAM translator's reader builds them.
func pyType(n *yaml.Node) string {
	if n == nil {
		return pyNone
	}
	if n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	switch n.Kind {
	case yaml.MappingNode:
		return pyMap
	case yaml.SequenceNode:
		return pyList
	}
	if n.Style&yaml.TaggedStyle != 0 {
		switch n.Tag {
		case "!!str", "!!binary":
			return pyStr
		case "!!bool":
			return "bool"
		case "!!int":
			return "int"
		case "!!float":
			return "float"
		case "!!null":
			return pyNone
		case "!!timestamp":
			return "datetime"
		}
		return pyMap
	}
	if n.Style&(yaml.DoubleQuotedStyle|yaml.SingleQuotedStyle|yaml.LiteralStyle|yaml.FoldedStyle) != 0 {
		return pyStr
	}
	switch render.PyYAMLTag(n.Value) {
	case "!!bool":
		return "bool"
	case "!!int":
		return "int"
	case "!!float":
		return "float"
	case "!!null":
		return pyNone
	case "!!timestamp":
		return "datetime"
	}
	return pyStr
}

// pyTruthy reports whether Python takes PyYAML's value for true, as the
// translator's `if value:` tests do.
func pyTruthy(n *yaml.Node) bool {
	if n != nil && n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	switch pyType(n) {
	case pyNone:
		return false
	case pyMap, pyList:
		return len(n.Content) > 0 || n.Style&yaml.TaggedStyle != 0
	case pyStr:
		return n.Value != ""
	case "bool":
		return !falseWords[n.Value]
	case "int", "float":
		return !zero.MatchString(n.Value)
	}
	return true
}

var (
	falseWords = map[string]bool{"no": true, "No": true, "NO": true, "false": true, "False": true, "FALSE": true, "off": true, "Off": true, "OFF": true}
	zero       = regexp.MustCompile(`^[-+]?(?:0[0_]*|0b[0_]+|0x[0_]+|0?\.[0_]*|[0_]+\.[0_]*(?:[eE][-+][0-9]+)?)$`)
)

// samIntrinsic reports whether the SAM translator takes a value for an
// intrinsic function and leaves it to CloudFormation: its property checks
// skip any mapping of one key, which is what a tag such as !Ref becomes.
func samIntrinsic(n *yaml.Node) bool {
	if n != nil && n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	if n == nil {
		return false
	}
	if n.Style&yaml.TaggedStyle != 0 && len(n.Tag) > 1 && n.Tag[:2] != "!!" {
		return true
	}
	return n.Kind == yaml.MappingNode && len(n.Content) == 2
}
