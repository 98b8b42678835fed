package tui

import (
	"fmt"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"

	"github.com/wsdesign/wsdesign/model"
)

// chatAPI are the keys that build the classic chat API: an explicit logical
// ID, $connect, $disconnect and a 2-way sendmessage with new handlers.
var chatAPI = [][]string{
	// API: name, selector and stage as offered, explicit logical ID.
	{"Chat API", "enter", "enter", "enter", "ChatApi", "enter"},
	// $connect and $disconnect: quick-add, new function named after the route.
	{"c", "enter", "enter", "enter", "enter"},
	{"x", "enter", "enter", "enter", "enter"},
	// sendmessage, 2-way, handled by a new function "send message".
	{"a", "sendmessage", "enter", "right", "enter", "enter"},
	{"ctrl+u", "send message", "enter", "enter", "enter"},
}

// authorizer are the keys from the Endpoints screen to the Review screen
// with a new authorizer function.
var authorizer = []string{"tab", "right", "down", "enter", "enter", "enter", "enter", "enter"}

func keys(groups ...[]string) []string {
	var out []string
	for _, g := range groups {
		out = append(out, g...)
	}
	return out
}

// fakePreview stands for the renderer: a short template that names what the
// design holds, so that the Review screen has something to scroll.
func fakePreview(a Answers) Preview {
	p := model.PlanIDs(a.Design, model.PlanOptions{})
	var b strings.Builder
	b.WriteString("Resources:\n")
	types := map[string]string{}
	for _, id := range p.All() {
		types[id.Value] = fakeTypes[id.Role]
		fmt.Fprintf(&b, "  %s:\n    Type: %s\n", id.Value, types[id.Value])
	}
	// The command lists the template and the handler stubs of new functions.
	files := []string{"template.yaml"}
	for _, f := range p.Functions {
		code := f.Function.CodeURI
		files = append(files, code+"index.mjs", code+"package.json")
	}
	return Preview{YAML: b.String(), Types: types, Files: files,
		Findings: []Finding{{Severity: "info", Text: "template.yaml:5:3: info WSD021 [ChatApi] API ChatApi has no $default route"}}}
}

// settle runs the commands a key produced that the wizard needs to answer,
// such as the Review screen's preview.
func settle(m *Model, cmd tea.Cmd) {
	if cmd == nil {
		return
	}
	if msg, ok := cmd().(previewMsg); ok {
		m.Update(msg)
	}
}

var fakeTypes = map[model.Role]string{
	model.RoleAPI: "AWS::ApiGatewayV2::Api", model.RoleStage: "AWS::ApiGatewayV2::Stage",
	model.RoleRoute: "AWS::ApiGatewayV2::Route", model.RoleRouteResponse: "AWS::ApiGatewayV2::RouteResponse",
	model.RoleIntegration: "AWS::ApiGatewayV2::Integration", model.RolePermission: "AWS::Lambda::Permission",
	model.RoleAuthorizer: "AWS::ApiGatewayV2::Authorizer", model.RoleAuthorizerPermission: "AWS::Lambda::Permission",
	model.RoleFunction: "AWS::Serverless::Function",
}

func TestViews(t *testing.T) {
	screens := []struct {
		name  string
		keys  []string
		setup func(m *Model)
	}{
		{name: "api_empty"},
		{name: "api_fallback", keys: []string{"Chat API"}},
		{name: "api_bad_selector", keys: []string{"Chat", "down", "ctrl+u", "message..type"}},
		{name: "api_selector_expression", keys: []string{"Chat", "down", "ctrl+u", "$request.body.action"}},
		{name: "api_long_name", keys: []string{strings.Repeat("Realtime price feed ", 5)}},
		{name: "api_edit_intrinsic", setup: func(m *Model) {
			d := linkedDesign()
			d.Name, d.Stage = `{"Fn::Sub":"${AWS::StackName}-ws-api-gw"}`, `{"Ref":"StageName"}`
			*m = *New(Options{Design: d, File: "template.yaml",
				AsWritten: map[string]string{d.Name: "!Sub ${AWS::StackName}-ws-api-gw", d.Stage: "!Ref StageName"},
				IDs:       model.PlanOptions{Pinned: &model.Pinned{API: d.LogicalID, Stage: d.LogicalID + "Stage"}}})
			press(m, "tab", "tab", "tab")
		}},
		{name: "endpoints_empty", keys: keys(chatAPI[0])},
		{name: "endpoints_chat", keys: keys(chatAPI...)},
		{name: "endpoint_connect", keys: keys(chatAPI[0], []string{"c"})},
		{name: "endpoint_bad_route", keys: keys(chatAPI[0], []string{"a", "$foo"})},
		{name: "link_new", keys: keys(chatAPI[0], []string{"a", "sendmessage", "enter", "enter", "enter"})},
		{name: "authorizer", keys: keys(chatAPI[0], chatAPI[3], chatAPI[4], []string{"tab", "right"})},
		{name: "review", keys: keys(keys(chatAPI...), authorizer[:len(authorizer)-1]), setup: func(m *Model) {
			m.opts.Preview = fakePreview
			settle(m, m.show(screenReview))
		}},
		{name: "review_grant", setup: func(m *Model) {
			*m = *New(Options{Design: linkedDesign(), Preview: grantPreview})
			settle(m, m.show(screenReview))
			_, cmd := m.Update(tea.KeyPressMsg{Code: 't', Text: "t"})
			settle(m, cmd)
		}},
		{name: "quit_confirm", keys: []string{"Chat", "ctrl+c"}},
	}
	for _, sc := range screens {
		for _, size := range [][2]int{{60, 20}, {80, 24}, {120, 40}} {
			t.Run(fmt.Sprintf("%s_%dx%d", sc.name, size[0], size[1]), func(t *testing.T) {
				m := New(Options{})
				press(m, sc.keys...)
				if sc.setup != nil {
					sc.setup(m)
				}
				view := sized(m, size[0], size[1])
				rows := strings.Split(view, "\n")
				for i, line := range rows {
					if w := ansi.StringWidth(line); w > size[0] {
						t.Errorf("line %d is %d columns wide, wider than the terminal: %q", i+1, w, line)
					}
					// The panel is the rightmost thing on its lines: a line
					// that crosses its border ends with the border.
					if plain := strings.TrimRight(ansi.Strip(line), " "); strings.Contains(plain, "│") && !strings.HasSuffix(plain, "│") ||
						strings.Contains(plain, "╭") && !strings.HasSuffix(plain, "╮") || strings.Contains(plain, "╰") && !strings.HasSuffix(plain, "╯") {
						t.Errorf("line %d breaks the panel's border: %q", i+1, plain)
					}
				}
				if len(rows) != size[1] {
					t.Errorf("%d lines drawn on a terminal of %d", len(rows), size[1])
				}
				if footer := ansi.Strip(rows[len(rows)-1]); !strings.Contains(footer, "quit") {
					t.Errorf("the footer does not say how to quit: %q", footer)
				}
				golden.RequireEqual(t, view)
			})
		}
	}
}

func TestViewTooSmall(t *testing.T) {
	m := New(Options{})
	view := strings.Join(strings.Fields(sized(m, 39, 20)), " ")
	must(t, strings.Contains(view, "at least 40×12; this one is 39×20"), "no size message:\n%s", view)
	view = strings.Join(strings.Fields(sized(m, 60, 11)), " ")
	must(t, strings.Contains(view, "at least 40×12; this one is 60×11"), "no size message:\n%s", view)
	view = sized(m, 40, 12)
	must(t, strings.Contains(view, "Name"), "the wizard is not drawn at 40×12:\n%s", view)
}
