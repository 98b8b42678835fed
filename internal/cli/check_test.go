package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/wsdesign/wsdesign/check"
)

func TestCheckExitCodes(t *testing.T) {
	warningsOnly := filepath.Join(corpusDir, "02-sp-apigw-websocket-api-lambda.yaml")
	withErrors := filepath.Join(corpusDir, "07-sp-connection-dynamodb.yaml")

	out, code := runCLI(t, "check", warningsOnly)
	if code != ExitOK {
		t.Errorf("warnings only: exit %d, want %d\n%s", code, ExitOK, out)
	}
	if !strings.Contains(out, warningsOnly+":226:21: warning WSD005 [Stage] ") || !strings.Contains(out, "    fix: Set AutoDeploy: true") {
		t.Errorf("text output lacks the finding line and its fix:\n%s", out)
	}

	out, code = runCLI(t, "check", warningsOnly, withErrors)
	if code != ExitFindings {
		t.Errorf("errors: exit %d, want %d\n%s", code, ExitFindings, out)
	}
	if !strings.Contains(out, withErrors+":32:7: error WSD004 [Deployment] ") || !strings.Contains(out, "2 files checked: ") {
		t.Errorf("text output lacks the error or the summary:\n%s", out)
	}
}

func TestCheckBadInput(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.yaml")
	if err := os.WriteFile(bad, []byte("Resources:\n  Api:\n    Type: AWS::ApiGatewayV2::Api\n    Type: again\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	good := filepath.Join(corpusDir, "02-sp-apigw-websocket-api-lambda.yaml")
	// Every file gets its result: the bad one an error at its position, the
	// good one its findings, in every format.
	out, code := runCLI(t, "check", good, bad)
	if code != ExitFindings {
		t.Errorf("exit %d, want %d\n%s", code, ExitFindings, out)
	}
	if !strings.Contains(out, bad+":4:5: error WSD000 duplicate key") {
		t.Errorf("the bad file's finding lacks file:line:col:\n%s", out)
	}
	if !strings.Contains(out, good+":") || !strings.Contains(out, "2 files checked") {
		t.Errorf("the good file was not checked:\n%s", out)
	}
	for _, format := range []string{"json", "sarif"} {
		out, _ := runCLI(t, "check", "--format", format, bad, good)
		var doc map[string]any
		if err := json.Unmarshal([]byte(out), &doc); err != nil {
			t.Errorf("--format %s with a bad file is not whole JSON: %v\n%s", format, err, out)
		}
		if !strings.Contains(out, "WSD000") || !strings.Contains(out, "WSD005") {
			t.Errorf("--format %s lacks a file's result:\n%s", format, out)
		}
	}
	out, code = runCLI(t, "check", filepath.Join(dir, "missing.yaml"))
	if code != ExitFindings || !strings.Contains(out, "missing.yaml:1:1: error WSD000") {
		t.Errorf("missing file: exit %d, want %d naming the file\n%s", code, ExitFindings, out)
	}
	out, code = runCLI(t, "check", "--format", "xml", good)
	if code != ExitUsage || !strings.Contains(out, "text, json, sarif") {
		t.Errorf("bad --format: exit %d, want %d listing the formats\n%s", code, ExitUsage, out)
	}
}

func TestCheckFormats(t *testing.T) {
	file := filepath.Join(corpusDir, "07-sp-connection-dynamodb.yaml")
	out, code := runCLI(t, "check", "--format", "json", file)
	if code != ExitFindings {
		t.Errorf("json: exit %d, want %d", code, ExitFindings)
	}
	var report struct {
		Findings []struct {
			Rule, Severity, File, LogicalID string
			Line                            int
		}
		Errors int
	}
	if err := json.Unmarshal([]byte(out), &report); err != nil {
		t.Fatalf("--format json is not JSON: %v\n%s", err, out)
	}
	if report.Errors == 0 || report.Findings[0].File != file || report.Findings[0].Line == 0 {
		t.Errorf("json report: %+v", report)
	}

	out, _ = runCLI(t, "check", "--format", "sarif", file)
	var sarif struct {
		Version string
		Runs    []struct{ Results []json.RawMessage }
	}
	if err := json.Unmarshal([]byte(out), &sarif); err != nil || sarif.Version != "2.1.0" || len(sarif.Runs[0].Results) != len(report.Findings) {
		t.Errorf("--format sarif: %v\n%s", err, out)
	}
}

// colour matches an SGR sequence that sets a foreground colour.
var colour = regexp.MustCompile(`\x1b\[[0-9;]*(3[0-7]|9[0-7]|38;5;[0-9]+)m`)

func TestCheckColour(t *testing.T) {
	file := filepath.Join(corpusDir, "07-sp-connection-dynamodb.yaml")
	t.Setenv("TTY_FORCE", "1")
	t.Setenv("TERM", "xterm-256color")
	t.Setenv("NO_COLOR", "")
	out, _ := runCLI(t, "check", file)
	if !colour.MatchString(out) {
		t.Errorf("no colour on a terminal:\n%q", out)
	}
	t.Setenv("NO_COLOR", "1")
	out, _ = runCLI(t, "check", file)
	if colour.MatchString(out) {
		t.Errorf("colour despite NO_COLOR:\n%q", out)
	}
	t.Setenv("TTY_FORCE", "")
	t.Setenv("NO_COLOR", "")
	out, _ = runCLI(t, "check", file)
	if strings.Contains(out, "\x1b[") {
		t.Errorf("escape codes when the output is not a terminal:\n%q", out)
	}
}

func TestCheckRules(t *testing.T) {
	out, code := runCLI(t, "check", "--rules")
	if code != ExitOK || !strings.HasPrefix(out, "| ID | Severity |") || !strings.Contains(out, "| WSD026 | error |") {
		t.Errorf("check --rules: exit %d\n%s", code, out)
	}
	if out, code := runCLI(t, "check"); code != ExitUsage || !strings.Contains(out, "at least one template") {
		t.Errorf("check without files: exit %d, want %d\n%s", code, ExitUsage, out)
	}
}

func TestCheckExplain(t *testing.T) {
	for _, r := range check.Rules {
		out, code := runCLI(t, "check", "--explain", strings.ToLower(r.ID))
		if code != ExitOK {
			t.Fatalf("--explain %s: exit %d\n%s", r.ID, code, out)
		}
		if !strings.HasPrefix(out, r.ID+" ("+r.Severity.String()+"): "+r.Title+"\n") {
			t.Errorf("--explain %s does not start with the rule:\n%s", r.ID, out)
		}
		// The whole text of the rule is there, whatever the wrap.
		flat := strings.Join(strings.Fields(out), " ")
		for _, part := range []string{r.Runtime, r.Fix} {
			if !strings.Contains(flat, strings.Join(strings.Fields(part), " ")) {
				t.Errorf("--explain %s lacks %q:\n%s", r.ID, part, out)
			}
		}
		for _, l := range strings.Split(out, "\n") {
			if w := len([]rune(l)); w > explainWidth && strings.Contains(strings.TrimSpace(l), " ") {
				t.Errorf("--explain %s: line of %d columns: %q", r.ID, w, l)
			}
		}
	}
	out, code := runCLI(t, "check", "--explain", "WSD999")
	if code != ExitUsage || !strings.Contains(out, "WSD000…WSD0") {
		t.Errorf("unknown rule: exit %d\n%s", code, out)
	}
	if out, code := runCLI(t, "check", "--explain", "WSD001", "template.yaml"); code != ExitUsage {
		t.Errorf("--explain with a file: exit %d\n%s", code, out)
	}
	if got, _ := complete(t, t.TempDir(), "check", "--explain", ""); len(got) != len(check.Rules) || got[1] != "WSD001" {
		t.Errorf("--explain completes %q", got)
	}
}
