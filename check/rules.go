package check

import (
	"fmt"
	"strings"

	"github.com/wsdesign/wsdesign/render"
)

// Severity says how bad a finding is. Only errors make `wsdesign check` fail.
type Severity int

const (
	// Info is worth knowing but often intended.
	Info Severity = iota
	// Warning works today but fails in some accounts or after the next change.
	Warning
	// Error fails at deploy time or when a client connects or sends a message.
	Error
)

func (s Severity) String() string {
	switch s {
	case Error:
		return "error"
	case Warning:
		return "warning"
	}
	return "info"
}

// Rule is one kind of mistake.
type Rule struct {
	// ID is stable across releases: scripts and SARIF consumers key on it.
	ID       string
	Severity Severity
	Title    string
	// Runtime says what goes wrong when the template is deployed and used.
	Runtime string
	// Fix says how to correct the template.
	Fix string
}

// The rules. Their IDs never change meaning; a retired rule's ID is not reused.
var (
	Unreadable = &Rule{"WSD000", Error,
		"the file cannot be read as a template",
		"Neither CloudFormation nor SAM accepts the file, so nothing in it can be deployed or checked.",
		"Correct the file at the position given, or leave it out of the files checked."}
	HandlerPermission = &Rule{"WSD001", Error,
		"route handler has no invoke permission for this API",
		`API Gateway may not invoke the function: the client receives {"message": "Internal server error"} and nothing is logged by the function.`,
		"Add an AWS::Lambda::Permission with Action lambda:InvokeFunction, Principal apigateway.amazonaws.com and SourceArn arn:${AWS::Partition}:execute-api:${AWS::Region}:${AWS::AccountId}:${Api}/* for the function."}
	AuthorizerPermission = &Rule{"WSD002", Error,
		"authorizer function has no invoke permission for this API",
		`API Gateway may not invoke the authorizer: every connection fails with {"message": "Internal server error"} (HTTP 500 on the handshake).`,
		"Add an AWS::Lambda::Permission for the authorizer function with Principal apigateway.amazonaws.com and SourceArn …:${Api}/authorizers/${Authorizer} (or …:${Api}/*)."}
	PermissionNoSourceArn = &Rule{"WSD003", Warning,
		"invoke permission has no SourceArn",
		"Any API Gateway API in any account that knows the function's ARN may invoke it (confused deputy).",
		"Set SourceArn to arn:${AWS::Partition}:execute-api:${AWS::Region}:${AWS::AccountId}:${Api}/* (or add SourceAccount)."}
	DeploymentDependsOn = &Rule{"WSD004", Error,
		"Deployment does not DependsOn every route of its API",
		`CloudFormation may create the Deployment before the routes: the stack fails with "At least one route is required before deploying the Api", or the stage goes live without some routes.`,
		"Prefer AutoDeploy: true on the Stage and remove the Deployment; otherwise list every Route of the API in the Deployment's DependsOn."}
	DeploymentStage = &Rule{"WSD005", Warning,
		"stage is deployed by a Deployment resource",
		"CloudFormation creates a Deployment once and never redeploys it when routes change: routes added or changed later never go live.",
		"Set AutoDeploy: true on the Stage and remove DeploymentId and the Deployment resource."}
	StageNotDeployed = &Rule{"WSD006", Error,
		"stage is never deployed",
		"The stage has neither AutoDeploy nor a DeploymentId: it serves no routes and every connection fails.",
		"Set AutoDeploy: true on the Stage."}
	NoStage = &Rule{"WSD007", Error,
		"API has no stage",
		"Without a stage the API has no URL: clients cannot connect at all.",
		"Add an AWS::ApiGatewayV2::Stage with ApiId, a StageName such as prod and AutoDeploy: true."}
	DefaultStageName = &Rule{"WSD008", Error,
		"stage is named $default",
		"Clients reach a WebSocket stage by its name in the URL (wss://…/prod); $default, the HTTP API's catch-all stage, does not work as a WebSocket stage, and the callback URL handlers build from it is wrong.",
		"Name the stage prod (or any [A-Za-z0-9_-] name) and update the URLs built from it."}
	TwoWayIncomplete = &Rule{"WSD009", Error,
		"two-way route is incomplete",
		"A two-way route needs both RouteResponseSelectionExpression on the Route and a RouteResponse with key $default: with only one of them the handler's answer is never sent to the client.",
		"Add the missing half: RouteResponseSelectionExpression: $default on the Route and an AWS::ApiGatewayV2::RouteResponse with RouteResponseKey $default (or remove both for a one-way route)."}
	TwoWayReserved = &Rule{"WSD010", Warning,
		"two-way response on $connect or $disconnect",
		"API Gateway sends nothing back on $connect and $disconnect: the route response is ignored.",
		"Remove RouteResponseSelectionExpression and the RouteResponse from this route."}
	AuthorizerNotConnect = &Rule{"WSD011", Error,
		"authorizer on a route other than $connect",
		"WebSocket APIs run authorizers only when a client connects; on any other route the authorization is not applied as intended and deployment may be refused.",
		"Move AuthorizationType: CUSTOM and AuthorizerId to the $connect route and set AuthorizationType: NONE here."}
	AuthorizerUnused = &Rule{"WSD012", Error,
		"authorizer is never run",
		"Authorizers run on $connect only: with no $connect route using it, every client connects without being authorized.",
		"Add a $connect route with AuthorizationType: CUSTOM and AuthorizerId referring to the authorizer."}
	CustomAuthMismatch = &Rule{"WSD013", Error,
		"AuthorizationType CUSTOM and AuthorizerId must come together",
		"CloudFormation or API Gateway rejects the route, or the authorizer is silently not applied.",
		"Set both AuthorizationType: CUSTOM and AuthorizerId, or neither (AuthorizationType: NONE)."}
	AuthorizerType = &Rule{"WSD014", Error,
		"WebSocket authorizer is not of type REQUEST",
		"WebSocket APIs support only Lambda REQUEST authorizers (JWT is for HTTP APIs): the stack fails to create.",
		"Set AuthorizerType: REQUEST and an AuthorizerUri that invokes the authorizer function."}
	IdentitySource = &Rule{"WSD015", Error,
		"identity source is not in WebSocket syntax",
		"WebSocket authorizers accept only route.request.header.X, route.request.querystring.X, stageVariables.X and context.X; HTTP-API syntax ($request.header.X) is rejected at deploy time.",
		"Write route.request.querystring.token (browsers cannot set headers on a WebSocket) or route.request.header.X."}
	ReservedRouteKey = &Rule{"WSD016", Error,
		"custom route key starts with $",
		"Only $connect, $disconnect and $default may start with $: API Gateway rejects the route.",
		"Rename the route without the leading $ and update the clients that send it."}
	DuplicateRouteKey = &Rule{"WSD017", Error,
		"route key used twice in one API",
		"API Gateway refuses a second route with the same key: the stack fails.",
		"Remove one of the routes or give it another key."}
	CaseOnlyRouteKeys = &Rule{"WSD018", Warning,
		"route keys differ only by case",
		"Route selection is case-sensitive: a client sending the other spelling reaches $default or is rejected.",
		"Use one spelling for the route key."}
	NoSelectionExpression = &Rule{"WSD019", Error,
		"WebSocket API has no RouteSelectionExpression",
		"A WebSocket API needs a route selection expression: the stack fails to create.",
		"Set RouteSelectionExpression: $request.body.action (or another property of the message)."}
	SelectorNotBody = &Rule{"WSD020", Warning,
		"route selector does not read $request.body",
		"Messages are routed by a property of their JSON body: any other expression sends every message to the same route.",
		"Set RouteSelectionExpression to $request.body.<property>, e.g. $request.body.action."}
	NoDefaultRoute = &Rule{"WSD021", Info,
		"API has no $default route",
		`Messages that are not JSON, lack the selector property or match no route are rejected: the client receives {"message": "Forbidden"}.`,
		"Add a $default route that answers unknown messages, if clients may send them."}
	StageLogging = &Rule{"WSD022", Warning,
		"stage logging is turned on",
		`Execution and access logging need a CloudWatch Logs role set once in the account's API Gateway settings: in an account without it the stack fails with "CloudWatch Logs role ARN must be set in account settings to enable logging".`,
		"Make sure the account has the API Gateway CloudWatch role (AWS::ApiGateway::Account), or turn logging off."}
	TooManyResources = &Rule{"WSD023", Error,
		"template exceeds CloudFormation's 500-resource limit",
		"CloudFormation refuses a stack of more than 500 resources, counted after the SAM transform (which adds a role per function without Role and the routes, integrations and permissions of a SAM WebSocketApi).",
		"Share one integration and one permission per function instead of one per route, give functions a shared Role, or split the stack (nested stacks)."}
	PolicyTooLarge = &Rule{"WSD024", Error,
		"function's resource policy exceeds 20 KB",
		`Each AWS::Lambda::Permission adds a statement to the function's resource policy, limited to 20 KB: the stack fails with "The final policy size is bigger than the limit".`,
		"Use one permission per function and API with SourceArn …:${Api}/* instead of one per route."}
	Schema = &Rule{"WSD025", Error,
		"property does not match the CloudFormation schema",
		"CloudFormation rejects unknown properties, values of the wrong type and missing required properties when it creates the stack.",
		"Correct the property name or value as the resource type's documentation describes."}
	NoIntegration = &Rule{"WSD026", Error,
		"route has no integration of its API",
		"A route whose Target does not name an integration of the same API cannot be deployed, and messages to it have nowhere to go.",
		"Set Target: !Sub integrations/${Integration} naming an AWS::ApiGatewayV2::Integration whose ApiId is the same API."}
	SAMRoutes = &Rule{"WSD027", Error,
		"SAM refuses the WebSocketApi's Routes",
		`The SAM transform refuses a WebSocketApi without routes, a route without FunctionArn, a custom route key that is not letters and digits, and RequestParameters on a route other than $connect: the deployment stops with "Resource with id [...] is invalid" before anything is created.`,
		"Give the API at least one route, every route a FunctionArn, custom route keys of letters and digits only; keep RequestParameters on $connect."}
	SAMAuth = &Rule{"WSD028", Error,
		"SAM refuses the WebSocketApi's Auth",
		"The SAM transform refuses Auth without AuthType, an AuthType other than AWS_IAM, CUSTOM or NONE, CUSTOM without AuthArn, other settings beside AWS_IAM or NONE, and Auth on an API without a $connect route: the stack is never created.",
		"Write AuthType: CUSTOM with AuthArn (IdentitySource, InvokeRole and Name are optional), or AuthType: AWS_IAM or NONE alone, on an API with a $connect route."}
	SAMProperty = &Rule{"WSD029", Error,
		"SAM refuses a WebSocketApi setting",
		"The SAM transform checks the properties of an AWS::Serverless::WebSocketApi and of Globals.WebSocketApi as its YAML 1.1 reader reads them: an unknown property, a list where a mapping is wanted, a number or boolean where a string is wanted, an IpAddressType other than ipv4 or dualstack, or a Domain it cannot map stops the deployment.",
		"Correct the value as the message says: quote strings that YAML 1.1 reads as numbers or booleans, write settings as mappings, and base paths as strings of letters, digits, -, _ and /."}
	NoTransform = &Rule{"WSD030", Error,
		"SAM resource types without the SAM transform",
		`CloudFormation knows the AWS::Serverless types only through the SAM transform: without it the stack fails with "Template format error: Unrecognized resource types".`,
		"Add Transform: AWS::Serverless-2016-10-31 at the top level of the template."}
)

// Rules lists every rule in ID order.
var Rules = []*Rule{
	Unreadable, HandlerPermission, AuthorizerPermission, PermissionNoSourceArn, DeploymentDependsOn,
	DeploymentStage, StageNotDeployed, NoStage, DefaultStageName, TwoWayIncomplete,
	TwoWayReserved, AuthorizerNotConnect, AuthorizerUnused, CustomAuthMismatch, AuthorizerType,
	IdentitySource, ReservedRouteKey, DuplicateRouteKey, CaseOnlyRouteKeys, NoSelectionExpression,
	SelectorNotBody, NoDefaultRoute, StageLogging, TooManyResources, PolicyTooLarge, Schema,
	NoIntegration, SAMRoutes, SAMAuth, SAMProperty, NoTransform,
}

// RuleByID finds a rule by its ID, in any case (wsd001).
func RuleByID(id string) (*Rule, bool) {
	for _, r := range Rules {
		if strings.EqualFold(r.ID, id) {
			return r, true
		}
	}
	return nil, false
}

// Finding is one mistake at one place.
type Finding struct {
	Rule *Rule
	// LogicalID is the resource at fault ("" for the whole template).
	LogicalID string
	Pos       render.Pos
	// Message says what is wrong here, more precisely than the rule's title.
	Message string
	// fix is the rule's Fix naming the resources of this finding ("" for
	// the rule's own).
	fix string
}

// Fix says how to correct this finding: the rule's Fix, with the logical
// IDs of the API and authorizer at fault in place of ${Api} and
// ${Authorizer} where they are known.
func (f Finding) Fix() string {
	if f.fix != "" {
		return f.fix
	}
	return f.Rule.Fix
}

// Severity is the rule's severity.
func (f Finding) Severity() Severity { return f.Rule.Severity }

func (f Finding) String() string {
	id := ""
	if f.LogicalID != "" {
		id = " [" + f.LogicalID + "]"
	}
	return fmt.Sprintf("%s: %s %s%s %s", f.Pos, f.Rule.Severity, f.Rule.ID, id, f.Message)
}

// Introduced lists the errors of after that before does not have: the same
// rule on the same resource counts as the same error, wherever it moved.
// A template wsdesign writes must introduce none.
func Introduced(before, after []Finding) []Finding {
	type key struct{ rule, id string }
	had := map[key]bool{}
	for _, f := range before {
		if f.Severity() == Error {
			had[key{f.Rule.ID, f.LogicalID}] = true
		}
	}
	var out []Finding
	for _, f := range after {
		if f.Severity() == Error && !had[key{f.Rule.ID, f.LogicalID}] {
			out = append(out, f)
		}
	}
	return out
}
