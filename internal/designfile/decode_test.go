package designfile_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/wsdesign/wsdesign/internal/designfile"
	"github.com/wsdesign/wsdesign/model"
	"github.com/wsdesign/wsdesign/render"
)

func TestDecodeYAMLAndJSONAgree(t *testing.T) {
	yamlSrc := `name: Chat API
logicalId: ChatApi
routeSelector: message.type
stage: dev
runtime: python3.13
authorizer:
  handler: {arnParameter: AuthArn}
  identitySource: [route.request.header.Authorization]
endpoints:
  - route: $connect
    handler: ConnectFn
  - {route: sendMessage, mode: 2-way, handler: SendFn}
  - {route: 1, handler: "param:Other"}
  - {route: $default, mode: 1-way, handler: Existing}
`
	jsonSrc := `{"name": "Chat API", "logicalId": "ChatApi", "routeSelector": "message.type", "stage": "dev",
 "runtime": "python3.13",
 "authorizer": {"handler": {"arnParameter": "AuthArn"}, "identitySource": ["route.request.header.Authorization"]},
 "endpoints": [{"route": "$connect", "handler": "ConnectFn"},
  {"route": "sendMessage", "mode": "2-way", "handler": "SendFn"},
  {"route": "1", "handler": "param:Other"},
  {"route": "$default", "mode": "1-way", "handler": "Existing"}]}`
	r := designfile.Resolver{Existing: map[string]string{"Existing": "AWS::Lambda::Alias"}}
	want := model.Design{
		Name: "Chat API", LogicalID: "ChatApi", RouteSelector: "message.type", Stage: "dev",
		Authorizer: &model.Authorizer{Handler: model.ARNParameter("AuthArn"), IdentitySource: []string{"route.request.header.Authorization"}},
		Endpoints: []model.Endpoint{
			{Route: "$connect", Handler: model.LambdaLink{Kind: model.LinkNew, FunctionID: "ConnectFn", Runtime: "python3.13", CodeURI: "src/connect-fn/"}},
			{Route: "sendMessage", Mode: model.TwoWay, Handler: model.LambdaLink{Kind: model.LinkNew, FunctionID: "SendFn", Runtime: "python3.13", CodeURI: "src/send-fn/"}},
			{Route: "1", Handler: model.ARNParameter("Other")},
			{Route: "$default", Handler: model.LambdaLink{Kind: model.LinkExisting, FunctionID: "Existing", FunctionType: "AWS::Lambda::Alias"}},
		},
	}
	for name, src := range map[string]string{"design.yaml": yamlSrc, "design.json": jsonSrc} {
		f, err := designfile.Decode(name, []byte(src), r)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if got := f.Design; !equalDesign(got, want) {
			t.Errorf("%s:\n got %+v\nwant %+v", name, got, want)
		}
	}
}

func equalDesign(a, b model.Design) bool {
	if a.Name != b.Name || a.LogicalID != b.LogicalID || a.RouteSelector != b.RouteSelector || a.Stage != b.Stage ||
		a.Description != b.Description || len(a.Endpoints) != len(b.Endpoints) || (a.Authorizer == nil) != (b.Authorizer == nil) {
		return false
	}
	for i := range a.Endpoints {
		if a.Endpoints[i] != b.Endpoints[i] {
			return false
		}
	}
	if a.Authorizer != nil {
		if a.Authorizer.Handler != b.Authorizer.Handler || strings.Join(a.Authorizer.IdentitySource, ",") != strings.Join(b.Authorizer.IdentitySource, ",") {
			return false
		}
	}
	return true
}

func TestDecodeErrors(t *testing.T) {
	tests := []struct {
		name, src, want string
	}{
		{"unknown top-level field", "name: A\nroutes: []\n", "d.yaml:2:1: unknown field \"routes\""},
		{"unknown endpoint field", "name: A\nendpoints:\n  - route: a\n    handle: F\n", "d.yaml:4:5: endpoints[0]: unknown field \"handle\" (known: route, mode, handler)"},
		{"unknown authorizer field", "authorizer:\n  handler: F\n  identity: x\n", "d.yaml:3:3: authorizer: unknown field \"identity\""},
		{"unknown link field", "endpoints:\n  - {route: a, handler: {arn: X}}\n", "d.yaml:2:26: endpoints[0].handler: unknown field \"arn\""},
		{"bad mode", "endpoints:\n  - route: a\n    mode: 3-way\n", "d.yaml:3:11: endpoints[0].mode: \"3-way\" is not a mode"},
		{"endpoints not a list", "endpoints: {route: a}\n", "d.yaml:1:12: endpoints: a list"},
		{"name not a string", "name: [a]\n", "d.yaml:1:7: name: a string"},
		{"handler null", "endpoints:\n  - {route: a, handler: null}\n", "d.yaml:2:25: endpoints[0].handler: a function's logical ID"},
		{"duplicate key", "name: A\nname: B\n", "d.yaml:2:1: name is written twice"},
		{"JSON unknown field", "{\n  \"name\": \"A\",\n  \"stages\": \"x\"\n}", "d.yaml:3:3: unknown field \"stages\""},
		{"not a mapping", "- a\n", "d.yaml:1:1: a design file is a mapping"},
		{"empty", "", "d.yaml:1:1: the file is empty"},
		{"syntax", "name: [a\n", "d.yaml: not YAML or JSON"},
		{"bad format", "name: A\nformat: terraform\n", "d.yaml:2:9: format: \"terraform\" is not a template format: use sam or cfn"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := designfile.Decode("d.yaml", []byte(tt.src), designfile.Resolver{})
			if err == nil || !strings.HasPrefix(err.Error(), tt.want) {
				t.Fatalf("got %v, want prefix %q", err, tt.want)
			}
		})
	}
}

func TestDecodeFormat(t *testing.T) {
	for src, want := range map[string]render.Flavor{"format: cfn\n": render.CFN, "format: sam\n": render.SAM, "format: CloudFormation\n": render.CFN} {
		f, err := designfile.Decode("d.yaml", []byte("name: A\n"+src), designfile.Resolver{})
		if err != nil || !f.HasFormat || f.Format != want {
			t.Errorf("%q: format %v (set %v), err %v; want %v", src, f.Format, f.HasFormat, err, want)
		}
	}
	f, err := designfile.Decode("d.yaml", []byte("name: A\n"), designfile.Resolver{})
	if err != nil || f.HasFormat {
		t.Errorf("no format field: set %v, err %v", f.HasFormat, err)
	}
}

func TestDecodeErrorIsPositioned(t *testing.T) {
	_, err := designfile.Decode("d.yaml", []byte("name: A\nnope: 1\n"), designfile.Resolver{})
	var re *render.Error
	if !errors.As(err, &re) || re.Line != 2 || re.Col != 1 {
		t.Fatalf("got %#v, want a *render.Error at 2:1", err)
	}
}

func TestPos(t *testing.T) {
	f, err := designfile.Decode("d.yaml", []byte("name: A\nendpoints:\n  - route: $connect\n    mode: 2-way\n  - route: b\n"), designfile.Resolver{})
	if err != nil {
		t.Fatal(err)
	}
	for field, want := range map[string]string{
		"endpoints[0].mode":    "d.yaml:4:11",
		"endpoints[1].handler": "d.yaml:5:5", // not written: its endpoint
		"name":                 "d.yaml:1:7",
		"stage":                "d.yaml:1:1", // not written: the file
		"endpoints":            "d.yaml:3:3",
	} {
		if got := f.Pos(field).String(); got != want {
			t.Errorf("Pos(%q) = %s, want %s", field, got, want)
		}
	}
}
