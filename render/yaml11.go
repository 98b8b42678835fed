package render

import "regexp"

// The SAM CLI, the SAM translator and cfn-lint read templates with PyYAML, a
// YAML 1.1 reader: a plain `on` is a boolean there and `1:20` a number, where
// yaml.v3 (YAML 1.2) reads strings. These are PyYAML's implicit resolvers.
var (
	pyBool      = regexp.MustCompile(`^(?:yes|Yes|YES|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF)$`)
	pyInt       = regexp.MustCompile(`^(?:[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+|[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+)$`)
	pyFloat     = regexp.MustCompile(`^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?|\.[0-9_]+(?:[eE][-+][0-9]+)?|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$`)
	pyNull      = regexp.MustCompile(`^(?:~|null|Null|NULL|)$`)
	pyTimestamp = regexp.MustCompile(`^(?:[0-9]{4}-[0-9]{2}-[0-9]{2}|[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(?:[Tt]|[ \t]+)[0-9]{1,2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]*)?(?:[ \t]*(?:Z|[-+][0-9]{1,2}(?::[0-9]{2})?))?)$`)
)

// PyYAMLTag is the tag PyYAML gives a plain scalar: !!bool, !!int, !!float,
// !!null, !!timestamp, !!merge or !!str.
func PyYAMLTag(plain string) string {
	switch {
	case pyBool.MatchString(plain):
		return "!!bool"
	case pyInt.MatchString(plain):
		return "!!int"
	case pyFloat.MatchString(plain):
		return "!!float"
	case pyNull.MatchString(plain):
		return "!!null"
	case pyTimestamp.MatchString(plain):
		return "!!timestamp"
	case plain == "<<":
		return "!!merge"
	case plain == "=":
		return "!!value"
	}
	return "!!str"
}
