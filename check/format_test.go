package check

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/exp/golden"

	"github.com/wsdesign/wsdesign/render"
)

// sample is a fixed set of findings of every severity.
var sample = []Finding{
	{Rule: HandlerPermission, LogicalID: "ChatApiSendRoute", Pos: render.Pos{File: "dir/template.yaml", Line: 12, Col: 3},
		Message: "function SendFunction has no AWS::Lambda::Permission for apigateway.amazonaws.com covering API ChatApi"},
	{Rule: PermissionNoSourceArn, LogicalID: "SendPermission", Pos: render.Pos{File: "dir/template.yaml", Line: 40, Col: 3},
		Message: "permission SendPermission has no SourceArn: any API may invoke the function"},
	{Rule: NoDefaultRoute, LogicalID: "ChatApi", Pos: render.Pos{File: "dir/template.yaml", Line: 5, Col: 3},
		Message: "API ChatApi has no $default route"},
}

func TestWriteText(t *testing.T) {
	var b bytes.Buffer
	if err := Write(&b, Text, sample, 1, colorprofile.NoTTY, "v1.0.0"); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(b.String(), "\x1b[") {
		t.Errorf("text for a file or pipe has escape codes:\n%q", b.String())
	}
	golden.RequireEqual(t, b.Bytes())
}

func TestWriteTextColour(t *testing.T) {
	var b bytes.Buffer
	if err := Write(&b, Text, sample, 1, colorprofile.ANSI, ""); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), "\x1b[") {
		t.Errorf("text for a colour terminal has no colour:\n%q", b.String())
	}
	var plain bytes.Buffer
	_ = Write(&plain, Text, sample, 1, colorprofile.NoTTY, "")
	if got := stripANSI(b.String()); got != plain.String() {
		t.Errorf("coloured text differs from plain text beyond colour:\n%s\nwant\n%s", got, plain.String())
	}
}

// stripANSI removes SGR sequences.
func stripANSI(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == 0x1b && i+1 < len(s) && s[i+1] == '[' {
			j := i + 2
			for j < len(s) && (s[j] < 0x40 || s[j] > 0x7e) {
				j++
			}
			i = j
			continue
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

func TestWriteTextNoFindings(t *testing.T) {
	var b bytes.Buffer
	if err := Write(&b, Text, nil, 2, colorprofile.NoTTY, ""); err != nil {
		t.Fatal(err)
	}
	if got, want := b.String(), "2 files checked: 0 errors, 0 warnings, 0 infos\n"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestWriteJSON(t *testing.T) {
	var b bytes.Buffer
	if err := Write(&b, JSON, sample, 1, colorprofile.NoTTY, ""); err != nil {
		t.Fatal(err)
	}
	var got struct {
		Findings []map[string]any `json:"findings"`
		Errors   int              `json:"errors"`
		Warnings int              `json:"warnings"`
		Infos    int              `json:"infos"`
	}
	if err := json.Unmarshal(b.Bytes(), &got); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, b.String())
	}
	if got.Errors != 1 || got.Warnings != 1 || got.Infos != 1 || len(got.Findings) != 3 {
		t.Fatalf("counts: %+v", got)
	}
	f := got.Findings[0]
	for k, want := range map[string]any{"rule": "WSD001", "severity": "error", "file": "dir/template.yaml", "line": 12.0, "column": 3.0, "logicalId": "ChatApiSendRoute", "fix": HandlerPermission.Fix} {
		if f[k] != want {
			t.Errorf("findings[0].%s = %v, want %v", k, f[k], want)
		}
	}
	var empty bytes.Buffer
	_ = Write(&empty, JSON, nil, 1, colorprofile.NoTTY, "")
	if !strings.Contains(empty.String(), `"findings": []`) {
		t.Errorf("no findings should be an empty list, not null: %s", empty.String())
	}
}

func TestWriteSARIF(t *testing.T) {
	var b bytes.Buffer
	if err := Write(&b, SARIF, sample, 1, colorprofile.NoTTY, "v1.2.3"); err != nil {
		t.Fatal(err)
	}
	var log struct {
		Schema  string `json:"$schema"`
		Version string `json:"version"`
		Runs    []struct {
			Tool struct {
				Driver struct {
					Name    string `json:"name"`
					Version string `json:"version"`
					Rules   []struct {
						ID                   string `json:"id"`
						DefaultConfiguration struct {
							Level string `json:"level"`
						} `json:"defaultConfiguration"`
					} `json:"rules"`
				} `json:"driver"`
			} `json:"tool"`
			Results []struct {
				RuleID    string `json:"ruleId"`
				RuleIndex int    `json:"ruleIndex"`
				Level     string `json:"level"`
				Message   struct {
					Text string `json:"text"`
				} `json:"message"`
				Locations []struct {
					PhysicalLocation struct {
						ArtifactLocation struct {
							URI string `json:"uri"`
						} `json:"artifactLocation"`
						Region struct {
							StartLine   int `json:"startLine"`
							StartColumn int `json:"startColumn"`
						} `json:"region"`
					} `json:"physicalLocation"`
					LogicalLocations []struct {
						Name string `json:"name"`
					} `json:"logicalLocations"`
				} `json:"locations"`
			} `json:"results"`
		} `json:"runs"`
	}
	if err := json.Unmarshal(b.Bytes(), &log); err != nil {
		t.Fatalf("not JSON: %v", err)
	}
	if log.Version != "2.1.0" || !strings.Contains(log.Schema, "sarif-2.1.0") || len(log.Runs) != 1 {
		t.Fatalf("not a SARIF 2.1.0 log with one run: %s", b.String())
	}
	run := log.Runs[0]
	if run.Tool.Driver.Name != "wsdesign" || run.Tool.Driver.Version != "v1.2.3" || len(run.Tool.Driver.Rules) != len(Rules) {
		t.Errorf("driver: %+v", run.Tool.Driver)
	}
	wantLevel := []string{"error", "warning", "note"}
	if len(run.Results) != len(sample) {
		t.Fatalf("%d results, want %d", len(run.Results), len(sample))
	}
	for i, r := range run.Results {
		if rule := run.Tool.Driver.Rules[r.RuleIndex]; rule.ID != r.RuleID {
			t.Errorf("result %d: ruleIndex %d names %s, not %s", i, r.RuleIndex, rule.ID, r.RuleID)
		}
		if r.Level != wantLevel[i] {
			t.Errorf("result %d: level %s, want %s", i, r.Level, wantLevel[i])
		}
		loc := r.Locations[0]
		if loc.PhysicalLocation.ArtifactLocation.URI != "dir/template.yaml" || loc.PhysicalLocation.Region.StartLine != sample[i].Pos.Line ||
			loc.PhysicalLocation.Region.StartColumn != sample[i].Pos.Col || loc.LogicalLocations[0].Name != sample[i].LogicalID {
			t.Errorf("result %d location: %+v", i, loc)
		}
	}
}

func TestParseFormat(t *testing.T) {
	for _, s := range []string{"text", "json", "sarif", "SARIF"} {
		if _, ok := ParseFormat(s); !ok {
			t.Errorf("ParseFormat(%q) failed", s)
		}
	}
	if _, ok := ParseFormat("xml"); ok {
		t.Error("ParseFormat(xml) succeeded")
	}
}

func TestWriteRules(t *testing.T) {
	var b bytes.Buffer
	if err := WriteRules(&b); err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(b.String(), "\n| WSD"); n != len(Rules) {
		t.Errorf("%d rule rows, want %d", n, len(Rules))
	}
	golden.RequireEqual(t, b.Bytes())
}
