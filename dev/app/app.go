package app

// Integration kinds, as API Gateway names them.
const (
	Lambda = "LAMBDA"
	Mock   = "MOCK"
	HTTP   = "HTTP"
	AWS    = "AWS"
)

// App is one WebSocket API and the functions its routes and authorizer call.
type App struct {
	API       API
	Functions []Function
	Tables    []Table
	// Unresolved lists template values that could not be resolved locally.
	Unresolved []Unresolved
}

// API is what the gateway needs to behave as API Gateway does.
type API struct {
	ID                string
	SelectionExpr     string
	Stages            []string
	Routes            []Route
	ConnectAuthorizer *Authorizer
}

// Route is one route key with its integration.
type Route struct {
	Key    string
	TwoWay bool // the route has a route response
	Kind   string
	// MockStatus is the status a MOCK integration's request template gives.
	MockStatus    int
	TimeoutMillis int
	// Function is the handler's logical ID, for LAMBDA integrations.
	Function string
}

// Authorizer is a REQUEST authorizer.
type Authorizer struct {
	Name            string
	Function        string
	IdentitySources []string // e.g. route.request.querystring.token
}

// Function is a Lambda function as the template defines it.
type Function struct {
	LogicalID  string
	Runtime    string
	Dir        string // CodeUri resolved against the template's folder
	Handler    string
	Env        map[string]string
	TimeoutSec int // 0 means Lambda's default
	InlineCode string
	// Problem says why the function cannot run locally (code in S3, ARN); empty when it can.
	Problem string
}

// Unresolved is a value whose intrinsics could not be resolved, with the value given instead.
type Unresolved struct {
	Function string
	Variable string
	Given    string
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
