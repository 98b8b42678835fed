package tui

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/wsdesign/wsdesign/internal/oracle"
	"github.com/wsdesign/wsdesign/model"
	"github.com/wsdesign/wsdesign/render"
)

// checkWritten writes the template wsdesign new writes for a design and runs
// AWS's validator and the wiring checker over it.
func checkWritten(t *testing.T, d model.Design) {
	t.Helper()
	frag, err := render.Build(d, render.Options{Flavor: render.SAM})
	if err != nil {
		t.Fatalf("render: %v", err)
	}
	out, err := render.Encode(render.NewTemplate(frag, render.Description(d)), render.YAML, render.DefaultIndent)
	if err != nil {
		t.Fatalf("encode: %v", err)
	}
	path := filepath.Join(t.TempDir(), "template.yaml")
	if err := os.WriteFile(path, out, 0o644); err != nil {
		t.Fatal(err)
	}
	oracle.Clean(t, path)
}
