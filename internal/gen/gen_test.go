package gen_test

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/wsdesign/wsdesign/internal/gen"
	"github.com/wsdesign/wsdesign/internal/oracle"
	"github.com/wsdesign/wsdesign/render"
)

func TestTemplateSizeAndShape(t *testing.T) {
	for _, n := range []int{2, 10, 11, 125, 250, 500} {
		tpl, err := render.Parse("gen.yaml", gen.Template(n))
		if err != nil {
			t.Fatalf("%d: %v", n, err)
		}
		if got := len(tpl.Resources()); got != n {
			t.Errorf("Template(%d) has %d resources", n, got)
		}
		apis, err := render.Import(tpl)
		if err != nil || len(apis) != 1 {
			t.Fatalf("%d: %d APIs, %v", n, len(apis), err)
		}
		groups := (n - 2) / 10
		if got := len(apis[0].Routes); got != groups*gen.RoutesPerFunction {
			t.Errorf("Template(%d) has %d routes, want %d", n, got, groups*gen.RoutesPerFunction)
		}
		for _, r := range apis[0].Routes {
			if r.Foreign() || len(r.PermissionIDs) != 1 {
				t.Errorf("Template(%d): route %s is not a Lambda proxy with one permission", n, r.Key)
			}
		}
	}
	if !bytes.Equal(gen.Template(250), gen.Template(250)) {
		t.Error("Template is not deterministic")
	}
}

// TestTemplatePassesOracles proves the benchmark input is a template that
// deploys and works: AWS's validator and the wiring checker find nothing.
func TestTemplatePassesOracles(t *testing.T) {
	path := filepath.Join(t.TempDir(), "template.yaml")
	if err := os.WriteFile(path, gen.Template(500), 0o600); err != nil {
		t.Fatal(err)
	}
	oracle.Clean(t, path)
}
