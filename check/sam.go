package check

import (
	"fmt"
	"regexp"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/wsdesign/wsdesign/model"
	"github.com/wsdesign/wsdesign/render"
)

// What the SAM transform (aws-sam-translator 1.110, samtranslator/model/
// sam_resources.py SamWebSocketApi and model/api/websocket_api_generator.py)
// refuses in an AWS::Serverless::WebSocketApi. goformation's SAM schema
// predates the type, so these rules follow the translator's own code.

// samTransform is the transform that makes the AWS::Serverless types.
const samTransform = "AWS::Serverless-2016-10-31"

// samKind is the Python type the translator wants for a property.
type samKind int

const (
	samString samKind = iota
	samBool
	samMap
	samStringOrMap
)

func (k samKind) accepts(typ string) bool {
	switch k {
	case samString:
		return typ == pyStr
	case samBool:
		return typ == "bool"
	case samMap:
		return typ == pyMap
	}
	return typ == pyStr || typ == pyMap
}

func (k samKind) String() string {
	switch k {
	case samString:
		return "a string"
	case samBool:
		return "true or false"
	case samMap:
		return "a mapping"
	}
	return "a string or a mapping"
}

// samProperties are SamWebSocketApi.property_types.
var samProperties = map[string]samKind{
	"ApiKeySelectionExpression": samString,
	"AccessLogSettings":         samMap,
	"Auth":                      samMap,
	"DefaultRouteSettings":      samMap,
	"Description":               samString,
	"DisableExecuteApiEndpoint": samBool,
	"Domain":                    samMap,
	"DisableSchemaValidation":   samBool,
	"FailOnWarnings":            samBool,
	"IpAddressType":             samString,
	"Name":                      samString,
	"PropagateTags":             samBool,
	"Routes":                    samMap,
	"RouteSettings":             samMap,
	"RouteSelectionExpression":  samString,
	"StageName":                 samStringOrMap,
	"StageVariables":            samMap,
	"Tags":                      samMap,
}

// samGlobals are the properties Globals.WebSocketApi may set (the
// translator's plugins/globals/globals.py).
var samGlobals = []string{
	"AccessLogSettings", "ApiKeySelectionExpression", "DefaultRouteSettings", "DisableExecuteApiEndpoint",
	"DisableSchemaValidation", "Domain", "FailOnWarnings", "IpAddressType", "PropagateTags",
	"RouteSelectionExpression", "RouteSettings", "StageVariables", "Tags",
}

// The values SAM accepts for AuthType and IpAddressType, and the characters
// of a base path.
var (
	samAuthTypes      = []string{"AWS_IAM", "CUSTOM", "NONE"}
	samIPAddressTypes = []string{"ipv4", "dualstack"}
	samBasePathBad    = regexp.MustCompile(`[^0-9a-zA-Z/\-_]+`)
)

// checkTransform reports SAM resource types in a template without the SAM
// transform, at the first one's Type.
func (r *run) checkTransform() {
	tr := render.Get(r.t.Root, "Transform")
	names := []*yaml.Node{tr}
	if tr != nil && tr.Kind == yaml.SequenceNode {
		names = tr.Content
	}
	for _, n := range names {
		if s, ok := render.Scalar(n); ok && s == samTransform {
			return
		}
	}
	for _, res := range r.t.Resources() {
		if strings.HasPrefix(res.Type, "AWS::Serverless::") {
			r.report(NoTransform, res, res.Attr("Type"), "%s is a SAM resource type, but the template has no Transform: %s, so CloudFormation does not know it", res.Type, samTransform)
			return
		}
	}
}

// checkSAMGlobals reports a Globals.WebSocketApi the transform refuses.
func (r *run) checkSAMGlobals() {
	g := render.Get(render.Get(r.t.Root, "Globals"), "WebSocketApi")
	switch {
	case g == nil:
		return
	case pyType(g) != pyMap:
		r.reportTemplate(SAMProperty, g, fmt.Sprintf("Globals.WebSocketApi is %s; SAM wants a mapping of properties", describePy(g)))
		return
	}
	for k := range render.Pairs(g) {
		if !slices.Contains(samGlobals, k.Value) {
			r.reportTemplate(SAMProperty, k, fmt.Sprintf("Globals.WebSocketApi cannot set %s; SAM accepts there only %s", k.Value, strings.Join(samGlobals, ", ")))
		}
	}
}

// checkSAM runs the rules of what the SAM transform refuses in one
// AWS::Serverless::WebSocketApi.
func (r *run) checkSAM(a render.API) {
	api := a.Resource
	if props := render.Get(api.Node, "Properties"); props != nil && props.Kind == yaml.MappingNode {
		for k := range render.Pairs(props) {
			if _, known := samProperties[k.Value]; !known {
				r.report(SAMProperty, api, k, "SAM knows no property %s of AWS::Serverless::WebSocketApi%s", k.Value, suggest(k.Value, samProperties))
			}
		}
	}
	for name, kind := range samProperties {
		n := render.SAMProp(r.t, api, name)
		if typ := pyType(n); typ != pyNone && !samIntrinsic(n) && !kind.accepts(typ) {
			r.report(SAMProperty, api, n, "%s is %s; SAM wants %s%s", name, describePy(n), kind, quoteHint(kind, n))
		}
	}
	if n := render.SAMProp(r.t, api, "RouteSelectionExpression"); n != nil && pyType(n) == pyNone {
		r.report(NoSelectionExpression, api, n, "RouteSelectionExpression of %s is empty; SAM requires it", api.ID)
	}
	r.checkSAMRoutes(a)
	r.checkSAMAuth(a)
	r.checkSAMNetwork(api)
}

// checkSAMRoutes reports Routes the transform refuses.
func (r *run) checkSAMRoutes(a render.API) {
	api := a.Resource
	responded := map[string]bool{} // route keys with a RouteResponse of the template
	for _, rt := range a.Routes {
		responded[rt.Key] = len(rt.RouteResponseIDs) > 0
	}
	routes := api.Prop("Routes")
	switch {
	case pyType(routes) == pyNone:
		r.report(SAMRoutes, api, routes, "WebSocketApi %s has no Routes; SAM requires at least one route", api.ID)
		return
	case cfnIntrinsic(routes):
		r.report(SAMRoutes, api, routes, "Routes is given by an intrinsic function; SAM reads the routes when it transforms the template, so write them out")
		return
	case pyType(routes) != pyMap:
		return // SAMProperty reports it
	case len(routes.Content) == 0:
		r.report(SAMRoutes, api, routes, "Routes of %s is empty; SAM requires at least one route", api.ID)
		return
	}
	ids := map[string]string{} // logical ID SAM writes → the first route key that makes it
	for keyNode, spec := range render.Pairs(routes) {
		key := keyNode.Value
		if id, ok := render.SAMRouteID(api.ID, key); ok {
			if first, dup := ids[id]; dup {
				r.report(DuplicateRouteKey, api, keyNode, "route keys %q and %q both become the logical ID %s: SAM keeps only one of the two routes", first, key, id)
			} else {
				ids[id] = key
			}
		}
		switch {
		case pyType(keyNode) != pyStr:
			r.report(SAMRoutes, api, keyNode, "route key %s is read as %s; SAM wants a string: quote it", key, describePy(keyNode))
		case !model.IsReservedRoute(key) && !strings.HasPrefix(key, "$") && !alphanumeric(key):
			// A key starting with $ is ReservedRouteKey's.
			r.report(SAMRoutes, api, keyNode, "route key %q is not letters and digits only; SAM builds the route's logical IDs from it and refuses it", key)
		}
		if pyType(spec) != pyMap || cfnIntrinsic(spec) {
			r.report(SAMRoutes, api, spec, "route %s is %s; SAM wants a mapping with the route's FunctionArn", key, describePy(spec))
			continue
		}
		if pyType(render.Get(spec, "FunctionArn")) == pyNone {
			r.report(SAMRoutes, api, keyNode, "route %s has no FunctionArn; SAM needs the function that serves the route", key)
		}
		if rp := render.Get(spec, "RequestParameters"); pyTruthy(rp) && key != model.RouteConnect {
			r.report(SAMRoutes, api, rp, "route %s has RequestParameters; SAM accepts them only on the $connect route of a WebSocket API", key)
		}
		// SAM writes RouteResponseSelectionExpression on the route and no
		// RouteResponse, without which API Gateway sends nothing back; the
		// template may add one on the route ID SAM generates.
		switch rrse := render.Get(spec, "RouteResponseSelectionExpression"); {
		case pyType(rrse) == pyNone, responded[key] && !model.OneWayOnly(key):
		case model.OneWayOnly(key):
			r.report(TwoWayReserved, api, rrse, "route %s is two-way (RouteResponseSelectionExpression), but API Gateway never answers on %s", key, key)
		default:
			r.report(TwoWayIncomplete, api, rrse, "route %s has RouteResponseSelectionExpression, but SAM generates no RouteResponse for it and the template adds none: the handler's answer is never sent to the client", key)
		}
	}
}

// checkSAMAuth reports an Auth the transform refuses.
func (r *run) checkSAMAuth(a render.API) {
	api := a.Resource
	auth := api.Prop("Auth")
	if pyType(auth) != pyMap || cfnIntrinsic(auth) || len(auth.Content) == 0 {
		return // an empty Auth is no auth; any other value is SAMProperty's
	}
	typeNode := render.Get(auth, "AuthType")
	authType, _ := render.Scalar(typeNode)
	upper := strings.ToUpper(authType)
	switch {
	case !pyTruthy(typeNode):
		r.report(SAMAuth, api, auth, "Auth has %s but no AuthType; SAM needs AuthType (AWS_IAM, CUSTOM or NONE) for any auth setting", settingNames(auth, ""))
	case r.parameterRef(typeNode):
		// Known only once the stack's parameters are.
	case pyType(typeNode) != pyStr:
		r.report(SAMAuth, api, typeNode, "AuthType is %s; SAM wants AWS_IAM, CUSTOM or NONE written out", describePy(typeNode))
	case !slices.Contains(samAuthTypes, upper):
		r.report(SAMAuth, api, typeNode, "AuthType %q is not one of AWS_IAM, CUSTOM or NONE", authType)
	case upper == render.AuthorizationCustom && !pyTruthy(render.Get(auth, "AuthArn")):
		r.report(SAMAuth, api, typeNode, "AuthType CUSTOM needs AuthArn, the ARN of the authorizer function")
	case upper != render.AuthorizationCustom && len(auth.Content) > 2:
		r.report(SAMAuth, api, typeNode, "AuthType %s takes no other setting; SAM refuses %s beside it", authType, settingNames(auth, "AuthType"))
	case upper == render.AuthorizationCustom && authType != upper:
		// SAM compares the type case-blind when it validates and exactly
		// when it builds: "custom" passes and builds no authorizer.
		r.report(AuthorizerUnused, api, typeNode, "AuthType %q is accepted by SAM but builds no authorizer (it must be CUSTOM in capitals): clients connect without being authorized", authType)
	}
	hasConnect := slices.ContainsFunc(a.Routes, func(rt render.Route) bool { return rt.Key == model.RouteConnect })
	if !hasConnect && upper != render.AuthorizationCustom {
		// A CUSTOM authorizer without $connect is AuthorizerUnused's.
		r.report(SAMAuth, api, auth, "Auth is set but %s has no $connect route; SAM applies auth on $connect only and refuses it elsewhere", api.ID)
	}
}

// checkSAMNetwork reports an IpAddressType or Domain the transform refuses.
func (r *run) checkSAMNetwork(api render.Resource) {
	if n := render.SAMProp(r.t, api, "IpAddressType"); pyType(n) == pyStr && !slices.Contains(samIPAddressTypes, n.Value) {
		r.report(SAMProperty, api, n, "IpAddressType %q is not ipv4 or dualstack", n.Value)
	}
	domain := render.SAMProp(r.t, api, "Domain")
	if pyType(domain) != pyMap || cfnIntrinsic(domain) {
		return
	}
	if pyType(render.Get(domain, "DomainName")) == pyNone || pyType(render.Get(domain, "CertificateArn")) == pyNone {
		r.report(SAMProperty, api, domain, "Domain needs both DomainName and CertificateArn")
	}
	if ec := render.Get(domain, "EndpointConfiguration"); pyType(ec) != pyNone && !r.parameterRef(ec) {
		if s, ok := render.Scalar(ec); !ok || s != "REGIONAL" {
			r.report(SAMProperty, api, ec, "EndpointConfiguration is %s; SAM maps a WebSocket API's domain as REGIONAL only", describePy(ec))
		}
	}
	if m := render.Get(domain, "MutualTlsAuthentication"); pyTruthy(m) {
		r.report(SAMProperty, api, m, "MutualTlsAuthentication: API Gateway does not support mutual TLS for WebSocket APIs, and SAM refuses it")
	}
	paths := []*yaml.Node{}
	switch bp := render.Get(domain, "BasePath"); {
	case !pyTruthy(bp):
	case pyType(bp) == pyStr:
		paths = append(paths, bp)
	case pyType(bp) == pyList:
		paths = bp.Content
	}
	for _, p := range paths {
		switch {
		case r.parameterRef(p):
		case pyType(p) != pyStr:
			r.report(SAMProperty, api, p, "base path %s; SAM wants each base path as a string", describePy(p))
		case samBasePathBad.MatchString(p.Value):
			r.report(SAMProperty, api, p, "base path %q has characters SAM refuses: only letters, digits, -, _ and /", p.Value)
		}
	}
	if r53 := render.Get(domain, "Route53"); pyType(r53) != pyNone {
		switch {
		case pyType(r53) != pyMap:
			r.report(SAMProperty, api, r53, "Domain.Route53 is %s; SAM wants a mapping", describePy(r53))
		case pyType(render.Get(r53, "HostedZoneId")) == pyNone && pyType(render.Get(r53, "HostedZoneName")) == pyNone:
			r.report(SAMProperty, api, r53, "Domain.Route53 needs HostedZoneId or HostedZoneName")
		}
	}
}

// parameterRef reports whether a value is a Ref to a parameter: the
// transform sees the stack's parameter values, which check cannot know.
func (r *run) parameterRef(n *yaml.Node) bool {
	name, arg, ok := render.Intrinsic(n)
	if !ok || name != "Ref" {
		return false
	}
	s, ok := render.Scalar(arg)
	return ok && r.t.Parameter(s) != nil
}

// cfnIntrinsic reports whether a value is an intrinsic function call (any
// tag other than YAML's own counts, as the translator's reader takes it).
func cfnIntrinsic(n *yaml.Node) bool {
	if _, _, ok := render.Intrinsic(n); ok {
		return true
	}
	return samIntrinsic(n) && n.Kind != yaml.MappingNode
}

// alphanumeric reports whether a route key is ASCII letters and digits,
// which the logical IDs SAM derives from it must be.
func alphanumeric(s string) bool {
	for _, c := range s {
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9') {
			return false
		}
	}
	return s != ""
}

// settingNames lists the keys of a mapping but one, for a message.
func settingNames(m *yaml.Node, except string) string {
	var names []string
	for k := range render.Pairs(m) {
		if k := k.Value; k != except {
			names = append(names, k)
		}
	}
	return strings.Join(names, ", ")
}

// describePy names a value as the translator sees it, for a message.
func describePy(n *yaml.Node) string {
	switch typ := pyType(n); typ {
	case pyMap:
		if cfnIntrinsic(n) {
			return "an intrinsic function"
		}
		return "a mapping"
	case pyList:
		return "a list"
	case pyStr:
		return fmt.Sprintf("the string %q", n.Value)
	case "bool":
		return fmt.Sprintf("%s, which YAML 1.1 reads as a boolean", n.Value)
	case "int", "float":
		return fmt.Sprintf("%s, which YAML 1.1 reads as a number", n.Value)
	case "datetime":
		return fmt.Sprintf("%s, which YAML 1.1 reads as a date", n.Value)
	default:
		return "empty"
	}
}

// quoteHint tells how to write a scalar YAML 1.1 misreads as the string SAM wants.
func quoteHint(k samKind, n *yaml.Node) string {
	if (k == samString || k == samStringOrMap) && n.Kind == yaml.ScalarNode {
		return ": quote it"
	}
	return ""
}
