package check

import (
	"strings"
	"testing"
)

// TestFixesNameTheResources: a fix names the API and the authorizer at
// fault, as the user writes them in a !Sub, not ${Api} and ${Authorizer}.
func TestFixesNameTheResources(t *testing.T) {
	const src = `Resources:
  ChatApi:
    Type: AWS::ApiGatewayV2::Api
    Properties: {Name: Chat, ProtocolType: WEBSOCKET, RouteSelectionExpression: $request.body.action}
  ChatStage:
    Type: AWS::ApiGatewayV2::Stage
    Properties: {ApiId: !Ref ChatApi, StageName: prod, AutoDeploy: true}
  ChatConnectRoute:
    Type: AWS::ApiGatewayV2::Route
    Properties:
      ApiId: !Ref ChatApi
      RouteKey: $connect
      AuthorizationType: CUSTOM
      AuthorizerId: !Ref ChatGate
      Target: !Sub integrations/${ConnectIntegration}
  ConnectIntegration:
    Type: AWS::ApiGatewayV2::Integration
    Properties:
      ApiId: !Ref ChatApi
      IntegrationType: AWS_PROXY
      IntegrationUri: !Sub arn:${AWS::Partition}:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/${Connect.Arn}/invocations
  ChatGate:
    Type: AWS::ApiGatewayV2::Authorizer
    Properties:
      ApiId: !Ref ChatApi
      AuthorizerType: REQUEST
      Name: gate
      IdentitySource: [route.request.querystring.token]
      AuthorizerUri: !Sub arn:${AWS::Partition}:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/${Gate.Arn}/invocations
  Connect:
    Type: AWS::Lambda::Function
    Properties: {Handler: index.handler, Runtime: nodejs22.x, Role: arn:aws:iam::123456789012:role/r, Code: {ZipFile: x}}
  Gate:
    Type: AWS::Lambda::Function
    Properties: {Handler: index.handler, Runtime: nodejs22.x, Role: arn:aws:iam::123456789012:role/r, Code: {ZipFile: x}}
`
	want := map[*Rule]string{
		HandlerPermission:    ":${ChatApi}/* for the function",
		AuthorizerPermission: "…:${ChatApi}/authorizers/${ChatGate} (or …:${ChatApi}/*)",
	}
	for _, f := range checkSource(t, "t.yaml", []byte(src)) {
		w, ok := want[f.Rule]
		if !ok {
			continue
		}
		delete(want, f.Rule)
		if !strings.Contains(f.Fix(), w) || strings.Contains(f.Fix(), "${Api}") || strings.Contains(f.Fix(), "${Authorizer}") {
			t.Errorf("%s fix %q, want it to hold %q", f.Rule.ID, f.Fix(), w)
		}
		var b strings.Builder
		if err := writeJSON(&b, []Finding{f}); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(b.String(), "${ChatApi}") {
			t.Errorf("%s: JSON fix does not name the API: %s", f.Rule.ID, b.String())
		}
	}
	for r := range want {
		t.Errorf("no %s finding", r.ID)
	}
	// A finding made elsewhere has the rule's own fix.
	if f := (Finding{Rule: HandlerPermission}); f.Fix() != HandlerPermission.Fix {
		t.Errorf("Fix() = %q, want the rule's", f.Fix())
	}
}
