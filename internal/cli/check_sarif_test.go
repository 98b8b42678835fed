package cli

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// TestCheckSARIFIsValid checks a template with findings, one without, a
// file that is not a template, one that is not YAML and one that does not
// exist, in one run: the SARIF output is valid against SARIF 2.1.0's own
// schema (testdata/sarif-schema-2.1.0.json, from oasis-tcs/sarif-spec) and
// has a result for every file that is no template; the JSON output holds
// every file too.
func TestCheckSARIFIsValid(t *testing.T) {
	dir := t.TempDir()
	notes := filepath.Join(dir, "notes.yaml")
	broken := filepath.Join(dir, "broken.yaml")
	os.WriteFile(notes, []byte("title: my notes\n"), 0o644)
	os.WriteFile(broken, []byte("Resources:\n  A: [\n"), 0o644)
	files := []string{
		filepath.Join(corpusDir, "07-sp-connection-dynamodb.yaml"),
		notes,
		filepath.Join(corpusDir, "01-simple-websockets-chat-app.yaml"),
		broken,
		filepath.Join(dir, "missing.yaml"),
	}
	run := func(format string) []byte {
		root := newRoot(BuildInfo{})
		var out, errOut bytes.Buffer
		root.SetOut(&out)
		root.SetErr(&errOut)
		root.SetArgs(append([]string{"check", "--format", format}, files...))
		err := root.Execute()
		if code := exitCode(err); code != ExitFindings {
			t.Fatalf("--format %s: exit %d (%v), want 1: %s", format, code, err, errOut.String())
		}
		return out.Bytes()
	}

	sarif := run("sarif")
	schema, err := jsonschema.NewCompiler().Compile(filepath.Join("testdata", "sarif-schema-2.1.0.json"))
	if err != nil {
		t.Fatal(err)
	}
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(sarif))
	if err != nil {
		t.Fatalf("the SARIF output is not JSON: %v\n%s", err, sarif)
	}
	if err := schema.Validate(doc); err != nil {
		t.Errorf("the SARIF output is not valid SARIF 2.1.0: %v\n%s", err, sarif)
	}
	for _, f := range []string{"notes.yaml", "broken.yaml", "missing.yaml"} {
		if !strings.Contains(string(sarif), f) {
			t.Errorf("no SARIF result for %s:\n%s", f, sarif)
		}
	}

	var report struct{ Findings []struct{ File string } }
	if err := json.Unmarshal(run("json"), &report); err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, f := range report.Findings {
		seen[f.File] = true
	}
	for _, f := range []string{files[0], notes, broken, files[4]} {
		if !seen[f] {
			t.Errorf("the JSON report has no finding for %s", f)
		}
	}
}
