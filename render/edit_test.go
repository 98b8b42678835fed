package render

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

// node parses a YAML snippet into a value node.
func node(t testing.TB, src string) *yaml.Node {
	t.Helper()
	var doc yaml.Node
	if err := yaml.Unmarshal([]byte(src), &doc); err != nil {
		t.Fatalf("snippet: %v", err)
	}
	return doc.Content[0]
}

func parse(t testing.TB, src string) *Template {
	t.Helper()
	tpl, err := Parse("template.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	return tpl
}

const chat = `AWSTemplateFormatVersion: "2010-09-09"
# The chat API.
Resources:
  # The API itself.
  ChatApi:
    Type: AWS::ApiGatewayV2::Api
    Properties:
      Name: Chat   # shown in the console
      ProtocolType: WEBSOCKET
      RouteSelectionExpression: "$request.body.action"

  # Connect.
  ConnectRoute:
    Type: AWS::ApiGatewayV2::Route
    Properties:
      ApiId: !Ref ChatApi
      RouteKey: $connect
      Target: !Join ["/", ["integrations", !Ref ConnectInteg]]

  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Policies:
      - AWSLambdaBasicExecutionRole
      Environment:
        Variables:
          TABLE: t
`

func TestEditYAML(t *testing.T) {
	tests := []struct {
		name string
		src  string
		edit func(e *Edit) error
		want string
	}{
		{
			name: "add resource at the end, blank-line separated, short form",
			src:  chat,
			edit: func(e *Edit) error {
				return e.Add(SectionResources, "Stage", node(t, "Type: AWS::ApiGatewayV2::Stage\nProperties:\n  ApiId: {Ref: ChatApi}\n  StageName: prod\n"), "")
			},
			want: chat + "\n  Stage:\n    Type: AWS::ApiGatewayV2::Stage\n    Properties:\n      ApiId: !Ref ChatApi\n      StageName: prod\n",
		},
		{
			name: "add resource after another",
			src:  chat,
			edit: func(e *Edit) error {
				return e.Add(SectionResources, "Stage", node(t, "Type: AWS::ApiGatewayV2::Stage\n"), "ChatApi")
			},
			want: strings.Replace(chat, "\"$request.body.action\"\n", "\"$request.body.action\"\n\n  Stage:\n    Type: AWS::ApiGatewayV2::Stage\n", 1),
		},
		{
			name: "remove resource with its comment and one blank line",
			src:  chat,
			edit: func(e *Edit) error { return e.Remove(SectionResources, "ConnectRoute") },
			want: strings.Replace(chat, "  # Connect.\n  ConnectRoute:\n    Type: AWS::ApiGatewayV2::Route\n    Properties:\n      ApiId: !Ref ChatApi\n      RouteKey: $connect\n      Target: !Join [\"/\", [\"integrations\", !Ref ConnectInteg]]\n\n", "", 1),
		},
		{
			name: "set a property keeps the others",
			src:  chat,
			edit: func(e *Edit) error {
				return e.Set(SectionResources, "ChatApi", []string{"Properties", "Name"}, node(t, "Chatty"))
			},
			// The changed string keeps its comment.
			want: strings.Replace(chat, "Name: Chat   # shown in the console\n", "Name: Chatty   # shown in the console\n", 1),
		},
		{
			name: "add a property and a nested variable",
			src:  chat,
			edit: func(e *Edit) error {
				if err := e.Set(SectionResources, "ConnectRoute", []string{"Properties", "AuthorizationType"}, node(t, "NONE")); err != nil {
					return err
				}
				return e.Set(SectionResources, "Fn", []string{"Properties", "Environment", "Variables", "CALLBACK_URL"}, node(t, "!Sub https://${ChatApi}"))
			},
			want: strings.Replace(strings.Replace(chat, "ConnectInteg]]\n", "ConnectInteg]]\n      AuthorizationType: NONE\n", 1),
				"TABLE: t\n", "TABLE: t\n          CALLBACK_URL: !Sub https://${ChatApi}\n", 1),
		},
		{
			name: "append to an indentless sequence",
			src:  chat,
			edit: func(e *Edit) error {
				return e.Append(SectionResources, "Fn", []string{"Properties", "Policies"}, node(t, "Statement:\n- Effect: Allow\n  Action: execute-api:ManageConnections\n"))
			},
			want: strings.Replace(chat, "- AWSLambdaBasicExecutionRole\n", "- AWSLambdaBasicExecutionRole\n      - Statement:\n        - Effect: Allow\n          Action: execute-api:ManageConnections\n", 1),
		},
		{
			name: "unset a property",
			src:  chat,
			edit: func(e *Edit) error {
				return e.Unset(SectionResources, "ChatApi", []string{"Properties", "ProtocolType"})
			},
			want: strings.Replace(chat, "      ProtocolType: WEBSOCKET\n", "", 1),
		},
		{
			name: "create Outputs after Resources",
			src:  chat,
			edit: func(e *Edit) error {
				return e.Add(SectionOutputs, "Url", node(t, "Value: !Sub wss://${ChatApi}"), "")
			},
			want: chat + "\nOutputs:\n  Url:\n    Value: !Sub wss://${ChatApi}\n",
		},
		{
			name: "create Parameters before Resources",
			src:  chat,
			edit: func(e *Edit) error {
				return e.Add(SectionParameters, "Arn", node(t, "Type: String"), "")
			},
			want: strings.Replace(chat, "# The chat API.\n", "Parameters:\n  Arn:\n    Type: String\n# The chat API.\n", 1),
		},
		{
			name: "CRLF, no final newline, four-space indent, long form",
			src:  "Resources:\r\n    A:\r\n        Type: X\r\n        Properties:\r\n            P: {Ref: B}\r\n            Q: {\"Fn::GetAtt\": [B, Arn]}\r\n    B:\r\n        Type: Y",
			edit: func(e *Edit) error {
				if err := e.Add(SectionResources, "C", node(t, "Type: Z\nProperties:\n  R: !Ref A\n"), ""); err != nil {
					return err
				}
				return e.Set(SectionResources, "A", []string{"Properties", "S"}, node(t, "!GetAtt B.Arn"))
			},
			want: "Resources:\r\n    A:\r\n        Type: X\r\n        Properties:\r\n            P: {Ref: B}\r\n            Q: {\"Fn::GetAtt\": [B, Arn]}\r\n" +
				"            S:\r\n                Fn::GetAtt:\r\n                    - B\r\n                    - Arn\r\n" +
				"    B:\r\n        Type: Y\r\n    C:\r\n        Type: Z\r\n        Properties:\r\n            R:\r\n                Ref: A",
		},
		{
			name: "a scalar changes alone, keeping its tag, quotes and comment",
			src:  "Resources:\n  F:\n    Type: X\n    Properties:\n      U: !Sub \"https://${Api}/prod\"  # the URL\n      V: !Sub 'arn:${Api}/prod/*'\n      W:\n        Fn::Sub: https://${Api}/prod\n",
			edit: func(e *Edit) error { return e.renameStage("Api", "prod", "v2") },
			want: "Resources:\n  F:\n    Type: X\n    Properties:\n      U: !Sub \"https://${Api}/v2\"  # the URL\n      V: !Sub 'arn:${Api}/v2/*'\n      W:\n        Fn::Sub: https://${Api}/v2\n",
		},
		{
			name: "two keys below one new key",
			src:  chat,
			edit: func(e *Edit) error {
				if err := e.Set(SectionResources, "ChatApi", []string{"Properties", "Routes", "send", "FunctionArn"}, node(t, "!GetAtt Fn.Arn")); err != nil {
					return err
				}
				return e.Set(SectionResources, "ChatApi", []string{"Properties", "Routes", "send", "RouteResponseSelectionExpression"}, node(t, "$default"))
			},
			want: strings.Replace(chat, "\"$request.body.action\"\n", "\"$request.body.action\"\n      Routes:\n        send:\n          FunctionArn: !GetAtt Fn.Arn\n          RouteResponseSelectionExpression: $default\n", 1),
		},
		{
			// A flow list of plain values reads the same on one line and stays so.
			name: "flow-style properties are written again in block style",
			src:  "Resources:\n  A:\n    Type: X\n    Properties: {P: 1, Q: [a]}\n  B: {Type: Y}\n",
			edit: func(e *Edit) error {
				if err := e.Set(SectionResources, "A", []string{"Properties", "R"}, node(t, "2")); err != nil {
					return err
				}
				if err := e.Set(SectionResources, "A", []string{"Properties", "P"}, node(t, "3")); err != nil {
					return err
				}
				return e.Set(SectionResources, "B", []string{"Properties"}, node(t, "S: s"))
			},
			// Written again, Y is quoted: YAML 1.1 reads a plain Y as true.
			want: "Resources:\n  A:\n    Type: X\n    Properties:\n      P: 3\n      Q: [a]\n      R: 2\n  B:\n    Type: 'Y'\n    Properties:\n      S: s\n",
		},
		{
			name: "remove the last resource of a file without final newline",
			src:  "Resources:\n  A:\n    Type: X\n  B:\n    Type: Y",
			edit: func(e *Edit) error { return e.Remove(SectionResources, "B") },
			want: "Resources:\n  A:\n    Type: X",
		},
		{
			name: "replace keeps the comment above",
			src:  chat,
			edit: func(e *Edit) error {
				return e.Replace(SectionResources, "ConnectRoute", node(t, "Type: AWS::ApiGatewayV2::Route\nProperties:\n  RouteKey: $default\n"))
			},
			want: strings.Replace(chat, "  ConnectRoute:\n    Type: AWS::ApiGatewayV2::Route\n    Properties:\n      ApiId: !Ref ChatApi\n      RouteKey: $connect\n      Target: !Join [\"/\", [\"integrations\", !Ref ConnectInteg]]\n",
				"  ConnectRoute:\n    Type: AWS::ApiGatewayV2::Route\n    Properties:\n      RouteKey: $default\n", 1),
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := NewEdit(parse(t, tc.src))
			if err := tc.edit(e); err != nil {
				t.Fatal(err)
			}
			got, err := e.Apply()
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != tc.want {
				t.Errorf("got:\n%s\nwant:\n%s", got, tc.want)
			}
		})
	}
}

const jsonTpl = `{
    "Resources": {
        "A": {
            "Type": "X",
            "Properties": {"P": 1}
        },
        "B": {
            "Type": "Y",
            "Properties": {
                "L": ["a"]
            }
        }
    }
}`

func TestEditJSON(t *testing.T) {
	tests := []struct {
		name string
		edit func(e *Edit) error
		want string
	}{
		{
			name: "add resource",
			edit: func(e *Edit) error {
				return e.Add(SectionResources, "C", node(t, "Type: Z\nProperties:\n  R: !GetAtt A.Arn\n  N: 5\n  T: true\n"), "")
			},
			want: strings.Replace(jsonTpl, "        }\n    }\n}", "        },\n        \"C\": {\n            \"Type\": \"Z\",\n            \"Properties\": {\n                \"R\": {\n                    \"Fn::GetAtt\": [\n                        \"A\",\n                        \"Arn\"\n                    ]\n                },\n                \"N\": 5,\n                \"T\": true\n            }\n        }\n    }\n}", 1),
		},
		{
			name: "remove first and last",
			edit: func(e *Edit) error {
				return e.Remove(SectionResources, "A")
			},
			want: "{\n    \"Resources\": {\n        \"B\": {\n            \"Type\": \"Y\",\n            \"Properties\": {\n                \"L\": [\"a\"]\n            }\n        }\n    }\n}",
		},
		{
			name: "remove last",
			edit: func(e *Edit) error { return e.Remove(SectionResources, "B") },
			want: "{\n    \"Resources\": {\n        \"A\": {\n            \"Type\": \"X\",\n            \"Properties\": {\"P\": 1}\n        }\n    }\n}",
		},
		{
			name: "set, append and create Outputs",
			edit: func(e *Edit) error {
				if err := e.Set(SectionResources, "A", []string{"Properties", "P"}, node(t, "2")); err != nil {
					return err
				}
				if err := e.Append(SectionResources, "B", []string{"Properties", "L"}, node(t, "b")); err != nil {
					return err
				}
				return e.Add(SectionOutputs, "O", node(t, "Value: !Ref A"), "")
			},
			want: "{\n    \"Resources\": {\n        \"A\": {\n            \"Type\": \"X\",\n            \"Properties\": {\"P\": 2}\n        },\n        \"B\": {\n            \"Type\": \"Y\",\n            \"Properties\": {\n                \"L\": [\n                    \"a\",\n                    \"b\"\n                ]\n            }\n        }\n    },\n    \"Outputs\": {\n        \"O\": {\n            \"Value\": {\n                \"Ref\": \"A\"\n            }\n        }\n    }\n}",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tpl, err := Parse("template.json", []byte(jsonTpl))
			if err != nil {
				t.Fatal(err)
			}
			e := NewEdit(tpl)
			if err := tc.edit(e); err != nil {
				t.Fatal(err)
			}
			got, err := e.Apply()
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != tc.want {
				t.Errorf("got:\n%s\nwant:\n%s", got, tc.want)
			}
		})
	}
}

// corpusFiles lists the real-world templates.
func corpusFiles(t testing.TB) []string {
	t.Helper()
	files, err := filepath.Glob("../../shared/corpus/realworld/*.[jy]*")
	if err != nil || len(files) == 0 {
		files, _ = filepath.Glob("../shared/corpus/realworld/*.[jy]*")
	}
	var out []string
	for _, f := range files {
		if !strings.HasSuffix(f, "expected.json") {
			out = append(out, f)
		}
	}
	if len(out) == 0 {
		t.Skip("no corpus under ../shared/corpus/realworld")
	}
	return out
}

// TestEditEveryResource removes, rewrites and changes every resource of every
// corpus file, alone, and checks that the splice reads back as intended
// (Apply verifies) and that no line outside the resource changed.
func TestEditEveryResource(t *testing.T) {
	t.Parallel()
	for _, path := range corpusFiles(t) {
		src, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		for _, variant := range variants(src) {
			tpl, err := Parse(path, variant.src)
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range tpl.Resources() {
				ops := map[string]func(e *Edit) error{
					"remove":  func(e *Edit) error { return e.Remove(SectionResources, r.ID) },
					"replace": func(e *Edit) error { return e.Replace(SectionResources, r.ID, r.Node) },
					"set": func(e *Edit) error {
						return e.Set(SectionResources, r.ID, []string{"Properties", "WsdesignProbe"}, node(t, "x"))
					},
				}
				for name, op := range ops {
					e := NewEdit(tpl)
					if err := op(e); err != nil {
						if name == "set" {
							continue // a resource without a block Properties mapping
						}
						t.Errorf("%s %s %s %s: %v", path, variant.name, name, r.ID, err)
						continue
					}
					out, err := e.Apply()
					if err != nil {
						t.Errorf("%s %s %s %s: %v", path, variant.name, name, r.ID, err)
						continue
					}
					if name == "remove" && tpl.Format == YAML {
						checkRemovedLines(t, tpl, r, variant.src, out)
					}
				}
			}
		}
	}
}

// checkRemovedLines asserts that out is src less one run of lines, all of
// them inside the removed resource's lines or blank.
func checkRemovedLines(t *testing.T, tpl *Template, r Resource, src, out []byte) {
	t.Helper()
	if strings.HasSuffix(string(src), "\n") != strings.HasSuffix(string(out), "\n") {
		t.Errorf("%s: removing %s changed the final line ending", tpl.Path, r.ID)
	}
	a, b := strings.Split(string(src), "\n"), strings.Split(string(out), "\n")
	p := 0
	for p < len(a) && p < len(b) && a[p] == b[p] {
		p++
	}
	q := 0
	for q < len(a)-p && q < len(b)-p && a[len(a)-1-q] == b[len(b)-1-q] {
		q++
	}
	if p+q != len(b) {
		t.Errorf("%s: removing %s changed lines outside it", tpl.Path, r.ID)
		return
	}
	span := newSource(src).blockEntry(r.Key, r.Node)
	for i := p; i < len(a)-q; i++ {
		if line := i + 1; (line < span.head || line > span.last) && strings.TrimSpace(a[i]) != "" {
			t.Errorf("%s: removing %s removed line %d %q outside it", tpl.Path, r.ID, line, a[i])
		}
	}
}

type variant struct {
	name               string
	src                []byte
	crlf, finalNewline bool
}

// variants of a corpus file: as written, with CRLF line endings and without
// a final newline.
func variants(src []byte) []variant {
	crlf := strings.ReplaceAll(strings.ReplaceAll(string(src), "\r\n", "\n"), "\n", "\r\n")
	return []variant{
		{"as written", src, bytes.Contains(src, []byte("\r\n")), bytes.HasSuffix(src, []byte("\n"))},
		{"crlf", []byte(crlf), true, strings.HasSuffix(crlf, "\n")},
		{"no final newline", []byte(strings.TrimRight(string(src), "\r\n \t")), false, false},
	}
}
