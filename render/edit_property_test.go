package render_test

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/wsdesign/wsdesign/model"
	"github.com/wsdesign/wsdesign/render"
)

// step is one random edit of a design: it reports false where it does not
// apply.
type step struct {
	name  string
	apply func(r *rand.Rand, d *model.Design, handlers []string, n int) bool
}

// managed are the indexes of the endpoints wsdesign may change.
func managed(d model.Design) []int {
	var out []int
	for i, e := range d.Endpoints {
		if e.Foreign == "" && e.Handler.IsSet() {
			out = append(out, i)
		}
	}
	return out
}

var steps = []step{
	{"add", func(r *rand.Rand, d *model.Design, hs []string, n int) bool {
		if len(hs) == 0 {
			return false
		}
		d.Endpoints = append(d.Endpoints, model.Endpoint{Route: fmt.Sprintf("prop%d", n), Mode: model.Mode(r.IntN(2)), Handler: model.Existing(hs[r.IntN(len(hs))])})
		return true
	}},
	{"remove", func(r *rand.Rand, d *model.Design, _ []string, _ int) bool {
		m := managed(*d)
		if len(m) < 2 {
			return false
		}
		i := m[r.IntN(len(m))]
		d.Endpoints = slices.Delete(slices.Clone(d.Endpoints), i, i+1)
		return true
	}},
	{"set mode", func(r *rand.Rand, d *model.Design, _ []string, _ int) bool {
		var custom []int
		for _, i := range managed(*d) {
			if !model.OneWayOnly(d.Endpoints[i].Route) {
				custom = append(custom, i)
			}
		}
		if len(custom) == 0 {
			return false
		}
		d.Endpoints = slices.Clone(d.Endpoints)
		i := custom[r.IntN(len(custom))]
		d.Endpoints[i].Mode = 1 - d.Endpoints[i].Mode
		return true
	}},
	{"relink", func(r *rand.Rand, d *model.Design, hs []string, _ int) bool {
		m := managed(*d)
		if len(m) == 0 || len(hs) < 2 {
			return false
		}
		d.Endpoints = slices.Clone(d.Endpoints)
		i := m[r.IntN(len(m))]
		for _, h := range hs {
			if h != d.Endpoints[i].Handler.Key() {
				d.Endpoints[i].Handler = model.Existing(h)
				return true
			}
		}
		return false
	}},
	{"stage", func(_ *rand.Rand, d *model.Design, _ []string, n int) bool {
		d.Stage = fmt.Sprintf("prop%d", n)
		return true
	}},
	{"selector", func(_ *rand.Rand, d *model.Design, _ []string, n int) bool {
		if d.RouteSelector == "" {
			return false
		}
		d.RouteSelector = fmt.Sprintf("kind%d", n)
		return true
	}},
	{"authorizer", func(r *rand.Rand, d *model.Design, hs []string, _ int) bool {
		if d.Authorizer != nil {
			d.Authorizer = nil
			return true
		}
		if _, ok := d.Endpoint(model.RouteConnect); !ok || len(hs) == 0 {
			return false
		}
		d.Authorizer = &model.Authorizer{Handler: model.Existing(hs[r.IntN(len(hs))]), IdentitySource: []string{model.DefaultIdentitySource}}
		return true
	}},
}

// TestEditProperty applies random sequences of edits to every API of the
// corpus: after each step the template parses, check has no error the
// original lacked, and the importer reads the intended design. Undoing the
// steps in reverse gives back the original design and errors, and the
// original bytes when every step added.
func TestEditProperty(t *testing.T) {
	t.Parallel()
	const sequences, length = 4, 4
	applied := map[string]int{}
	for fi, path := range matrixFiles(t) {
		src, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		base := filepath.Base(path)
		orig, err := render.Parse(base, src)
		if err != nil {
			t.Fatalf("%s: %v", base, err)
		}
		apis, err := render.Import(orig)
		if err != nil {
			t.Fatalf("%s: %v", base, err)
		}
		origErrors := errorsOf(t, base, orig)
		for _, a := range apis {
			if len(managed(a.Design)) == 0 {
				continue
			}
			hs := existingHandlers(a.Design)
			for seq := range sequences {
				r := rand.New(rand.NewPCG(uint64(fi), uint64(seq)))
				for _, name := range propertySequence(t, fmt.Sprintf("%s %s #%d", base, a.Resource.ID, seq), r, orig, src, a, hs, length, origErrors) {
					applied[name]++
				}
			}
		}
	}
	// Every kind of step was tried, often enough to mean something.
	for _, s := range steps {
		if applied[s.name] < 10 {
			t.Errorf("%q applied %d times: %v", s.name, applied[s.name], applied)
		}
	}
}

// propertySequence applies one random sequence and undoes it; it returns
// the steps applied.
func propertySequence(t *testing.T, label string, r *rand.Rand, orig *render.Template, src []byte, a render.API, hs []string, length int, origErrors map[string]int) []string {
	t.Helper()
	designs := []model.Design{a.Design}
	cur := orig
	onlyAdded := true
	var names []string
	for n := range length {
		d := copyOf(designs[len(designs)-1])
		s := steps[r.IntN(len(steps))]
		// A design the edit refuses, or one whose undoing it would refuse
		// (back to an imported stage $default, say), is not tried.
		prev := designs[len(designs)-1]
		if !s.apply(r, &d, hs, n) || newProblems(prev, d) || newProblems(d, prev) {
			continue
		}
		at := fmt.Sprintf("%s after %v", label, append(names, s.name))
		next, err := propertyEdit(cur, a.Resource.ID, d)
		if err != nil {
			// A refused edit changes nothing; it is the edit's own
			// tests' business whether it should have been refused.
			continue
		}
		names = append(names, s.name)
		onlyAdded = onlyAdded && s.name == "add"
		if !propertyHolds(t, at, next, a.Resource.ID, d, origErrors) {
			return names
		}
		cur = next
		designs = append(designs, d)
	}
	// Undo, newest first.
	for i := len(designs) - 2; i >= 0; i-- {
		at := fmt.Sprintf("%s undoing %v to step %d", label, names, i)
		next, err := propertyEdit(cur, a.Resource.ID, designs[i])
		if err != nil {
			t.Errorf("%s: the edit back is refused: %v", at, err)
			return names
		}
		if !propertyHolds(t, at, next, a.Resource.ID, designs[i], origErrors) {
			return names
		}
		cur = next
	}
	// The errors are the original's; an edit may have completed what the
	// author left incomplete (a 2-way route without its response).
	if got := errorsOf(t, label, cur); len(newKeys(origErrors, got)) > 0 {
		t.Errorf("%s undone: errors %v, originally %v", label, got, origErrors)
	}
	if onlyAdded && len(names) > 0 && string(cur.Src) != string(src) {
		t.Errorf("%s: undoing %v does not give back the original bytes:\n%s", label, names, lineDiff(src, cur.Src))
	}
	return names
}

// propertyEdit edits the API id of t to d, as `wsdesign edit` does.
func propertyEdit(t *render.Template, id string, d model.Design) (*render.Template, error) {
	apis, err := render.Import(t)
	if err != nil {
		return nil, err
	}
	i := slices.IndexFunc(apis, func(a render.API) bool { return a.Resource.ID == id })
	if i < 0 {
		return nil, fmt.Errorf("API %s is gone", id)
	}
	e := render.NewEdit(t)
	if _, err := e.EditAPI(apis[i], d, render.EditOptions{Flavor: render.TemplateFlavor(t)}); err != nil {
		return nil, err
	}
	out, err := e.Apply()
	if err != nil {
		return nil, err
	}
	next, err := render.Parse(t.Path, out)
	if err != nil {
		return &render.Template{Path: t.Path, Src: out}, nil
	}
	return next, nil
}

// propertyHolds checks one edited template: it parses, check finds no error
// the original lacked, and the API reads back as d.
func propertyHolds(t *testing.T, at string, next *render.Template, id string, d model.Design, origErrors map[string]int) bool {
	t.Helper()
	if next.Root == nil {
		t.Errorf("%s: the template written does not parse", at)
		return false
	}
	if added := newKeys(origErrors, errorsOf(t, at, next)); len(added) > 0 {
		t.Errorf("%s: new check errors %v", at, added)
		return false
	}
	apis, err := render.Import(next)
	if err != nil {
		t.Errorf("%s: %v", at, err)
		return false
	}
	for _, a := range apis {
		if a.Resource.ID == id {
			if got, want := facts(a.Design), facts(d); got != want {
				t.Errorf("%s: imported back as\n%s\nwant\n%s", at, got, want)
				return false
			}
			return true
		}
	}
	t.Errorf("%s: API %s is gone", at, id)
	return false
}

func copyOf(d model.Design) model.Design {
	d.Endpoints = slices.Clone(d.Endpoints)
	if d.Authorizer != nil {
		a := *d.Authorizer
		d.Authorizer = &a
	}
	return d
}

// facts is what the template states of a design, endpoints in route order.
func facts(d model.Design) string {
	out := fmt.Sprintf("selector %q stage %q\n", d.RouteSelector, d.Stage)
	eps := slices.Clone(d.Endpoints)
	slices.SortFunc(eps, func(x, y model.Endpoint) int { return strings.Compare(x.Route, y.Route) })
	for _, e := range eps {
		out += fmt.Sprintf("  %s %s %s %s\n", e.Route, e.Mode, e.Handler.Key(), e.Foreign)
	}
	if d.Authorizer != nil {
		out += fmt.Sprintf("  authorizer %s %v\n", d.Authorizer.Handler.Key(), d.Authorizer.IdentitySource)
	}
	return out
}

// newProblems reports whether d has a validation error that prev does not:
// such a design is refused before any edit (an authorizer without
// $connect, say).
func newProblems(prev, d model.Design) bool {
	had := map[string]bool{}
	for _, p := range prev.Validate(nil).Errors() {
		had[p.Field+p.Message] = true
	}
	for _, p := range d.Validate(nil).Errors() {
		if !had[p.Field+p.Message] {
			return true
		}
	}
	return false
}
