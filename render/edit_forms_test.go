package render

import (
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/wsdesign/wsdesign/model"
	"go.yaml.in/yaml/v3"
)

// paramForms loads testdata/edit/param-forms.yaml: a function named by a
// parameter and reached through an invocation URI built from parameters, a
// bare !GetAtt Fn.Arn integration URI, and a stage named by a parameter.
func paramForms(t *testing.T) (*Template, API) {
	t.Helper()
	tpl, err := Load(filepath.Join("testdata", "edit", "param-forms.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	apis, err := Import(tpl)
	if err != nil || len(apis) != 1 {
		t.Fatal(apis, err)
	}
	return tpl, apis[0]
}

// TestImportHandlerForms reads the handler through the function's physical
// name (not the Region parameter the URI also names) and through a bare ARN.
func TestImportHandlerForms(t *testing.T) {
	_, a := paramForms(t)
	got := map[string]string{}
	for _, r := range a.Routes {
		got[r.Key] = r.Handler.String()
	}
	if got["$connect"] != "Fn" || got["$default"] != "Other" {
		t.Errorf("handlers %v, want $connect → Fn, $default → Other", got)
	}
	// Reading the handlers right is what keeps add-then-remove exact: the
	// permissions are the functions', not the Region parameter's.
	for _, r := range a.Routes {
		if len(r.PermissionIDs) != 1 {
			t.Errorf("%s: permissions %v, want the function's one", r.Key, r.PermissionIDs)
		}
	}
}

// TestEditStageParameter: a 2-way route on a new function of an API whose
// stage is named by a parameter gets a callback URL and a ManageConnections
// policy through that parameter, and renaming the stage is refused with the
// parameter named.
func TestEditStageParameter(t *testing.T) {
	tpl, a := paramForms(t)
	d := a.Design
	d.Endpoints = append(slices.Clone(d.Endpoints), model.Endpoint{Route: "send", Mode: model.TwoWay, Handler: model.NewFunction("SendFunction")})
	e := NewEdit(tpl)
	if _, err := e.EditAPI(a, d, EditOptions{Flavor: CFN, Grant: true}); err != nil {
		t.Fatal(err)
	}
	out, err := e.Apply()
	if err != nil {
		t.Fatal(err)
	}
	s := string(out)
	if strings.Contains(s, "/prod") {
		t.Errorf("the edit names the stage's default value:\n%s", s)
	}
	for _, want := range []string{"execute-api.${AWS::Region}.${AWS::URLSuffix}/${StageParam}", ":${Api}/${StageParam}/*/@connections/*"} {
		if !strings.Contains(s, want) {
			t.Errorf("no %q in:\n%s", want, s)
		}
	}

	d = a.Design
	d.Stage = "dev"
	_, err = NewEdit(tpl).EditAPI(a, d, EditOptions{Flavor: CFN})
	if err == nil || !strings.Contains(err.Error(), "StageParam") {
		t.Errorf("renaming a parameter-named stage: %v, want a refusal naming StageParam", err)
	}
}

// TestImportDeploymentStageName: a Deployment with the StageName of an
// existing stage deploys it.
func TestImportDeploymentStageName(t *testing.T) {
	src := strings.Replace(perRoute, "  Fn:\n", `  Stage:
    Type: AWS::ApiGatewayV2::Stage
    Properties:
      ApiId: !Ref Api
      StageName: live
  Deployment:
    Type: AWS::ApiGatewayV2::Deployment
    DependsOn: [ARoute, BRoute]
    Properties:
      ApiId: !Ref Api
      StageName: live
  Fn:
`, 1)
	apis, err := Import(parse(t, src))
	if err != nil || len(apis) != 1 {
		t.Fatal(apis, err)
	}
	a := apis[0]
	if a.Deployment != DeployDeployment || len(a.Stages) != 1 || a.Stages[0].DeploymentID != "Deployment" {
		t.Errorf("deployment %q, stages %+v: want the stage deployed by Deployment", a.Deployment, a.Stages)
	}
	// A Deployment naming another stage does not.
	apis, err = Import(parse(t, strings.Replace(src, "      StageName: live\n  Fn:", "      StageName: other\n  Fn:", 1)))
	if err != nil {
		t.Fatal(err)
	}
	if apis[0].Deployment != DeployNone {
		t.Errorf("deployment %q with a Deployment for another stage, want %q", apis[0].Deployment, DeployNone)
	}
}

// plainYAML11 lists the plain strings of a tree that PyYAML reads as
// something else.
func plainYAML11(n *yaml.Node) []string {
	var bad []string
	if n.Kind == yaml.ScalarNode && n.Style == 0 && n.ShortTag() == "!!str" && PyYAMLTag(n.Value) != "!!str" {
		bad = append(bad, n.Value)
	}
	for _, c := range n.Content {
		bad = append(bad, plainYAML11(c)...)
	}
	return bad
}

// TestEditYAML11 renames the API and its stage and adds routes to a raw and
// a SAM-native API with values a YAML 1.1 reader misreads when plain: every
// one is quoted, and a changed string keeps its quotes and its comment.
func TestEditYAML11(t *testing.T) {
	sam := strings.Replace(perRoute, "  Fn:\n", `  Sam:
    Type: AWS::Serverless::WebSocketApi
    Properties:
      Name: 'Sam'  # the SAM one
      RouteSelectionExpression: $request.body.action
      Routes:
        $connect:
          FunctionArn: !GetAtt Fn.Arn
  Fn:
`, 1)
	src := strings.Replace(sam, "      Name: Api\n", "      Name: \"Api\"   # keep\n", 1) + `  Stage:
    Type: AWS::ApiGatewayV2::Stage
    Properties:
      ApiId: !Ref Api
      StageName: prod # the stage
      AutoDeploy: true
`
	tpl := parse(t, src)
	apis, err := Import(tpl)
	if err != nil || len(apis) != 2 {
		t.Fatal(apis, err)
	}
	e := NewEdit(tpl)
	for _, a := range apis {
		d := a.Design
		d.Name, d.Stage = "on", "off"
		for _, key := range []string{"yes", "1:20", "0o17"} {
			d.Endpoints = append(slices.Clone(d.Endpoints), model.Endpoint{Route: key, Handler: model.Existing("Fn")})
		}
		if _, err := e.EditAPI(a, d, EditOptions{Flavor: SAM}); err != nil {
			t.Fatal(err)
		}
	}
	out, err := e.Apply()
	if err != nil {
		t.Fatal(err)
	}
	got := parse(t, string(out))
	if bad := plainYAML11(got.Root); len(bad) > 0 {
		t.Errorf("written plain, read by PyYAML as other than strings: %q\n%s", bad, out)
	}
	for _, want := range []string{`Name: "on"   # keep`, `StageName: "off" # the stage`, `Name: 'on'  # the SAM one`} {
		if !strings.Contains(string(out), want) {
			t.Errorf("no %q in:\n%s", want, out)
		}
	}
	apis, err = Import(got)
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range apis {
		var keys []string
		for _, ep := range a.Design.Endpoints {
			keys = append(keys, ep.Route)
		}
		if a.Design.Name != "on" || !slices.Contains(keys, "1:20") || !slices.Contains(keys, "yes") {
			t.Errorf("%s reads back as %q with routes %v", a.Resource.ID, a.Design.Name, keys)
		}
	}
}

// TestEditBesideOddRoutes: a two-way $connect or $disconnect (real templates
// have them; API Gateway ignores it) does not block adding a route, and
// stays as written.
func TestEditBesideOddRoutes(t *testing.T) {
	for _, key := range []string{"$connect", "$disconnect"} {
		src := strings.Replace(perRoute, "      RouteKey: a\n", "      RouteKey: "+key+"\n      RouteResponseSelectionExpression: $default\n", 1)
		src = strings.Replace(src, "${Api}/*/a", "${Api}/*/"+key, 1)
		tpl := parse(t, src)
		apis, err := Import(tpl)
		if err != nil || len(apis) != 1 {
			t.Fatal(apis, err)
		}
		d := apis[0].Design
		d.Endpoints = append(slices.Clone(d.Endpoints), model.Endpoint{Route: "c", Handler: model.Existing("Fn")})
		e := NewEdit(tpl)
		if _, err := e.EditAPI(apis[0], d, EditOptions{Flavor: SAM}); err != nil {
			t.Errorf("%s two-way: adding a route: %v", key, err)
			continue
		}
		out, err := e.Apply()
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(out), "RouteKey: "+key+"\n      RouteResponseSelectionExpression: $default\n") {
			t.Errorf("%s two-way: the route changed:\n%s", key, out)
		}
	}
}

// noRoutes is an API without routes yet, deployed by an auto-deploying stage.
const noRoutes = `AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Api:
    Type: AWS::ApiGatewayV2::Api
    Properties:
      Name: A
      ProtocolType: WEBSOCKET
      RouteSelectionExpression: $request.body.action
  Stage:
    Type: AWS::ApiGatewayV2::Stage
    Properties:
      ApiId: !Ref Api
      StageName: prod
      AutoDeploy: true
`

// editDesign imports the one API of src, lets change edit its design, and
// returns the edited text, new functions in plain CloudFormation.
func editDesign(t *testing.T, src string, change func(d *model.Design)) ([]byte, error) {
	return editDesignWith(t, src, EditOptions{Flavor: CFN}, change)
}

// editDesignWith is editDesign with the edit's options.
func editDesignWith(t *testing.T, src string, opt EditOptions, change func(d *model.Design)) ([]byte, error) {
	t.Helper()
	tpl := parse(t, src)
	apis, err := Import(tpl)
	if err != nil || len(apis) != 1 {
		t.Fatal(apis, err)
	}
	d := apis[0].Design
	d.Endpoints = slices.Clone(d.Endpoints)
	change(&d)
	e := NewEdit(tpl)
	if _, err := e.EditAPI(apis[0], d, opt); err != nil {
		return nil, err
	}
	return e.Apply()
}

// TestEditAPIWithoutRoutes: every edit works on an API with no routes, and
// adding an endpoint (on a function given by ARN, which brings a parameter)
// then removing it gives back the original bytes. The last route of an API
// deployed by a Deployment stays: CloudFormation cannot deploy no routes.
func TestEditAPIWithoutRoutes(t *testing.T) {
	for name, change := range map[string]func(d *model.Design){
		"stage":          func(d *model.Design) { d.Stage = "dev" },
		"route selector": func(d *model.Design) { d.RouteSelector = "type" },
		"name":           func(d *model.Design) { d.Name = "B" },
	} {
		if _, err := editDesign(t, noRoutes, change); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
	added, err := editDesign(t, noRoutes, func(d *model.Design) {
		d.Endpoints = append(d.Endpoints, model.Endpoint{Route: "send", Handler: model.ARNParameter("SendArn")})
	})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(added), "SendArn:") {
		t.Fatalf("no parameter for the function's ARN:\n%s", added)
	}
	back, err := editDesign(t, string(added), func(d *model.Design) { d.Endpoints = nil })
	if err != nil {
		t.Fatal(err)
	}
	if string(back) != noRoutes {
		t.Errorf("add then remove gives:\n%s\nwant the original:\n%s", back, noRoutes)
	}

	deployed := strings.Replace(string(added), "      AutoDeploy: true\n", "      DeploymentId: !Ref Deployment\n  Deployment:\n    Type: AWS::ApiGatewayV2::Deployment\n    DependsOn: ApiSendRoute\n    Properties:\n      ApiId: !Ref Api\n", 1)
	_, err = editDesign(t, deployed, func(d *model.Design) { d.Endpoints = nil })
	if err == nil || !strings.Contains(err.Error(), "Deployment") {
		t.Errorf("removing the last route under a Deployment: %v, want a refusal naming it", err)
	}
}

// TestEditKeepsWhatAnotherAPIUses: two APIs invoke one function through one
// permission without SourceArn; removing the route of one API keeps the
// permission the other needs.
func TestEditKeepsWhatAnotherAPIUses(t *testing.T) {
	api := func(id string) string {
		return `  ` + id + `:
    Type: AWS::ApiGatewayV2::Api
    Properties:
      Name: ` + id + `
      ProtocolType: WEBSOCKET
      RouteSelectionExpression: $request.body.action
  ` + id + `Route:
    Type: AWS::ApiGatewayV2::Route
    Properties:
      ApiId: !Ref ` + id + `
      RouteKey: send
      Target: !Sub integrations/${` + id + `Integ}
  ` + id + `Other:
    Type: AWS::ApiGatewayV2::Route
    Properties:
      ApiId: !Ref ` + id + `
      RouteKey: other
      Target: !Sub integrations/${` + id + `Integ}
  ` + id + `Integ:
    Type: AWS::ApiGatewayV2::Integration
    Properties:
      ApiId: !Ref ` + id + `
      IntegrationType: AWS_PROXY
      IntegrationUri: !Sub arn:aws:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/${Fn.Arn}/invocations
`
	}
	src := "Transform: AWS::Serverless-2016-10-31\nResources:\n" + api("One") + api("Two") + `  Perm:
    Type: AWS::Lambda::Permission
    Properties:
      Action: lambda:InvokeFunction
      FunctionName: !Ref Fn
      Principal: apigateway.amazonaws.com
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: nodejs24.x
      Handler: index.handler
      InlineCode: "exports.handler = async () => ({ statusCode: 200 });"
`
	tpl := parse(t, src)
	apis, err := Import(tpl)
	if err != nil || len(apis) != 2 {
		t.Fatal(apis, err)
	}
	// One removes send and relinks other to a function given by ARN: it no
	// longer uses Fn's permission at all.
	d := apis[0].Design
	d.Endpoints = []model.Endpoint{{Route: "other", Handler: model.ARNParameter("OtherArn")}}
	e := NewEdit(tpl)
	if _, err := e.EditAPI(apis[0], d, EditOptions{Flavor: SAM}); err != nil {
		t.Fatal(err)
	}
	out, err := e.Apply()
	if err != nil {
		t.Fatal(err)
	}
	got := parse(t, string(out))
	if _, ok := got.Resource("OneRoute"); ok {
		t.Errorf("OneRoute stays:\n%s", out)
	}
	if _, ok := got.Resource("Perm"); !ok {
		t.Errorf("Perm, which API Two needs, was removed:\n%s", out)
	}
	if _, ok := got.Resource("TwoInteg"); !ok {
		t.Errorf("TwoInteg was removed:\n%s", out)
	}
}

// TestMergeKeys: a route whose properties come through a YAML merge key is
// read as YAML 1.1 readers read it; edits elsewhere work, and an edit
// through the merge key is refused at its position.
func TestMergeKeys(t *testing.T) {
	tpl, err := Load(filepath.Join("testdata", "edit", "merge-keys.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	apis, err := Import(tpl)
	if err != nil || len(apis) != 1 {
		t.Fatal(apis, err)
	}
	a := apis[0]
	got := map[string]string{}
	for _, r := range a.Routes {
		got[r.Key] = r.Handler.String()
	}
	if len(got) != 2 || got["$connect"] != "Fn" || got["send"] != "Fn" {
		t.Fatalf("routes %v, want $connect and send (merged), both served by Fn", got)
	}
	d := a.Design
	d.Endpoints = append(slices.Clone(d.Endpoints), model.Endpoint{Route: "typing", Handler: model.Existing("Fn")})
	e := NewEdit(tpl)
	if _, err := e.EditAPI(a, d, EditOptions{Flavor: CFN}); err != nil {
		t.Fatalf("adding a route beside the merged one: %v", err)
	}
	if _, err := e.Apply(); err != nil {
		t.Fatal(err)
	}
	d = a.Design
	d.Endpoints = slices.Clone(d.Endpoints)
	for i := range d.Endpoints {
		if d.Endpoints[i].Route == "send" {
			d.Endpoints[i].Mode = model.TwoWay
		}
	}
	_, err = NewEdit(tpl).EditAPI(a, d, EditOptions{Flavor: CFN})
	if err == nil || !strings.Contains(err.Error(), "merge-keys.yaml:18:7") || !strings.Contains(err.Error(), "merge key") {
		t.Errorf("making the merged route 2-way: %v, want a refusal at the merge key", err)
	}
}

// TestEditSAMParameters: a SAM API's stage named by a parameter is not
// renamed, and a route on a function given by ARN brings its parameter.
func TestEditSAMParameters(t *testing.T) {
	const src = `Transform: AWS::Serverless-2016-10-31
Parameters:
  StageParam:
    Type: String
    Default: prod
Resources:
  Chat:
    Type: AWS::Serverless::WebSocketApi
    Properties:
      RouteSelectionExpression: $request.body.action
      StageName: !Ref StageParam
      Routes:
        $connect:
          FunctionArn: !GetAtt Fn.Arn
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: nodejs24.x
      Handler: index.handler
      InlineCode: "exports.handler = async () => ({ statusCode: 200 });"
`
	_, err := editDesign(t, src, func(d *model.Design) { d.Stage = "dev" })
	if err == nil || !strings.Contains(err.Error(), "StageParam") {
		t.Errorf("renaming a parameter-named SAM stage: %v, want a refusal naming StageParam", err)
	}
	out, err := editDesign(t, src, func(d *model.Design) {
		d.Endpoints = append(d.Endpoints, model.Endpoint{Route: "send", Handler: model.ARNParameter("SendArn")})
	})
	if err != nil {
		t.Fatal(err)
	}
	got := parse(t, string(out))
	if got.Parameter("SendArn") == nil || !strings.Contains(string(out), "FunctionArn: !Ref SendArn") {
		t.Errorf("a route on a function given by ARN, without its parameter:\n%s", out)
	}
}

// TestEditAuthorizerOnForeignConnect refuses to add or remove the
// authorizer of a $connect route whose integration wsdesign keeps as
// written, rather than leave the route without it or pointing at an
// authorizer removed.
func TestEditAuthorizerOnForeignConnect(t *testing.T) {
	src := noRoutes + `  Connect:
    Type: AWS::ApiGatewayV2::Route
    Properties:
      ApiId: !Ref Api
      RouteKey: $connect
      AuthorizationType: NONE
      Target: !Sub integrations/${Mock}
  Mock:
    Type: AWS::ApiGatewayV2::Integration
    Properties:
      ApiId: !Ref Api
      IntegrationType: MOCK
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: nodejs24.x
      Handler: index.handler
      CodeUri: src/
`
	_, err := editDesign(t, src, func(d *model.Design) {
		d.Authorizer = &model.Authorizer{Handler: model.Existing("Fn"), IdentitySource: []string{model.DefaultIdentitySource}}
	})
	if err == nil || !strings.Contains(err.Error(), "MOCK integration, which wsdesign keeps as written") {
		t.Fatalf("adding an authorizer on a MOCK $connect: %v", err)
	}
}

// sharedByParameter: a function given by ARN through a parameter and a
// function reached through an alias, each with one permission for the whole
// API.
const sharedByParameter = `AWSTemplateFormatVersion: "2010-09-09"
Parameters:
  PartnerArn:
    Type: String
Resources:
  Api:
    Type: AWS::ApiGatewayV2::Api
    Properties:
      Name: A
      ProtocolType: WEBSOCKET
      RouteSelectionExpression: $request.body.action
  Stage:
    Type: AWS::ApiGatewayV2::Stage
    Properties:
      ApiId: !Ref Api
      StageName: prod
      AutoDeploy: true
  Worker:
    Type: AWS::Lambda::Function
    Properties:
      Handler: index.handler
      Runtime: nodejs22.x
      Role: arn:aws:iam::123456789012:role/r
      Code:
        ZipFile: "exports.handler = async () => ({ statusCode: 200 })"
  WorkerLive:
    Type: AWS::Lambda::Alias
    Properties:
      FunctionName: !Ref Worker
      FunctionVersion: $LATEST
      Name: live
  DefaultRoute:
    Type: AWS::ApiGatewayV2::Route
    Properties:
      ApiId: !Ref Api
      RouteKey: $default
      Target: !Sub integrations/${PartnerIntegration}
  PartnerIntegration:
    Type: AWS::ApiGatewayV2::Integration
    Properties:
      ApiId: !Ref Api
      IntegrationType: AWS_PROXY
      IntegrationUri: !Sub arn:aws:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/${PartnerArn}/invocations
  PartnerPermission:
    Type: AWS::Lambda::Permission
    Properties:
      Action: lambda:InvokeFunction
      FunctionName: !Ref PartnerArn
      Principal: apigateway.amazonaws.com
      SourceArn: !Sub arn:aws:execute-api:${AWS::Region}:${AWS::AccountId}:${Api}/*
  ConnectRoute:
    Type: AWS::ApiGatewayV2::Route
    Properties:
      ApiId: !Ref Api
      RouteKey: $connect
      Target: !Sub integrations/${WorkerIntegration}
  WorkerIntegration:
    Type: AWS::ApiGatewayV2::Integration
    Properties:
      ApiId: !Ref Api
      IntegrationType: AWS_PROXY
      IntegrationUri: !Sub arn:aws:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/${WorkerLive}/invocations
  WorkerPermission:
    Type: AWS::Lambda::Permission
    Properties:
      Action: lambda:InvokeFunction
      FunctionName: !Ref WorkerLive
      Principal: apigateway.amazonaws.com
      SourceArn: !Sub arn:aws:execute-api:${AWS::Region}:${AWS::AccountId}:${Api}/*
`

// TestEditReusesCoveringPermission: a new route on a function given by
// parameter, or reached through an alias, uses the permission the function
// already has for the whole API rather than adding one.
func TestEditReusesCoveringPermission(t *testing.T) {
	tpl := parse(t, sharedByParameter)
	apis, err := Import(tpl)
	if err != nil || len(apis) != 1 {
		t.Fatal(apis, err)
	}
	for _, h := range apis[0].Design.Endpoints {
		out, err := editDesign(t, sharedByParameter, func(d *model.Design) {
			d.Endpoints = append(d.Endpoints, model.Endpoint{Route: "more-" + h.Handler.Key(), Handler: h.Handler})
		})
		if err != nil {
			t.Fatal(err)
		}
		if n := strings.Count(string(out), "AWS::Lambda::Permission"); n != 2 {
			t.Errorf("a route on %s: %d permissions, want the 2 there were:\n%s", h.Handler, n, out)
		}
	}
}

const routeScoped = `Resources:
  Api:
    Type: AWS::ApiGatewayV2::Api
    Properties: {Name: chat, ProtocolType: WEBSOCKET, RouteSelectionExpression: $request.body.action}
  ConnectRoute:
    Type: AWS::ApiGatewayV2::Route
    Properties: {ApiId: !Ref Api, RouteKey: $connect, Target: !Sub "integrations/${ConnectInteg}"}
  ConnectInteg:
    Type: AWS::ApiGatewayV2::Integration
    Properties:
      ApiId: !Ref Api
      IntegrationType: AWS_PROXY
      IntegrationUri: !Sub arn:aws:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/${ConnectFn.Arn}/invocations
  Stage:
    Type: AWS::ApiGatewayV2::Stage
    Properties: {ApiId: !Ref Api, StageName: prod, AutoDeploy: true}
  ConnectFn:
    Type: AWS::Lambda::Function
    Properties: {Handler: index.handler, Runtime: nodejs22.x, Role: arn:aws:iam::123456789012:role/x, Code: {ZipFile: "exports.handler = async () => ({})"}}
  ConnectPermission:
    Type: AWS::Lambda::Permission
    Properties:
      Action: lambda:InvokeFunction
      FunctionName: !Ref ConnectFn
      Principal: apigateway.amazonaws.com
      SourceArn: !Sub arn:aws:execute-api:${AWS::Region}:${AWS::AccountId}:${Api}/*/$connect
`

// TestEditNewRoutesOnRouteScopedFunction: new routes on a function whose
// permission is scoped to its route each get one that covers them, added
// at once or one edit after another, and removing them gives back the
// original bytes.
func TestEditNewRoutesOnRouteScopedFunction(t *testing.T) {
	add := func(src string, keys ...string) string {
		t.Helper()
		out, err := editDesign(t, src, func(d *model.Design) {
			for _, k := range keys {
				d.Endpoints = append(d.Endpoints, model.Endpoint{Route: k, Handler: model.Existing("ConnectFn")})
			}
		})
		if err != nil {
			t.Fatal(err)
		}
		return string(out)
	}
	covered := func(what, src string) {
		t.Helper()
		tpl := parse(t, src)
		apis, _ := Import(tpl)
		e := NewEdit(tpl)
		for _, r := range apis[0].Routes {
			if len(e.routePermissions(apis[0], r)) == 0 {
				t.Errorf("%s: no permission covers %s:\n%s", what, r.Key, src)
			}
		}
	}
	both := add(routeScoped, "ping", "pong")
	covered("ping and pong at once", both)
	covered("ping, then pong", add(add(routeScoped, "ping"), "pong"))
	out, err := editDesign(t, both, func(d *model.Design) {
		d.Endpoints = slices.DeleteFunc(d.Endpoints, func(ep model.Endpoint) bool { return ep.Route != "$connect" })
	})
	if err != nil {
		t.Fatal(err)
	}
	if string(out) != routeScoped {
		t.Errorf("removing ping and pong did not give back the original:\n%s", out)
	}
}

// TestEditRefusesDuplicatedRouteKey: an edit of a route key two routes
// have is refused at the second one, not taken as no change.
func TestEditRefusesDuplicatedRouteKey(t *testing.T) {
	src := routeScoped + `  Again:
    Type: AWS::ApiGatewayV2::Route
    Properties: {ApiId: !Ref Api, RouteKey: $connect, Target: !Sub "integrations/${ConnectInteg}"}
`
	_, err := editDesign(t, src, func(d *model.Design) {
		d.Endpoints = slices.DeleteFunc(d.Endpoints, func(ep model.Endpoint) bool { return ep.Route == "$connect" })
	})
	if err == nil || !strings.Contains(err.Error(), `template.yaml:29:45:`) || !strings.Contains(err.Error(), "also the key of ConnectRoute") {
		t.Errorf("removing a duplicated route key: %v, want a refusal at the second route naming the first", err)
	}
}

// TestEditRefusesRemovingWhatAnOutputNames: removing a route an output
// refers to is refused at the output, naming both, rather than writing a
// template CloudFormation rejects.
func TestEditRefusesRemovingWhatAnOutputNames(t *testing.T) {
	src := routeScoped + `Outputs:
  RouteId:
    Value: !Ref ConnectRoute
`
	_, err := editDesign(t, src, func(d *model.Design) {
		d.Endpoints = slices.DeleteFunc(d.Endpoints, func(ep model.Endpoint) bool { return ep.Route == "$connect" })
	})
	if err == nil || !strings.Contains(err.Error(), "template.yaml:28:3:") || !strings.Contains(err.Error(), "the output RouteId refers to ConnectRoute") {
		t.Errorf("removing a route an output names: %v, want a refusal at the output", err)
	}
	if _, err := editDesign(t, src, func(d *model.Design) {
		d.Endpoints = append(d.Endpoints, model.Endpoint{Route: "ping", Handler: model.Existing("ConnectFn")})
	}); err != nil {
		t.Errorf("adding beside the output: %v", err)
	}
}

const conditional = `Conditions:
  WithChat: !Equals [!Ref "AWS::Region", eu-west-1]
Resources:
  Api:
    Type: AWS::ApiGatewayV2::Api
    Condition: WithChat
    Properties: {Name: chat, ProtocolType: WEBSOCKET, RouteSelectionExpression: $request.body.action}
  ConnectRoute:
    Type: AWS::ApiGatewayV2::Route
    Condition: WithChat
    Properties: {ApiId: !Ref Api, RouteKey: $connect, Target: !Sub "integrations/${ConnectInteg}"}
  ConnectInteg:
    Type: AWS::ApiGatewayV2::Integration
    Condition: WithChat
    Properties:
      ApiId: !Ref Api
      IntegrationType: AWS_PROXY
      IntegrationUri: !Sub arn:aws:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/${Fn.Arn}/invocations
  Stage:
    Type: AWS::ApiGatewayV2::Stage
    Condition: WithChat
    Properties: {ApiId: !Ref Api, StageName: prod, AutoDeploy: true}
  Fn:
    Type: AWS::Serverless::Function
    Properties: {Handler: index.handler, Runtime: nodejs22.x, CodeUri: src/}
`

// TestEditUnderCondition: the new resources of an API that exists under a
// condition carry it, and what --grant writes on a function that exists
// without it refers to the API only through !If, so the stack deploys
// whether the condition holds or not; granting again adds nothing.
func TestEditUnderCondition(t *testing.T) {
	edit := func(src string, d func(*model.Design)) string {
		t.Helper()
		out, err := editDesignWith(t, src, EditOptions{Flavor: SAM, Grant: true}, d)
		if err != nil {
			t.Fatal(err)
		}
		return string(out)
	}
	out := edit(conditional, func(d *model.Design) {
		d.Endpoints = append(d.Endpoints,
			model.Endpoint{Route: "ping", Mode: model.TwoWay, Handler: model.Existing("Fn")},
			model.Endpoint{Route: "join", Handler: model.NewFunction("JoinFunction")})
	})
	tpl := parse(t, out)
	for _, r := range tpl.Resources() {
		if r.ID == "Fn" {
			continue
		}
		if c, _ := Scalar(Get(r.Node, "Condition")); c != "WithChat" {
			t.Errorf("%s has condition %q, want WithChat:\n%s", r.ID, c, out)
		}
	}
	fn, _ := tpl.Resource("Fn")
	if Get(fn.Node, "Condition") != nil {
		t.Errorf("the function got a condition:\n%s", out)
	}
	vars := Get(fn.Prop("Environment"), "Variables")
	if vars == nil || len(vars.Content) != 2 {
		t.Fatalf("no callback URL on the function:\n%s", out)
	}
	for what, v := range map[string]*yaml.Node{"the callback URL": vars.Content[1], "the policy": fn.Prop("Policies").Content[0]} {
		name, arg, ok := Intrinsic(v)
		if !ok || name != "If" || len(arg.Content) != 3 || arg.Content[0].Value != "WithChat" || !slices.Equal(Refs(arg.Content[2]), []string{"AWS::NoValue"}) {
			t.Errorf("%s is not under !If [WithChat, …, !Ref AWS::NoValue]:\n%s", what, out)
		}
	}
	again := edit(out, func(d *model.Design) {
		d.Endpoints = append(d.Endpoints, model.Endpoint{Route: "pong", Mode: model.TwoWay, Handler: model.Existing("Fn")})
	})
	if n, m := strings.Count(out, manageConnections), strings.Count(again, manageConnections); n != m {
		t.Errorf("granting again: %d statements, want the %d there were:\n%s", m, n, again)
	}
}
