package tui

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/exp/teatest/v2"

	"github.com/wsdesign/wsdesign/model"
)

// startWizard runs the wizard in a test program at a fixed size with a plain
// colour profile.
func startWizard(t *testing.T, opts Options) *teatest.TestModel {
	t.Helper()
	return teatest.NewTestModel(t, New(opts),
		teatest.WithInitialTermSize(120, 40),
		teatest.WithProgramOptions(tea.WithColorProfile(colorprofile.ASCII)))
}

// send types keys into a running wizard, in the notation of press.
func send(tm *teatest.TestModel, keys ...string) {
	for _, k := range keys {
		if msg, ok := namedKeys[k]; ok {
			tm.Send(msg)
			continue
		}
		tm.Type(k)
	}
}

func waitFor(t *testing.T, tm *teatest.TestModel, text string) {
	t.Helper()
	teatest.WaitFor(t, tm.Output(), func(b []byte) bool { return bytes.Contains(b, []byte(text)) },
		teatest.WithDuration(5*time.Second))
}

func finalDesign(t *testing.T, tm *teatest.TestModel) (model.Design, error) {
	t.Helper()
	a, err := finalAnswers(t, tm)
	return a.Design, err
}

func finalAnswers(t *testing.T, tm *teatest.TestModel) (Answers, error) {
	t.Helper()
	m := tm.FinalModel(t, teatest.WithFinalTimeout(5*time.Second)).(*Model)
	return m.Result()
}

// chatDesign is what the chat API keys build, as a reader of SPEC sections
// 1 and 3 would write it down.
func chatDesign() model.Design {
	fn := func(id, dir string) model.LambdaLink {
		return model.LambdaLink{Kind: model.LinkNew, FunctionID: id, Runtime: "nodejs24.x", CodeURI: "src/" + dir + "/"}
	}
	return model.Design{
		Name:          "Chat API",
		LogicalID:     "ChatApi",
		RouteSelector: "action",
		Stage:         "prod",
		Authorizer: &model.Authorizer{
			Handler:        fn("AuthorizerFunction", "authorizer"),
			IdentitySource: []string{"route.request.querystring.token"},
		},
		Endpoints: []model.Endpoint{
			{Route: "$connect", Handler: fn("ConnectFunction", "connect")},
			{Route: "$disconnect", Handler: fn("DisconnectFunction", "disconnect")},
			{Route: "sendmessage", Mode: model.TwoWay, Handler: fn("SendMessageFunction", "send-message")},
		},
	}
}

func TestFlowChatAPI(t *testing.T) {
	previews := 0
	tm := startWizard(t, Options{Preview: func(a Answers) Preview {
		previews++
		return fakePreview(a)
	}})
	for _, g := range chatAPI {
		send(tm, g...)
	}
	send(tm, authorizer...)
	waitFor(t, tm, "Template (")
	send(tm, "enter")
	got, err := finalDesign(t, tm)
	if err != nil {
		t.Fatalf("wizard: %v", err)
	}
	assertDesign(t, got, chatDesign())
	must(t, previews == 1, "the preview was computed %d times, want once", previews)
	checkWritten(t, got)
}

func assertDesign(t *testing.T, got, want model.Design) {
	t.Helper()
	g, w := describeDesign(got), describeDesign(want)
	if g != w {
		t.Fatalf("design:\n%s\nwant:\n%s", g, w)
	}
}

// describeDesign writes a design out field by field, for readable diffs.
func describeDesign(d model.Design) string {
	var b strings.Builder
	line := func(k, v string) { b.WriteString(k + ": " + v + "\n") }
	line("name", d.Name)
	line("logicalId", d.LogicalID)
	line("selector", d.RouteSelector)
	line("stage", d.Stage)
	for _, e := range d.Endpoints {
		h := e.Handler
		line("endpoint", strings.Join([]string{e.Route, e.Mode.String(), h.Kind.String(), h.FunctionID, h.Parameter, h.Runtime, h.CodeURI}, " "))
	}
	if a := d.Authorizer; a != nil {
		h := a.Handler
		line("authorizer", strings.Join([]string{h.Kind.String(), h.FunctionID, h.Runtime, h.CodeURI, strings.Join(a.IdentitySource, ",")}, " "))
	}
	return b.String()
}

func TestFlowCancelMidway(t *testing.T) {
	previews := 0
	tm := startWizard(t, Options{Preview: func(Answers) Preview { previews++; return Preview{} }})
	send(tm, chatAPI[0]...)
	send(tm, "c", "enter")
	waitFor(t, tm, "Logical ID ConnectFunction")
	// Ctrl+C with answers given asks first; n stays, Ctrl+C y leaves.
	send(tm, "ctrl+c")
	waitFor(t, tm, "Quit without writing?")
	send(tm, "n", "ctrl+c", "y")
	_, err := finalDesign(t, tm)
	must(t, errors.Is(err, ErrCancelled), "err = %v, want ErrCancelled", err)
	must(t, previews == 0, "cancelled wizard rendered the design %d times", previews)
}

func TestCancelUntouchedQuitsAtOnce(t *testing.T) {
	for _, k := range []string{"ctrl+c", "esc"} {
		m := New(Options{})
		var cmd tea.Cmd
		if msg, ok := namedKeys[k]; ok {
			_, cmd = m.Update(msg)
		}
		must(t, cmd != nil && !m.askQuit && m.cancelled, "%s on an untouched wizard should quit at once", k)
		_, err := m.Result()
		must(t, errors.Is(err, ErrCancelled), "%s: err = %v", k, err)
	}
}

func TestFlowInvalidRouteBlocks(t *testing.T) {
	tm := startWizard(t, Options{})
	send(tm, chatAPI[0]...)
	send(tm, "a", "$foo")
	waitFor(t, tm, "custom routes must not start with '$'")
	// Enter does not leave the route field: typing goes on into it.
	send(tm, "enter", "enter", "x")
	waitFor(t, tm, "$foox")
	send(tm, "ctrl+c", "y")
	m := tm.FinalModel(t, teatest.WithFinalTimeout(5*time.Second)).(*Model)
	must(t, m.screen == screenEndpoint && m.endpoint.form.focus == 0, "progress past an invalid route: screen %d, field %d", m.screen, m.endpoint.form.focus)
	must(t, len(m.design.Endpoints) == 0, "the invalid endpoint was saved: %+v", m.design.Endpoints)
}

func TestEscGoesBackAndKeepsAnswers(t *testing.T) {
	m := New(Options{})
	press(m, keys(chatAPI...)...)
	press(m, "tab")
	must(t, m.screen == screenAuthorizer, "tab from Endpoints: screen %d", m.screen)
	press(m, "esc", "esc")
	must(t, m.screen == screenAPI, "esc twice from Authorizer: screen %d", m.screen)
	// The focus is where it was left: on the last field, so enter continues.
	press(m, "enter")
	must(t, m.screen == screenEndpoints && len(m.design.Endpoints) == 3, "revisit lost endpoints: %+v", m.design.Endpoints)
	// Esc in the endpoint editor discards the edit.
	press(m, "enter", "ctrl+u", "renamed", "esc")
	must(t, m.design.Endpoints[2].Route == "sendmessage", "esc kept an edit: %q", m.design.Endpoints[2].Route)
}

func TestListReorderDeleteQuickAdd(t *testing.T) {
	m := New(Options{})
	press(m, keys(chatAPI...)...)
	press(m, "K")
	must(t, m.design.Endpoints[1].Route == "sendmessage", "K did not move sendmessage up: %v", routes(m.design))
	press(m, "c")
	must(t, m.screen == screenEndpoints && m.list.cursor == 0, "quick-add of an existing $connect should select it")
	press(m, "d")
	must(t, strings.Join(routes(m.design), " ") == "sendmessage $disconnect", "after delete: %v", routes(m.design))
}

func routes(d model.Design) []string {
	var out []string
	for _, e := range d.Endpoints {
		out = append(out, e.Route)
	}
	return out
}

func TestTwoWayUnavailableOnConnect(t *testing.T) {
	m := New(Options{})
	press(m, chatAPI[0]...)
	press(m, "c", "up", "right")
	must(t, m.endpoint.draft().Mode == model.OneWay, "2-way chosen on $connect")
	view := strings.Join(strings.Fields(sized(m, 120, 40)), " ")
	must(t, strings.Contains(view, "2-way — $connect is 1-way only"), "no reason next to 2-way:\n%s", view)
}

func TestAuthorizerAddsConnectAndTakesItBack(t *testing.T) {
	m := New(Options{})
	press(m, chatAPI[0]...)
	press(m, chatAPI[3]...)
	press(m, chatAPI[4]...)
	press(m, "tab", "right")
	must(t, len(m.design.Endpoints) == 2 && m.design.Endpoints[0].Route == "$connect", "no $connect added: %v", routes(m.design))
	press(m, "left")
	must(t, len(m.design.Endpoints) == 1 && m.design.Authorizer == nil, "turning the authorizer off kept %v", routes(m.design))
}

func TestIdentitySourceInline(t *testing.T) {
	m := New(Options{})
	press(m, keys(chatAPI...)...)
	press(m, "tab", "right", "down", "down", "ctrl+u", "$request.header.Auth")
	view := strings.Join(strings.Fields(sized(m, 120, 40)), " ")
	must(t, strings.Contains(view, "is HTTP API syntax"), "no inline identity source error:\n%s", view)
	press(m, "enter")
	must(t, m.auth.form.focus == 2, "an invalid identity source let the focus move on")
}

func TestExistingFunctionsAndTaken(t *testing.T) {
	opts := Options{
		Functions: []Function{{ID: "ChatHandler", Type: "AWS::Serverless::Function"}},
		IDs:       model.PlanOptions{Taken: func(id string) bool { return id == "ChatHandler" || id == "ChatApiStage" }},
	}
	m := New(opts)
	press(m, "ChatApi", "enter", "enter", "enter", "enter", "a", "sendmessage", "enter", "enter", "enter", "up", "left")
	view := sized(m, 120, 40)
	must(t, strings.Contains(view, "ChatHandler AWS::Serverless::Function"), "the template's function is not offered with its type:\n%s", view)
	must(t, strings.Contains(view, "ChatApiStage2 stage [collision]"), "the collision is not marked:\n%s", view)
	press(m, "enter", "enter", "enter")
	e := m.design.Endpoints[0]
	must(t, e.Handler.Kind == model.LinkExisting && e.Handler.FunctionID == "ChatHandler", "handler %+v", e.Handler)
}

func TestAccessible(t *testing.T) {
	answers := strings.Join([]string{
		"Chat API", "", "", "ChatApi", // name, selector, stage, logical ID
		"1", "1", "connect", "1", // $connect, new function "connect", nodejs24.x
		"1", "1", "disconnect", "1", // $disconnect
		"2", "sendmessage", "2", "1", "send message", "1", // another route, 2-way
		"3",             // done
		"y",             // authorizer
		"1", "", "", "", // new function, suggested name, runtime, sources
		"y", // write
	}, "\n") + "\n"
	var out bytes.Buffer
	got, err := Run(t.Context(), Options{Accessible: true, Preview: fakePreview}, strings.NewReader(answers), &out)
	if err != nil {
		t.Fatalf("accessible wizard: %v\n%s", err, out.String())
	}
	assertDesign(t, got.Design, chatDesign())
	text := out.String()
	for _, want := range []string{
		"Logical ID: WebSocketApi (fallback: name has non-alphanumeric characters",
		`Example message: {"action": "sendMessage"}`,
		"Added sendmessage: ChatApiSendmessageRoute ChatApiSendmessageRouteResponse",
		"ChatApiAuthorizerPermission (authorizer permission)",
		"Files to write: template.yaml",
		"template.yaml:5:3: info WSD021",
	} {
		must(t, strings.Contains(text, want), "accessible output lacks %q:\n%s", want, text)
	}
	must(t, !strings.Contains(text, "\x1b["), "accessible output has escape sequences")
}

func TestAccessibleReasksAndCancelsAtEOF(t *testing.T) {
	var out bytes.Buffer
	_, err := Run(t.Context(), Options{Accessible: true}, strings.NewReader("\nChat\n$request.querystring.action\n$request.body.message.type\n"), &out)
	must(t, errors.Is(err, ErrCancelled), "end of input: err = %v", err)
	text := out.String()
	must(t, strings.Contains(text, "a name is required"), "empty name not explained:\n%s", text)
	must(t, strings.Contains(text, "give a property of the message body"), "bad selector not explained:\n%s", text)
	// The whole expression of a body property is read as the property.
	must(t, strings.Contains(text, `Example message: {"message": {"type": "sendMessage"}}`), "$request.body.message.type not read as message.type:\n%s", text)
}

var _ io.Reader = (*lineReader)(nil)

func TestForeignEndpointIsKept(t *testing.T) {
	d := chatDesign()
	d.Endpoints = append(d.Endpoints, model.Endpoint{Route: "ping", Foreign: "MOCK"})
	m := New(Options{Design: d})
	press(m, "enter", "enter", "enter", "enter")
	must(t, m.screen == screenEndpoints, "not on Endpoints: %d", m.screen)
	press(m, "down", "down", "down", "enter")
	view := strings.Join(strings.Fields(sized(m, 120, 40)), " ")
	must(t, m.screen == screenEndpoints && strings.Contains(view, "ping uses a MOCK integration"), "a MOCK route was opened for editing:\n%s", view)
	must(t, strings.Contains(view, "ping 1-way MOCK integration (kept as is)"), "the list does not mark the MOCK route:\n%s", view)
}
