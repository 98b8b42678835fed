package check

import (
	"fmt"
	"strings"
	"testing"

	"github.com/wsdesign/wsdesign/render"
)

// largeTemplate writes a template of 500 resources (CloudFormation's limit):
// one WebSocket API with 300 routes (API Gateway's limit), 167 of them
// two-way, served by 10 functions with a shared role.
func largeTemplate() []byte {
	const functions, routes, twoWay = 10, 300, 167
	var b strings.Builder
	b.WriteString(`AWSTemplateFormatVersion: "2010-09-09"
Resources:
  ChatApi:
    Type: AWS::ApiGatewayV2::Api
    Properties:
      Name: Chat
      ProtocolType: WEBSOCKET
      RouteSelectionExpression: $request.body.action
  ChatApiStage:
    Type: AWS::ApiGatewayV2::Stage
    Properties:
      ApiId: !Ref ChatApi
      StageName: prod
      AutoDeploy: true
  HandlerRole:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Version: "2012-10-17"
        Statement:
          - Effect: Allow
            Principal: {Service: lambda.amazonaws.com}
            Action: sts:AssumeRole
`)
	for f := range functions {
		fmt.Fprintf(&b, `  Handler%[1]dFunction:
    Type: AWS::Lambda::Function
    Properties:
      Runtime: nodejs24.x
      Handler: index.handler
      Role: !GetAtt HandlerRole.Arn
      Code:
        ZipFile: 'exports.handler = async () => ({statusCode: 200})'
  ChatApiHandler%[1]dIntegration:
    Type: AWS::ApiGatewayV2::Integration
    Properties:
      ApiId: !Ref ChatApi
      IntegrationType: AWS_PROXY
      IntegrationUri: !Sub arn:${AWS::Partition}:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/${Handler%[1]dFunction.Arn}/invocations
  ChatApiHandler%[1]dPermission:
    Type: AWS::Lambda::Permission
    Properties:
      Action: lambda:InvokeFunction
      FunctionName: !Ref Handler%[1]dFunction
      Principal: apigateway.amazonaws.com
      SourceArn: !Sub arn:${AWS::Partition}:execute-api:${AWS::Region}:${AWS::AccountId}:${ChatApi}/*
`, f)
	}
	for r := range routes {
		key := fmt.Sprintf("action%d", r)
		if r == 0 {
			key = "$default"
		}
		fmt.Fprintf(&b, `  ChatApiAction%[1]dRoute:
    Type: AWS::ApiGatewayV2::Route
    Properties:
      ApiId: !Ref ChatApi
      RouteKey: %[2]s
      AuthorizationType: NONE
      Target: !Sub integrations/${ChatApiHandler%[3]dIntegration}
`, r, key, r%functions)
		if r < twoWay {
			fmt.Fprintf(&b, `      RouteResponseSelectionExpression: $default
  ChatApiAction%[1]dRouteResponse:
    Type: AWS::ApiGatewayV2::RouteResponse
    Properties:
      ApiId: !Ref ChatApi
      RouteId: !Ref ChatApiAction%[1]dRoute
      RouteResponseKey: $default
`, r)
		}
	}
	return []byte(b.String())
}

func TestLargeTemplate(t *testing.T) {
	tpl, err := render.Parse("large.yaml", largeTemplate())
	if err != nil {
		t.Fatal(err)
	}
	if n := len(tpl.Resources()); n != 500 {
		t.Fatalf("the generated template has %d resources, want 500", n)
	}
	fs, err := Template(tpl)
	if err != nil {
		t.Fatal(err)
	}
	// A well-wired template at the limits: nothing to report.
	if len(fs) != 0 {
		t.Errorf("findings on the generated template:\n%s", dump(fs))
	}
}

// BenchmarkCheck500 checks a parsed 500-resource template (target: under
// 20 ms). The schema is loaded before the timer starts, once per process.
func BenchmarkCheck500(b *testing.B) {
	tpl, err := render.Parse("large.yaml", largeTemplate())
	if err != nil {
		b.Fatal(err)
	}
	if _, err := definitions(); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Template(tpl); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkParseAndCheck500 is the whole work of `wsdesign check` on the
// 500-resource template, parsing included.
func BenchmarkParseAndCheck500(b *testing.B) {
	src := largeTemplate()
	b.SetBytes(int64(len(src)))
	for b.Loop() {
		tpl, err := render.Parse("large.yaml", src)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := Template(tpl); err != nil {
			b.Fatal(err)
		}
	}
}
