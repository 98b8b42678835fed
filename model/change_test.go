package model

import "testing"

func TestCompare(t *testing.T) {
	fn := func(id string) LambdaLink { return Existing(id) }
	old := Design{
		Name: "A", RouteSelector: "action", Stage: "prod",
		Endpoints: []Endpoint{
			{Route: RouteConnect, Handler: fn("Conn")},
			{Route: "send", Mode: TwoWay, Handler: fn("Send")},
			{Route: "ping", Handler: fn("Send")},
			{Route: "gone", Handler: fn("Send")},
		},
		Authorizer: &Authorizer{Handler: fn("Auth"), IdentitySource: []string{"route.request.querystring.token"}},
	}
	if c := Compare(old, old); c.RoutesChanged() || c.Name || c.Stage || c.AuthorizerEdited || c.Serves("send") {
		t.Errorf("a design compared with itself changes: %+v", c)
	}

	d := old
	d.Name, d.Stage = "B", "dev"
	d.Endpoints = []Endpoint{
		{Route: RouteConnect, Handler: fn("Conn")},
		{Route: "send", Handler: fn("Send")},        // mode
		{Route: "ping", Handler: ARNParameter("P")}, // relinked
		{Route: "new", Handler: fn("Send")},         // added
	}
	d.Authorizer = &Authorizer{Handler: fn("Auth"), IdentitySource: []string{"route.request.header.Auth"}}
	c := Compare(old, d)
	if !c.Name || c.RouteSelector || c.Description || !c.Stage {
		t.Errorf("properties: %+v", c)
	}
	for route, want := range map[string]EndpointChange{
		RouteConnect: {},
		"send":       {Mode: true},
		"ping":       {Relinked: true},
		"new":        {Added: true},
		"gone":       {Removed: true},
	} {
		if got := c.Endpoint(route); got != want {
			t.Errorf("%s: %+v, want %+v", route, got, want)
		}
	}
	if c.Serves("send") || !c.Serves("ping") || !c.Serves("new") || c.Serves("gone") || !c.RoutesChanged() {
		t.Errorf("serves/routes changed: %+v", c)
	}
	if !c.AuthorizerEdited || c.AuthorizerRelinked || c.AuthorizerToggled() {
		t.Errorf("identity source change: %+v", c)
	}

	d.Authorizer = &Authorizer{Handler: fn("Other"), IdentitySource: old.Authorizer.IdentitySource}
	if c := Compare(old, d); !c.AuthorizerEdited || !c.AuthorizerRelinked {
		t.Errorf("authorizer relinked: %+v", c)
	}
	d.Authorizer = nil
	if c := Compare(old, d); !c.AuthorizerRemoved || c.AuthorizerAdded || !c.AuthorizerToggled() {
		t.Errorf("authorizer removed: %+v", c)
	}
	if c := Compare(d, old); !c.AuthorizerAdded || c.AuthorizerRemoved {
		t.Errorf("authorizer added: %+v", c)
	}
	// Only the authorizer appearing changes routes: $connect's
	// authorization is part of the route.
	same := old
	same.Authorizer = nil
	if c := Compare(same, old); !c.RoutesChanged() || c.Serves(RouteConnect) {
		t.Errorf("authorizer added, routes the same: %+v", c)
	}
}
