package render

import (
	"slices"
	"strings"
	"unicode"

	"go.yaml.in/yaml/v3"
)

// Summary is the design read back from a template in the shape of SPEC
// section 5 (`wsdesign inspect --json`), which is also what
// ../shared/oracle/ws-check --design prints, so that the two can be compared.
// Values that a template may write as anything (name, route key, stage
// name, expressions, identity sources) are literals as YAML reads them
// (string, number, boolean or null) or, for an intrinsic, its compact
// long-form JSON text.
type Summary struct {
	APIs []APISummary `json:"apis"`
}

// APISummary is one API of a Summary.
type APISummary struct {
	LogicalID                string         `json:"logicalId"`
	Name                     any            `json:"name"`
	RouteSelectionExpression any            `json:"routeSelectionExpression"`
	Stages                   []any          `json:"stages"`
	Deployment               string         `json:"deployment"`
	Routes                   []RouteSummary `json:"routes"`
}

// RouteSummary is one route of an APISummary. Handler is a logical ID,
// "param:<Name>", a literal function name or ARN, or null.
type RouteSummary struct {
	LogicalID       *string            `json:"logicalId"`
	RouteKey        any                `json:"routeKey"`
	TwoWay          bool               `json:"twoWay"`
	IntegrationType any                `json:"integrationType"`
	Handler         *string            `json:"handler"`
	Authorizer      *AuthorizerSummary `json:"authorizer"`
}

// AuthorizerSummary is the authorizer of a route. LogicalID and Handler are
// null when the route's AuthorizerId names no authorizer of the API (and
// LogicalID for a SAM-native API, whose authorizer is generated).
type AuthorizerSummary struct {
	LogicalID      *string `json:"logicalId"`
	Handler        *string `json:"handler"`
	IdentitySource []any   `json:"identitySource"`
}

// Summarize reads the APIs into a Summary: routes sorted by route key,
// stages sorted by name, as ws-check --design sorts them.
func Summarize(apis []API) Summary {
	s := Summary{APIs: []APISummary{}}
	for _, a := range apis {
		as := APISummary{
			LogicalID:                a.Resource.ID,
			Name:                     scalarValue(a.NameNode),
			RouteSelectionExpression: scalarValue(a.RouteSelectionNode),
			Stages:                   []any{},
			Deployment:               a.Deployment,
			Routes:                   []RouteSummary{},
		}
		if a.SAM && a.NameNode == nil {
			as.Name = a.Design.Name
		}
		for _, st := range a.Stages {
			if st.NameNode == nil && a.SAM {
				as.Stages = append(as.Stages, st.Name)
				continue
			}
			as.Stages = append(as.Stages, scalarValue(st.NameNode))
		}
		slices.SortStableFunc(as.Stages, func(x, y any) int { return strings.Compare(jsString(x), jsString(y)) })
		for _, r := range a.Routes {
			rs := RouteSummary{
				LogicalID: optional(r.ID),
				RouteKey:  scalarValue(r.KeyNode),
				TwoWay:    r.TwoWay,
				Handler:   optional(r.Handler.String()),
			}
			switch {
			case a.SAM:
				rs.IntegrationType = r.IntegrationType
			case r.IntegrationID != "":
				rs.IntegrationType = scalarValue(r.Integration.Prop("IntegrationType"))
			}
			if r.HasAuthorizer {
				az := &AuthorizerSummary{IdentitySource: identitySources(nil)}
				if found, ok := a.authorizer(r.AuthorizerID); ok {
					az.LogicalID, az.Handler = optional(found.ID), optional(found.Handler.String())
					az.IdentitySource = identitySources(found.IdentitySourceNode)
				}
				rs.Authorizer = az
			}
			as.Routes = append(as.Routes, rs)
		}
		slices.SortStableFunc(as.Routes, func(x, y RouteSummary) int { return collate(jsString(x.RouteKey), jsString(y.RouteKey)) })
		s.APIs = append(s.APIs, as)
	}
	return s
}

func identitySources(n *yaml.Node) []any {
	out := []any{}
	if n == nil {
		return out
	}
	if n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	if n.Kind == yaml.SequenceNode && n.Style&yaml.TaggedStyle == 0 {
		for _, c := range n.Content {
			out = append(out, scalarValue(c))
		}
		return out
	}
	return append(out, scalarValue(n))
}

func optional(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// jsString is a value as JavaScript's String() writes it.
func jsString(v any) string {
	switch x := v.(type) {
	case nil:
		return "null"
	case string:
		return x
	case bool:
		if x {
			return "true"
		}
		return "false"
	case jsNumber:
		return x.String()
	}
	return ""
}

// collate orders route keys close to JavaScript's localeCompare, which
// ws-check sorts with: punctuation and symbols before digits before
// letters, letters compared without case first, then lower case first.
func collate(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	for i := 0; i < len(ra) && i < len(rb); i++ {
		ca, cb := collationClass(ra[i]), collationClass(rb[i])
		if ca != cb {
			return ca - cb
		}
		la, lb := unicode.ToLower(ra[i]), unicode.ToLower(rb[i])
		if la != lb {
			return int(la) - int(lb)
		}
	}
	if len(ra) != len(rb) {
		return len(ra) - len(rb)
	}
	for i := range ra {
		if ra[i] != rb[i] {
			// Lower case sorts before upper case.
			if unicode.IsLower(ra[i]) {
				return -1
			}
			return 1
		}
	}
	return 0
}

func collationClass(r rune) int {
	switch {
	case unicode.IsLetter(r):
		return 2
	case unicode.IsDigit(r):
		return 1
	}
	return 0
}
