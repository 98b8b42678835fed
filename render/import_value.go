package render

import (
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// The functions here read template values the way CloudFormation's own
// tooling does once a template is loaded into JSON: plain scalars resolve
// under the YAML 1.2 core schema (true, 12, null …), short-form tags become
// their long form ({"Ref": …}, {"Fn::GetAtt": [X, Attr]}), and an intrinsic
// that stands where a literal is expected is shown as compact JSON text. The
// same reading is what ../shared/oracle/ws-check prints, so the two agree.

// maxValueDepth bounds recursion over hostile inputs (aliases are already
// bounded by Parse).
const maxValueDepth = 200

var (
	coreInt   = regexp.MustCompile(`^[-+]?[0-9]+$`)
	coreOct   = regexp.MustCompile(`^0o[0-7]+$`)
	coreHex   = regexp.MustCompile(`^0x[0-9a-fA-F]+$`)
	coreFloat = regexp.MustCompile(`^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$`)
)

// jsNumber is a number as JavaScript prints it.
type jsNumber float64

// resolve is the value of a scalar node under the YAML 1.2 core schema:
// string, bool, jsNumber or nil.
func resolve(n *yaml.Node) any {
	v := n.Value
	// A quoted scalar is a string, and so is one tagged !!str: explicitly, or
	// as the argument of a short-form intrinsic (!Ref 42 refers to "42").
	if n.Style&(yaml.DoubleQuotedStyle|yaml.SingleQuotedStyle|yaml.LiteralStyle|yaml.FoldedStyle) != 0 || n.Tag == "!!str" {
		return v
	}
	if n.Style&yaml.TaggedStyle != 0 {
		if n.Tag == "!!null" {
			return nil
		}
		// Other explicit tags (!!int …) fall through to the plain reading.
	}
	switch v {
	case "", "~", "null", "Null", "NULL":
		return nil
	case "true", "True", "TRUE":
		return true
	case "false", "False", "FALSE":
		return false
	case ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF":
		return jsNumber(math.Inf(1))
	case "-.inf", "-.Inf", "-.INF":
		return jsNumber(math.Inf(-1))
	case ".nan", ".NaN", ".NAN":
		return jsNumber(math.NaN())
	}
	switch {
	case coreInt.MatchString(v), coreFloat.MatchString(v):
		f, err := strconv.ParseFloat(v, 64)
		if err == nil || math.IsInf(f, 0) {
			return jsNumber(f)
		}
	case coreOct.MatchString(v):
		if i, err := strconv.ParseUint(v[2:], 8, 64); err == nil {
			return jsNumber(i)
		}
	case coreHex.MatchString(v):
		if i, err := strconv.ParseUint(v[2:], 16, 64); err == nil {
			return jsNumber(i)
		}
	}
	return v
}

// literal is the value of a node that is a plain scalar (string, bool,
// jsNumber or nil) and true; false for an intrinsic, a mapping or a sequence.
func literal(n *yaml.Node) (any, bool) {
	if n == nil {
		return nil, true
	}
	if n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	if n == nil || n.Kind != yaml.ScalarNode || n.Style&yaml.TaggedStyle != 0 && shortTags[n.Tag] {
		return nil, false
	}
	return resolve(n), true
}

// scalarValue is a value as the design shows it: the literal when the node is
// one, else the long-form JSON text of what is written.
func scalarValue(n *yaml.Node) any {
	if v, ok := literal(n); ok {
		return v
	}
	return CompactJSON(n)
}

// Text is a value for display and for the design's text fields: a literal
// as written ("" when absent or null), or an intrinsic as compact JSON text
// in long form, such as {"Ref":"AWS::StackName"}.
func Text(n *yaml.Node) string {
	switch v := scalarValue(n).(type) {
	case nil:
		return ""
	case string:
		return v
	case bool:
		return strconv.FormatBool(v)
	case jsNumber:
		return v.String()
	}
	return ""
}

// stringValue is the value of a node that is a plain string literal.
func stringValue(n *yaml.Node) (string, bool) {
	v, ok := literal(n)
	s, isStr := v.(string)
	return s, ok && isStr
}

// CompactJSON writes a value as compact JSON in long intrinsic form, with
// keys in the order written, as JavaScript's JSON.stringify would.
func CompactJSON(n *yaml.Node) string {
	var b strings.Builder
	writeJSON(&b, n, 0)
	return b.String()
}

func writeJSON(b *strings.Builder, n *yaml.Node, depth int) {
	if n == nil || depth > maxValueDepth {
		b.WriteString("null")
		return
	}
	if n.Kind == yaml.AliasNode {
		writeJSON(b, n.Alias, depth+1)
		return
	}
	if key, arg, ok := longIntrinsic(n); ok {
		b.WriteByte('{')
		writeJSONString(b, key)
		b.WriteByte(':')
		writeJSON(b, arg, depth+1)
		b.WriteByte('}')
		return
	}
	switch n.Kind {
	case yaml.DocumentNode:
		if len(n.Content) > 0 {
			writeJSON(b, n.Content[0], depth+1)
			return
		}
		b.WriteString("null")
	case yaml.ScalarNode:
		writeJSONScalar(b, resolve(n))
	case yaml.SequenceNode:
		b.WriteByte('[')
		for i, c := range n.Content {
			if i > 0 {
				b.WriteByte(',')
			}
			writeJSON(b, c, depth+1)
		}
		b.WriteByte(']')
	case yaml.MappingNode:
		b.WriteByte('{')
		for i, p := range jsKeyOrder(n) {
			if i > 0 {
				b.WriteByte(',')
			}
			writeJSONString(b, n.Content[p].Value)
			b.WriteByte(':')
			writeJSON(b, n.Content[p+1], depth+1)
		}
		b.WriteByte('}')
	default:
		b.WriteString("null")
	}
}

// jsKeyOrder lists the key positions of a mapping in the order a JavaScript
// object enumerates them: array-index keys ascending first, then the others
// in the order written; a repeated key keeps its first place and last value.
func jsKeyOrder(n *yaml.Node) []int {
	last := map[string]int{}
	var keys []string
	for i := 0; i+1 < len(n.Content); i += 2 {
		k := n.Content[i].Value
		if _, seen := last[k]; !seen {
			keys = append(keys, k)
		}
		last[k] = i
	}
	index := func(k string) (uint64, bool) {
		if k == "" || len(k) > 1 && k[0] == '0' {
			return 0, false
		}
		v, err := strconv.ParseUint(k, 10, 32)
		return v, err == nil && v < math.MaxUint32
	}
	slices.SortStableFunc(keys, func(a, b string) int {
		ai, aok := index(a)
		bi, bok := index(b)
		switch {
		case aok && bok:
			return int(ai) - int(bi)
		case aok:
			return -1
		case bok:
			return 1
		}
		return 0
	})
	out := make([]int, len(keys))
	for i, k := range keys {
		out[i] = last[k]
	}
	return out
}

func writeJSONScalar(b *strings.Builder, v any) {
	switch x := v.(type) {
	case nil:
		b.WriteString("null")
	case bool:
		b.WriteString(strconv.FormatBool(x))
	case jsNumber:
		if math.IsInf(float64(x), 0) || math.IsNaN(float64(x)) {
			b.WriteString("null")
			return
		}
		b.WriteString(x.String())
	case string:
		writeJSONString(b, x)
	}
}

// writeJSONString escapes as JSON.stringify does: quotes, backslashes and
// control characters only.
func writeJSONString(b *strings.Builder, s string) {
	const hex = "0123456789abcdef"
	b.WriteByte('"')
	for _, r := range s {
		switch r {
		case '"':
			b.WriteString(`\"`)
		case '\\':
			b.WriteString(`\\`)
		case '\b':
			b.WriteString(`\b`)
		case '\f':
			b.WriteString(`\f`)
		case '\n':
			b.WriteString(`\n`)
		case '\r':
			b.WriteString(`\r`)
		case '\t':
			b.WriteString(`\t`)
		default:
			if r < 0x20 {
				b.WriteString(`\u00`)
				b.WriteByte(hex[r>>4])
				b.WriteByte(hex[r&0xF])
				continue
			}
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
}

// String formats the number as JavaScript's Number.prototype.toString.
func (x jsNumber) String() string {
	f := float64(x)
	switch {
	case math.IsNaN(f):
		return "NaN"
	case math.IsInf(f, 1):
		return "Infinity"
	case math.IsInf(f, -1):
		return "-Infinity"
	case f == 0:
		return "0"
	}
	if a := math.Abs(f); a >= 1e-6 && a < 1e21 {
		return strconv.FormatFloat(f, 'f', -1, 64)
	}
	s := strconv.FormatFloat(f, 'e', -1, 64)
	mant, exp, _ := strings.Cut(s, "e")
	sign := exp[0]
	exp = strings.TrimLeft(exp[1:], "0")
	return mant + "e" + string(sign) + exp
}

// MarshalJSON writes the number as JSON.stringify does.
func (x jsNumber) MarshalJSON() ([]byte, error) {
	f := float64(x)
	if math.IsInf(f, 0) || math.IsNaN(f) {
		return []byte("null"), nil
	}
	return []byte(x.String()), nil
}
