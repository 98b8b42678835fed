package render

import (
	"testing"
)

const choosingTemplate = `Parameters:
  Env: {Type: String, Default: dev}
  Rcu: {Type: Number, Default: 5}
  Zones: {Type: CommaDelimitedList, Default: "a,b,c"}
Conditions:
  IsProd: !Equals [!Ref Env, prod]
  IsDev: !Not [!Condition IsProd]
  Both: !And [!Condition IsDev, !Equals [eu, eu]]
  Either: !Or [!Condition IsProd, !Equals [!Ref Rcu, "5"]]
Mappings:
  Levels: {dev: {Log: DEBUG}, prod: {Log: INFO}}
Resources:
  Api:
    Type: AWS::ApiGatewayV2::Api
    Properties: {Name: a, ProtocolType: WEBSOCKET, RouteSelectionExpression: $request.body.action}
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src/
      Handler: app.handler
      Runtime: python3.12
      Environment:
        Variables:
          LEVEL: !If [IsProd, INFO, DEBUG]
          BOTH: !If [Both, "yes", "no"]
          EITHER: !If [Either, "yes", "no"]
          STAGE_NAME: !Ref Stage
          FIRST: !Select [0, [a, b]]
          MAPPED: !FindInMap [Levels, !Ref Env, Log]
          SPLIT: !Select [1, !Split [",", "x,y"]]
          ZONE: !Select [2, !Ref Zones]
          JOINED: !Join ["-", !Split [",", "p,q"]]
          STACK: !Ref AWS::StackId
          UNKNOWN: !If [NoSuchCondition, a, b]
  Integ:
    Type: AWS::ApiGatewayV2::Integration
    Properties: {ApiId: !Ref Api, IntegrationType: AWS_PROXY, IntegrationUri: !Sub "arn:aws:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/${Fn.Arn}/invocations"}
  Connect:
    Type: AWS::ApiGatewayV2::Route
    Properties: {ApiId: !Ref Api, RouteKey: $connect, Target: !Sub "integrations/${Integ}"}
  Stage:
    Type: AWS::ApiGatewayV2::Stage
    Properties: {ApiId: !Ref Api, StageName: !Ref Env, AutoDeploy: true}
  Table:
    Type: AWS::DynamoDB::Table
    Properties:
      AttributeDefinitions: [{AttributeName: id, AttributeType: S}]
      KeySchema: [{AttributeName: id, KeyType: HASH}]
      ProvisionedThroughput: {ReadCapacityUnits: !Ref Rcu, WriteCapacityUnits: "7"}
`

// TestLocalChoosingIntrinsics: Fn::If on the template's conditions,
// Fn::Select, Fn::Split, Fn::FindInMap and the Ref of a stage resolve as
// CloudFormation would with the parameters' values; a table's capacity from
// a Number parameter or a quoted literal is a number.
func TestLocalChoosingIntrinsics(t *testing.T) {
	tpl := parse(t, choosingTemplate)
	apis, err := Import(tpl)
	if err != nil || len(apis) != 1 {
		t.Fatal(apis, err)
	}
	for _, tc := range []struct {
		params map[string]string
		want   map[string]string
	}{
		{nil, map[string]string{"LEVEL": "DEBUG", "BOTH": "yes", "EITHER": "yes", "STAGE_NAME": "dev", "FIRST": "a", "MAPPED": "DEBUG", "SPLIT": "y", "ZONE": "c", "JOINED": "p-q"}},
		{map[string]string{"Env": "prod", "Rcu": "3", "Zones": "x,y,z"}, map[string]string{"LEVEL": "INFO", "BOTH": "no", "EITHER": "yes", "STAGE_NAME": "prod", "MAPPED": "INFO", "ZONE": "z"}},
		{map[string]string{"Rcu": "4"}, map[string]string{"EITHER": "no"}},
	} {
		a := Local(tpl, apis[0], "http://127.0.0.1:3001", tc.params)
		env := a.Functions[0].Env
		for k, v := range tc.want {
			if env[k] != v {
				t.Errorf("%v: %s = %q, want %q", tc.params, k, env[k], v)
			}
		}
		if env["STACK"] == "" {
			t.Errorf("%v: AWS::StackId not resolved", tc.params)
		}
		var unresolved []string
		for _, u := range a.Unresolved {
			unresolved = append(unresolved, u.Variable)
		}
		if len(unresolved) != 1 || unresolved[0] != "UNKNOWN" {
			t.Errorf("%v: unresolved %v, want only UNKNOWN (a condition the template lacks)", tc.params, unresolved)
		}
		pt, _ := a.Tables[0].Definition["ProvisionedThroughput"].(map[string]any)
		rcu := int64(5)
		if tc.params["Rcu"] != "" {
			rcu = int64(tc.params["Rcu"][0] - '0')
		}
		if pt["ReadCapacityUnits"] != rcu || pt["WriteCapacityUnits"] != int64(7) {
			t.Errorf("%v: throughput %#v, want numbers %d and 7", tc.params, pt, rcu)
		}
	}
}
