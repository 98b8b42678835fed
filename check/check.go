package check

import (
	"cmp"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/wsdesign/wsdesign/model"
	"github.com/wsdesign/wsdesign/render"
)

// run collects the findings of one template.
type run struct {
	t   *render.Template
	out []Finding
	// api and authorizer are the logical IDs of the API and the authorizer
	// being checked, named in the fixes of their findings ("" when none).
	api, authorizer string
}

// report adds a finding at node n of resource id (n nil: the resource's key).
func (r *run) report(rule *Rule, res render.Resource, n *yaml.Node, format string, args ...any) {
	if n == nil {
		n = res.Key
	}
	r.out = append(r.out, Finding{Rule: rule, LogicalID: res.ID, Pos: r.t.Pos(n), Message: fmt.Sprintf(format, args...), fix: r.fix(rule)})
}

// fix is the rule's Fix naming the API and authorizer being checked: the
// placeholders stand in !Sub strings, where ${ChatApi} is what the user
// writes.
func (r *run) fix(rule *Rule) string {
	var subst []string
	for placeholder, id := range map[string]string{"${Api}": r.api, "${Authorizer}": r.authorizer} {
		if id != "" {
			subst = append(subst, placeholder, "${"+id+"}")
		}
	}
	if len(subst) == 0 {
		return ""
	}
	return strings.NewReplacer(subst...).Replace(rule.Fix)
}

// reportTemplate adds a finding that belongs to no resource, at node n.
func (r *run) reportTemplate(rule *Rule, n *yaml.Node, msg string) {
	r.out = append(r.out, Finding{Rule: rule, Pos: r.t.Pos(n), Message: msg})
}

// sorted orders findings by position, then rule, so output is stable.
func sorted(fs []Finding) []Finding {
	slices.SortStableFunc(fs, func(a, b Finding) int {
		return cmp.Or(cmp.Compare(a.Pos.File, b.Pos.File), cmp.Compare(a.Pos.Line, b.Pos.Line),
			cmp.Compare(a.Pos.Col, b.Pos.Col), cmp.Compare(a.Rule.ID, b.Rule.ID))
	})
	return fs
}

// isTrue reads a boolean property written literally; intrinsics are unknown.
func isTrue(n *yaml.Node) (value, known bool) {
	s, ok := render.Scalar(n)
	if !ok {
		return false, false
	}
	switch strings.ToLower(s) {
	case "true":
		return true, true
	case "false":
		return false, true
	}
	return false, false
}

// checkRouteKey reports a custom route key that starts with '$'.
func (r *run) checkRouteKey(res render.Resource, keyNode *yaml.Node) {
	key, ok := render.Scalar(keyNode)
	if ok && strings.HasPrefix(key, "$") && !model.IsReservedRoute(key) {
		r.report(ReservedRouteKey, res, keyNode, "route key %q starts with $ but is not $connect, $disconnect or $default", key)
	}
}

// routeKey is a route key as written, with the node to report at.
type routeKey struct {
	res  render.Resource
	key  string
	node *yaml.Node
}

// checkRouteKeys reports duplicate and case-only duplicate keys of one API,
// and an API without $default.
func (r *run) checkRouteKeys(api render.Resource, keys []routeKey) {
	exact := map[string]routeKey{}
	folded := map[string]routeKey{}
	hasDefault := false
	for _, k := range keys {
		if k.key == model.RouteDefault {
			hasDefault = true
		}
		if first, dup := exact[k.key]; dup {
			r.report(DuplicateRouteKey, k.res, k.node, "route key %q is also used by %s", k.key, where(r.t, first))
			continue
		}
		exact[k.key] = k
		low := strings.ToLower(k.key)
		if first, dup := folded[low]; dup {
			r.report(CaseOnlyRouteKeys, k.res, k.node, "route key %q differs from %q (%s) only by case", k.key, first.key, where(r.t, first))
			continue
		}
		folded[low] = k
	}
	if !hasDefault && !r.nestedStackGets(api.ID) {
		r.report(NoDefaultRoute, api, nil, "API %s has no $default route", api.ID)
	}
}

// nestedStackGets reports whether a nested stack receives a resource through
// its parameters: an API's routes may then live in that stack, out of sight.
func (r *run) nestedStackGets(id string) bool {
	for _, res := range r.t.Resources() {
		if (res.Type == "AWS::CloudFormation::Stack" || res.Type == "AWS::Serverless::Application") && render.RefersTo(res.Prop("Parameters"), id) {
			return true
		}
	}
	return false
}

// where names a route key's resource and line for a message.
func where(t *render.Template, k routeKey) string {
	return fmt.Sprintf("%s at line %d", k.res.ID, t.Pos(k.node).Line)
}

// bodySelector is the form of a selection expression that reads the message.
var bodySelector = regexp.MustCompile(`^\$\{?request\.body\.`)

// checkStageName reports a stage named $default.
func (r *run) checkStageName(res render.Resource, n *yaml.Node) {
	if s, ok := render.Scalar(n); ok && s == "$default" {
		r.report(DefaultStageName, res, n, "stage name $default does not work for a WebSocket API")
	}
}

// checkLogging reports logging turned on in stage settings: props holds
// AccessLogSettings, DefaultRouteSettings and RouteSettings, as both
// AWS::ApiGatewayV2::Stage and AWS::Serverless::WebSocketApi write them.
func (r *run) checkLogging(res render.Resource, props *yaml.Node) {
	if n := render.Get(props, "AccessLogSettings"); n != nil && render.Get(n, "DestinationArn") != nil {
		r.report(StageLogging, res, n, "access logging is on (AccessLogSettings)")
	}
	settings := func(name string, s *yaml.Node) {
		if l := render.Get(s, "LoggingLevel"); l != nil {
			if v, ok := render.Scalar(l); !ok || !strings.EqualFold(v, "OFF") {
				r.report(StageLogging, res, l, "execution logging is on (%s.LoggingLevel)", name)
				return
			}
		}
		if d := render.Get(s, "DataTraceEnabled"); d != nil {
			if v, known := isTrue(d); v || !known {
				r.report(StageLogging, res, d, "execution logging is on (%s.DataTraceEnabled)", name)
			}
		}
	}
	settings("DefaultRouteSettings", render.Get(props, "DefaultRouteSettings"))
	if rs := render.Get(props, "RouteSettings"); rs != nil && rs.Kind == yaml.MappingNode {
		for k, v := range render.Pairs(rs) {
			settings("RouteSettings."+k.Value, v)
		}
	}
}

// identitySource is the syntax WebSocket authorizers accept.
var identitySource = regexp.MustCompile(`^(route\.request\.(header|querystring)\.[^.\s]+|stageVariables\.[^.\s]+|context\.\S+)$`)

// checkIdentitySources reports identity sources WebSocket APIs reject.
func (r *run) checkIdentitySources(res render.Resource, n *yaml.Node) {
	items := []*yaml.Node{n}
	if n != nil && n.Kind == yaml.SequenceNode {
		items = n.Content
	}
	for _, it := range items {
		s, ok := render.Scalar(it)
		if !ok || identitySource.MatchString(s) {
			continue
		}
		if rest, http := strings.CutPrefix(s, "$request."); http {
			r.report(IdentitySource, res, it, "identity source %q is HTTP-API syntax; a WebSocket API needs route.request.%s", s, rest)
		} else {
			r.report(IdentitySource, res, it, "identity source %q is not route.request.header.X, route.request.querystring.X, stageVariables.X or context.X", s)
		}
	}
}
