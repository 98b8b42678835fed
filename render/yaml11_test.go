package render_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os/exec"
	"strings"
	"testing"

	"github.com/wsdesign/wsdesign/internal/oracle"
	"github.com/wsdesign/wsdesign/render"
)

// pyTypes reads each value with PyYAML's safe loader (the reader of the SAM
// CLI and cfn-lint) as the plain value of a key, in one python3 process, and
// names the Python type it makes of it ("error" where PyYAML refuses it).
// Without python3 and PyYAML the test is skipped (oracle.PythonMissing).
func pyTypes(t *testing.T, values []string) []string {
	t.Helper()
	const script = `
import json, sys, yaml
out = []
for v in json.load(sys.stdin):
    try:
        out.append(type(yaml.safe_load("k: " + v)["k"]).__name__)
    except yaml.YAMLError:
        out.append("error")
json.dump(out, sys.stdout)
`
	in, err := json.Marshal(values)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("python3", "-c", script)
	cmd.Stdin = bytes.NewReader(in)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		why := strings.TrimSpace(stderr.String())
		oracle.PythonMissing(t, fmt.Sprintf("python3 with PyYAML is not available: %v %s", err, why))
	}
	var types []string
	if err := json.Unmarshal(out, &types); err != nil || len(types) != len(values) {
		t.Fatalf("PyYAML gave %q for %d values (%v)", out, len(values), err)
	}
	return types
}

// TestPyYAMLTag: render.PyYAMLTag, which decides what wsdesign quotes, agrees
// with PyYAML itself on plain scalars.
func TestPyYAMLTag(t *testing.T) {
	values := []string{
		"prod", "$default", "$request.body.action", "arn:aws:lambda:us-east-1:1:function:f", "send-message", "v1.0",
		"on", "On", "ON", "oN", "off", "yes", "Yes", "no", "NO", "y", "n", "true", "False", "TRUE",
		"1", "-1", "+1", "0", "017", "0o17", "08", "0b101", "0x1F", "0x_1f", "1_000", "1:20", "-1:20", "190:20:30",
		"1.5", ".5", "1.", "1e5", "1.0e+5", "1.0e5", "190:20:30.15", ".inf", "-.Inf", "+.INF", ".nan", ".NaN", "NaN",
		"~", "null", "Null", "NULL", "nULL", "2001-12-14", "2001-12-14t21:59:43.10-05:00", "2001-12-14 21:59:43.10",
		"2001-1-1", "20011214", "=", "<<",
	}
	want := map[string]string{"str": "!!str", "bool": "!!bool", "int": "!!int", "float": "!!float", "NoneType": "!!null", "date": "!!timestamp", "datetime": "!!timestamp"}
	for i, py := range pyTypes(t, values) {
		got := render.PyYAMLTag(values[i])
		if w, ok := want[py]; ok && got != w || !ok && got == "!!str" {
			t.Errorf("PyYAML reads %q as %s; PyYAMLTag says %s", values[i], py, got)
		}
	}
}
