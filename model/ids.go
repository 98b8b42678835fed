package model

import (
	"strconv"
	"strings"
)

// Limits of logical IDs.
const (
	// MaxLogicalID is CloudFormation's limit on a logical ID.
	MaxLogicalID = 255
	// MaxAPIID is how much of a name becomes the API's logical ID.
	MaxAPIID = 64
	// FallbackAPIID is the API's logical ID when its name is not alphanumeric.
	FallbackAPIID = "WebSocketApi"
)

// Role is what a logical ID names in the resource graph. The render package
// maps each role to its CloudFormation resource type.
type Role int

const (
	RoleAPI Role = iota
	RoleStage
	RoleRoute
	RoleRouteResponse
	RoleIntegration
	RolePermission
	RoleAuthorizer
	RoleAuthorizerPermission
	RoleFunction
	RoleFunctionRole
)

// Origin says how a logical ID was chosen, for the preview to explain.
type Origin int

const (
	// Derived follows the naming rule.
	Derived Origin = iota
	// Fallback is the API's ID taken from the resource type because the name
	// has characters a logical ID cannot hold.
	Fallback
	// Collision carries a numeric suffix because the derived ID was taken.
	Collision
	// Reused belongs to a resource already in the template; it never changes.
	Reused
	// Explicit was typed by the user.
	Explicit
)

func (o Origin) String() string {
	switch o {
	case Fallback:
		return "fallback"
	case Collision:
		return "collision"
	case Reused:
		return "existing"
	case Explicit:
		return "explicit"
	}
	return "derived"
}

// ID is one logical ID of the plan.
type ID struct {
	Value  string
	Role   Role
	Origin Origin
	// Reason explains fallbacks and collisions in a sentence for the preview.
	Reason string
}

// RouteIDs are the logical IDs of one endpoint.
type RouteIDs struct {
	Route         ID
	RouteResponse ID // empty Value for 1-way endpoints
}

// HandlerIDs are the logical IDs shared by every route one function serves.
type HandlerIDs struct {
	Function    LambdaLink
	Integration ID
	Permission  ID
}

// FunctionIDs are the logical IDs of a function wsdesign creates.
type FunctionIDs struct {
	Function LambdaLink
	ID       ID
	Role     ID // empty Value unless the plan has separate IAM roles
}

// Plan is every logical ID one API is written under.
type Plan struct {
	API                  ID
	Stage                ID
	Authorizer           ID // empty Value without an authorizer
	AuthorizerPermission ID
	Routes               []RouteIDs // parallel to Design.Endpoints
	Handlers             []HandlerIDs
	Functions            []FunctionIDs // new functions only
}

// Handler returns the IDs of the integration and permission of a function.
func (p Plan) Handler(key string) (HandlerIDs, bool) {
	for _, h := range p.Handlers {
		if h.Function.Key() == key {
			return h, true
		}
	}
	return HandlerIDs{}, false
}

// All lists every ID of the plan in the order the resources are written.
func (p Plan) All() []ID {
	out := []ID{p.API, p.Stage}
	for _, r := range p.Routes {
		out = append(out, r.Route)
		if r.RouteResponse.Value != "" {
			out = append(out, r.RouteResponse)
		}
	}
	for _, h := range p.Handlers {
		out = append(out, h.Integration, h.Permission)
	}
	if p.Authorizer.Value != "" {
		out = append(out, p.Authorizer, p.AuthorizerPermission)
	}
	for _, f := range p.Functions {
		out = append(out, f.ID)
		if f.Role.Value != "" {
			out = append(out, f.Role)
		}
	}
	return out
}

// Pinned are the logical IDs of an API that already exists in the template.
// A planned resource that has one keeps it: renaming a resource makes
// CloudFormation replace it.
type Pinned struct {
	API                  string
	Stage                string
	Authorizer           string
	AuthorizerPermission string
	Routes               map[string]string // by route key
	RouteResponses       map[string]string // by route key
	Integrations         map[string]string // by LambdaLink.Key
	Permissions          map[string]string // by LambdaLink.Key
}

// PlanOptions are what the plan needs to know of the template.
type PlanOptions struct {
	// Taken reports whether a logical ID is already used in the template
	// (resources and parameters) by something other than this API's pinned
	// resources.
	Taken func(id string) bool
	// Pinned holds the IDs of this API's existing resources; nil for a new API.
	Pinned *Pinned
	// FunctionRoles adds an IAM role per new function (plain CloudFormation).
	FunctionRoles bool
}

// PlanIDs derives every logical ID of the design (SPEC section 2).
func PlanIDs(d Design, opt PlanOptions) Plan {
	// Sized for every ID of the plan: growing the map was a third of the
	// cost of planning 300 endpoints.
	a := allocator{used: make(map[string]bool, 4+3*len(d.Endpoints)), taken: opt.Taken}
	pin := opt.Pinned
	if pin == nil {
		pin = &Pinned{}
	}
	// Reserve every pinned ID first so that new resources never take one.
	for _, id := range pin.all() {
		a.used[id] = true
	}
	// New functions keep the IDs the user gave them; reserve those too.
	for _, f := range d.Functions() {
		if f.Kind == LinkNew {
			a.used[f.FunctionID] = true
		}
	}

	var p Plan
	p.API = a.api(d, pin.API)
	api := p.API.Value
	p.Stage = a.pick(pin.Stage, api+"Stage", RoleStage)

	noAlnum := 0
	for _, e := range d.Endpoints {
		part, ok := RoutePart(e.Route)
		if !ok {
			noAlnum++
			part = "Route" + strconv.Itoa(noAlnum)
		}
		r := RouteIDs{Route: a.pick(pin.Routes[e.Route], api+part+"Route", RoleRoute)}
		if e.Mode == TwoWay {
			r.RouteResponse = a.pick(pin.RouteResponses[e.Route], api+part+"RouteResponse", RoleRouteResponse)
		}
		p.Routes = append(p.Routes, r)
	}
	for _, f := range d.Handlers() {
		k := f.Key()
		p.Handlers = append(p.Handlers, HandlerIDs{
			Function:    f,
			Integration: a.pick(pin.Integrations[k], api+alnum(k)+"Integration", RoleIntegration),
			Permission:  a.pick(pin.Permissions[k], api+alnum(k)+"Permission", RolePermission),
		})
	}
	if d.Authorizer != nil {
		p.Authorizer = a.pick(pin.Authorizer, api+"Authorizer", RoleAuthorizer)
		p.AuthorizerPermission = a.pick(pin.AuthorizerPermission, api+"AuthorizerPermission", RoleAuthorizerPermission)
	}
	for _, f := range d.Functions() {
		if f.Kind != LinkNew {
			continue
		}
		fi := FunctionIDs{Function: f, ID: ID{Value: f.FunctionID, Role: RoleFunction, Origin: Explicit}}
		if opt.FunctionRoles {
			fi.Role = a.pick("", f.FunctionID+"Role", RoleFunctionRole)
		}
		p.Functions = append(p.Functions, fi)
	}
	return p
}

func (p *Pinned) all() []string {
	out := []string{p.API, p.Stage, p.Authorizer, p.AuthorizerPermission}
	for _, m := range []map[string]string{p.Routes, p.RouteResponses, p.Integrations, p.Permissions} {
		for _, v := range m {
			out = append(out, v)
		}
	}
	return out
}

type allocator struct {
	used  map[string]bool
	taken func(string) bool
}

func (a *allocator) free(id string) bool {
	return id != "" && !a.used[id] && (a.taken == nil || !a.taken(id))
}

// pick returns the pinned ID when there is one, else want with the smallest
// free numeric suffix.
func (a *allocator) pick(pinned, want string, role Role) ID {
	if pinned != "" {
		return ID{Value: pinned, Role: role, Origin: Reused}
	}
	want = clip(want, MaxLogicalID)
	if a.free(want) {
		a.used[want] = true
		return ID{Value: want, Role: role}
	}
	for n := 2; ; n++ {
		suffix := strconv.Itoa(n)
		id := clip(want, MaxLogicalID-len(suffix)) + suffix
		if a.free(id) {
			a.used[id] = true
			return ID{Value: id, Role: role, Origin: Collision, Reason: want + " is already used in the template"}
		}
	}
}

func (a *allocator) api(d Design, pinned string) ID {
	switch {
	case pinned != "":
		return ID{Value: pinned, Role: RoleAPI, Origin: Reused}
	case d.LogicalID != "":
		a.used[d.LogicalID] = true
		return ID{Value: d.LogicalID, Role: RoleAPI, Origin: Explicit}
	}
	if d.Name != "" && IsAlnum(d.Name) {
		return a.pick("", clip(d.Name, MaxAPIID), RoleAPI)
	}
	reason := "name has non-alphanumeric characters, ID taken from the resource type"
	if d.Name == "" {
		reason = "no name yet, ID taken from the resource type"
	}
	for n := 1; ; n++ {
		id := FallbackAPIID
		if n > 1 {
			id += strconv.Itoa(n)
		}
		if a.free(id) {
			a.used[id] = true
			return ID{Value: id, Role: RoleAPI, Origin: Fallback, Reason: reason}
		}
	}
}

// RoutePart is the part of an endpoint's logical IDs that names its route:
// Connect, Disconnect and Default for the reserved routes; for a custom route
// its alphanumeric characters, each run capitalised (send-message becomes
// SendMessage). It reports false for a route with no alphanumeric character.
func RoutePart(route string) (string, bool) {
	switch route {
	case RouteConnect:
		return "Connect", true
	case RouteDisconnect:
		return "Disconnect", true
	case RouteDefault:
		return "Default", true
	}
	p := pascal(route)
	return p, p != ""
}

// pascal keeps the alphanumeric characters of s and capitalises the first of
// each run.
func pascal(s string) string {
	var b strings.Builder
	start := true
	for _, r := range s {
		if !isAlnumRune(r) {
			start = true
			continue
		}
		if start && r >= 'a' && r <= 'z' {
			r -= 'a' - 'A'
		}
		b.WriteRune(r)
		start = false
	}
	return b.String()
}

// alnum drops every character a logical ID cannot hold.
func alnum(s string) string {
	var b strings.Builder
	for _, r := range s {
		if isAlnumRune(r) {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// IsAlnum reports whether s is a non-empty string of A-Za-z0-9.
func IsAlnum(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if !isAlnumRune(r) {
			return false
		}
	}
	return true
}

func isAlnumRune(r rune) bool {
	return r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9'
}

func clip(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}

// AlnumName is a name with only the characters a logical ID can hold, each
// run capitalised ("Chat API" is ChatAPI): typed as the name, it keeps the
// name in the API's logical ID.
func AlnumName(name string) string { return pascal(name) }
