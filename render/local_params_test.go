package render

import (
	"fmt"
	"strings"
	"testing"
)

const paramsTemplate = `Parameters:
  TableName:
    Type: String
    Default: chat
  Stage:
    Type: String
    Default: prod
    AllowedValues: [prod, test]
  Subnets:
    Type: CommaDelimitedList
    Default: a
  Greeting:
    Type: String
    Default: hi
Resources:
  Api:
    Type: AWS::Serverless::WebSocketApi
    Properties:
      StageName: !Ref Stage
      RouteSelectionExpression: $request.body.action
      Routes:
        send:
          FunctionArn: !GetAtt Fn.Arn
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: nodejs22.x
      Handler: app.handler
      FunctionName: !Sub ${Stage}-send
      Environment:
        Variables:
          TABLE: !Ref Table
          TABLE_ARN: !GetAtt Table.Arn
          NAME: !Ref Fn
          SUBNETS: !Ref Subnets
          GREETING: !Ref Greeting
  Table:
    Type: AWS::DynamoDB::Table
    Properties:
      TableName: !Sub ${TableName}-${Stage}
      KeySchema: [{AttributeName: id, KeyType: HASH}]
      AttributeDefinitions: [{AttributeName: id, AttributeType: S}]
`

func TestParameterOverrides(t *testing.T) {
	tpl, err := Parse("template.yaml", []byte(paramsTemplate))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		args []string
		want map[string]string
	}{
		{"spaces", []string{"TableName=rooms Stage=test"}, map[string]string{"TableName": "rooms", "Stage": "test"}},
		{"commas", []string{"TableName=rooms,Stage=test"}, map[string]string{"TableName": "rooms", "Stage": "test"}},
		{"repeated", []string{"TableName=rooms", "Stage=test"}, map[string]string{"TableName": "rooms", "Stage": "test"}},
		{"sam form", []string{"ParameterKey=TableName,ParameterValue=rooms ParameterKey=Stage,ParameterValue=test"}, map[string]string{"TableName": "rooms", "Stage": "test"}},
		{"list value stays whole", []string{"Subnets=a,b,c Stage=test"}, map[string]string{"Subnets": "a,b,c", "Stage": "test"}},
		{"quoted", []string{`Greeting="hello, world" TableName='x y'`}, map[string]string{"Greeting": "hello, world", "TableName": "x y"}},
		{"empty value", []string{"Greeting="}, map[string]string{"Greeting": ""}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ParameterOverrides(tpl, tc.args)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(tc.want) {
				t.Errorf("got %v, want %v", got, tc.want)
			}
			for k, v := range tc.want {
				if got[k] != v {
					t.Errorf("%s = %q, want %q (all: %v)", k, got[k], v, got)
				}
			}
		})
	}
	for _, tc := range []struct{ args, want string }{
		{"Nope=1", "template.yaml has no parameter Nope (its parameters: TableName, Stage, Subnets, Greeting)"},
		{"TableName=a,Nope=1", "no parameter Nope"},
		{"Stage=live", `template.yaml:8:20: parameter Stage allows prod, test, not "live"`},
		{"justaword", `"justaword" is not Key=Value`},
		{`Greeting="open`, "unclosed quote"},
	} {
		if _, err := ParameterOverrides(tpl, []string{tc.args}); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q: got %v, want an error with %q", tc.args, err, tc.want)
		}
	}
}

func TestLocalResolvesParameterOverrides(t *testing.T) {
	tpl, err := Parse("template.yaml", []byte(paramsTemplate))
	if err != nil {
		t.Fatal(err)
	}
	apis, _ := Import(tpl)
	for _, tc := range []struct {
		params             map[string]string
		stage, table, name string
	}{
		{nil, "prod", "chat-prod", "prod-send"},
		{map[string]string{"Stage": "test", "TableName": "rooms"}, "test", "rooms-test", "test-send"},
	} {
		a := Local(tpl, apis[0], "http://127.0.0.1:3001", tc.params)
		if len(a.API.Stages) != 1 || a.API.Stages[0] != tc.stage {
			t.Errorf("%v: stages %v, want %s", tc.params, a.API.Stages, tc.stage)
		}
		if len(a.Tables) != 1 || a.Tables[0].Name != tc.table {
			t.Errorf("%v: tables %+v, want %s", tc.params, a.Tables, tc.table)
		}
		env := a.Functions[0].Env
		want := map[string]string{"TABLE": tc.table, "TABLE_ARN": "arn:aws:dynamodb:us-east-1:123456789012:table/" + tc.table, "NAME": tc.name, "SUBNETS": "a", "GREETING": "hi"}
		for k, v := range want {
			if env[k] != v {
				t.Errorf("%v: %s = %q, want %q", tc.params, k, env[k], v)
			}
		}
	}
}

func TestIsParameterOverride(t *testing.T) {
	for w, want := range map[string]bool{"A=1": true, "ParameterKey=A,ParameterValue=1": true, "template.yaml": false, "dir/t.yaml": false, ",A=1": false} {
		if got := IsParameterOverride(w); got != want {
			t.Errorf("%q: %v, want %v", w, got, want)
		}
	}
}

// A variable built from a parameter without a default is named as
// unresolved, with the parameter and how to give it; a value given for the
// parameter resolves it.
func TestLocalNamesParametersWithoutDefault(t *testing.T) {
	src := strings.Replace(paramsTemplate, "Parameters:\n", "Parameters:\n  Token:\n    Type: String\n    NoEcho: true\n", 1)
	src = strings.Replace(src, "          GREETING: !Ref Greeting\n", "          GREETING: !Ref Greeting\n          AUTH: !Sub ${Token}-${Greeting}\n", 1)
	tpl, err := Parse("template.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	apis, _ := Import(tpl)
	a := Local(tpl, apis[0], "http://127.0.0.1:3001", nil)
	if len(a.Unresolved) != 1 || a.Unresolved[0].Variable != "AUTH" || strings.Join(a.Unresolved[0].Parameters, ",") != "Token" {
		t.Fatalf("unresolved %+v, want AUTH needing Token", a.Unresolved)
	}
	if got := a.Unresolved[0].String(); !strings.Contains(got, "Token has no default; give it with --parameter-overrides Token=VALUE") {
		t.Errorf("message %q does not say how to give Token", got)
	}
	a = Local(tpl, apis[0], "http://127.0.0.1:3001", map[string]string{"Token": "s3cret"})
	if len(a.Unresolved) != 0 || a.Functions[0].Env["AUTH"] != "s3cret-hi" {
		t.Errorf("with Token given: unresolved %+v, AUTH %q", a.Unresolved, a.Functions[0].Env["AUTH"])
	}
}

// Functions find the modules of their local layers where Lambda's runtime
// would (under /opt); layers that are not local are named.
func TestLocalLayers(t *testing.T) {
	const src = `Transform: AWS::Serverless-2016-10-31
Globals:
  Function:
    Layers: [!Ref Shared]
Resources:
  Api:
    Type: AWS::Serverless::WebSocketApi
    Properties:
      RouteSelectionExpression: $request.body.action
      Routes:
        send:
          FunctionArn: !GetAtt Node.Arn
  Shared:
    Type: AWS::Serverless::LayerVersion
    Properties:
      ContentUri: layers/shared
  Built:
    Type: AWS::Serverless::LayerVersion
    Properties:
      ContentUri: layers/built
    Metadata:
      BuildMethod: python3.12
  Remote:
    Type: AWS::Lambda::LayerVersion
    Properties:
      Content: {S3Bucket: b, S3Key: k}
  Node:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: nodejs22.x
      Handler: app.handler
  Py:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: python3.12
      Handler: app.handler
      Layers:
        - !Ref Built
        - !Ref Remote
        - !Sub arn:aws:lambda:${AWS::Region}:017000801446:layer:AWSLambdaPowertoolsPythonV3:1
`
	tpl, err := Parse("/p/template.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	apis, _ := Import(tpl)
	a := Local(tpl, apis[0], "http://127.0.0.1:3001", nil)
	got := map[string]string{}
	for _, f := range a.Functions {
		got[f.LogicalID] = strings.Join(f.LayerPaths, " ") + " | " + strings.Join(f.RemoteLayers, " ")
	}
	want := map[string]string{
		"Node": "/p/layers/shared/nodejs/node22/node_modules /p/layers/shared/nodejs/node_modules | ",
		"Py":   "/p/layers/shared/python/lib/python3.12/site-packages /p/layers/shared/python /p/layers/built | Remote !Sub arn:aws:lambda:${AWS::Region}:017000801446:layer:AWSLambdaPowertoolsPythonV3:1",
	}
	for id, w := range want {
		if got[id] != w {
			t.Errorf("%s: %q, want %q", id, got[id], w)
		}
	}
}

// A function sam builds with esbuild is bundled by dev the same way: its
// BuildProperties, with sam's defaults.
func TestLocalEsbuild(t *testing.T) {
	src := `Transform: AWS::Serverless-2016-10-31
Resources:
  Api:
    Type: AWS::Serverless::WebSocketApi
    Properties:
      RouteSelectionExpression: $request.body.action
      Routes:
        a: {FunctionArn: !GetAtt A.Arn}
        b: {FunctionArn: !GetAtt B.Arn}
  A:
    Type: AWS::Serverless::Function
    Properties: {Runtime: nodejs22.x, Handler: handlers/a.main, CodeUri: src/}
    Metadata:
      BuildMethod: esbuild
  B:
    Type: AWS::Serverless::Function
    Properties: {Runtime: nodejs22.x, Handler: b.handler, CodeUri: src/}
    Metadata:
      BuildMethod: esbuild
      BuildProperties:
        Format: esm
        Target: es2022
        Sourcemap: true
        OutExtension: [.js=.mjs]
        External: ['@aws-sdk/*']
        EntryPoints: [b.ts]
`
	tpl, err := Parse("template.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	apis, _ := Import(tpl)
	got := map[string]string{}
	for _, f := range Local(tpl, apis[0], "http://127.0.0.1:3001", nil).Functions {
		got[f.LogicalID] = fmt.Sprintf("%+v", *f.Build)
	}
	want := map[string]string{
		"A": "{Method:esbuild Function: Executable: EntryPoints:[handlers/a.ts] Format:cjs Target:es2020 OutExtension:[] External:[] Sourcemap:false}",
		"B": "{Method:esbuild Function: Executable: EntryPoints:[b.ts] Format:esm Target:es2022 OutExtension:[.js=.mjs] External:[@aws-sdk/*] Sourcemap:true}",
	}
	for id, w := range want {
		if got[id] != w {
			t.Errorf("%s: %s, want %s", id, got[id], w)
		}
	}
}
