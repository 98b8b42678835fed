package model

import (
	"strings"
	"testing"
)

func TestSelect(t *testing.T) {
	chat := []string{RouteConnect, RouteDisconnect, RouteDefault, "sendMessage", "1", "true", "null", `{"a":1}`}
	noDefault := []string{RouteConnect, "sendMessage"}
	tests := []struct {
		name     string
		selector string
		routes   []string
		message  string
		want     Selection
	}{
		{"matched", "action", chat, `{"action": "sendMessage", "text": "hi"}`,
			Selection{Route: "sendMessage", Value: "sendMessage", HasValue: true, Why: Matched}},
		{"match is case-sensitive", "action", chat, `{"action": "SendMessage"}`,
			Selection{Route: RouteDefault, Value: "SendMessage", HasValue: true, Why: NoMatch}},
		{"no match goes to $default", "action", chat, `{"action": "join"}`,
			Selection{Route: RouteDefault, Value: "join", HasValue: true, Why: NoMatch}},
		{"no match without $default is rejected", "action", noDefault, `{"action": "join"}`,
			Selection{Value: "join", HasValue: true, Why: NoMatch, Rejected: true}},
		{"not JSON", "action", chat, `hello`, Selection{Route: RouteDefault, Why: NotObject}},
		{"not JSON, no $default", "action", noDefault, `hello`, Selection{Why: NotObject, Rejected: true}},
		{"JSON array", "action", chat, `[{"action": "sendMessage"}]`, Selection{Route: RouteDefault, Why: NotObject}},
		{"JSON string", "action", chat, `"sendMessage"`, Selection{Route: RouteDefault, Why: NotObject}},
		{"two JSON values", "action", chat, `{"action": "sendMessage"} {}`, Selection{Route: RouteDefault, Why: NotObject}},
		{"empty message", "action", chat, ``, Selection{Route: RouteDefault, Why: NotObject}},
		{"property missing", "action", chat, `{"type": "sendMessage"}`, Selection{Route: RouteDefault, Why: PropertyMissing}},
		{"property missing, no $default", "action", noDefault, `{}`, Selection{Why: PropertyMissing, Rejected: true}},
		{"nested selector", "message.type", []string{"chat", RouteDefault}, `{"message": {"type": "chat"}}`,
			Selection{Route: "chat", Value: "chat", HasValue: true, Why: Matched}},
		{"nested selector, inner missing", "message.type", []string{"chat", RouteDefault}, `{"message": {"kind": "chat"}}`,
			Selection{Route: RouteDefault, Why: PropertyMissing}},
		{"nested selector through a string", "message.type", []string{"chat", RouteDefault}, `{"message": "chat"}`,
			Selection{Route: RouteDefault, Why: PropertyMissing}},
		{"flat key with a dot is not a path", "message.type", []string{"chat", RouteDefault}, `{"message.type": "chat"}`,
			Selection{Route: RouteDefault, Why: PropertyMissing}},
		{"deep nesting", "a.b.c", []string{"x"}, `{"a": {"b": {"c": "x"}}}`,
			Selection{Route: "x", Value: "x", HasValue: true, Why: Matched}},
		{"integer", "action", chat, `{"action": 1}`, Selection{Route: "1", Value: "1", HasValue: true, Why: Matched}},
		{"number kept as written", "action", chat, `{"action": 1.50}`,
			Selection{Route: RouteDefault, Value: "1.50", HasValue: true, Why: NoMatch}},
		{"boolean", "action", chat, `{"action": true}`, Selection{Route: "true", Value: "true", HasValue: true, Why: Matched}},
		{"boolean false", "action", chat, `{"action": false}`,
			Selection{Route: RouteDefault, Value: "false", HasValue: true, Why: NoMatch}},
		{"null", "action", chat, `{"action": null}`, Selection{Route: "null", Value: "null", HasValue: true, Why: Matched}},
		{"object as compact JSON", "action", chat, `{"action": { "a" : 1 }}`,
			Selection{Route: `{"a":1}`, Value: `{"a":1}`, HasValue: true, Why: Matched}},
		{"array as compact JSON", "action", chat, `{"action": [1, "x"]}`,
			Selection{Route: RouteDefault, Value: `[1,"x"]`, HasValue: true, Why: NoMatch}},
		{"reserved value never selects its route", "action", chat, `{"action": "$connect"}`,
			Selection{Route: RouteDefault, Value: "$connect", HasValue: true, Why: NoMatch}},
		{"string with spaces is not trimmed", "action", chat, `{"action": "sendMessage "}`,
			Selection{Route: RouteDefault, Value: "sendMessage ", HasValue: true, Why: NoMatch}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Select(tt.selector, tt.routes, []byte(tt.message))
			if got != tt.want {
				t.Errorf("Select(%q, %q) = %+v, want %+v", tt.selector, tt.message, got, tt.want)
			}
		})
	}
}

func TestDesignSelect(t *testing.T) {
	d := Design{RouteSelector: "type", Endpoints: []Endpoint{{Route: "ping"}, {Route: RouteDefault}}}
	if got := d.Select([]byte(`{"type": "ping"}`)); got.Route != "ping" || got.Why != Matched {
		t.Errorf("Design.Select = %+v, want the ping endpoint", got)
	}
	if got := d.Select([]byte(`{"action": "ping"}`)); got.Route != RouteDefault || got.Why != PropertyMissing {
		t.Errorf("Design.Select with the wrong property = %+v, want $default", got)
	}
}

func TestSelectionExplain(t *testing.T) {
	tests := []struct {
		sel  Selection
		want []string
	}{
		{Selection{Route: "ping", Value: "ping", HasValue: true, Why: Matched}, []string{`"ping"`, "matches the endpoint ping"}},
		{Selection{Route: RouteDefault, Why: NotObject}, []string{"not a JSON object", "goes to $default"}},
		{Selection{Route: RouteDefault, Why: PropertyMissing}, []string{"no property action", "goes to $default"}},
		{Selection{Route: RouteDefault, Value: "x", HasValue: true, Why: NoMatch}, []string{`"x"`, "no endpoint", "goes to $default"}},
		{Selection{Value: "x", HasValue: true, Why: NoMatch, Rejected: true}, []string{"no $default endpoint", "Forbidden"}},
	}
	for _, tt := range tests {
		got := tt.sel.Explain("action")
		for _, w := range tt.want {
			if !strings.Contains(got, w) {
				t.Errorf("Explain(%+v) = %q, want it to say %q", tt.sel, got, w)
			}
		}
	}
}
