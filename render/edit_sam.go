package render

import (
	"maps"
	"slices"

	"github.com/wsdesign/wsdesign/model"
	"go.yaml.in/yaml/v3"
)

// editSAM records the changes of a SAM AWS::Serverless::WebSocketApi, whose
// routes, stage and authorizer are properties of the one resource that the
// transform expands: each change sets or removes one property there.
func (p *apiPlan) editSAM(d model.Design) error {
	e, a, old := p.e, p.a, p.a.Design
	id := a.Resource.ID
	set := func(path []string, v *yaml.Node) error {
		return e.Set(SectionResources, id, append([]string{"Properties"}, path...), v)
	}
	if p.ch.Stage {
		if err := p.stageRenamable(); err != nil {
			return err
		}
	}
	for _, c := range []struct {
		prop    string
		changed bool
		now     string
		value   *yaml.Node
	}{
		{"Name", p.ch.Name, d.Name, e.nodes.str(d.Name)},
		{"RouteSelectionExpression", p.ch.RouteSelector, d.RouteSelector, e.nodes.str(d.RouteSelectionExpression())},
		{"Description", p.ch.Description, d.Description, e.nodes.str(d.Description)},
		{"StageName", p.ch.Stage, d.Stage, e.nodes.str(d.Stage)},
	} {
		if !c.changed {
			continue
		}
		if c.now == "" {
			if err := e.Unset(SectionResources, id, []string{"Properties", c.prop}); err != nil {
				return err
			}
			continue
		}
		if err := set([]string{c.prop}, c.value); err != nil {
			return err
		}
	}
	if p.ch.Stage {
		if err := e.renameStage(id, literalStage(old.Stage), d.Stage); err != nil {
			return err
		}
	}
	if err := p.editSAMRoutes(d); err != nil {
		return err
	}
	switch {
	case p.ch.AuthorizerRemoved:
		if err := e.Unset(SectionResources, id, []string{"Properties", "Auth"}); err != nil {
			return err
		}
	case p.ch.AuthorizerAdded || p.ch.AuthorizerEdited:
		auth := e.nodes.mapping().
			set("AuthType", e.nodes.str(AuthorizationCustom)).
			set("AuthArn", p.functionArn(d.Authorizer.Handler)).
			set("IdentitySource", e.nodes.strs(d.Authorizer.IdentitySource)).node
		if err := set([]string{"Auth"}, auth); err != nil {
			return err
		}
	}
	if err := p.addFunctions(); err != nil {
		return err
	}
	return p.flush()
}

// editSAMRoutes adds, changes and removes the entries of a SAM API's
// Routes, and the route responses of its 2-way routes.
func (p *apiPlan) editSAMRoutes(d model.Design) error {
	e, a := p.e, p.a
	id := a.Resource.ID
	set := func(path []string, v *yaml.Node) error {
		return e.Set(SectionResources, id, append([]string{"Properties"}, path...), v)
	}
	for i, ep := range d.Endpoints {
		change := p.ch.Endpoint(ep.Route)
		if ep.Foreign != "" {
			continue
		}
		if p.ch.Serves(ep.Route) {
			if err := set([]string{"Routes", ep.Route, "FunctionArn"}, p.functionArn(ep.Handler)); err != nil {
				return err
			}
		}
		if !change.Added && !change.Mode {
			continue
		}
		r, _ := a.route(ep.Route)
		if ep.Mode == model.TwoWay {
			if err := set([]string{"Routes", ep.Route, "RouteResponseSelectionExpression"}, e.nodes.str("$default")); err != nil {
				return err
			}
			if err := p.addSAMRouteResponse(ep.Route, r, i); err != nil {
				return err
			}
		} else if !change.Added {
			if err := e.Unset(SectionResources, id, []string{"Properties", "Routes", ep.Route, "RouteResponseSelectionExpression"}); err != nil {
				return err
			}
			p.remove(r.RouteResponseIDs...)
		}
	}
	for _, r := range a.Routes {
		if p.ch.Endpoint(r.Key).Removed {
			if err := e.Unset(SectionResources, id, []string{"Properties", "Routes", r.Key}); err != nil {
				return err
			}
			p.remove(r.RouteResponseIDs...)
		}
	}
	removed := slices.Sorted(maps.Keys(p.removed))
	for _, rid := range removed {
		if err := e.Remove(SectionResources, rid); err != nil {
			return err
		}
	}
	return nil
}

// addSAMRouteResponse adds the route response a 2-way route of a SAM API
// needs, which SAM's transform does not write: on the route SAM generates
// for the key, under the ID the design's plan gives endpoint i's response.
func (p *apiPlan) addSAMRouteResponse(key string, r Route, i int) error {
	if len(r.RouteResponseIDs) > 0 {
		return nil
	}
	route, ok := SAMRouteID(p.a.Resource.ID, key)
	if !ok {
		return p.e.failf(p.a.Resource.Key, "route %q: SAM accepts only alphanumeric route keys", key)
	}
	id := p.frag.Plan.Routes[i].RouteResponse.Value
	n := p.e.nodes
	p.nodes[id] = n.mapping().set("Type", n.str(TypeRouteResponse)).set("Properties", n.mapping().
		set("ApiId", n.ref(p.a.Resource.ID)).
		set("RouteId", n.ref(route)).
		set("RouteResponseKey", n.str("$default")).node).node
	return p.add(id)
}

// functionArn is the ARN of a linked function as a SAM route's FunctionArn:
// the Ref of a parameter, alias or version, else the function's Arn.
func (p *apiPlan) functionArn(l model.LambdaLink) *yaml.Node {
	if l.Kind == model.LinkARN {
		return p.e.nodes.ref(l.Parameter)
	}
	if r, ok := p.e.resource(l.FunctionID); ok && (r.Type == TypeLambdaAlias || r.Type == TypeLambdaVersion) {
		return p.e.nodes.ref(l.FunctionID)
	}
	return p.e.nodes.getAtt(l.FunctionID, "Arn")
}
