package render

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/wsdesign/wsdesign/internal/fileio"
	"github.com/wsdesign/wsdesign/internal/gen"
	"github.com/wsdesign/wsdesign/model"
)

// BenchmarkEditLargeTemplate reads a generated template of 125, 250 and 500
// resources (CloudFormation's limit), and of 500 resources grown to about
// 1 MB with longer inline code, imports its API, adds a 2-way
// endpoint served by an existing function (a route and a route response),
// removes another (its route), applies the edit with its verification, and
// writes the file atomically: the whole of wsdesign edit but the terminal.
func BenchmarkEditLargeTemplate(b *testing.B) {
	for _, c := range []struct{ resources, size int }{{125, 0}, {250, 0}, {500, 0}, {500, 1 << 20}} {
		src := gen.Sized(c.resources, c.size)
		path := filepath.Join(b.TempDir(), "template.yaml")
		if err := os.WriteFile(path, src, 0o644); err != nil {
			b.Fatal(err)
		}
		b.Run(fmt.Sprintf("%d-resources-%dKB", c.resources, len(src)>>10), func(b *testing.B) {
			b.SetBytes(int64(len(src)))
			for b.Loop() {
				t, err := Load(path)
				if err != nil {
					b.Fatal(err)
				}
				apis, err := Import(t)
				if err != nil || len(apis) != 1 {
					b.Fatal(apis, err)
				}
				d := apis[0].Design
				d.Endpoints = append(slices.Clone(d.Endpoints[1:]),
					model.Endpoint{Route: "typing", Mode: model.TwoWay, Handler: model.Existing(gen.FunctionID(0))})
				e := NewEdit(t)
				if _, err := e.EditAPI(apis[0], d, EditOptions{Flavor: SAM}); err != nil {
					b.Fatal(err)
				}
				out, err := e.Apply()
				if err != nil {
					b.Fatal(err)
				}
				if err := fileio.WriteFile(path, out, fileio.Options{}); err != nil {
					b.Fatal(err)
				}
				if err := os.WriteFile(path, src, 0o644); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
