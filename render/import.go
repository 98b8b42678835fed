package render

import (
	"cmp"
	"regexp"
	"slices"
	"strings"

	"github.com/wsdesign/wsdesign/model"
	"go.yaml.in/yaml/v3"
)

// Deployment says how an API's routes go live, as ws-check --design reports it.
const (
	// DeployAuto: a stage has AutoDeploy (SAM-native APIs always do).
	DeployAuto = "auto"
	// DeployDeployment: a stage is tied to an AWS::ApiGatewayV2::Deployment.
	DeployDeployment = "deployment"
	// DeployNone: no stage deploys the API.
	DeployNone = "none"
)

// API is one WebSocket API found in a template.
type API struct {
	// Resource is the AWS::ApiGatewayV2::Api or AWS::Serverless::WebSocketApi.
	Resource Resource
	// SAM is true for AWS::Serverless::WebSocketApi: its routes, stage and
	// authorizer live in its own properties, and the transform generates the
	// resources.
	SAM bool
	// Design is what the wizard edits. Its Name, Stage and Description are
	// literals, or the intrinsic written there as compact long-form JSON
	// (see Text). RouteSelector is the property after "$request.body." (or
	// "${request.body.…}"); it is empty when the expression has another
	// form or is not a literal, and then RouteSelectionExpression below holds
	// it and an edit must leave the property alone unless the user sets a
	// selector. LogicalID is the API's logical ID, so that a plan keeps it.
	// Stage is the first stage in file order. Each route is an endpoint, in
	// file order; a route that is not a Lambda proxy wsdesign can relink
	// has Foreign set to its integration type ("none" without one).
	Design model.Design
	// NameNode is the Name as written (nil when absent; SAM then uses the
	// logical ID).
	NameNode *yaml.Node
	// RouteSelectionExpression is the expression (Text form), "" when
	// absent; RouteSelectionNode is the node as written (for SAM-native APIs
	// it may come from Globals.WebSocketApi).
	RouteSelectionExpression string
	RouteSelectionNode       *yaml.Node
	// Pinned holds the existing logical IDs by route key and function key,
	// so that a plan of the edited design keeps every one of them. Empty for
	// SAM-native APIs except API: their other resources are generated.
	Pinned model.Pinned
	// Routes lists every route in file order (for SAM, in the order of the
	// Routes map).
	Routes []Route
	// Stages lists the API's stages in file order. A SAM-native API has one
	// implicit stage (StageName, or "default"), with an empty ID.
	Stages []Stage
	// Authorizers lists the API's authorizers in file order. A SAM-native
	// API's Auth of type CUSTOM is one, with an empty ID.
	Authorizers []Authorizer
	// Deployment is DeployAuto, DeployDeployment or DeployNone.
	Deployment string
	// Resources lists, in file order, every logical ID that belongs to this
	// API: the API, every AWS::ApiGatewayV2 resource whose ApiId refers to it,
	// and the Lambda permissions of its handlers and authorizers. Functions
	// are never listed: they may serve other things.
	Resources []string
}

// Route is one route of an API and the resources that serve it.
type Route struct {
	// ID is the Route's logical ID; empty for a SAM-native route.
	ID string
	// Key is the RouteKey (Text form); KeyNode the node as written (for a
	// SAM-native route, its key in the Routes map).
	Key     string
	KeyNode *yaml.Node
	// Resource is the AWS::ApiGatewayV2::Route (zero for SAM-native routes).
	Resource Resource
	// Spec is a SAM-native route's entry in the Routes map (nil otherwise).
	Spec *yaml.Node
	// TwoWay is true when the route has a RouteResponseSelectionExpression
	// or a RouteResponse.
	TwoWay bool
	// RouteResponseSelectionExpression as written (Text form), "" if absent.
	RouteResponseSelectionExpression string
	// RouteResponseIDs are the RouteResponses whose RouteId refers to the route.
	RouteResponseIDs []string
	// IntegrationID is the integration of the API that the Target names (""
	// for none found and for SAM-native routes); Integration is that resource.
	IntegrationID string
	Integration   Resource
	// IntegrationType is as written (Text form); AWS_PROXY for SAM-native
	// routes, "" when there is no integration.
	IntegrationType string
	// Handler is the Lambda the integration invokes; zero for no Lambda, or
	// a Lambda found by no reference.
	Handler Invoked
	// AuthorizationType is as written (Text form); "" when absent, which API
	// Gateway reads as NONE.
	AuthorizationType string
	// AuthorizerID is the logical ID of the Authorizer that AuthorizerId
	// refers to; HasAuthorizer is true whenever AuthorizerId is written (also
	// when it names no authorizer of the API). For SAM-native routes both
	// follow Auth: HasAuthorizer on $connect with AuthType CUSTOM.
	AuthorizerID  string
	HasAuthorizer bool
	// PermissionIDs are the Lambda permissions that let API Gateway invoke
	// the handler from this API.
	PermissionIDs []string
}

// Foreign reports whether the route is not a Lambda proxy integration that
// wsdesign can relink: MOCK, HTTP, AWS service or non-proxy Lambda
// integrations, or a Lambda proxy whose function no reference names.
func (r Route) Foreign() bool {
	return r.IntegrationType != IntegrationAWSProxy || r.Handler.ID == "" && r.Handler.Parameter == ""
}

// Invoked is the Lambda function an integration or an authorizer invokes, as
// the template names it: a function of the template (ID), one given by a
// parameter, or one written as a literal; at most one of the three is set.
type Invoked struct {
	// ID and Type are a function of the template (an alias or version
	// followed to its function). Via and ViaType are the alias or version
	// the value invokes when it names one rather than the function: the
	// design links that alias or version, so an edit keeps invoking it.
	ID, Type     string
	Via, ViaType string
	// Parameter is the template parameter that gives the function's ARN.
	Parameter string
	// Literal is a function name or ARN written as a literal.
	Literal string
	// ByName is set when the value names the function ID by the name its
	// FunctionName gives it, not by reference (…:function:my-auth/…).
	ByName bool
}

// String names the function as inspect shows it: its logical ID,
// param:<Name> for a function given by parameter, the literal, or "".
func (f Invoked) String() string {
	switch {
	case f.ID != "":
		return f.ID
	case f.Parameter != "":
		return model.ARNParameter(f.Parameter).String()
	}
	return f.Literal
}

// Link is the design's link to the function: the alias or version it
// names, else the function, else the parameter; unset for a literal, which
// the design cannot link.
func (f Invoked) Link() model.LambdaLink {
	switch {
	case f.Via != "":
		l := model.Existing(f.Via)
		l.FunctionType = f.ViaType
		return l
	case f.ID != "":
		l := model.Existing(f.ID)
		l.FunctionType = f.Type
		return l
	case f.Parameter != "":
		return model.ARNParameter(f.Parameter)
	}
	return model.LambdaLink{}
}

// Describe is the function in words, for messages.
func (f Invoked) Describe() string {
	switch {
	case f.ID != "":
		return f.ID + " (" + f.Type + ")"
	case f.Parameter != "":
		return "the function whose ARN is Parameter " + f.Parameter
	case f.Literal != "":
		return f.Literal + " (a function outside the template)"
	}
	return ""
}

// Stage is one stage of an API.
type Stage struct {
	// ID is the Stage's logical ID; empty for a SAM-native API's stage.
	ID string
	// Name is the StageName (Text form).
	Name     string
	NameNode *yaml.Node
	// AutoDeploy is true when AutoDeploy is true (or "true").
	AutoDeploy bool
	// DeploymentID is the Deployment of this API that DeploymentId refers to.
	DeploymentID string
}

// Authorizer is one authorizer of an API.
type Authorizer struct {
	// ID is the Authorizer's logical ID, Resource the resource; both empty
	// for a SAM-native API's Auth.
	ID       string
	Resource Resource
	// Type is the AuthorizerType (Text form); REQUEST for SAM-native APIs.
	Type string
	// Handler is the Lambda the AuthorizerUri invokes.
	Handler Invoked
	// IdentitySource lists the identity sources (Text form); empty when the
	// property is absent. IdentitySourceNode is the property as written.
	IdentitySource     []string
	IdentitySourceNode *yaml.Node
	// PermissionIDs are the Lambda permissions that let API Gateway invoke
	// the authorizer's function.
	PermissionIDs []string
}

// Function is a Lambda function of the template that an endpoint may link.
type Function struct {
	ID   string
	Type string
}

// isFunctionType reports whether a resource type is a Lambda function, or an
// alias or version of one.
func isFunctionType(t string) bool {
	switch t {
	case TypeServerlessFunc, TypeLambdaFunction, TypeLambdaAlias, TypeLambdaVersion:
		return true
	}
	return false
}

// Functions lists the Lambda functions of the template (functions, aliases
// and versions) in file order, for the wizard's "pick a function" list.
func Functions(t *Template) []Function {
	var out []Function
	for _, r := range t.Resources() {
		if isFunctionType(r.Type) {
			out = append(out, Function{ID: r.ID, Type: r.Type})
		}
	}
	return out
}

// index is what the importer looks up many times: the resources by ID and by
// type, and what each one's ApiId refers to.
type index struct {
	t     *Template
	all   []Resource
	byID  map[string]Resource
	apiOf map[string][]string // ApiGatewayV2 resource ID → refs of its ApiId
	perms []permission
	// named are the functions of the template by the name their
	// FunctionName gives them, in flatText form: an invocation URI or a
	// permission may name a function that way rather than by reference.
	named map[string]string
}

// permission is a Lambda permission for API Gateway, read once.
type permission struct {
	Resource
	functions []string // what FunctionName refers to
	// authorizers is true when SourceArn names an authorizer path
	// (…/authorizers/…): such a permission lets API Gateway run an
	// authorizer, not a route's integration.
	authorizers bool
	name        string // FunctionName when it is a literal
	sourceArn   *yaml.Node
	source      []string // refs of SourceArn
}

func newIndex(t *Template) *index {
	x := &index{t: t, all: t.Resources(), byID: map[string]Resource{}, apiOf: map[string][]string{}, named: map[string]string{}}
	for _, r := range x.all {
		x.byID[r.ID] = r
		if !isFunctionType(r.Type) || r.Type == TypeLambdaAlias || r.Type == TypeLambdaVersion {
			continue
		}
		if name, ok := flatText(r.Prop("FunctionName")); ok && name != "" {
			if _, taken := x.named[name]; !taken {
				x.named[name] = r.ID
			}
		}
	}
	for _, r := range x.all {
		switch {
		case strings.HasPrefix(r.Type, "AWS::ApiGatewayV2::"):
			x.apiOf[r.ID] = Refs(r.Prop("ApiId"))
		case r.Type == TypePermission:
			if p := r.Prop("Principal"); !strings.Contains(CompactJSON(p), "apigateway") {
				continue
			}
			fn := r.Prop("FunctionName")
			p := permission{Resource: r, sourceArn: r.Prop("SourceArn"), source: Refs(r.Prop("SourceArn"))}
			p.name, _ = stringValue(fn)
			p.functions = Refs(fn)
			if id, ok := x.byName(fn); ok && !slices.Contains(p.functions, id) {
				p.functions = append(p.functions, id)
			}
			p.authorizers = strings.Contains(CompactJSON(p.sourceArn), "/authorizers/")
			x.perms = append(x.perms, p)
		}
	}
	return x
}

// of lists the resources of a type whose ApiId refers to the API.
func (x *index) of(typ, api string) []Resource {
	var out []Resource
	for _, r := range x.all {
		if r.Type == typ && slices.Contains(x.apiOf[r.ID], api) {
			out = append(out, r)
		}
	}
	return out
}

var invocationsPath = regexp.MustCompile(`functions/(.+)/invocations`)

// byName finds the function of the template that a value names by the name
// its FunctionName gives it: the value is an invocation URI, a function ARN
// or the name itself, written in any form flatText reads
// (`…:function:my-auth/invocations` for `FunctionName: my-auth`,
// `…:function:${AWS::StackName}-auth/…` for
// `FunctionName: !Sub ${AWS::StackName}-auth`, `${FunctionName}` for
// `FunctionName: !Ref FunctionName`).
func (x *index) byName(v *yaml.Node) (string, bool) {
	s, ok := flatText(v)
	if !ok {
		return "", false
	}
	if m := invocationsPath.FindStringSubmatch(s); m != nil {
		s = m[1]
	}
	if i := strings.LastIndex(s, ":function:"); i >= 0 {
		s = s[i+len(":function:"):]
	}
	id, ok := x.named[s]
	return id, ok
}

// lambda finds the function a value (an IntegrationUri, AuthorizerUri or
// FunctionArn) invokes: the first function of the template it refers to
// (an alias or version followed to its function), else the function it
// names by its FunctionName, else the first parameter it refers to, else
// the function written in a literal URI.
func (x *index) lambda(v *yaml.Node) Invoked {
	refs := x.functionRefs(v)
	for _, id := range refs {
		r, ok := x.byID[id]
		if !ok || !isFunctionType(r.Type) {
			continue
		}
		if r.Type == TypeLambdaAlias || r.Type == TypeLambdaVersion {
			for _, under := range Refs(r.Prop("FunctionName")) {
				if f, ok := x.byID[under]; ok && isFunctionType(f.Type) {
					return Invoked{ID: f.ID, Type: f.Type, Via: r.ID, ViaType: r.Type}
				}
			}
		}
		return Invoked{ID: r.ID, Type: r.Type}
	}
	if id, ok := x.byName(v); ok {
		return Invoked{ID: id, Type: x.byID[id].Type, ByName: true}
	}
	for _, id := range refs {
		if x.t.Parameter(id) != nil {
			return Invoked{Parameter: id}
		}
	}
	if s, ok := stringValue(v); ok {
		if m := invocationsPath.FindStringSubmatch(s); m != nil {
			return Invoked{Literal: m[1]}
		}
		return Invoked{Literal: s}
	}
	return Invoked{}
}

// functionRefs lists what a value refers to, those that stand where an
// invocation URI names its function first (`functions/${Fn.Arn}/…`,
// `…:function:${FunctionName}/invocations`): a URI also refers to the
// region and account, which can be parameters too.
func (x *index) functionRefs(v *yaml.Node) []string {
	refs := Refs(v)
	var first []string
	if name, arg, ok := Intrinsic(v); ok && name == "Sub" {
		s, _, _ := subArgs(arg)
		if m := invocationsPath.FindStringSubmatch(s); m != nil {
			seg := m[1]
			if i := strings.LastIndex(seg, ":function:"); i >= 0 {
				seg = seg[i:]
			}
			for _, p := range subParts(seg) {
				if p.variable != "" {
					first = append(first, p.ref())
				}
			}
		}
	}
	return append(first, slices.DeleteFunc(refs, func(id string) bool { return slices.Contains(first, id) })...)
}

// invokesLambda reports whether an integration URI invokes a Lambda
// function: an invocation ARN, or a function of the template itself.
func (x *index) invokesLambda(uri *yaml.Node) bool {
	if strings.Contains(CompactJSON(uri), "lambda") {
		return true
	}
	return slices.ContainsFunc(Refs(uri), func(id string) bool { return isFunctionType(x.byID[id].Type) })
}

// permissionsFor lists the permissions that let API Gateway invoke a
// handler from an API: FunctionName names what the value invokes (the alias
// or version when it goes through one, since a function's resource policy
// is kept per qualifier; the parameter; or the same literal name), and
// SourceArn is absent or refers to the API. A route's handler does not
// count permissions scoped to authorizers; an authorizer lists those first.
func (x *index) permissionsFor(f Invoked, api string, authorizer bool) []string {
	key := cmp.Or(f.Via, f.ID, f.Parameter, f.Literal)
	if key == "" {
		return nil
	}
	var scoped, other []string
	for _, p := range x.perms {
		if !slices.Contains(p.functions, key) && (p.name == "" || p.name != f.String()) {
			continue
		}
		if p.sourceArn != nil && !slices.Contains(p.source, api) {
			continue
		}
		switch {
		case p.authorizers && authorizer:
			scoped = append(scoped, p.ID)
		case p.authorizers:
		default:
			other = append(other, p.ID)
		}
	}
	return append(scoped, other...)
}

// Import finds every WebSocket API of the template, in file order: raw
// AWS::ApiGatewayV2::Api resources with ProtocolType WEBSOCKET and SAM's
// AWS::Serverless::WebSocketApi. HTTP APIs are left out. It never fails on
// a template Parse accepted; the error is for problems a caller must not
// edit around (none today), so that callers handle it already.
func Import(t *Template) ([]API, error) {
	x := newIndex(t)
	var out []API
	for _, r := range x.all {
		switch r.Type {
		case TypeAPI:
			if p, _ := stringValue(r.Prop("ProtocolType")); p == ProtocolWebSocket {
				out = append(out, x.raw(r))
			}
		case TypeServerlessWSAPI:
			out = append(out, x.sam(r))
		}
	}
	return out, nil
}

// raw reads an AWS::ApiGatewayV2::Api and the resources around it.
func (x *index) raw(res Resource) API {
	id := res.ID
	a := API{Resource: res, NameNode: res.Prop("Name")}
	a.RouteSelectionNode = res.Prop("RouteSelectionExpression")
	a.RouteSelectionExpression = Text(a.RouteSelectionNode)

	integrations := map[string]Resource{}
	for _, r := range x.of(TypeIntegration, id) {
		integrations[r.ID] = r
	}
	authorizers := map[string]bool{}
	for _, r := range x.of(TypeAuthorizer, id) {
		authorizers[r.ID] = true
		az := Authorizer{ID: r.ID, Resource: r, Type: Text(r.Prop("AuthorizerType")), IdentitySourceNode: r.Prop("IdentitySource")}
		az.IdentitySource = textList(az.IdentitySourceNode)
		az.Handler = x.lambda(r.Prop("AuthorizerUri"))
		az.PermissionIDs = x.permissionsFor(az.Handler, id, true)
		a.Authorizers = append(a.Authorizers, az)
	}
	// Route responses by the routes they refer to, read once.
	responses := map[string][]string{}
	for _, rr := range x.of(TypeRouteResponse, id) {
		for _, ref := range Refs(rr.Prop("RouteId")) {
			responses[ref] = append(responses[ref], rr.ID)
		}
	}

	for _, r := range x.of(TypeRoute, id) {
		rt := Route{ID: r.ID, KeyNode: r.Prop("RouteKey"), Key: Text(r.Prop("RouteKey")), Resource: r}
		if n := r.Prop("RouteResponseSelectionExpression"); n != nil {
			rt.RouteResponseSelectionExpression = Text(n)
			rt.TwoWay = true
		}
		if rr := responses[r.ID]; len(rr) > 0 {
			rt.RouteResponseIDs = rr
			rt.TwoWay = true
		}
		for _, ref := range Refs(r.Prop("Target")) {
			if integ, ok := integrations[ref]; ok {
				rt.IntegrationID, rt.Integration = ref, integ
				rt.IntegrationType = Text(integ.Prop("IntegrationType"))
				uri := integ.Prop("IntegrationUri")
				if (rt.IntegrationType == IntegrationAWSProxy || rt.IntegrationType == IntegrationAWS) && x.invokesLambda(uri) {
					rt.Handler = x.lambda(uri)
				}
				break
			}
		}
		rt.PermissionIDs = x.permissionsFor(rt.Handler, id, false)
		rt.AuthorizationType = Text(r.Prop("AuthorizationType"))
		if n := r.Prop("AuthorizerId"); n != nil {
			rt.HasAuthorizer = true
			for _, ref := range Refs(n) {
				if authorizers[ref] {
					rt.AuthorizerID = ref
					break
				}
			}
		}
		a.Routes = append(a.Routes, rt)
	}

	deployments := map[string]bool{}
	for _, r := range x.of(TypeDeployment, id) {
		deployments[r.ID] = true
	}
	a.Deployment = DeployNone
	for _, r := range x.of(TypeStage, id) {
		s := Stage{ID: r.ID, NameNode: r.Prop("StageName"), Name: Text(r.Prop("StageName"))}
		v, _ := literal(r.Prop("AutoDeploy"))
		s.AutoDeploy = v == true || v == "true"
		for _, ref := range Refs(r.Prop("DeploymentId")) {
			if deployments[ref] {
				s.DeploymentID = ref
				break
			}
		}
		if s.DeploymentID == "" {
			// A Deployment that names the stage deploys to it.
			for _, d := range x.of(TypeDeployment, id) {
				if n := d.Prop("StageName"); n != nil && s.NameNode != nil && Same(n, s.NameNode) {
					s.DeploymentID = d.ID
					break
				}
			}
		}
		switch {
		case s.AutoDeploy:
			a.Deployment = DeployAuto
		case s.DeploymentID != "" && a.Deployment != DeployAuto:
			a.Deployment = DeployDeployment
		}
		a.Stages = append(a.Stages, s)
	}

	a.Resources = x.members(a)
	a.Design = design(a)
	a.Pinned = pinned(a)
	return a
}

// members lists the logical IDs that belong to an API, in file order.
func (x *index) members(a API) []string {
	mine := map[string]bool{a.Resource.ID: true}
	for _, r := range x.all {
		if strings.HasPrefix(r.Type, "AWS::ApiGatewayV2::") && slices.Contains(x.apiOf[r.ID], a.Resource.ID) {
			mine[r.ID] = true
		}
	}
	for _, r := range a.Routes {
		for _, p := range r.PermissionIDs {
			mine[p] = true
		}
	}
	for _, az := range a.Authorizers {
		for _, p := range az.PermissionIDs {
			mine[p] = true
		}
	}
	var out []string
	for _, r := range x.all {
		if mine[r.ID] {
			out = append(out, r.ID)
		}
	}
	return out
}

// textList reads a list of literals, or a single one, in Text form.
func textList(n *yaml.Node) []string {
	if n == nil {
		return nil
	}
	if n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	if n.Kind == yaml.SequenceNode && n.Style&yaml.TaggedStyle == 0 {
		out := make([]string, len(n.Content))
		for i, c := range n.Content {
			out[i] = Text(c)
		}
		return out
	}
	return []string{Text(n)}
}

// routeSelector is the property a RouteSelectionExpression selects on, or ""
// when it does not read the message body.
func routeSelector(expr string) string {
	if s, ok := strings.CutPrefix(expr, routeSelectorPrefix); ok {
		return s
	}
	if s, ok := strings.CutPrefix(expr, routeSelectorBraced); ok && strings.HasSuffix(s, "}") {
		return strings.TrimSuffix(s, "}")
	}
	return ""
}

// design is the model's view of an imported API.
func design(a API) model.Design {
	d := model.Design{
		Name:          Text(a.NameNode),
		LogicalID:     a.Resource.ID,
		RouteSelector: routeSelector(a.RouteSelectionExpression),
		Description:   Text(a.Resource.Prop("Description")),
	}
	if a.NameNode == nil && a.SAM {
		d.Name = a.Resource.ID
	}
	if len(a.Stages) > 0 {
		d.Stage = a.Stages[0].Name
	}
	for _, r := range a.Routes {
		e := model.Endpoint{Route: r.Key}
		if r.TwoWay {
			e.Mode = model.TwoWay
		}
		if r.Foreign() {
			e.Foreign = r.IntegrationType
			if e.Foreign == "" {
				e.Foreign = "none"
			}
		}
		e.Handler = r.Handler.Link()
		d.Endpoints = append(d.Endpoints, e)
		if r.Key == model.RouteConnect && r.HasAuthorizer && d.Authorizer == nil {
			if az, ok := a.authorizer(r.AuthorizerID); ok && (az.Type == AuthorizerRequest || az.Type == "") {
				d.Authorizer = &model.Authorizer{Handler: az.Handler.Link(), IdentitySource: az.IdentitySource}
			}
		}
	}
	return d
}

// authorizer returns the API's authorizer of a logical ID ("" for a
// SAM-native API's Auth).
func (a API) authorizer(id string) (Authorizer, bool) {
	for _, az := range a.Authorizers {
		if az.ID == id {
			return az, true
		}
	}
	return Authorizer{}, false
}

// pinned collects the existing logical IDs that a plan of the design keeps.
func pinned(a API) model.Pinned {
	p := model.Pinned{
		API:            a.Resource.ID,
		Routes:         map[string]string{},
		RouteResponses: map[string]string{},
		Integrations:   map[string]string{},
		Permissions:    map[string]string{},
	}
	if a.SAM {
		return p
	}
	if len(a.Stages) > 0 {
		p.Stage = a.Stages[0].ID
	}
	for _, r := range a.Routes {
		if _, dup := p.Routes[r.Key]; !dup {
			p.Routes[r.Key] = r.ID
		}
		if len(r.RouteResponseIDs) > 0 {
			if _, dup := p.RouteResponses[r.Key]; !dup {
				p.RouteResponses[r.Key] = r.RouteResponseIDs[0]
			}
		}
		if r.Key == model.RouteConnect && r.AuthorizerID != "" {
			p.Authorizer = r.AuthorizerID
			if az, ok := a.authorizer(r.AuthorizerID); ok && len(az.PermissionIDs) > 0 {
				p.AuthorizerPermission = az.PermissionIDs[0]
			}
		}
		key := r.Handler.Link().Key()
		if key == "" || r.IntegrationID == "" {
			continue
		}
		// A route kept as written (an AWS integration of a function) gives
		// no integration a new route could share, but its function's
		// permission serves any route.
		if _, dup := p.Integrations[key]; !dup && !r.Foreign() {
			p.Integrations[key] = r.IntegrationID
		}
		if _, dup := p.Permissions[key]; !dup && len(r.PermissionIDs) > 0 {
			p.Permissions[key] = r.PermissionIDs[0]
		}
	}
	return p
}
