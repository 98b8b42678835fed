package tui

import (
	"regexp"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"

	"github.com/wsdesign/wsdesign/model"
)

func TestCtrlCTwiceQuits(t *testing.T) {
	m := New(Options{})
	press(m, "Chat", "ctrl+c")
	must(t, m.askQuit && !m.cancelled, "first ctrl+c with answers did not ask")
	press(m, "ctrl+c")
	must(t, m.cancelled, "second ctrl+c did not quit")

	m = New(Options{})
	press(m, "Chat", "ctrl+c", "n")
	must(t, !m.askQuit && !m.cancelled, "another key did not stay")
}

func TestHelpKey(t *testing.T) {
	m := New(Options{})
	press(m, "Chat?")
	must(t, m.api.name.Value() == "Chat?" && !m.help.ShowAll, "? in a text field was not typed: %q", m.api.name.Value())
	view := sized(m, 120, 40)
	must(t, strings.Contains(view, "f1 help"), "the footer does not offer f1 while typing:\n%s", view)
	m.Update(tea.KeyPressMsg{Code: tea.KeyF1})
	must(t, m.help.ShowAll, "f1 did not open the full help")
	view = sized(m, 120, 40)
	for _, want := range []string{"next field", "previous field", "quit"} {
		must(t, strings.Contains(view, want), "full help lacks %q:\n%s", want, view)
	}
	// On the list of endpoints nothing is typed: ? is help.
	m = New(Options{})
	press(m, "Chat", "enter", "enter", "enter", "enter", "?")
	must(t, m.screen == screenEndpoints && m.help.ShowAll, "? on the endpoints list did not open the help")
	view = sized(m, 80, 24)
	must(t, strings.Contains(view, "reorder") && strings.Contains(view, "quit"), "full help of the list:\n%s", view)
}

// TestEnterHelpSaysWhatEnterDoes: enter moves to the next field until the
// last one; on a button it does what the button says.
func TestEnterHelpSaysWhatEnterDoes(t *testing.T) {
	m := New(Options{})
	view := sized(m, 200, 40)
	must(t, strings.Contains(view, "enter next field"), "first field:\n%s", view)
	press(m, "Chat", "tab", "tab", "tab")
	view = sized(m, 200, 40)
	must(t, strings.Contains(view, "enter continue"), "last field:\n%s", view)
}

func TestUndoDelete(t *testing.T) {
	m := New(Options{})
	press(m, keys(chatAPI...)...)
	must(t, m.screen == screenEndpoints && len(m.design.Endpoints) == 3, "not on the list of 3 endpoints")
	press(m, "up", "d")
	must(t, len(m.design.Endpoints) == 2 && strings.Contains(m.list.note, "u: undo"), "d did not delete with an undo offer: %q", m.list.note)
	press(m, "u")
	must(t, len(m.design.Endpoints) == 3 && m.design.Endpoints[1].Route == "$disconnect" && m.list.cursor == 1, "u did not restore the endpoint in place: %+v", m.design.Endpoints)
	press(m, "d", "down", "u")
	must(t, len(m.design.Endpoints) == 2, "u after another key undid an old delete")
}

func TestReviewKeys(t *testing.T) {
	long := strings.Repeat("x", 150)
	m := New(Options{Design: linkedDesign(), Preview: func(Answers) Preview {
		var b strings.Builder
		for i := range 100 {
			b.WriteString("line " + string(rune('a'+i%26)) + " " + long + "\n")
		}
		return Preview{YAML: b.String()}
	}})
	settle(m, m.show(screenReview))
	view := sized(m, 80, 24)
	// The template's lines are numbered as check's findings give them; the
	// rows a wide line wraps onto are marked.
	must(t, strings.Contains(view, "\n  1 line a x") && strings.Contains(view, "\n  ↪ xxxxxxxx") && strings.Contains(view, "\n  2 line b x"),
		"a long line is not wrapped, numbered and marked:\n%s", view)
	press(m, "G")
	must(t, m.review.viewport.AtBottom(), "G did not go to the bottom")
	press(m, "g")
	must(t, m.review.viewport.AtTop(), "g did not go to the top")
	press(m, "w")
	view = sized(m, 80, 24)
	rows := strings.Split(view, "\n")
	cut := 0
	numbered := regexp.MustCompile(`^ *\d+ line `)
	for _, r := range rows {
		if numbered.MatchString(r) {
			must(t, strings.HasSuffix(r, "…"), "a cut line does not end in …: %q", r)
			cut++
		}
	}
	// The template takes the rows left: 24 minus header, title, problems,
	// the position line and the footer.
	must(t, cut >= 15, "only %d rows of the template at 80×24:\n%s", cut, view)
	press(m, "right")
	view = sized(m, 80, 24)
	must(t, strings.Contains(view, "from column") && strings.Contains(view, "\n  1 …"), "→ did not scroll sideways:\n%s", view)
}

// TestCollisionsAtTheField explains a function named as the API's explicit
// logical ID on the Handler screen as it is typed, and on the API screen.
func TestCollisionsAtTheField(t *testing.T) {
	m := New(Options{})
	press(m, "Chat", "enter", "enter", "enter", "ConnectFunction", "enter")
	must(t, m.screen == screenEndpoints, "not on the endpoints list")
	// $connect, then the handler: a new function typed "connect".
	press(m, "c", "enter", "enter")
	must(t, m.screen == screenLink, "not on the Handler screen but %d", m.screen)
	view := sized(m, 120, 40)
	must(t, strings.Contains(view, "ConnectFunction is the API's logical ID"), "the collision is not explained at the field:\n%s", view)
	// Another name clears it.
	press(m, "backspace", "backspace", "backspace", "backspace", "backspace", "backspace", "backspace", "join")
	view = sized(m, 120, 40)
	must(t, !strings.Contains(view, "is the API's logical ID"), "the collision stays after renaming:\n%s", view)

	// Linked as the API's ID, the API screen says so at the Logical ID.
	m = New(Options{Design: model.Design{Name: "Chat", LogicalID: "ConnectFunction", Endpoints: []model.Endpoint{
		{Route: "$connect", Handler: model.LambdaLink{Kind: model.LinkNew, FunctionID: "ConnectFunction", Runtime: "nodejs24.x", CodeURI: "src/connect/"}}}}})
	view = sized(m, 120, 40)
	must(t, strings.Contains(view, "is also the name of"), "the API screen does not explain the collision:\n%s", view)
}

// TestExistingStageWarns: a stage the wizard refuses for a new API, kept from
// the template being edited, is a warning that blocks nothing.
func TestExistingStageWarns(t *testing.T) {
	d := linkedDesign()
	d.Stage = "$default"
	m := New(Options{Design: d, IDs: model.PlanOptions{Pinned: &model.Pinned{API: "ChatApi", Stage: "ChatApiStage"}}})
	must(t, len(m.problems.For(model.FieldStage).Errors()) == 0, "the template's stage blocks: %v", m.problems)
	view := sized(m, 120, 40)
	must(t, strings.Contains(view, "! the template's stage"), "no warning at the stage:\n%s", view)
	// Typed anew, the same stage is refused.
	press(m, "tab", "tab", "x", "backspace")
	must(t, len(m.problems.For(model.FieldStage).Errors()) == 0, "retyping the same stage blocks")
	press(m, "x")
	must(t, len(m.problems.For(model.FieldStage).Errors()) == 1, "a new invalid stage is not refused: %v", m.problems)
	// For a new API the stage is refused.
	m = New(Options{Design: d})
	must(t, len(m.problems.For(model.FieldStage).Errors()) == 1, "$default accepted for a new API")
}

// TestChooseFormat offers SAM or plain CloudFormation for a new file; the
// answer reaches the preview and the plan gives CloudFormation functions
// their roles.
func TestChooseFormat(t *testing.T) {
	var asked []bool
	m := New(Options{ChooseFormat: true, Preview: func(a Answers) Preview {
		asked = append(asked, a.CloudFormation)
		return Preview{YAML: "x"}
	}})
	press(m, keys(chatAPI[0][:len(chatAPI[0])-1])...)
	press(m, "tab", "right")
	view := sized(m, 120, 40)
	must(t, strings.Contains(view, "(•) CloudFormation"), "no format choice:\n%s", view)
	press(m, "enter")
	press(m, keys(chatAPI[1:]...)...)
	must(t, len(m.plan.Functions) > 0 && m.plan.Functions[0].Role.Value != "", "CloudFormation functions get no role in the plan: %+v", m.plan.Functions)
	settle(m, m.show(screenReview))
	must(t, len(asked) == 1 && asked[0], "the preview was not asked for CloudFormation: %v", asked)
	must(t, m.answers().CloudFormation, "the answers do not carry the format")

	// Where the file's format is given, nothing is offered.
	m = New(Options{})
	view = sized(m, 120, 40)
	must(t, !strings.Contains(view, "CloudFormation"), "a format offered when not to be chosen:\n%s", view)
}
