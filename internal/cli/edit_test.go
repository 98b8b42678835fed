package cli

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/wsdesign/wsdesign/internal/oracle"
	"github.com/wsdesign/wsdesign/model"
	"github.com/wsdesign/wsdesign/render"
	"github.com/wsdesign/wsdesign/tui"
)

const corpus = "../../../shared/corpus/realworld/"

// runEdit runs wsdesign edit on a copy of a corpus file and returns the
// file's path, stdout, stderr and the exit code.
func runEdit(t *testing.T, file string, args ...string) (path, stdout, stderr string, code int) {
	t.Helper()
	src, err := os.ReadFile(filepath.Join(corpus, file))
	if err != nil {
		t.Fatalf("the corpus is missing (../shared must be linked next to the module): %v", err)
	}
	path = filepath.Join(t.TempDir(), file)
	if err := os.WriteFile(path, src, 0o640); err != nil {
		t.Fatal(err)
	}
	root := newRoot(BuildInfo{})
	var out, errOut bytes.Buffer
	root.SetOut(&out)
	root.SetErr(&errOut)
	root.SetIn(strings.NewReader(""))
	root.SetArgs(append([]string{"edit", path}, args...))
	err = root.Execute()
	if err != nil {
		errOut.WriteString(err.Error())
	}
	return path, out.String(), errOut.String(), exitCode(err)
}

func importAPIs(t *testing.T, path string) []render.API {
	t.Helper()
	tpl, err := render.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	apis, err := render.Import(tpl)
	if err != nil {
		t.Fatal(err)
	}
	return apis
}

func TestEditWritesWithYes(t *testing.T) {
	path, stdout, stderr, code := runEdit(t, "01-simple-websockets-chat-app.yaml",
		"--add-endpoint", "typing=SendMessageFunction,2-way", "--remove-endpoint", "$disconnect",
		"--set-endpoint", "sendmessage,2-way", "--name", "Chat", "--yes", "--backup")
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if !strings.Contains(stdout, "+      Name: Chat") || !strings.Contains(stdout, "-  DisconnectRoute:") {
		t.Errorf("stdout is not the diff:\n%s", stdout)
	}
	d := importAPIs(t, path)[0].Design
	if d.Name != "Chat" || len(d.Endpoints) != 3 {
		t.Fatalf("edited design: %+v", d)
	}
	for _, want := range []struct {
		route, mode, handler string
	}{{"$connect", "1-way", "OnConnectFunction"}, {"sendmessage", "2-way", "SendMessageFunction"}, {"typing", "2-way", "SendMessageFunction"}} {
		e, ok := d.Endpoint(want.route)
		if !ok || e.Mode.String() != want.mode || e.Handler.Key() != want.handler {
			t.Errorf("endpoint %s: %+v, want %s %s", want.route, e, want.mode, want.handler)
		}
	}
	if fi, _ := os.Stat(path); fi.Mode().Perm() != 0o640 {
		t.Errorf("mode %v, want 0640 kept", fi.Mode().Perm())
	}
	orig, _ := os.ReadFile(filepath.Join(corpus, "01-simple-websockets-chat-app.yaml"))
	if backup, _ := os.ReadFile(path + "~"); !bytes.Equal(backup, orig) {
		t.Error("--backup did not keep the previous file")
	}
}

func TestEditGrant(t *testing.T) {
	path, _, stderr, code := runEdit(t, "01-simple-websockets-chat-app.yaml",
		"--add-endpoint", "hello=OnConnectFunction", "--grant", "--yes")
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	src, _ := os.ReadFile(path)
	tpl, _ := render.Parse(path, src)
	fn, _ := tpl.Resource("OnConnectFunction")
	if render.Get(render.Get(fn.Prop("Environment"), "Variables"), render.CallbackEnv) == nil {
		t.Errorf("--grant did not add %s to OnConnectFunction", render.CallbackEnv)
	}
	if !strings.Contains(string(src), "execute-api:ManageConnections\n              Resource: !Sub arn:${AWS::Partition}:execute-api:${AWS::Region}:${AWS::AccountId}:${SimpleChatWebSocket}/Prod/*/@connections/*") {
		t.Errorf("--grant did not add the ManageConnections statement:\n%s", src)
	}
}

// TestEditRefuses covers bad input: every case exits 2 and leaves the file
// as it was.
func TestEditRefuses(t *testing.T) {
	tests := []struct {
		name, file string
		args       []string
		reason     string
	}{
		{"no change", "01-simple-websockets-chat-app.yaml", nil, "no change given"},
		{"unknown route", "01-simple-websockets-chat-app.yaml", []string{"--remove-endpoint", "nope", "--yes"}, "no such route"},
		{"duplicate route", "01-simple-websockets-chat-app.yaml", []string{"--add-endpoint", "sendmessage", "--yes"}, "already has route"},
		{"invalid stage", "01-simple-websockets-chat-app.yaml", []string{"--stage", "$default", "--yes"}, "stage"},
		{"no terminal, no --yes", "01-simple-websockets-chat-app.yaml", []string{"--name", "X"}, "pass --yes"},
		{"several APIs", "24-sam-transformed-globals-two-apis.json", []string{"--name", "X", "--yes"}, "choose one with --api"},
		{"unknown API", "24-sam-transformed-globals-two-apis.json", []string{"--api", "Nope", "--name", "X", "--yes"}, "has no WebSocket API of that logical ID"},
		{"foreign route", "09-sp-sns-mock.yaml", []string{"--set-endpoint", "sendOrder=X", "--yes"}, "keeps as written"},
		{"dry run", "01-simple-websockets-chat-app.yaml", []string{"--name", "X", "--dry-run"}, ""},
		// A spec that changes nothing of a foreign route is no change.
		{"no change on a foreign route", "09-sp-sns-mock.yaml", []string{"--set-endpoint", "sendOrder", "--yes"}, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			path, _, stderr, code := runEdit(t, tc.file, tc.args...)
			orig, _ := os.ReadFile(filepath.Join(corpus, tc.file))
			if got, _ := os.ReadFile(path); !bytes.Equal(got, orig) {
				t.Error("the file changed")
			}
			if tc.reason == "" {
				if code != ExitOK {
					t.Errorf("exit %d: %s", code, stderr)
				}
				return
			}
			if code != ExitUsage || !strings.Contains(stderr, tc.reason) {
				t.Errorf("exit %d, stderr %q; want 2 and %q", code, stderr, tc.reason)
			}
		})
	}
}

// TestEditReadOnly: a read-only template is refused before the diff is
// shown (exit 2, nothing written), and replaced with --force, keeping its
// mode.
func TestEditReadOnly(t *testing.T) {
	const file = "01-simple-websockets-chat-app.yaml"
	orig, err := os.ReadFile(filepath.Join(corpus, file))
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), file)
	if err := os.WriteFile(path, orig, 0o444); err != nil {
		t.Fatal(err)
	}
	run := func(args ...string) (stdout, stderr string, code int) {
		root := newRoot(BuildInfo{})
		var out, errOut bytes.Buffer
		root.SetOut(&out)
		root.SetErr(&errOut)
		root.SetIn(strings.NewReader(""))
		root.SetArgs(append([]string{"edit", path, "--name", "Chat", "--yes"}, args...))
		err := root.Execute()
		if err != nil {
			errOut.WriteString(err.Error())
		}
		return out.String(), errOut.String(), exitCode(err)
	}
	stdout, stderr, code := run()
	if got, _ := os.ReadFile(path); code != ExitUsage || stdout != "" || !strings.Contains(stderr, "read-only") || !bytes.Equal(got, orig) {
		t.Errorf("read-only: exit %d, stdout %q, stderr %q, file changed %v; want exit 2, no diff, the reason, the file as it was", code, stdout, stderr, !bytes.Equal(got, orig))
	}
	if strings.Count(stderr, "written") != 1 {
		t.Errorf("stderr says twice what was written: %q", stderr)
	}
	if _, stderr, code := run("--force"); code != ExitOK {
		t.Fatalf("--force: exit %d: %s", code, stderr)
	}
	if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o444 {
		t.Errorf("--force: mode %v (%v), want 0444 kept", fi.Mode().Perm(), err)
	}
	if importAPIs(t, path)[0].Design.Name != "Chat" {
		t.Error("--force did not write the edit")
	}
}

func TestEditMalformedTemplate(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "t.yaml")
	const bad = "Resources:\n  A:\n    Type: X\n  A:\n    Type: Y\n"
	if err := os.WriteFile(path, []byte(bad), 0o644); err != nil {
		t.Fatal(err)
	}
	root := newRoot(BuildInfo{})
	var errOut bytes.Buffer
	root.SetOut(&bytes.Buffer{})
	root.SetErr(&errOut)
	root.SetArgs([]string{"edit", path, "--name", "X", "--yes"})
	err := root.Execute()
	if exitCode(err) != ExitUsage || !strings.Contains(err.Error(), "t.yaml:4:3: duplicate key") {
		t.Fatalf("exit %d: %v", exitCode(err), err)
	}
	if got, _ := os.ReadFile(path); string(got) != bad {
		t.Error("the file changed")
	}
}

// TestEditGeneratedTemplateStaysClean edits a template that new wrote, one
// change at a time, and asks the independent checkers about each result:
// an edited wsdesign template must stay as correct as a new one.
func TestEditGeneratedTemplateStaysClean(t *testing.T) {
	dir := t.TempDir()
	if _, stderr, code := runNew(t, dir, "--name", "Chat", "--endpoint", "$connect=OnConnect", "--endpoint", "send=Send,2-way"); code != ExitOK {
		t.Fatalf("new: exit %d: %s", code, stderr)
	}
	path := filepath.Join(dir, DefaultTemplate)
	var snapshots []string
	for i, change := range [][]string{
		{"--stage", "v2"},
		{"--add-endpoint", "typing=Send,2-way", "--add-endpoint", "$default=Fallback"},
		{"--set-endpoint", "send,1-way", "--set-endpoint", "typing=OnConnect", "--grant"},
		{"--authorizer", "Auth"},
		{"--remove-endpoint", "send", "--route-selector", "type"},
		{"--authorizer", "none", "--name", "Chat room"},
	} {
		root := newRoot(BuildInfo{})
		var errOut bytes.Buffer
		root.SetOut(&bytes.Buffer{})
		root.SetErr(&errOut)
		root.SetArgs(append([]string{"edit", path, "--yes"}, change...))
		if err := root.Execute(); err != nil {
			t.Fatalf("edit %v: %v\n%s", change, err, errOut.String())
		}
		snap := filepath.Join(dir, fmt.Sprintf("step%d.yaml", i))
		src, _ := os.ReadFile(path)
		if err := os.WriteFile(snap, src, 0o644); err != nil {
			t.Fatal(err)
		}
		snapshots = append(snapshots, snap)
	}
	oracle.Clean(t, snapshots...)
	d := importAPIs(t, path)[0].Design
	if d.Name != "Chat room" || d.Stage != "v2" || d.RouteSelector != "type" || d.Authorizer != nil || len(d.Endpoints) != 3 {
		t.Errorf("final design: %+v", d)
	}
}

// TestEditWizardReview checks what the wizard's Review screen shows when
// editing: the diff against the file, nothing for an unchanged design, and
// the reason for a design that cannot be written.
func TestEditWizardReview(t *testing.T) {
	src, err := os.ReadFile(filepath.Join(corpus, "01-simple-websockets-chat-app.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	tpl, err := render.Parse("template.yaml", src)
	if err != nil {
		t.Fatal(err)
	}
	apis, err := render.Import(tpl)
	if err != nil {
		t.Fatal(err)
	}
	opts := templateEdit{t: tpl, api: &apis[0], opt: render.EditOptions{Flavor: render.SAM}}.wizard()
	if opts.Design.Name != "SimpleChatWebSocket" || len(opts.Functions) != 3 || opts.IDs.Pinned == nil {
		t.Fatalf("wizard options: %+v", opts)
	}
	if opts.IDs.Taken("ConnectRoute") || !opts.IDs.Taken("ConnectionsTable") {
		t.Error("the API's own IDs must not count as taken, the others must")
	}
	if p := opts.Preview(tui.Answers{Design: opts.Design}); p.Err != nil || p.Diff != "" || p.YAML != string(src) {
		t.Errorf("unchanged design: err %v, diff %q", p.Err, p.Diff)
	}
	d := opts.Design
	d.Endpoints = append(slices.Clone(d.Endpoints), model.Endpoint{Route: "typing", Handler: model.Existing("SendMessageFunction")})
	p := opts.Preview(tui.Answers{Design: d})
	if p.Err != nil || !strings.Contains(p.Diff, "+      RouteKey: typing") || p.Types["SimpleChatWebSocketTypingRoute"] != render.TypeRoute {
		t.Errorf("added endpoint: err %v, types %v, diff:\n%s", p.Err, p.Types, p.Diff)
	}
	d.Stage = "$default"
	if p := opts.Preview(tui.Answers{Design: d}); p.Err == nil {
		t.Error("an invalid stage gave no error")
	}
}

// TestEditChooseAPI answers the question of which API to edit in its
// accessible form.
func TestEditChooseAPI(t *testing.T) {
	apis := importAPIs(t, filepath.Join(corpus, "24-sam-transformed-globals-two-apis.json"))
	for answer, want := range map[string]int{"2\n": 1, "3\n": 2} {
		cmd := newEditCmd()
		cmd.SetIn(strings.NewReader(answer))
		cmd.SetErr(&bytes.Buffer{})
		o := editOptions{wizard: wizardOptions{accessible: true}}
		got, err := o.choose(cmd, "t.json", apis)
		if err != nil || got != want {
			t.Errorf("answer %q: got %d, %v; want %d", answer, got, err, want)
		}
	}
}

// TestEditAndNewRefuseBadTemplates runs edit, and new into an existing
// file, on every bad template of render's test data and on a 50 MB file:
// each exits 2 with the position and leaves the file as it was.
func TestEditAndNewRefuseBadTemplates(t *testing.T) {
	bad, err := filepath.Glob("../../render/testdata/bad/*")
	if err != nil || len(bad) == 0 {
		t.Fatalf("no bad templates: %v", err)
	}
	huge := filepath.Join(t.TempDir(), "huge.yaml")
	if err := os.WriteFile(huge, bytes.Repeat([]byte("# padding padding padding padding padding padding\n"), 1<<20), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, src := range append(bad, huge) {
		orig, err := os.ReadFile(src)
		if err != nil {
			t.Fatal(err)
		}
		for _, args := range [][]string{{"edit", "--name", "X", "--yes"}, {"new", "--name", "A", "--endpoint", "a"}} {
			path := filepath.Join(t.TempDir(), filepath.Base(src))
			if err := os.WriteFile(path, orig, 0o644); err != nil {
				t.Fatal(err)
			}
			root := newRoot(BuildInfo{})
			root.SetOut(&bytes.Buffer{})
			root.SetErr(&bytes.Buffer{})
			root.SetIn(strings.NewReader(""))
			root.SetArgs(append([]string{args[0], path}, args[1:]...))
			err := root.Execute()
			if code := exitCode(err); code != ExitUsage || err == nil || !strings.Contains(err.Error(), path+":") {
				t.Errorf("%s %s: exit %d, %v; want 2 and file:line:col", args[0], filepath.Base(src), code, err)
			}
			if got, _ := os.ReadFile(path); !bytes.Equal(got, orig) {
				t.Errorf("%s %s: the file changed", args[0], filepath.Base(src))
			}
		}
	}
}

func TestEditWritesStubsOfNewFunctions(t *testing.T) {
	path, _, stderr, code := runEdit(t, "01-simple-websockets-chat-app.yaml", "--add-endpoint", "ping=PingFunction", "--yes")
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	entries, err := os.ReadDir(filepath.Join(filepath.Dir(path), "src", "ping"))
	if err != nil || len(entries) == 0 {
		t.Errorf("no handler stub for PingFunction: %v (stderr %q)", err, stderr)
	}
	path, _, stderr, code = runEdit(t, "01-simple-websockets-chat-app.yaml", "--add-endpoint", "ping=PingFunction", "--yes", "--no-stubs")
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if _, err := os.Stat(filepath.Join(filepath.Dir(path), "src")); err == nil {
		t.Error("--no-stubs wrote stubs")
	}
}
