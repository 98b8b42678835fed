package render

import (
	"strings"

	"go.yaml.in/yaml/v3"
)

// route returns the imported route of a route key.
func (a API) route(key string) (Route, bool) {
	for _, r := range a.Routes {
		if r.Key == key {
			return r, true
		}
	}
	return Route{}, false
}

// routeShape reports whether the API gives each route an integration, and
// a permission, of its own: true when some function serves two routes
// through two integrations (permissions) and no two routes share one. A
// template where each function serves one route shows no shape, and gets
// the shared resources of SPEC section 3.
func (e *Edit) routeShape(a API) (integration, permission bool) {
	ints, perms := map[string]string{}, map[string]string{} // ID → function
	byFunction := map[string]map[string]bool{}              // function → integration IDs
	permsOf := map[string]map[string]bool{}
	sharedInt, sharedPerm := false, false
	for _, r := range a.Routes {
		if r.Foreign() || r.IntegrationID == "" {
			continue
		}
		if _, dup := ints[r.IntegrationID]; dup {
			sharedInt = true
		}
		fn := r.Handler.Link().Key()
		ints[r.IntegrationID] = fn
		if byFunction[fn] == nil {
			byFunction[fn], permsOf[fn] = map[string]bool{}, map[string]bool{}
		}
		byFunction[fn][r.IntegrationID] = true
		if ids := e.routePermissions(a, r); len(ids) > 0 {
			if _, dup := perms[ids[0]]; dup {
				sharedPerm = true
			}
			perms[ids[0]] = fn
			permsOf[fn][ids[0]] = true
		}
	}
	for f := range byFunction {
		integration = integration || len(byFunction[f]) > 1
		permission = permission || len(permsOf[f]) > 1
	}
	return integration && !sharedInt, permission && !sharedPerm
}

// routePermissions are the permissions of a route's function that let API
// Gateway invoke it for this route: those whose SourceArn, after the API,
// matches /<stage>/<route key> (or that have none, or one that cannot be
// read). The importer lists every permission of the function for the API;
// a template with a permission per route scopes each to its route.
func (e *Edit) routePermissions(a API, r Route) []string {
	var out []string
	for _, id := range r.PermissionIDs {
		p, ok := e.resource(id)
		if !ok {
			continue
		}
		rest, readable := ArnAfter(p.Prop("SourceArn"), a.Resource.ID)
		// The stage segment is tested against itself when it is a literal.
		stage, _, _ := strings.Cut(strings.TrimPrefix(rest, "/"), "/")
		if stage == "" || strings.ContainsAny(stage, "*?") {
			stage = "stage"
		}
		if !readable || ArnLike(rest, "/"+stage+"/"+r.Key) {
			out = append(out, id)
		}
	}
	return out
}

// stageParameter is the template parameter that names the API's stage
// (StageName: !Ref P), or "".
func (e *Edit) stageParameter(a API) string {
	if len(a.Stages) == 0 {
		return ""
	}
	if name, arg, ok := Intrinsic(a.Stages[0].NameNode); ok && name == "Ref" {
		if p, ok := Scalar(arg); ok && e.t.Parameter(p) != nil {
			return p
		}
	}
	return ""
}

// covers reports whether a permission the function has for the API lets
// API Gateway invoke it for route key.
func (e *Edit) covers(a API, function, key string) bool {
	return len(e.routePermissions(a, Route{Key: key, PermissionIDs: e.permissionsOf(a, function)})) > 0
}

// permissionsOf lists the permissions of the API's routes served by
// function.
func (e *Edit) permissionsOf(a API, function string) []string {
	var ids []string
	for _, r := range a.Routes {
		if r.Handler.Link().Key() == function {
			ids = append(ids, r.PermissionIDs...)
		}
	}
	return ids
}

// routeScoped reports whether every permission of the API's routes names its
// route in its SourceArn (SAM's transform writes them so).
func (e *Edit) routeScoped(a API) bool {
	n := 0
	for _, r := range a.Routes {
		if r.Foreign() || len(r.PermissionIDs) == 0 {
			continue
		}
		n++
		if len(e.routePermissions(a, Route{Key: "\x00", PermissionIDs: r.PermissionIDs})) > 0 {
			return false // one covers any route
		}
	}
	return n > 0
}

// scopeToRoute narrows a new permission's SourceArn, which covers every
// route of the API on every stage, to one route on every stage.
func scopeToRoute(perm *yaml.Node, key string) {
	if src := Get(Get(perm, "Properties"), "SourceArn"); src != nil {
		if name, arg, ok := Intrinsic(src); ok && name == "Sub" && arg.Kind == yaml.ScalarNode && strings.HasSuffix(arg.Value, "}/*") {
			if src.Kind == yaml.MappingNode {
				src = src.Content[1] // the long form's argument
			}
			src.Value += "/" + key
		}
	}
}
