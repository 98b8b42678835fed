package render

import (
	"slices"
	"sort"
	"strings"

	"github.com/wsdesign/wsdesign/dev/app"
	"go.yaml.in/yaml/v3"
)

// servedLocally reports whether `wsdesign dev` serves resources of a type, or
// whether they are no service a handler calls (roles, permissions).
func servedLocally(typ string) bool {
	switch typ {
	case TypeServerlessFunc, TypeLambdaFunction, TypeLambdaAlias, TypeLambdaVersion, TypePermission,
		TypeDynamoDBTable, TypeSimpleTable, TypeServerlessWSAPI, TypeLambdaLayer, TypeServerlessLayer:
		return true
	}
	return strings.HasPrefix(typ, "AWS::ApiGatewayV2::") || strings.HasPrefix(typ, "AWS::IAM::")
}

// awsShape says how AWS names a resource that dev does not serve, so that the
// values handlers get are shaped as in AWS and their calls reach the local
// front (which names the service as not emulated) instead of failing on an
// empty string.
type awsShape struct {
	service  string
	nameProp string
	ref      string // what Ref gives: "name", "arn" or "url"
	arnPath  string // the ARN's resource part before the name
}

var awsShapes = map[string]awsShape{
	"AWS::SQS::Queue":                  {"sqs", "QueueName", "url", ""},
	"AWS::SNS::Topic":                  {"sns", "TopicName", "arn", ""},
	"AWS::S3::Bucket":                  {"s3", "BucketName", "name", ""},
	"AWS::StepFunctions::StateMachine": {"states", "StateMachineName", "arn", "stateMachine:"},
	"AWS::Serverless::StateMachine":    {"states", "Name", "arn", "stateMachine:"},
	"AWS::Kinesis::Stream":             {"kinesis", "Name", "name", "stream/"},
	"AWS::Events::EventBus":            {"events", "Name", "name", "event-bus/"},
	"AWS::SecretsManager::Secret":      {"secretsmanager", "Name", "arn", "secret:"},
}

// unservedValue is the value a Ref (attr "") or GetAtt of a resource dev
// does not serve gives locally.
func (r localResolver) unservedValue(res Resource, attr string) (string, bool) {
	sh, ok := awsShapes[res.Type]
	if !ok {
		return "", false
	}
	name := "local-" + res.ID
	if v, ok := r.resolve(res.Prop(sh.nameProp)); ok && v != "" {
		name = v
	}
	arn := "arn:aws:" + sh.service + ":" + LocalRegion + ":" + LocalAccountID + ":" + sh.arnPath + name
	if sh.service == "s3" {
		name = strings.ToLower(name)
		arn = "arn:aws:s3:::" + name
	}
	url := "https://" + sh.service + "." + LocalRegion + "." + localURLSuffix + "/" + LocalAccountID + "/" + name
	kind := sh.ref
	switch attr {
	case "":
	case "Arn", "TopicArn":
		kind = "arn"
	case "QueueUrl":
		kind = "url"
	case "QueueName", "TopicName", "Name", "StateMachineName":
		kind = "name"
	default:
		return "", false
	}
	return map[string]string{"name": name, "arn": arn, "url": url}[kind], true
}

// reachedUnserved lists, sorted, the resources dev does not serve among those
// the last values resolved reached.
func (r localResolver) reachedUnserved() []Resource {
	var out []Resource
	for id := range r.reached {
		if res, ok := r.t.Resource(id); ok && !servedLocally(res.Type) {
			out = append(out, res)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

// notEmulatedUses groups, per resource dev does not serve, the environment
// variables of one function that point at it.
func notEmulatedUses(function string, uses map[string][]string, types map[string]string) []app.NotEmulated {
	var out []app.NotEmulated
	for id, vars := range uses {
		slices.Sort(vars)
		out = append(out, app.NotEmulated{LogicalID: id, Type: types[id], Function: function, Variables: vars})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].LogicalID < out[j].LogicalID })
	return out
}

// samEventFeeds names what a SAM event of a type delivers, and the property
// that names its source.
var samEventFeeds = map[string][2]string{
	"DynamoDB":         {"DynamoDB stream", "Stream"},
	"Kinesis":          {"Kinesis stream", "Stream"},
	"SQS":              {"SQS queue", "Queue"},
	"SNS":              {"SNS topic", "Topic"},
	"S3":               {"S3 bucket's notifications", "Bucket"},
	"MSK":              {"MSK topic", "Stream"},
	"MQ":               {"Amazon MQ queue", "Broker"},
	"DocumentDB":       {"DocumentDB change stream", "Cluster"},
	"Schedule":         {"schedule", ""},
	"ScheduleV2":       {"schedule", ""},
	"EventBridgeRule":  {"EventBridge rule", "EventBusName"},
	"CloudWatchEvent":  {"EventBridge rule", "EventBusName"},
	"CloudWatchLogs":   {"CloudWatch Logs subscription", "LogGroupName"},
	"IoTRule":          {"IoT rule", ""},
	"Cognito":          {"Cognito trigger", "UserPool"},
	"Api":              {"REST API", "RestApiId"},
	"HttpApi":          {"HTTP API", "ApiId"},
	"SelfManagedKafka": {"Kafka topic", ""},
}

// arnFeeds names what an event source mapping delivers, by its source ARN's service.
var arnFeeds = map[string]string{
	"dynamodb": "DynamoDB stream",
	"kinesis":  "Kinesis stream",
	"sqs":      "SQS queue",
	"kafka":    "MSK topic",
	"mq":       "Amazon MQ queue",
	"rds":      "DocumentDB change stream",
}

// eventSources lists the event sources that feed the template's functions:
// dev serves none of them.
func (r localResolver) eventSources() []app.NotEmulated {
	var out []app.NotEmulated
	for _, res := range r.t.Resources() {
		switch res.Type {
		case "AWS::Lambda::EventSourceMapping":
			fn := r.functionID(res.Prop("FunctionName"))
			if fn == "" {
				continue
			}
			n := app.NotEmulated{LogicalID: res.ID, Type: res.Type, Function: fn, Feeds: "event source", Source: target(res.Prop("EventSourceArn"))}
			if arn, ok := r.resolve(res.Prop("EventSourceArn")); ok {
				if parts := strings.Split(arn, ":"); len(parts) > 2 && arnFeeds[parts[2]] != "" {
					n.Feeds = arnFeeds[parts[2]]
				}
			}
			out = append(out, n)
		case TypeServerlessFunc:
			events := res.Prop("Events")
			if events == nil || events.Kind != yaml.MappingNode {
				continue
			}
			for k, ev := range Pairs(events) {
				typ := Text(Get(ev, "Type"))
				if typ == "" {
					continue
				}
				feeds, ok := samEventFeeds[typ]
				if !ok {
					feeds[0] = typ + " event"
				}
				n := app.NotEmulated{LogicalID: k.Value, Type: typ, Function: res.ID, Feeds: feeds[0]}
				if feeds[1] != "" {
					n.Source = target(Get(Get(ev, "Properties"), feeds[1]))
				}
				out = append(out, n)
			}
		}
	}
	return out
}

// functionID is the logical ID of the template's function a FunctionName
// value names (Ref, GetAtt …Arn, its logical ID or FunctionName), or "".
func (r localResolver) functionID(n *yaml.Node) string {
	id := target(n)
	if id == "" {
		id, _ = Scalar(n)
	}
	for _, res := range r.t.Resources() {
		if (res.Type == TypeServerlessFunc || res.Type == TypeLambdaFunction) && (res.ID == id || r.functionName(res) == id) {
			return res.ID
		}
	}
	return ""
}

// target is the logical ID a Ref or GetAtt names, or "".
func target(n *yaml.Node) string {
	name, arg, ok := Intrinsic(n)
	switch {
	case !ok:
	case name == "Ref":
		return Text(arg)
	case name == "GetAtt" && arg.Kind == yaml.SequenceNode && len(arg.Content) > 0:
		return Text(arg.Content[0])
	case name == "GetAtt":
		id, _, _ := strings.Cut(Text(arg), ".")
		return id
	}
	return ""
}
