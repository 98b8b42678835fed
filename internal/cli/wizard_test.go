package cli

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/wsdesign/wsdesign/model"
	"github.com/wsdesign/wsdesign/render"
	"github.com/wsdesign/wsdesign/tui"
)

// Without a terminal the wizard never starts, even when asked for in its
// accessible form: the command names the flags at once and writes nothing.
func TestNewWithoutTerminalNamesTheFlags(t *testing.T) {
	for _, args := range [][]string{nil, {"--accessible"}, {"--name", "Chat"}} {
		dir := t.TempDir()
		_, stderr, code := runNew(t, dir, args...)
		if code != ExitUsage {
			t.Errorf("%v: exit %d, want %d", args, code, ExitUsage)
		}
		if !strings.Contains(stderr, "is required") || !strings.Contains(stderr, "--") {
			t.Errorf("%v: the error does not name the flag: %q", args, stderr)
		}
		if _, err := os.Stat(filepath.Join(dir, DefaultTemplate)); err == nil {
			t.Errorf("%v: a template was written", args)
		}
	}
}

// TestWizardPreviewListsFiles: the Review screen lists every file new will
// write (the template and the handler stubs) and the code folders it keeps.
func TestWizardPreviewListsFiles(t *testing.T) {
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "src", "on-connect"), 0o755); err != nil {
		t.Fatal(err)
	}
	d := model.Design{Name: "Chat", Endpoints: []model.Endpoint{
		{Route: model.RouteConnect, Handler: model.NewFunction("OnConnectFunction")},
		{Route: "send", Mode: model.TwoWay, Handler: model.NewFunction("SendFunction")},
	}}
	d.Normalize()
	tpl := filepath.Join(dir, "template.yaml")
	var o newOptions
	p := o.wizardOptions(d, render.SAM, tpl).Preview(tui.Answers{Design: d})
	if p.Err != nil {
		t.Fatal(p.Err)
	}
	want := []string{
		tpl,
		filepath.Join(dir, "src", "send", "index.mjs"),
		filepath.Join(dir, "src", "send", "package.json"),
		filepath.Join(dir, "src", "on-connect") + " (exists: kept as it is)",
	}
	if !slices.Equal(p.Files, want) {
		t.Errorf("files:\n got %q\nwant %q", p.Files, want)
	}
	o.noStubs = true
	if p := o.wizardOptions(d, render.SAM, tpl).Preview(tui.Answers{Design: d}); !slices.Equal(p.Files, []string{tpl}) {
		t.Errorf("with --no-stubs: %q", p.Files)
	}
	o.noStubs = false
	if p := o.wizardOptions(d, render.CFN, tpl).Preview(tui.Answers{Design: d, CloudFormation: true}); !slices.Equal(p.Files, []string{tpl}) {
		t.Errorf("plain CloudFormation (inline code): %q", p.Files)
	}
}
