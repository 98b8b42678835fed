package render

import (
	"fmt"
	"maps"
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

// templateFunctions maps the template's functions to their types.
func templateFunctions(t *Template) map[string]string {
	out := map[string]string{}
	for _, f := range Functions(t) {
		out[f.ID] = f.Type
	}
	return out
}

// AddAPI records a new API in the template: its parameters, its resources at
// the end of Resources, its outputs, and the SAM transform when it needs one.
func (e *Edit) AddAPI(d model.Design, opt EditOptions) (Change, error) {
	frag, err := Build(d, Options{Flavor: opt.Flavor, Taken: e.t.Taken(), Existing: templateFunctions(e.t)})
	if err != nil {
		return Change{}, err
	}
	ch := Change{Fragment: frag, Granted: opt.Grant}
	taken := e.t.Taken()
	for _, p := range frag.Parameters {
		if !taken(p.ID) {
			if err := e.Add(SectionParameters, p.ID, p.Node, ""); err != nil {
				return Change{}, err
			}
		}
	}
	after := ""
	for _, r := range frag.Resources {
		if err := e.Add(SectionResources, r.ID, r.Node, after); err != nil {
			return Change{}, err
		}
		after = r.ID
	}
	for _, o := range frag.Outputs {
		if _, exists := e.current(SectionOutputs, o.ID); !exists {
			if err := e.Add(SectionOutputs, o.ID, o.Node, ""); err != nil {
				return Change{}, err
			}
		}
	}
	if frag.Transform {
		if err := e.ensureTransform(); err != nil {
			return Change{}, err
		}
	}
	for _, n := range frag.Needs {
		if !e.mayPost(n.FunctionID, frag.Plan.API.Value) {
			ch.Needs = append(ch.Needs, n)
		}
	}
	ch.Lacking = ch.Needs
	if opt.Grant {
		if ch.Needs, err = e.grant(frag.Needs); err != nil {
			return Change{}, err
		}
	}
	return ch, nil
}

// samTransform is the transform SAM resources need.
const samTransform = "AWS::Serverless-2016-10-31"

// typeIntegrationResponse is the response of a non-proxy integration, which
// goes when its integration goes.
const typeIntegrationResponse = "AWS::ApiGatewayV2::IntegrationResponse"

// TemplateFlavor is the flavor new functions take in an existing template:
// SAM when it has the SAM transform, plain CloudFormation otherwise.
func TemplateFlavor(t *Template) Flavor {
	tr := Get(t.Root, "Transform")
	if tr == nil {
		return CFN
	}
	if tr.Value == samTransform {
		return SAM
	}
	for _, c := range tr.Content {
		if c.Value == samTransform {
			return SAM
		}
	}
	return CFN
}

// ensureTransform adds the SAM transform to a template that has none.
func (e *Edit) ensureTransform() error {
	tr := Get(e.t.Root, "Transform")
	switch {
	case tr == nil:
		return e.addTopLevel("Transform", &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: samTransform})
	case tr.Kind == yaml.ScalarNode && tr.Value == samTransform:
		return nil
	case tr.Kind == yaml.SequenceNode:
		for _, c := range tr.Content {
			if c.Value == samTransform {
				return nil
			}
		}
	}
	return e.failf(tr, "the new API needs the transform %s; add it to Transform", samTransform)
}

// grant gives existing functions what they need to post to clients: the
// ManageConnections statement (in the Policies of a SAM function, or in a
// policy of the IAM role of a Lambda function when that role is in the
// template) and the callback URL variable. A need already met is skipped.
// It returns the needs it cannot meet, for the user to see.
func (e *Edit) grant(needs []FunctionNeed) (unmet []FunctionNeed, err error) {
	for _, n := range needs {
		fn, ok := e.resource(n.FunctionID)
		if !ok {
			unmet = append(unmet, n)
			continue
		}
		policyOwner, path, item := n.FunctionID, []string{"Properties", "Policies"}, e.statementDoc(n.Statement)
		if fn.Type != TypeServerlessFunc {
			role, ok := e.roleOf(fn)
			if !ok {
				unmet = append(unmet, n)
				continue
			}
			policyOwner, item = role.ID, e.nodes.mapping().
				set("PolicyName", e.nodes.str("ManageConnections")).
				set("PolicyDocument", e.statementDoc(n.Statement)).node
			if hasStatement(role.Prop("Policies"), n.Statement) {
				item = nil
			}
		} else if hasStatement(fn.Prop("Policies"), n.Statement) {
			item = nil
		}
		if Get(Get(fn.Prop("Environment"), "Variables"), n.EnvName) == nil {
			if err := e.Set(SectionResources, n.FunctionID, []string{"Properties", "Environment", "Variables", n.EnvName}, n.EnvValue); err != nil {
				return nil, err
			}
		}
		if item != nil {
			if err := e.Append(SectionResources, policyOwner, path, item); err != nil {
				return nil, err
			}
		}
	}
	return unmet, nil
}

// mayPost reports whether a function already may post to the connections
// of an API: a statement of its Policies (or of its role's) allows
// execute-api:ManageConnections (or execute-api:*) on a resource that refers
// to the API. Such a function finds the callback URL its own way (often
// from the request context), so it needs nothing more.
func (e *Edit) mayPost(functionID, api string) bool {
	fn, ok := e.resource(functionID)
	if !ok {
		return false
	}
	policies := []*yaml.Node{fn.Prop("Policies")}
	if role, ok := e.roleOf(fn); ok {
		policies = append(policies, role.Prop("Policies"))
	}
	for _, ps := range policies {
		if ps == nil {
			continue
		}
		for _, p := range ps.Content {
			if doc := Get(p, "PolicyDocument"); doc != nil {
				p = doc
			}
			st := Get(p, "Statement")
			if st == nil {
				continue
			}
			for _, s := range append([]*yaml.Node{st}, st.Content...) {
				if allowsManageConnections(Get(s, "Action")) && RefersTo(Get(s, "Resource"), api) {
					return true
				}
			}
		}
	}
	return false
}

func allowsManageConnections(action *yaml.Node) bool {
	if action == nil {
		return false
	}
	for _, a := range append([]*yaml.Node{action}, action.Content...) {
		if v, ok := Scalar(a); ok && (v == manageConnections || v == "execute-api:*") {
			return true
		}
	}
	return false
}

// statementDoc is an IAM policy document holding one statement.
func (e *Edit) statementDoc(stmt *yaml.Node) *yaml.Node {
	return e.nodes.mapping().set("Version", e.nodes.str(iamPolicyVersion)).set("Statement", e.nodes.seq(stmt)).node
}

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

// roleOf finds the IAM role of a Lambda function among the template's
// resources.
func (e *Edit) roleOf(fn Resource) (Resource, bool) {
	for _, id := range Refs(fn.Prop("Role")) {
		if r, ok := e.resource(id); ok && r.Type == TypeIAMRole {
			return r, true
		}
	}
	return Resource{}, false
}

// hasStatement reports whether a Policies value holds the statement.
func hasStatement(policies, stmt *yaml.Node) bool {
	if policies == nil {
		return false
	}
	for _, p := range policies.Content {
		if doc := Get(p, "PolicyDocument"); doc != nil {
			p = doc
		}
		if st := Get(p, "Statement"); st != nil {
			for _, s := range st.Content {
				if Same(s, stmt) {
					return true
				}
			}
		}
	}
	return false
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
		if ch.Needs, err = e.grant(ch.Needs); err != nil {
			return Change{}, err
		}
	}
	return ch, nil
}

// newlyServed reports whether the edit links ep's route to a function that
// did not serve it: a new route, or a relinked one.
func newlyServed(old model.Design, ep model.Endpoint) bool {
	o, had := old.Endpoint(ep.Route)
	return !had || o.Handler.Key() != ep.Handler.Key()
}

// planAPI builds the edited design with the template's logical IDs pinned,
// so that nothing is renamed: a route newly served by a function needs a
// permission that covers it, the function's own unless each of its
// permissions is scoped to other routes (then a new one, scoped the way
// the file scopes them).
func (e *Edit) planAPI(a API, d model.Design, opt EditOptions) (*apiPlan, error) {
	mine := map[string]bool{}
	for _, id := range a.Resources {
		mine[id] = true
	}
	taken := e.t.Taken()
	pinned := clonePinned(a.Pinned)
	perRouteIntegration, perRoutePermission := e.routeShape(a)
	uncovered := map[string][]string{} // function → new routes no permission covers
	stale := map[string]bool{}         // permissions a new one must not take the ID of
	for _, ep := range d.Endpoints {
		if !newlyServed(a.Design, ep) {
			continue
		}
		h := ep.Handler.Key()
		if perRouteIntegration {
			delete(pinned.Integrations, h)
		}
		if ids, ok := pinned.Permissions[h]; ok && (perRoutePermission || !e.covers(a, h, ep.Route)) {
			delete(pinned.Permissions, h)
			stale[ids] = true
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
	p := &apiPlan{e: e, a: a, frag: frag, nodes: map[string]*yaml.Node{}, removed: map[string]bool{}, standIn: standIn, stageParam: stageParam}
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

// editProperties sets the API's name, route selector and description, and
// renames its stage.
func (p *apiPlan) editProperties(d model.Design) error {
	old, api := p.a.Design, p.a.Resource.ID
	for _, f := range []struct {
		changed bool
		prop    string
	}{
		{d.Name != old.Name, "Name"},
		{d.RouteSelector != old.RouteSelector, "RouteSelectionExpression"},
		{d.Description != old.Description, "Description"},
	} {
		if f.changed {
			if err := p.setFromFrag(api, f.prop); err != nil {
				return err
			}
		}
	}
	if d.Stage == old.Stage {
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
	return p.e.renameStage(api, literalStage(old.Stage), d.Stage)
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
		if newlyServed(p.a.Design, ep) {
			if err := p.addHandler(ep.Handler); err != nil {
				return nil, err
			}
			newLinks[ep.Handler.Key()] = true
		}
	}
	for _, r := range p.a.Routes {
		if _, kept := d.Endpoint(r.Key); !kept {
			p.remove(r.ID)
			p.remove(r.RouteResponseIDs...)
		}
	}
	return newLinks, nil
}

// editRoute changes an existing route of the API to endpoint i of d: its
// mode, its target, and on $connect its authorization.
func (p *apiPlan) editRoute(r Route, i int, ep model.Endpoint, d model.Design) error {
	o, _ := p.a.Design.Endpoint(ep.Route)
	switch {
	case ep.Mode == o.Mode:
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
	if ep.Handler.Key() != o.Handler.Key() {
		if err := p.setFromFrag(r.ID, "Target"); err != nil {
			return err
		}
	}
	if ep.Route == model.RouteConnect && (d.Authorizer == nil) != (p.a.Design.Authorizer == nil) {
		if err := p.setFromFrag(r.ID, "AuthorizationType"); err != nil {
			return err
		}
		return p.setFromFrag(r.ID, "AuthorizerId")
	}
	return nil
}

// editAuthorizer adds, removes or changes the API's authorizer.
func (p *apiPlan) editAuthorizer(d model.Design) error {
	old, plan := p.a.Design, p.frag.Plan
	if (d.Authorizer == nil) != (old.Authorizer == nil) {
		// The authorizer is set on the $connect route, which wsdesign keeps
		// as written when its integration is not a Lambda proxy.
		if c, ok := d.Endpoint(model.RouteConnect); ok && c.Foreign != "" {
			return fmt.Errorf("$connect uses a %s integration, which wsdesign keeps as written: set its AuthorizationType and AuthorizerId in the template itself", c.Foreign)
		}
	}
	switch {
	case d.Authorizer != nil && old.Authorizer == nil:
		return p.add(plan.Authorizer.Value, plan.AuthorizerPermission.Value)
	case d.Authorizer == nil && old.Authorizer != nil:
		p.remove(p.a.Pinned.Authorizer)
	case d.Authorizer != nil && !sameAuthorizer(*d.Authorizer, *old.Authorizer):
		id := p.a.Pinned.Authorizer
		if err := p.setFromFrag(id, "AuthorizerUri"); err != nil {
			return err
		}
		if err := p.setFromFrag(id, "IdentitySource"); err != nil {
			return err
		}
		if d.Authorizer.Handler.Key() != old.Authorizer.Handler.Key() {
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
	if p.a.Deployment == DeployDeployment && routesChanged(p.a, d) {
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
	unchanged := func(field string) bool {
		switch field {
		case model.FieldName:
			return d.Name == old.Name
		case model.FieldRouteSelector:
			return d.RouteSelector == old.RouteSelector
		case model.FieldDescription:
			return d.Description == old.Description
		case model.FieldStage:
			return d.Stage == old.Stage
		case model.FieldAuthorizer, model.FieldIdentitySource:
			return d.Authorizer != nil && old.Authorizer != nil && sameAuthorizer(*d.Authorizer, *old.Authorizer)
		}
		var i int
		if _, err := fmt.Sscanf(field, "endpoints[%d]", &i); err == nil && i < len(d.Endpoints) {
			o, had := old.Endpoint(d.Endpoints[i].Route)
			return had && o.Mode == d.Endpoints[i].Mode && o.Handler.Key() == d.Endpoints[i].Handler.Key()
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
	for _, r := range p.a.Routes {
		ep, kept := d.Endpoint(r.Key)
		o, _ := p.a.Design.Endpoint(r.Key)
		if kept && (r.Foreign() || ep.Handler.Key() == o.Handler.Key()) {
			used[r.IntegrationID] = true
			for _, id := range p.e.routePermissions(p.a, r) {
				used[id] = true
			}
		}
	}
	// The integration and permission the plan gives a function are used by
	// the routes newly linked to it; an existing one is otherwise used only
	// through the kept routes above.
	linking := map[string]bool{}
	for _, ep := range d.Endpoints {
		if newlyServed(p.a.Design, ep) {
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
		if p.a.Design.Authorizer != nil && d.Authorizer.Handler.Key() == p.a.Design.Authorizer.Handler.Key() {
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
		if az.ID != "" && p.removed[az.ID] || d.Authorizer != nil && p.a.Design.Authorizer != nil && d.Authorizer.Handler.Key() != p.a.Design.Authorizer.Handler.Key() {
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
	return nil
}

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
	var ids []string
	for _, r := range a.Routes {
		if r.Handler.Link().Key() == function {
			ids = append(ids, r.PermissionIDs...)
		}
	}
	return len(e.routePermissions(a, Route{Key: key, PermissionIDs: ids})) > 0
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

func sameAuthorizer(a, b model.Authorizer) bool {
	return a.Handler.Key() == b.Handler.Key() && slices.Equal(a.IdentitySource, b.IdentitySource)
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

// routesChanged reports whether the design adds, removes or changes a route.
func routesChanged(a API, d model.Design) bool {
	if len(a.Design.Endpoints) != len(d.Endpoints) {
		return true
	}
	for _, ep := range d.Endpoints {
		o, had := a.Design.Endpoint(ep.Route)
		if !had || o.Mode != ep.Mode || o.Handler.Key() != ep.Handler.Key() {
			return true
		}
	}
	return (a.Design.Authorizer == nil) != (d.Authorizer == nil)
}

// literalStage is a stage name written as a literal, or "" for one given
// by an intrinsic function (which the importer writes as JSON text).
func literalStage(stage string) string {
	if model.ValidateStage(stage) != nil {
		return ""
	}
	return stage
}

// editSAM records the changes of a SAM AWS::Serverless::WebSocketApi, whose
// routes, stage and authorizer are properties of the one resource that the
// transform expands: each change sets or removes one property there.
func (p *apiPlan) editSAM(d model.Design) error {
	e, a, old := p.e, p.a, p.a.Design
	id := a.Resource.ID
	set := func(path []string, v *yaml.Node) error {
		return e.Set(SectionResources, id, append([]string{"Properties"}, path...), v)
	}
	if d.Stage != old.Stage {
		if err := p.stageRenamable(); err != nil {
			return err
		}
	}
	for _, c := range []struct {
		prop     string
		now, was string
		value    *yaml.Node
	}{
		{"Name", d.Name, old.Name, e.nodes.str(d.Name)},
		{"RouteSelectionExpression", d.RouteSelector, old.RouteSelector, e.nodes.str(d.RouteSelectionExpression())},
		{"Description", d.Description, old.Description, e.nodes.str(d.Description)},
		{"StageName", d.Stage, old.Stage, e.nodes.str(d.Stage)},
	} {
		if c.now == c.was {
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
	if d.Stage != old.Stage {
		if err := e.renameStage(id, literalStage(old.Stage), d.Stage); err != nil {
			return err
		}
	}
	if err := p.editSAMRoutes(d); err != nil {
		return err
	}
	switch {
	case d.Authorizer == nil && old.Authorizer != nil:
		if err := e.Unset(SectionResources, id, []string{"Properties", "Auth"}); err != nil {
			return err
		}
	case d.Authorizer != nil && (old.Authorizer == nil || !sameAuthorizer(*d.Authorizer, *old.Authorizer)):
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
	e, a, old := p.e, p.a, p.a.Design
	id := a.Resource.ID
	set := func(path []string, v *yaml.Node) error {
		return e.Set(SectionResources, id, append([]string{"Properties"}, path...), v)
	}
	for i, ep := range d.Endpoints {
		o, had := old.Endpoint(ep.Route)
		if ep.Foreign != "" {
			continue
		}
		if newlyServed(old, ep) {
			if err := set([]string{"Routes", ep.Route, "FunctionArn"}, p.functionArn(ep.Handler)); err != nil {
				return err
			}
		}
		if had && o.Mode == ep.Mode {
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
		} else if had {
			if err := e.Unset(SectionResources, id, []string{"Properties", "Routes", ep.Route, "RouteResponseSelectionExpression"}); err != nil {
				return err
			}
			p.remove(r.RouteResponseIDs...)
		}
	}
	for _, r := range a.Routes {
		if _, kept := d.Endpoint(r.Key); !kept {
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
