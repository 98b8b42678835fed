package app

import (
	"fmt"
	"strings"
)

// Integration kinds, as API Gateway names them, and NoIntegration for a
// route whose Target names no integration of the API.
const (
	Lambda        = "LAMBDA"
	Mock          = "MOCK"
	HTTP          = "HTTP"
	AWS           = "AWS"
	NoIntegration = ""
)

// App is one WebSocket API and the functions its routes and authorizer call.
type App struct {
	API       API
	Functions []Function
	Tables    []Table
	// Unresolved lists template values that could not be resolved locally.
	Unresolved []Unresolved
	// NotEmulated lists what functions depend on that dev does not serve.
	NotEmulated []NotEmulated
}

// API is what the gateway needs to behave as API Gateway does.
type API struct {
	// ID is the API's id as API Gateway gives it (requestContext.apiId);
	// LogicalID is its logical ID in the template.
	ID                string
	LogicalID         string
	SelectionExpr     string
	Stages            []string
	Routes            []Route
	ConnectAuthorizer *Authorizer
}

// Route is one route key with its integration.
type Route struct {
	Key string
	// TwoWay: the route has both halves of a route response, so API
	// Gateway sends the handler's answer back; HalfTwoWay says which half a
	// route that has only one lacks (then nothing is sent back).
	TwoWay     bool
	HalfTwoWay string
	Kind       string
	// MockStatus is the status a MOCK integration's request template gives.
	MockStatus    int
	TimeoutMillis int
	// Function is the handler's logical ID, for LAMBDA integrations.
	Function string
	// IAM: the route's AuthorizationType is AWS_IAM: dev refuses what is not
	// signed for execute-api, but does not verify the signature.
	IAM bool
}

// Unserved says why dev does not run the route's integration, which then
// answers as a failing one; "" for the integrations it runs (Lambda, MOCK).
func (r Route) Unserved() string {
	switch r.Kind {
	case Lambda, Mock:
		return ""
	case NoIntegration:
		return "the route has no integration (its Target names none of the API; wsdesign check: WSD026)"
	}
	return r.Kind + " integrations are not emulated"
}

// Authorizer is a REQUEST authorizer.
type Authorizer struct {
	Name            string
	Function        string
	IdentitySources []string // e.g. route.request.querystring.token
}

// FunctionNames maps the name Lambda knows each function of the app by to
// its logical ID.
func (a App) FunctionNames() map[string]string {
	names := make(map[string]string, len(a.Functions))
	for _, f := range a.Functions {
		names[f.Name] = f.LogicalID
	}
	return names
}

// Function is a Lambda function as the template defines it.
type Function struct {
	LogicalID string
	// Name is the name Lambda knows the function by, as a Ref of it gives
	// locally: its FunctionName, or its logical ID. Lambda's Invoke API
	// takes it (or an ARN that ends with it).
	Name       string
	Runtime    string
	Dir        string // CodeUri resolved against the template's folder
	Handler    string
	Env        map[string]string
	TimeoutSec int // 0 means Lambda's default
	InlineCode string
	// Problem says why the function cannot run locally (code in S3, ARN); empty when it can.
	Problem string
	// LayerPaths are the folders of the function's local layers where its
	// runtime looks for modules, in Lambda's order (what it finds under
	// /opt/nodejs/node_modules or /opt/python); RemoteLayers name the layers
	// whose content is not local (an ARN, code in S3), which are not served.
	LayerPaths   []string
	RemoteLayers []string
	// Build says how `sam build` builds the code in Dir (Metadata
	// BuildMethod); nil when the folder runs as it is.
	Build *Build
}

// Build methods dev runs, as a template's Metadata names them.
const (
	BuildEsbuild  = "esbuild"
	BuildGo       = "go1.x"
	BuildMakefile = "makefile"
)

// Build is how `sam build` builds a function's code, from its Metadata.
type Build struct {
	Method string
	// Function is the function's logical ID: makefile builds the target
	// build-<Function>.
	Function string
	// Executable is what a Go build writes: bootstrap, or the handler for
	// the go1.x runtime.
	Executable string
	// For esbuild, its BuildProperties.
	EntryPoints  []string // relative to the function's folder
	Format       string   // cjs or esm
	Target       string   // such as es2020
	OutExtension []string // such as .js=.mjs
	External     []string
	Sourcemap    bool
}

// Unresolved is a value whose intrinsics could not be resolved, with the value given instead.
type Unresolved struct {
	Function string
	Variable string
	Given    string
	// Parameters are the template parameters without a default that the
	// value needs: giving them values resolves it.
	Parameters []string
}

// String says what was given instead, and how to resolve it where a
// parameter without a default is why.
func (u Unresolved) String() string {
	s := fmt.Sprintf("%s cannot be resolved locally; given %q", u.Variable, u.Given)
	if len(u.Parameters) > 0 {
		var kv []string
		for _, p := range u.Parameters {
			kv = append(kv, p+"=VALUE")
		}
		s += fmt.Sprintf(": %s has no default; give it with --parameter-overrides %s", strings.Join(u.Parameters, " and "), strings.Join(kv, " "))
	}
	return s
}

// Table is a DynamoDB table the template declares. Definition holds the
// CreateTable parameters that shape it (KeySchema, AttributeDefinitions,
// indexes, BillingMode, ProvisionedThroughput), with DynamoDB's own names,
// as plain JSON values.
type Table struct {
	LogicalID  string
	Name       string
	Definition map[string]any
}

// NotEmulated is something the template's functions depend on that dev does
// not serve: an event source that feeds a function (a DynamoDB stream, a
// queue, a schedule…), or an AWS resource whose name, URL or ARN reaches a
// function's environment.
type NotEmulated struct {
	// LogicalID is the resource; for an event source, the event source
	// mapping or the SAM event's name.
	LogicalID string
	// Type is the resource's CloudFormation type; for a SAM event, its Type
	// (DynamoDB, SQS…).
	Type     string
	Function string
	// Feeds says what an event source delivers ("DynamoDB stream", "SQS
	// queue"…); empty for a resource the environment points at.
	Feeds string
	// Source is the resource an event source reads, when the template declares it.
	Source string
	// Variables are the function's environment variables that point at the resource.
	Variables []string
}

// Describe says what is not emulated and what follows, for the log.
func (n NotEmulated) Describe() string {
	if n.Feeds != "" {
		from := "a " + n.Feeds
		if n.Source != "" {
			from = "the " + n.Feeds + " of " + n.Source
		}
		return fmt.Sprintf("not emulated: %s feeds it through %s (%s); dev never invokes it for those events", from, n.LogicalID, n.Type)
	}
	verb := "points"
	if len(n.Variables) > 1 {
		verb = "point"
	}
	return fmt.Sprintf("not emulated: %s (%s), which %s %s at; the handler's calls to it fail at once", n.LogicalID, n.Type, strings.Join(n.Variables, ", "), verb)
}
