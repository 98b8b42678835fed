package designfile_test

import (
	"strings"
	"testing"

	"github.com/wsdesign/wsdesign/internal/designfile"
)

// FuzzDecode feeds the design file decoder arbitrary bytes: it never panics,
// and a refusal always names where in the file the problem is.
func FuzzDecode(f *testing.F) {
	for _, s := range []string{
		"name: Chat\nendpoints:\n  - route: $connect\n  - {route: send, mode: 2-way, handler: SendFn}\n",
		`{"name": "A", "authorizer": {"handler": {"arnParameter": "P"}}, "endpoints": [{"route": "$default"}]}`,
		"name: &a x\nlogicalId: *a\n",
		"endpoints: [1, [2], {route: {a: b}}]\n",
		"runtime: python3.13\nstage: $default\n",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		_, err := designfile.Decode("d.yaml", []byte(src), designfile.Resolver{Existing: map[string]string{"Fn": "AWS::Lambda::Function"}})
		if err != nil && !strings.HasPrefix(err.Error(), "d.yaml:") {
			t.Errorf("refusal without a position: %v", err)
		}
	})
}
