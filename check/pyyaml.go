package check

import (
	"regexp"

	"go.yaml.in/yaml/v3"
)

// The SAM translator reads templates with PyYAML, a YAML 1.1 reader: a plain
// `yes` is a boolean there and `1:20` a number, where yaml.v3 (YAML 1.2) reads
// strings. Its property checks test Python types, so the SAM rules ask what
// PyYAML makes of a value. These are PyYAML's implicit resolvers.
var (
	pyBool      = regexp.MustCompile(`^(?:yes|Yes|YES|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF)$`)
	pyInt       = regexp.MustCompile(`^(?:[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+|[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+)$`)
	pyFloat     = regexp.MustCompile(`^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?|\.[0-9_]+(?:[eE][-+][0-9]+)?|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$`)
	pyNull      = regexp.MustCompile(`^(?:~|null|Null|NULL|)$`)
	pyTimestamp = regexp.MustCompile(`^(?:[0-9]{4}-[0-9]{2}-[0-9]{2}|[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(?:[Tt]|[ \t]+)[0-9]{1,2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]*)?(?:[ \t]*(?:Z|[-+][0-9]{1,2}(?::[0-9]{2})?))?)$`)
)

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
	switch v := n.Value; {
	case pyBool.MatchString(v):
		return "bool"
	case pyInt.MatchString(v):
		return "int"
	case pyFloat.MatchString(v):
		return "float"
	case pyNull.MatchString(v):
		return pyNone
	case pyTimestamp.MatchString(v):
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
