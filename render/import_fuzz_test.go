package render_test

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/wsdesign/wsdesign/render"
)

// FuzzImport feeds arbitrary bytes through Parse, Import and Summarize:
// none may panic, every refusal is a *render.Error with a position, and
// every imported API's resources exist in the template.
//
//	go test -run '^$' -fuzz=FuzzImport -fuzztime=30s -fuzzminimizetime=200x ./render/
//
// The corpus seeds are templates of up to 20 KB; minimising a new input that
// large takes the default 60 s, so without a bound on minimisation a 30 s
// run would do little else.
func FuzzImport(f *testing.F) {
	for _, dir := range []string{corpusDir, filepath.Join("testdata", "bad")} {
		entries, err := os.ReadDir(dir)
		if err != nil {
			f.Fatal(err)
		}
		for _, e := range entries {
			if e.Name() == "expected.json" || e.Name() == "MANIFEST.md" {
				continue
			}
			src, err := os.ReadFile(filepath.Join(dir, e.Name()))
			if err != nil {
				f.Fatal(err)
			}
			f.Add(src)
		}
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		tpl, err := render.Parse("fuzz.yaml", src)
		if err != nil {
			var e *render.Error
			if !errors.As(err, &e) || e.Line < 1 || e.Col < 1 || e.File != "fuzz.yaml" {
				t.Fatalf("refusal %v is not a *render.Error with a position", err)
			}
			return
		}
		apis, err := render.Import(tpl)
		if err != nil {
			t.Fatal(err)
		}
		for _, a := range apis {
			for _, id := range a.Resources {
				if _, ok := tpl.Resource(id); !ok {
					t.Fatalf("API %s lists %s, which is not a resource", a.Resource.ID, id)
				}
			}
			if len(a.Design.Endpoints) != len(a.Routes) {
				t.Fatalf("API %s: %d endpoints for %d routes", a.Resource.ID, len(a.Design.Endpoints), len(a.Routes))
			}
		}
		if _, err := json.Marshal(render.Summarize(apis)); err != nil {
			t.Fatal(err)
		}
		render.Functions(tpl)
	})
}
