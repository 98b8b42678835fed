package render_test

import (
	"path/filepath"
	"reflect"
	"testing"

	"github.com/wsdesign/wsdesign/model"
	"github.com/wsdesign/wsdesign/render"
)

func importFile(t *testing.T, path string) (*render.Template, []render.API) {
	t.Helper()
	tpl, err := render.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	apis, err := render.Import(tpl)
	if err != nil {
		t.Fatal(err)
	}
	return tpl, apis
}

// TestImportForms checks, on testdata/import/broken-wiring-forms.yaml, what the
// comparison with ws-check cannot see: links through aliases and versions,
// permissions, pinned IDs, foreign routes and the API's resources.
func TestImportForms(t *testing.T) {
	tpl, apis := importFile(t, filepath.Join("testdata", "import", "broken-wiring-forms.yaml"))
	if len(apis) != 2 || apis[0].Resource.ID != "Chat" || apis[1].Resource.ID != "Headers" {
		t.Fatalf("APIs %v, want Chat and Headers (the HTTP API left out)", apis)
	}
	chat, headers := apis[0], apis[1]
	route := func(key string) render.Route {
		for _, r := range chat.Routes {
			if r.Key == key {
				return r
			}
		}
		t.Fatalf("no route %s", key)
		return render.Route{}
	}
	eq := func(what string, got, want any) {
		t.Helper()
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s = %#v, want %#v", what, got, want)
		}
	}

	eq("name", chat.Design.Name, "2024")
	eq("selector", chat.Design.RouteSelector, "type")
	eq("description", chat.Design.Description, `Chat <rooms> & "lobbies" ✓`)
	eq("stage", chat.Design.Stage, "true")
	eq("stages", []bool{chat.Stages[0].AutoDeploy, chat.Stages[1].AutoDeploy}, []bool{true, false})
	eq("stage deployment", chat.Stages[1].DeploymentID, "ChatDeployment")
	eq("deployment", chat.Deployment, render.DeployAuto)

	connect := route("$connect")
	eq("$connect handler", connect.Handler.String(), "Worker")
	eq("$connect via", connect.Handler.Via, "WorkerLive")
	eq("$connect permissions", connect.PermissionIDs, []string{"AliasPermission"})
	eq("$connect link", chat.Design.Endpoints[0].Handler.FunctionID, "WorkerLive")
	eq("$connect link type", chat.Design.Endpoints[0].Handler.FunctionType, render.TypeLambdaAlias)
	eq("$connect authorizer", connect.AuthorizerID, "Gatekeeper")

	number := route("42")
	eq("42 via", number.Handler.Via, "WorkerV1")
	eq("42 two-way", number.TwoWay, true)
	eq("42 permissions (none names the version)", number.PermissionIDs, []string(nil))
	eq("42 response selection", number.RouteResponseSelectionExpression, "$default")

	partner := route("partner.order")
	eq("partner handler", partner.Handler.String(), "param:PartnerFunctionArn")
	eq("partner foreign", partner.Foreign(), false)

	eq("Legacy integration", route("Legacy").IntegrationID, "")
	eq("Legacy foreign", route("Legacy").Foreign(), true)
	eq("legacy handler", route("legacy").Handler.String(), "arn:aws:lambda:eu-west-1:123456789012:function:legacy")
	eq("legacy foreign", route("legacy").Foreign(), true)

	def := route("$default")
	eq("$default responses", def.RouteResponseIDs, []string{"ForwardResponse"})
	eq("$default authorizer", []any{def.HasAuthorizer, def.AuthorizerID}, []any{true, ""})
	eq("$default foreign", def.Foreign(), true)

	wantEndpoints := []model.Endpoint{
		{Route: "$connect", Handler: chat.Design.Endpoints[0].Handler},
		{Route: "42", Mode: model.TwoWay, Handler: model.LambdaLink{Kind: model.LinkExisting, FunctionID: "WorkerV1", FunctionType: render.TypeLambdaVersion}},
		{Route: "partner.order", Handler: model.ARNParameter("PartnerFunctionArn")},
		{Route: "Legacy", Foreign: "none"},
		{Route: "legacy", Foreign: render.IntegrationAWSProxy},
		{Route: "$default", Mode: model.TwoWay, Foreign: "HTTP_PROXY"},
	}
	eq("endpoints", chat.Design.Endpoints, wantEndpoints)
	if a := chat.Design.Authorizer; a == nil {
		t.Error("no authorizer")
	} else {
		eq("authorizer", *a, model.Authorizer{Handler: model.LambdaLink{Kind: model.LinkExisting, FunctionID: "Worker", FunctionType: render.TypeLambdaFunction}, IdentitySource: []string{"route.request.querystring.token"}})
	}

	eq("pinned", chat.Pinned, model.Pinned{
		API: "Chat", Stage: "ChatStage", Authorizer: "Gatekeeper", AuthorizerPermission: "GatekeeperPermission",
		Routes: map[string]string{
			"$connect": "ConnectRoute", "42": "NumberRoute", "partner.order": "PartnerRoute",
			"Legacy": "LiteralRoute", "legacy": "LiteralArnRoute", "$default": "ForwardRoute",
		},
		RouteResponses: map[string]string{"$default": "ForwardResponse"},
		Integrations:   map[string]string{"WorkerLive": "AliasIntegration", "WorkerV1": "VersionIntegration", "PartnerFunctionArn": "PartnerIntegration"},
		Permissions:    map[string]string{"WorkerLive": "AliasPermission"},
	})
	eq("resources", chat.Resources, []string{
		"Chat", "ConnectRoute", "AliasIntegration", "NumberRoute", "VersionIntegration", "PartnerRoute",
		"PartnerIntegration", "LiteralRoute", "LiteralArnRoute", "LiteralIntegration", "HttpForward", "ForwardRoute",
		"ForwardResponse", "Gatekeeper", "GatekeeperPermission", "AliasPermission", "ChatStage", "ChatStage2", "ChatDeployment",
	})

	eq("headers name", headers.Design.Name, `{"Fn::Sub":["${x}-${1}",{"1":"one","2":"two","x":"headers"}]}`)
	eq("headers selector", headers.Design.RouteSelector, "")
	eq("headers expression", headers.RouteSelectionExpression, "$request.header.X-Route")
	eq("headers deployment", headers.Deployment, render.DeployNone)

	eq("functions", render.Functions(tpl), []render.Function{
		{ID: "Worker", Type: render.TypeLambdaFunction},
		{ID: "WorkerLive", Type: render.TypeLambdaAlias},
		{ID: "WorkerV1", Type: render.TypeLambdaVersion},
	})
}

// TestImportSAM reads SAM-native APIs as the transform would expand them:
// Globals.WebSocketApi, the default name and stage, Auth on $connect.
func TestImportSAM(t *testing.T) {
	_, apis := importFile(t, filepath.Join("testdata", "import", "sam.yaml"))
	if len(apis) != 2 {
		t.Fatalf("%d APIs, want 2", len(apis))
	}
	eq := func(what string, got, want any) {
		t.Helper()
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s = %#v, want %#v", what, got, want)
		}
	}
	secured, plain := apis[0], apis[1]
	eq("SAM", []bool{secured.SAM, plain.SAM}, []bool{true, true})
	connect := model.LambdaLink{Kind: model.LinkExisting, FunctionID: "Connect", FunctionType: render.TypeServerlessFunc}
	eq("secured design", secured.Design, model.Design{
		Name: "Secured", LogicalID: "Secured", RouteSelector: "op", Description: "secured", Stage: "live",
		Authorizer: &model.Authorizer{
			Handler:        model.LambdaLink{Kind: model.LinkExisting, FunctionID: "Auth", FunctionType: render.TypeServerlessFunc},
			IdentitySource: []string{"route.request.querystring.token"},
		},
		Endpoints: []model.Endpoint{
			{Route: "$connect", Handler: connect},
			{Route: "ask", Mode: model.TwoWay, Handler: connect},
		},
	})
	eq("secured $connect", []any{secured.Routes[0].AuthorizationType, secured.Routes[0].HasAuthorizer, secured.Routes[0].AuthorizerID}, []any{"CUSTOM", true, ""})
	eq("secured stages", secured.Stages, []render.Stage{{Name: "live", NameNode: secured.Stages[0].NameNode, AutoDeploy: true}})
	eq("secured resources", secured.Resources, []string{"Secured"})
	eq("secured pinned", secured.Pinned.API, "Secured")

	eq("plain name", plain.Design.Name, `{"Fn::Sub":"${AWS::StackName}-plain"}`)
	eq("plain stage", plain.Design.Stage, "v2")
	eq("plain selector", plain.Design.RouteSelector, "action")
	eq("plain $connect", []any{plain.Routes[0].AuthorizationType, plain.Routes[0].HasAuthorizer}, []any{"AWS_IAM", false})
	eq("plain authorizer", plain.Design.Authorizer, (*model.Authorizer)(nil))

	s := render.Summarize(apis)
	eq("summary names", []any{s.APIs[0].Name, s.APIs[1].Name}, []any{"Secured", `{"Fn::Sub":"${AWS::StackName}-plain"}`})
	eq("summary stages", []any{s.APIs[0].Stages, s.APIs[1].Stages}, []any{[]any{"live"}, []any{"v2"}})
	az := s.APIs[0].Routes[0].Authorizer
	if az == nil || az.LogicalID != nil || *az.Handler != "Auth" || !reflect.DeepEqual(az.IdentitySource, []any{"route.request.querystring.token"}) {
		t.Errorf("summary authorizer %+v", az)
	}
}

func TestTextAndCompactJSON(t *testing.T) {
	for _, c := range []struct{ yaml, text, json string }{
		{`v: plain`, "plain", `"plain"`},
		{`v: "123"`, "123", `"123"`},
		{`v: 0x1F`, "31", `31`},
		{`v: 0o17`, "15", `15`},
		{`v: 1e21`, "1e+21", `1e+21`},
		{`v: 0.0000001`, "1e-7", `1e-7`},
		{`v: 12.50`, "12.5", `12.5`},
		{`v: .inf`, "Infinity", `null`},
		{`v: True`, "true", `true`},
		{`v: yes`, "yes", `"yes"`},
		{`v: ~`, "", `null`},
		{`v: !!str 12`, "12", `"12"`},
		{`v: "tab\tquote\" <&> \u2028"`, "tab\tquote\" <&> \u2028", "\"tab\\tquote\\\" <&> \u2028\""},
		{`v: !GetAtt Fn.Arn`, `{"Fn::GetAtt":["Fn","Arn"]}`, `{"Fn::GetAtt":["Fn","Arn"]}`},
		{`v: !GetAtt [Fn, Arn]`, `{"Fn::GetAtt":["Fn","Arn"]}`, `{"Fn::GetAtt":["Fn","Arn"]}`},
		{`v: !Ref 42`, `{"Ref":"42"}`, `{"Ref":"42"}`},
		{`v: {Fn::Join: ["", [a, !Ref B]]}`, `{"Fn::Join":["",["a",{"Ref":"B"}]]}`, `{"Fn::Join":["",["a",{"Ref":"B"}]]}`},
		{`v: {b: 1, "10": 2, a: 3, "2": 4}`, `{"2":4,"10":2,"b":1,"a":3}`, `{"2":4,"10":2,"b":1,"a":3}`},
		{"v: &x {k: v}\nw: *x", `{"k":"v"}`, `{"k":"v"}`},
	} {
		tpl, err := render.Parse("v.yaml", []byte(c.yaml+"\nResources: {}\n"))
		if err != nil {
			t.Fatalf("%s: %v", c.yaml, err)
		}
		n := render.Get(tpl.Root, "v")
		if got := render.Text(n); got != c.text {
			t.Errorf("Text(%s) = %q, want %q", c.yaml, got, c.text)
		}
		if got := render.CompactJSON(n); got != c.json {
			t.Errorf("CompactJSON(%s) = %s, want %s", c.yaml, got, c.json)
		}
	}
}

// TestImportHandlersByName reads handlers an invocation URI names by the
// physical name the function's FunctionName gives it, in each form that
// name takes, and the permissions that name it the same way.
func TestImportHandlersByName(t *testing.T) {
	const tpl = `Transform: AWS::Serverless-2016-10-31
Parameters:
  Prefix: {Type: String}
Resources:
  Api:
    Type: AWS::ApiGatewayV2::Api
    Properties: {Name: a, ProtocolType: WEBSOCKET, RouteSelectionExpression: $request.body.action}
  Auth:
    Type: AWS::ApiGatewayV2::Authorizer
    Properties:
      ApiId: !Ref Api
      AuthorizerType: REQUEST
      IdentitySource: [route.request.querystring.token]
      AuthorizerUri: !Sub arn:${AWS::Partition}:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/arn:${AWS::Partition}:lambda:${AWS::Region}:${AWS::AccountId}:function:auth-fn/invocations
  ConnectRoute:
    Type: AWS::ApiGatewayV2::Route
    Properties: {ApiId: !Ref Api, RouteKey: $connect, AuthorizationType: CUSTOM, AuthorizerId: !Ref Auth, Target: !Sub "integrations/${ConnectInteg}"}
  ConnectInteg:
    Type: AWS::ApiGatewayV2::Integration
    Properties:
      ApiId: !Ref Api
      IntegrationType: AWS_PROXY
      IntegrationUri: !Join ["", ["arn:aws:apigateway:", !Ref "AWS::Region", ":lambda:path/2015-03-31/functions/arn:aws:lambda:", !Ref "AWS::Region", ":", !Ref "AWS::AccountId", ":function:", !Ref Prefix, "-connect/invocations"]]
  AuthFn:
    Type: AWS::Serverless::Function
    Properties: {FunctionName: auth-fn, Handler: a.handler, Runtime: nodejs24.x, CodeUri: a/}
  ConnectFn:
    Type: AWS::Serverless::Function
    Properties: {FunctionName: !Sub "${Prefix}-connect", Handler: a.handler, Runtime: nodejs24.x, CodeUri: a/}
  ConnectPermission:
    Type: AWS::Lambda::Permission
    Properties: {Action: lambda:InvokeFunction, Principal: apigateway.amazonaws.com, FunctionName: !Sub "${Prefix}-connect"}
  AuthPermission:
    Type: AWS::Lambda::Permission
    Properties: {Action: lambda:InvokeFunction, Principal: apigateway.amazonaws.com, FunctionName: !Sub "arn:aws:lambda:${AWS::Region}:${AWS::AccountId}:function:auth-fn"}
`
	parsed, err := render.Parse("t.yaml", []byte(tpl))
	if err != nil {
		t.Fatal(err)
	}
	apis, err := render.Import(parsed)
	if err != nil || len(apis) != 1 || len(apis[0].Routes) != 1 || len(apis[0].Authorizers) != 1 {
		t.Fatalf("Import = %+v, %v; want one API with one route and one authorizer", apis, err)
	}
	r, az := apis[0].Routes[0], apis[0].Authorizers[0]
	if r.Handler.ID != "ConnectFn" || !r.Handler.ByName || !reflect.DeepEqual(r.PermissionIDs, []string{"ConnectPermission"}) {
		t.Errorf("$connect handler %+v, permissions %v; want ConnectFn by name (!Join of ${Prefix}-connect), ConnectPermission", r.Handler, r.PermissionIDs)
	}
	if az.Handler.ID != "AuthFn" || !az.Handler.ByName || !reflect.DeepEqual(az.PermissionIDs, []string{"AuthPermission"}) {
		t.Errorf("authorizer handler %+v, permissions %v; want AuthFn by name (literal auth-fn), AuthPermission", az.Handler, az.PermissionIDs)
	}
}
