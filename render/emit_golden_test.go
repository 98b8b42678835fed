package render_test

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/charmbracelet/x/exp/golden"
	"github.com/wsdesign/wsdesign/internal/designfile"
	"github.com/wsdesign/wsdesign/internal/oracle"
	"github.com/wsdesign/wsdesign/model"
	"github.com/wsdesign/wsdesign/render"
)

// goldenDesigns are the designs under testdata/designs and how each is
// written. cdk marks the designs whose wiring is compared with what the AWS
// CDK synthesises for the same design file.
var goldenDesigns = []struct {
	design string
	flavor render.Flavor
	format render.Format
	cdk    bool
}{
	{design: "minimal.yaml"},
	{design: "chat.json", cdk: true},
	{design: "two-way.json", cdk: true},
	{design: "authorizer.json", cdk: true},
	{design: "shared-function.yaml"},
	{design: "nested-selector.yaml"},
	{design: "fallback-name.yaml"},
	{design: "punctuation.yaml"},
	{design: "cfn.yaml", flavor: render.CFN},
	{design: "cfn-python.yaml", flavor: render.CFN},
	{design: "json-output.yaml", format: render.JSON},
	{design: "arn-parameter.yaml"},
}

// goldenName stores a golden under testdata/golden/ with a name that says
// what it holds, instead of under the test's name.
type goldenName struct {
	testing.TB
	name string
}

func (g goldenName) Name() string { return g.name }

func goldenPath(design string, f render.Format) string {
	return filepath.Join("testdata", "golden", strings.TrimSuffix(design, filepath.Ext(design))+"."+f.String()+".golden")
}

func loadDesign(t testing.TB, name string) model.Design {
	t.Helper()
	path := filepath.Join("testdata", "designs", name)
	src, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	f, err := designfile.Decode(path, src, designfile.Resolver{})
	if err != nil {
		t.Fatal(err)
	}
	return f.Design
}

func TestGolden(t *testing.T) {
	for _, g := range goldenDesigns {
		t.Run(g.design, func(t *testing.T) {
			d := loadDesign(t, g.design)
			frag, err := render.Build(d, render.Options{Flavor: g.flavor})
			if err != nil {
				t.Fatal(err)
			}
			out, err := render.Encode(render.NewTemplate(frag, render.Description(d)), g.format, 2)
			if err != nil {
				t.Fatal(err)
			}
			name := strings.TrimSuffix(goldenPath(g.design, g.format), ".golden")
			golden.RequireEqual(goldenName{t, strings.TrimPrefix(name, "testdata"+string(filepath.Separator))}, out)

			// The same design is written byte for byte the same.
			again, _ := render.Build(d, render.Options{Flavor: g.flavor})
			out2, _ := render.Encode(render.NewTemplate(again, render.Description(d)), g.format, 2)
			if !bytes.Equal(out, out2) {
				t.Error("a second rendering differs from the first")
			}

			// Read back, the template holds exactly the planned resources,
			// each of the type its role says, in the planned order.
			tpl, err := render.Parse(name, out)
			if err != nil {
				t.Fatal(err)
			}
			if tpl.Format != g.format {
				t.Errorf("written as %s, want %s", tpl.Format, g.format)
			}
			var want, got []string
			for _, id := range frag.Plan.All() {
				want = append(want, id.Value+" "+render.ResourceType(id.Role, g.flavor))
			}
			for _, r := range tpl.Resources() {
				got = append(got, r.ID+" "+r.Type)
			}
			if !slices.Equal(got, want) {
				t.Errorf("resources read back:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
			}
		})
	}
}

// TestGoldenOracle runs AWS's validator and the wiring checker over every
// golden as stored, so a golden that was updated wrongly fails here too.
func TestGoldenOracle(t *testing.T) {
	var files []string
	for _, g := range goldenDesigns {
		files = append(files, goldenPath(g.design, g.format))
	}
	oracle.Clean(t, files...)
}

// wiring is what ws-check --design reads of an API, without logical IDs.
type wiring struct {
	Name                     string
	RouteSelectionExpression string
	Stages                   []string
	Deployment               string
	Routes                   []routeWiring
}

type routeWiring struct {
	RouteKey        string
	TwoWay          bool
	IntegrationType string
	Handler         string
	Authorizer      *struct {
		Handler        string
		IdentitySource []string
	}
}

// cdkHash is the suffix the CDK appends to the logical IDs it derives.
var cdkHash = regexp.MustCompile(`[0-9A-F]{8}$`)

func readWiring(t *testing.T, template string, stripHash bool) wiring {
	t.Helper()
	var doc struct{ Apis []wiring }
	out, _ := oracle.Run(t, "ws-check", "--design", template)
	if err := json.Unmarshal(out, &doc); err != nil {
		t.Fatal(err)
	}
	if len(doc.Apis) != 1 {
		t.Fatalf("%s: %d WebSocket APIs, want 1", template, len(doc.Apis))
	}
	w := doc.Apis[0]
	if stripHash {
		for i, r := range w.Routes {
			w.Routes[i].Handler = cdkHash.ReplaceAllString(r.Handler, "")
			if r.Authorizer != nil {
				r.Authorizer.Handler = cdkHash.ReplaceAllString(r.Authorizer.Handler, "")
			}
		}
	}
	return w
}

// TestGoldenMatchesCDK holds the routes, modes, handlers and authorizer of
// wsdesign's templates against the AWS CDK's for the same design files.
func TestGoldenMatchesCDK(t *testing.T) {
	if testing.Short() {
		t.Skip("the CDK synthesis takes seconds per design")
	}
	for _, g := range goldenDesigns {
		if !g.cdk {
			continue
		}
		t.Run(g.design, func(t *testing.T) {
			t.Parallel()
			ref := filepath.Join(t.TempDir(), "cdk.template.json")
			oracle.Run(t, "cdk-reference", filepath.Join("testdata", "designs", g.design), ref)
			got := readWiring(t, goldenPath(g.design, g.format), false)
			want := readWiring(t, ref, true)
			gj, _ := json.MarshalIndent(got, "", "  ")
			wj, _ := json.MarshalIndent(want, "", "  ")
			if !bytes.Equal(gj, wj) {
				t.Errorf("wsdesign's wiring:\n%s\nthe CDK's:\n%s", gj, wj)
			}
		})
	}
}
