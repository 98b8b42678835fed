package check

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/wsdesign/wsdesign/model"
	"github.com/wsdesign/wsdesign/render"
)

// Template runs every rule over a template. The error is for a template the
// importer cannot read; findings are never errors.
func Template(t *render.Template) ([]Finding, error) {
	apis, err := render.Import(t)
	if err != nil {
		return nil, err
	}
	r := &run{t: t}
	byID := map[string]render.Resource{}
	for _, res := range t.Resources() {
		byID[res.ID] = res
	}
	checked := map[string]bool{}
	for _, a := range apis {
		r.checkAPI(a, byID)
		for _, id := range a.Resources {
			if checked[id] {
				continue // a permission shared by two APIs
			}
			checked[id] = true
			if err := r.checkSchema(byID[id]); err != nil {
				return nil, err
			}
		}
	}
	r.checkTransform()
	r.checkSAMGlobals()
	r.checkPolicySizes(apis, byID)
	r.checkResourceCount()
	return sorted(r.out), nil
}

// checkAPI runs the rules of one WebSocket API.
func (r *run) checkAPI(a render.API, byID map[string]render.Resource) {
	api := a.Resource
	r.api = api.ID
	defer func() { r.api = "" }()
	r.checkSelector(api, a.RouteSelectionNode)

	var keys []routeKey
	hasConnect := false
	for _, rt := range a.Routes {
		res := rt.Resource
		if a.SAM {
			res = api
		}
		if rt.Key == model.RouteConnect {
			hasConnect = true
		}
		if _, ok := render.Scalar(rt.KeyNode); ok {
			keys = append(keys, routeKey{res: res, key: rt.Key, node: rt.KeyNode})
		}
		r.checkRouteKey(res, rt.KeyNode)
		if a.SAM {
			continue // SAM generates the rest of the route's wiring.
		}
		r.checkRoute(a, rt, byID)
	}
	r.checkRouteKeys(api, keys)

	for _, az := range a.Authorizers {
		res := az.Resource
		if a.SAM {
			res = api
		}
		r.authorizer = az.ID
		if !hasConnect {
			r.report(AuthorizerUnused, res, nil, "the API has no $connect route, so the authorizer never runs")
		}
		r.checkIdentitySources(res, az.IdentitySourceNode)
		if a.SAM {
			continue
		}
		if typ := az.Resource.Prop("AuthorizerType"); typ != nil {
			if s, ok := render.Scalar(typ); ok && s != render.AuthorizerRequest {
				r.report(AuthorizerType, res, typ, "AuthorizerType is %s; WebSocket APIs support only REQUEST", s)
			}
		}
		if az.Resource.Prop("AuthorizerCredentialsArn") == nil {
			r.checkPermission(AuthorizerPermission, a, res, az.Handler, az.PermissionIDs, "/authorizers/*", byID)
		}
	}
	r.authorizer = ""

	if a.SAM {
		r.checkSAM(a)
		for _, s := range a.Stages {
			r.checkStageName(api, s.NameNode)
		}
		r.checkLogging(api, render.Get(api.Node, "Properties"))
		return
	}
	r.checkStages(a, byID)
}

// checkSelector reports a missing selection expression or one that does
// not read the message body.
func (r *run) checkSelector(api render.Resource, n *yaml.Node) {
	if n == nil {
		r.report(NoSelectionExpression, api, nil, "WebSocket API %s has no RouteSelectionExpression", api.ID)
		return
	}
	if s, ok := render.Scalar(n); ok && !bodySelector.MatchString(s) {
		r.report(SelectorNotBody, api, n, "RouteSelectionExpression %q does not read a property of $request.body", s)
	}
}

// checkRoute runs the rules of one AWS::ApiGatewayV2::Route.
func (r *run) checkRoute(a render.API, rt render.Route, byID map[string]render.Resource) {
	res := rt.Resource
	if rt.IntegrationID == "" {
		if target := res.Prop("Target"); target == nil {
			r.report(NoIntegration, res, nil, "route %s has no Target", rt.Key)
		} else {
			r.report(NoIntegration, res, target, "route %s's Target names no integration of API %s", rt.Key, a.Resource.ID)
		}
	} else if rt.Integration.Prop("CredentialsArn") == nil && rt.Handler.ID != "" {
		r.checkPermission(HandlerPermission, a, res, rt.Handler, rt.PermissionIDs, "/"+rt.Key, byID)
	}

	rrse := res.Prop("RouteResponseSelectionExpression")
	switch {
	case rt.TwoWay && model.OneWayOnly(rt.Key):
		n := rrse
		if n == nil {
			n = rt.KeyNode
		}
		r.report(TwoWayReserved, res, n, "route %s is two-way (%s), but API Gateway never answers on %s", rt.Key, twoWayEvidence(rt), rt.Key)
	case rrse != nil && len(rt.RouteResponseIDs) == 0:
		r.report(TwoWayIncomplete, res, rrse, "route %s has RouteResponseSelectionExpression but no RouteResponse", rt.Key)
	case rrse == nil && len(rt.RouteResponseIDs) > 0:
		r.report(TwoWayIncomplete, res, nil, "route %s has RouteResponse %s but no RouteResponseSelectionExpression", rt.Key, strings.Join(rt.RouteResponseIDs, ", "))
	}

	authType := res.Prop("AuthorizationType")
	custom := rt.AuthorizationType == render.AuthorizationCustom
	if _, literal := render.Scalar(authType); authType == nil || literal {
		switch {
		case custom && !rt.HasAuthorizer:
			r.report(CustomAuthMismatch, res, authType, "route %s has AuthorizationType CUSTOM but no AuthorizerId", rt.Key)
		case !custom && rt.HasAuthorizer:
			n := authType
			if n == nil {
				n = res.Prop("AuthorizerId")
			}
			r.report(CustomAuthMismatch, res, n, "route %s has AuthorizerId but AuthorizationType %s", rt.Key, cmp.Or(rt.AuthorizationType, "absent (NONE)"))
		}
	}
	if _, literal := render.Scalar(rt.KeyNode); literal && rt.HasAuthorizer && rt.Key != model.RouteConnect {
		r.report(AuthorizerNotConnect, res, res.Prop("AuthorizerId"), "route %s has an authorizer; WebSocket authorizers run only on $connect", rt.Key)
	}
}

func twoWayEvidence(rt render.Route) string {
	var ev []string
	if rt.RouteResponseSelectionExpression != "" {
		ev = append(ev, "RouteResponseSelectionExpression")
	}
	if len(rt.RouteResponseIDs) > 0 {
		ev = append(ev, "RouteResponse "+strings.Join(rt.RouteResponseIDs, ", "))
	}
	return strings.Join(ev, " and ")
}

// checkPermission reports a function API Gateway invokes without a
// permission whose SourceArn allows the invocation: path is what follows the
// API ID in the invocation's ARN after the stage ("/$connect"), or the
// authorizer path ("/authorizers/*").
func (r *run) checkPermission(rule *Rule, a render.API, res render.Resource, handler render.Invoked, perms []string, path string, byID map[string]render.Resource) {
	if handler.ID == "" {
		return // a function outside the template: its permission may be too
	}
	if len(perms) == 0 {
		r.report(rule, res, nil, "function %s has no AWS::Lambda::Permission for apigateway.amazonaws.com covering API %s", handler.ID, a.Resource.ID)
		return
	}
	covered := false
	var patterns []string
	for _, id := range perms {
		p := byID[id]
		arn := p.Prop("SourceArn")
		if arn == nil {
			r.reportNoSourceArn(p)
			covered = true
			continue
		}
		rest, ok := render.ArnAfter(arn, a.Resource.ID)
		if !ok || covers(rest, path, a) {
			covered = true
			continue
		}
		patterns = append(patterns, id+" allows …"+rest)
	}
	if covered {
		return
	}
	r.report(rule, res, nil, "no permission of function %s lets this API invoke it for %s (%s)", handler.ID, strings.TrimPrefix(path, "/"), strings.Join(patterns, "; "))
}

// covers reports whether a SourceArn's pattern after the API ID allows an
// invocation: for a route, under any stage of the API. A stage named by an
// intrinsic (a parameter) could have any name: the pattern allows the route
// if it does under some name, the one its own stage segment writes or one
// only a wildcard matches.
func covers(pattern, path string, a render.API) bool {
	if strings.HasPrefix(path, "/authorizers/") {
		return render.ArnLike(pattern, "/authorizers/x") || render.ArnLike(pattern, path)
	}
	for _, s := range a.Stages {
		names := []string{"\x00"}
		if name, ok := render.Scalar(s.NameNode); ok {
			names = []string{name}
		} else if seg, _, _ := strings.Cut(strings.TrimPrefix(pattern, "/"), "/"); seg != "" {
			names = append(names, seg)
		}
		for _, name := range names {
			if render.ArnLike(pattern, "/"+name+path) {
				return true
			}
		}
	}
	return len(a.Stages) == 0
}

// reportNoSourceArn reports a permission without SourceArn once.
func (r *run) reportNoSourceArn(p render.Resource) {
	for _, f := range r.out {
		if f.Rule == PermissionNoSourceArn && f.LogicalID == p.ID {
			return
		}
	}
	r.report(PermissionNoSourceArn, p, nil, "permission %s has no SourceArn: any API may invoke the function", p.ID)
}

// checkStages runs the stage and deployment rules of a raw API.
func (r *run) checkStages(a render.API, byID map[string]render.Resource) {
	if len(a.Stages) == 0 {
		r.report(NoStage, a.Resource, nil, "WebSocket API %s has no AWS::ApiGatewayV2::Stage", a.Resource.ID)
	}
	var deployments []render.Resource
	for _, id := range a.Resources {
		if res := byID[id]; res.Type == render.TypeDeployment {
			deployments = append(deployments, res)
		}
	}
	deploysStage := slices.ContainsFunc(deployments, func(d render.Resource) bool { return d.Prop("StageName") != nil })
	for _, s := range a.Stages {
		res := byID[s.ID]
		r.checkStageName(res, s.NameNode)
		r.checkLogging(res, render.Get(res.Node, "Properties"))
		auto := res.Prop("AutoDeploy")
		if _, literal := render.Scalar(auto); s.AutoDeploy || auto != nil && !literal {
			continue
		}
		switch dep := res.Prop("DeploymentId"); {
		case dep != nil:
			r.report(DeploymentStage, res, dep, "stage %s is deployed by %s, which CloudFormation never redeploys when routes change", stageLabel(s), cmp.Or(s.DeploymentID, "a Deployment"))
		case !deploysStage:
			r.report(StageNotDeployed, res, nil, "stage %s has neither AutoDeploy: true nor a DeploymentId", stageLabel(s))
		}
	}
	for _, d := range deployments {
		deps := map[string]bool{}
		for _, id := range dependsOn(d) {
			deps[id] = true
		}
		var missing []string
		for _, rt := range a.Routes {
			if !deps[rt.ID] {
				missing = append(missing, rt.ID)
			}
		}
		if len(missing) > 0 {
			n := d.Attr("DependsOn")
			r.report(DeploymentDependsOn, d, n, "Deployment %s does not DependsOn %s", d.ID, strings.Join(missing, ", "))
		}
	}
}

// stageLabel names a stage in a message: its literal name, else its logical ID.
func stageLabel(s render.Stage) string {
	if name, ok := render.Scalar(s.NameNode); ok {
		return name
	}
	return s.ID
}

// dependsOn lists a resource's DependsOn, written as one ID or a list.
func dependsOn(res render.Resource) []string {
	n := res.Attr("DependsOn")
	if s, ok := render.Scalar(n); ok {
		return []string{s}
	}
	var out []string
	if n != nil && n.Kind == yaml.SequenceNode {
		for _, c := range n.Content {
			if s, ok := render.Scalar(c); ok {
				out = append(out, s)
			}
		}
	}
	return out
}

// maxPolicySize is the limit of a Lambda function's resource policy.
const maxPolicySize = 20 << 10

// statementSize estimates the bytes one permission adds to a function's
// resource policy: the statement CloudFormation writes, with a stack name,
// account, region and physical names of typical lengths.
func statementSize(permID, function, sourcePath string) int {
	const stack, suffix = "my-application-stack", "-A1B2C3D4E5F6"
	return len(`{"Sid":"`+stack+"-"+permID+suffix+`","Effect":"Allow","Principal":{"Service":"apigateway.amazonaws.com"},`+
		`"Action":"lambda:InvokeFunction","Resource":"arn:aws:lambda:us-east-1:123456789012:function:`+stack+"-"+function+suffix+`",`+
		`"Condition":{"ArnLike":{"AWS:SourceArn":"arn:aws:execute-api:us-east-1:123456789012:a1b2c3d4e5`+sourcePath+`"}}}`) + 1
}

// checkPolicySizes reports functions whose resource policy the permissions
// of the WebSocket APIs would grow past 20 KB.
func (r *run) checkPolicySizes(apis []render.API, byID map[string]render.Resource) {
	type policy struct {
		statements map[string]int // permission → estimated bytes
		order      int
		apis       []string // the APIs whose permissions these are
	}
	policies := map[string]*policy{}
	var api string // the API whose routes are being added
	add := func(fn, perm string, size int) {
		p := policies[fn]
		if p == nil {
			p = &policy{statements: map[string]int{}, order: len(policies)}
			policies[fn] = p
		}
		p.statements[perm] = size
		if !slices.Contains(p.apis, api) {
			p.apis = append(p.apis, api)
		}
	}
	for _, a := range apis {
		api = a.Resource.ID
		for _, rt := range a.Routes {
			if rt.Handler.ID == "" {
				continue
			}
			if a.SAM {
				// SAM generates one permission per route, allowing the whole API.
				add(rt.Handler.ID, a.Resource.ID+rt.Key, statementSize(a.Resource.ID+rt.Key+"Permission", rt.Handler.ID, "/*"))
				continue
			}
			for _, id := range rt.PermissionIDs {
				path, _ := render.ArnAfter(byID[id].Prop("SourceArn"), a.Resource.ID)
				add(rt.Handler.ID, id, statementSize(id, rt.Handler.ID, path))
			}
		}
	}
	fns := make([]string, 0, len(policies))
	for fn := range policies {
		fns = append(fns, fn)
	}
	slices.SortFunc(fns, func(x, y string) int { return policies[x].order - policies[y].order })
	for _, fn := range fns {
		total := 0
		for _, n := range policies[fn].statements {
			total += n
		}
		if total <= maxPolicySize {
			continue
		}
		res, ok := byID[fn]
		if !ok {
			continue
		}
		if r.api = ""; len(policies[fn].apis) == 1 {
			r.api = policies[fn].apis[0] // its fix names the one API
		}
		r.report(PolicyTooLarge, res, nil, "function %s gets %d API Gateway permissions, about %s of resource policy (limit 20 KB)", fn, len(policies[fn].statements), kb(total))
	}
	r.api = ""
}

func kb(n int) string { return fmt.Sprintf("%.1f KB", float64(n)/1024) }
