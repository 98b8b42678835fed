package render

import (
	"fmt"
	"slices"
	"strings"

	"github.com/wsdesign/wsdesign/model"
	"go.yaml.in/yaml/v3"
)

// EditOptions are the choices of an edit that the design does not hold.
type EditOptions struct {
	// Flavor is the format of the functions an edit creates.
	Flavor Flavor
	// Grant consents to adding what existing functions linked to the API
	// need to post to clients (a policy statement and the callback URL
	// variable). Without it those needs are only reported.
	Grant bool
}

// Change is what an edit of one API does, for the review.
type Change struct {
	// Fragment is the emitted design, with the plan of every logical ID.
	Fragment Fragment
	// Needs are the needs of existing functions newly linked to the API that
	// the edit does not meet: all of them without Grant, else those it
	// cannot (a function whose role is not in the template).
	Needs   []FunctionNeed
	Granted bool
	// Lacking are the needs of existing functions newly linked to the API
	// that the template does not meet before the edit, Grant or not: what
	// the user is asked to consent to.
	Lacking []FunctionNeed
	// Notes say what the user should know about the edited template.
	Notes []string
}

// typeIntegrationResponse is the response of a non-proxy integration, which
// goes when its integration goes.
const typeIntegrationResponse = "AWS::ApiGatewayV2::IntegrationResponse"

// resource returns the resource of a logical ID through an index built
// once, so that looking up every resource of a large API stays linear.
func (e *Edit) resource(id string) (Resource, bool) {
	if e.byID == nil {
		rs := e.t.Resources()
		e.byID = make(map[string]Resource, len(rs))
		for _, r := range rs {
			e.byID[r.ID] = r
		}
	}
	r, ok := e.byID[id]
	return r, ok
}

// EditAPI records the changes that turn the imported API a into the design
// d, resource by resource: only what the design changes is touched, and each
// touched resource keeps every property wsdesign does not manage.
//
//   - A new endpoint adds its route (and route response when 2-way) and, when
//     its function has none yet, an integration and a permission.
//   - A removed endpoint removes its route and route responses, and its
//     integration and permissions when no remaining route of the API uses
//     them; never a function. DependsOn lists that name a removed resource
//     lose that name; a Deployment that depends on the API's routes also
//     depends on its new ones.
//   - A changed mode sets or removes RouteResponseSelectionExpression and
//     adds or removes the route response; a relinked handler sets Target.
//   - Name, route selector, description and stage name set one property.
//   - An added or removed authorizer adds or removes the authorizer and its
//     permission and sets AuthorizationType (and AuthorizerId) on $connect.
//
// Templates that give each route its own integration (no integration of the
// API serves two routes) keep that shape: a new or relinked route gets an
// integration of its own. The same holds for permissions.
func (e *Edit) EditAPI(a API, d model.Design, opt EditOptions) (Change, error) {
	p, err := e.planAPI(a, d, opt)
	if err != nil {
		return Change{}, err
	}
	ch := Change{Fragment: p.frag, Granted: opt.Grant}
	if a.SAM {
		return ch, p.editSAM(d)
	}
	if err := p.editProperties(d); err != nil {
		return Change{}, err
	}
	newLinks, err := p.editRoutes(d)
	if err != nil {
		return Change{}, err
	}
	if err := p.editAuthorizer(d); err != nil {
		return Change{}, err
	}
	if err := p.addFunctions(); err != nil {
		return Change{}, err
	}
	// Integrations and permissions no remaining route or authorizer uses.
	if err := p.dropUnused(d); err != nil {
		return Change{}, err
	}
	if err := p.fixDependsOn(); err != nil {
		return Change{}, err
	}
	if err := p.flush(); err != nil {
		return Change{}, err
	}
	if ch.Notes, err = p.notes(d); err != nil {
		return Change{}, err
	}
	// A function that already answered messages of the API (not only
	// $connect or $disconnect) needs no grant to post.
	linked := map[string]bool{}
	for _, ep := range a.Design.Endpoints {
		if !model.OneWayOnly(ep.Route) {
			linked[ep.Handler.Key()] = true
		}
	}
	for _, n := range p.frag.Needs {
		if newLinks[n.FunctionID] && !linked[n.FunctionID] && !e.mayPost(n.FunctionID, a.Resource.ID) {
			ch.Needs = append(ch.Needs, n)
		}
	}
	ch.Lacking = ch.Needs
	// A stage whose name wsdesign cannot read (neither a literal nor a
	// parameter) has no place in the statement and the URL it writes; the
	// user adds them.
	if opt.Grant && (!p.standIn[model.FieldStage] || p.stageParam != "") {
		if ch.Needs, err = e.grant(ch.Needs, p.condition()); err != nil {
			return Change{}, err
		}
	}
	return ch, nil
}

// planAPI builds the edited design with the template's logical IDs pinned,
// so that nothing is renamed: a route newly served by a function needs a
// permission that covers it, the function's own unless each of its
// permissions is scoped to other routes (then a new one, scoped the way
// the file scopes them).
func (e *Edit) planAPI(a API, d model.Design, opt EditOptions) (*apiPlan, error) {
	if err := e.duplicateKeysKept(a, d); err != nil {
		return nil, err
	}
	mine := map[string]bool{}
	for _, id := range a.Resources {
		mine[id] = true
	}
	taken := e.t.Taken()
	pinned := clonePinned(a.Pinned)
	ch := model.Compare(a.Design, d)
	perRouteIntegration, perRoutePermission := e.routeShape(a)
	uncovered := map[string][]string{} // function → new routes no permission covers
	stale := map[string]bool{}         // permissions a new one must not take the ID of
	for _, ep := range d.Endpoints {
		if !ch.Serves(ep.Route) {
			continue
		}
		h := ep.Handler.Key()
		if perRouteIntegration {
			delete(pinned.Integrations, h)
		}
		// Once one new route of a function needs a new permission, every
		// other one it does not cover does too.
		ids, isPinned := pinned.Permissions[h]
		_, needs := uncovered[h]
		if (isPinned || needs) && (perRoutePermission || !e.covers(a, h, ep.Route)) {
			if isPinned {
				delete(pinned.Permissions, h)
				stale[ids] = true
				// The new permission takes the ID of none of the
				// function's others (an earlier edit may have written
				// one scoped to its route under the ID it would get).
				for _, id := range e.permissionsOf(a, h) {
					stale[id] = true
				}
			}
			uncovered[h] = append(uncovered[h], ep.Route)
		}
	}
	others := func(id string) bool { return taken(id) && !mine[id] || stale[id] }
	bd, standIn, err := Buildable(a.Design, d, others)
	if err != nil {
		return nil, err
	}
	stageParam := e.stageParameter(a)
	frag, err := Build(bd, Options{
		Flavor:         opt.Flavor,
		Taken:          others,
		Pinned:         &pinned,
		Existing:       templateFunctions(e.t),
		StageParameter: stageParam,
	})
	if err != nil {
		return nil, err
	}
	p := &apiPlan{e: e, a: a, ch: ch, frag: frag, nodes: map[string]*yaml.Node{}, removed: map[string]bool{}, standIn: standIn, stageParam: stageParam}
	for _, r := range frag.Resources {
		p.nodes[r.ID] = r.Node
	}
	if e.routeScoped(a) {
		for fn, routes := range uncovered {
			if h, ok := frag.Plan.Handler(fn); ok && len(routes) == 1 {
				scopeToRoute(p.nodes[h.Permission.Value], routes[0])
			}
		}
	}
	return p, nil
}

// duplicateKeysKept refuses an edit of a route key that several routes of
// the API have: which one the edit is for cannot be told (and API Gateway
// refuses the second). Other edits leave them as they are.
func (e *Edit) duplicateKeysKept(a API, d model.Design) error {
	byKey := map[string][]Route{}
	for _, r := range a.Routes {
		byKey[r.Key] = append(byKey[r.Key], r)
	}
	of := func(d model.Design, key string) []model.Endpoint {
		return slices.DeleteFunc(slices.Clone(d.Endpoints), func(ep model.Endpoint) bool { return ep.Route != key })
	}
	for _, r := range a.Routes {
		same := byKey[r.Key]
		if len(same) < 2 || same[0].ID == r.ID || slices.Equal(of(a.Design, r.Key), of(d, r.Key)) {
			continue
		}
		return e.failf(r.KeyNode, "route key %q is also the key of %s (line %d), and API Gateway refuses the second: remove or rename one of them in the file, then edit the route",
			r.Key, same[0].ID, same[0].KeyNode.Line)
	}
	return nil
}

// editProperties sets the API's name, route selector and description, and
// renames its stage.
func (p *apiPlan) editProperties(d model.Design) error {
	api := p.a.Resource.ID
	for _, f := range []struct {
		changed bool
		prop    string
	}{
		{p.ch.Name, "Name"},
		{p.ch.RouteSelector, "RouteSelectionExpression"},
		{p.ch.Description, "Description"},
	} {
		if f.changed {
			if err := p.setFromFrag(api, f.prop); err != nil {
				return err
			}
		}
	}
	if !p.ch.Stage {
		return nil
	}
	if err := p.stageRenamable(); err != nil {
		return err
	}
	if len(p.a.Stages) > 0 && p.a.Stages[0].ID != "" {
		if err := p.e.Set(SectionResources, p.a.Stages[0].ID, []string{"Properties", "StageName"}, p.e.nodes.str(d.Stage)); err != nil {
			return err
		}
	} else if err := p.add(p.frag.Plan.Stage.Value); err != nil {
		return err
	}
	return p.e.renameStage(api, literalStage(p.a.Design.Stage), d.Stage)
}

// stageRenamable refuses to rename a stage named by a parameter.
func (p *apiPlan) stageRenamable() error {
	if p.stageParam == "" {
		return nil
	}
	return p.e.failf(p.a.Stages[0].NameNode, "the stage's name comes from the parameter %s: change the parameter's value where the stack is deployed "+
		"(a new Default would not reach stacks deployed with parameter overrides), not the stage", p.stageParam)
}

// editRoutes adds, changes and removes the API's routes, and returns the
// functions it links to routes they did not serve.
func (p *apiPlan) editRoutes(d model.Design) (map[string]bool, error) {
	newLinks := map[string]bool{}
	for i, ep := range d.Endpoints {
		if ep.Foreign != "" {
			continue
		}
		r, had := p.a.route(ep.Route)
		switch {
		case !had:
			ids := p.frag.Plan.Routes[i]
			if err := p.add(ids.Route.Value, ids.RouteResponse.Value); err != nil {
				return nil, err
			}
		case r.Foreign():
			continue
		default:
			if err := p.editRoute(r, i, ep, d); err != nil {
				return nil, err
			}
		}
		if p.ch.Serves(ep.Route) {
			if err := p.addHandler(ep.Handler); err != nil {
				return nil, err
			}
			newLinks[ep.Handler.Key()] = true
		}
	}
	for _, r := range p.a.Routes {
		if p.ch.Endpoint(r.Key).Removed {
			p.remove(r.ID)
			p.remove(r.RouteResponseIDs...)
		}
	}
	return newLinks, nil
}

// editRoute changes an existing route of the API to endpoint i of d: its
// mode, its target, and on $connect its authorization.
func (p *apiPlan) editRoute(r Route, i int, ep model.Endpoint, d model.Design) error {
	change := p.ch.Endpoint(ep.Route)
	switch {
	case !change.Mode:
	case ep.Mode == model.TwoWay:
		if err := p.setFromFrag(r.ID, "RouteResponseSelectionExpression"); err != nil {
			return err
		}
		if len(r.RouteResponseIDs) == 0 {
			if err := p.add(p.frag.Plan.Routes[i].RouteResponse.Value); err != nil {
				return err
			}
		}
	default:
		if err := p.e.Unset(SectionResources, r.ID, []string{"Properties", "RouteResponseSelectionExpression"}); err != nil {
			return err
		}
		p.remove(r.RouteResponseIDs...)
	}
	if change.Relinked {
		if err := p.setFromFrag(r.ID, "Target"); err != nil {
			return err
		}
	}
	if ep.Route == model.RouteConnect && p.ch.AuthorizerToggled() {
		if err := p.setFromFrag(r.ID, "AuthorizationType"); err != nil {
			return err
		}
		return p.setFromFrag(r.ID, "AuthorizerId")
	}
	return nil
}

// editAuthorizer adds, removes or changes the API's authorizer.
func (p *apiPlan) editAuthorizer(d model.Design) error {
	plan := p.frag.Plan
	if p.ch.AuthorizerToggled() {
		// The authorizer is set on the $connect route, which wsdesign keeps
		// as written when its integration is not a Lambda proxy.
		if c, ok := d.Endpoint(model.RouteConnect); ok && c.Foreign != "" {
			return fmt.Errorf("$connect uses a %s integration, which wsdesign keeps as written: set its AuthorizationType and AuthorizerId in the template itself", c.Foreign)
		}
	}
	switch {
	case p.ch.AuthorizerAdded:
		return p.add(plan.Authorizer.Value, plan.AuthorizerPermission.Value)
	case p.ch.AuthorizerRemoved:
		p.remove(p.a.Pinned.Authorizer)
	case p.ch.AuthorizerEdited:
		id := p.a.Pinned.Authorizer
		if err := p.setFromFrag(id, "AuthorizerUri"); err != nil {
			return err
		}
		if err := p.setFromFrag(id, "IdentitySource"); err != nil {
			return err
		}
		if p.ch.AuthorizerRelinked {
			return p.add(plan.AuthorizerPermission.Value)
		}
	}
	return nil
}

// addFunctions adds the new functions, the parameters of functions given
// by ARN, and the SAM transform new SAM functions need.
func (p *apiPlan) addFunctions() error {
	for _, f := range p.frag.Plan.Functions {
		if err := p.add(f.ID.Value, f.Role.Value); err != nil {
			return err
		}
	}
	taken := p.e.t.Taken()
	for _, prm := range p.frag.Parameters {
		if !taken(prm.ID) {
			if err := p.e.Add(SectionParameters, prm.ID, prm.Node, ""); err != nil {
				return err
			}
		}
	}
	if len(p.frag.Plan.Functions) > 0 && p.frag.Transform {
		return p.e.ensureTransform()
	}
	return nil
}

// notes says what the edit leaves to the user: an API left without routes
// (refused where a Deployment would fail), routes that go live only after
// a new deployment.
func (p *apiPlan) notes(d model.Design) ([]string, error) {
	var notes []string
	api := p.a.Resource.ID
	if len(d.Endpoints) == 0 && len(p.a.Design.Endpoints) > 0 {
		for _, r := range p.e.t.Resources() {
			if r.Type == TypeDeployment && RefersTo(r.Prop("ApiId"), api) {
				return nil, p.e.failf(r.Node, "removing the last route of %s: CloudFormation cannot create the Deployment %s of an API without routes; keep a route, or remove the Deployment", api, r.ID)
			}
		}
		notes = append(notes, fmt.Sprintf("%s has no routes left: clients can connect to nothing until it has one", api))
	}
	if p.a.Deployment == DeployDeployment && p.ch.RoutesChanged() {
		notes = append(notes, fmt.Sprintf("%s goes live through an AWS::ApiGatewayV2::Deployment, which CloudFormation does not deploy again when routes change: "+
			"changed routes go live after a new deployment (or give the stage AutoDeploy: true)", api))
	}
	return notes, nil
}

// Buildable returns the design d with stand-ins for the parts that are
// invalid as the template already has them and that the edit leaves as they
// were (old): a stage given by parameter, a $connect route with a route
// response, an authorizer whose function is outside the template. The
// emitter builds only valid designs, and the edit writes only the parts
// that change, so the stand-ins never reach the file. standIn names the
// fields replaced. Problems in the parts that change are returned as an
// error.
func Buildable(old, d model.Design, taken func(string) bool) (model.Design, map[string]bool, error) {
	b := d
	b.Endpoints = slices.Clone(d.Endpoints)
	standIn := map[string]bool{}
	ch := model.Compare(old, d)
	unchanged := func(field string) bool {
		switch field {
		case model.FieldName:
			return !ch.Name
		case model.FieldRouteSelector:
			return !ch.RouteSelector
		case model.FieldDescription:
			return !ch.Description
		case model.FieldStage:
			return !ch.Stage
		case model.FieldAuthorizer, model.FieldIdentitySource:
			return d.Authorizer != nil && !ch.AuthorizerAdded && !ch.AuthorizerEdited
		}
		var i int
		if _, err := fmt.Sscanf(field, "endpoints[%d]", &i); err == nil && i < len(d.Endpoints) {
			return ch.Endpoint(d.Endpoints[i].Route) == model.EndpointChange{}
		}
		return false
	}
	var msgs []string
	for _, p := range d.Validate(taken).Errors() {
		if p.Field == model.FieldEndpoints && len(d.Endpoints) == 0 {
			// An API may be left without routes (it had none, or the
			// last one goes): the emitter gets a route it leaves alone.
			standIn[p.Field] = true
			b.Endpoints = []model.Endpoint{{Route: model.RouteDefault, Foreign: "unchanged"}}
			continue
		}
		if !unchanged(p.Field) {
			msgs = append(msgs, p.Error())
			continue
		}
		standIn[p.Field] = true
		switch p.Field {
		case model.FieldName:
			b.Name = model.FallbackAPIID
		case model.FieldRouteSelector:
			b.RouteSelector = model.DefaultRouteSelector
		case model.FieldDescription:
			b.Description = ""
		case model.FieldStage:
			b.Stage = model.DefaultStage
		case model.FieldAuthorizer, model.FieldIdentitySource:
			b.Authorizer = nil
		default:
			var i int
			fmt.Sscanf(p.Field, "endpoints[%d]", &i)
			// The emitter leaves a foreign endpoint alone, as the edit does;
			// its mode is checked all the same.
			b.Endpoints[i].Foreign = "unchanged"
			b.Endpoints[i].Mode = model.OneWay
		}
	}
	if len(msgs) > 0 {
		return b, nil, fmt.Errorf("invalid design: %s", strings.Join(msgs, "; "))
	}
	return b, standIn, nil
}

// apiPlan carries the state of EditAPI.
type apiPlan struct {
	e       *Edit
	a       API
	ch      model.Change // what the edit changes in the API's design
	frag    Fragment
	nodes   map[string]*yaml.Node // the fragment's resources by ID
	removed map[string]bool
	// pending are the resources to add, in order, once the removals are
	// known: they go after the API's last resource that stays.
	pending []string
	// standIn names the design fields the build got stand-ins for.
	standIn map[string]bool
	// stageParam is the parameter that names the API's stage, or "".
	stageParam string
}

// add records fragment resources to insert, unless the template has them.
func (p *apiPlan) add(ids ...string) error {
	for _, id := range ids {
		if id == "" {
			continue
		}
		if p.nodes[id] == nil {
			return fmt.Errorf("%w: the plan has no resource %s", ErrEdit, id)
		}
		p.pending = append(p.pending, id)
	}
	return nil
}

// flush inserts the pending resources after the API's last resource that
// the edit keeps, so that the API's resources stay together.
func (p *apiPlan) flush() error {
	anchor := ""
	for _, id := range p.a.Resources {
		if !p.removed[id] {
			anchor = id
		}
	}
	for _, id := range p.pending {
		if _, exists := p.e.current(SectionResources, id); exists {
			continue
		}
		if err := p.e.Add(SectionResources, id, conform(p.nodes[id], p.a.Resource.Node), anchor); err != nil {
			return err
		}
		anchor = id
	}
	return nil
}

// conform gives a new resource of an API what the API's own resource tells
// about the file: its Condition, so that the new resource exists exactly when
// the API does, and its order of keys (Properties before Type, say). It
// returns a copy.
func conform(n, api *yaml.Node) *yaml.Node {
	c := *n
	c.Content = slices.Clone(n.Content)
	if cond := Get(api, "Condition"); cond != nil && Get(n, "Condition") == nil {
		c.Content = append(c.Content, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: "Condition"}, cond)
	}
	rank := func(key string) int {
		if i := keyIndex(api, key); i >= 0 {
			return i
		}
		return len(api.Content)
	}
	pairs := make([][2]*yaml.Node, 0, len(c.Content)/2)
	for k, v := range Pairs(&c) {
		pairs = append(pairs, [2]*yaml.Node{k, v})
	}
	slices.SortStableFunc(pairs, func(x, y [2]*yaml.Node) int { return rank(x[0].Value) - rank(y[0].Value) })
	c.Content = c.Content[:0]
	for _, kv := range pairs {
		c.Content = append(c.Content, kv[0], kv[1])
	}
	return &c
}

// addHandler adds the integration and permission of a function when missing.
func (p *apiPlan) addHandler(l model.LambdaLink) error {
	h, ok := p.frag.Plan.Handler(l.Key())
	if !ok {
		return nil
	}
	return p.add(h.Integration.Value, h.Permission.Value)
}

// setFromFrag copies one property of a resource from the fragment into the
// template, or removes it when the fragment has none.
func (p *apiPlan) setFromFrag(id, prop string) error {
	path := []string{"Properties", prop}
	if v := Get(Get(p.nodes[id], "Properties"), prop); v != nil {
		return p.e.Set(SectionResources, id, path, v)
	}
	return p.e.Unset(SectionResources, id, path)
}

func (p *apiPlan) remove(ids ...string) {
	for _, id := range ids {
		if id != "" {
			p.removed[id] = true
		}
	}
}

// fixDependsOn keeps DependsOn lists true to the edit: removed resources
// leave them, and every Deployment of this API depends on its new routes
// (so that CloudFormation creates them first). It
// refuses an edit that leaves a reference to a removed resource.
func (p *apiPlan) fixDependsOn() error {
	var added []*yaml.Node // new routes, in writing order
	for _, id := range p.pending {
		if _, exists := p.e.current(SectionResources, id); !exists && Text(Get(p.nodes[id], "Type")) == TypeRoute {
			added = append(added, p.e.nodes.str(id))
		}
	}
	for _, r := range p.e.t.Resources() {
		if p.removed[r.ID] {
			continue
		}
		var keep, items []*yaml.Node
		changed := false
		if dep := r.Attr("DependsOn"); dep != nil && dep.Kind == yaml.ScalarNode {
			items = []*yaml.Node{dep}
		} else if dep != nil {
			items = dep.Content
		}
		for _, c := range items {
			if p.removed[c.Value] {
				changed = true
				continue
			}
			keep = append(keep, c)
		}
		// Every Deployment of the API waits for its routes: CloudFormation
		// cannot deploy an API before it has them (check's WSD004).
		if r.Type == TypeDeployment && RefersTo(r.Prop("ApiId"), p.a.Resource.ID) && len(added) > 0 {
			keep, changed = append(keep, added...), true
		}
		if changed {
			if err := p.e.SetList(SectionResources, r.ID, []string{"DependsOn"}, keep); err != nil {
				return err
			}
		}
		if len(p.removed) == 0 {
			continue
		}
		w, ok := p.e.current(SectionResources, r.ID)
		if !ok {
			continue
		}
		for _, ref := range Refs(w) {
			if p.removed[ref] {
				return p.e.failf(r.Key, "%s refers to %s, which the edit removes", r.ID, ref)
			}
		}
	}
	if len(p.removed) == 0 {
		return nil
	}
	for k := range Pairs(Get(p.e.t.Root, SectionOutputs)) {
		w, ok := p.e.current(SectionOutputs, k.Value)
		if !ok {
			continue
		}
		for _, ref := range Refs(w) {
			if p.removed[ref] {
				return p.e.failf(k, "the output %s refers to %s, which the edit removes: remove the output first", k.Value, ref)
			}
		}
	}
	return nil
}

func clonePinned(p model.Pinned) model.Pinned {
	c := p
	for _, m := range []*map[string]string{&c.Routes, &c.RouteResponses, &c.Integrations, &c.Permissions} {
		src := *m
		*m = make(map[string]string, len(src))
		for k, v := range src {
			(*m)[k] = v
		}
	}
	return c
}

// literalStage is a stage name written as a literal, or "" for one given
// by an intrinsic function (which the importer writes as JSON text).
func literalStage(stage string) string {
	if model.ValidateStage(stage) != nil {
		return ""
	}
	return stage
}

// condition is the name of the condition the API's resource exists under,
// or empty.
func (p *apiPlan) condition() string {
	c, _ := Scalar(Get(p.a.Resource.Node, "Condition"))
	return c
}
