package render

import (
	"path/filepath"
	"testing"

	"github.com/wsdesign/wsdesign/dev/app"
)

const localTemplate = `Transform: AWS::Serverless-2016-10-31
Parameters:
  Table:
    Type: String
    Default: items
Globals:
  Function:
    Runtime: nodejs22.x
    Timeout: 7
    CodeUri: src/
    Environment:
      Variables:
        SHARED: yes
Resources:
  Handler:
    Type: AWS::Serverless::Function
    Properties:
      Handler: app.handler
      Environment:
        Variables:
          TABLE: !Ref Table
          CALLBACK_URL: !Sub https://${Api}.execute-api.${AWS::Region}.${AWS::URLSuffix}/prod
          QUEUE: !GetAtt Queue.QueueUrl
          API_REF: !Ref Api
          API_ID: !GetAtt Api.ApiId
  Inline:
    Type: AWS::Lambda::Function
    Properties:
      Runtime: python3.12
      Handler: index.handler
      Code:
        ZipFile: "def handler(e, c): return {}"
  Api:
    Type: AWS::Serverless::WebSocketApi
    Properties:
      StageName: prod
      RouteSelectionExpression: $request.body.action
      Auth:
        AuthType: CUSTOM
        AuthArn: !GetAtt Inline.Arn
        IdentitySource: [route.request.querystring.token]
      Routes:
        $connect:
          FunctionArn: !GetAtt Handler.Arn
        send:
          FunctionArn: !GetAtt Handler.Arn
          RouteResponseSelectionExpression: $default
        half:
          FunctionArn: !GetAtt Handler.Arn
          RouteResponseSelectionExpression: $default
  SendResponse:
    Type: AWS::ApiGatewayV2::RouteResponse
    Properties:
      ApiId: !Ref Api
      RouteId: !Ref ApiSendRoute
      RouteResponseKey: $default
`

func TestLocal(t *testing.T) {
	tpl, err := Parse("proj/template.yaml", []byte(localTemplate))
	if err != nil {
		t.Fatal(err)
	}
	apis, _ := Import(tpl)
	a := Local(tpl, apis[0], "http://127.0.0.1:3001", nil)
	if a.API.SelectionExpr != "$request.body.action" || len(a.API.Stages) != 1 || a.API.Stages[0] != "prod" {
		t.Errorf("api %+v", a.API)
	}
	if az := a.API.ConnectAuthorizer; az == nil || az.Function != "Inline" || len(az.IdentitySources) != 1 {
		t.Errorf("authorizer %+v", az)
	}
	// SAM writes no route response: a route with only the expression sends
	// nothing back, as in API Gateway.
	if len(a.API.Routes) != 3 || a.API.Routes[1] != (app.Route{Key: "send", TwoWay: true, Kind: app.Lambda, Function: "Handler"}) ||
		a.API.Routes[2] != (app.Route{Key: "half", HalfTwoWay: "RouteResponseSelectionExpression but no RouteResponse", Kind: app.Lambda, Function: "Handler"}) {
		t.Errorf("routes %+v", a.API.Routes)
	}
	fns := map[string]app.Function{}
	for _, f := range a.Functions {
		fns[f.LogicalID] = f
	}
	h := fns["Handler"]
	if h.Runtime != "nodejs22.x" || h.TimeoutSec != 7 || h.Dir != filepath.Join("proj", "src") || h.Handler != "app.handler" {
		t.Errorf("Globals not applied: %+v", h)
	}
	want := map[string]string{"SHARED": "yes", "TABLE": "items", "CALLBACK_URL": "http://127.0.0.1:3001/prod", "QUEUE": ""}
	for k, v := range want {
		if h.Env[k] != v {
			t.Errorf("%s = %q, want %q", k, h.Env[k], v)
		}
	}
	if h.Env["API_ID"] == "" || h.Env["API_ID"] != h.Env["API_REF"] || h.Env["API_ID"] != a.API.ID {
		t.Errorf("GetAtt ApiId %q, Ref %q: want both the local API's id %q", h.Env["API_ID"], h.Env["API_REF"], a.API.ID)
	}
	if len(a.Unresolved) != 1 || a.Unresolved[0].Variable != "QUEUE" {
		t.Errorf("unresolved %+v", a.Unresolved)
	}
	if in := fns["Inline"]; in.InlineCode == "" || in.Runtime != "python3.12" || in.TimeoutSec != 0 {
		t.Errorf("inline %+v", in)
	}
}
