package model

import "strings"

// Reserved route keys. Custom routes must not start with '$'.
const (
	RouteConnect    = "$connect"
	RouteDisconnect = "$disconnect"
	RouteDefault    = "$default"
)

// Defaults applied by Design.Normalize.
const (
	DefaultRouteSelector  = "action"
	DefaultStage          = "prod"
	DefaultRuntime        = "nodejs24.x"
	DefaultIdentitySource = "route.request.querystring.token"
)

// Runtimes are the Lambda runtimes offered for new functions, first the default.
var Runtimes = []string{"nodejs24.x", "nodejs22.x", "python3.14", "python3.13"}

// Mode says whether the client receives the handler's answer.
type Mode int

const (
	// OneWay ignores the handler's return value.
	OneWay Mode = iota
	// TwoWay sends the handler's returned body back to the client.
	TwoWay
)

func (m Mode) String() string {
	if m == TwoWay {
		return "2-way"
	}
	return "1-way"
}

// ParseMode reads "1-way" or "2-way" (also "one-way", "two-way").
func ParseMode(s string) (Mode, bool) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "1-way", "one-way", "oneway", "1":
		return OneWay, true
	case "2-way", "two-way", "twoway", "2":
		return TwoWay, true
	}
	return OneWay, false
}

// LinkKind says where the Lambda function of a link lives.
type LinkKind int

const (
	// LinkUnset is a link the user has not chosen yet.
	LinkUnset LinkKind = iota
	// LinkExisting is a function already defined in the template.
	LinkExisting
	// LinkNew is a function wsdesign creates.
	LinkNew
	// LinkARN is a function outside the template, passed in through a Parameter.
	LinkARN
)

func (k LinkKind) String() string {
	switch k {
	case LinkExisting:
		return "existing"
	case LinkNew:
		return "new"
	case LinkARN:
		return "arn"
	}
	return "unset"
}

// LambdaLink names the Lambda function behind an endpoint or an authorizer.
type LambdaLink struct {
	Kind LinkKind
	// FunctionID is the logical ID of the function (LinkExisting, LinkNew).
	FunctionID string
	// Parameter is the name of the template Parameter holding the ARN (LinkARN).
	Parameter string
	// Runtime and CodeURI describe a new function (LinkNew).
	Runtime string
	CodeURI string
	// FunctionType is the resource type of an existing function, for display.
	FunctionType string
}

// Existing links a function already in the template.
func Existing(id string) LambdaLink { return LambdaLink{Kind: LinkExisting, FunctionID: id} }

// NewFunction links a function wsdesign creates, with the default runtime and code folder.
func NewFunction(id string) LambdaLink {
	return LambdaLink{Kind: LinkNew, FunctionID: id, Runtime: DefaultRuntime, CodeURI: DefaultCodeURI(id)}
}

// ARNParameter links a function outside the template through a Parameter.
func ARNParameter(name string) LambdaLink { return LambdaLink{Kind: LinkARN, Parameter: name} }

// Key identifies the function: two links with the same key share one
// integration and one permission. It is the part of the logical IDs of those
// resources that names the function.
func (l LambdaLink) Key() string {
	switch l.Kind {
	case LinkExisting, LinkNew:
		return l.FunctionID
	case LinkARN:
		return l.Parameter
	}
	return ""
}

// IsSet reports whether the link names a function.
func (l LambdaLink) IsSet() bool { return l.Kind != LinkUnset && l.Key() != "" }

// ParamPrefix marks a function given by ARN through a template parameter, as
// the command line, design files and inspect write it: param:<ParameterName>.
const ParamPrefix = "param:"

// String is the link as the command line writes it: the function's logical ID,
// or param:<Name> for a function given by ARN.
func (l LambdaLink) String() string {
	if l.Kind == LinkARN {
		return ParamPrefix + l.Parameter
	}
	return l.FunctionID
}

// Authorizer is a Lambda REQUEST authorizer run when a client connects.
type Authorizer struct {
	Handler        LambdaLink
	IdentitySource []string
}

// Endpoint is one route of the API and the function that handles it.
type Endpoint struct {
	Route   string
	Mode    Mode
	Handler LambdaLink
	// Foreign is the integration type of an imported route that is not a
	// Lambda proxy (MOCK, HTTP, AWS ...). Such a route is kept as written and
	// cannot be relinked; it is empty for every route wsdesign manages.
	Foreign string
}

// Reserved reports whether the route is one of $connect, $disconnect, $default.
func (e Endpoint) Reserved() bool { return IsReservedRoute(e.Route) }

// IsReservedRoute reports whether route is $connect, $disconnect or $default.
func IsReservedRoute(route string) bool {
	return route == RouteConnect || route == RouteDisconnect || route == RouteDefault
}

// OneWayOnly reports whether API Gateway ignores any answer on this route.
func OneWayOnly(route string) bool { return route == RouteConnect || route == RouteDisconnect }

// Design is one WebSocket API.
type Design struct {
	Name string
	// LogicalID overrides the derived logical ID of the API when not empty.
	LogicalID string
	// RouteSelector is the JSON property of the message body that selects the
	// endpoint; a dotted path selects a nested property.
	RouteSelector string
	Description   string
	Stage         string
	Authorizer    *Authorizer
	Endpoints     []Endpoint
}

// Normalize fills the defaults of empty fields: selector, stage, runtimes,
// code folders and identity sources.
func (d *Design) Normalize() {
	d.RouteSelector = SelectorProperty(d.RouteSelector)
	if d.RouteSelector == "" {
		d.RouteSelector = DefaultRouteSelector
	}
	if d.Stage == "" {
		d.Stage = DefaultStage
	}
	for i := range d.Endpoints {
		d.Endpoints[i].Handler.normalize()
	}
	if d.Authorizer != nil {
		d.Authorizer.Handler.normalize()
		if len(d.Authorizer.IdentitySource) == 0 {
			d.Authorizer.IdentitySource = []string{DefaultIdentitySource}
		}
	}
}

func (l *LambdaLink) normalize() {
	if l.Kind != LinkNew {
		return
	}
	if l.Runtime == "" {
		l.Runtime = DefaultRuntime
	}
	if l.CodeURI == "" {
		l.CodeURI = DefaultCodeURI(l.FunctionID)
	}
}

// RouteSelectionExpression is the API's RouteSelectionExpression property.
func (d Design) RouteSelectionExpression() string {
	return "$request.body." + d.RouteSelector
}

// Endpoint returns the endpoint of a route, if the design has one.
func (d Design) Endpoint(route string) (Endpoint, bool) {
	for _, e := range d.Endpoints {
		if e.Route == route {
			return e, true
		}
	}
	return Endpoint{}, false
}

// EnsureConnect adds a $connect endpoint when the design has an authorizer and
// none, because API Gateway runs authorizers only on $connect. The new
// endpoint is linked to handler. It reports whether it added one.
func (d *Design) EnsureConnect(handler LambdaLink) bool {
	if d.Authorizer == nil {
		return false
	}
	if _, ok := d.Endpoint(RouteConnect); ok {
		return false
	}
	d.Endpoints = append([]Endpoint{{Route: RouteConnect, Handler: handler}}, d.Endpoints...)
	return true
}

// Functions lists the distinct functions the design links, endpoints first
// then the authorizer, in order of first use.
func (d Design) Functions() []LambdaLink {
	var out []LambdaLink
	seen := map[string]bool{}
	add := func(l LambdaLink) {
		if !l.IsSet() || seen[l.Key()] {
			return
		}
		seen[l.Key()] = true
		out = append(out, l)
	}
	for _, e := range d.Endpoints {
		if e.Foreign == "" {
			add(e.Handler)
		}
	}
	if d.Authorizer != nil {
		add(d.Authorizer.Handler)
	}
	return out
}

// Handlers lists the distinct functions that handle endpoints (not the
// authorizer): each gets one integration and one invoke permission.
func (d Design) Handlers() []LambdaLink {
	var out []LambdaLink
	seen := map[string]bool{}
	for _, e := range d.Endpoints {
		if e.Foreign != "" || !e.Handler.IsSet() || seen[e.Handler.Key()] {
			continue
		}
		seen[e.Handler.Key()] = true
		out = append(out, e.Handler)
	}
	return out
}

// DefaultCodeURI is the code folder of a new function: src/ and the function's
// logical ID in kebab case, without a trailing "Function".
func DefaultCodeURI(functionID string) string {
	name := strings.TrimSuffix(functionID, "Function")
	if name == "" {
		name = functionID
	}
	return "src/" + kebab(name) + "/"
}

// FunctionID turns a function name typed by the user ("on connect",
// "send-message") into a logical ID ("OnConnectFunction", "SendMessageFunction").
func FunctionID(name string) string {
	id := pascal(name)
	if id == "" {
		return ""
	}
	if !strings.HasSuffix(id, "Function") {
		id += "Function"
	}
	return id
}

func kebab(s string) string {
	var b strings.Builder
	prevLower := false
	for _, r := range s {
		switch {
		case r >= 'A' && r <= 'Z':
			if prevLower {
				b.WriteByte('-')
			}
			b.WriteRune(r + 'a' - 'A')
			prevLower = false
		case r >= 'a' && r <= 'z' || r >= '0' && r <= '9':
			b.WriteRune(r)
			prevLower = true
		default:
			if prevLower {
				b.WriteByte('-')
			}
			prevLower = false
		}
	}
	return strings.Trim(b.String(), "-")
}

// SelectorProperty is the property a route selector names: the selector
// itself, or the property of a whole expression typed for it
// ($request.body.action is action).
func SelectorProperty(sel string) string {
	sel = strings.TrimSpace(sel)
	if p, ok := strings.CutPrefix(sel, "$request.body."); ok && p != "" {
		return p
	}
	return sel
}
