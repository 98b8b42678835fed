package render

import (
	"os"
	"testing"
)

// FuzzEdit makes the editor's changes to arbitrary templates: removing,
// rewriting and changing each resource and adding one must never panic, and
// whatever Apply returns must parse (Apply verifies it) or be an error.
func FuzzEdit(f *testing.F) {
	for _, path := range corpusFiles(f) {
		src, err := os.ReadFile(path)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(src)
	}
	f.Add([]byte("Resources:\n  A: {Type: X, Properties: {P: [1, 2]}}\n  # c\n  B:\n    Type: Y\n"))
	extra := node(f, "Type: AWS::SNS::Topic\nProperties:\n  TopicName: !Sub ${AWS::StackName}-x\n")
	f.Fuzz(func(t *testing.T, src []byte) {
		tpl, err := Parse("fuzz.yaml", src)
		if err != nil {
			return
		}
		rs := tpl.Resources()
		if len(rs) > 20 {
			rs = rs[:20]
		}
		ops := []func(e *Edit, r Resource) error{
			func(e *Edit, r Resource) error { return e.Remove(SectionResources, r.ID) },
			func(e *Edit, r Resource) error { return e.Replace(SectionResources, r.ID, r.Node) },
			func(e *Edit, r Resource) error {
				return e.Set(SectionResources, r.ID, []string{"Properties", "Probe"}, extra)
			},
			func(e *Edit, r Resource) error {
				return e.Append(SectionResources, r.ID, []string{"Properties", "Probes"}, extra)
			},
			func(e *Edit, r Resource) error { return e.Add(SectionResources, "ProbeZ9", extra, r.ID) },
			func(e *Edit, r Resource) error { return e.Add(SectionOutputs, "ProbeZ9", extra, "") },
		}
		for _, r := range rs {
			for _, op := range ops {
				e := NewEdit(tpl)
				if op(e, r) != nil {
					continue
				}
				if out, err := e.Apply(); err == nil {
					if _, err := Parse("out.yaml", out); err != nil {
						t.Fatalf("Apply returned a template that does not parse: %v", err)
					}
				}
			}
		}
	})
}
