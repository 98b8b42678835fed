package stub

import (
	"encoding/json"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/charmbracelet/x/exp/golden"

	"github.com/wsdesign/wsdesign/model"
)

func newFunction(id, runtime string) model.LambdaLink {
	f := model.NewFunction(id)
	f.Runtime = runtime
	return f
}

func paths(files []File) []string {
	var out []string
	for _, f := range files {
		out = append(out, f.Path)
	}
	return out
}

func TestForWritesOnlyNewFunctions(t *testing.T) {
	chat := newFunction("ChatFunction", "nodejs24.x")
	d := model.Design{
		Name: "Chat",
		Endpoints: []model.Endpoint{
			{Route: "$connect", Handler: chat},
			{Route: "send", Handler: newFunction("SendMessageFunction", "python3.14")},
			{Route: "old", Handler: model.Existing("LegacyFunction")},
			{Route: "ext", Handler: model.ARNParameter("ExternalArn")},
			{Route: "mock", Foreign: "MOCK"},
			{Route: "$disconnect", Handler: chat},
		},
		Authorizer: &model.Authorizer{Handler: newFunction("AuthFunction", "python3.13")},
	}
	d.Normalize()
	want := []string{
		"src/chat/index.mjs", "src/chat/package.json",
		"src/send-message/app.py",
		"src/auth/app.py",
	}
	got := For(d)
	if !slices.Equal(paths(got), want) {
		t.Fatalf("For paths = %q, want %q", paths(got), want)
	}
	for _, f := range got {
		if f.Mode != 0o644 {
			t.Errorf("%s: mode %v, want 0644", f.Path, f.Mode)
		}
		if len(f.Content) == 0 || f.Content[len(f.Content)-1] != '\n' || strings.HasSuffix(string(f.Content), "\n\n") {
			t.Errorf("%s: content must end with exactly one newline", f.Path)
		}
	}
	if again := For(d); !reflect.DeepEqual(again, got) {
		t.Error("For is not deterministic")
	}
}

func TestForEveryOfferedRuntime(t *testing.T) {
	for _, rt := range model.Runtimes {
		d := model.Design{Endpoints: []model.Endpoint{{Route: "ping", Mode: model.TwoWay, Handler: newFunction("PingFunction", rt)}}}
		files := For(d)
		var want []string
		switch {
		case strings.HasPrefix(rt, "nodejs"):
			want = []string{"src/ping/index.mjs", "src/ping/package.json"}
		case strings.HasPrefix(rt, "python"):
			want = []string{"src/ping/app.py"}
		}
		if want == nil || !slices.Equal(paths(files), want) {
			t.Errorf("%s: paths %q, want %q", rt, paths(files), want)
		}
	}
}

func TestForSkipsFoldersItCannotOwn(t *testing.T) {
	link := func(id, uri string) model.LambdaLink {
		f := newFunction(id, "python3.13")
		f.CodeURI = uri
		return f
	}
	d := model.Design{Endpoints: []model.Endpoint{
		{Route: "a", Handler: link("AFunction", "../outside/")},
		{Route: "b", Handler: link("BFunction", "/abs/")},
		{Route: "c", Handler: newFunction("CFunction", "java21")},
		{Route: "d", Handler: link("DFunction", "handlers/shared")},
		{Route: "e", Handler: link("EFunction", "handlers/shared/")},
		{Route: "f", Handler: link("FFunction", "")},
	}}
	want := []string{"handlers/shared/app.py", "src/f/app.py"}
	if got := paths(For(d)); !slices.Equal(got, want) {
		t.Errorf("paths %q, want %q", got, want)
	}
}

// TestPackageJSON checks that the Node.js package declares the SDK exactly
// when the handler posts back to clients.
func TestPackageJSON(t *testing.T) {
	d := model.Design{
		Endpoints: []model.Endpoint{
			{Route: "$connect", Handler: newFunction("ConnectFunction", "nodejs22.x")},
			{Route: "send", Handler: newFunction("SendFunction", "nodejs24.x")},
		},
		Authorizer: &model.Authorizer{Handler: newFunction("AuthFunction", "nodejs24.x")},
	}
	d.Normalize()
	wantDeps := map[string]bool{"src/connect/package.json": false, "src/send/package.json": true, "src/auth/package.json": false}
	seen := 0
	for _, f := range For(d) {
		want, ok := wantDeps[f.Path]
		if !ok {
			continue
		}
		seen++
		var pkg struct {
			Name         string            `json:"name"`
			Main         string            `json:"main"`
			Dependencies map[string]string `json:"dependencies"`
		}
		if err := json.Unmarshal(f.Content, &pkg); err != nil {
			t.Fatalf("%s: %v\n%s", f.Path, err, f.Content)
		}
		if pkg.Main != "index.mjs" || pkg.Name == "" || strings.ToLower(pkg.Name) != pkg.Name {
			t.Errorf("%s: name %q main %q", f.Path, pkg.Name, pkg.Main)
		}
		if got := pkg.Dependencies[SDKPackage] != ""; got != want {
			t.Errorf("%s: declares %s = %v, want %v", f.Path, SDKPackage, got, want)
		}
	}
	if seen != len(wantDeps) {
		t.Errorf("found %d package.json files, want %d", seen, len(wantDeps))
	}
}

// TestRoutesAreQuoted checks that route keys, which may hold any character,
// reach the code only as string literals.
func TestRoutesAreQuoted(t *testing.T) {
	f := newFunction("OddFunction", "python3.13")
	d := model.Design{Endpoints: []model.Endpoint{
		{Route: `say "hi"`, Handler: f},
		{Route: `back\slash`, Mode: model.TwoWay, Handler: f},
	}}
	for _, file := range For(d) {
		src := string(file.Content)
		for _, lit := range []string{`"say \"hi\""`, `"back\\slash"`} {
			if !strings.Contains(src, "case "+lit) {
				t.Errorf("%s: no case for %s:\n%s", file.Path, lit, src)
			}
		}
	}
}

func BenchmarkFor(b *testing.B) {
	chat := newFunction("ChatFunction", "nodejs24.x")
	d := model.Design{
		Endpoints:  []model.Endpoint{{Route: "$connect", Handler: chat}, {Route: "send", Handler: chat}, {Route: "echo", Mode: model.TwoWay, Handler: newFunction("EchoFunction", "python3.13")}},
		Authorizer: &model.Authorizer{Handler: newFunction("AuthFunction", "nodejs24.x")},
	}
	d.Normalize()
	for b.Loop() {
		For(d)
	}
}

// TestGolden keeps the stubs of a typical chat API in testdata, so that a
// change to the templates shows in review as a change to the code users get.
func TestGolden(t *testing.T) {
	for _, family := range []string{"nodejs", "python"} {
		t.Run(family, func(t *testing.T) {
			rt := map[string]string{"nodejs": "nodejs24.x", "python": "python3.13"}[family]
			chat := newFunction("ChatFunction", rt)
			d := model.Design{
				Name: "Chat",
				Endpoints: []model.Endpoint{
					{Route: model.RouteConnect, Handler: chat},
					{Route: model.RouteDisconnect, Handler: chat},
					{Route: "sendMessage", Handler: chat},
					{Route: model.RouteDefault, Mode: model.TwoWay, Handler: newFunction("DefaultFunction", rt)},
				},
				Authorizer: &model.Authorizer{Handler: newFunction("AuthFunction", rt)},
			}
			d.Normalize()
			var b strings.Builder
			for _, f := range For(d) {
				b.WriteString("==== " + f.Path + "\n")
				b.Write(f.Content)
			}
			golden.RequireEqual(t, b.String())
		})
	}
}
