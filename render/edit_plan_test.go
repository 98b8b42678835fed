package render

import (
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/wsdesign/wsdesign/model"
	"go.yaml.in/yaml/v3"
)

// perRoute is a template whose function serves two routes, each through an
// integration and a permission of its own.
const perRoute = `Transform: AWS::Serverless-2016-10-31
Resources:
  Api:
    Type: AWS::ApiGatewayV2::Api
    Properties:
      Name: Api
      ProtocolType: WEBSOCKET
      RouteSelectionExpression: $request.body.action
  ARoute:
    Type: AWS::ApiGatewayV2::Route
    Properties:
      ApiId: !Ref Api
      RouteKey: a
      AuthorizationType: NONE
      Target: !Sub integrations/${AInteg}
  AInteg:
    Type: AWS::ApiGatewayV2::Integration
    Properties:
      ApiId: !Ref Api
      IntegrationType: AWS_PROXY
      IntegrationUri: !Sub arn:aws:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/${Fn.Arn}/invocations
  APerm:
    Type: AWS::Lambda::Permission
    Properties:
      Action: lambda:InvokeFunction
      FunctionName: !Ref Fn
      Principal: apigateway.amazonaws.com
      SourceArn: !Sub arn:aws:execute-api:${AWS::Region}:${AWS::AccountId}:${Api}/*/a
  BRoute:
    Type: AWS::ApiGatewayV2::Route
    Properties:
      ApiId: !Ref Api
      RouteKey: b
      AuthorizationType: NONE
      Target: !Sub integrations/${BInteg}
  BInteg:
    Type: AWS::ApiGatewayV2::Integration
    Properties:
      ApiId: !Ref Api
      IntegrationType: AWS_PROXY
      IntegrationUri: !Sub arn:aws:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/${Fn.Arn}/invocations
  BPerm:
    Type: AWS::Lambda::Permission
    Properties:
      Action: lambda:InvokeFunction
      FunctionName: !Ref Fn
      Principal: apigateway.amazonaws.com
      SourceArn: !Sub arn:aws:execute-api:${AWS::Region}:${AWS::AccountId}:${Api}/*/b
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: nodejs24.x
      Handler: index.handler
      InlineCode: "exports.handler = async () => ({ statusCode: 200 });"
`

// TestEditKeepsRouteShape adds a route served by the same function to a
// template with an integration and a permission per route, and to one where
// the routes share their integration: the first gets an integration and a
// permission of its own, the second a permission only.
func TestEditKeepsRouteShape(t *testing.T) {
	shared := strings.NewReplacer("${BInteg}", "${AInteg}").Replace(perRoute)
	shared = shared[:strings.Index(shared, "  BInteg:")] + shared[strings.Index(shared, "  BPerm:"):]
	tests := []struct {
		name, src string
		added     []string
	}{
		{"integration per route", perRoute, []string{"ApiCRoute", "ApiFnIntegration", "ApiFnPermission"}},
		// The permissions are still one per route.
		{"shared integration", shared, []string{"ApiCRoute", "ApiFnPermission"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tpl := parse(t, tc.src)
			apis, err := Import(tpl)
			if err != nil || len(apis) != 1 {
				t.Fatal(apis, err)
			}
			d := apis[0].Design
			d.Endpoints = append(slices.Clone(d.Endpoints), model.Endpoint{Route: "c", Handler: model.Existing("Fn")})
			e := NewEdit(tpl)
			if _, err := e.EditAPI(apis[0], d, EditOptions{Flavor: SAM}); err != nil {
				t.Fatal(err)
			}
			out, err := e.Apply()
			if err != nil {
				t.Fatal(err)
			}
			var added []string
			for _, id := range e.touched()[SectionResources] {
				if _, existed := tpl.Resource(id); !existed {
					added = append(added, id)
				}
			}
			if !slices.Equal(added, tc.added) {
				t.Errorf("added %v, want %v:\n%s", added, tc.added, out)
			}
		})
	}
}

// TestEditRemovesWhatNoRouteUses removes a route from a template whose two
// routes share an integration but have a permission each: the route and its
// permission go, the shared integration and the function stay.
func TestEditRemovesWhatNoRouteUses(t *testing.T) {
	shared := strings.NewReplacer("${BInteg}", "${AInteg}").Replace(perRoute)
	shared = shared[:strings.Index(shared, "  BInteg:")] + shared[strings.Index(shared, "  BPerm:"):]
	tpl := parse(t, shared)
	apis, err := Import(tpl)
	if err != nil {
		t.Fatal(err)
	}
	d := apis[0].Design
	d.Endpoints = d.Endpoints[:1]
	e := NewEdit(tpl)
	if _, err := e.EditAPI(apis[0], d, EditOptions{Flavor: SAM}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.Apply(); err != nil {
		t.Fatal(err)
	}
	if got, want := e.touched()[SectionResources], []string{"BPerm", "BRoute"}; !slices.Equal(got, want) {
		t.Errorf("touched %v, want %v", got, want)
	}
}

// TestEditKeepsDeploymentDependsOn: a Deployment that depends on the API's
// routes loses the removed route and gains the new one, so CloudFormation
// still creates every route before deploying; a DependsOn on something else
// is left alone.
func TestEditKeepsDeploymentDependsOn(t *testing.T) {
	src := perRoute + `  Deployment:
    Type: AWS::ApiGatewayV2::Deployment
    DependsOn: [ARoute, BRoute]
    Properties:
      ApiId: !Ref Api
  Stage:
    Type: AWS::ApiGatewayV2::Stage
    DependsOn: Fn
    Properties:
      ApiId: !Ref Api
      StageName: prod
      DeploymentId: !Ref Deployment
`
	tpl := parse(t, src)
	apis, err := Import(tpl)
	if err != nil || len(apis) != 1 {
		t.Fatal(apis, err)
	}
	d := apis[0].Design
	d.Endpoints = append(slices.Clone(d.Endpoints[:1]), model.Endpoint{Route: "c", Handler: model.Existing("Fn")})
	e := NewEdit(tpl)
	if _, err := e.EditAPI(apis[0], d, EditOptions{Flavor: SAM}); err != nil {
		t.Fatal(err)
	}
	out, err := e.Apply()
	if err != nil {
		t.Fatal(err)
	}
	got := parse(t, string(out))
	dependsOn := func(id string) []string {
		r, _ := got.Resource(id)
		n := r.Attr("DependsOn")
		if n == nil {
			return nil
		}
		if n.Kind == yaml.ScalarNode {
			return []string{n.Value}
		}
		var ids []string
		for _, c := range n.Content {
			ids = append(ids, c.Value)
		}
		return ids
	}
	if ids, want := dependsOn("Deployment"), []string{"ARoute", "ApiCRoute"}; !slices.Equal(ids, want) {
		t.Errorf("Deployment DependsOn %v, want %v:\n%s", ids, want, out)
	}
	if ids := dependsOn("Stage"); !slices.Equal(ids, []string{"Fn"}) {
		t.Errorf("Stage DependsOn %v, want it left alone", ids)
	}
}

// TestEditRestoresGaps adds an endpoint to templates whose resources are
// set apart by lines that are empty or hold only spaces, one or two of
// them, then removes it: the bytes come back, the gaps' spaces included.
func TestEditRestoresGaps(t *testing.T) {
	for _, gap := range []string{"\n", "      \n", "\n\n", "  \n    \n"} {
		src := regexp.MustCompile(`\n(  [A-Z])`).ReplaceAllString(perRoute, "\n"+gap+"$1")
		src = strings.Replace(src, "Resources:\n"+gap, "Resources:\n", 1)
		edit := func(src string, change func(*model.Design)) string {
			t.Helper()
			out, err := editDesignWith(t, src, EditOptions{Flavor: SAM}, change)
			if err != nil {
				t.Fatal(err)
			}
			return string(out)
		}
		added := edit(src, func(d *model.Design) {
			d.Endpoints = append(d.Endpoints, model.Endpoint{Route: "c", Mode: model.TwoWay, Handler: model.Existing("Fn")})
		})
		if !strings.Contains(added, "RouteKey: c") {
			t.Fatalf("gap %q: the endpoint was not added:\n%s", gap, added)
		}
		removed := edit(added, func(d *model.Design) {
			d.Endpoints = slices.DeleteFunc(d.Endpoints, func(ep model.Endpoint) bool { return ep.Route == "c" })
		})
		if removed != src {
			t.Errorf("gap %q: added and removed, the template reads\n%s\nwant\n%s", gap, removed, src)
		}
	}
}
