package render_test

import (
	"strings"
	"testing"

	"github.com/wsdesign/wsdesign/model"
	"github.com/wsdesign/wsdesign/render"
	"go.yaml.in/yaml/v3"
)

// yamlOf writes a node alone, to compare a property with what a person would write.
func yamlOf(t *testing.T, n *yaml.Node) string {
	t.Helper()
	out, err := render.Encode(n, render.YAML, 2)
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimSpace(string(out))
}

func entry(t *testing.T, list []render.Entry, id string) *yaml.Node {
	t.Helper()
	for _, e := range list {
		if e.ID == id {
			return e.Node
		}
	}
	t.Fatalf("no entry %s", id)
	return nil
}

func prop(t *testing.T, f render.Fragment, id, name string) string {
	t.Helper()
	return yamlOf(t, render.Get(render.Get(entry(t, f.Resources, id), "Properties"), name))
}

func TestBuildLinksExistingFunctions(t *testing.T) {
	d := model.Design{Name: "Chat", Stage: "dev", Endpoints: []model.Endpoint{
		{Route: "$connect", Handler: model.Existing("ConnectFn")},
		{Route: "send", Handler: model.Existing("LiveAlias")},
		{Route: "$default", Handler: model.ARNParameter("DefaultArn")},
	}}
	taken := map[string]bool{"ConnectFn": true, "LiveAlias": true, "ChatStage": true}
	f, err := render.Build(d, render.Options{
		Taken:    func(id string) bool { return taken[id] },
		Existing: map[string]string{"ConnectFn": render.TypeLambdaFunction, "LiveAlias": render.TypeLambdaAlias},
	})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct{ id, prop, want string }{
		// A function's Ref is its name: the integration needs its Arn.
		{"ChatConnectFnIntegration", "IntegrationUri", "!Sub arn:${AWS::Partition}:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/${ConnectFn.Arn}/invocations"},
		// An alias's Ref is already its ARN.
		{"ChatLiveAliasIntegration", "IntegrationUri", "!Sub arn:${AWS::Partition}:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/${LiveAlias}/invocations"},
		{"ChatDefaultArnIntegration", "IntegrationUri", "!Sub arn:${AWS::Partition}:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/${DefaultArn}/invocations"},
		{"ChatConnectFnPermission", "FunctionName", "!Ref ConnectFn"},
		{"ChatLiveAliasPermission", "FunctionName", "!Ref LiveAlias"},
		// ChatStage is taken by something else in the template.
		{"ChatStage2", "StageName", "dev"},
	}
	for _, tt := range tests {
		if got := prop(t, f, tt.id, tt.prop); got != tt.want {
			t.Errorf("%s.%s = %s, want %s", tt.id, tt.prop, got, tt.want)
		}
	}
	for _, e := range f.Resources {
		if strings.Contains(e.ID, "ConnectFn") && strings.HasSuffix(e.ID, "Fn") || e.ID == "LiveAlias" {
			t.Errorf("an existing function is redefined: %s", e.ID)
		}
	}
	if f.Transform {
		t.Error("Transform without any SAM resource")
	}

	// Existing functions are not changed, but the editor is told what they
	// need to post to clients.
	if len(f.Needs) != 2 || f.Needs[0].FunctionID != "ConnectFn" || f.Needs[1].FunctionID != "LiveAlias" {
		t.Fatalf("needs: %+v", f.Needs)
	}
	n := f.Needs[0]
	if n.EnvName != "CALLBACK_URL" || yamlOf(t, n.EnvValue) != "!Sub https://${Chat}.execute-api.${AWS::Region}.${AWS::URLSuffix}/dev" {
		t.Errorf("env: %s = %s", n.EnvName, yamlOf(t, n.EnvValue))
	}
	wantStmt := "Effect: Allow\nAction: execute-api:ManageConnections\nResource: !Sub arn:${AWS::Partition}:execute-api:${AWS::Region}:${AWS::AccountId}:${Chat}/dev/*/@connections/*"
	if got := yamlOf(t, n.Statement); got != wantStmt {
		t.Errorf("statement:\n%s\nwant:\n%s", got, wantStmt)
	}
	if len(f.Parameters) != 1 || f.Parameters[0].ID != "DefaultArn" || yamlOf(t, render.Get(f.Parameters[0].Node, "Type")) != "String" {
		t.Errorf("parameters: %+v", f.Parameters)
	}
}

func TestBuildKeepsPinnedIDs(t *testing.T) {
	d := model.Design{Name: "Chat", Endpoints: []model.Endpoint{
		{Route: "$connect", Handler: model.NewFunction("ConnectFunction")},
		{Route: "send", Mode: model.TwoWay, Handler: model.NewFunction("ConnectFunction")},
	}}
	pin := &model.Pinned{
		API: "ChatWebSocket", Stage: "Prod",
		Routes:       map[string]string{"$connect": "ConnectRoute"},
		Integrations: map[string]string{"ConnectFunction": "ConnectInteg"},
	}
	f, err := render.Build(d, render.Options{Pinned: pin})
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, e := range f.Resources {
		ids = append(ids, e.ID)
	}
	want := "ChatWebSocket Prod ConnectRoute ChatWebSocketSendRoute ChatWebSocketSendRouteResponse ConnectInteg ChatWebSocketConnectFunctionPermission ConnectFunction"
	if got := strings.Join(ids, " "); got != want {
		t.Errorf("IDs:\n%s\nwant:\n%s", got, want)
	}
	if got := prop(t, f, "ConnectRoute", "Target"); got != "!Sub integrations/${ConnectInteg}" {
		t.Errorf("Target = %s", got)
	}
}

func TestBuildRefuses(t *testing.T) {
	ep := func(l model.LambdaLink) []model.Endpoint { return []model.Endpoint{{Route: "$default", Handler: l}} }
	tests := []struct {
		name string
		d    model.Design
		opt  render.Options
		want string
	}{
		{"invalid design", model.Design{Endpoints: ep(model.NewFunction("Fn"))}, render.Options{}, "name: a name is required"},
		{"existing function missing", model.Design{Name: "A", Endpoints: ep(model.Existing("Fn"))}, render.Options{}, "function Fn is not in the template"},
		{"new function taken", model.Design{Name: "A", Endpoints: ep(model.NewFunction("Fn"))},
			render.Options{Taken: func(id string) bool { return id == "Fn" }}, "new function Fn: the logical ID is already used"},
		{"API named like a function", model.Design{Name: "A", LogicalID: "Fn", Endpoints: ep(model.NewFunction("Fn"))}, render.Options{}, "Fn is the API's logical ID"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := render.Build(tt.d, tt.opt)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("got %v, want an error containing %q", err, tt.want)
			}
		})
	}
}

func TestBuildDoesNotChangeTheDesign(t *testing.T) {
	d := model.Design{Name: "A", Endpoints: []model.Endpoint{{Route: "$default", Handler: model.LambdaLink{Kind: model.LinkNew, FunctionID: "Fn"}}},
		Authorizer: &model.Authorizer{Handler: model.NewFunction("Auth")}}
	d.Endpoints = append(d.Endpoints, model.Endpoint{Route: "$connect", Handler: model.NewFunction("Fn2")})
	if _, err := render.Build(d, render.Options{}); err != nil {
		t.Fatal(err)
	}
	if d.Stage != "" || d.Endpoints[0].Handler.Runtime != "" || d.Authorizer.IdentitySource != nil {
		t.Errorf("Build normalized the caller's design: %+v", d)
	}
}

func TestResourceType(t *testing.T) {
	tests := []struct {
		role   model.Role
		flavor render.Flavor
		want   string
	}{
		{model.RoleAPI, render.SAM, "AWS::ApiGatewayV2::Api"},
		{model.RoleRoute, render.CFN, "AWS::ApiGatewayV2::Route"},
		{model.RoleRouteResponse, render.SAM, "AWS::ApiGatewayV2::RouteResponse"},
		{model.RoleAuthorizerPermission, render.SAM, "AWS::Lambda::Permission"},
		{model.RoleFunction, render.SAM, "AWS::Serverless::Function"},
		{model.RoleFunction, render.CFN, "AWS::Lambda::Function"},
		{model.RoleFunctionRole, render.CFN, "AWS::IAM::Role"},
	}
	for _, tt := range tests {
		if got := render.ResourceType(tt.role, tt.flavor); got != tt.want {
			t.Errorf("ResourceType(%d, %s) = %s, want %s", tt.role, tt.flavor, got, tt.want)
		}
	}
}

func TestParseFlavor(t *testing.T) {
	for in, want := range map[string]render.Flavor{"sam": render.SAM, "SAM": render.SAM, "cfn": render.CFN, "cloudformation": render.CFN} {
		if got, err := render.ParseFlavor(in); err != nil || got != want {
			t.Errorf("ParseFlavor(%q) = %v, %v", in, got, err)
		}
	}
	if _, err := render.ParseFlavor("cdk"); err == nil {
		t.Error("ParseFlavor(cdk) accepted")
	}
}

// TestPlanIDsEdgeCases covers logical-ID rules that the goldens do not show.
func TestPlanIDsEdgeCases(t *testing.T) {
	long := strings.Repeat("A", 70)
	tests := []struct {
		name  string
		d     model.Design
		taken []string
		want  string // the API's ID and its first route's
	}{
		{"name cut to 64", model.Design{Name: long, Endpoints: []model.Endpoint{{Route: "a"}}}, nil,
			long[:64] + " " + long[:64] + "ARoute"},
		{"fallback skips taken IDs", model.Design{Name: "my api", Endpoints: []model.Endpoint{{Route: "$connect"}}}, []string{"WebSocketApi", "WebSocketApi2"},
			"WebSocketApi3 WebSocketApi3ConnectRoute"},
		{"alnum name taken gets a suffix", model.Design{Name: "Chat", Endpoints: []model.Endpoint{{Route: "x-y"}}}, []string{"Chat"},
			"Chat2 Chat2XYRoute"},
		{"second route without letters", model.Design{Name: "A", Endpoints: []model.Endpoint{{Route: "!"}, {Route: "?"}}}, nil,
			"A ARoute1Route"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			taken := map[string]bool{}
			for _, id := range tt.taken {
				taken[id] = true
			}
			p := model.PlanIDs(tt.d, model.PlanOptions{Taken: func(id string) bool { return taken[id] }})
			if got := p.API.Value + " " + p.Routes[0].Route.Value; got != tt.want {
				t.Errorf("got %s, want %s", got, tt.want)
			}
		})
	}
}
