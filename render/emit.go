package render

import (
	"errors"
	"fmt"
	"strings"

	"github.com/wsdesign/wsdesign/model"
	"github.com/wsdesign/wsdesign/stub"
	"go.yaml.in/yaml/v3"
)

// Flavor is the kind of template wsdesign writes new functions for.
type Flavor int

const (
	// SAM writes new functions as AWS::Serverless::Function and needs the
	// SAM transform.
	SAM Flavor = iota
	// CFN writes plain CloudFormation: AWS::Lambda::Function with inline
	// code and an AWS::IAM::Role.
	CFN
)

func (f Flavor) String() string {
	if f == CFN {
		return "cfn"
	}
	return "sam"
}

// ParseFlavor reads "sam" or "cfn" (also "cloudformation").
func ParseFlavor(s string) (Flavor, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "sam", "":
		return SAM, nil
	case "cfn", "cloudformation":
		return CFN, nil
	}
	return SAM, fmt.Errorf("%q is not a template format: use sam or cfn", s)
}

// SAMTransform is the Transform a SAM template declares.
const SAMTransform = "AWS::Serverless-2016-10-31"

// CallbackEnv is the environment variable holding the connection callback
// URL that handler functions post messages to.
const CallbackEnv = "CALLBACK_URL"

// ResourceType is the CloudFormation type of the resource a logical ID of
// the plan names, in a flavor.
func ResourceType(r model.Role, f Flavor) string {
	switch r {
	case model.RoleAPI:
		return TypeAPI
	case model.RoleStage:
		return TypeStage
	case model.RoleRoute:
		return TypeRoute
	case model.RoleRouteResponse:
		return TypeRouteResponse
	case model.RoleIntegration:
		return TypeIntegration
	case model.RolePermission, model.RoleAuthorizerPermission:
		return TypePermission
	case model.RoleAuthorizer:
		return TypeAuthorizer
	case model.RoleFunction:
		if f == CFN {
			return TypeLambdaFunction
		}
		return TypeServerlessFunc
	case model.RoleFunctionRole:
		return TypeIAMRole
	}
	return ""
}

// Options are what Build needs to know of the target template.
type Options struct {
	Flavor Flavor
	// Taken reports IDs already in the target template (nil for a new file).
	Taken func(string) bool
	// Pinned holds the IDs of this API's existing resources (nil for a new API).
	Pinned *model.Pinned
	// Existing maps the functions already in the template to their resource
	// types, so that links to them refer to each correctly.
	Existing map[string]string
	// StageParameter names the template parameter that gives the stage its
	// name, when it is one: URLs and policies then refer to it.
	StageParameter string
}

// Entry is one named item of a template section.
type Entry struct {
	ID string
	// Node is the resource (or parameter, or output) mapping.
	Node *yaml.Node
}

// FunctionNeed is what an existing function linked to the API needs to post
// back to clients: the ManageConnections statement and the callback-URL
// variable. It is applied to the user's function only with their consent
// (the editor does that), never silently.
type FunctionNeed struct {
	FunctionID string
	Statement  *yaml.Node
	EnvName    string
	EnvValue   *yaml.Node
}

// Fragment is everything one API adds to a template.
type Fragment struct {
	Plan model.Plan
	// Parameters, Resources and Outputs are in writing order, the API's
	// resources together.
	Parameters, Resources, Outputs []Entry
	Needs                          []FunctionNeed
	// Transform is true when the fragment holds SAM resources.
	Transform bool
}

// Build turns a design into the template entries of SPEC section 3. The
// design is normalized (defaults filled) on a copy; a design that fails
// validation, or links a function the template does not have, is an error.
func Build(d model.Design, opt Options) (Fragment, error) {
	d = normalized(d)
	if errs := d.Validate(opt.Taken).Errors(); len(errs) > 0 {
		msgs := make([]string, len(errs))
		for i, p := range errs {
			msgs[i] = p.Error()
		}
		return Fragment{}, fmt.Errorf("invalid design: %s", strings.Join(msgs, "; "))
	}
	params := map[string]bool{}
	for _, l := range d.Functions() {
		switch l.Kind {
		case model.LinkExisting:
			if opt.Existing[l.FunctionID] == "" {
				return Fragment{}, fmt.Errorf("function %s is not in the template", l.FunctionID)
			}
		case model.LinkNew:
			if opt.Existing[l.FunctionID] != "" || opt.Taken != nil && opt.Taken(l.FunctionID) {
				return Fragment{}, fmt.Errorf("new function %s: the logical ID is already used in the template", l.FunctionID)
			}
		case model.LinkARN:
			params[l.Parameter] = true
		}
	}
	// The parameters of ARN links share the namespace of logical IDs, so no
	// planned resource may take one of their names.
	taken := func(id string) bool { return params[id] || opt.Taken != nil && opt.Taken(id) }
	e := emitter{
		d:    d,
		opt:  opt,
		plan: model.PlanIDs(d, model.PlanOptions{Taken: taken, Pinned: opt.Pinned, FunctionRoles: opt.Flavor == CFN}),
	}
	return e.fragment()
}

// normalized returns a normalized copy that shares nothing the caller can see.
func normalized(d model.Design) model.Design {
	d.Endpoints = append([]model.Endpoint(nil), d.Endpoints...)
	if d.Authorizer != nil {
		a := *d.Authorizer
		a.IdentitySource = append([]string(nil), a.IdentitySource...)
		d.Authorizer = &a
	}
	d.Normalize()
	return d
}

type emitter struct {
	arena
	d    model.Design
	opt  Options
	plan model.Plan
	f    Fragment
	// authToken is the parameter a new authorizer function compares
	// tokens with, when the design has one.
	authToken string
}

func (e *emitter) fragment() (Fragment, error) {
	e.f.Plan = e.plan
	api := e.plan.API.Value
	e.parameters()
	e.authTokenParameter()
	e.add(e.plan.API.Value, e.api())
	e.add(e.plan.Stage.Value, e.resource(TypeStage, e.mapping().
		set("ApiId", e.ref(api)).
		set("StageName", e.str(e.d.Stage)).
		set("AutoDeploy", e.boolean(true))))
	for i, ep := range e.d.Endpoints {
		e.route(ep, e.plan.Routes[i])
	}
	for _, h := range e.plan.Handlers {
		e.add(h.Integration.Value, e.resource(TypeIntegration, e.mapping().
			set("ApiId", e.ref(api)).
			set("IntegrationType", e.str(IntegrationAWSProxy)).
			set("IntegrationUri", e.invocationURI(h.Function))))
		e.add(h.Permission.Value, e.permission(h.Function, "${"+api+"}/*"))
	}
	if a := e.d.Authorizer; a != nil {
		e.add(e.plan.Authorizer.Value, e.resource(TypeAuthorizer, e.mapping().
			set("ApiId", e.ref(api)).
			set("Name", e.str(e.plan.Authorizer.Value)).
			set("AuthorizerType", e.str(AuthorizerRequest)).
			set("AuthorizerUri", e.invocationURI(a.Handler)).
			set("IdentitySource", e.strs(a.IdentitySource))))
		e.add(e.plan.AuthorizerPermission.Value, e.permission(a.Handler, "${"+api+"}/authorizers/${"+e.plan.Authorizer.Value+"}"))
	}
	for _, fn := range e.plan.Functions {
		e.function(fn)
	}
	for _, h := range e.plan.Handlers {
		if h.Function.Kind == model.LinkExisting {
			e.f.Needs = append(e.f.Needs, FunctionNeed{
				FunctionID: h.Function.FunctionID,
				Statement:  e.manageConnections(),
				EnvName:    CallbackEnv,
				EnvValue:   e.callbackURL("https"),
			})
		}
	}
	e.f.Outputs = []Entry{
		{ID: api + "Url", Node: e.mapping().
			set("Description", e.str("URL clients connect to")).
			set("Value", e.callbackURL("wss")).node},
		{ID: api + "CallbackUrl", Node: e.mapping().
			set("Description", e.str("URL the functions post to connections through (the connections API)")).
			set("Value", e.callbackURL("https")).node},
	}
	if err := unique(e.f); err != nil {
		return Fragment{}, err
	}
	return e.f, nil
}

func (e *emitter) add(id string, n *yaml.Node) {
	e.f.Resources = append(e.f.Resources, Entry{ID: id, Node: n})
	if t := Get(n, "Type"); t != nil && strings.HasPrefix(t.Value, "AWS::Serverless::") {
		e.f.Transform = true
	}
}

func (e *emitter) resource(typ string, props mapping) *yaml.Node {
	return e.mapping().set("Type", e.str(typ)).set("Properties", props.node).node
}

// parameters declares one String parameter per function given by ARN, in
// order of first use, unless the template already has it.
func (e *emitter) parameters() {
	for _, l := range e.d.Functions() {
		if l.Kind != model.LinkARN || e.opt.Taken != nil && e.opt.Taken(l.Parameter) {
			continue
		}
		e.f.Parameters = append(e.f.Parameters, Entry{ID: l.Parameter, Node: e.mapping().
			set("Type", e.str(TypeStringParameter)).
			set("Description", e.str("ARN of the Lambda function (or alias) that the WebSocket API "+e.plan.API.Value+" invokes")).
			set("AllowedPattern", e.str(`^arn:aws[a-zA-Z-]*:lambda:[a-z0-9-]+:[0-9]{12}:function:[A-Za-z0-9_-]+(:[A-Za-z0-9_$-]+)?$`)).
			set("ConstraintDescription", e.str("a Lambda function ARN, such as arn:aws:lambda:us-east-1:123456789012:function:my-function")).node})
	}
}

// authTokenParameter declares the NoEcho parameter that a new authorizer
// function reads as AUTH_TOKEN: without a default, sam deploy --guided asks
// for it and aws cloudformation deploy refuses to go on without it. It is
// named after the API and numbered when the name is taken.
func (e *emitter) authTokenParameter() {
	a := e.d.Authorizer
	if a == nil || a.Handler.Kind != model.LinkNew {
		return
	}
	used := map[string]bool{}
	for _, id := range e.plan.All() {
		used[id.Value] = true
	}
	for _, p := range e.f.Parameters {
		used[p.ID] = true
	}
	base := e.plan.API.Value + "AuthToken"
	name := base
	for i := 2; used[name] || e.opt.Taken != nil && e.opt.Taken(name); i++ {
		name = fmt.Sprintf("%s%d", base, i)
	}
	e.authToken = name
	e.f.Parameters = append(e.f.Parameters, Entry{ID: name, Node: e.mapping().
		set("Type", e.str(TypeStringParameter)).
		set("NoEcho", e.boolean(true)).
		set("MinLength", e.str("1")).
		set("Description", e.str("Token that clients of the WebSocket API "+e.plan.API.Value+" send to connect; the authorizer function "+a.Handler.FunctionID+" reads it as "+stub.AuthTokenEnv)).node})
}

// identitySource is the identity source of the authorizer that function l
// is, and "" when l is not a new authorizer function.
func (e *emitter) identitySource(l model.LambdaLink) string {
	a := e.d.Authorizer
	if a == nil || e.authToken == "" || a.Handler.Key() != l.Key() {
		return ""
	}
	if len(a.IdentitySource) > 0 {
		return a.IdentitySource[0]
	}
	return model.DefaultIdentitySource
}

func (e *emitter) api() *yaml.Node {
	props := e.mapping().
		set("Name", e.str(e.d.Name)).
		set("ProtocolType", e.str(ProtocolWebSocket)).
		set("RouteSelectionExpression", e.str(e.d.RouteSelectionExpression()))
	if e.d.Description != "" {
		props.set("Description", e.str(e.d.Description))
	}
	return e.resource(TypeAPI, props)
}

func (e *emitter) route(ep model.Endpoint, ids model.RouteIDs) {
	api := e.plan.API.Value
	h, _ := e.plan.Handler(ep.Handler.Key())
	props := e.mapping().
		set("ApiId", e.ref(api)).
		set("RouteKey", e.str(ep.Route))
	// AuthorizationType is written even when NONE: removing the property
	// later would not detach an authorizer.
	if ep.Route == model.RouteConnect && e.d.Authorizer != nil {
		props.set("AuthorizationType", e.str(AuthorizationCustom)).
			set("AuthorizerId", e.ref(e.plan.Authorizer.Value))
	} else {
		props.set("AuthorizationType", e.str("NONE"))
	}
	if ep.Mode == model.TwoWay {
		props.set("RouteResponseSelectionExpression", e.str("$default"))
	}
	props.set("Target", e.sub("integrations/${"+h.Integration.Value+"}"))
	e.add(ids.Route.Value, e.resource(TypeRoute, props))
	if ep.Mode == model.TwoWay {
		// Both the selection expression and this response are needed for
		// API Gateway to send the handler's answer back.
		e.add(ids.RouteResponse.Value, e.resource(TypeRouteResponse, e.mapping().
			set("ApiId", e.ref(api)).
			set("RouteId", e.ref(ids.Route.Value)).
			set("RouteResponseKey", e.str("$default"))))
	}
}

// arn is the function's ARN as a !Sub variable. A function's Ref is its
// name, so its ARN is the Arn attribute; the Ref of an alias or a version
// and the value of a parameter already are ARNs.
func (e *emitter) arn(l model.LambdaLink) string {
	switch t := e.opt.Existing[l.FunctionID]; {
	case l.Kind == model.LinkARN:
		return "${" + l.Parameter + "}"
	case l.Kind == model.LinkExisting && (t == TypeLambdaAlias || t == TypeLambdaVersion):
		return "${" + l.FunctionID + "}"
	}
	return "${" + l.FunctionID + ".Arn}"
}

func (e *emitter) invocationURI(l model.LambdaLink) *yaml.Node {
	return e.sub("arn:${AWS::Partition}:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/" + e.arn(l) + "/invocations")
}

// permission lets API Gateway invoke a function. FunctionName takes a name or
// an ARN, so the Ref of the function, alias, version or parameter fits all.
func (e *emitter) permission(l model.LambdaLink, source string) *yaml.Node {
	return e.resource(TypePermission, e.mapping().
		set("Action", e.str(lambdaInvokeAction)).
		set("FunctionName", e.ref(l.Key())).
		set("Principal", e.str(apiGatewayPrincipal)).
		set("SourceArn", e.sub("arn:${AWS::Partition}:execute-api:${AWS::Region}:${AWS::AccountId}:"+source)))
}

// manageConnections is the IAM statement that lets a function post to,
// read and close the API's connections on the stage.
func (e *emitter) manageConnections() *yaml.Node {
	return e.mapping().
		set("Effect", e.str("Allow")).
		set("Action", e.str(manageConnections)).
		set("Resource", e.sub("arn:${AWS::Partition}:execute-api:${AWS::Region}:${AWS::AccountId}:${"+e.plan.API.Value+"}/"+e.stage()+"/*/@connections/*")).node
}

// stage is the stage's name in a !Sub string.
func (e *emitter) stage() string {
	if p := e.opt.StageParameter; p != "" {
		return "${" + p + "}"
	}
	return e.d.Stage
}

// callbackURL is the stage's URL. It is built from the literal stage name,
// never from a Ref to the Stage: a function that refers to the stage would
// depend on it, and the stage on the routes, the routes on the integrations,
// and those on the function — a cycle.
func (e *emitter) callbackURL(scheme string) *yaml.Node {
	return e.sub(scheme + "://${" + e.plan.API.Value + "}.execute-api.${AWS::Region}.${AWS::URLSuffix}/" + e.stage())
}

// function writes a new function: in SAM with its code folder, in plain
// CloudFormation with inline code and a role. Functions that handle routes
// may post to connections; a function that only authorizes may not.
func (e *emitter) function(fn model.FunctionIDs) {
	l := fn.Function
	_, handles := e.plan.Handler(l.Key())
	identity := e.identitySource(l)
	env := e.environment(handles, identity != "")
	if e.opt.Flavor == SAM {
		props := e.mapping().
			set("CodeUri", e.str(l.CodeURI)).
			set("Handler", e.str(handlerName(l.Runtime, false))).
			set("Runtime", e.str(l.Runtime))
		if handles {
			props.set("Policies", e.seq(e.mapping().
				set("Version", e.str(iamPolicyVersion)).
				set("Statement", e.seq(e.manageConnections())).node))
		}
		if env != nil {
			props.set("Environment", env)
		}
		e.add(fn.ID.Value, e.resource(TypeServerlessFunc, props))
		return
	}
	props := e.mapping().
		set("Handler", e.str(handlerName(l.Runtime, true))).
		set("Runtime", e.str(l.Runtime)).
		set("Role", e.getAtt(fn.Role.Value, "Arn")).
		set("Code", e.mapping().set("ZipFile", e.literalBlock(inlineCode(l.Runtime, codeIdentity(handles, identity)))).node)
	if env != nil {
		props.set("Environment", env)
	}
	e.add(fn.ID.Value, e.resource(TypeLambdaFunction, props))

	role := e.mapping().
		set("AssumeRolePolicyDocument", e.mapping().
			set("Version", e.str(iamPolicyVersion)).
			set("Statement", e.seq(e.mapping().
				set("Effect", e.str("Allow")).
				set("Principal", e.mapping().set("Service", e.str("lambda.amazonaws.com")).node).
				set("Action", e.str("sts:AssumeRole")).node)).node).
		set("ManagedPolicyArns", e.seq(e.sub(basicExecutionPolicy)))
	if handles {
		role.set("Policies", e.seq(e.mapping().
			set("PolicyName", e.str("ManageConnections")).
			set("PolicyDocument", e.mapping().
				set("Version", e.str(iamPolicyVersion)).
				set("Statement", e.seq(e.manageConnections())).node).node))
	}
	e.add(fn.Role.Value, e.resource(TypeIAMRole, role))
}

// codeIdentity is what inlineCode needs: the identity source of a function
// that only authorizes. A function that also handles routes gets the route
// handler, which the user extends.
func codeIdentity(handles bool, identity string) string {
	if handles {
		return ""
	}
	return identity
}

// environment is the Environment of a new function: the callback URL for
// one that handles routes, the token parameter for an authorizer; nil for
// neither.
func (e *emitter) environment(handles, authorizes bool) *yaml.Node {
	vars := e.mapping()
	if handles {
		vars.set(CallbackEnv, e.callbackURL("https"))
	}
	if authorizes {
		vars.set(stub.AuthTokenEnv, e.ref(e.authToken))
	}
	if !handles && !authorizes {
		return nil
	}
	return e.mapping().set("Variables", vars.node).node
}

// handlerName is the Handler of a new function. Inline code is always
// written to a file named index; a code folder holds index.js (Node.js) or
// app.py (Python).
func handlerName(runtime string, inline bool) string {
	if !inline && isPython(runtime) {
		return "app.handler"
	}
	return "index.handler"
}

func isPython(runtime string) bool { return strings.HasPrefix(runtime, "python") }

// unique guards the one invariant a template cannot break: no logical ID
// twice among the parameters and resources written.
func unique(f Fragment) error {
	seen := map[string]bool{}
	for _, list := range [][]Entry{f.Parameters, f.Resources} {
		for _, en := range list {
			if seen[en.ID] {
				return errors.New("logical ID " + en.ID + " would be written twice; choose another name for the API or the function")
			}
			seen[en.ID] = true
		}
	}
	return nil
}

// Description is the template Description of a new template holding d.
func Description(d model.Design) string {
	if d.Description != "" {
		return d.Description
	}
	return "WebSocket API " + d.Name
}

// NewTemplate is a whole template holding one fragment, its sections in the
// canonical order.
func NewTemplate(f Fragment, description string) *yaml.Node {
	a := &arena{}
	root := a.mapping().set("AWSTemplateFormatVersion", a.str("2010-09-09"))
	if description != "" {
		root.set("Description", a.str(description))
	}
	if len(f.Parameters) > 0 {
		root.set("Parameters", a.section(f.Parameters))
	}
	if f.Transform {
		root.set("Transform", a.str(SAMTransform))
	}
	root.set("Resources", a.section(f.Resources))
	if len(f.Outputs) > 0 {
		root.set("Outputs", a.section(f.Outputs))
	}
	return &yaml.Node{Kind: yaml.DocumentNode, Content: []*yaml.Node{root.node}}
}

func (a *arena) section(entries []Entry) *yaml.Node {
	m := a.mapping()
	for _, en := range entries {
		m.set(en.ID, en.Node)
	}
	return m.node
}
