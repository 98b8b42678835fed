package tui

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/wsdesign/wsdesign/model"
	"github.com/wsdesign/wsdesign/render"
)

// oracle is the folder of the independent checks, ../shared/oracle from the
// module root.
var oracle = filepath.Join("..", "..", "shared", "oracle")

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
	for _, tool := range []string{"node", "npm"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("the oracle checks need %s, which is not installed", tool)
		}
	}
	for _, tool := range []string{"cfn-validate", "ws-check"} {
		cmd := exec.Command(filepath.Join(oracle, tool), path)
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		if stdout, err := cmd.Output(); err != nil {
			t.Errorf("%s: %v\n%s%s\n%s", tool, err, stdout, stderr.Bytes(), out)
		}
	}
}
