package render

import (
	"strings"

	"github.com/wsdesign/wsdesign/model"
	"go.yaml.in/yaml/v3"
)

// SAMProp is a property of a SAM-native WebSocket API, falling back to the
// template's Globals.WebSocketApi as the SAM transform does.
func SAMProp(t *Template, r Resource, name string) *yaml.Node {
	if n := r.Prop(name); n != nil {
		return n
	}
	return Get(Get(Get(t.Root, "Globals"), "WebSocketApi"), name)
}

// sam reads an AWS::Serverless::WebSocketApi. The transform generates one
// Route, Integration and Permission per entry of its Routes map, a stage
// with AutoDeploy (StageName, else "default") and, for Auth of type CUSTOM,
// a REQUEST authorizer on $connect; none of those exist in the template, so
// their logical IDs are empty.
func (x *index) sam(res Resource) API {
	a := API{Resource: res, SAM: true, NameNode: res.Prop("Name"), Deployment: DeployAuto, Resources: []string{res.ID}}
	a.RouteSelectionNode = SAMProp(x.t, res, "RouteSelectionExpression")
	a.RouteSelectionExpression = Text(a.RouteSelectionNode)

	stage := Stage{Name: SAMDefaultStage, AutoDeploy: true}
	if n := SAMProp(x.t, res, "StageName"); n != nil {
		stage.Name, stage.NameNode = Text(n), n
	}
	a.Stages = []Stage{stage}

	auth := SAMProp(x.t, res, "Auth")
	authType := strings.ToUpper(Text(Get(auth, "AuthType")))
	if authType == AuthorizationCustom {
		az := Authorizer{Type: AuthorizerRequest, IdentitySourceNode: Get(auth, "IdentitySource")}
		az.IdentitySource = textList(az.IdentitySourceNode)
		az.Handler = x.lambda(Get(auth, "AuthArn"))
		a.Authorizers = []Authorizer{az}
	}

	// Route responses SAM does not write: resources of the template that
	// name a route SAM generates.
	responses := map[string][]string{}
	for _, rr := range x.of(TypeRouteResponse, res.ID) {
		for _, ref := range Refs(rr.Prop("RouteId")) {
			responses[ref] = append(responses[ref], rr.ID)
			a.Resources = append(a.Resources, rr.ID)
		}
	}
	routes := res.Prop("Routes")
	if routes != nil && routes.Kind == yaml.AliasNode {
		routes = routes.Alias
	}
	if routes != nil && routes.Kind == yaml.MappingNode {
		for key, spec := range Pairs(routes) {
			rt := Route{Key: key.Value, KeyNode: key, Spec: spec, IntegrationType: IntegrationAWSProxy}
			rt.Handler = x.lambda(Get(spec, "FunctionArn"))
			if n := Get(spec, "RouteResponseSelectionExpression"); n != nil {
				rt.RouteResponseSelectionExpression = Text(n)
				rt.TwoWay = true
			}
			if id, ok := SAMRouteID(res.ID, rt.Key); ok {
				rt.RouteResponseIDs = responses[id]
			}
			if rt.Key == model.RouteConnect && authType != "" {
				rt.AuthorizationType = authType
				rt.HasAuthorizer = authType == AuthorizationCustom
			}
			a.Routes = append(a.Routes, rt)
		}
	}
	a.Design = design(a)
	a.Pinned = pinned(a)
	return a
}

// SAMRouteID is the logical ID of the route that SAM's transform generates
// for a route key of an AWS::Serverless::WebSocketApi: the API's ID, the key
// without "$" and capitalized, and "Route". SAM refuses keys that are not
// alphanumeric (ok is false).
func SAMRouteID(api, key string) (id string, ok bool) {
	clean := key
	if model.IsReservedRoute(key) {
		clean = key[1:]
	}
	if !model.IsAlnum(clean) {
		return "", false
	}
	return api + strings.ToUpper(clean[:1]) + strings.ToLower(clean[1:]) + "Route", true
}
