package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/coder/websocket"
)

// needTool skips a test when a tool it needs is missing, except under CI,
// where every tool must be there and a missing one fails the test.
func needTool(t testing.TB, what string, args ...string) {
	t.Helper()
	if err := exec.Command(args[0], args[1:]...).Run(); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s is needed under CI: %v", what, err)
		}
		t.Skipf("%s is not installed: %v", what, err)
	}
}

const realHandlersTemplate = `Transform: AWS::Serverless-2016-10-31
Globals:
  Function:
    Runtime: nodejs20.x
    CodeUri: src/
    Environment:
      Variables:
        EVENTS_DIR: %q
Resources:
  ApiEchoResponse:
    Type: AWS::ApiGatewayV2::RouteResponse
    Properties:
      ApiId: !Ref Api
      RouteId: !Ref ApiEchoRoute
      RouteResponseKey: $default
  ApiThrowResponse:
    Type: AWS::ApiGatewayV2::RouteResponse
    Properties:
      ApiId: !Ref Api
      RouteId: !Ref ApiThrowRoute
      RouteResponseKey: $default
  ApiSlowResponse:
    Type: AWS::ApiGatewayV2::RouteResponse
    Properties:
      ApiId: !Ref Api
      RouteId: !Ref ApiSlowRoute
      RouteResponseKey: $default
  Api:
    Type: AWS::Serverless::WebSocketApi
    Properties:
      StageName: prod
      RouteSelectionExpression: $request.body.action
      Routes:
        $connect:
          FunctionArn: !GetAtt Record.Arn
        $disconnect:
          FunctionArn: !GetAtt Record.Arn
        echo:
          FunctionArn: !GetAtt Echo.Arn
          RouteResponseSelectionExpression: $default
        oneway:
          FunctionArn: !GetAtt Echo.Arn
        throw:
          FunctionArn: !GetAtt Throw.Arn
          RouteResponseSelectionExpression: $default
        slow:
          FunctionArn: !GetAtt Slow.Arn
          RouteResponseSelectionExpression: $default
  Record:
    Type: AWS::Serverless::Function
    Properties:
      Handler: app.record
  Echo:
    Type: AWS::Serverless::Function
    Properties:
      Handler: app.echo
  Throw:
    Type: AWS::Serverless::Function
    Properties:
      Handler: app.fail
  Slow:
    Type: AWS::Serverless::Function
    Properties:
      Handler: app.slow
      Timeout: 1
`

const realHandlersCode = `import { writeFileSync } from "node:fs";

// record keeps the $connect and $disconnect events where the test reads them.
export const record = async (event) => {
  writeFileSync(process.env.EVENTS_DIR + "/" + event.requestContext.eventType + ".json", JSON.stringify(event));
  return { statusCode: 200 };
};

export const echo = async (event) => ({ statusCode: 200, body: JSON.stringify(event) });

export const fail = async () => { throw new Error("boom"); };

export const slow = async () => {
  await new Promise((r) => setTimeout(r, 5000));
  return { statusCode: 200, body: "too late" };
};
`

// TestDevRealNodeHandlers serves Node.js handlers through dev's gateway and
// Lambda pool: a 2-way reply, a throwing handler, a timeout, a 1-way route
// that returns a body, and the events handlers get, checked against
// aws-lambda-go's types and API Gateway's captured events.
func TestDevRealNodeHandlers(t *testing.T) {
	needTool(t, "node", "node", "--version")
	dir := t.TempDir()
	eventsDir := filepath.Join(dir, "events")
	os.MkdirAll(filepath.Join(dir, "src"), 0o755)
	os.MkdirAll(eventsDir, 0o755)
	os.WriteFile(filepath.Join(dir, "src", "app.mjs"), []byte(realHandlersCode), 0o644)
	os.WriteFile(filepath.Join(dir, "template.yaml"), []byte(fmt.Sprintf(realHandlersTemplate, eventsDir)), 0o644)
	out, stop, base := serveDev(t, filepath.Join(dir, "template.yaml"))
	c := dial(t, base+"/prod?name=me")
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	roundTrip := func(msg string) (string, time.Duration) {
		t.Helper()
		start := time.Now()
		if err := c.Write(ctx, websocket.MessageText, []byte(msg)); err != nil {
			t.Fatal(err)
		}
		_, b, err := c.Read(ctx)
		if err != nil {
			t.Fatalf("%s: %v\n%s", msg, err, out.String())
		}
		return string(b), time.Since(start)
	}

	reply, _ := roundTrip(`{"action":"echo","x":1}`)
	message := decodeEvent(t, "MESSAGE", []byte(reply))
	if message.Body != `{"action":"echo","x":1}` || message.RequestContext.RouteKey != "echo" {
		t.Errorf("2-way reply: %s", reply)
	}
	compareWithCapture(t, "MESSAGE", []byte(reply), "apigw-websocket-request-send-message.json", true)

	reply, _ = roundTrip(`{"action":"throw"}`)
	wantInternalError(t, "throwing handler", reply, message.RequestContext.ConnectionID)

	reply, took := roundTrip(`{"action":"slow"}`)
	wantInternalError(t, "timeout", reply, message.RequestContext.ConnectionID)
	if took < time.Second || took > 4*time.Second {
		t.Errorf("the timeout (Timeout: 1) answered after %s", took)
	}

	if err := c.Write(ctx, websocket.MessageText, []byte(`{"action":"oneway"}`)); err != nil {
		t.Fatal(err)
	}
	// The 1-way route's body is dropped: the next frame is the next 2-way reply.
	if reply, _ := roundTrip(`{"action":"echo","after":"oneway"}`); !strings.Contains(reply, `\"after\":\"oneway\"`) {
		t.Errorf("after a 1-way route, the client received %s", reply)
	}
	c.Close(websocket.StatusNormalClosure, "bye")
	disconnect := waitFile(t, filepath.Join(eventsDir, "DISCONNECT.json"))
	stop()

	connect := waitFile(t, filepath.Join(eventsDir, "CONNECT.json"))
	ev := decodeEvent(t, "CONNECT", connect)
	if ev.QueryStringParameters["name"] != "me" || ev.RequestContext.RouteKey != "$connect" {
		t.Errorf("$connect event: %s", connect)
	}
	compareWithCapture(t, "CONNECT", connect, "apigw-websocket-request.json", false)
	decodeEvent(t, "DISCONNECT", disconnect)
	compareWithCapture(t, "DISCONNECT", disconnect, "apigw-websocket-request-disconnect.json", true)

	log := out.String()
	for _, want := range []string{`"kind":"warning","connectionId"`, `"routeKey":"oneway","function":"Echo","text":"a 1-way route returned a body`, "Error: boom", "task timed out"} {
		if !strings.Contains(log, want) {
			t.Errorf("the log lacks %s:\n%s", want, log)
		}
	}
}

func wantInternalError(t *testing.T, what, reply, connID string) {
	t.Helper()
	var m map[string]string
	if err := json.Unmarshal([]byte(reply), &m); err != nil || m["message"] != "Internal server error" || m["connectionId"] != connID || m["requestId"] == "" || len(m) != 3 {
		t.Errorf("%s: the client received %s, want API Gateway's Internal server error frame", what, reply)
	}
}

func waitFile(t *testing.T, path string) []byte {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		if b, err := os.ReadFile(path); err == nil && len(b) > 0 {
			return b
		}
		if time.Now().After(deadline) {
			t.Fatalf("no %s", path)
		}
	}
}

// decodeEvent decodes a handler's event strictly into aws-lambda-go's type:
// a field it does not know fails the test.
func decodeEvent(t *testing.T, eventType string, raw []byte) events.APIGatewayWebsocketProxyRequest {
	t.Helper()
	var ev events.APIGatewayWebsocketProxyRequest
	d := json.NewDecoder(bytes.NewReader(raw))
	d.DisallowUnknownFields()
	if err := d.Decode(&ev); err != nil {
		t.Errorf("%s event does not decode strictly: %v\n%s", eventType, err, raw)
	}
	if ev.RequestContext.EventType != eventType {
		t.Errorf("eventType %q, want %s", ev.RequestContext.EventType, eventType)
	}
	return ev
}

// connectFields are the fields AWS's documentation shows in a $connect
// event: aws-lambda-go's CONNECT sample is not a capture (it mixes in REST
// API fields), so only these must be present; the sample's other fields are
// compared for their type where the event has them.
var connectFields = map[string]bool{
	"headers": true, "multiValueHeaders": true, "queryStringParameters": true,
	"multiValueQueryStringParameters": true, "isBase64Encoded": true, "requestContext": true,
	"requestContext.routeKey": true, "requestContext.eventType": true, "requestContext.extendedRequestId": true,
	"requestContext.requestTime": true, "requestContext.messageDirection": true, "requestContext.stage": true,
	"requestContext.connectedAt": true, "requestContext.requestTimeEpoch": true, "requestContext.identity": true,
	"requestContext.identity.userAgent": true, "requestContext.identity.sourceIp": true,
	"requestContext.requestId": true, "requestContext.domainName": true, "requestContext.connectionId": true,
	"requestContext.apiId":   true,
	"multiValueHeaders.Host": true, "multiValueHeaders.Sec-WebSocket-Key": true, "multiValueHeaders.Sec-WebSocket-Version": true,
	"multiValueHeaders.X-Amzn-Trace-Id": true, "multiValueHeaders.X-Forwarded-For": true,
	"multiValueHeaders.X-Forwarded-Port": true, "multiValueHeaders.X-Forwarded-Proto": true,
}

// compareWithCapture checks an event against aws-lambda-go's test event of
// the same kind: every field the capture has must be in the event (all of
// them when capture is true, those of connectFields otherwise), with the
// same JSON type.
func compareWithCapture(t *testing.T, eventType string, raw []byte, sample string, capture bool) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(lambdaGoTestdata(t), sample))
	if err != nil {
		t.Fatal(err)
	}
	var want, got any
	if err := json.Unmarshal(b, &want); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(raw, &got); err != nil {
		t.Fatal(err)
	}
	var walk func(path string, want, got any)
	walk = func(path string, want, got any) {
		wm, isMap := want.(map[string]any)
		if !isMap {
			if fmt.Sprintf("%T", want) != fmt.Sprintf("%T", got) {
				t.Errorf("%s event: %s is %T (%v), AWS sends %T (%v)", eventType, path, got, got, want, want)
			}
			return
		}
		gm, ok := got.(map[string]any)
		if !ok {
			t.Errorf("%s event: %s is %T, AWS sends an object", eventType, path, got)
			return
		}
		for k, wv := range wm {
			p := strings.TrimPrefix(path+"."+k, ".")
			gv, present := gm[k]
			if gv == nil && !capture && !connectFields[p] {
				present = false // null where the sample has a value: a field AWS sends only sometimes
			}
			switch {
			case present:
				walk(p, wv, gv)
			case capture || connectFields[p]:
				t.Errorf("%s event lacks %s, which AWS sends", eventType, p)
			}
		}
	}
	walk("", want, got)
}

// lambdaGoTestdata is aws-lambda-go's events/testdata folder in the module
// cache, at the version this module builds with.
func lambdaGoTestdata(t *testing.T) string {
	t.Helper()
	dir, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", "github.com/aws/aws-lambda-go").Output()
	if err != nil || len(bytes.TrimSpace(dir)) == 0 {
		t.Fatalf("aws-lambda-go's folder in the module cache: %v", err)
	}
	return filepath.Join(string(bytes.TrimSpace(dir)), "events", "testdata")
}

const boto3Template = `Transform: AWS::Serverless-2016-10-31
Parameters:
  TableName:
    Type: String
    Default: notes
Globals:
  Function:
    Runtime: python3.12
    CodeUri: src/
    Environment:
      Variables:
        TABLE: !Ref Notes
Resources:
  ApiPutResponse:
    Type: AWS::ApiGatewayV2::RouteResponse
    Properties:
      ApiId: !Ref Api
      RouteId: !Ref ApiPutRoute
      RouteResponseKey: $default
  ApiGetResponse:
    Type: AWS::ApiGatewayV2::RouteResponse
    Properties:
      ApiId: !Ref Api
      RouteId: !Ref ApiGetRoute
      RouteResponseKey: $default
  Api:
    Type: AWS::Serverless::WebSocketApi
    Properties:
      StageName: prod
      RouteSelectionExpression: $request.body.action
      Routes:
        put:
          FunctionArn: !GetAtt Put.Arn
          RouteResponseSelectionExpression: $default
        get:
          FunctionArn: !GetAtt Get.Arn
          RouteResponseSelectionExpression: $default
  Put:
    Type: AWS::Serverless::Function
    Properties:
      Handler: notes.put
  Get:
    Type: AWS::Serverless::Function
    Properties:
      Handler: notes.get
  Notes:
    Type: AWS::DynamoDB::Table
    Properties:
      TableName: !Sub ${TableName}-table
      BillingMode: PAY_PER_REQUEST
      KeySchema: [{AttributeName: id, KeyType: HASH}]
      AttributeDefinitions: [{AttributeName: id, AttributeType: S}]
`

const boto3Code = `import json, os
import boto3

table = boto3.resource("dynamodb").Table(os.environ["TABLE"])


def put(event, context):
    note = json.loads(event["body"])
    table.put_item(Item={"id": note["id"], "text": note["text"]})
    return {"statusCode": 200, "body": "stored in " + table.name}


def get(event, context):
    note = json.loads(event["body"])
    item = table.get_item(Key={"id": note["id"]}).get("Item")
    return {"statusCode": 200, "body": json.dumps(item)}
`

// TestDevPythonBoto3Table runs Python handlers that use boto3, with no
// endpoint in their code, against the template's table in dev's local
// DynamoDB: one handler writes an item and another reads it back. The table's
// name comes from --parameter-overrides.
func TestDevPythonBoto3Table(t *testing.T) {
	needTool(t, "python3 with boto3", "python3", "-c", "import boto3")
	needTool(t, "npm (dynalite is installed with it)", "npm", "--version")
	dir := t.TempDir()
	os.MkdirAll(filepath.Join(dir, "src"), 0o755)
	os.WriteFile(filepath.Join(dir, "src", "notes.py"), []byte(boto3Code), 0o644)
	os.WriteFile(filepath.Join(dir, "template.yaml"), []byte(boto3Template), 0o644)
	out, stop, base := serveDev(t, filepath.Join(dir, "template.yaml"), "--parameter-overrides", "TableName=mine")
	c := dial(t, base+"/prod")
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	for _, step := range []struct{ send, want string }{
		{`{"action":"put","id":"n1","text":"hello from boto3"}`, "stored in mine-table"},
		{`{"action":"get","id":"n1"}`, `{"id": "n1", "text": "hello from boto3"}`},
	} {
		if err := c.Write(ctx, websocket.MessageText, []byte(step.send)); err != nil {
			t.Fatal(err)
		}
		_, b, err := c.Read(ctx)
		if err != nil || string(b) != step.want {
			t.Fatalf("%s: got %q %v, want %q\n%s", step.send, b, err, step.want, out.String())
		}
	}
	c.Close(websocket.StatusNormalClosure, "")
	stop()
	for _, want := range []string{`"text":"created mine-table`, `"text":"PutItem mine-table"`, `"text":"GetItem mine-table"`} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("the log lacks %s:\n%s", want, out.String())
		}
	}
}

// sdkV2Template is plain CloudFormation as older real apps wrote it: one
// inline (ZipFile) Node.js 16 function on $connect and sendmessage that uses
// the AWS SDK for JavaScript v2, which Lambda's nodejs16.x bundled and which
// reads no AWS_ENDPOINT_URL_* variable: it keeps connections in the
// template's table and posts to them through the endpoint it builds from the
// event's domainName and stage.
const sdkV2Template = `AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Chat:
    Type: AWS::ApiGatewayV2::Api
    Properties:
      Name: Chat
      ProtocolType: WEBSOCKET
      RouteSelectionExpression: $request.body.action
  Stage:
    Type: AWS::ApiGatewayV2::Stage
    Properties:
      ApiId: !Ref Chat
      StageName: prod
      AutoDeploy: true
  ConnectRoute:
    Type: AWS::ApiGatewayV2::Route
    Properties:
      ApiId: !Ref Chat
      RouteKey: $connect
      Target: !Sub integrations/${Integration}
  SendRoute:
    Type: AWS::ApiGatewayV2::Route
    Properties:
      ApiId: !Ref Chat
      RouteKey: sendmessage
      Target: !Sub integrations/${Integration}
  Integration:
    Type: AWS::ApiGatewayV2::Integration
    Properties:
      ApiId: !Ref Chat
      IntegrationType: AWS_PROXY
      IntegrationUri: !Sub arn:aws:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/${ChatFunction.Arn}/invocations
  Connections:
    Type: AWS::DynamoDB::Table
    Properties:
      AttributeDefinitions: [{AttributeName: connectionId, AttributeType: S}]
      KeySchema: [{AttributeName: connectionId, KeyType: HASH}]
      BillingMode: PAY_PER_REQUEST
  ChatFunction:
    Type: AWS::Lambda::Function
    Properties:
      Runtime: nodejs16.x
      Handler: index.handler
      Role: arn:aws:iam::123456789012:role/chat
      Environment:
        Variables:
          TABLE_NAME: !Ref Connections
      Code:
        ZipFile: |
          const AWS = require('aws-sdk');
          const ddb = new AWS.DynamoDB.DocumentClient({ region: process.env.AWS_REGION });
          exports.handler = async (event) => {
            const { connectionId, routeKey, domainName, stage } = event.requestContext;
            if (routeKey === '$connect') {
              await ddb.put({ TableName: process.env.TABLE_NAME, Item: { connectionId } }).promise();
              return { statusCode: 200 };
            }
            const { Items } = await ddb.scan({ TableName: process.env.TABLE_NAME }).promise();
            const api = new AWS.ApiGatewayManagementApi({ endpoint: domainName + '/' + stage });
            const data = JSON.parse(event.body).data;
            await Promise.all(Items.map((i) => api.postToConnection({ ConnectionId: i.connectionId, Data: data }).promise()));
            return { statusCode: 200 };
          };
`

// TestDevInlineSDKv2Chat serves that template: the runtime's SDK v2 is
// provided to inline code, and its calls to AWS host names (DynamoDB, the
// API's execute-api host from the event) reach dev's local servers.
func TestDevInlineSDKv2Chat(t *testing.T) {
	needTool(t, "node", "node", "--version")
	needTool(t, "npm (the SDK and dynalite are installed with it)", "npm", "--version")
	dir := t.TempDir()
	path := filepath.Join(dir, "template.yaml")
	os.WriteFile(path, []byte(sdkV2Template), 0o644)
	out, stop, base := serveDev(t, path)
	a := dial(t, base+"/prod")
	b := dial(t, base+"/prod")
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	if err := a.Write(ctx, websocket.MessageText, []byte(`{"action":"sendmessage","data":"hello all"}`)); err != nil {
		t.Fatal(err)
	}
	for who, c := range map[string]*websocket.Conn{"sender": a, "other": b} {
		if _, got, err := c.Read(ctx); err != nil || string(got) != "hello all" {
			t.Errorf("%s received %q %v\n%s", who, got, err, out.String())
		}
	}
	a.Close(websocket.StatusNormalClosure, "")
	b.Close(websocket.StatusNormalClosure, "")
	stop()
	if log := out.String(); strings.Contains(log, "maintenance mode") {
		t.Errorf("the SDK v2's maintenance-mode note is in the output:\n%s", log)
	}
}

const layersTemplate = `Transform: AWS::Serverless-2016-10-31
Resources:
  Api:
    Type: AWS::Serverless::WebSocketApi
    Properties:
      StageName: prod
      RouteSelectionExpression: $request.body.action
      Routes:
        node:
          FunctionArn: !GetAtt NodeFn.Arn
          RouteResponseSelectionExpression: $default
        py:
          FunctionArn: !GetAtt PyFn.Arn
          RouteResponseSelectionExpression: $default
  NodeResponse:
    Type: AWS::ApiGatewayV2::RouteResponse
    Properties: {ApiId: !Ref Api, RouteId: !Ref ApiNodeRoute, RouteResponseKey: $default}
  PyResponse:
    Type: AWS::ApiGatewayV2::RouteResponse
    Properties: {ApiId: !Ref Api, RouteId: !Ref ApiPyRoute, RouteResponseKey: $default}
  Common:
    Type: AWS::Serverless::LayerVersion
    Properties:
      ContentUri: layer/
  NodeFn:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: nodejs20.x
      Handler: app.handler
      CodeUri: node/
      Layers: [!Ref Common]
  PyFn:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: python3.12
      Handler: app.handler
      CodeUri: py/
      Layers: [!Ref Common]
`

// TestDevLayers runs Node.js and Python handlers that import a module from
// the template's own layer, laid out as Lambda mounts it at /opt, with the
// template given relative to the current folder as users give it (the
// handlers run in their own folders).
func TestDevLayers(t *testing.T) {
	needTool(t, "node", "node", "--version")
	needTool(t, "python3", "python3", "--version")
	dir := t.TempDir()
	files := map[string]string{
		"template.yaml": layersTemplate,
		"layer/nodejs/node_modules/greet/index.js": `exports.greet = (who) => "hello " + who + " from the layer";`,
		"layer/python/greet.py":                    "def greet(who):\n    return 'hello ' + who + ' from the layer'\n",
		"node/app.js":                              `const { greet } = require("greet"); exports.handler = async () => ({ statusCode: 200, body: greet("node") });`,
		"py/app.py":                                "from greet import greet\n\ndef handler(event, context):\n    return {'statusCode': 200, 'body': greet('python')}\n",
	}
	for name, body := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		os.MkdirAll(filepath.Dir(p), 0o755)
		os.WriteFile(p, []byte(body), 0o644)
	}
	t.Chdir(dir)
	out, stop, base := serveDev(t, "template.yaml")
	defer stop()
	c := dial(t, base+"/prod")
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	for _, tc := range []struct{ send, want string }{
		{`{"action":"node"}`, "hello node from the layer"},
		{`{"action":"py"}`, "hello python from the layer"},
	} {
		if err := c.Write(ctx, websocket.MessageText, []byte(tc.send)); err != nil {
			t.Fatal(err)
		}
		if _, got, err := c.Read(ctx); err != nil || string(got) != tc.want {
			t.Errorf("%s: got %q %v, want %q\n%s", tc.send, got, err, tc.want, out.String())
		}
	}
	c.Close(websocket.StatusNormalClosure, "")
}

const esbuildTemplate = `Transform: AWS::Serverless-2016-10-31
Resources:
  Api:
    Type: AWS::Serverless::WebSocketApi
    Properties:
      StageName: prod
      RouteSelectionExpression: $request.body.action
      Routes:
        hello:
          FunctionArn: !GetAtt Hello.Arn
          RouteResponseSelectionExpression: $default
  HelloResponse:
    Type: AWS::ApiGatewayV2::RouteResponse
    Properties: {ApiId: !Ref Api, RouteId: !Ref ApiHelloRoute, RouteResponseKey: $default}
  Hello:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: nodejs20.x
      CodeUri: hello/
      Handler: app.lambdaHandler
    Metadata:
      BuildMethod: esbuild
      BuildProperties:
        Format: esm
        OutExtension: [.js=.mjs]
        Target: es2020
        EntryPoints: [app.ts]
`

// TestDevEsbuildTypeScript runs a TypeScript handler that sam builds with
// esbuild: dev bundles it as sam build does, and bundles it again when its
// source changes.
func TestDevEsbuildTypeScript(t *testing.T) {
	needTool(t, "node", "node", "--version")
	needTool(t, "npm (esbuild is installed with it)", "npm", "--version")
	dir := t.TempDir()
	src := filepath.Join(dir, "hello")
	os.MkdirAll(src, 0o755)
	os.WriteFile(filepath.Join(dir, "template.yaml"), []byte(esbuildTemplate), 0o644)
	os.WriteFile(filepath.Join(src, "greeting.ts"), []byte("export const greeting = (who: string): string => `hello ${who}`;\n"), 0o644)
	app := func(suffix string) []byte {
		return []byte(`import { greeting } from "./greeting";
interface Body { action: string; who?: string }
export const lambdaHandler = async (event: { body: string }) => {
  const body: Body = JSON.parse(event.body);
  return { statusCode: 200, body: greeting(body.who ?? "nobody") + "` + suffix + `" };
};
`)
	}
	os.WriteFile(filepath.Join(src, "app.ts"), app(""), 0o644)
	out, stop, base := serveDev(t, filepath.Join(dir, "template.yaml"))
	defer stop()
	c := dial(t, base+"/prod")
	defer c.Close(websocket.StatusNormalClosure, "")
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	send := func() string {
		t.Helper()
		if err := c.Write(ctx, websocket.MessageText, []byte(`{"action":"hello","who":"ts"}`)); err != nil {
			t.Fatal(err)
		}
		_, got, err := c.Read(ctx)
		if err != nil {
			t.Fatalf("%v\n%s", err, out.String())
		}
		return string(got)
	}
	if got := send(); got != "hello ts" {
		t.Fatalf("got %q, want hello ts\n%s", got, out.String())
	}
	os.WriteFile(filepath.Join(src, "app.ts"), app(", again"), 0o644)
	for deadline := time.Now().Add(20 * time.Second); !strings.Contains(out.String(), `"kind":"reload"`); time.Sleep(50 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("no reload after app.ts changed:\n%s", out.String())
		}
	}
	if got := send(); got != "hello ts, again" {
		t.Errorf("after the change: got %q, want hello ts, again\n%s", got, out.String())
	}
}

const goTemplate = `Transform: AWS::Serverless-2016-10-31
Resources:
  Api:
    Type: AWS::Serverless::WebSocketApi
    Properties:
      StageName: prod
      RouteSelectionExpression: $request.body.action
      Routes:
        hello:
          FunctionArn: !GetAtt Hello.Arn
          RouteResponseSelectionExpression: $default
        push:
          FunctionArn: !GetAtt Hello.Arn
  HelloResponse:
    Type: AWS::ApiGatewayV2::RouteResponse
    Properties: {ApiId: !Ref Api, RouteId: !Ref ApiHelloRoute, RouteResponseKey: $default}
  Hello:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: provided.al2023
      CodeUri: hello/
      Handler: bootstrap
    Metadata:
      BuildMethod: go1.x
`

const goHandler = `package main

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-lambda-go/lambda"
)

func handle(ctx context.Context, ev events.APIGatewayWebsocketProxyRequest) (events.APIGatewayProxyResponse, error) {
	rc := ev.RequestContext
	if rc.RouteKey == "push" {
		if err := push(ctx, rc); err != nil {
			fmt.Println("push:", err)
			return events.APIGatewayProxyResponse{}, err
		}
		return events.APIGatewayProxyResponse{StatusCode: 200}, nil
	}
	return events.APIGatewayProxyResponse{StatusCode: 200, Body: "hello from Go on " + rc.RouteKey}, nil
}

// push posts to the @connections endpoint built from the event, with
// net/http's default client, as an SDK too old for AWS_ENDPOINT_URL_* does.
func push(ctx context.Context, rc events.APIGatewayWebsocketProxyRequestContext) error {
	endpoint := "https://" + rc.DomainName + "/" + rc.Stage + "/@connections/" + url.PathEscape(rc.ConnectionID)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, endpoint, strings.NewReader("pushed from Go"))
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("%s answered %s", endpoint, resp.Status)
	}
	return nil
}

func main() { lambda.Start(handle) }
`

// TestDevGoHandler runs a Go handler on the provided.al2023 runtime: dev
// builds it as sam build's go1.x method does, and runs the executable,
// which speaks the Runtime API through aws-lambda-go, and whose push to the
// API's execute-api host, with net/http's default client, reaches dev
// through the front's proxy.
func TestDevGoHandler(t *testing.T) {
	dir := t.TempDir()
	src := filepath.Join(dir, "hello")
	os.MkdirAll(src, 0o755)
	// The handler's module takes aws-lambda-go at the version wsdesign
	// uses, which the module cache has.
	sum, err := os.ReadFile(filepath.Join("..", "..", "go.sum"))
	if err != nil {
		t.Fatal(err)
	}
	mod, err := os.ReadFile(filepath.Join("..", "..", "go.mod"))
	if err != nil {
		t.Fatal(err)
	}
	var lines []string
	for _, l := range strings.Split(string(sum), "\n") {
		if strings.HasPrefix(l, "github.com/aws/aws-lambda-go ") {
			lines = append(lines, l)
		}
	}
	goLine := regexp.MustCompile(`(?m)^go .*$`).Find(mod)
	version := regexp.MustCompile(`github.com/aws/aws-lambda-go (v\S+)`).FindSubmatch(mod)
	if goLine == nil || version == nil {
		t.Fatal("go.mod has no go line or no aws-lambda-go")
	}
	os.WriteFile(filepath.Join(dir, "template.yaml"), []byte(goTemplate), 0o644)
	os.WriteFile(filepath.Join(src, "go.mod"), []byte(fmt.Sprintf("module hello\n\n%s\n\nrequire github.com/aws/aws-lambda-go %s\n", goLine, version[1])), 0o644)
	os.WriteFile(filepath.Join(src, "go.sum"), []byte(strings.Join(lines, "\n")+"\n"), 0o644)
	os.WriteFile(filepath.Join(src, "main.go"), []byte(goHandler), 0o644)
	out, stop, base := serveDev(t, filepath.Join(dir, "template.yaml"))
	defer stop()
	c := dial(t, base+"/prod")
	defer c.Close(websocket.StatusNormalClosure, "")
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	if err := c.Write(ctx, websocket.MessageText, []byte(`{"action":"hello"}`)); err != nil {
		t.Fatal(err)
	}
	if _, got, err := c.Read(ctx); err != nil || string(got) != "hello from Go on hello" {
		t.Errorf("got %q %v\n%s", got, err, out.String())
	}
	if err := c.Write(ctx, websocket.MessageText, []byte(`{"action":"push"}`)); err != nil {
		t.Fatal(err)
	}
	if _, got, err := c.Read(ctx); err != nil || string(got) != "pushed from Go" {
		t.Errorf("push: got %q %v, want the handler's post to @connections\n%s", got, err, out.String())
	}
}

// invokeTemplate has handlers that invoke other functions of the template
// with boto3, as real apps do: $connect hands its connection to a function
// invoked as an Event (by ARN), which posts a welcome through the endpoint
// the event names; "ask" invokes a function synchronously by the name its
// FunctionName gives and returns what it answered, or its error.
const invokeTemplate = `Transform: AWS::Serverless-2016-10-31
Globals:
  Function:
    Runtime: python3.12
    CodeUri: src/
    Environment:
      Variables:
        GREETER: !GetAtt Greeter.Arn
        ANSWER: !Ref Answer
Resources:
  ApiAskResponse:
    Type: AWS::ApiGatewayV2::RouteResponse
    Properties:
      ApiId: !Ref Api
      RouteId: !Ref ApiAskRoute
      RouteResponseKey: $default
  Api:
    Type: AWS::Serverless::WebSocketApi
    Properties:
      StageName: prod
      RouteSelectionExpression: $request.body.action
      Routes:
        $connect:
          FunctionArn: !GetAtt Connect.Arn
        ask:
          FunctionArn: !GetAtt Ask.Arn
          RouteResponseSelectionExpression: $default
  Connect:
    Type: AWS::Serverless::Function
    Properties:
      Handler: app.connect
  Greeter:
    Type: AWS::Serverless::Function
    Properties:
      Handler: app.greet
  Ask:
    Type: AWS::Serverless::Function
    Properties:
      Handler: app.ask
  Answer:
    Type: AWS::Serverless::Function
    Properties:
      FunctionName: !Sub ${AWS::StackName}-answer
      Handler: app.answer
`

const invokeCode = `import json, os
import boto3

lam = boto3.client("lambda")


def connect(event, context):
    ctx = event["requestContext"]
    url = "https://" + ctx["domainName"] + "/" + ctx["stage"]
    lam.invoke(FunctionName=os.environ["GREETER"], InvocationType="Event",
               Payload=json.dumps({"url": url, "connectionId": ctx["connectionId"]}))
    return {"statusCode": 200}


def greet(event, context):
    api = boto3.client("apigatewaymanagementapi", endpoint_url=event["url"])
    api.get_connection(ConnectionId=event["connectionId"])
    api.post_to_connection(ConnectionId=event["connectionId"], Data=b"welcome")
    return {}


def ask(event, context):
    q = json.loads(event["body"])["q"]
    r = lam.invoke(FunctionName=os.environ["ANSWER"], Payload=json.dumps({"q": q}))
    return {"statusCode": 200, "body": r.get("FunctionError", "answered") + " " + r["Payload"].read().decode()}


def answer(event, context):
    if event["q"] == "fail":
        raise ValueError("no answer to fail")
    return {"a": event["q"].upper()}
`

// TestDevLambdaInvoke runs handlers that invoke other functions of the
// template through Lambda's API with boto3, with no endpoint in their code:
// an Event invocation from $connect that posts to the new connection, and
// synchronous ones that answer, or fail with the function's error.
func TestDevLambdaInvoke(t *testing.T) {
	needTool(t, "python3 with boto3", "python3", "-c", "import boto3")
	dir := t.TempDir()
	os.MkdirAll(filepath.Join(dir, "src"), 0o755)
	os.WriteFile(filepath.Join(dir, "src", "app.py"), []byte(invokeCode), 0o644)
	os.WriteFile(filepath.Join(dir, "template.yaml"), []byte(invokeTemplate), 0o644)
	out, stop, base := serveDev(t, filepath.Join(dir, "template.yaml"))
	c := dial(t, base+"/prod")
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	if _, b, err := c.Read(ctx); err != nil || string(b) != "welcome" {
		t.Fatalf("after connecting: got %q %v, want the welcome the Event invocation posts\n%s", b, err, out.String())
	}
	for _, step := range []struct{ send, want string }{
		{`{"action":"ask","q":"hello"}`, `answered {"a": "HELLO"}`},
		{`{"action":"ask","q":"fail"}`, `Unhandled {"errorType":"ValueError","errorMessage":"no answer to fail"`},
	} {
		if err := c.Write(ctx, websocket.MessageText, []byte(step.send)); err != nil {
			t.Fatal(err)
		}
		_, b, err := c.Read(ctx)
		if err != nil || !strings.HasPrefix(string(b), step.want) {
			t.Fatalf("%s: got %q %v, want %q…\n%s", step.send, b, err, step.want, out.String())
		}
	}
	c.Close(websocket.StatusNormalClosure, "")
	stop()
	for _, want := range []string{`"function":"Greeter","durationNs":`, `"why":"invoked through Lambda's API, Event"`, `"function":"Answer"`, `"why":"invoked through Lambda's API, RequestResponse"`} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("the log lacks %s:\n%s", want, out.String())
		}
	}
	if strings.Contains(out.String(), "does not emulate") {
		t.Errorf("a call was not served:\n%s", out.String())
	}
}
