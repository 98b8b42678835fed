package tui

import (
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"

	"github.com/wsdesign/wsdesign/model"
)

// linkedDesign is a chat API whose echo route is handled by a function
// already in the template, which cannot post to clients yet.
func linkedDesign() model.Design {
	d := chatDesign()
	d.Authorizer = nil
	d.Endpoints = append(d.Endpoints, model.Endpoint{Route: "echo", Mode: model.TwoWay, Handler: model.Existing("OnConnectFunction")})
	return d
}

// grantPreview stands for the renderer of an edit that links
// OnConnectFunction: it offers the grant, and its diff holds what the grant
// adds only when asked for it.
func grantPreview(a Answers) Preview {
	p := fakePreview(a)
	p.CannotPost = []string{"OnConnectFunction"}
	p.Lacks = "execute-api:ManageConnections and CALLBACK_URL"
	p.Diff = "--- template.yaml\n+++ template.yaml\n"
	if a.Grant {
		p.Diff += "@@ -10,2 +10,9 @@\n   OnConnectFunction:\n     Properties:\n" +
			"+      Environment:\n+        Variables:\n+          CALLBACK_URL: !Sub https://${ChatApi}.execute-api.${AWS::Region}.amazonaws.com/prod\n" +
			"+      Policies:\n+        - Statement:\n+            - Effect: Allow\n+              Action: execute-api:ManageConnections\n"
	}
	p.Diff += "@@ -40,1 +47,4 @@\n   ChatApiStage:\n+  ChatApiEchoRoute:\n+    Type: AWS::ApiGatewayV2::Route\n"
	return p
}

// toReview are the keys from the API screen of linkedDesign to its Review.
var toReview = []string{"enter", "enter", "enter", "enter", "tab", "tab", "enter"}

// TestFlowGrantToggle: g on the Review screen asks the Preview again with
// the grant, whose diff shows what it adds, and the wizard returns it.
func TestFlowGrantToggle(t *testing.T) {
	var asked []bool
	tm := startWizard(t, Options{Design: linkedDesign(), Preview: func(a Answers) Preview {
		asked = append(asked, a.Grant)
		return grantPreview(a)
	}})
	send(tm, toReview...)
	waitFor(t, tm, "OnConnectFunction cannot post to clients yet.")
	send(tm, "t")
	waitFor(t, tm, "CALLBACK_URL: !Sub")
	send(tm, "enter")
	got, err := finalAnswers(t, tm)
	if err != nil {
		t.Fatalf("wizard: %v", err)
	}
	must(t, got.Grant, "toggled once: the wizard returned no grant")
	must(t, len(asked) == 2 && !asked[0] && asked[1], "the Preview was asked for grants %v, want [false true]", asked)
	assertDesign(t, got.Design, linkedDesign())
}

// TestGrantPreset: --grant starts the Review screen with the grant given,
// and g takes it back.
func TestGrantPreset(t *testing.T) {
	var asked []bool
	m := New(Options{Design: linkedDesign(), Grant: true, Preview: func(a Answers) Preview {
		asked = append(asked, a.Grant)
		return grantPreview(a)
	}})
	settle(m, m.show(screenReview))
	must(t, strings.Contains(sized(m, 120, 40), "[x] give them"), "the preset grant is not shown:\n%s", sized(m, 120, 40))
	_, cmd := m.Update(tea.KeyPressMsg{Code: 't', Text: "t"})
	settle(m, cmd)
	view := sized(m, 120, 40)
	must(t, strings.Contains(view, "[ ] give them") && !strings.Contains(view, "CALLBACK_URL: !Sub"), "g did not take the grant back:\n%s", view)
	press(m, "enter")
	got, err := m.Result()
	must(t, err == nil && !got.Grant, "result %+v, %v; want no grant", got.Grant, err)
	must(t, len(asked) == 2 && asked[0] && !asked[1], "the Preview was asked for grants %v, want [true false]", asked)
}

// TestGrantKeepsPreviewWhileUpdating: after g the previous preview stays on
// screen, marked as updating, and enter does not write until the preview of
// the new answers has arrived.
func TestGrantKeepsPreviewWhileUpdating(t *testing.T) {
	m := New(Options{Design: linkedDesign(), Preview: grantPreview})
	settle(m, m.show(screenReview))
	_, pending := m.Update(tea.KeyPressMsg{Code: 't', Text: "t"})
	view := sized(m, 120, 40)
	must(t, strings.Contains(view, "updating…") && strings.Contains(view, "give them"), "while updating:\n%s", view)
	must(t, !strings.Contains(view, "Rendering the template"), "the preview was blanked while updating:\n%s", view)
	press(m, "enter")
	_, err := m.Result()
	must(t, err != nil, "enter wrote before the new preview arrived")
	settle(m, pending)
	must(t, !strings.Contains(sized(m, 120, 40), "updating…"), "still marked as updating after the preview arrived")
	press(m, "enter")
	got, err := m.Result()
	must(t, err == nil && got.Grant, "result %+v, %v; want the grant", got.Grant, err)
}

// TestGrantKeyOnlyWhenOffered: without functions that cannot post, g does
// nothing and the help line does not show it.
func TestGrantKeyOnlyWhenOffered(t *testing.T) {
	for _, offered := range []bool{false, true} {
		previews := 0
		preview := fakePreview
		if offered {
			preview = grantPreview
		}
		m := New(Options{Design: linkedDesign(), Preview: func(a Answers) Preview { previews++; return preview(a) }})
		settle(m, m.show(screenReview))
		_, cmd := m.Update(tea.KeyPressMsg{Code: 't', Text: "t"})
		settle(m, cmd)
		view := sized(m, 120, 40)
		must(t, strings.Contains(view, "t toggle grant") == offered, "offered %v: help line:\n%s", offered, view)
		must(t, m.grant == offered, "offered %v: t set the grant to %v", offered, m.grant)
		want := 1
		if offered {
			want = 2
		}
		must(t, previews == want, "offered %v: %d previews, want %d", offered, previews, want)
	}
}

// TestAccessibleGrant asks the grant as a yes/no question and previews
// again with the answer.
func TestAccessibleGrant(t *testing.T) {
	answers := strings.Join([]string{
		"", "", "", "", // name, selector, stage, logical ID as they are
		"3", // done adding endpoints ($default, another route, done)
		"n", // no authorizer
		"y", // grant
		"y", // write
	}, "\n") + "\n"
	var asked []bool
	var out strings.Builder
	got, err := Run(t.Context(), Options{Design: linkedDesign(), Accessible: true, Preview: func(a Answers) Preview {
		asked = append(asked, a.Grant)
		return grantPreview(a)
	}}, strings.NewReader(answers), &out)
	if err != nil {
		t.Fatalf("accessible wizard: %v\n%s", err, out.String())
	}
	text := out.String()
	must(t, strings.Contains(text, "OnConnectFunction cannot post to clients yet.") &&
		strings.Contains(text, "Give them execute-api:ManageConnections and CALLBACK_URL? [y/N]"), "no grant question:\n%s", text)
	must(t, got.Grant, "the grant answered yes was not returned")
	must(t, len(asked) == 2 && !asked[0] && asked[1], "the Preview was asked for grants %v", asked)
}
