package render

import (
	"os"
	"strings"
	"testing"
)

// SAMGeneratedRef is samGeneratedRef for the tests outside the package.
var SAMGeneratedRef = samGeneratedRef

// samGeneratedRef reports whether a finding of a checker that reads the
// template before SAM's transform (cfn-lint without a Transform line, AWS's
// offline validator always) is a reference to a route that the transform
// generates for an AWS::Serverless::WebSocketApi: such a reference is valid
// once the template is transformed, which is how the template deploys.
func samGeneratedRef(t *testing.T, path, finding string) bool {
	t.Helper()
	if !strings.HasPrefix(finding, "E1020 ") && !strings.HasPrefix(finding, "F1020") {
		return false
	}
	src, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	tpl, err := Parse(path, src)
	if err != nil {
		return false
	}
	apis, _ := Import(tpl)
	for _, a := range apis {
		for _, r := range a.Routes {
			if id, ok := SAMRouteID(a.Resource.ID, r.Key); a.SAM && ok && strings.Contains(finding, "'"+id+"'") {
				return true
			}
		}
	}
	return false
}
