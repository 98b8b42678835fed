package render

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/wsdesign/wsdesign/internal/fileio"
	"github.com/wsdesign/wsdesign/model"
)

// largeTemplate writes a SAM template of about n resources shaped like a
// big real one: a WebSocket API whose routes each have their own function
// (with inline code, policies and variables), integration and permission,
// with comments and blank lines between resources. At 500 resources it is
// about 1 MB, CloudFormation's limit for a template in S3.
func largeTemplate(n int) []byte {
	var b strings.Builder
	b.WriteString("AWSTemplateFormatVersion: \"2010-09-09\"\nTransform: AWS::Serverless-2016-10-31\n")
	b.WriteString("Description: A large WebSocket API, generated for benchmarks.\n\nResources:\n")
	b.WriteString("  # The API and its stage.\n  BigApi:\n    Type: AWS::ApiGatewayV2::Api\n    Properties:\n" +
		"      Name: Big\n      ProtocolType: WEBSOCKET\n      RouteSelectionExpression: $request.body.action\n\n" +
		"  BigApiStage:\n    Type: AWS::ApiGatewayV2::Stage\n    Properties:\n      ApiId: !Ref BigApi\n" +
		"      StageName: prod\n      AutoDeploy: true\n")
	code := strings.Repeat("        // Handles one message type: read the body, look up the connection, answer.\n", 90)
	for i := 0; 2+4*i+4 <= n; i++ {
		fn := fmt.Sprintf("Handler%dFunction", i)
		fmt.Fprintf(&b, "\n  # Route r%d.\n  BigApiR%dRoute:\n    Type: AWS::ApiGatewayV2::Route\n    Properties:\n"+
			"      ApiId: !Ref BigApi\n      RouteKey: r%d\n      AuthorizationType: NONE\n"+
			"      Target: !Sub integrations/${BigApiR%dIntegration}\n", i, i, i, i)
		fmt.Fprintf(&b, "\n  BigApiR%dIntegration:\n    Type: AWS::ApiGatewayV2::Integration\n    Properties:\n"+
			"      ApiId: !Ref BigApi\n      IntegrationType: AWS_PROXY\n"+
			"      IntegrationUri: !Sub arn:${AWS::Partition}:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/${%s.Arn}/invocations\n", i, fn)
		fmt.Fprintf(&b, "\n  BigApiR%dPermission:\n    Type: AWS::Lambda::Permission\n    Properties:\n"+
			"      Action: lambda:InvokeFunction\n      FunctionName: !Ref %s\n      Principal: apigateway.amazonaws.com\n"+
			"      SourceArn: !Sub arn:${AWS::Partition}:execute-api:${AWS::Region}:${AWS::AccountId}:${BigApi}/*\n", i, fn)
		fmt.Fprintf(&b, "\n  %s:\n    Type: AWS::Serverless::Function\n    Properties:\n      Runtime: nodejs24.x\n"+
			"      Handler: index.handler\n      InlineCode: |\n        exports.handler = async (event) => {\n%s"+
			"          return { statusCode: 200 };\n        };\n      Environment:\n        Variables:\n"+
			"          CALLBACK_URL: !Sub https://${BigApi}.execute-api.${AWS::Region}.${AWS::URLSuffix}/prod\n"+
			"      Policies:\n        - Statement:\n            - Effect: Allow\n              Action: execute-api:ManageConnections\n"+
			"              Resource: !Sub arn:${AWS::Partition}:execute-api:${AWS::Region}:${AWS::AccountId}:${BigApi}/prod/*/@connections/*\n",
			fn, code)
	}
	return []byte(b.String())
}

// BenchmarkParseLargeTemplate is the cost of reading the template alone.
func BenchmarkParseLargeTemplate(b *testing.B) {
	for _, n := range []int{125, 250, 500} {
		src := largeTemplate(n)
		b.Run(fmt.Sprintf("%d", n), func(b *testing.B) {
			b.SetBytes(int64(len(src)))
			for b.Loop() {
				if _, err := Parse("big.yaml", src); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkEditLargeTemplate reads a template of 125, 250 and 500 resources,
// imports its API, adds an endpoint (a route and its route response on an
// existing integration, plus a new integration and permission for another
// function), applies the edit with its verification, and writes the file
// atomically: the whole of wsdesign edit but the terminal.
func BenchmarkEditLargeTemplate(b *testing.B) {
	for _, n := range []int{125, 250, 500} {
		src := largeTemplate(n)
		path := filepath.Join(b.TempDir(), "template.yaml")
		if err := os.WriteFile(path, src, 0o644); err != nil {
			b.Fatal(err)
		}
		b.Run(fmt.Sprintf("%d-resources-%dKB", n, len(src)>>10), func(b *testing.B) {
			b.SetBytes(int64(len(src)))
			for b.Loop() {
				t, err := Load(path)
				if err != nil {
					b.Fatal(err)
				}
				apis, err := Import(t)
				if err != nil || len(apis) != 1 {
					b.Fatal(apis, err)
				}
				d := apis[0].Design
				d.Endpoints = append(slices.Clone(d.Endpoints),
					model.Endpoint{Route: "typing", Mode: model.TwoWay, Handler: model.Existing("Handler0Function")})
				e := NewEdit(t)
				if _, err := e.EditAPI(apis[0], d, EditOptions{Flavor: SAM}); err != nil {
					b.Fatal(err)
				}
				out, err := e.Apply()
				if err != nil {
					b.Fatal(err)
				}
				if err := fileio.WriteFile(path, out, fileio.Options{}); err != nil {
					b.Fatal(err)
				}
				if err := os.WriteFile(path, src, 0o644); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
