package cli

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/wsdesign/wsdesign/render"
)

// runNew runs wsdesign new in dir and returns stdout, stderr and the exit code.
func runNew(t *testing.T, dir string, args ...string) (string, string, int) {
	t.Helper()
	t.Chdir(dir)
	root := newRoot(BuildInfo{})
	var out, errOut bytes.Buffer
	root.SetOut(&out)
	root.SetErr(&errOut)
	root.SetIn(strings.NewReader(""))
	root.SetArgs(append([]string{"new"}, args...))
	err := root.Execute()
	if err != nil {
		errOut.WriteString(err.Error())
	}
	return out.String(), errOut.String(), exitCode(err)
}

func TestNewWritesTemplate(t *testing.T) {
	dir := t.TempDir()
	_, stderr, code := runNew(t, dir, "--name", "Chat",
		"--endpoint", "$connect=OnConnect", "--endpoint", "sendMessage=SendMessage,2-way", "--endpoint", "$disconnect")
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	src, err := os.ReadFile(filepath.Join(dir, DefaultTemplate))
	if err != nil {
		t.Fatal(err)
	}
	tpl, err := render.Parse(DefaultTemplate, src)
	if err != nil {
		t.Fatal(err)
	}
	for id, typ := range map[string]string{
		"Chat":                         render.TypeAPI,
		"ChatSendMessageRouteResponse": render.TypeRouteResponse,
		"ChatOnConnectIntegration":     render.TypeIntegration,
		"DisconnectFunction":           render.TypeServerlessFunc, // named after its route
		"SendMessage":                  render.TypeServerlessFunc,
	} {
		if r, ok := tpl.Resource(id); !ok || r.Type != typ {
			t.Errorf("resource %s: got %q, want type %s", id, r.Type, typ)
		}
	}
	if !strings.Contains(stderr, "Wrote template.yaml") {
		t.Errorf("stderr does not report the write: %q", stderr)
	}
}

func TestNewFormats(t *testing.T) {
	tests := []struct {
		name   string
		args   []string
		file   string // written file, or "" for stdout
		json   bool
		fnType string
	}{
		{"stdout yaml", []string{"--stdout"}, "", false, render.TypeServerlessFunc},
		{"stdout json", []string{"--stdout", "--json"}, "", true, render.TypeServerlessFunc},
		{"json path", []string{"api.json"}, "api.json", true, render.TypeServerlessFunc},
		{"cfn", []string{"--format", "cfn", "cfn.yaml"}, "cfn.yaml", false, render.TypeLambdaFunction},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			args := append([]string{"--name", "Prices", "--endpoint", "$default=PriceFunction,2-way"}, tt.args...)
			stdout, stderr, code := runNew(t, dir, args...)
			if code != ExitOK {
				t.Fatalf("exit %d: %s", code, stderr)
			}
			src := []byte(stdout)
			if tt.file != "" {
				var err error
				if src, err = os.ReadFile(filepath.Join(dir, tt.file)); err != nil {
					t.Fatal(err)
				}
				if stdout != "" {
					t.Errorf("stdout not empty when writing a file: %q", stdout)
				}
			}
			tpl, err := render.Parse("out", src)
			if err != nil {
				t.Fatal(err)
			}
			if got := tpl.Format == render.JSON; got != tt.json {
				t.Errorf("JSON = %v, want %v", got, tt.json)
			}
			if r, _ := tpl.Resource("PriceFunction"); r.Type != tt.fnType {
				t.Errorf("function type %q, want %q", r.Type, tt.fnType)
			}
		})
	}
}

func TestNewRefusesBadInput(t *testing.T) {
	design := "name: X\nendpoints:\n  - route: $connect\n    mode: 2-way\n    handler: A\n"
	tests := []struct {
		name string
		args []string
		want []string // substrings of the message
	}{
		{"no name", []string{"--endpoint", "a"}, []string{"--name is required"}},
		{"no endpoint", []string{"--name", "A"}, []string{"--endpoint is required"}},
		{"bad mode", []string{"--name", "A", "--endpoint", "a,3-way"}, []string{`--endpoint "a,3-way"`, "not a mode"}},
		{"bad format", []string{"--name", "A", "--endpoint", "a", "--format", "cdk"}, []string{"--format", "sam or cfn"}},
		{"bad runtime", []string{"--name", "A", "--endpoint", "a", "--runtime", "java21"}, []string{"--runtime", "not offered"}},
		{"rules name their flags", []string{"--name", "A", "--endpoint", "a", "--endpoint", "$connect,2-way", "--stage", "$default", "--authorizer", "Auth", "--identity-source", "$request.header.x"},
			[]string{"--stage: $default does not work", `--endpoint "$connect,2-way": $connect is 1-way only`, "--identity-source: $request.header.x is HTTP API syntax"}},
		{"authorizer needs $connect", []string{"--name", "A", "--endpoint", "a", "--authorizer", "Auth"}, []string{"--authorizer: an authorizer runs when a client connects"}},
		{"identity source alone", []string{"--name", "A", "--endpoint", "a", "--identity-source", "route.request.header.A"}, []string{"--identity-source: give --authorizer too"}},
		{"design file position", []string{"--design", "d.yaml"}, []string{"d.yaml:4:11: endpoints[0].mode: $connect is 1-way only"}},
		{"design and endpoints", []string{"--design", "d.yaml", "--endpoint", "a"}, []string{"--design: give the endpoints"}},
		{"unknown design field", []string{"--design", "bad.yaml"}, []string{`bad.yaml:2:1: unknown field "endpoint"`}},
		{"flag overrides file", []string{"--design", "d.yaml", "--name", ""}, []string{"--name is required"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			if err := os.WriteFile(filepath.Join(dir, "d.yaml"), []byte(design), 0o644); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(dir, "bad.yaml"), []byte("name: X\nendpoint: []\n"), 0o644); err != nil {
				t.Fatal(err)
			}
			stdout, stderr, code := runNew(t, dir, tt.args...)
			if code != ExitUsage {
				t.Fatalf("exit %d, want %d; stderr: %s", code, ExitUsage, stderr)
			}
			for _, w := range tt.want {
				if !strings.Contains(stderr, w) {
					t.Errorf("message %q lacks %q", stderr, w)
				}
			}
			if stdout != "" {
				t.Errorf("wrote to stdout: %q", stdout)
			}
			if _, err := os.Stat(filepath.Join(dir, DefaultTemplate)); err == nil {
				t.Errorf("wrote %s", DefaultTemplate)
			}
		})
	}
}

func TestNewAddsToExistingFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "template.yaml")
	const mine = "# mine\nResources:\n  Table:   # keep me\n    Type: AWS::DynamoDB::Table\n"
	if err := os.WriteFile(path, []byte(mine), 0o644); err != nil {
		t.Fatal(err)
	}
	_, stderr, code := runNew(t, dir, "--name", "A", "--endpoint", "a=param:AFunctionArn", "--yes")
	if code != ExitOK {
		t.Fatalf("exit %d, stderr %q", code, stderr)
	}
	got, _ := os.ReadFile(path)
	// The new Parameters section goes before the comment that opens Resources.
	if !strings.HasPrefix(string(got), "Parameters:\n") || !strings.Contains(string(got), "\n\n"+mine) {
		t.Errorf("the existing text changed:\n%s", got)
	}
	if !strings.Contains(stderr, "+  AARoute:") {
		t.Errorf("the diff is not shown on stderr: %q", stderr)
	}
	tpl, err := render.Parse(path, got)
	if err != nil {
		t.Fatal(err)
	}
	apis, err := render.Import(tpl)
	if err != nil || len(apis) != 1 || apis[0].Resource.ID != "A" {
		t.Fatalf("imported %v, %v", apis, err)
	}
}

func TestNewIntoExistingFileAsksFirst(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "template.yaml")
	const mine = "Resources:\n  Table:\n    Type: AWS::DynamoDB::Table\n"
	if err := os.WriteFile(path, []byte(mine), 0o644); err != nil {
		t.Fatal(err)
	}
	args := []string{"--name", "Second", "--endpoint", "a=param:AFunctionArn"}
	_, stderr, code := runNew(t, dir, args...)
	if code != ExitUsage || !strings.Contains(stderr, "pass --yes") {
		t.Fatalf("without a terminal and --yes: exit %d, stderr %q", code, stderr)
	}
	if got, _ := os.ReadFile(path); string(got) != mine {
		t.Fatalf("written without --yes:\n%s", got)
	}
	if _, stderr, code = runNew(t, dir, append(args, "--yes")...); code != ExitOK {
		t.Fatalf("with --yes: exit %d, stderr %q", code, stderr)
	}
	once, _ := os.ReadFile(path)
	// Run again, the same API is refused at the Name already there, not
	// added as Second2.
	line := strings.Count(string(once[:strings.Index(string(once), "Name: Second\n")]), "\n") + 1
	_, stderr, code = runNew(t, dir, append(args, "--yes")...)
	if code != ExitUsage || !strings.Contains(stderr, fmt.Sprintf("template.yaml:%d:13: template.yaml already has a WebSocket API named Second (Second)", line)) {
		t.Fatalf("second run: exit %d, stderr %q", code, stderr)
	}
	if got, _ := os.ReadFile(path); string(got) != string(once) {
		t.Errorf("the second run changed the file:\n%s", got)
	}
	// The name is refused before anything else is asked for.
	if _, stderr, code = runNew(t, dir, "--name", "Second"); code != ExitUsage || !strings.Contains(stderr, "already has a WebSocket API named Second") {
		t.Errorf("name alone: exit %d, stderr %q", code, stderr)
	}
}

func TestNewRefusesBadExistingFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "template.yaml")
	const mine = "# mine\nResources: [\n"
	if err := os.WriteFile(path, []byte(mine), 0o644); err != nil {
		t.Fatal(err)
	}
	_, stderr, code := runNew(t, dir, "--name", "A", "--endpoint", "a")
	if code != ExitUsage || !strings.Contains(stderr, "template.yaml:") {
		t.Fatalf("exit %d, stderr %q", code, stderr)
	}
	if got, _ := os.ReadFile(path); string(got) != mine {
		t.Errorf("the existing file changed: %q", got)
	}
}

func TestNewDesignFromStdin(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	root := newRoot(BuildInfo{})
	var out bytes.Buffer
	root.SetOut(&out)
	root.SetErr(&bytes.Buffer{})
	root.SetIn(strings.NewReader(`{"name": "Chat", "endpoints": [{"route": "$default", "handler": "Fn"}]}`))
	root.SetArgs([]string{"new", "--design", "-", "--stdout", "--stage", "dev"})
	if err := root.Execute(); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "StageName: dev") || !strings.Contains(out.String(), "Fn:") {
		t.Errorf("unexpected template:\n%s", out.String())
	}
}

// TestNewWritesTheGolden ties the command to the renderer's goldens: new
// with a design file writes exactly the golden of that design.
func TestNewWritesTheGolden(t *testing.T) {
	for _, tt := range []struct{ design, golden string }{
		{"chat.json", "chat.yaml.golden"},
		{"cfn.yaml", "cfn.yaml.golden"},
		{"json-output.yaml", "json-output.json.golden"},
	} {
		t.Run(tt.design, func(t *testing.T) {
			testdata, err := filepath.Abs(filepath.Join("..", "..", "render", "testdata"))
			if err != nil {
				t.Fatal(err)
			}
			want, err := os.ReadFile(filepath.Join(testdata, "golden", tt.golden))
			if err != nil {
				t.Fatal(err)
			}
			args := []string{"--design", filepath.Join(testdata, "designs", tt.design), "--stdout"}
			if strings.HasPrefix(tt.design, "cfn") {
				args = append(args, "--format", "cfn")
			}
			if strings.Contains(tt.golden, ".json.") {
				args = append(args, "--json")
			}
			stdout, stderr, code := runNew(t, t.TempDir(), args...)
			if code != ExitOK {
				t.Fatalf("exit %d: %s", code, stderr)
			}
			if stdout != string(want) {
				t.Errorf("new wrote:\n%s\nthe golden holds:\n%s", stdout, want)
			}
		})
	}
}

func TestNewStdoutNamesTheStubsCommand(t *testing.T) {
	dir := t.TempDir()
	args := []string{"--name", "Chat", "--endpoint", "$connect=OnConnect", "--endpoint", "it's=Send,2-way"}
	stdout, stderr, code := runNew(t, dir, append(args, "--stdout")...)
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	const want = "src/on-connect/, src/send/\nbeside the template. Write their handler stubs there with:\n" +
		`  wsdesign new --endpoint '$connect=OnConnect' --endpoint 'it'\''s=Send,2-way' --name Chat --stubs-only` + "\n"
	if !strings.Contains(stderr, want) {
		t.Fatalf("stderr %q lacks %q", stderr, want)
	}
	// The command named writes the stubs of every code folder of the
	// template, and not the template.
	if _, stderr, code := runNew(t, dir, append(args, "--stubs-only")...); code != ExitOK {
		t.Fatalf("--stubs-only: exit %d: %s", code, stderr)
	}
	tpl, err := render.Parse("out", []byte(stdout))
	if err != nil {
		t.Fatal(err)
	}
	var folders int
	for _, f := range render.Functions(tpl) {
		r, _ := tpl.Resource(f.ID)
		uri := render.Text(r.Prop("CodeUri"))
		if _, err := os.Stat(filepath.Join(dir, uri, "index.mjs")); err != nil {
			t.Errorf("%s: CodeUri %s has no handler: %v", f.ID, uri, err)
		}
		folders++
	}
	if folders != 2 {
		t.Errorf("%d functions, want 2", folders)
	}
	if _, err := os.Stat(filepath.Join(dir, DefaultTemplate)); err == nil {
		t.Errorf("--stubs-only wrote %s", DefaultTemplate)
	}
	for _, other := range [][]string{{"--stdout", "--no-stubs"}, {"--stdout", "--format", "cfn"}} {
		if _, stderr, _ := runNew(t, t.TempDir(), append(args, other...)...); strings.Contains(stderr, "stubs") {
			t.Errorf("%v: stubs noted: %q", other, stderr)
		}
	}
	if _, stderr, code := runNew(t, t.TempDir(), append(args, "--stubs-only", "--format", "cfn")...); code != ExitUsage {
		t.Errorf("--stubs-only --format cfn: exit %d: %s", code, stderr)
	}
}

// TestNewDesignFileFormat: a design file's format chooses the template's,
// and --format overrides it.
func TestNewDesignFileFormat(t *testing.T) {
	dir := t.TempDir()
	design := "name: Chat\nformat: cfn\nendpoints:\n  - {route: $default, handler: Fn}\n"
	if err := os.WriteFile(filepath.Join(dir, "d.yaml"), []byte(design), 0o644); err != nil {
		t.Fatal(err)
	}
	out, stderr, code := runNew(t, dir, "--design", "d.yaml", "--stdout")
	if code != ExitOK || strings.Contains(out, "AWS::Serverless") || !strings.Contains(out, "Type: AWS::Lambda::Function") {
		t.Fatalf("format: cfn did not write plain CloudFormation (exit %d, %s):\n%s", code, stderr, out)
	}
	out, stderr, code = runNew(t, dir, "--design", "d.yaml", "--stdout", "--format", "sam")
	if code != ExitOK || !strings.Contains(out, "Type: AWS::Serverless::Function") {
		t.Fatalf("--format sam did not override the file (exit %d, %s):\n%s", code, stderr, out)
	}
}
