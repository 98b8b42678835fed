package render

import (
	"reflect"
	"testing"

	"github.com/wsdesign/wsdesign/dev/app"
)

const unservedTemplate = `Transform: AWS::Serverless-2016-10-31
Resources:
  Api:
    Type: AWS::Serverless::WebSocketApi
    Properties:
      RouteSelectionExpression: $request.body.action
      Routes:
        send:
          FunctionArn: !GetAtt Send.Arn
  Send:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: nodejs22.x
      Handler: app.handler
      Environment:
        Variables:
          TABLE: !Ref Table
          QUEUE_URL: !Ref Jobs
          QUEUE_ARN: !GetAtt Jobs.Arn
          TOPIC: !Ref Alerts
          BUCKET: !Sub s3://${Uploads}/in
          FLOW: !GetAtt Flow.Arn
          ROLE: !GetAtt Role.Arn
          OTHER: !Ref Thing
  Role:
    Type: AWS::IAM::Role
  Thing:
    Type: Custom::Thing
  Jobs:
    Type: AWS::SQS::Queue
    Properties:
      QueueName: jobs
  Alerts:
    Type: AWS::SNS::Topic
  Uploads:
    Type: AWS::S3::Bucket
  Flow:
    Type: AWS::StepFunctions::StateMachine
  Table:
    Type: AWS::DynamoDB::Table
    Properties:
      KeySchema: [{AttributeName: id, KeyType: HASH}]
      AttributeDefinitions: [{AttributeName: id, AttributeType: S}]
      StreamSpecification: {StreamViewType: NEW_IMAGE}
  OnChange:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: python3.12
      Handler: app.handler
      Events:
        Changes:
          Type: DynamoDB
          Properties:
            Stream: !GetAtt Table.StreamArn
            StartingPosition: LATEST
        Work:
          Type: SQS
          Properties:
            Queue: !GetAtt Jobs.Arn
  Raw:
    Type: AWS::Lambda::Function
    Properties:
      Runtime: nodejs22.x
      Handler: index.handler
      Code: {ZipFile: "exports.handler = async () => {}"}
  RawMapping:
    Type: AWS::Lambda::EventSourceMapping
    Properties:
      FunctionName: !Ref Raw
      EventSourceArn: !GetAtt Table.StreamArn
      StartingPosition: LATEST
`

func TestLocalListsNotEmulated(t *testing.T) {
	tpl, err := Parse("template.yaml", []byte(unservedTemplate))
	if err != nil {
		t.Fatal(err)
	}
	apis, _ := Import(tpl)
	a := Local(tpl, apis[0], "http://127.0.0.1:3001", nil)
	want := []app.NotEmulated{
		{LogicalID: "Alerts", Type: "AWS::SNS::Topic", Function: "Send", Variables: []string{"TOPIC"}},
		{LogicalID: "Flow", Type: "AWS::StepFunctions::StateMachine", Function: "Send", Variables: []string{"FLOW"}},
		{LogicalID: "Jobs", Type: "AWS::SQS::Queue", Function: "Send", Variables: []string{"QUEUE_ARN", "QUEUE_URL"}},
		{LogicalID: "Thing", Type: "Custom::Thing", Function: "Send", Variables: []string{"OTHER"}},
		{LogicalID: "Uploads", Type: "AWS::S3::Bucket", Function: "Send", Variables: []string{"BUCKET"}},
		{LogicalID: "Changes", Type: "DynamoDB", Function: "OnChange", Feeds: "DynamoDB stream", Source: "Table"},
		{LogicalID: "Work", Type: "SQS", Function: "OnChange", Feeds: "SQS queue", Source: "Jobs"},
		{LogicalID: "RawMapping", Type: "AWS::Lambda::EventSourceMapping", Function: "Raw", Feeds: "DynamoDB stream", Source: "Table"},
	}
	if !reflect.DeepEqual(a.NotEmulated, want) {
		t.Errorf("not emulated:\n got %+v\nwant %+v", a.NotEmulated, want)
	}
	// Values are shaped as in AWS, so that calls reach the local front and fail fast, naming the service.
	env := a.Functions[0].Env
	for k, v := range map[string]string{
		"QUEUE_URL": "https://sqs.us-east-1.amazonaws.com/123456789012/jobs",
		"QUEUE_ARN": "arn:aws:sqs:us-east-1:123456789012:jobs",
		"TOPIC":     "arn:aws:sns:us-east-1:123456789012:local-Alerts",
		"BUCKET":    "s3://local-uploads/in",
		"FLOW":      "arn:aws:states:us-east-1:123456789012:stateMachine:local-Flow",
		"OTHER":     "",
	} {
		if env[k] != v {
			t.Errorf("%s = %q, want %q", k, env[k], v)
		}
	}
	if len(a.Unresolved) != 2 { // ROLE and OTHER
		t.Errorf("unresolved %+v", a.Unresolved)
	}
	for _, c := range []struct {
		n    app.NotEmulated
		want string
	}{
		{want[2], "not emulated: Jobs (AWS::SQS::Queue), which QUEUE_ARN, QUEUE_URL point at; the handler's calls to it fail at once"},
		{want[7], "not emulated: the DynamoDB stream of Table feeds it through RawMapping (AWS::Lambda::EventSourceMapping); dev never invokes it for those events"},
	} {
		if got := c.n.Describe(); got != c.want {
			t.Errorf("Describe:\n got %s\nwant %s", got, c.want)
		}
	}
}
