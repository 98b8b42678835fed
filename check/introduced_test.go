package check

import (
	"os"
	"strings"
	"testing"
)

// TestIntroduced finds the error an edit adds and none that the template
// already had, wherever the line of the finding moved.
func TestIntroduced(t *testing.T) {
	path := goldens + "/cfn.yaml.golden"
	src, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	before := checkSource(t, path, src)
	if got := Introduced(before, before); len(got) != 0 {
		t.Fatalf("a template introduces errors against itself: %v", got)
	}
	// Removing the subscribe route's permission breaks that route (WSD001);
	// a comment above it moves every later finding down a line.
	text := string(src)
	from := strings.Index(text, "  NotificationsSubscribeFunctionPermission:\n")
	to := strings.Index(text, "  NotificationsAuthorizer:\n")
	if from < 0 || to < from {
		t.Fatal("the test's template changed: the permission was not found")
	}
	broken := strings.Replace(text[:from]+text[to:], "Resources:\n", "Resources:\n  # moved\n", 1)
	after := checkSource(t, path, []byte(broken))
	got := Introduced(before, after)
	if len(got) == 0 {
		t.Fatalf("no error introduced; after: %v", after)
	}
	for _, f := range got {
		if f.Rule != HandlerPermission {
			t.Errorf("introduced %s, want only %s", f, HandlerPermission.ID)
		}
	}
	if back := Introduced(after, before); len(back) != 0 {
		t.Errorf("fixing an error introduces %v", back)
	}
}
