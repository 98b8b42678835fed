package render

import (
	"slices"

	"github.com/wsdesign/wsdesign/model"
)

// dropUnused removes the integrations and permissions of the API that no
// route or authorizer of the edited design uses, nor another API of the
// template, then every resource marked for removal.
func (p *apiPlan) dropUnused(d model.Design) error {
	used, err := p.used(d)
	if err != nil {
		return err
	}
	p.markUnused(used, d)
	ids := make([]string, 0, len(p.removed))
	for id := range p.removed {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	for _, id := range ids {
		if _, exists := p.e.current(SectionResources, id); !exists {
			continue
		}
		if err := p.e.Remove(SectionResources, id); err != nil {
			return err
		}
	}
	return p.dropParameters(ids)
}

// used lists the integrations and permissions that stay in use: by the
// kept routes and the authorizer of the edited design, by the routes it
// links anew (the plan's), and by the template's other APIs.
func (p *apiPlan) used(d model.Design) (map[string]bool, error) {
	used := map[string]bool{}
	kept := func(r Route) bool {
		change := p.ch.Endpoint(r.Key)
		return !change.Removed && (r.Foreign() || !change.Relinked)
	}
	// A permission that let API Gateway invoke a route that goes is used
	// by a kept route only where no other permission lets it: the one an
	// edit added for new routes, which also covers older ones, goes with
	// those routes.
	freed := map[string]bool{}
	for _, r := range p.a.Routes {
		if !kept(r) {
			for _, id := range p.e.routePermissions(p.a, r) {
				freed[id] = true
			}
		}
	}
	for _, r := range p.a.Routes {
		if !kept(r) {
			continue
		}
		used[r.IntegrationID] = true
		perms := p.e.routePermissions(p.a, r)
		if others := slices.DeleteFunc(slices.Clone(perms), func(id string) bool { return freed[id] }); len(others) > 0 {
			perms = others
		}
		for _, id := range perms {
			used[id] = true
		}
	}
	// The integration and permission the plan gives a function are used by
	// the routes newly linked to it; an existing one is otherwise used only
	// through the kept routes above.
	linking := map[string]bool{}
	for _, ep := range d.Endpoints {
		if p.ch.Serves(ep.Route) {
			linking[ep.Handler.Key()] = true
		}
	}
	for _, h := range p.frag.Plan.Handlers {
		if linking[h.Function.Key()] {
			used[h.Integration.Value] = true
			used[h.Permission.Value] = true
		}
	}
	if d.Authorizer != nil {
		used[p.frag.Plan.AuthorizerPermission.Value] = true
		if !p.ch.AuthorizerAdded && !p.ch.AuthorizerRelinked {
			if az, ok := p.a.authorizer(p.a.Pinned.Authorizer); ok {
				for _, id := range az.PermissionIDs {
					used[id] = true
				}
			}
		}
	}
	// What the template's other APIs use stays, such as a permission
	// without SourceArn that lets every API invoke a shared function.
	others, err := Import(p.e.t)
	if err != nil {
		return nil, err
	}
	for _, o := range others {
		if o.Resource.ID == p.a.Resource.ID {
			continue
		}
		for _, r := range o.Routes {
			used[r.IntegrationID] = true
			for _, id := range p.e.routePermissions(o, r) {
				used[id] = true
			}
		}
		for _, az := range o.Authorizers {
			for _, id := range az.PermissionIDs {
				used[id] = true
			}
		}
	}
	return used, nil
}

// markUnused marks for removal the API's integrations and permissions not
// used, and the responses of removed routes and integrations.
func (p *apiPlan) markUnused(used map[string]bool, d model.Design) {
	mine := map[string]bool{}
	for _, id := range p.a.Resources {
		mine[id] = true
	}
	for _, r := range p.a.Routes {
		for _, id := range append([]string{r.IntegrationID}, r.PermissionIDs...) {
			if id != "" && mine[id] && !used[id] {
				p.removed[id] = true
			}
		}
	}
	for _, az := range p.a.Authorizers {
		if az.ID != "" && p.removed[az.ID] || p.ch.AuthorizerRelinked {
			for _, id := range az.PermissionIDs {
				if mine[id] && !used[id] {
					p.removed[id] = true
				}
			}
		}
	}
	// Responses of a removed route or integration go with it.
	for changed := true; changed; {
		changed = false
		for _, id := range p.a.Resources {
			r, ok := p.e.resource(id)
			if !ok || p.removed[id] || r.Type != TypeRouteResponse && r.Type != typeIntegrationResponse {
				continue
			}
			for _, ref := range Refs(r.Node) {
				if p.removed[ref] {
					p.removed[id], changed = true, true
					break
				}
			}
		}
	}
}

// dropParameters removes the parameters that only the removed resources
// referred to (the ARN of a function outside the template that a removed
// route invoked): nothing left in the template uses them.
func (p *apiPlan) dropParameters(removed []string) error {
	var unused []string
	for _, id := range removed {
		r, _ := p.e.t.Resource(id)
		for _, ref := range Refs(r.Node) {
			if p.e.t.Parameter(ref) != nil && !slices.Contains(unused, ref) {
				unused = append(unused, ref)
			}
		}
	}
	if len(unused) == 0 {
		return nil
	}
	still := map[string]bool{}
	root := p.e.t.Root
	for k, v := range Pairs(root) {
		switch section := k.Value; section {
		case SectionParameters:
			continue
		case SectionResources:
			for j := 0; j+1 < len(v.Content); j += 2 {
				if !p.removed[v.Content[j].Value] {
					for _, ref := range Refs(v.Content[j+1]) {
						still[ref] = true
					}
				}
			}
			continue
		}
		for _, ref := range Refs(v) {
			still[ref] = true
		}
	}
	for _, id := range p.pending {
		for _, ref := range Refs(p.nodes[id]) {
			still[ref] = true
		}
	}
	for _, prm := range unused {
		if !still[prm] {
			if err := p.e.Remove(SectionParameters, prm); err != nil {
				return err
			}
		}
	}
	return nil
}
