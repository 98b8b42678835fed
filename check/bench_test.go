package check

import (
	"testing"

	"github.com/wsdesign/wsdesign/internal/gen"
	"github.com/wsdesign/wsdesign/render"
)

// largeTemplate is a well-wired template of 500 resources, CloudFormation's
// limit.
func largeTemplate() []byte { return gen.Template(500) }

func TestLargeTemplate(t *testing.T) {
	tpl, err := render.Parse("large.yaml", largeTemplate())
	if err != nil {
		t.Fatal(err)
	}
	if n := len(tpl.Resources()); n != 500 {
		t.Fatalf("the generated template has %d resources, want 500", n)
	}
	fs, err := Template(tpl)
	if err != nil {
		t.Fatal(err)
	}
	// The wiring is right, but its SAM functions each gain a role in the
	// transform, which takes the stack past 500: that is the only problem.
	fs = atLeast(fs, Warning)
	if len(fs) != 1 || fs[0].Rule != TooManyResources {
		t.Errorf("want only %s on the generated template, got:\n%s", TooManyResources.ID, dump(fs))
	}
}

// BenchmarkCheck500 checks a parsed 500-resource template (target: under
// 20 ms). The schema is loaded before the timer starts, once per process.
func BenchmarkCheck500(b *testing.B) {
	tpl, err := render.Parse("large.yaml", largeTemplate())
	if err != nil {
		b.Fatal(err)
	}
	if _, err := definitions(); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Template(tpl); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkParseAndCheck500 is the whole work of `wsdesign check` on the
// 500-resource template, parsing included.
func BenchmarkParseAndCheck500(b *testing.B) {
	src := largeTemplate()
	b.SetBytes(int64(len(src)))
	for b.Loop() {
		tpl, err := render.Parse("large.yaml", src)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := Template(tpl); err != nil {
			b.Fatal(err)
		}
	}
}
