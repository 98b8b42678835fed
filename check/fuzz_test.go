package check

import (
	"os"
	"testing"

	"github.com/wsdesign/wsdesign/render"
)

// FuzzTemplate: no template that parses makes a rule panic or fail. Run it
// with -fuzzminimizetime 0: minimizing inputs the size of the corpus
// templates otherwise stalls the fuzzer, e.g.
//
//	go test ./check -run '^$' -fuzz FuzzTemplate -fuzztime 30s -fuzzminimizetime 0
func FuzzTemplate(f *testing.F) {
	for _, path := range corpusFiles(f) {
		src, err := os.ReadFile(path)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(src)
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		tpl, err := render.Parse("fuzz.yaml", src)
		if err != nil {
			return
		}
		if _, err := Template(tpl); err != nil {
			t.Fatalf("check failed on a parsed template: %v", err)
		}
	})
}
