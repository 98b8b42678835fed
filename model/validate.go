package model

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"unicode"
)

// Severity of a problem found in a design.
type Severity int

const (
	// Error blocks writing the template.
	Error Severity = iota
	// Warning is shown but does not block.
	Warning
)

func (s Severity) String() string {
	if s == Warning {
		return "warning"
	}
	return "error"
}

// Field paths used in problems, so that a form can show each next to its field.
const (
	FieldName           = "name"
	FieldLogicalID      = "logicalId"
	FieldRouteSelector  = "routeSelector"
	FieldDescription    = "description"
	FieldStage          = "stage"
	FieldAuthorizer     = "authorizer.handler"
	FieldIdentitySource = "authorizer.identitySource"
	FieldEndpoints      = "endpoints"
)

// EndpointField is the path of a field of the i-th endpoint ("route", "mode", "handler").
// It is built by concatenation: validation builds three per endpoint on every
// keystroke of the wizard.
func EndpointField(i int, field string) string {
	return "endpoints[" + strconv.Itoa(i) + "]." + field
}

// EndpointIndex is the endpoint an EndpointField path names.
func EndpointIndex(field string) (int, bool) {
	rest, ok := strings.CutPrefix(field, "endpoints[")
	if !ok {
		return 0, false
	}
	n, _, ok := strings.Cut(rest, "]")
	if !ok {
		return 0, false
	}
	i, err := strconv.Atoi(n)
	return i, err == nil
}

// Problem is one rule a design breaks.
type Problem struct {
	Field    string
	Severity Severity
	Message  string
}

func (p Problem) Error() string { return p.Field + ": " + p.Message }

// Problems is the result of validation.
type Problems []Problem

// Errors returns the problems of severity Error.
func (ps Problems) Errors() Problems {
	var out Problems
	for _, p := range ps {
		if p.Severity == Error {
			out = append(out, p)
		}
	}
	return out
}

// For returns the problems of one field.
func (ps Problems) For(field string) Problems {
	var out Problems
	for _, p := range ps {
		if p.Field == field {
			out = append(out, p)
		}
	}
	return out
}

// Limits of API Gateway and CloudFormation that validation enforces.
const (
	MaxNameLength  = 128
	MaxStageLength = 128
	MaxRouteLength = 128
	MaxEndpoints   = 300
	MaxDescription = 1024
)

var (
	stagePattern     = regexp.MustCompile(`^[A-Za-z0-9_-]{1,128}$`)
	selectorSegment  = regexp.MustCompile(`^[A-Za-z0-9_-]+$`)
	identityPatterns = regexp.MustCompile(`^(route\.request\.(header|querystring)\.[^.\s]+|stageVariables\.[^.\s]+|context\.[^\s]+)$`)
)

// ValidateName checks the API's Name.
func ValidateName(name string) error {
	switch n := len([]rune(name)); {
	case strings.TrimSpace(name) == "":
		return fmt.Errorf("a name is required")
	case n > MaxNameLength:
		return fmt.Errorf("at most %d characters (this one has %d)", MaxNameLength, n)
	}
	for _, r := range name {
		if !unicode.IsPrint(r) {
			return fmt.Errorf("only printable characters (found %q)", r)
		}
	}
	return nil
}

// ValidateLogicalID checks an explicit logical ID for the API. taken reports
// IDs already used in the template; it may be nil.
func ValidateLogicalID(id string, taken func(string) bool) error {
	switch {
	case id == "":
		return nil
	case !IsAlnum(id):
		return fmt.Errorf("only letters A-Z, a-z and digits 0-9")
	case len(id) > MaxAPIID:
		return fmt.Errorf("at most %d characters (this one has %d)", MaxAPIID, len(id))
	case taken != nil && taken(id):
		return fmt.Errorf("%s is already used in the template", id)
	}
	return nil
}

// ValidateRouteSelector checks the selector property path, such as "action"
// or "message.type".
func ValidateRouteSelector(sel string) error {
	if sel == "" {
		return fmt.Errorf("a property name is required, such as %q", DefaultRouteSelector)
	}
	if strings.HasPrefix(sel, "$") {
		return fmt.Errorf("give a property of the message body, such as %q: the template gets the expression $request.body.<property>", DefaultRouteSelector)
	}
	for _, seg := range strings.Split(sel, ".") {
		if seg == "" {
			return fmt.Errorf("an empty segment in %q: use property names joined by dots, such as message.type", sel)
		}
		if !selectorSegment.MatchString(seg) {
			return fmt.Errorf("%q is not a property name: use letters, digits, '_' and '-', joined by dots", seg)
		}
	}
	return nil
}

// ValidateStage checks a stage name.
func ValidateStage(stage string) error {
	switch {
	case stage == "":
		return fmt.Errorf("a stage name is required, such as %q", DefaultStage)
	case stage == "$default":
		return fmt.Errorf("$default does not work for WebSocket stages; use a name such as %q", DefaultStage)
	case len(stage) > MaxStageLength:
		return fmt.Errorf("at most %d characters", MaxStageLength)
	case !stagePattern.MatchString(stage):
		return fmt.Errorf("only letters, digits, '_' and '-'")
	}
	return nil
}

// ValidateIdentitySource checks one identity source of a WebSocket authorizer.
func ValidateIdentitySource(src string) error {
	switch {
	case src == "":
		return fmt.Errorf("an identity source is required, such as %s", DefaultIdentitySource)
	case strings.HasPrefix(src, "$request."):
		return fmt.Errorf("%s is HTTP API syntax; WebSocket APIs use route.request.header.<Name> or route.request.querystring.<name>", src)
	case !identityPatterns.MatchString(src):
		return fmt.Errorf("use route.request.header.<Name>, route.request.querystring.<name>, stageVariables.<name> or context.<name>")
	}
	return nil
}

// ValidateRoute checks one endpoint's route key on its own.
func ValidateRoute(route string) error {
	switch {
	case route == "":
		return fmt.Errorf("a route is required: the value of the selector property, or $connect, $disconnect, $default")
	case IsReservedRoute(route):
		return nil
	case strings.HasPrefix(route, "$"):
		return fmt.Errorf("custom routes must not start with '$' (only $connect, $disconnect and $default may)")
	case len(route) > MaxRouteLength:
		return fmt.Errorf("at most %d characters", MaxRouteLength)
	case strings.TrimSpace(route) != route:
		return fmt.Errorf("no leading or trailing spaces: the message must match the route exactly")
	}
	return nil
}

// ValidateMode checks that a mode is allowed on a route.
func ValidateMode(route string, m Mode) error {
	if m == TwoWay && OneWayOnly(route) {
		return fmt.Errorf("%s is 1-way only: API Gateway sends no answer on %s", route, route)
	}
	return nil
}

// ValidateLink checks a Lambda link.
func ValidateLink(l LambdaLink) error {
	switch l.Kind {
	case LinkUnset:
		return fmt.Errorf("choose the Lambda function that handles it")
	case LinkExisting, LinkNew:
		if !IsAlnum(l.FunctionID) {
			return fmt.Errorf("function logical ID %q: only letters and digits", l.FunctionID)
		}
		if len(l.FunctionID) > MaxLogicalID {
			return fmt.Errorf("function logical ID: at most %d characters", MaxLogicalID)
		}
	case LinkARN:
		if !IsAlnum(l.Parameter) {
			return fmt.Errorf("parameter name %q: only letters and digits", l.Parameter)
		}
	}
	return nil
}

// Validate checks the whole design. taken reports logical IDs already used in
// the template by other resources; it may be nil.
func (d Design) Validate(taken func(string) bool) Problems {
	var ps Problems
	add := func(field string, sev Severity, err error) {
		if err != nil {
			ps = append(ps, Problem{Field: field, Severity: sev, Message: err.Error()})
		}
	}
	// addAt names an endpoint's field only when there is a problem: the
	// wizard validates 300 endpoints on every keystroke.
	addAt := func(i int, field string, sev Severity, err error) {
		if err != nil {
			add(EndpointField(i, field), sev, err)
		}
	}
	add(FieldName, Error, ValidateName(d.Name))
	add(FieldLogicalID, Error, ValidateLogicalID(d.LogicalID, taken))
	add(FieldRouteSelector, Error, ValidateRouteSelector(d.RouteSelector))
	if len(d.Description) > MaxDescription {
		add(FieldDescription, Error, fmt.Errorf("at most %d characters", MaxDescription))
	}
	add(FieldStage, Error, ValidateStage(d.Stage))

	if len(d.Endpoints) == 0 {
		add(FieldEndpoints, Error, fmt.Errorf("add at least one endpoint: API Gateway cannot deploy an API without routes"))
	}
	if len(d.Endpoints) > MaxEndpoints {
		add(FieldEndpoints, Error, fmt.Errorf("at most %d endpoints (API Gateway's route limit); this design has %d", MaxEndpoints, len(d.Endpoints)))
	}
	exact := make(map[string]int, len(d.Endpoints))
	folded := make(map[string]int, len(d.Endpoints))
	for i, e := range d.Endpoints {
		addAt(i, "route", Error, ValidateRoute(e.Route))
		if j, dup := exact[e.Route]; dup && e.Route != "" {
			addAt(i, "route", Error, fmt.Errorf("%s is already endpoint %d", e.Route, j+1))
		} else if j, near := folded[strings.ToLower(e.Route)]; near && e.Route != "" {
			addAt(i, "route", Warning, fmt.Errorf("%s differs from endpoint %d (%s) only by case: route keys are case-sensitive", e.Route, j+1, d.Endpoints[j].Route))
		}
		if _, seen := exact[e.Route]; !seen {
			exact[e.Route] = i
		}
		if _, seen := folded[strings.ToLower(e.Route)]; !seen {
			folded[strings.ToLower(e.Route)] = i
		}
		addAt(i, "mode", Error, ValidateMode(e.Route, e.Mode))
		if e.Foreign == "" {
			addAt(i, "handler", Error, ValidateLink(e.Handler))
		}
	}

	if a := d.Authorizer; a != nil {
		add(FieldAuthorizer, Error, ValidateLink(a.Handler))
		if len(a.IdentitySource) == 0 {
			add(FieldIdentitySource, Error, fmt.Errorf("at least one identity source, such as %s", DefaultIdentitySource))
		}
		for _, s := range a.IdentitySource {
			add(FieldIdentitySource, Error, ValidateIdentitySource(s))
		}
		if _, ok := d.Endpoint(RouteConnect); !ok {
			add(FieldAuthorizer, Error, fmt.Errorf("an authorizer runs when a client connects: add a $connect endpoint"))
		}
	}
	ps = append(ps, d.linkConflicts()...)
	return ps
}

// fieldOwner names what a handler field belongs to: "endpoint 2" or "the
// authorizer".
func fieldOwner(field string) string {
	if i, ok := EndpointIndex(field); ok {
		return fmt.Sprintf("endpoint %d", i+1)
	}
	return "the authorizer"
}

// linkDescription says what a link makes of its function, for linkConflicts.
func linkDescription(l LambdaLink) string {
	switch l.Kind {
	case LinkNew:
		return fmt.Sprintf("a new %s function in %s", l.Runtime, l.CodeURI)
	case LinkARN:
		return "a function given by ARN"
	}
	return "an existing function"
}

// linkConflicts finds one function ID used both as an existing and as a new
// function, or with two runtimes: it can be only one resource.
func (d Design) linkConflicts() Problems {
	var ps Problems
	type use struct {
		field string
		link  LambdaLink
	}
	first := map[string]use{}
	check := func(field string, l LambdaLink) {
		if !l.IsSet() {
			return
		}
		// A function's logical ID and a parameter's name share the
		// template's one namespace.
		if d.LogicalID != "" && l.Key() == d.LogicalID && l.Kind != LinkExisting {
			what := "the function"
			if l.Kind == LinkARN {
				what = "the parameter"
			}
			ps = append(ps, Problem{Field: field, Severity: Error,
				Message: fmt.Sprintf("%s is the API's logical ID: %s needs another name", l.Key(), what)})
			if _, seen := first[l.Key()]; !seen {
				ps = append(ps, Problem{Field: FieldLogicalID, Severity: Error,
					Message: fmt.Sprintf("%s is also the name of %s of %s: choose another logical ID", l.Key(), what, fieldOwner(field))})
			}
		}
		u, ok := first[l.Key()]
		if !ok {
			first[l.Key()] = use{field, l}
			return
		}
		if f := u.link; f.Kind != l.Kind || f.Kind == LinkNew && (f.Runtime != l.Runtime || f.CodeURI != l.CodeURI) {
			ps = append(ps, Problem{Field: field, Severity: Error,
				Message: fmt.Sprintf("%s is linked twice in different ways: %s links it as %s, here it is %s; one function is one resource: link the same one, or give this one another name",
					l.Key(), fieldOwner(u.field), linkDescription(f), linkDescription(l))})
		}
	}
	for i, e := range d.Endpoints {
		if e.Foreign == "" {
			check(EndpointField(i, "handler"), e.Handler)
		}
	}
	if d.Authorizer != nil {
		check(FieldAuthorizer, d.Authorizer.Handler)
	}
	return ps
}
