package render_test

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/wsdesign/wsdesign/internal/gen"
	"github.com/wsdesign/wsdesign/render"
)

func parseAndImport(b *testing.B, name string, src []byte) {
	b.Helper()
	b.SetBytes(int64(len(src)))
	b.ReportAllocs()
	for b.Loop() {
		tpl, err := render.Parse(name, src)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := render.Import(tpl); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkImportLargestCorpusFile parses and imports the largest real
// template of the corpus.
func BenchmarkImportLargestCorpusFile(b *testing.B) {
	entries, err := os.ReadDir(corpusDir)
	if err != nil {
		b.Fatal(err)
	}
	var largest string
	var size int64
	for _, e := range entries {
		info, err := e.Info()
		if err != nil {
			b.Fatal(err)
		}
		if e.Name() != "expected.json" && info.Size() > size {
			largest, size = e.Name(), info.Size()
		}
	}
	src, err := os.ReadFile(filepath.Join(corpusDir, largest))
	if err != nil {
		b.Fatal(err)
	}
	b.Logf("%s, %d bytes", largest, len(src))
	parseAndImport(b, largest, src)
}

// BenchmarkImportGenerated parses and imports generated templates of 125,
// 250 and 500 resources (CloudFormation's limit), to show linear growth.
func BenchmarkImportGenerated(b *testing.B) {
	for _, n := range []int{125, 250, 500} {
		src := gen.Template(n)
		b.Run(fmt.Sprintf("resources=%d", n), func(b *testing.B) {
			parseAndImport(b, "generated.yaml", src)
		})
	}
}
