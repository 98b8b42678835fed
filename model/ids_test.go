package model

import (
	"strings"
	"testing"
)

func TestRoutePart(t *testing.T) {
	tests := []struct {
		route, want string
		ok          bool
	}{
		{"$connect", "Connect", true},
		{"$disconnect", "Disconnect", true},
		{"$default", "Default", true},
		{"send-message", "SendMessage", true},
		{"chat.join", "ChatJoin", true},
		{"sendMessage", "SendMessage", true},
		{"sendmessage", "Sendmessage", true},
		{"a_b-c.d", "ABCD", true},
		{"v2/update", "V2Update", true},
		{"9lives", "9lives", true},
		{"émoji-ok", "MojiOk", true},
		{"...", "", false},
		{"-", "", false},
	}
	for _, tt := range tests {
		got, ok := RoutePart(tt.route)
		if got != tt.want || ok != tt.ok {
			t.Errorf("RoutePart(%q) = %q, %v; want %q, %v", tt.route, got, ok, tt.want, tt.ok)
		}
	}
}

func chat() Design {
	d := Design{
		Name: "ChatApi",
		Endpoints: []Endpoint{
			{Route: RouteConnect, Handler: NewFunction("OnConnectFunction")},
			{Route: RouteDisconnect, Handler: NewFunction("OnDisconnectFunction")},
			{Route: "sendmessage", Mode: TwoWay, Handler: NewFunction("SendMessageFunction")},
		},
	}
	d.Normalize()
	return d
}

func values(ids []ID) []string {
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = id.Value
	}
	return out
}

func TestPlanIDsChat(t *testing.T) {
	p := PlanIDs(chat(), PlanOptions{})
	want := []string{
		"ChatApi", "ChatApiStage",
		"ChatApiConnectRoute", "ChatApiDisconnectRoute", "ChatApiSendmessageRoute", "ChatApiSendmessageRouteResponse",
		"ChatApiOnConnectFunctionIntegration", "ChatApiOnConnectFunctionPermission",
		"ChatApiOnDisconnectFunctionIntegration", "ChatApiOnDisconnectFunctionPermission",
		"ChatApiSendMessageFunctionIntegration", "ChatApiSendMessageFunctionPermission",
		"OnConnectFunction", "OnDisconnectFunction", "SendMessageFunction",
	}
	if got := values(p.All()); strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("plan:\n got %v\nwant %v", got, want)
	}
	for _, id := range p.All() {
		if id.Origin == Collision || id.Origin == Fallback {
			t.Errorf("%s: unexpected origin %v", id.Value, id.Origin)
		}
	}
}

func TestPlanAPIID(t *testing.T) {
	long := strings.Repeat("A", 70)
	tests := []struct {
		name    string
		design  Design
		taken   []string
		want    string
		origin  Origin
		because string
	}{
		{"alnum name", Design{Name: "ChatApi"}, nil, "ChatApi", Derived, ""},
		{"cut to 64", Design{Name: long}, nil, long[:64], Derived, ""},
		{"space falls back", Design{Name: "Chat API"}, nil, "WebSocketApi", Fallback, "non-alphanumeric"},
		{"fallback skips taken", Design{Name: "chat-api"}, []string{"WebSocketApi", "WebSocketApi2"}, "WebSocketApi3", Fallback, "non-alphanumeric"},
		{"empty name", Design{}, nil, "WebSocketApi", Fallback, "no name"},
		{"alnum name taken", Design{Name: "Chat"}, []string{"Chat"}, "Chat2", Collision, "already used"},
		{"explicit", Design{Name: "Chat API", LogicalID: "Sockets"}, nil, "Sockets", Explicit, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := PlanIDs(tt.design, PlanOptions{Taken: takenSet(tt.taken...)})
			if p.API.Value != tt.want || p.API.Origin != tt.origin {
				t.Fatalf("API ID = %q (%v), want %q (%v)", p.API.Value, p.API.Origin, tt.want, tt.origin)
			}
			if !strings.Contains(p.API.Reason, tt.because) {
				t.Errorf("reason %q does not say %q", p.API.Reason, tt.because)
			}
			if p.Stage.Value != tt.want+"Stage" {
				t.Errorf("stage ID %q does not follow the API ID", p.Stage.Value)
			}
		})
	}
}

func takenSet(ids ...string) func(string) bool {
	m := map[string]bool{}
	for _, id := range ids {
		m[id] = true
	}
	return func(s string) bool { return m[s] }
}

func TestPlanCollidingRouteParts(t *testing.T) {
	d := Design{Name: "Api", Endpoints: []Endpoint{
		{Route: "chat.join", Handler: Existing("Fn")},
		{Route: "chatJoin", Handler: Existing("Fn")},
		{Route: "chat-join", Mode: TwoWay, Handler: Existing("Fn")},
		{Route: "...", Handler: Existing("Fn")},
		{Route: "---", Handler: Existing("Fn")},
	}}
	p := PlanIDs(d, PlanOptions{Taken: takenSet("Fn", "ApiChatJoinRoute3")})
	got := []string{}
	for _, r := range p.Routes {
		got = append(got, r.Route.Value)
	}
	want := []string{"ApiChatJoinRoute", "ApiChatJoinRoute2", "ApiChatJoinRoute4", "ApiRoute1Route", "ApiRoute2Route"}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Fatalf("routes = %v, want %v", got, want)
	}
	if p.Routes[1].Route.Origin != Collision || p.Routes[0].Route.Origin != Derived {
		t.Errorf("origins = %v, %v", p.Routes[0].Route.Origin, p.Routes[1].Route.Origin)
	}
	if rr := p.Routes[2].RouteResponse.Value; rr != "ApiChatJoinRouteResponse" {
		t.Errorf("route response = %q", rr)
	}
	if len(p.Handlers) != 1 || p.Handlers[0].Integration.Value != "ApiFnIntegration" {
		t.Errorf("one function must give one integration, got %+v", p.Handlers)
	}
}

func TestPlanSharedFunctionAndAuthorizer(t *testing.T) {
	d := chat()
	d.Endpoints[1].Handler = d.Endpoints[0].Handler // one function for $connect and $disconnect
	d.Authorizer = &Authorizer{Handler: ARNParameter("AuthArn")}
	d.Normalize()
	p := PlanIDs(d, PlanOptions{FunctionRoles: true})
	if len(p.Handlers) != 2 {
		t.Fatalf("handlers = %d, want 2 (shared function counted once)", len(p.Handlers))
	}
	if p.Authorizer.Value != "ChatApiAuthorizer" || p.AuthorizerPermission.Value != "ChatApiAuthorizerPermission" {
		t.Errorf("authorizer IDs = %q %q", p.Authorizer.Value, p.AuthorizerPermission.Value)
	}
	if len(p.Functions) != 2 || p.Functions[0].Role.Value != "OnConnectFunctionRole" {
		t.Errorf("new functions with roles = %+v", p.Functions)
	}
}

func TestPlanPinnedIDsAreStable(t *testing.T) {
	d := chat()
	d.Name = "Renamed Chat" // renaming never renames resources
	pin := &Pinned{
		API: "ChatApi", Stage: "ProdStage",
		Routes:       map[string]string{RouteConnect: "ConnectRoute"},
		Integrations: map[string]string{"OnConnectFunction": "ConnectInteg"},
		Permissions:  map[string]string{"OnConnectFunction": "OnConnectPermission"},
	}
	taken := takenSet("ChatApiDisconnectRoute") // someone else's resource
	p := PlanIDs(d, PlanOptions{Taken: taken, Pinned: pin})
	checks := map[string]ID{
		"ChatApi": p.API, "ProdStage": p.Stage, "ConnectRoute": p.Routes[0].Route,
		"ConnectInteg": p.Handlers[0].Integration, "ChatApiDisconnectRoute2": p.Routes[1].Route,
	}
	for want, id := range checks {
		if id.Value != want {
			t.Errorf("got %q, want %q", id.Value, want)
		}
	}
	if p.API.Origin != Reused || p.Routes[0].Route.Origin != Reused || p.Routes[1].Route.Origin != Collision {
		t.Errorf("origins: api %v, connect %v, disconnect %v", p.API.Origin, p.Routes[0].Route.Origin, p.Routes[1].Route.Origin)
	}
}

func TestPlanNeverReusesPinnedIDForNewResource(t *testing.T) {
	// An existing route happens to carry the ID a new endpoint would derive.
	d := Design{Name: "Api", Endpoints: []Endpoint{
		{Route: "old", Handler: Existing("Fn")},
		{Route: "new", Handler: Existing("Fn")},
	}}
	pin := &Pinned{API: "Api", Routes: map[string]string{"old": "ApiNewRoute"}}
	p := PlanIDs(d, PlanOptions{Pinned: pin})
	if p.Routes[0].Route.Value != "ApiNewRoute" || p.Routes[1].Route.Value != "ApiNewRoute2" {
		t.Errorf("routes = %q, %q", p.Routes[0].Route.Value, p.Routes[1].Route.Value)
	}
}

func TestFunctionIDAndCodeURI(t *testing.T) {
	tests := []struct{ name, id, code string }{
		{"on connect", "OnConnectFunction", "src/on-connect/"},
		{"send-message", "SendMessageFunction", "src/send-message/"},
		{"AuthFunction", "AuthFunction", "src/auth/"},
		{"", "", ""},
	}
	for _, tt := range tests {
		if got := FunctionID(tt.name); got != tt.id {
			t.Errorf("FunctionID(%q) = %q, want %q", tt.name, got, tt.id)
		}
		if tt.id != "" {
			if got := DefaultCodeURI(tt.id); got != tt.code {
				t.Errorf("DefaultCodeURI(%q) = %q, want %q", tt.id, got, tt.code)
			}
		}
	}
}
