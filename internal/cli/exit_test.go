package cli

import (
	"strings"
	"testing"
)

// TestArgsNamed: a missing or extra argument is named, with the usage line,
// and exits 2.
func TestArgsNamed(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"edit"}, "edit needs FILE\nusage: wsdesign edit FILE"},
		{[]string{"inspect"}, "inspect needs FILE\nusage: wsdesign inspect FILE"},
		{[]string{"route"}, "route needs FILE and MESSAGE"},
		{[]string{"route", "t.yaml"}, "route needs MESSAGE"},
		{[]string{"route", "t.yaml", "{", "}"}, `route takes only FILE and MESSAGE; "}" is one too many`},
	} {
		out, code := runCLI(t, tc.args...)
		if code != ExitUsage || !strings.Contains(out, tc.want) {
			t.Errorf("%v: exit %d, %q; want %d and %q", tc.args, code, out, ExitUsage, tc.want)
		}
	}
}
