package cli

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestRoute(t *testing.T) {
	const file = "testdata/route-bad-selector.yaml"
	tests := []struct {
		name    string
		args    []string
		code    int
		want    []string // lines or fragments the output must contain
		notWant []string
	}{
		{"matched", []string{"--api", "ChatApi", `{"action": "sendMessage", "text": "hi"}`}, ExitOK, []string{
			"endpoint  sendMessage\n", `selector  $request.body.action = "sendMessage"`, "which matches the endpoint sendMessage",
			"handler   SendFunction (AWS::Serverless::Function)", "mode      2-way: the handler's answer is sent back"}, nil},
		{"one-way endpoint says no mode", []string{"--api", "ChatApi", `{"action": "1"}`}, ExitOK, []string{"endpoint  1\n"}, []string{"mode"}},
		{"not a JSON object", []string{"--api", "ChatApi", `[1, 2]`}, ExitOK, []string{
			"endpoint  $default\n", "selector  $request.body.action has no value", "not a JSON object", "it goes to $default",
			"handler   DefaultFunction"}, nil},
		{"not JSON at all", []string{"--api", "ChatApi", `hello`}, ExitOK, []string{"endpoint  $default\n", "not a JSON object"}, nil},
		{"property missing", []string{"--api", "ChatApi", `{"type": "sendMessage"}`}, ExitOK, []string{
			"endpoint  $default\n", "has no value", "no property action", "handler   DefaultFunction"}, nil},
		{"no match goes to $default", []string{"--api", "ChatApi", `{"action": "join"}`}, ExitOK, []string{
			"endpoint  $default\n", `= "join"`, "no endpoint has as its route", "handler   DefaultFunction"}, nil},
		{"number", []string{"--api", "ChatApi", `{"action": 1}`}, ExitOK, []string{"endpoint  1\n", `= "1"`, "handler   SendFunction"}, nil},
		{"boolean", []string{"--api", "ChatApi", `{"action": true}`}, ExitOK, []string{"endpoint  $default\n", `= "true"`}, nil},
		{"object", []string{"--api", "ChatApi", `{"action": {"a": 1}}`}, ExitOK, []string{`endpoint  {"a":1}`, `= "{\"a\":1}"`}, nil},
		{"nested selector", []string{"--api", "GameApi", `{"message": {"type": "move"}}`}, ExitOK, []string{
			"endpoint  move\n", `selector  $request.body.message.type = "move"`, "handler   SendFunction"}, nil},
		{"nested selector through a non-object, no $default", []string{"--api", "GameApi", `{"message": "move"}`}, ExitFindings, []string{
			`endpoint  none: API Gateway rejects the message; the client receives {"message": "Forbidden"}`, "no property message.type"}, []string{"handler"}},
		{"no match, no $default", []string{"--api", "GameApi", `{"message": {"type": "jump"}}`}, ExitFindings, []string{
			"endpoint  none", `= "jump"`, "there is no $default endpoint", "Forbidden"}, []string{"did you mean"}},
		{"case differs, no $default", []string{"--api", "GameApi", `{"message": {"type": "Move"}}`}, ExitFindings, []string{
			"endpoint  none", `did you mean "move"?`}, nil},
		{"case differs, $default", []string{"--api", "ChatApi", `{"action": "sendmessage"}`}, ExitOK, []string{
			"endpoint  $default\n", `did you mean "sendMessage"?`}, nil},
		{"selector not on the body", []string{"--api", "HeaderApi", `{}`}, ExitUsage, []string{
			"testdata/route-bad-selector.yaml:55:33: API HeaderApi selects routes with $request.header.x-action", "cannot be simulated"}, nil},
		{"several APIs", []string{`{}`}, ExitUsage, []string{"3 WebSocket APIs (ChatApi, GameApi, HeaderApi): choose one with --api"}, nil},
		{"unknown API", []string{"--api", "Nope", `{}`}, ExitUsage, []string{"--api Nope: no such WebSocket API"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args := append([]string{"route", file}, tt.args[len(tt.args)-1])
			args = append(args, tt.args[:len(tt.args)-1]...)
			out, code := runCLI(t, args...)
			if code != tt.code {
				t.Errorf("exit %d, want %d\n%s", code, tt.code, out)
			}
			for _, w := range tt.want {
				if !strings.Contains(out, w) {
					t.Errorf("output lacks %q:\n%s", w, out)
				}
			}
			for _, w := range tt.notWant {
				if strings.Contains(out, w) {
					t.Errorf("output has %q:\n%s", w, out)
				}
			}
		})
	}
}

func TestRouteReadsStdin(t *testing.T) {
	msg := filepath.Join(t.TempDir(), "message.json")
	if err := os.WriteFile(msg, []byte(`{"action": "sendMessage"}`+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(msg)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	stdin := os.Stdin
	os.Stdin = f
	defer func() { os.Stdin = stdin }()
	out, code := runCLI(t, "route", "testdata/route-bad-selector.yaml", "-", "--api", "ChatApi")
	if code != ExitOK || !strings.Contains(out, "endpoint  sendMessage\n") {
		t.Errorf("exit %d, output:\n%s", code, out)
	}
}

func TestRouteBadInput(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.yaml")
	if err := os.WriteFile(bad, []byte("Resources:\n  A: [\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	out, code := runCLI(t, "route", bad, `{}`)
	if code != ExitUsage || !strings.Contains(out, bad+":") {
		t.Errorf("bad YAML: exit %d, want %d with file:line:col\n%s", code, ExitUsage, out)
	}
	none := filepath.Join(dir, "none.yaml")
	if err := os.WriteFile(none, []byte("Resources:\n  Bucket:\n    Type: AWS::S3::Bucket\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	out, code = runCLI(t, "route", none, `{}`)
	if code != ExitUsage || !strings.Contains(out, "no WebSocket API") {
		t.Errorf("no API: exit %d, want %d\n%s", code, ExitUsage, out)
	}
}

// endless is an input that never ends, as /dev/zero.
type endless struct{}

func (endless) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = ' '
	}
	return len(p), nil
}

func TestRouteMessageFromEndlessInputStopsAtTheLimit(t *testing.T) {
	root := newRoot(BuildInfo{})
	var out bytes.Buffer
	root.SetOut(&out)
	root.SetErr(&out)
	root.SetIn(endless{})
	root.SetArgs([]string{"route", "testdata/route-bad-selector.yaml", "-", "--api", "ChatApi"})
	err := root.Execute()
	if code := exitCode(err); code != ExitUsage || !strings.Contains(err.Error(), "over 128 KB") {
		t.Errorf("exit %d, %v; want exit 2 naming API Gateway's limit", code, err)
	}
}
