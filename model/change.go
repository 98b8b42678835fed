package model

import "slices"

// Change is what an edit does to a design: computed once from the design
// before and after, it is what every step of an edit reads to decide what
// it touches.
type Change struct {
	Name, RouteSelector, Description, Stage bool
	// endpoints holds the routes whose endpoint is added, removed or
	// changed; a route not in it is unchanged.
	endpoints map[string]EndpointChange
	// AuthorizerAdded and AuthorizerRemoved say that the design gains or
	// loses its authorizer; AuthorizerEdited that it keeps one with another
	// function or other identity sources, AuthorizerRelinked that the kept
	// one has another function.
	AuthorizerAdded, AuthorizerRemoved   bool
	AuthorizerEdited, AuthorizerRelinked bool
}

// EndpointChange is what a change does to the endpoint of one route: at
// most one of Added and Removed; Relinked and Mode only for a kept route.
type EndpointChange struct {
	Added, Removed bool
	// Relinked: the route is served by another function.
	Relinked bool
	// Mode: the route changed between 1-way and 2-way.
	Mode bool
}

// Compare computes the change from the design old to d.
func Compare(old, d Design) Change {
	c := Change{
		Name:          d.Name != old.Name,
		RouteSelector: d.RouteSelector != old.RouteSelector,
		Description:   d.Description != old.Description,
		Stage:         d.Stage != old.Stage,
		endpoints:     map[string]EndpointChange{},
	}
	for _, ep := range d.Endpoints {
		o, had := old.Endpoint(ep.Route)
		ec := EndpointChange{
			Added:    !had,
			Relinked: had && o.Handler.Key() != ep.Handler.Key(),
			Mode:     had && o.Mode != ep.Mode,
		}
		if ec != (EndpointChange{}) {
			c.endpoints[ep.Route] = ec
		}
	}
	for _, o := range old.Endpoints {
		if _, kept := d.Endpoint(o.Route); !kept {
			c.endpoints[o.Route] = EndpointChange{Removed: true}
		}
	}
	switch {
	case d.Authorizer != nil && old.Authorizer == nil:
		c.AuthorizerAdded = true
	case d.Authorizer == nil && old.Authorizer != nil:
		c.AuthorizerRemoved = true
	case d.Authorizer != nil:
		c.AuthorizerRelinked = d.Authorizer.Handler.Key() != old.Authorizer.Handler.Key()
		c.AuthorizerEdited = c.AuthorizerRelinked || !slices.Equal(d.Authorizer.IdentitySource, old.Authorizer.IdentitySource)
	}
	return c
}

// Endpoint is the change to the endpoint of a route; zero when it is
// unchanged (or in neither design).
func (c Change) Endpoint(route string) EndpointChange { return c.endpoints[route] }

// Serves reports whether the change links route to a function that did not
// serve it: a new route, or a relinked one.
func (c Change) Serves(route string) bool {
	e := c.endpoints[route]
	return e.Added || e.Relinked
}

// AuthorizerToggled reports whether the design gains or loses its authorizer,
// which changes how $connect is authorized.
func (c Change) AuthorizerToggled() bool { return c.AuthorizerAdded || c.AuthorizerRemoved }

// RoutesChanged reports whether the change adds, removes or changes a route,
// or $connect's authorization: what a deployment must publish.
func (c Change) RoutesChanged() bool { return len(c.endpoints) > 0 || c.AuthorizerToggled() }
