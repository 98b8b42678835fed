package cli

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/charmbracelet/x/exp/golden"
	"github.com/wsdesign/wsdesign/internal/oracle"
	"github.com/wsdesign/wsdesign/render"
)

const corpusDir = "../../../shared/corpus/realworld"

// runCLI runs wsdesign with args and returns its stdout and the exit code.
func runCLI(t *testing.T, args ...string) (string, int) {
	t.Helper()
	root := newRoot(BuildInfo{})
	var out, errOut bytes.Buffer
	root.SetOut(&out)
	root.SetErr(&errOut)
	root.SetArgs(args)
	err := root.Execute()
	if err != nil {
		errOut.WriteString(err.Error())
	}
	return out.String() + errOut.String(), exitCode(err)
}

func corpusTemplates(t *testing.T) []string {
	t.Helper()
	var files []string
	for _, ext := range []string{"*.yaml", "*.json"} {
		m, err := filepath.Glob(filepath.Join(corpusDir, ext))
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range m {
			if filepath.Base(f) != "expected.json" {
				files = append(files, f)
			}
		}
	}
	if len(files) < 20 {
		t.Fatalf("only %d corpus templates in %s (../shared must be linked next to the module)", len(files), corpusDir)
	}
	// The importer's own edge cases are compared too.
	edge, err := filepath.Glob("../../render/testdata/import/*")
	if err != nil || len(edge) == 0 {
		t.Fatalf("no templates in render/testdata/import: %v", err)
	}
	return append(files, edge...)
}

// TestInspectJSONMatchesOracle compares `inspect --json` with what the
// independent checker reads from every corpus template and every edge case
// of render/testdata/import. The checker knows
// only raw AWS::ApiGatewayV2::Api resources, so SAM-native APIs are left
// out of the comparison (the render tests check them against expected.json).
func TestInspectJSONMatchesOracle(t *testing.T) {
	files := corpusTemplates(t)
	out, _ := oracle.Run(t, "ws-check", append([]string{"--design"}, files...)...)
	var read []struct {
		File string            `json:"file"`
		APIs []json.RawMessage `json:"apis"`
	}
	if err := json.Unmarshal(out, &read); err != nil {
		t.Fatalf("ws-check --design printed no JSON list: %v", err)
	}
	if len(read) != len(files) {
		t.Fatalf("ws-check read %d files, want %d", len(read), len(files))
	}
	for _, o := range read {
		t.Run(filepath.Base(o.File), func(t *testing.T) {
			got, code := runCLI(t, "inspect", "--json", o.File)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, got)
			}
			var mine struct {
				APIs []json.RawMessage `json:"apis"`
			}
			if err := json.Unmarshal([]byte(got), &mine); err != nil {
				t.Fatalf("inspect --json printed no JSON: %v\n%s", err, got)
			}
			apis := importAPIs(t, o.File)
			var raw []any
			for _, a := range mine.APIs {
				var v map[string]any
				if err := json.Unmarshal(a, &v); err != nil {
					t.Fatal(err)
				}
				if i := slices.IndexFunc(apis, func(x render.API) bool { return x.Resource.ID == v["logicalId"] }); i >= 0 && !apis[i].SAM {
					raw = append(raw, asOracleReads(v, apis[i]))
				}
			}
			var want []any
			for _, a := range o.APIs {
				var v any
				if err := json.Unmarshal(a, &v); err != nil {
					t.Fatal(err)
				}
				want = append(want, v)
			}
			if !reflect.DeepEqual(raw, want) {
				g, _ := json.MarshalIndent(raw, "", " ")
				w, _ := json.MarshalIndent(want, "", " ")
				t.Errorf("inspect --json differs from ws-check --design\ngot:  %s\nwant: %s", g, w)
			}
		})
	}
}

// asOracleReads is what ws-check reads of an API inspect --json printed as
// summary: it finds handlers by reference only, so a function named by its
// physical name (…:function:AuthorizerFunction/invocations, corpus 18) is
// no handler to it.
func asOracleReads(summary map[string]any, a render.API) map[string]any {
	byName := map[string]bool{}
	for _, r := range a.Routes {
		if r.Handler.ByName {
			byName[r.ID] = true
		}
	}
	for _, az := range a.Authorizers {
		if az.Handler.ByName {
			byName[az.ID] = true
		}
	}
	for _, r := range summary["routes"].([]any) {
		route := r.(map[string]any)
		if id, _ := route["logicalId"].(string); byName[id] {
			route["handler"] = nil
		}
		if az, ok := route["authorizer"].(map[string]any); ok {
			if id, _ := az["logicalId"].(string); byName[id] {
				az["handler"] = nil
			}
		}
	}
	return summary
}

func TestInspectBadInput(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "bad.yaml")
	src := []byte("Resources:\n  A:\n    Type: [unclosed\n")
	if err := os.WriteFile(path, src, 0o600); err != nil {
		t.Fatal(err)
	}
	got, code := runCLI(t, "inspect", path)
	if code != ExitUsage {
		t.Errorf("exit %d, want %d", code, ExitUsage)
	}
	if !strings.Contains(got, path+":") {
		t.Errorf("error does not name the file: %s", got)
	}
	var e *render.Error
	_, _, err := importFile(path)
	if !errors.As(err, &e) || e.Line == 0 {
		t.Errorf("error %v is not a *render.Error with a position", err)
	}
	after, _ := os.ReadFile(path)
	if !bytes.Equal(after, src) {
		t.Error("inspect changed the file")
	}
	if _, code := runCLI(t, "inspect", filepath.Join(dir, "missing.yaml")); code != ExitUsage {
		t.Errorf("missing file: exit %d, want %d", code, ExitUsage)
	}
}

// TestInspectRefusesEveryBadInput runs inspect over each malformed file of
// render/testdata/bad: exit 2, an error naming file:line:col, the file
// untouched.
func TestInspectRefusesEveryBadInput(t *testing.T) {
	files, err := filepath.Glob("../../render/testdata/bad/*")
	if err != nil || len(files) < 10 {
		t.Fatalf("bad inputs missing: %v", err)
	}
	for _, path := range files {
		t.Run(filepath.Base(path), func(t *testing.T) {
			before, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			for _, args := range [][]string{{"inspect", path}, {"inspect", "--json", path}} {
				got, code := runCLI(t, args...)
				if code != ExitUsage {
					t.Errorf("%v: exit %d, want %d", args, code, ExitUsage)
				}
				var e *render.Error
				_, _, err := importFile(path)
				if !errors.As(err, &e) || !strings.Contains(got, e.Pos.String()+": ") {
					t.Errorf("%v: output %q lacks file:line:col", args, got)
				}
			}
			after, _ := os.ReadFile(path)
			if !bytes.Equal(before, after) {
				t.Error("inspect changed the file")
			}
		})
	}
}

// TestInspectTreeGolden keeps the readable tree of a few templates that
// together show every kind of line: an authorizer, foreign routes,
// SAM-native APIs, typed and intrinsic values, a selector that does not
// read the body.
func TestInspectTreeGolden(t *testing.T) {
	for _, path := range []string{
		filepath.Join(corpusDir, "05-sp-lambda-authorizer-cognito.yaml"),
		filepath.Join(corpusDir, "09-sp-sns-mock.yaml"),
		filepath.Join(corpusDir, "23-sam-serverless-websocketapi-globals-two-apis.yaml"),
		"../../render/testdata/import/broken-wiring-forms.yaml",
	} {
		t.Run(strings.TrimSuffix(filepath.Base(path), filepath.Ext(path)), func(t *testing.T) {
			got, code := runCLI(t, "inspect", path)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, got)
			}
			golden.RequireEqual(t, []byte(got))
		})
	}
}
