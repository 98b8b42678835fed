package check

import (
	"encoding/json"
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/awslabs/goformation/v7/schema"
	"go.yaml.in/yaml/v3"

	"github.com/wsdesign/wsdesign/render"
)

// jsonSchema is the part of JSON Schema that goformation's CloudFormation
// schema uses for resource properties.
type jsonSchema struct {
	Ref                  string                 `json:"$ref"`
	Type                 string                 `json:"type"`
	Properties           map[string]*jsonSchema `json:"properties"`
	PatternProperties    map[string]*jsonSchema `json:"patternProperties"`
	AdditionalProperties json.RawMessage        `json:"additionalProperties"`
	Required             []string               `json:"required"`
	Items                *jsonSchema            `json:"items"`

	patterns []*regexp.Regexp
}

// schemaPrefixes select the definitions the schema rule reads: the
// resources of WebSocket APIs and the permissions that let them invoke Lambda.
var schemaPrefixes = []string{`"AWS::ApiGatewayV2::`, `"AWS::Lambda::Permission`}

// definitions reads the schema once, when first needed.
var definitions = sync.OnceValues(loadDefinitions)

// loadDefinitions reads the definitions of schemaPrefixes from goformation's
// bundled SAM schema. Decoding only these few objects out of the 7 MB
// document keeps the first check fast.
func loadDefinitions() (map[string]*jsonSchema, error) {
	src := schema.SamSchema
	defs := map[string]*jsonSchema{}
	for _, prefix := range schemaPrefixes {
		// Definitions are keyed at a fixed indentation and sorted, so the
		// ones with a prefix are consecutive.
		key := "\n        " + prefix
		for i := strings.Index(src, key); i >= 0; {
			start := i + len("\n        ")
			colon := strings.Index(src[start:], `": {`)
			if colon < 0 {
				break
			}
			name := src[start+1 : start+colon]
			dec := json.NewDecoder(strings.NewReader(src[start+colon+3:]))
			var s jsonSchema
			if err := dec.Decode(&s); err != nil {
				return nil, fmt.Errorf("goformation schema, definition %s: %w", name, err)
			}
			defs[name] = &s
			next := start + colon + 3 + int(dec.InputOffset())
			if !strings.HasPrefix(src[next:], ",\n        "+prefix) {
				break
			}
			i = next + 1
		}
	}
	for _, d := range defs {
		if err := compile(d); err != nil {
			return nil, err
		}
	}
	return defs, nil
}

// compile prepares the regular expressions of patternProperties.
func compile(s *jsonSchema) error {
	if s == nil {
		return nil
	}
	for p, sub := range s.PatternProperties {
		re, err := regexp.Compile(p)
		if err != nil {
			return fmt.Errorf("goformation schema pattern %q: %w", p, err)
		}
		s.patterns = append(s.patterns, re)
		if err := compile(sub); err != nil {
			return err
		}
	}
	for _, sub := range s.Properties {
		if err := compile(sub); err != nil {
			return err
		}
	}
	return compile(s.Items)
}

// checkSchema validates a resource's Properties against its type's schema.
func (r *run) checkSchema(res render.Resource) error {
	defs, err := definitions()
	if err != nil {
		return err
	}
	def := defs[res.Type]
	if def == nil {
		return nil
	}
	props := def.Properties["Properties"]
	if props == nil {
		return nil
	}
	n := render.Get(res.Node, "Properties")
	if n == nil {
		if len(props.Required) > 0 {
			r.report(Schema, res, nil, "%s has no Properties; it requires %s", res.Type, strings.Join(props.Required, ", "))
		}
		return nil
	}
	v := validator{run: r, res: res, defs: defs}
	v.value(props, n, "Properties")
	return nil
}

type validator struct {
	run  *run
	res  render.Resource
	defs map[string]*jsonSchema
}

func (v validator) value(s *jsonSchema, n *yaml.Node, path string) {
	for s != nil && s.Ref != "" {
		s = v.defs[strings.TrimPrefix(s.Ref, "#/definitions/")]
	}
	if s == nil || n == nil {
		return
	}
	if n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	if _, _, ok := render.Intrinsic(n); ok {
		// An intrinsic's value is known only at deploy time.
		return
	}
	if n.Kind == yaml.ScalarNode && n.Tag == "!!null" {
		return
	}
	if !v.typeOK(s.Type, n) {
		v.run.report(Schema, v.res, n, "%s should be %s, not %s", path, article(s.Type), describe(n))
		return
	}
	switch n.Kind {
	case yaml.MappingNode:
		v.object(s, n, path)
	case yaml.SequenceNode:
		for i, it := range n.Content {
			v.value(s.Items, it, fmt.Sprintf("%s[%d]", path, i))
		}
	}
}

func (v validator) object(s *jsonSchema, n *yaml.Node, path string) {
	closed := string(s.AdditionalProperties) == "false"
	for k, val := range render.Pairs(n) {
		if sub, ok := s.Properties[k.Value]; ok {
			v.value(sub, val, path+"."+k.Value)
			continue
		}
		if sub := s.matchPattern(k.Value); sub != nil {
			v.value(sub, val, path+"."+k.Value)
			continue
		}
		if closed && len(s.Properties)+len(s.PatternProperties) > 0 {
			v.run.report(Schema, v.res, k, "unknown property %s.%s of %s%s", path, k.Value, v.res.Type, suggest(k.Value, s.Properties))
		}
	}
	for _, req := range s.Required {
		if render.Get(n, req) == nil {
			v.run.report(Schema, v.res, n, "%s misses required property %s of %s", path, req, v.res.Type)
		}
	}
}

func (s *jsonSchema) matchPattern(key string) *jsonSchema {
	for _, re := range s.patterns {
		if re.MatchString(key) {
			return s.PatternProperties[re.String()]
		}
	}
	return nil
}

// typeOK accepts the values CloudFormation converts: any scalar where a
// string is wanted, "true" and "false" (quoted or not) for a boolean.
func (v validator) typeOK(typ string, n *yaml.Node) bool {
	switch typ {
	case "string":
		return n.Kind == yaml.ScalarNode
	case "boolean":
		return n.Kind == yaml.ScalarNode && (strings.EqualFold(n.Value, "true") || strings.EqualFold(n.Value, "false"))
	case "number":
		_, err := strconv.ParseFloat(n.Value, 64)
		return n.Kind == yaml.ScalarNode && err == nil
	case "integer":
		_, err := strconv.ParseInt(n.Value, 10, 64)
		return n.Kind == yaml.ScalarNode && err == nil
	case "object":
		return n.Kind == yaml.MappingNode
	case "array":
		return n.Kind == yaml.SequenceNode
	}
	return true
}

func article(typ string) string {
	switch typ {
	case "object":
		return "a mapping"
	case "array":
		return "a list"
	case "integer":
		return "an integer"
	}
	return "a " + typ
}

func describe(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	}
	return strconv.Quote(n.Value)
}

// suggest names the known property a misspelt one most likely means.
func suggest[V any](name string, known map[string]V) string {
	var names []string
	for k := range known {
		if strings.EqualFold(k, name) {
			return "; did you mean " + k + "?"
		}
		names = append(names, k)
	}
	sort.Strings(names)
	best, bestDist := "", 3
	for _, k := range names {
		if d := distance(strings.ToLower(k), strings.ToLower(name)); d < bestDist {
			best, bestDist = k, d
		}
	}
	if best != "" {
		return "; did you mean " + best + "?"
	}
	return ""
}

// distance is the Levenshtein distance of two strings.
func distance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
