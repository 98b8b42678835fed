package render_test

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/wsdesign/wsdesign/model"
	"github.com/wsdesign/wsdesign/render"
)

const corpusDir = "../../shared/corpus/realworld"

// expectedFile is the part of corpus/realworld/expected.json the importer
// must recover (see its "conventions" block).
type expectedFile struct {
	Format        string `json:"format"`
	WebSocketAPIs []struct {
		LogicalID                string          `json:"logicalId"`
		ResourceType             string          `json:"resourceType"`
		Name                     json.RawMessage `json:"name"`
		RouteSelectionExpression string          `json:"routeSelectionExpression"`
		ImplicitStageName        string          `json:"implicitStageName"`
		Stages                   []struct {
			LogicalID           string          `json:"logicalId"`
			StageName           json.RawMessage `json:"stageName"`
			DeploymentLogicalID *string         `json:"deploymentLogicalId"`
			AutoDeploy          *bool           `json:"autoDeploy"`
		} `json:"stages"`
		Routes []struct {
			LogicalID            *string `json:"logicalId"`
			RouteKey             string  `json:"routeKey"`
			TwoWay               bool    `json:"twoWay"`
			IntegrationLogicalID *string `json:"integrationLogicalId"`
			IntegrationType      string  `json:"integrationType"`
			HandlerLogicalID     *string `json:"handlerLogicalId"`
			AuthorizationType    *string `json:"authorizationType"`
			Authorizer           *struct {
				LogicalID        string    `json:"logicalId"`
				AuthorizerType   string    `json:"authorizerType"`
				LambdaLogicalID  *string   `json:"lambdaLogicalId"`
				IdentitySource   *[]string `json:"identitySource"`
				LambdaResolution string    `json:"lambdaResolution"`
			} `json:"authorizer"`
		} `json:"routes"`
	} `json:"webSocketApis"`
}

func readExpected(t *testing.T) map[string]expectedFile {
	t.Helper()
	src, err := os.ReadFile(filepath.Join(corpusDir, "expected.json"))
	if err != nil {
		t.Fatalf("the corpus is missing (../shared must be linked next to the module): %v", err)
	}
	var doc struct {
		Files map[string]expectedFile `json:"files"`
	}
	if err := json.Unmarshal(src, &doc); err != nil {
		t.Fatal(err)
	}
	return doc.Files
}

func importCorpusFile(t testing.TB, name string) (*render.Template, []render.API) {
	t.Helper()
	src, err := os.ReadFile(filepath.Join(corpusDir, name))
	if err != nil {
		t.Fatal(err)
	}
	tpl, err := render.Parse(name, src)
	if err != nil {
		t.Fatal(err)
	}
	apis, err := render.Import(tpl)
	if err != nil {
		t.Fatal(err)
	}
	return tpl, apis
}

// text is an expected name or stage name in the importer's Text form: the
// literal, or the intrinsic as compact JSON.
func text(raw json.RawMessage) string {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	var b bytes.Buffer
	if err := json.Compact(&b, raw); err != nil {
		panic(err)
	}
	return b.String()
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

func TestImportCorpusMatchesExpected(t *testing.T) {
	files := readExpected(t)
	entries, err := os.ReadDir(corpusDir)
	if err != nil {
		t.Fatal(err)
	}
	seen := 0
	for _, e := range entries {
		name := e.Name()
		if !strings.HasSuffix(name, ".yaml") && !strings.HasSuffix(name, ".json") || name == "expected.json" {
			continue
		}
		want, ok := files[name]
		if !ok {
			t.Errorf("%s has no entry in expected.json", name)
			continue
		}
		seen++
		t.Run(name, func(t *testing.T) {
			tpl, apis := importCorpusFile(t, name)
			if got := tpl.Format.String(); got != want.Format {
				t.Errorf("format %s, want %s", got, want.Format)
			}
			if len(apis) != len(want.WebSocketAPIs) {
				t.Fatalf("%d APIs, want %d", len(apis), len(want.WebSocketAPIs))
			}
			for i, wa := range want.WebSocketAPIs {
				a := apis[i]
				check := func(what string, got, want any) {
					t.Helper()
					if !reflect.DeepEqual(got, want) {
						t.Errorf("%s: %s = %#v, want %#v", wa.LogicalID, what, got, want)
					}
				}
				check("logical ID", a.Resource.ID, wa.LogicalID)
				check("type", a.Resource.Type, wa.ResourceType)
				check("SAM", a.SAM, wa.ResourceType == render.TypeServerlessWSAPI)
				check("name", a.Design.Name, text(wa.Name))
				check("selector expression", a.RouteSelectionExpression, wa.RouteSelectionExpression)
				check("design selector", a.Design.RouteSelectionExpression(), wa.RouteSelectionExpression)
				check("design logical ID", a.Design.LogicalID, wa.LogicalID)
				if wa.ImplicitStageName != "" {
					check("stages", len(a.Stages), 1)
					check("implicit stage", a.Stages[0].Name, wa.ImplicitStageName)
					check("implicit stage ID", a.Stages[0].ID, "")
					check("deployment", a.Deployment, render.DeployAuto)
				} else {
					check("stages", len(a.Stages), len(wa.Stages))
					for j := 0; j < len(wa.Stages) && j < len(a.Stages); j++ {
						ws, s := wa.Stages[j], a.Stages[j]
						check("stage ID", s.ID, ws.LogicalID)
						check("stage name", s.Name, text(ws.StageName))
						check("stage deployment", s.DeploymentID, deref(ws.DeploymentLogicalID))
						check("stage auto-deploy", s.AutoDeploy, ws.AutoDeploy != nil && *ws.AutoDeploy)
					}
				}
				if len(a.Stages) > 0 {
					check("design stage", a.Design.Stage, a.Stages[0].Name)
				}
				check("routes", len(a.Routes), len(wa.Routes))
				check("endpoints", len(a.Design.Endpoints), len(wa.Routes))
				for j := 0; j < len(wa.Routes) && j < len(a.Routes); j++ {
					wr, r, ep := wa.Routes[j], a.Routes[j], a.Design.Endpoints[j]
					check("route ID", r.ID, deref(wr.LogicalID))
					check("route key", r.Key, wr.RouteKey)
					check("endpoint route", ep.Route, wr.RouteKey)
					check(wr.RouteKey+" two-way", r.TwoWay, wr.TwoWay)
					check(wr.RouteKey+" mode", ep.Mode == model.TwoWay, wr.TwoWay)
					check(wr.RouteKey+" integration", r.IntegrationID, deref(wr.IntegrationLogicalID))
					check(wr.RouteKey+" integration type", r.IntegrationType, wr.IntegrationType)
					check(wr.RouteKey+" handler", r.Handler.String(), deref(wr.HandlerLogicalID))
					check(wr.RouteKey+" authorization type", r.AuthorizationType, deref(wr.AuthorizationType))
					proxy := wr.IntegrationType == render.IntegrationAWSProxy && wr.HandlerLogicalID != nil
					check(wr.RouteKey+" foreign", ep.Foreign != "", !proxy)
					if proxy {
						check(wr.RouteKey+" endpoint handler", ep.Handler.FunctionID, *wr.HandlerLogicalID)
						check(wr.RouteKey+" endpoint handler kind", ep.Handler.Kind, model.LinkExisting)
						check(wr.RouteKey+" endpoint handler type", ep.Handler.FunctionType != "", true)
					} else {
						check(wr.RouteKey+" foreign type", ep.Foreign, wr.IntegrationType)
					}
					if wr.Authorizer == nil {
						check(wr.RouteKey+" authorizer", r.AuthorizerID, "")
						continue
					}
					wz := wr.Authorizer
					check(wr.RouteKey+" authorizer", r.AuthorizerID, wz.LogicalID)
					var az render.Authorizer
					for _, x := range a.Authorizers {
						if x.ID == r.AuthorizerID {
							az = x
						}
					}
					check(wr.RouteKey+" authorizer type", az.Type, wz.AuthorizerType)
					// A URI that names the function by its physical name
					// (lambdaResolution by-physical-name) is read too.
					check(wr.RouteKey+" authorizer lambda", az.Handler.String(), deref(wz.LambdaLogicalID))
					check(wr.RouteKey+" authorizer lambda by name", az.Handler.ByName, wz.LambdaResolution == "by-physical-name")
					var ids []string
					if wz.IdentitySource != nil {
						ids = *wz.IdentitySource
					}
					check(wr.RouteKey+" identity source", az.IdentitySource, ids)
					if wr.RouteKey == model.RouteConnect && wz.LambdaResolution == "" {
						if a.Design.Authorizer == nil {
							t.Errorf("%s: design has no authorizer", wa.LogicalID)
						} else {
							check("design authorizer", a.Design.Authorizer.Handler.FunctionID, deref(wz.LambdaLogicalID))
							check("design identity source", a.Design.Authorizer.IdentitySource, ids)
						}
					}
				}
			}
		})
	}
	if seen < 20 {
		t.Errorf("only %d corpus files found", seen)
	}
}

// TestImportReadsBackWhatBuildWrites imports every golden template and
// expects the design it was written from, and a plan of that design over
// the template that keeps every logical ID.
func TestImportReadsBackWhatBuildWrites(t *testing.T) {
	for _, g := range goldenDesigns {
		t.Run(g.design, func(t *testing.T) {
			want := loadDesign(t, g.design)
			frag, err := render.Build(want, render.Options{Flavor: g.flavor})
			if err != nil {
				t.Fatal(err)
			}
			path := goldenPath(g.design, g.format)
			src, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			tpl, err := render.Parse(path, src)
			if err != nil {
				t.Fatal(err)
			}
			apis, err := render.Import(tpl)
			if err != nil || len(apis) != 1 {
				t.Fatalf("%d APIs, %v", len(apis), err)
			}
			a := apis[0]

			// A function the design created is an existing one once written.
			want.Normalize()
			want.LogicalID = frag.Plan.API.Value
			asWritten := func(l *model.LambdaLink) {
				if l.Kind == model.LinkNew {
					*l = model.Existing(l.FunctionID)
				}
			}
			for i := range want.Endpoints {
				asWritten(&want.Endpoints[i].Handler)
			}
			if want.Authorizer != nil {
				asWritten(&want.Authorizer.Handler)
			}
			got := a.Design
			for _, l := range got.Functions() {
				if l.Kind == model.LinkExisting && l.FunctionType == "" {
					t.Errorf("%s has no function type", l.FunctionID)
				}
			}
			for i := range got.Endpoints {
				got.Endpoints[i].Handler.FunctionType = ""
			}
			if got.Authorizer != nil {
				got.Authorizer.Handler.FunctionType = ""
			}
			if !reflect.DeepEqual(got, want) {
				g, _ := json.MarshalIndent(got, "", " ")
				w, _ := json.MarshalIndent(want, "", " ")
				t.Errorf("imported design:\n%s\nwant:\n%s", g, w)
			}

			// Planned again over the template, every ID stays; the functions
			// the design created are existing ones now, so not planned.
			var before, again []string
			for _, id := range frag.Plan.All() {
				if id.Role != model.RoleFunction && id.Role != model.RoleFunctionRole {
					before = append(before, id.Value)
				}
			}
			plan := model.PlanIDs(a.Design, model.PlanOptions{Taken: tpl.Taken(), Pinned: &a.Pinned})
			for _, id := range plan.All() {
				again = append(again, id.Value)
				if id.Origin != model.Reused {
					t.Errorf("planned again, %s is not the existing resource", id.Value)
				}
			}
			if !reflect.DeepEqual(again, before) {
				t.Errorf("planned again: %v\nwant %v", again, before)
			}
			if len(a.Resources) == 0 || a.Resources[0] != frag.Plan.API.Value {
				t.Errorf("resources of the API: %v", a.Resources)
			}
		})
	}
}

// TestImportIgnoresLineEndings reads every corpus file again with CRLF line
// endings and a byte-order mark, and expects the same APIs.
func TestImportIgnoresLineEndings(t *testing.T) {
	entries, err := os.ReadDir(corpusDir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		name := e.Name()
		if name == "expected.json" || !strings.HasSuffix(name, ".yaml") && !strings.HasSuffix(name, ".json") {
			continue
		}
		_, want := importCorpusFile(t, name)
		src, err := os.ReadFile(filepath.Join(corpusDir, name))
		if err != nil {
			t.Fatal(err)
		}
		crlf := append([]byte("\ufeff"), bytes.ReplaceAll(src, []byte("\n"), []byte("\r\n"))...)
		tpl, err := render.Parse(name, crlf)
		if err != nil {
			t.Fatalf("%s with CRLF: %v", name, err)
		}
		got, err := render.Import(tpl)
		if err != nil {
			t.Fatal(err)
		}
		g, _ := json.Marshal(render.Summarize(got))
		w, _ := json.Marshal(render.Summarize(want))
		if !bytes.Equal(g, w) {
			t.Errorf("%s with CRLF reads\n%s\nwant\n%s", name, g, w)
		}
		for i := range got {
			if !reflect.DeepEqual(got[i].Design, want[i].Design) {
				t.Errorf("%s with CRLF: design %+v, want %+v", name, got[i].Design, want[i].Design)
			}
		}
	}
}
