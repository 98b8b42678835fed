package cli

import (
	"os"
	"strings"
	"testing"

	"github.com/wsdesign/wsdesign/render"
)

// TestRefuseNewErrors refuses a template with an error its original does not
// have, exit 2, and lets through one that keeps the original's own errors.
func TestRefuseNewErrors(t *testing.T) {
	path := "../../render/testdata/golden/cfn.yaml.golden"
	src, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	text := string(src)
	from := strings.Index(text, "  NotificationsSubscribeFunctionPermission:\n")
	to := strings.Index(text, "  NotificationsAuthorizer:\n")
	if from < 0 || to < from {
		t.Fatal("the golden changed: the permission was not found")
	}
	broken := []byte(text[:from] + text[to:])
	good, err := render.Parse(path, src)
	if err != nil {
		t.Fatal(err)
	}
	err = refuseNewErrors(path, good, broken)
	if err == nil || exitCode(err) != ExitUsage || !strings.Contains(err.Error(), "WSD001") || !strings.Contains(err.Error(), "Nothing was written") {
		t.Fatalf("a new WSD001 was let through or badly reported: %v (exit %d)", err, exitCode(err))
	}
	if err := refuseNewErrors(path, nil, broken); err == nil {
		t.Error("a new file with an error was let through")
	}
	bad, err := render.Parse(path, broken)
	if err != nil {
		t.Fatal(err)
	}
	if err := refuseNewErrors(path, bad, broken); err != nil {
		t.Errorf("the original's own error refused: %v", err)
	}
	if err := refuseNewErrors(path, nil, src); err != nil {
		t.Errorf("a good template refused: %v", err)
	}
}
