package check

import (
	"bytes"
	"encoding/json"
	"os/exec"
	"slices"
	"strings"
	"testing"

	"github.com/wsdesign/wsdesign/internal/oracle"
)

// samResult is what SAM's translator made of one template.
type samResult struct {
	Template json.RawMessage `json:"template"`
	Error    string          `json:"error"`
}

// samTranslate runs SAM's translator (aws-sam-translator on python3) over
// templates, in one process for the batch. Where python3 or the translator
// is missing the test is skipped, saying why (oracle.PythonMissing).
func samTranslate(t *testing.T, sources []string) []samResult {
	t.Helper()
	unavailable := func(why string) {
		t.Helper()
		oracle.PythonMissing(t, "SAM's translator is not available: "+why)
	}
	python, err := exec.LookPath("python3")
	if err != nil {
		unavailable("no python3")
	}
	in, err := json.Marshal(sources)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(python, "testdata/sam_translate.py")
	cmd.Stdin = bytes.NewReader(in)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		if strings.Contains(stderr.String(), "No module named 'samtranslator'") {
			unavailable("python3 has no samtranslator module")
		}
		t.Fatalf("sam_translate.py: %v\n%s", err, stderr.Bytes())
	}
	var results []samResult
	if err := json.Unmarshal(out, &results); err != nil || len(results) != len(sources) {
		t.Fatalf("sam_translate.py gave %d results for %d templates (%v):\n%s", len(results), len(sources), err, out)
	}
	return results
}

// samTemplate is a SAM template with one function and one WebSocketApi Chat
// whose properties are api (indented by six spaces); head goes before
// Resources (Parameters, Globals).
func samTemplate(head, api string) string {
	return "Transform: AWS::Serverless-2016-10-31\n" + head + `Resources:
  Handler:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: python3.12
      Handler: index.handler
      InlineCode: "def handler(event, context): return {'statusCode': 200}"
  Chat:
    Type: AWS::Serverless::WebSocketApi
    Properties:
` + api
}

// Parts of the WebSocketApi's properties the cases below share.
const (
	samSelector = "      RouteSelectionExpression: $request.body.action\n"
	samRoutes   = `      Routes:
        $connect:
          FunctionArn: !GetAtt Handler.Arn
        $default:
          FunctionArn: !GetAtt Handler.Arn
        send:
          FunctionArn: !GetAtt Handler.Arn
`
	samBasics = samSelector + samRoutes
	samDomain = "      Domain:\n        DomainName: chat.example.com\n        CertificateArn: arn:aws:acm:us-east-1:123456789012:certificate/abc\n"
)

// samCase is a WebSocketApi SAM either accepts (rule nil) or refuses, with
// the error check must report for it.
type samCase struct {
	name      string
	head, api string
	rule      *Rule
}

var samCases = []samCase{
	{"four routes", "", samBasics, nil},
	{"custom authorizer", "", samBasics + "      Auth:\n        AuthType: CUSTOM\n        AuthArn: !GetAtt Handler.Arn\n        IdentitySource:\n          - route.request.querystring.token\n        Name: TokenCheck\n", nil},
	{"IAM auth", "", samBasics + "      Auth:\n        AuthType: AWS_IAM\n", nil},
	{"auth type in lower case", "", samBasics + "      Auth:\n        AuthType: none\n", nil},
	{"empty Auth", "", samBasics + "      Auth: {}\n", nil},
	{"domain with base paths and Route53", "", samBasics + samDomain + "        BasePath: [v1, chat_2/x]\n        Route53:\n          HostedZoneId: Z123\n", nil},
	{"settings of every type", "", samBasics + "      IpAddressType: dualstack\n      DisableExecuteApiEndpoint: yes\n      Name: '123'\n      StageName: prod\n      StageVariables:\n        table: chat\n      Tags:\n        team: chat\n      Description: !Sub '${AWS::StackName} chat'\n", nil},
	{"globals", "Globals:\n  WebSocketApi:\n    IpAddressType: ipv4\n    Tags:\n      team: chat\n", samBasics, nil},
	{"request parameters on $connect", "", samSelector + "      Routes:\n        $connect:\n          FunctionArn: !GetAtt Handler.Arn\n          RequestParameters:\n            route.request.querystring.token:\n              Required: true\n", nil},
	{"empty request parameters elsewhere", "", samSelector + "      Routes:\n        send:\n          FunctionArn: !GetAtt Handler.Arn\n          RequestParameters: {}\n", nil},

	{"no Routes", "", samSelector, SAMRoutes},
	{"empty Routes", "", samSelector + "      Routes: {}\n", SAMRoutes},
	{"route without FunctionArn", "", samSelector + "      Routes:\n        $connect:\n          OperationName: Connect\n", SAMRoutes},
	{"route key with a dash", "", samSelector + "      Routes:\n        send-message:\n          FunctionArn: !GetAtt Handler.Arn\n", SAMRoutes},
	{"request parameters on send", "", samSelector + "      Routes:\n        send:\n          FunctionArn: !GetAtt Handler.Arn\n          RequestParameters:\n            route.request.querystring.token:\n              Required: true\n", SAMRoutes},
	{"route written as a string", "", samSelector + "      Routes:\n        $connect: Handler\n", SAMRoutes},
	{"Routes as a list", "", samSelector + "      Routes:\n        - FunctionArn: !GetAtt Handler.Arn\n", SAMProperty},
	{"Auth without AuthType", "", samBasics + "      Auth:\n        AuthArn: !GetAtt Handler.Arn\n", SAMAuth},
	{"AuthType JWT", "", samBasics + "      Auth:\n        AuthType: JWT\n        AuthArn: !GetAtt Handler.Arn\n", SAMAuth},
	{"CUSTOM without AuthArn", "", samBasics + "      Auth:\n        AuthType: CUSTOM\n        IdentitySource: [route.request.header.Authorization]\n", SAMAuth},
	{"NONE with an identity source", "", samBasics + "      Auth:\n        AuthType: NONE\n        IdentitySource: [route.request.header.Authorization]\n", SAMAuth},
	{"AWS_IAM with AuthArn", "", samBasics + "      Auth:\n        AuthType: AWS_IAM\n        AuthArn: !GetAtt Handler.Arn\n", SAMAuth},
	{"IAM auth without $connect", "", samSelector + "      Routes:\n        send:\n          FunctionArn: !GetAtt Handler.Arn\n      Auth:\n        AuthType: AWS_IAM\n", SAMAuth},
	{"custom authorizer without $connect", "", samSelector + "      Routes:\n        send:\n          FunctionArn: !GetAtt Handler.Arn\n      Auth:\n        AuthType: CUSTOM\n        AuthArn: !GetAtt Handler.Arn\n", AuthorizerUnused},
	{"Tags as a list", "", samBasics + "      Tags:\n        - Key: team\n          Value: chat\n", SAMProperty},
	{"DefaultRouteSettings as a list", "", samBasics + "      DefaultRouteSettings:\n        - ThrottlingBurstLimit: 10\n", SAMProperty},
	{"Name read as a number", "", samBasics + "      Name: 2024\n", SAMProperty},
	{"boolean written as a string", "", samBasics + "      DisableExecuteApiEndpoint: 'true'\n", SAMProperty},
	{"unknown property", "", samBasics + "      Stage: prod\n", SAMProperty},
	{"IpAddressType ipv6", "", samBasics + "      IpAddressType: ipv6\n", SAMProperty},
	{"IpAddressType from Globals", "Globals:\n  WebSocketApi:\n    IpAddressType: IPV4\n", samBasics, SAMProperty},
	{"base path read as a number", "", samBasics + samDomain + "        BasePath: [v1, 2]\n", SAMProperty},
	{"base path with a dot", "", samBasics + samDomain + "        BasePath: v1.0\n", SAMProperty},
	{"domain without certificate", "", samBasics + "      Domain:\n        DomainName: chat.example.com\n", SAMProperty},
	{"EDGE domain", "", samBasics + samDomain + "        EndpointConfiguration: EDGE\n", SAMProperty},
	{"mutual TLS", "", samBasics + samDomain + "        MutualTlsAuthentication:\n          TruststoreUri: s3://bucket/truststore.pem\n", SAMProperty},
	{"Route53 without a zone", "", samBasics + samDomain + "        Route53:\n          IpV6: true\n", SAMProperty},
	{"StageName in Globals", "Globals:\n  WebSocketApi:\n    StageName: prod\n", samBasics, SAMProperty},
	{"stage named $default", "", samBasics + "      StageName: $default\n", DefaultStageName},
	{"no RouteSelectionExpression", "", samRoutes, NoSelectionExpression},
	{"custom route key with $", "", samSelector + "      Routes:\n        $send:\n          FunctionArn: !GetAtt Handler.Arn\n", ReservedRouteKey},
}

// TestSAMRefusals: on every WebSocketApi of the table, SAM's translator
// refuses the template exactly when check reports an error, and that error
// is the one the table names.
func TestSAMRefusals(t *testing.T) {
	sources := make([]string, len(samCases))
	for i, c := range samCases {
		sources[i] = samTemplate(c.head, c.api)
	}
	results := samTranslate(t, sources)
	refusals := 0
	for _, res := range results {
		if res.Error != "" {
			refusals++
		}
	}
	if refusals < 20 {
		t.Errorf("SAM refused %d of the %d templates; the table must hold at least 20 refusals", refusals, len(samCases))
	}
	for i, c := range samCases {
		t.Run(c.name, func(t *testing.T) {
			res := results[i]
			errs := atLeast(checkSource(t, "template.yaml", []byte(sources[i])), Error)
			switch {
			case (res.Error != "") != (len(errs) > 0):
				t.Errorf("SAM's translator says %q; check's errors:\n%s", res.Error, dump(errs))
			case c.rule == nil && res.Error != "":
				t.Errorf("the table says SAM accepts this, but it refuses: %s", res.Error)
			case c.rule != nil && res.Error == "":
				t.Errorf("the table says SAM refuses this with %s, but it accepts it", c.rule.ID)
			case c.rule != nil && !slices.ContainsFunc(errs, func(f Finding) bool { return f.Rule == c.rule }):
				t.Errorf("SAM refuses (%s); check reports no %s but:\n%s", res.Error, c.rule.ID, dump(errs))
			}
			for _, f := range errs {
				if f.Pos.Line < 1 || f.Pos.Col < 1 || f.Message == "" {
					t.Errorf("error without a position or a message: %s", f)
				}
			}
		})
	}
}

// samDesigns are WebSocketApis SAM accepts, with findings of their own.
var samDesigns = []samCase{
	{name: "four routes", api: samBasics},
	{name: "custom authorizer", api: samBasics + "      Auth:\n        AuthType: CUSTOM\n        AuthArn: !GetAtt Handler.Arn\n        IdentitySource: [route.request.querystring.token]\n"},
	{name: "authorizer reading an HTTP-API source", api: samBasics + "      Auth:\n        AuthType: CUSTOM\n        AuthArn: !GetAtt Handler.Arn\n        IdentitySource: [$request.header.Authorization]\n"},
	{name: "IAM auth", api: samBasics + "      Auth:\n        AuthType: AWS_IAM\n"},
	{name: "no $default", api: samSelector + "      Routes:\n        $connect:\n          FunctionArn: !GetAtt Handler.Arn\n        send:\n          FunctionArn: !GetAtt Handler.Arn\n"},
	{name: "selector on a header", api: "      RouteSelectionExpression: $request.header.action\n" + samRoutes},
	{name: "stage from a parameter", head: "Parameters:\n  Stage:\n    Type: String\n    Default: prod\n", api: samBasics + "      StageName: !Ref Stage\n"},
	{name: "two-way send", api: samSelector + "      Routes:\n        $default:\n          FunctionArn: !GetAtt Handler.Arn\n        send:\n          FunctionArn: !GetAtt Handler.Arn\n          RouteResponseSelectionExpression: $default\n"},
	{name: "two-way $connect", api: samSelector + "      Routes:\n        $connect:\n          FunctionArn: !GetAtt Handler.Arn\n          RouteResponseSelectionExpression: $default\n        $default:\n          FunctionArn: !GetAtt Handler.Arn\n"},
	{name: "execution logging", api: samBasics + "      DefaultRouteSettings:\n        LoggingLevel: INFO\n"},
}

// TestSAMMatchesTransformed: a SAM-native WebSocketApi and the
// CloudFormation SAM's translator makes of it get the same findings.
func TestSAMMatchesTransformed(t *testing.T) {
	sources := make([]string, len(samDesigns))
	for i, c := range samDesigns {
		sources[i] = samTemplate(c.head, c.api)
	}
	results := samTranslate(t, sources)
	for i, c := range samDesigns {
		t.Run(c.name, func(t *testing.T) {
			if results[i].Error != "" {
				t.Fatalf("SAM refuses the design: %s", results[i].Error)
			}
			sam := checkSource(t, "template.yaml", []byte(sources[i]))
			raw := checkSource(t, "transformed.json", results[i].Template)
			if got, want := findingRules(sam), findingRules(raw); !slices.Equal(got, want) {
				t.Errorf("SAM-native findings %v, transformed %v\nSAM-native:\n%stransformed:\n%s", got, want, dump(sam), dump(raw))
			}
		})
	}
}

// findingRules lists the IDs of the rules of findings, sorted, without repeats.
func findingRules(fs []Finding) []string {
	var ids []string
	for _, f := range fs {
		ids = append(ids, f.Rule.ID)
	}
	slices.Sort(ids)
	return slices.Compact(ids)
}

// TestSAMRouteIDCollision: route keys that differ only by case become one
// logical ID in SAM's output, which keeps one of the routes: check reports
// it on the SAM-native template (where the transformed one no longer shows
// the lost route), and SAM indeed writes one route for the two.
func TestSAMRouteIDCollision(t *testing.T) {
	src := samTemplate("", samSelector+"      Routes:\n        $default:\n          FunctionArn: !GetAtt Handler.Arn\n        send:\n          FunctionArn: !GetAtt Handler.Arn\n        Send2:\n          FunctionArn: !GetAtt Handler.Arn\n        SEND:\n          FunctionArn: !GetAtt Handler.Arn\n")
	res := samTranslate(t, []string{src})[0]
	if res.Error != "" {
		t.Fatalf("SAM refuses the design: %s", res.Error)
	}
	if n := bytes.Count(res.Template, []byte(`"AWS::ApiGatewayV2::Route"`)); n != 3 {
		t.Errorf("SAM wrote %d routes for four keys, two of them one ID; the rule's premise is 3", n)
	}
	var dups []Finding
	for _, f := range checkSource(t, "template.yaml", []byte(src)) {
		if f.Rule == DuplicateRouteKey {
			dups = append(dups, f)
		}
	}
	if len(dups) != 1 || !strings.Contains(dups[0].Message, "ChatSendRoute") {
		t.Errorf("want one %s naming ChatSendRoute, got:\n%s", DuplicateRouteKey.ID, dump(dups))
	}
}

// TestSAMRouteResponse: a two-way SAM route is complete when the template
// adds the RouteResponse SAM does not write, on the route ID SAM generates
// (as wsdesign's edit does), and incomplete without it.
func TestSAMRouteResponse(t *testing.T) {
	twoWay := samTemplate("", samSelector+"      Routes:\n        $default:\n          FunctionArn: !GetAtt Handler.Arn\n        send:\n          FunctionArn: !GetAtt Handler.Arn\n          RouteResponseSelectionExpression: $default\n")
	response := "  SendResponse:\n    Type: AWS::ApiGatewayV2::RouteResponse\n    Properties:\n      ApiId: !Ref Chat\n      RouteId: !Ref ChatSendRoute\n      RouteResponseKey: $default\n"
	incomplete := func(src string) bool {
		return slices.ContainsFunc(checkSource(t, "template.yaml", []byte(src)), func(f Finding) bool { return f.Rule == TwoWayIncomplete })
	}
	if !incomplete(twoWay) {
		t.Errorf("no %s on a two-way SAM route without a RouteResponse", TwoWayIncomplete.ID)
	}
	if incomplete(strings.Replace(twoWay, "  Chat:\n", response+"  Chat:\n", 1)) {
		t.Errorf("%s on a two-way SAM route whose RouteResponse the template adds", TwoWayIncomplete.ID)
	}
}
