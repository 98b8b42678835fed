package render_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/wsdesign/wsdesign/check"
	"github.com/wsdesign/wsdesign/internal/oracle"
	"github.com/wsdesign/wsdesign/model"
	"github.com/wsdesign/wsdesign/render"
)

// matrixFiles lists every template of both real-world corpus folders.
func matrixFiles(t *testing.T) []string {
	t.Helper()
	var out []string
	for _, dir := range []string{"realworld", "realworld2"} {
		files, _ := filepath.Glob(filepath.Join("..", "..", "shared", "corpus", dir, "*.[jy]*"))
		for _, f := range files {
			if !strings.HasSuffix(f, "expected.json") {
				out = append(out, f)
			}
		}
	}
	if len(out) == 0 {
		t.Skip("no corpus under ../shared/corpus")
	}
	return out
}

// matrixVariant is one way of writing a corpus file that its meaning does
// not depend on.
type matrixVariant struct {
	name string
	src  []byte
}

func matrixVariants(base string, src []byte) []matrixVariant {
	lf := strings.ReplaceAll(string(src), "\r\n", "\n")
	vs := []matrixVariant{
		{"as written", src},
		{"crlf", []byte(strings.ReplaceAll(lf, "\n", "\r\n"))},
		{"no final newline", []byte(strings.TrimRight(string(src), "\r\n \t"))},
	}
	if !strings.HasSuffix(base, ".json") {
		// A comment before the first key and one after the last line.
		vs = append(vs, matrixVariant{"extra comments", []byte("# kept by wsdesign\n" + strings.TrimRight(lf, "\n") + "\n# the end\n")})
	}
	return vs
}

// errorsOf is the multiset of check's errors, by rule and resource (their
// positions move when an edit adds lines).
func errorsOf(t *testing.T, label string, tpl *render.Template) map[string]int {
	t.Helper()
	fs, err := check.Template(tpl)
	if err != nil {
		t.Errorf("%s: check: %v", label, err)
		return nil
	}
	out := map[string]int{}
	for _, f := range fs {
		if f.Severity() == check.Error {
			out[f.Rule.ID+" "+f.LogicalID]++
		}
	}
	return out
}

func newKeys(before, after map[string]int) []string {
	var out []string
	for k, n := range after {
		if n > before[k] {
			out = append(out, k)
		}
	}
	slices.Sort(out)
	return out
}

// matrixResult is one edited template kept for the batched external checks.
type matrixResult struct {
	label, orig, path string
}

// TestEditMatrix proves, on every corpus template and its variants, what an
// edit promises: for each Lambda handler an API already uses, adding a
// 2-way endpoint on it gives a template with no new `check` error and no new
// finding of the oracles or cfn-lint, and removing that endpoint again gives
// back the original bytes; removing each existing endpoint leaves no new
// `check` error either.
func TestEditMatrix(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	var results []matrixResult
	for _, path := range matrixFiles(t) {
		src, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		base := filepath.Base(path)
		for vi, v := range matrixVariants(base, src) {
			tpl, err := render.Parse(base, v.src)
			if err != nil {
				t.Fatal(err)
			}
			apis, err := render.Import(tpl)
			if err != nil {
				t.Fatal(err)
			}
			origErrs := errorsOf(t, base, tpl)
			orig := filepath.Join(dir, fmt.Sprintf("orig-%s", base))
			if vi == 0 {
				if err := os.WriteFile(orig, src, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			for _, a := range apis {
				for _, h := range existingHandlers(a.Design) {
					label := fmt.Sprintf("%s (%s) %s add on %s", base, v.name, a.Resource.ID, h)
					d := a.Design
					d.Endpoints = append(slices.Clone(d.Endpoints), model.Endpoint{Route: "probe", Mode: model.TwoWay, Handler: model.Existing(h)})
					out, ok := matrixEdit(t, label, tpl, a, d)
					if !ok {
						continue
					}
					added, err := render.Parse(base, out)
					if err != nil {
						t.Errorf("%s: %v", label, err)
						continue
					}
					if nk := newKeys(origErrs, errorsOf(t, label, added)); len(nk) > 0 {
						t.Errorf("%s: check reports new errors %v", label, nk)
					}
					if vi == 0 {
						p := filepath.Join(dir, fmt.Sprintf("%d-%s", len(results), base))
						if err := os.WriteFile(p, out, 0o644); err != nil {
							t.Fatal(err)
						}
						results = append(results, matrixResult{label, orig, p})
					}
					// Removing it again gives back the bytes read.
					again, err := render.Import(added)
					if err != nil {
						t.Errorf("%s: %v", label, err)
						continue
					}
					i := slices.IndexFunc(again, func(x render.API) bool { return x.Resource.ID == a.Resource.ID })
					if i < 0 {
						t.Errorf("%s: the API is gone", label)
						continue
					}
					back, ok := matrixEdit(t, label+" then remove", added, again[i], a.Design)
					if ok && !bytes.Equal(back, v.src) {
						t.Errorf("%s then remove: the original bytes did not come back:\n%s", label, lineDiff(v.src, back))
					}
				}
				for i, e := range a.Design.Endpoints {
					// API Gateway cannot deploy an API without routes: its
					// last endpoint stays.
					if e.Foreign != "" || len(a.Design.Endpoints) == 1 || a.Design.Authorizer != nil && e.Route == model.RouteConnect {
						continue
					}
					label := fmt.Sprintf("%s (%s) %s remove %s", base, v.name, a.Resource.ID, e.Route)
					d := a.Design
					d.Endpoints = slices.Delete(slices.Clone(d.Endpoints), i, i+1)
					out, ok := matrixEdit(t, label, tpl, a, d)
					if !ok {
						continue
					}
					removed, err := render.Parse(base, out)
					if err != nil {
						t.Errorf("%s: %v", label, err)
						continue
					}
					if nk := newKeys(origErrs, errorsOf(t, label, removed)); len(nk) > 0 {
						t.Errorf("%s: check reports new errors %v", label, nk)
					}
				}
			}
		}
	}
	matrixExternal(t, results)
}

// existingHandlers lists the template functions the API's endpoints use.
func existingHandlers(d model.Design) []string {
	var out []string
	for _, e := range d.Endpoints {
		if e.Handler.Kind == model.LinkExisting && !slices.Contains(out, e.Handler.Key()) {
			out = append(out, e.Handler.Key())
		}
	}
	return out
}

func matrixEdit(t *testing.T, label string, tpl *render.Template, a render.API, d model.Design) ([]byte, bool) {
	t.Helper()
	e := render.NewEdit(tpl)
	// As `wsdesign edit` does without --grant: what functions need to post
	// to clients is reported, not written.
	if _, err := e.EditAPI(a, d, render.EditOptions{Flavor: render.TemplateFlavor(tpl)}); err != nil {
		t.Errorf("%s: %v", label, err)
		return nil, false
	}
	out, err := e.Apply()
	if err != nil {
		t.Errorf("%s: %v", label, err)
		return nil, false
	}
	return out, true
}

// lineDiff shows the first lines where two texts differ.
func lineDiff(a, b []byte) string {
	x, y := strings.Split(string(a), "\n"), strings.Split(string(b), "\n")
	for i := range max(len(x), len(y)) {
		var l, r string
		if i < len(x) {
			l = x[i]
		}
		if i < len(y) {
			r = y[i]
		}
		if l != r {
			return fmt.Sprintf("line %d: %q became %q", i+1, l, r)
		}
	}
	return "(same lines)"
}

// matrixExternal runs the oracles and cfn-lint once over every edited file
// and its original, and reports findings the original did not have.
func matrixExternal(t *testing.T, results []matrixResult) {
	t.Helper()
	if len(results) == 0 {
		return
	}
	dir := oracle.Dir(t)
	var files []string
	seen := map[string]bool{}
	for _, r := range results {
		for _, f := range []string{r.orig, r.path} {
			if !seen[f] {
				seen[f] = true
				files = append(files, f)
			}
		}
	}
	type found map[string][]string
	runs := map[string]func() found{
		"ws-check": func() found { return wsCheckFindings(t, dir, files) },
		"cfn-lint": func() found { return cfnLintFindings(t, files) },
	}
	if _, err := exec.LookPath("cfn-lint"); err != nil {
		if oracle.PythonRequired() {
			t.Errorf("cfn-lint is not installed, though .ci/run found it")
		}
		t.Log("cfn-lint is not installed (pip install cfn-lint==1.51.0): its findings are not compared")
		runs["cfn-lint"] = func() found { return nil }
	}
	got := map[string]chan found{}
	for name, run := range runs {
		got[name] = make(chan found, 1)
		go func() { got[name] <- run() }()
	}
	for _, name := range []string{"ws-check", "cfn-lint"} {
		byFile := <-got[name]
		for _, r := range results {
			for _, f := range byFile[r.path] {
				if !slices.Contains(byFile[r.orig], f) && !render.SAMGeneratedRef(t, r.path, f) {
					t.Errorf("%s: %s: new %s", r.label, name, f)
				}
			}
		}
	}
}

// wsCheckFindings runs ws-check --sam --json once and returns each file's
// findings as "RULE resource".
func wsCheckFindings(t *testing.T, dir string, files []string) map[string][]string {
	cmd := exec.Command(filepath.Join(dir, "ws-check"), append([]string{"--json", "--sam"}, files...)...)
	out, _ := cmd.Output()
	var reports []struct {
		File     string `json:"file"`
		Findings []struct {
			Rule     string `json:"rule"`
			Resource string `json:"logicalId"`
			Message  string `json:"message"`
		} `json:"findings"`
	}
	if err := json.Unmarshal(out, &reports); err != nil {
		t.Errorf("ws-check --json: %v\n%.2000s", err, out)
		return nil
	}
	res := map[string][]string{}
	for _, r := range reports {
		for _, f := range r.Findings {
			res[r.File] = append(res[r.File], f.Rule+" "+f.Resource)
		}
	}
	return res
}

// cfnLintFindings runs cfn-lint once and returns each file's errors as
// "RULE path".
func cfnLintFindings(t *testing.T, files []string) map[string][]string {
	out, _ := exec.Command("cfn-lint", append([]string{"--format", "json", "--"}, files...)...).Output()
	var reports []struct {
		Filename string `json:"Filename"`
		Level    string `json:"Level"`
		Message  string `json:"Message"`
		Rule     struct {
			ID string `json:"Id"`
		} `json:"Rule"`
		Location struct {
			Path []any `json:"Path"`
		} `json:"Location"`
	}
	if err := json.Unmarshal(out, &reports); err != nil {
		t.Errorf("cfn-lint --format json: %v\n%.2000s", err, out)
		return nil
	}
	res := map[string][]string{}
	for _, r := range reports {
		if r.Level != "Error" {
			continue
		}
		res[r.Filename] = append(res[r.Filename], fmt.Sprintf("%s %v: %s", r.Rule.ID, r.Location.Path, r.Message))
	}
	return res
}
