package cli

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/wsdesign/wsdesign/model"
)

// complete runs the shell's completion request for args in dir and returns
// the values offered (without descriptions) and the directive line.
func complete(t *testing.T, dir string, args ...string) ([]string, string) {
	t.Helper()
	t.Chdir(dir)
	root := newRoot(BuildInfo{})
	var out bytes.Buffer
	root.SetOut(&out)
	root.SetErr(&bytes.Buffer{})
	root.SetArgs(append([]string{"__complete"}, args...))
	if err := root.Execute(); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	var values []string
	for _, l := range lines[:len(lines)-1] {
		values = append(values, strings.SplitN(l, "\t", 2)[0])
	}
	return values, lines[len(lines)-1]
}

func TestCompletion(t *testing.T) {
	dir := t.TempDir()
	two := "Resources:\n" +
		"  ChatApi:\n    Type: AWS::ApiGatewayV2::Api\n    Properties: {Name: Chat, ProtocolType: WEBSOCKET, RouteSelectionExpression: $request.body.action}\n" +
		"  Prices:\n    Type: AWS::ApiGatewayV2::Api\n    Properties: {Name: Prices, ProtocolType: WEBSOCKET, RouteSelectionExpression: $request.body.action}\n" +
		"  HttpApi:\n    Type: AWS::ApiGatewayV2::Api\n    Properties: {Name: Web, ProtocolType: HTTP}\n"
	if err := os.WriteFile(filepath.Join(dir, "two.yaml"), []byte(two), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name string
		args []string
		want []string
	}{
		{"new --runtime", []string{"new", "--runtime", ""}, model.Runtimes},
		{"new --format", []string{"new", "--format", ""}, []string{"sam", "cfn"}},
		{"edit --runtime", []string{"edit", "two.yaml", "--runtime", "py"}, model.Runtimes},
		{"edit --format", []string{"edit", "two.yaml", "--format", ""}, []string{"sam", "cfn"}},
		{"edit --api", []string{"edit", "two.yaml", "--api", ""}, []string{"ChatApi", "Prices"}},
		{"edit --api before the file", []string{"edit", "--api", ""}, nil},
		{"edit --api of a missing file", []string{"edit", "none.yaml", "--api", ""}, nil},
		{"route --api", []string{"route", "two.yaml", "--api", ""}, []string{"ChatApi", "Prices"}},
		{"edit FILE", []string{"edit", ""}, templateExts},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got, directive := complete(t, dir, tt.args...)
			if !slices.Equal(got, tt.want) {
				t.Errorf("offered %q, want %q", got, tt.want)
			}
			if !strings.HasPrefix(directive, ":") {
				t.Errorf("no directive line: %q", directive)
			}
		})
	}
}
