package render_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/wsdesign/wsdesign/model"
	"github.com/wsdesign/wsdesign/render"
)

func authorizerDesign(runtime, source string) model.Design {
	auth := model.NewFunction("AuthFn")
	auth.Runtime = runtime
	return model.Design{Name: "Chat", Authorizer: &model.Authorizer{Handler: auth, IdentitySource: []string{source}},
		Endpoints: []model.Endpoint{{Route: "$connect", Handler: model.NewFunction("ConnectFn")}}}
}

// The token parameter takes the API's name, and a number when the template
// already uses that name.
func TestAuthTokenParameter(t *testing.T) {
	for _, tc := range []struct {
		taken []string
		want  string
	}{
		{nil, "ChatAuthToken"},
		{[]string{"ChatAuthToken"}, "ChatAuthToken2"},
		{[]string{"ChatAuthToken", "ChatAuthToken2"}, "ChatAuthToken3"},
	} {
		for _, flavor := range []render.Flavor{render.SAM, render.CFN} {
			f, err := render.Build(authorizerDesign("nodejs24.x", "route.request.querystring.token"), render.Options{
				Flavor: flavor,
				Taken:  func(id string) bool { return slices.Contains(tc.taken, id) },
			})
			if err != nil {
				t.Fatal(err)
			}
			if len(f.Parameters) != 1 || f.Parameters[0].ID != tc.want {
				t.Fatalf("%v, taken %v: parameters %v, want only %s", flavor, tc.taken, f.Parameters, tc.want)
			}
			if got := yamlOf(t, render.Get(f.Parameters[0].Node, "NoEcho")); got != "true" {
				t.Errorf("NoEcho = %s", got)
			}
			if render.Get(f.Parameters[0].Node, "Default") != nil {
				t.Error("the token parameter has a default: sam deploy --guided would not ask for it")
			}
			env := render.Get(render.Get(render.Get(render.Get(entry(t, f.Resources, "AuthFn"), "Properties"), "Environment"), "Variables"), "AUTH_TOKEN")
			if env == nil || yamlOf(t, env) != "!Ref "+tc.want {
				t.Errorf("%v: AUTH_TOKEN is not !Ref %s", flavor, tc.want)
			}
		}
	}
}

// The inline authorizer of plain CloudFormation allows a connection only
// when the token read from the identity source equals AUTH_TOKEN.
func TestInlineAuthorizerChecksToken(t *testing.T) {
	for _, tc := range []struct {
		runtime, interpreter, file string
		run                        string
	}{
		{"nodejs24.x", "node", "index.js", `const {handler} = require(process.argv[1]);
handler(JSON.parse(process.argv[2])).then((r) => console.log(r.policyDocument.Statement[0].Effect));`},
		{"python3.14", "python3", "index.py", `import json, sys, importlib.util
spec = importlib.util.spec_from_file_location("index", sys.argv[1]); m = importlib.util.module_from_spec(spec); spec.loader.exec_module(m)
print(m.handler(json.loads(sys.argv[2]), None)["policyDocument"]["Statement"][0]["Effect"])`},
	} {
		if _, err := exec.LookPath(tc.interpreter); err != nil {
			t.Logf("%s not installed: %s not run", tc.interpreter, tc.runtime)
			continue
		}
		f, err := render.Build(authorizerDesign(tc.runtime, "route.request.header.X-Token"), render.Options{Flavor: render.CFN})
		if err != nil {
			t.Fatal(err)
		}
		code := render.Get(render.Get(render.Get(entry(t, f.Resources, "AuthFn"), "Properties"), "Code"), "ZipFile").Value
		file := filepath.Join(t.TempDir(), tc.file)
		if err := os.WriteFile(file, []byte(code), 0o644); err != nil {
			t.Fatal(err)
		}
		for _, c := range []struct{ env, event, want string }{
			{"", `{"methodArn": "arn", "headers": {"x-token": "s3cret"}}`, "Deny"},
			{"AUTH_TOKEN=s3cret", `{"methodArn": "arn", "headers": {"x-token": "s3cret"}}`, "Allow"},
			{"AUTH_TOKEN=s3cret", `{"methodArn": "arn", "headers": {"X-Token": "wrong"}}`, "Deny"},
			{"AUTH_TOKEN=s3cret", `{"methodArn": "arn", "headers": {}}`, "Deny"},
		} {
			var cmd *exec.Cmd
			if tc.interpreter == "node" {
				cmd = exec.Command("node", "-e", tc.run, file, c.event)
			} else {
				cmd = exec.Command("python3", "-c", tc.run, file, c.event)
			}
			cmd.Env = append(os.Environ(), "AUTH_TOKEN=")
			if c.env != "" {
				cmd.Env = append(cmd.Env, c.env)
			}
			out, err := cmd.CombinedOutput()
			if err != nil {
				t.Fatalf("%s: %v\n%s", tc.runtime, err, out)
			}
			if got := strings.TrimSpace(string(out)); got != c.want {
				t.Errorf("%s, %q, %s: %s, want %s", tc.runtime, c.env, c.event, got, c.want)
			}
		}
	}
}
