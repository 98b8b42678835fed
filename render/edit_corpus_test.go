package render

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

	"github.com/wsdesign/wsdesign/internal/oracle"
	"github.com/wsdesign/wsdesign/model"
)

// operation is one edit of a design that the corpus test applies wherever
// it fits; ok is false where it does not apply.
type operation struct {
	name  string
	apply func(t *Template, a API) (d model.Design, ok bool)
}

// handlersOf lists the functions the template has, in file order.
func handlersOf(t *Template) []string {
	var out []string
	for _, f := range Functions(t) {
		if f.Type == TypeServerlessFunc || f.Type == TypeLambdaFunction {
			out = append(out, f.ID)
		}
	}
	return out
}

func copyDesign(d model.Design) model.Design {
	d.Endpoints = slices.Clone(d.Endpoints)
	if d.Authorizer != nil {
		a := *d.Authorizer
		d.Authorizer = &a
	}
	return d
}

// editable is the index of the first endpoint wsdesign manages that
// satisfies ok, or -1.
func editable(d model.Design, ok func(model.Endpoint) bool) int {
	return slices.IndexFunc(d.Endpoints, func(e model.Endpoint) bool { return e.Foreign == "" && ok(e) })
}

var operations = []operation{
	{"add endpoint", func(t *Template, a API) (model.Design, bool) {
		d := copyDesign(a.Design)
		h := model.NewFunction("ProbeFunction")
		if fns := handlersOf(t); len(fns) > 0 {
			h = model.Existing(fns[0])
		}
		d.Endpoints = append(d.Endpoints, model.Endpoint{Route: "probe", Mode: model.TwoWay, Handler: h})
		return d, true
	}},
	{"remove endpoint", func(t *Template, a API) (model.Design, bool) {
		d := copyDesign(a.Design)
		i := editable(d, func(e model.Endpoint) bool { return d.Authorizer == nil || e.Route != model.RouteConnect })
		if i < 0 || len(d.Endpoints) < 2 {
			return d, false
		}
		d.Endpoints = slices.Delete(d.Endpoints, i, i+1)
		return d, true
	}},
	{"change mode", func(t *Template, a API) (model.Design, bool) {
		d := copyDesign(a.Design)
		i := editable(d, func(e model.Endpoint) bool { return !model.OneWayOnly(e.Route) })
		if i < 0 {
			return d, false
		}
		d.Endpoints[i].Mode = 1 - d.Endpoints[i].Mode
		return d, true
	}},
	{"relink handler", func(t *Template, a API) (model.Design, bool) {
		d := copyDesign(a.Design)
		i := editable(d, func(model.Endpoint) bool { return true })
		if i < 0 {
			return d, false
		}
		for _, f := range handlersOf(t) {
			if f != d.Endpoints[i].Handler.Key() {
				d.Endpoints[i].Handler = model.Existing(f)
				return d, true
			}
		}
		return d, false
	}},
	{"route selector", func(t *Template, a API) (model.Design, bool) {
		d := copyDesign(a.Design)
		d.RouteSelector = "message.type"
		return d, true
	}},
	{"rename", func(t *Template, a API) (model.Design, bool) {
		d := copyDesign(a.Design)
		d.Name = "Renamed API"
		return d, true
	}},
	{"add authorizer", func(t *Template, a API) (model.Design, bool) {
		d := copyDesign(a.Design)
		fns := handlersOf(t)
		if d.Authorizer != nil || len(fns) == 0 || editable(d, func(e model.Endpoint) bool { return e.Route == model.RouteConnect }) < 0 {
			return d, false
		}
		d.Authorizer = &model.Authorizer{Handler: model.Existing(fns[len(fns)-1]), IdentitySource: []string{model.DefaultIdentitySource}}
		return d, true
	}},
	{"remove authorizer", func(t *Template, a API) (model.Design, bool) {
		d := copyDesign(a.Design)
		if d.Authorizer == nil {
			return d, false
		}
		d.Authorizer = nil
		return d, true
	}},
	{"change stage", func(t *Template, a API) (model.Design, bool) {
		d := copyDesign(a.Design)
		if len(a.Stages) == 0 || a.Stages[0].NameNode == nil || a.Stages[0].NameNode.Kind != 8 /* scalar */ {
			return d, false
		}
		if _, ok := Scalar(a.Stages[0].NameNode); !ok {
			return d, false
		}
		d.Stage = "v2"
		return d, true
	}},
}

// edited is one result of the corpus test, kept for the batched oracle runs.
type edited struct {
	label    string
	path     string
	origPath string
	apiID    string
}

// TestEditCorpus applies every operation that fits to every WebSocket API of
// every corpus file and checks the preservation contract of SPEC section 4:
// (a) saving without a change gives the same bytes, also for CRLF files,
// files without a final newline and JSON; (b) no line outside the touched
// resources changes; (c) AWS's validator finds no new error and ws-check
// reads the intended design; (d) importing the result gives the edited
// design.
func TestEditCorpus(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	var results []edited
	for _, path := range corpusFiles(t) {
		src, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		base := filepath.Base(path)
		for vi, v := range variants(src) {
			tpl, err := Parse(base, v.src)
			if err != nil {
				t.Fatal(err)
			}
			apis, err := Import(tpl)
			if err != nil {
				t.Fatal(err)
			}
			// (a) No change, no bytes changed.
			for _, a := range apis {
				e := NewEdit(tpl)
				if _, err := e.EditAPI(a, a.Design, EditOptions{}); err != nil {
					t.Errorf("%s (%s) %s: no change: %v", base, v.name, a.Resource.ID, err)
					continue
				}
				out, err := e.Apply()
				if err != nil || !bytes.Equal(out, v.src) {
					t.Errorf("%s (%s) %s: saving without a change changed the file (%v)", base, v.name, a.Resource.ID, err)
				}
			}
			origPath := filepath.Join(dir, base)
			if err := os.WriteFile(origPath, src, 0o644); err != nil {
				t.Fatal(err)
			}
			for _, a := range apis {
				for _, op := range operations {
					d, ok := op.apply(tpl, a)
					if !ok {
						continue
					}
					label := fmt.Sprintf("%s (%s) %s %s", base, v.name, a.Resource.ID, op.name)
					e := NewEdit(tpl)
					if _, err := e.EditAPI(a, d, EditOptions{Flavor: TemplateFlavor(tpl), Grant: true}); err != nil {
						t.Errorf("%s: %v", label, err)
						continue
					}
					out, err := e.Apply()
					if err != nil {
						t.Errorf("%s: %v", label, err)
						continue
					}
					checkOutside(t, label, tpl, e, out)
					checkReimport(t, label, out, a.Resource.ID, d)
					if v.crlf != bytes.Contains(out, []byte("\r\n")) || bytes.Contains(bytes.ReplaceAll(out, []byte("\r\n"), nil), []byte("\r")) ||
						v.finalNewline != bytes.HasSuffix(out, []byte("\n")) {
						t.Errorf("%s: line endings or the final newline changed", label)
					}
					if vi > 0 {
						continue // the oracles read the files as written
					}
					p := filepath.Join(dir, fmt.Sprintf("%d-%s", len(results), strings.ReplaceAll(base, " ", "")))
					if err := os.WriteFile(p, out, 0o644); err != nil {
						t.Fatal(err)
					}
					results = append(results, edited{label, p, origPath, a.Resource.ID})
				}
			}
		}
	}
	checkOracles(t, results)
}

// checkOutside asserts (b): the lines of the file outside the entries the
// edit touched, blank lines aside, are the same and in the same order.
func checkOutside(t *testing.T, label string, before *Template, e *Edit, out []byte) {
	t.Helper()
	after, err := Parse(before.Path, out)
	if err != nil {
		t.Fatalf("%s: %v", label, err)
	}
	a := outsideLines(before, e.touched())
	b := outsideLines(after, e.touched())
	if !slices.Equal(a, b) {
		for i := range min(len(a), len(b)) {
			if a[i] != b[i] {
				t.Errorf("%s: line outside the touched resources changed: %q became %q", label, a[i], b[i])
				return
			}
		}
		t.Errorf("%s: lines outside the touched resources: %d before, %d after", label, len(a), len(b))
	}
}

// outsideLines lists the non-blank lines of a template that are not part of
// the touched entries (nor the key line of a section the edit created).
func outsideLines(t *Template, touched map[string][]string) []string {
	s := newSource(t.Src)
	skip := map[int]bool{}
	for section, ids := range touched {
		m := Get(t.Root, section)
		for i := 0; m != nil && i+1 < len(m.Content); i += 2 {
			k, v := m.Content[i], m.Content[i+1]
			if !slices.Contains(ids, k.Value) {
				continue
			}
			first, last := k.Line, 0
			if t.Format == JSON {
				last, _ = lineCol(t.Src, s.jsonEnd(s.off(v))-1)
			} else {
				b := s.blockEntry(k, v)
				first, last = b.head, b.last
			}
			for l := first; l <= last; l++ {
				skip[l] = true
			}
		}
	}
	var out []string
	for l := 1; l <= s.lineCount(); l++ {
		line := strings.TrimRight(string(s.text(l)), " \t")
		if skip[l] || strings.TrimSpace(line) == "" {
			continue
		}
		if t.Format == JSON {
			// A comma moves when an entry is added or removed after it.
			line = strings.TrimSuffix(line, ",")
			if strings.TrimSpace(line) == "" {
				continue
			}
		}
		out = append(out, line)
	}
	// Keys of sections that did not exist before an edit are new lines.
	return slices.DeleteFunc(out, func(l string) bool {
		for section := range touched {
			if strings.TrimSpace(l) == section+":" || strings.TrimSpace(l) == `"`+section+`": {` {
				return true
			}
		}
		return false
	})
}

// checkReimport asserts (d): importing the result gives the edited design.
func checkReimport(t *testing.T, label string, out []byte, id string, want model.Design) {
	t.Helper()
	tpl, err := Parse("edited", out)
	if err != nil {
		t.Errorf("%s: %v", label, err)
		return
	}
	apis, err := Import(tpl)
	if err != nil {
		t.Errorf("%s: %v", label, err)
		return
	}
	for _, a := range apis {
		if a.Resource.ID == id {
			if got, w := designFacts(a.Design), designFacts(want); got != w {
				t.Errorf("%s: imported back as\n%s\nwant\n%s", label, got, w)
			}
			return
		}
	}
	t.Errorf("%s: API %s is gone", label, id)
}

// designFacts is the part of a design that the template states, as text.
func designFacts(d model.Design) string {
	var b strings.Builder
	fmt.Fprintf(&b, "name %q selector %q stage %q description %q\n", d.Name, d.RouteSelector, d.Stage, d.Description)
	eps := slices.Clone(d.Endpoints)
	slices.SortFunc(eps, func(x, y model.Endpoint) int { return strings.Compare(x.Route, y.Route) })
	for _, e := range eps {
		fmt.Fprintf(&b, "  %s %s %s %s\n", e.Route, e.Mode, e.Handler.Key(), e.Foreign)
	}
	if d.Authorizer != nil {
		fmt.Fprintf(&b, "  authorizer %s %v\n", d.Authorizer.Handler.Key(), d.Authorizer.IdentitySource)
	}
	return b.String()
}

// checkOracles asserts (c) in two batched runs of the Node checkers.
func checkOracles(t *testing.T, results []edited) {
	t.Helper()
	if len(results) == 0 {
		return
	}
	dir := oracle.Dir(t)
	var files []string
	seen := map[string]bool{}
	for _, r := range results {
		if !seen[r.origPath] {
			seen[r.origPath] = true
			files = append(files, r.origPath)
		}
		files = append(files, r.path)
	}
	t.Logf("checking %d edited templates with the oracles", len(results))
	var edited []string
	for _, r := range results {
		edited = append(edited, r.path)
	}
	// The two checkers run side by side, one Node process each.
	designs := make(chan map[string]json.RawMessage, 1)
	go func() { designs <- oracleDesigns(t, dir, edited) }()
	errs := validatorErrors(t, dir, files)
	for _, r := range results {
		for _, d := range errs[r.path] {
			if !slices.Contains(errs[r.origPath], d) && !samGeneratedRef(t, r.path, d) {
				t.Errorf("%s: cfn-validate: new %s", r.label, d)
			}
		}
	}
	byFile := <-designs
	for _, r := range results {
		src, _ := os.ReadFile(r.path)
		tpl, _ := Parse(r.path, src)
		apis, _ := Import(tpl)
		// ws-check reads raw APIs only, not SAM's AWS::Serverless::WebSocketApi.
		want, _ := json.Marshal(Summarize(asOracleReads(slices.DeleteFunc(apis, func(a API) bool { return a.SAM }))))
		if got := byFile[r.path]; !jsonEqual(got, want) {
			t.Errorf("%s: ws-check --design reads\n%s\nwsdesign reads\n%s", r.label, got, want)
		}
	}
}

// asOracleReads is what ws-check reads of apis: it finds handlers by
// reference only, so a function named by its physical name
// (…:function:AuthorizerFunction/invocations, corpus 18) is no handler to
// it.
func asOracleReads(apis []API) []API {
	for i := range apis {
		a := &apis[i]
		for j := range a.Routes {
			if a.Routes[j].Handler.ByName {
				a.Routes[j].Handler = Invoked{}
			}
		}
		for j := range a.Authorizers {
			if a.Authorizers[j].Handler.ByName {
				a.Authorizers[j].Handler = Invoked{}
			}
		}
	}
	return apis
}

// validatorErrors runs cfn-validate (in the oracle folder dir) once over files and returns each file's
// ERROR and FATAL findings as "RULE: message".
func validatorErrors(t *testing.T, dir string, files []string) map[string][]string {
	t.Helper()
	cmd := exec.Command(filepath.Join(dir, "cfn-validate"), append([]string{"--json"}, files...)...)
	out, err := cmd.Output()
	if len(out) == 0 {
		t.Fatalf("cfn-validate: %v", err)
	}
	var reports []struct {
		File        string `json:"file"`
		Diagnostics []struct {
			Severity string `json:"severity"`
			RuleID   string `json:"ruleId"`
			Message  string `json:"message"`
		} `json:"diagnostics"`
	}
	if err := json.Unmarshal(out, &reports); err != nil {
		t.Fatalf("cfn-validate --json: %v\n%s", err, out)
	}
	res := map[string][]string{}
	for _, r := range reports {
		for _, d := range r.Diagnostics {
			if s := strings.ToUpper(d.Severity); s == "ERROR" || s == "FATAL" {
				res[r.File] = append(res[r.File], d.RuleID+": "+d.Message)
			}
		}
	}
	return res
}

// oracleDesigns runs ws-check --design (in the oracle folder dir) once over
// files. It runs beside
// another check, so it reports failures with Errorf, never Fatalf.
func oracleDesigns(t *testing.T, dir string, files []string) map[string]json.RawMessage {
	t.Helper()
	out, err := exec.Command(filepath.Join(dir, "ws-check"), append([]string{"--design"}, files...)...).Output()
	if err != nil {
		t.Errorf("ws-check --design: %v", err)
		return nil
	}
	res := map[string]json.RawMessage{}
	if len(files) == 1 {
		res[files[0]] = out
		return res
	}
	var all []struct {
		File string          `json:"file"`
		APIs json.RawMessage `json:"apis"`
	}
	if err := json.Unmarshal(out, &all); err != nil {
		t.Errorf("ws-check --design: %v", err)
		return nil
	}
	for _, a := range all {
		res[a.File] = json.RawMessage(`{"apis":` + string(a.APIs) + `}`)
	}
	return res
}

func jsonEqual(a, b []byte) bool {
	var x, y any
	if json.Unmarshal(a, &x) != nil || json.Unmarshal(b, &y) != nil {
		return false
	}
	xs, _ := json.Marshal(x)
	ys, _ := json.Marshal(y)
	return bytes.Equal(xs, ys)
}
