package check

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/wsdesign/wsdesign/internal/oracle"
	"github.com/wsdesign/wsdesign/render"
)

const (
	corpus  = "../../shared/corpus/realworld"
	goldens = "../render/testdata/golden"
)

func corpusFiles(t testing.TB) []string {
	t.Helper()
	var files []string
	for _, ext := range []string{"*.yaml", "*.json"} {
		m, err := filepath.Glob(filepath.Join(corpus, ext))
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range m {
			if filepath.Base(f) != "expected.json" {
				files = append(files, f)
			}
		}
	}
	if len(files) == 0 {
		t.Fatalf("no templates in %s", corpus)
	}
	return files
}

func checkSource(t testing.TB, path string, src []byte) []Finding {
	t.Helper()
	tpl, err := render.Parse(path, src)
	if err != nil {
		t.Fatal(err)
	}
	fs, err := Template(tpl)
	if err != nil {
		t.Fatal(err)
	}
	return fs
}

func checkFile(t testing.TB, path string) []Finding {
	t.Helper()
	src, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return checkSource(t, path, src)
}

// oracleRules maps the independent checker's rules to the rules that must
// report the same mistake.
var oracleRules = map[string][]*Rule{
	"WS001": {NoSelectionExpression},
	"WS002": {DuplicateRouteKey},
	"WS003": {NoIntegration},
	"WS004": {NoIntegration},
	"WS005": {HandlerPermission},
	"WS006": {TwoWayIncomplete, TwoWayReserved},
	"WS007": {AuthorizerNotConnect},
	"WS008": {CustomAuthMismatch},
	"WS009": {AuthorizerPermission},
	"WS010": {NoStage},
	"WS011": {StageNotDeployed},
	"WS012": {DeploymentDependsOn},
	"WS013": {SelectorNotBody},
	"WS014": {IdentitySource},
	"WS015": {AuthorizerType},
	"WS016": {ReservedRouteKey},
}

type oracleFinding struct {
	Rule      string `json:"rule"`
	LogicalID string `json:"logicalId"`
	Message   string `json:"message"`
}

// runOracle runs ../shared/oracle/ws-check once over files.
func runOracle(t testing.TB, files []string) map[string][]oracleFinding {
	t.Helper()
	out, _ := oracle.Run(t, "ws-check", append([]string{"--json"}, files...)...)
	var results []struct {
		File     string          `json:"file"`
		Findings []oracleFinding `json:"findings"`
	}
	if err := json.Unmarshal(out, &results); err != nil {
		t.Fatalf("ws-check output: %v\n%s", err, out)
	}
	byFile := map[string][]oracleFinding{}
	for _, r := range results {
		byFile[r.File] = r.Findings
	}
	return byFile
}

// TestAgreesWithOracle: every finding of the independent checker on the
// corpus has an error or warning of check on the same resource.
func TestAgreesWithOracle(t *testing.T) {
	files := corpusFiles(t)
	oracle := runOracle(t, files)
	total := 0
	for _, f := range files {
		fs := checkFile(t, f)
		for _, o := range oracle[f] {
			total++
			rules, known := oracleRules[o.Rule]
			if !known {
				t.Errorf("%s: ws-check rule %s has no counterpart", f, o.Rule)
				continue
			}
			if !slices.ContainsFunc(fs, func(x Finding) bool {
				return x.LogicalID == o.LogicalID && x.Severity() >= Warning && slices.Contains(rules, x.Rule)
			}) {
				t.Errorf("%s: ws-check found %s on %s (%s); check found no %s there:\n%s", filepath.Base(f), o.Rule, o.LogicalID, o.Message, ruleIDs(rules), dump(fs))
			}
		}
	}
	if total == 0 {
		t.Fatal("ws-check found nothing in the corpus: the comparison proves nothing")
	}
}

func ruleIDs(rs []*Rule) string {
	var ids []string
	for _, r := range rs {
		ids = append(ids, r.ID)
	}
	return strings.Join(ids, " or ")
}

func dump(fs []Finding) string {
	var b strings.Builder
	for _, f := range fs {
		b.WriteString("  " + f.String() + "\n")
	}
	return b.String()
}

// TestCorpusFindingsWellFormed: every finding points into its file, at a
// resource, with a rule of the table.
func TestCorpusFindingsWellFormed(t *testing.T) {
	for _, f := range corpusFiles(t) {
		for _, x := range checkFile(t, f) {
			if !slices.Contains(Rules, x.Rule) {
				t.Errorf("%s: finding of a rule not in Rules: %s", f, x)
			}
			if x.Pos.File != f || x.Pos.Line < 1 || x.Pos.Col < 1 {
				t.Errorf("%s: finding without a position in the file: %s", f, x)
			}
			if x.LogicalID == "" && x.Rule != TooManyResources {
				t.Errorf("%s: finding without a resource: %s", f, x)
			}
			if x.Message == "" {
				t.Errorf("%s: finding without a message: %s", f, x)
			}
		}
	}
}

func TestRuleTable(t *testing.T) {
	seen := map[string]bool{}
	for i, r := range Rules {
		if want := fmt.Sprintf("WSD%03d", i); r.ID != want {
			t.Errorf("Rules[%d] is %s, want %s: IDs are stable and listed in order, from WSD000 (the file itself)", i, r.ID, want)
		}
		if seen[r.ID] {
			t.Errorf("rule ID %s used twice", r.ID)
		}
		seen[r.ID] = true
		if r.Title == "" || r.Runtime == "" || r.Fix == "" {
			t.Errorf("%s lacks a title, a run-time effect or a fix", r.ID)
		}
	}
}

// plant is one defect planted into a correct template by a text edit.
type plant struct {
	name, file string
	old, new   string
	rule       *Rule
}

// plants covers every rule. Each edit makes exactly one new kind of mistake.
var plants = []plant{
	{"permission of another function", "02-sp-apigw-websocket-api-lambda.yaml",
		"FunctionName: !Ref PostLambdaFunction", "FunctionName: !Ref OnConnectLambdaFunction", HandlerPermission},
	{"SourceArn excludes the route", "02-sp-apigw-websocket-api-lambda.yaml",
		"FunctionName: !Ref PostLambdaFunction\n      SourceArn: !Sub 'arn:aws:execute-api:${AWS::Region}:${AWS::AccountId}:${WebSocketApi}/*'",
		"FunctionName: !Ref PostLambdaFunction\n      SourceArn: !Sub 'arn:aws:execute-api:${AWS::Region}:${AWS::AccountId}:${WebSocketApi}/*/$connect'", HandlerPermission},
	{"SourceArn of another API", "02-sp-apigw-websocket-api-lambda.yaml",
		"FunctionName: !Ref PostLambdaFunction\n      SourceArn: !Sub 'arn:aws:execute-api:${AWS::Region}:${AWS::AccountId}:${WebSocketApi}/*'",
		"FunctionName: !Ref PostLambdaFunction\n      SourceArn: !Sub 'arn:aws:execute-api:${AWS::Region}:${AWS::AccountId}:${OtherApi}/*'", HandlerPermission},
	{"authorizer permission for another principal", "05-sp-lambda-authorizer-cognito.yaml",
		"FunctionName: !Ref 'LambdaAuthorizerHandler'\n      Principal: apigateway.amazonaws.com",
		"FunctionName: !Ref 'LambdaAuthorizerHandler'\n      Principal: events.amazonaws.com", AuthorizerPermission},
	{"SourceArn excludes the route, stage from a parameter", "15-websocket-sessions-management.yaml",
		"FunctionName: !Ref TeleprinterFunction\n      Principal: apigateway.amazonaws.com\n      SourceArn: !Sub 'arn:aws:execute-api:${AWS::Region}:${AWS::AccountId}:${Websocket}/*'",
		"FunctionName: !Ref TeleprinterFunction\n      Principal: apigateway.amazonaws.com\n      SourceArn: !Sub 'arn:aws:execute-api:${AWS::Region}:${AWS::AccountId}:${Websocket}/*/$connect'", HandlerPermission},
	{"permission without SourceArn", "02-sp-apigw-websocket-api-lambda.yaml",
		"FunctionName: !Ref PostLambdaFunction\n      SourceArn: !Sub 'arn:aws:execute-api:${AWS::Region}:${AWS::AccountId}:${WebSocketApi}/*'",
		"FunctionName: !Ref PostLambdaFunction", PermissionNoSourceArn},
	{"Deployment misses a route", "02-sp-apigw-websocket-api-lambda.yaml",
		"      - PostRoute\n", "", DeploymentDependsOn},
	{"stage deployed by a Deployment", "15-websocket-sessions-management.yaml",
		"      AutoDeploy: true\n", "      DeploymentId: !Ref Deployment\n  Deployment:\n    Type: AWS::ApiGatewayV2::Deployment\n    DependsOn: [ConnectRoute, DisconnectRoute, TeleprinterRoute]\n    Properties:\n      ApiId: !Ref Websocket\n", DeploymentStage},
	{"stage never deployed", "15-websocket-sessions-management.yaml",
		"      AutoDeploy: true\n", "", StageNotDeployed},
	{"no stage", "15-websocket-sessions-management.yaml",
		"    Type: AWS::ApiGatewayV2::Stage\n", "    Type: AWS::SSM::Parameter\n", NoStage},
	{"stage named $default", "02-sp-apigw-websocket-api-lambda.yaml",
		"StageName: prod", "StageName: $default", DefaultStageName},
	{"RouteResponseSelectionExpression without RouteResponse", "02-sp-apigw-websocket-api-lambda.yaml",
		"OperationName: PostRoute\n", "OperationName: PostRoute\n      RouteResponseSelectionExpression: $default\n", TwoWayIncomplete},
	{"RouteResponse without RouteResponseSelectionExpression", "15-websocket-sessions-management.yaml",
		"  TeleprinterInteg:\n", "  TeleprinterResponse:\n    Type: AWS::ApiGatewayV2::RouteResponse\n    Properties:\n      ApiId: !Ref Websocket\n      RouteId: !Ref TeleprinterRoute\n      RouteResponseKey: $default\n  TeleprinterInteg:\n", TwoWayIncomplete},
	{"two-way $connect", "02-sp-apigw-websocket-api-lambda.yaml",
		"OperationName: OnConnectRoute\n", "OperationName: OnConnectRoute\n      RouteResponseSelectionExpression: $default\n", TwoWayReserved},
	{"authorizer on a custom route", "05-sp-lambda-authorizer-cognito.yaml",
		"RouteKey: sendmessage\n      AuthorizationType: NONE", "RouteKey: sendmessage\n      AuthorizationType: CUSTOM\n      AuthorizerId: !Ref 'LambdaAuthorizer'", AuthorizerNotConnect},
	{"authorizer without $connect", "05-sp-lambda-authorizer-cognito.yaml",
		"RouteKey: $connect\n      AuthorizationType: CUSTOM\n      AuthorizerId: !Ref 'LambdaAuthorizer'", "RouteKey: $default\n      AuthorizationType: NONE", AuthorizerUnused},
	{"CUSTOM without AuthorizerId", "05-sp-lambda-authorizer-cognito.yaml",
		"      AuthorizerId: !Ref 'LambdaAuthorizer'\n", "", CustomAuthMismatch},
	{"AuthorizerId without CUSTOM", "05-sp-lambda-authorizer-cognito.yaml",
		"AuthorizationType: CUSTOM", "AuthorizationType: NONE", CustomAuthMismatch},
	{"JWT authorizer", "05-sp-lambda-authorizer-cognito.yaml",
		"AuthorizerType: REQUEST", "AuthorizerType: JWT", AuthorizerType},
	{"HTTP-API identity source", "05-sp-lambda-authorizer-cognito.yaml",
		"- route.request.querystring.ID_Token", "- $request.querystring.ID_Token", IdentitySource},
	{"custom key with $", "02-sp-apigw-websocket-api-lambda.yaml",
		"RouteKey: post", "RouteKey: $post", ReservedRouteKey},
	{"duplicate key", "02-sp-apigw-websocket-api-lambda.yaml",
		"RouteKey: post", "RouteKey: $disconnect", DuplicateRouteKey},
	{"case-only duplicate key", "15-websocket-sessions-management.yaml",
		"RouteKey: $disconnect", "RouteKey: Teleprinter", CaseOnlyRouteKeys},
	{"no selection expression", "02-sp-apigw-websocket-api-lambda.yaml",
		"      RouteSelectionExpression: \"$request.body.action\"\n", "", NoSelectionExpression},
	{"selector not on the body", "02-sp-apigw-websocket-api-lambda.yaml",
		"\"$request.body.action\"", "\"$request.header.action\"", SelectorNotBody},
	{"SAM route without a function", "21-sam-serverless-websocketapi-simple-app.yaml",
		"          FunctionArn: !GetAtt SendFunction.Arn\n", "          OperationName: Send\n", SAMRoutes},
	{"SAM CUSTOM auth without AuthArn", "21-sam-serverless-websocketapi-simple-app.yaml",
		"      Name: SimpleChatApi\n", "      Name: SimpleChatApi\n      Auth:\n        AuthType: CUSTOM\n", SAMAuth},
	{"SAM IpAddressType ipv6", "21-sam-serverless-websocketapi-simple-app.yaml",
		"      Name: SimpleChatApi\n", "      Name: SimpleChatApi\n      IpAddressType: ipv6\n", SAMProperty},
	{"SAM types without the transform", "16-dotnetify-http-integrations.yaml",
		"Resources:\n", "Resources:\n  Table:\n    Type: AWS::Serverless::SimpleTable\n", NoTransform},
	{"no $default", "11-sp-lambda-bedrock-single-function.yaml",
		"RouteKey: $default", "RouteKey: message", NoDefaultRoute},
	{"execution logging", "02-sp-apigw-websocket-api-lambda.yaml",
		"      Description: Prod Stage\n", "      Description: Prod Stage\n      DefaultRouteSettings:\n        LoggingLevel: INFO\n", StageLogging},
	{"unknown property", "02-sp-apigw-websocket-api-lambda.yaml",
		"OperationName: PostRoute\n", "OperationName: PostRoute\n      RouteKeys: post\n", Schema},
	{"wrong type", "02-sp-apigw-websocket-api-lambda.yaml",
		"OperationName: PostRoute\n", "OperationName: PostRoute\n      ApiKeyRequired: [yes]\n", Schema},
	{"missing required", "02-sp-apigw-websocket-api-lambda.yaml",
		"      StageName: prod\n", "", Schema},
	{"target names no integration", "02-sp-apigw-websocket-api-lambda.yaml",
		"          - !Ref PostIntegration", "          - !Ref PostLambdaFunction", NoIntegration},
	{"SAM: custom key with $", "21-sam-serverless-websocketapi-simple-app.yaml",
		"        send:\n", "        $send:\n", ReservedRouteKey},
	{"SAM: no $default", "21-sam-serverless-websocketapi-simple-app.yaml",
		"        $default:\n", "        other:\n", NoDefaultRoute},
	{"SAM: selector not on the body", "21-sam-serverless-websocketapi-simple-app.yaml",
		"RouteSelectionExpression: $request.body.action", "RouteSelectionExpression: $request.header.action", SelectorNotBody},
	{"SAM: stage named $default", "21-sam-serverless-websocketapi-simple-app.yaml",
		"      Name: SimpleChatApi\n", "      Name: SimpleChatApi\n      StageName: $default\n", DefaultStageName},
	{"SAM: authorizer without $connect", "23-sam-serverless-websocketapi-globals-two-apis.yaml",
		"      Name: Api1\n      Routes:\n        $connect:", "      Name: Api1\n      Auth:\n        AuthType: CUSTOM\n        AuthArn: !GetAtt Connect2.Arn\n      Routes:\n        $default:", AuthorizerUnused},
}

// goldenPlants plant defects into templates wsdesign writes.
var goldenPlants = []plant{
	{"golden: authorizer permission for the routes only", goldens + "/authorizer.yaml.golden",
		"${SecureChat}/authorizers/${SecureChatAuthorizer}", "${SecureChat}/*/$connect", AuthorizerPermission},
	{"golden: SourceArn of one route only", goldens + "/authorizer.yaml.golden",
		"FunctionName: !Ref SendFunction\n      Principal: apigateway.amazonaws.com\n      SourceArn: !Sub arn:${AWS::Partition}:execute-api:${AWS::Region}:${AWS::AccountId}:${SecureChat}/*",
		"FunctionName: !Ref SendFunction\n      Principal: apigateway.amazonaws.com\n      SourceArn: !Sub arn:${AWS::Partition}:execute-api:${AWS::Region}:${AWS::AccountId}:${SecureChat}/prod/$connect", HandlerPermission},
	{"golden: authorizer on send", goldens + "/authorizer.yaml.golden",
		"RouteKey: send\n      AuthorizationType: NONE", "RouteKey: send\n      AuthorizationType: CUSTOM\n      AuthorizerId: !Ref SecureChatAuthorizer", AuthorizerNotConnect},
	{"golden: TOKEN authorizer", goldens + "/authorizer.yaml.golden",
		"AuthorizerType: REQUEST", "AuthorizerType: TOKEN", AuthorizerType},
	{"golden: HTTP-API header source", goldens + "/authorizer.yaml.golden",
		"- route.request.header.Authorization", "- $request.header.Authorization", IdentitySource},
	{"golden: RouteResponse without expression", goldens + "/authorizer.yaml.golden",
		"      RouteResponseSelectionExpression: $default\n", "", TwoWayIncomplete},
	{"golden: two-way $disconnect", goldens + "/authorizer.yaml.golden",
		"RouteKey: $disconnect\n", "RouteKey: $disconnect\n      RouteResponseSelectionExpression: $default\n", TwoWayReserved},
	{"golden: Deployment without DependsOn", goldens + "/authorizer.yaml.golden",
		"  SecureChatStage:\n", "  SecureChatDeployment:\n    Type: AWS::ApiGatewayV2::Deployment\n    Properties:\n      ApiId: !Ref SecureChat\n  SecureChatStage:\n", DeploymentDependsOn},
	{"golden: stage without AutoDeploy", goldens + "/authorizer.yaml.golden",
		"      AutoDeploy: true\n", "", StageNotDeployed},
	{"golden: access logging", goldens + "/authorizer.yaml.golden",
		"      AutoDeploy: true\n", "      AutoDeploy: true\n      AccessLogSettings:\n        DestinationArn: !GetAtt Logs.Arn\n        Format: $context.requestId\n", StageLogging},
	{"golden: misspelt property", goldens + "/authorizer.yaml.golden",
		"      AutoDeploy: true\n", "      AutoDeploy: true\n      Autodeploy: true\n", Schema},
	{"golden: case-only duplicate", goldens + "/chat.yaml.golden",
		"RouteKey: $disconnect", "RouteKey: SendMessage", CaseOnlyRouteKeys},
}

// TestPlantedDefects: each defect planted into a correct template makes
// check report exactly that rule, and nothing else new.
func TestPlantedDefects(t *testing.T) {
	covered := map[*Rule]bool{}
	for _, p := range append(plants, goldenPlants...) {
		t.Run(p.name, func(t *testing.T) {
			path := p.file
			if !strings.Contains(path, "/") {
				path = filepath.Join(corpus, p.file)
			}
			src, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			before := checkSource(t, path, src)
			if n := strings.Count(string(src), p.old); n != 1 {
				t.Fatalf("the text to replace occurs %d times in %s", n, p.file)
			}
			after := checkSource(t, path, []byte(strings.Replace(string(src), p.old, p.new, 1)))
			added := newRules(before, after)
			if len(added) != 1 || added[0] != p.rule {
				t.Errorf("planting %q: new findings %s, want only %s\n%s", p.name, ids(added), p.rule.ID, dump(after))
			}
			covered[p.rule] = true
		})
	}
	for _, r := range Rules {
		// Unreadable files are the command's to report (internal/cli tests them).
		if !covered[r] && r != TooManyResources && r != PolicyTooLarge && r != Unreadable {
			t.Errorf("no planted defect for %s (%s)", r.ID, r.Title)
		}
	}
}

// TestGoldensHaveNoError: every template wsdesign writes passes check
// with no error and no warning.
func TestGoldensHaveNoError(t *testing.T) {
	files, err := filepath.Glob(filepath.Join(goldens, "*.golden"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no goldens in %s: %v", goldens, err)
	}
	for _, f := range files {
		for _, x := range checkFile(t, f) {
			if x.Severity() >= Warning {
				t.Errorf("%s", x)
			}
		}
	}
}

// newRules lists the rules of findings in after that are not in before.
func newRules(before, after []Finding) []*Rule {
	key := func(f Finding) string { return f.Rule.ID + " " + f.LogicalID }
	old := map[string]bool{}
	for _, f := range before {
		old[key(f)] = true
	}
	var out []*Rule
	for _, f := range after {
		if !old[key(f)] && !slices.Contains(out, f.Rule) {
			out = append(out, f.Rule)
		}
	}
	return out
}

func ids(rs []*Rule) string {
	if len(rs) == 0 {
		return "none"
	}
	return ruleIDs(rs)
}

// TestTooManyResources: 250 SAM functions without Role become 500
// resources after the transform; with a Role each, they stay under.
func TestTooManyResources(t *testing.T) {
	path := filepath.Join(corpus, "02-sp-apigw-websocket-api-lambda.yaml")
	src, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	functions := func(role string) string {
		var b strings.Builder
		b.WriteString("Resources:\n")
		for i := range 250 {
			fmt.Fprintf(&b, "  Extra%dFunction:\n    Type: AWS::Serverless::Function\n    Properties:\n      Handler: index.handler\n%s", i, role)
		}
		return b.String()
	}
	withRole := strings.Replace(string(src), "Resources:\n", functions("      Role: arn:aws:iam::123456789012:role/shared\n"), 1)
	if fs := checkSource(t, path, []byte(withRole)); slices.ContainsFunc(fs, func(f Finding) bool { return f.Rule == TooManyResources }) {
		t.Errorf("250 functions with a Role and the API's resources are under 500, yet:\n%s", dump(fs))
	}
	withoutRole := strings.Replace(string(src), "Resources:\n", functions(""), 1)
	fs := checkSource(t, path, []byte(withoutRole))
	i := slices.IndexFunc(fs, func(f Finding) bool { return f.Rule == TooManyResources })
	if i < 0 {
		t.Fatalf("250 functions without Role make over 500 resources after the SAM transform; check found:\n%s", dump(fs))
	}
	// 250 new functions and the template's 3 without Role get a generated role each.
	if !strings.Contains(fs[i].Message, "253 for AWS::Serverless::Function") {
		t.Errorf("the message should count the generated roles: %s", fs[i].Message)
	}
}

// TestPolicyTooLarge: one permission per route for 60 routes of one
// function passes 20 KB; one permission for the whole API does not.
func TestPolicyTooLarge(t *testing.T) {
	path := filepath.Join(corpus, "02-sp-apigw-websocket-api-lambda.yaml")
	src, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	permissions := func(n int) string {
		var b strings.Builder
		b.WriteString("Resources:\n")
		for i := range n {
			fmt.Fprintf(&b, "  PostFunctionPermissionForRoute%d:\n    Type: AWS::Lambda::Permission\n    Properties:\n      Action: lambda:InvokeFunction\n      Principal: apigateway.amazonaws.com\n      FunctionName: !Ref PostLambdaFunction\n      SourceArn: !Sub 'arn:aws:execute-api:${AWS::Region}:${AWS::AccountId}:${WebSocketApi}/*/route%d'\n", i, i)
		}
		return b.String()
	}
	before := checkSource(t, path, src)
	many := checkSource(t, path, []byte(strings.Replace(string(src), "Resources:\n", permissions(60), 1)))
	if added := newRules(before, many); len(added) != 1 || added[0] != PolicyTooLarge {
		t.Errorf("60 per-route permissions: new findings %s, want only %s\n%s", ids(added), PolicyTooLarge.ID, dump(many))
	}
	few := checkSource(t, path, []byte(strings.Replace(string(src), "Resources:\n", permissions(20), 1)))
	if added := newRules(before, few); len(added) != 0 {
		t.Errorf("20 per-route permissions fit in 20 KB, yet new findings %s\n%s", ids(added), dump(few))
	}
}

// atLeast keeps the findings of a severity or worse.
func atLeast(fs []Finding, s Severity) []Finding {
	var out []Finding
	for _, f := range fs {
		if f.Rule.Severity >= s {
			out = append(out, f)
		}
	}
	return out
}
