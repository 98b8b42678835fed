package render

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"unicode"
)

// ParameterOverrides reads template parameter values given as `sam` takes
// them with --parameter-overrides: each arg holds Key=Value pairs separated by
// spaces or commas, or ParameterKey=K,ParameterValue=V pairs; a value may be
// quoted ("a b" or 'a b') to hold spaces. A comma ends a value only where a
// new Key= follows it, so a CommaDelimitedList (Subnets=a,b,c) stays whole.
// Every name must be a parameter of t, and a value must be one of the
// parameter's AllowedValues when it lists them.
func ParameterOverrides(t *Template, args []string) (map[string]string, error) {
	out := map[string]string{}
	for _, arg := range args {
		words, err := splitWords(arg)
		if err != nil {
			return nil, err
		}
		for _, w := range words {
			pairs, err := overridePairs(w)
			if err != nil {
				return nil, err
			}
			for _, p := range pairs {
				if err := checkParameter(t, p[0], p[1]); err != nil {
					return nil, err
				}
				out[p[0]] = p[1]
			}
		}
	}
	return out, nil
}

func checkParameter(t *Template, name, value string) error {
	p := t.Parameter(name)
	if p == nil {
		names := t.parameterNames()
		if len(names) == 0 {
			return fmt.Errorf("%s has no parameter %s (it declares no parameters)", t.Path, name)
		}
		return fmt.Errorf("%s has no parameter %s (its parameters: %s)", t.Path, name, strings.Join(names, ", "))
	}
	allowed := Get(p, "AllowedValues")
	if allowed == nil || len(allowed.Content) == 0 {
		return nil
	}
	var vals []string
	for _, v := range allowed.Content {
		vals = append(vals, v.Value)
	}
	if !slices.Contains(vals, value) {
		return fmt.Errorf("%s:%d:%d: parameter %s allows %s, not %q", t.Path, allowed.Line, allowed.Column, name, strings.Join(vals, ", "), value)
	}
	return nil
}

func (t *Template) parameterNames() []string {
	m := Get(t.Root, "Parameters")
	if m == nil {
		return nil
	}
	var names []string
	for k := range Pairs(m) {
		names = append(names, k.Value)
	}
	return names
}

// splitWords splits s at spaces outside quotes, keeping the quotes.
func splitWords(s string) ([]string, error) {
	var words []string
	var b strings.Builder
	var quote rune
	for i, c := range s {
		switch {
		case quote != 0:
			if c == quote && s[i-1] != '\\' {
				quote = 0
			}
		case c == '"' || c == '\'':
			quote = c
		case unicode.IsSpace(c):
			if b.Len() > 0 {
				words = append(words, b.String())
				b.Reset()
			}
			continue
		}
		b.WriteRune(c)
	}
	if quote != 0 {
		return nil, fmt.Errorf("--parameter-overrides: %q has an unclosed quote", s)
	}
	if b.Len() > 0 {
		words = append(words, b.String())
	}
	return words, nil
}

var (
	samPair = regexp.MustCompile(`^ParameterKey=([A-Za-z0-9]+),ParameterValue=(.*)$`)
	// keyAt matches a Key= at the start of a pair; a comma before one ends the
	// previous value.
	keyAt = regexp.MustCompile(`^,?["']?[A-Za-z0-9]+["']?=`)
)

// overridePairs reads one word: ParameterKey=K,ParameterValue=V, or Key=Value
// pairs separated by commas.
func overridePairs(w string) ([][2]string, error) {
	if m := samPair.FindStringSubmatch(w); m != nil {
		return [][2]string{{m[1], unquote(m[2])}}, nil
	}
	var pairs [][2]string
	for rest := w; rest != ""; {
		k := keyAt.FindString(rest)
		if k == "" || len(pairs) == 0 && k[0] == ',' {
			return nil, fmt.Errorf("--parameter-overrides: %q is not Key=Value (or ParameterKey=K,ParameterValue=V)", w)
		}
		rest = rest[len(k):]
		end := valueEnd(rest)
		pairs = append(pairs, [2]string{strings.Trim(strings.TrimPrefix(k, ","), `"'=`), unquote(rest[:end])})
		rest = rest[end:]
	}
	return pairs, nil
}

// valueEnd is where the value at the start of s ends: after its closing
// quote, or before a comma that a new Key= follows.
func valueEnd(s string) int {
	if s != "" && (s[0] == '"' || s[0] == '\'') {
		for i := 1; i < len(s); i++ {
			if s[i] == s[0] && s[i-1] != '\\' {
				return i + 1
			}
		}
		return len(s)
	}
	for i := 0; i < len(s); i++ {
		if s[i] == ',' && keyAt.MatchString(s[i:]) {
			return i
		}
	}
	return len(s)
}

func unquote(v string) string {
	if len(v) >= 2 && (v[0] == '"' || v[0] == '\'') && v[len(v)-1] == v[0] {
		return strings.ReplaceAll(v[1:len(v)-1], `\`+v[:1], v[:1])
	}
	return v
}

// IsParameterOverride reports whether a word reads as a parameter override
// (Key=Value or ParameterKey=…) rather than a file name.
func IsParameterOverride(w string) bool { return keyAt.MatchString(w) && w[0] != ',' }
