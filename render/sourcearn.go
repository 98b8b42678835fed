package render

import (
	"strings"

	"go.yaml.in/yaml/v3"
)

// ArnAfter reads an ARN written as a literal, !Sub or !Join (a Lambda
// permission's SourceArn) and returns what follows the reference to the
// logical ID id, with every other reference replaced by "*" as an ArnLike
// pattern would match any value there. For
// arn:${AWS::Partition}:execute-api:${AWS::Region}:${AWS::AccountId}:${Api}/*/$connect
// and id Api it returns "/*/$connect". ok is false when the ARN does not
// refer to id in a form that can be read.
func ArnAfter(n *yaml.Node, id string) (rest string, ok bool) {
	var parts []arnPart
	if !flattenArn(n, &parts, 0) {
		return "", false
	}
	var b strings.Builder
	found := false
	for _, p := range parts {
		switch {
		case !found && p.ref == id:
			found = true
		case found && p.ref != "":
			b.WriteString("*")
		case found:
			b.WriteString(p.text)
		}
	}
	return b.String(), found
}

// flatText writes a value flattenArn reads as one string with each
// reference as ${ID}: the form in which two values that name a thing the
// same way (a literal, !Sub, !Join, !Ref) compare equal.
func flatText(n *yaml.Node) (string, bool) {
	var parts []arnPart
	if !flattenArn(n, &parts, 0) {
		return "", false
	}
	var b strings.Builder
	for _, p := range parts {
		if p.ref != "" {
			b.WriteString("${" + p.ref + "}")
		} else {
			b.WriteString(p.text)
		}
	}
	return b.String(), true
}

// arnPart is a literal piece of a string value, or a reference (ref set).
type arnPart struct {
	text, ref string
}

func flattenArn(n *yaml.Node, out *[]arnPart, depth int) bool {
	if n == nil || depth > 16 {
		return false
	}
	if s, ok := Scalar(n); ok {
		*out = append(*out, arnPart{text: s})
		return true
	}
	name, arg, ok := Intrinsic(n)
	if !ok {
		return false
	}
	switch name {
	case "Ref":
		s, ok := Scalar(arg)
		*out = append(*out, arnPart{ref: s})
		return ok
	case "GetAtt":
		if r := Refs(n); len(r) > 0 {
			*out = append(*out, arnPart{ref: r[0]})
			return true
		}
	case "Sub":
		s, vars, ok := subArgs(arg)
		if !ok {
			return false
		}
		for _, p := range subParts(s) {
			switch {
			case p.variable == "":
				*out = append(*out, arnPart{text: p.text})
			case Get(vars, p.variable) != nil:
				if !flattenArn(Get(vars, p.variable), out, depth+1) {
					*out = append(*out, arnPart{ref: "?"})
				}
			default:
				*out = append(*out, arnPart{ref: p.ref()})
			}
		}
		return true
	case "Join":
		if arg.Kind != yaml.SequenceNode || len(arg.Content) != 2 || arg.Content[1].Kind != yaml.SequenceNode {
			return false
		}
		sep, ok := Scalar(arg.Content[0])
		if !ok {
			return false
		}
		for i, c := range arg.Content[1].Content {
			if i > 0 {
				*out = append(*out, arnPart{text: sep})
			}
			if !flattenArn(c, out, depth+1) {
				*out = append(*out, arnPart{ref: "?"})
			}
		}
		return true
	}
	return false
}

// ArnLike reports whether s matches an ArnLike pattern: '*' matches any run
// of characters (including '/'), '?' any one character.
func ArnLike(pattern, s string) bool {
	// Iterative glob matching with backtracking to the last '*'.
	p, i, star, mark := 0, 0, -1, 0
	for i < len(s) {
		switch {
		case p < len(pattern) && (pattern[p] == '?' || pattern[p] == s[i]):
			p++
			i++
		case p < len(pattern) && pattern[p] == '*':
			star, mark = p, i
			p++
		case star >= 0:
			p, mark = star+1, mark+1
			i = mark
		default:
			return false
		}
	}
	for p < len(pattern) && pattern[p] == '*' {
		p++
	}
	return p == len(pattern)
}
