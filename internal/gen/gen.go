// Package gen writes synthetic SAM templates of a chosen size for
// benchmarks: one WebSocket API whose routes are served by a few functions
// each, laid out as people write them (comments, inline code, policies,
// short-form intrinsics), padded with unrelated resources. A template of
// 500 resources, CloudFormation's limit, is about 650 KB.
package gen

import (
	"fmt"
	"strings"
)

// APIID is the logical ID of the generated WebSocket API.
const APIID = "ChatApi"

// RoutesPerFunction is how many routes share one function, and so one
// integration and one permission.
const RoutesPerFunction = 4

// groupSize is the number of resources of one function and its routes:
// the function, its queue, integration and permission, its routes, and a
// route response for every second route.
const groupSize = 4 + RoutesPerFunction + RoutesPerFunction/2

// Template returns a template of exactly n resources (at least 2: the API
// and its stage). Routes come in groups served by one function; resources
// that do not fill a whole group are spare queues.
func Template(n int) []byte {
	n = max(n, 2)
	var b strings.Builder
	b.Grow(n * 2100)
	b.WriteString(`AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Description: >
  Synthetic chat back end for benchmarks: one WebSocket API, its routes,
  the functions behind them and the queues they use.

Parameters:
  StageName:
    Type: String
    Default: prod
    AllowedPattern: "[A-Za-z0-9_-]+"

Globals:
  Function:
    Runtime: nodejs24.x
    MemorySize: 256
    Timeout: 10
    Environment:
      Variables:
        CALLBACK_URL: !Sub "https://${ChatApi}.execute-api.${AWS::Region}.${AWS::URLSuffix}/prod"

Resources:
  # The API: messages are routed on their "action" property.
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
`)
	count := 2
	for g := 0; count+groupSize <= n; g++ {
		writeGroup(&b, g)
		count += groupSize
	}
	for q := 0; count < n; q++ {
		writeQueue(&b, fmt.Sprintf("SpareQueue%d", q))
		count++
	}
	b.WriteString(`
Outputs:
  WebSocketURL:
    Description: Where clients connect
    Value: !Sub "wss://${ChatApi}.execute-api.${AWS::Region}.${AWS::URLSuffix}/prod"
`)
	return []byte(b.String())
}

// RouteKey is the route key of route r of group g.
func RouteKey(g, r int) string { return fmt.Sprintf("action%dx%d", g, r) }

// FunctionID is the logical ID of the function of group g.
func FunctionID(g int) string { return fmt.Sprintf("Handler%dFunction", g) }

func writeGroup(b *strings.Builder, g int) {
	fn := FunctionID(g)
	fmt.Fprintf(b, `
  ##########################################################################
  # Group %[1]d: %[2]s serves %[3]d routes through one integration and one
  # permission, so that its resource policy stays small.
  ##########################################################################
  %[2]s:
    Type: AWS::Serverless::Function
    Metadata:
      BuildMethod: esbuild
      BuildProperties:
        Minify: true
        Target: es2022
        Sourcemap: true
        External:
          - "@aws-sdk/client-apigatewaymanagementapi"
          - "@aws-sdk/client-sqs"
        EntryPoints:
          - index.mjs
    Properties:
      Handler: index.handler
      Description: Handles the routes of group %[1]d and answers on two-way routes.
      InlineCode: |
        const { ApiGatewayManagementApiClient, PostToConnectionCommand } = require("@aws-sdk/client-apigatewaymanagementapi");
        const client = new ApiGatewayManagementApiClient({ endpoint: process.env.CALLBACK_URL });
        exports.handler = async (event) => {
          const { connectionId, routeKey } = event.requestContext;
          let body;
          try {
            body = JSON.parse(event.body || "{}");
          } catch (err) {
            return { statusCode: 400, body: JSON.stringify({ error: "the message is not JSON" }) };
          }
          // Validate the message against the schema documented above each route.
          const errors = [];
          if (typeof body.action !== "string") errors.push("action must be a string");
          if (body.text !== undefined && typeof body.text !== "string") errors.push("text must be a string");
          if (body.text !== undefined && body.text.length > 4096) errors.push("text is longer than 4096 characters");
          if (body.room !== undefined && !/^[a-z0-9-]{1,64}$/.test(body.room)) errors.push("room must be 1-64 of a-z, 0-9 and -");
          if (body.replyTo !== undefined && typeof body.replyTo !== "string") errors.push("replyTo must be a message id");
          if (body.attachments !== undefined) {
            if (!Array.isArray(body.attachments)) errors.push("attachments must be a list");
            else if (body.attachments.length > 10) errors.push("at most 10 attachments");
            else for (const a of body.attachments) {
              if (typeof a.url !== "string" || !a.url.startsWith("https://")) errors.push("attachment url must be https");
              if (a.size !== undefined && (typeof a.size !== "number" || a.size > 10485760)) errors.push("attachment larger than 10 MiB");
            }
          }
          if (errors.length > 0) {
            await client.send(new PostToConnectionCommand({ ConnectionId: connectionId, Data: JSON.stringify({ errors }) }));
            return { statusCode: 400, body: JSON.stringify({ errors }) };
          }
          // Queue the message for the workers of this group, then acknowledge it.
          const { SQSClient, SendMessageCommand } = require("@aws-sdk/client-sqs");
          const sqs = new SQSClient({});
          await sqs.send(new SendMessageCommand({
            QueueUrl: process.env.QUEUE_URL,
            MessageBody: JSON.stringify({ connectionId, routeKey, body }),
            MessageAttributes: { group: { DataType: "String", StringValue: process.env.GROUP } },
          }));
          const reply = { route: routeKey, group: %[1]d, received: body, at: new Date().toISOString() };
          await client.send(new PostToConnectionCommand({ ConnectionId: connectionId, Data: JSON.stringify(reply) }));
          return { statusCode: 200, body: JSON.stringify(reply) };
        };
      Environment:
        Variables:
          GROUP: "%[1]d"
          QUEUE_URL: !Ref Queue%[1]d
      Policies:
        - Statement:
            - Effect: Allow
              Action: execute-api:ManageConnections
              Resource: !Sub "arn:${AWS::Partition}:execute-api:${AWS::Region}:${AWS::AccountId}:${ChatApi}/prod/*/@connections/*"
        - SQSSendMessagePolicy:
            QueueName: !GetAtt Queue%[1]d.QueueName

  %[4]s%[2]sIntegration:
    Type: AWS::ApiGatewayV2::Integration
    Properties:
      ApiId: !Ref ChatApi
      IntegrationType: AWS_PROXY
      IntegrationUri: !Sub "arn:${AWS::Partition}:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/${%[2]s.Arn}/invocations"

  %[4]s%[2]sPermission:
    Type: AWS::Lambda::Permission
    Properties:
      Action: lambda:InvokeFunction
      FunctionName: !Ref %[2]s
      Principal: apigateway.amazonaws.com
      SourceArn: !Sub "arn:${AWS::Partition}:execute-api:${AWS::Region}:${AWS::AccountId}:${ChatApi}/*"
`, g, fn, RoutesPerFunction, APIID)
	writeQueue(b, fmt.Sprintf("Queue%d", g))
	for r := range RoutesPerFunction {
		key := RouteKey(g, r)
		id := fmt.Sprintf("%sAction%dx%dRoute", APIID, g, r)
		twoWay := r%2 == 1
		fmt.Fprintf(b, `
  # Messages {"action": "%[1]s"} reach %[2]s.
  #
  # Message schema (JSON object):
  #   action       string, always "%[1]s"
  #   text         string, optional, at most 4096 characters
  #   room         string, optional, 1-64 characters of a-z, 0-9 and -
  #   replyTo      string, optional, the id of the message this one answers
  #   attachments  list, optional, at most 10 of {url: https URL, size: bytes}
  #
  # Example:
  #   {"action": "%[1]s", "room": "general", "text": "hello",
  #    "attachments": [{"url": "https://example.com/a.png", "size": 2048}]}
  #
  # The handler validates the message, queues it for the workers of its
  # group and posts an acknowledgement to the caller's connection; on a
  # two-way route the same acknowledgement is also the route's response.
  # Errors come back as {"errors": ["..."]} with status 400.
  #
  # Response schema (two-way routes, and the acknowledgement pushed to the
  # connection on every route):
  #   route        string, the route key that handled the message
  #   group        number, the handler group
  #   received     object, the message as the handler read it
  #   at           string, ISO 8601 time at which the handler answered
  #
  # Example:
  #   {"route": "%[1]s", "group": 0, "at": "2026-01-01T00:00:00.000Z",
  #    "received": {"action": "%[1]s", "room": "general", "text": "hello"}}
  #
  # Limits: API Gateway accepts frames of at most 32 KB and messages of at
  # most 128 KB; the connection stays open for at most two hours and is
  # closed after ten minutes without traffic. Clients should send a ping
  # message every few minutes and reconnect with exponential back-off.
  %[3]s:
    Type: AWS::ApiGatewayV2::Route
    Properties:
      ApiId: !Ref ChatApi
      RouteKey: %[1]s
      AuthorizationType: NONE
      OperationName: %[1]s
      Target: !Sub "integrations/${%[4]s%[2]sIntegration}"
`, key, fn, id, APIID)
		if twoWay {
			fmt.Fprintf(b, "      RouteResponseSelectionExpression: $default\n")
			fmt.Fprintf(b, `
  %[1]sResponse:
    Type: AWS::ApiGatewayV2::RouteResponse
    Properties:
      ApiId: !Ref ChatApi
      RouteId: !Ref %[1]s
      RouteResponseKey: $default
`, id)
		}
	}
}

func writeQueue(b *strings.Builder, id string) {
	fmt.Fprintf(b, `
  # Work queue %[1]s, drained by a worker outside this template.
  %[1]s:
    Type: AWS::SQS::Queue
    Properties:
      VisibilityTimeout: 60
      MessageRetentionPeriod: 345600
      Tags:
        - Key: purpose
          Value: benchmark queue %[1]s
`, id)
}

// codeLine is one line of a handler's inline code, as Sized repeats it.
const codeLine = `          if (body.extra !== undefined && typeof body.extra !== "string") errors.push("extra must be a string");` + "\n"

// Sized returns Template(n) grown to about size bytes through longer inline
// code in every function, as templates with inline handlers grow: SPEC's
// 500-resource template is about 1 MB.
func Sized(n, size int) []byte {
	src := string(Template(n))
	const marker = "          // Validate the message"
	functions := strings.Count(src, marker)
	if functions == 0 || size <= len(src) {
		return []byte(src)
	}
	lines := (size - len(src)) / (functions * len(codeLine))
	return []byte(strings.ReplaceAll(src, marker, strings.Repeat(codeLine, lines)+marker))
}
