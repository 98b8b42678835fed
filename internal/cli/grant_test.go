package cli

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/wsdesign/wsdesign/internal/oracle"
	"github.com/wsdesign/wsdesign/model"
	"github.com/wsdesign/wsdesign/render"
	"github.com/wsdesign/wsdesign/tui"
)

// grantCorpus is a template whose functions cannot post to clients.
const grantCorpus = "14-serverless-websocket-chat.yaml"

// copyCorpus copies a corpus file into a new folder as template.yaml.
func copyCorpus(t *testing.T, file string) string {
	t.Helper()
	src, err := os.ReadFile(filepath.Join(corpus, file))
	if err != nil {
		t.Fatalf("the corpus is missing (../shared must be linked next to the module): %v", err)
	}
	path := filepath.Join(t.TempDir(), "template.yaml")
	if err := os.WriteFile(path, src, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// echoLinked is the design of the template's API with an endpoint echo,
// 2-way, handled by the template's OnConnectFunction.
func echoLinked(d model.Design) model.Design {
	d.Endpoints = append(slices.Clone(d.Endpoints), model.Endpoint{Route: "echo", Mode: model.TwoWay, Handler: model.Existing("OnConnectFunction")})
	return d
}

// TestEditWizardGrantPreview: the Review names the linked function that
// cannot post to clients, with or without the grant, and its diff holds the
// statement and the variable only with it.
func TestEditWizardGrantPreview(t *testing.T) {
	tpl, apis, err := importFile(copyCorpus(t, grantCorpus))
	if err != nil {
		t.Fatal(err)
	}
	opts := templateEdit{t: tpl, api: &apis[0], opt: render.EditOptions{Flavor: render.SAM}}.wizard()
	if p := opts.Preview(tui.Answers{Design: opts.Design, Grant: true}); p.Err != nil || len(p.CannotPost) > 0 || p.Diff != "" {
		t.Errorf("unchanged design: err %v, cannot post %v, diff %q", p.Err, p.CannotPost, p.Diff)
	}
	d := echoLinked(opts.Design)
	for _, grant := range []bool{false, true} {
		p := opts.Preview(tui.Answers{Design: d, Grant: grant})
		if p.Err != nil {
			t.Fatalf("grant %v: %v", grant, p.Err)
		}
		if !slices.Equal(p.CannotPost, []string{"OnConnectFunction"}) || p.Lacks != "execute-api:ManageConnections and "+render.CallbackEnv {
			t.Errorf("grant %v: cannot post %v, lacks %q", grant, p.CannotPost, p.Lacks)
		}
		granted := strings.Contains(p.Diff, "+          "+render.CallbackEnv+": ") && strings.Contains(p.Diff, "+              Action: execute-api:ManageConnections")
		if granted != grant || !strings.Contains(p.Diff, "+      RouteKey: echo") {
			t.Errorf("grant %v: the diff does not show what is written:\n%s", grant, p.Diff)
		}
	}
}

// TestEditWizardGrantWritten answers the wizard (in its accessible form):
// an endpoint echo linked to OnConnectFunction, then the grant. The answer
// reaches the written file, which the oracle accepts.
func TestEditWizardGrantWritten(t *testing.T) {
	for _, grant := range []string{"y", "n"} {
		path := copyCorpus(t, grantCorpus)
		tpl, apis, err := importFile(path)
		if err != nil {
			t.Fatal(err)
		}
		answers := strings.Join([]string{
			"", "", "", "", // name, selector, stage, logical ID as they are
			"1", "echo", "2", // another route, echo, 2-way
			"3", "1", // a function of the template: OnConnectFunction
			"2",   // done adding endpoints
			"n",   // no authorizer
			grant, // give OnConnectFunction what it lacks
			"y",   // write
		}, "\n") + "\n"
		cmd := newEditCmd()
		var stderr bytes.Buffer
		cmd.SetIn(strings.NewReader(answers))
		cmd.SetOut(&bytes.Buffer{})
		cmd.SetErr(&stderr)
		o := editOptions{wizard: wizardOptions{accessible: true}}
		te := templateEdit{t: tpl, opt: render.EditOptions{Flavor: render.SAM}}
		if err := o.interactive(cmd, te, apis); err != nil {
			t.Fatalf("grant %s: %v\n%s", grant, err, stderr.String())
		}
		if !strings.Contains(stderr.String(), "OnConnectFunction cannot post to clients yet.") {
			t.Errorf("grant %s: the wizard did not ask:\n%s", grant, stderr.String())
		}
		if d := importAPIs(t, path)[0].Design; !slices.ContainsFunc(d.Endpoints, func(e model.Endpoint) bool {
			return e.Route == "echo" && e.Handler.FunctionID == "OnConnectFunction"
		}) {
			t.Fatalf("grant %s: echo was not written: %+v", grant, d.Endpoints)
		}
		src, _ := os.ReadFile(path)
		written, err := render.Parse(path, src)
		if err != nil {
			t.Fatal(err)
		}
		fn, _ := written.Resource("OnConnectFunction")
		hasEnv := render.Get(render.Get(fn.Prop("Environment"), "Variables"), render.CallbackEnv) != nil
		policies, _ := yaml.Marshal(fn.Prop("Policies"))
		hasStatement := strings.Contains(string(policies), "execute-api:ManageConnections")
		if hasEnv != (grant == "y") || hasStatement != (grant == "y") {
			t.Errorf("grant %s: %s %v, ManageConnections statement %v:\n%s", grant, render.CallbackEnv, hasEnv, hasStatement, src)
		}
		if grant == "y" {
			checkOracle(t, filepath.Join(corpus, grantCorpus), path)
		}
	}
}

// checkOracle checks an edited template with ../shared/oracle: cfn-validate
// accepts it, and ws-check finds in it nothing it does not find in the
// original.
func checkOracle(t *testing.T, original, edited string) {
	t.Helper()
	if out, code := oracle.Run(t, "cfn-validate", edited); code != 0 {
		t.Errorf("cfn-validate finds problems:\n%s", out)
	}
	findings := func(path string) []string {
		out, _ := oracle.Run(t, "ws-check", path)
		var lines []string
		for _, l := range strings.Split(strings.TrimSpace(string(out)), "\n") {
			if rest, ok := strings.CutPrefix(l, path+" "); ok {
				lines = append(lines, rest)
			}
		}
		return lines
	}
	before := findings(original)
	for _, f := range findings(edited) {
		if !slices.Contains(before, f) {
			t.Errorf("ws-check finds in the edited template: %s", f)
		}
	}
}
