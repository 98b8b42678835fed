package model

import (
	"strings"
	"testing"
)

func TestValidateFields(t *testing.T) {
	tests := []struct {
		name string
		err  error
		want string // "" for valid; otherwise a part of the message
	}{
		{"name ok", ValidateName("Chat API (prod) ✓"), ""},
		{"name empty", ValidateName("  "), "required"},
		{"name 128", ValidateName(strings.Repeat("x", 128)), ""},
		{"name 129", ValidateName(strings.Repeat("x", 129)), "at most 128"},
		{"name control char", ValidateName("Chat\x07"), "printable"},

		{"logical id ok", ValidateLogicalID("ChatApi", nil), ""},
		{"logical id punctuation", ValidateLogicalID("Chat-Api", nil), "letters"},
		{"logical id 65", ValidateLogicalID(strings.Repeat("A", 65), nil), "at most 64"},
		{"logical id taken", ValidateLogicalID("Chat", takenSet("Chat")), "already used"},

		{"selector ok", ValidateRouteSelector("action"), ""},
		{"selector nested", ValidateRouteSelector("message.type"), ""},
		{"selector empty", ValidateRouteSelector(""), "required"},
		{"selector expression", ValidateRouteSelector("$request.body.action"), `"action"`},
		{"selector empty segment", ValidateRouteSelector("message..type"), "empty segment"},
		{"selector space", ValidateRouteSelector("my action"), "not a property name"},

		{"stage ok", ValidateStage("prod_v-2"), ""},
		{"stage default", ValidateStage("$default"), "does not work"},
		{"stage empty", ValidateStage(""), "required"},
		{"stage dot", ValidateStage("v1.0"), "only letters"},
		{"stage 129", ValidateStage(strings.Repeat("s", 129)), "at most 128"},

		{"identity query", ValidateIdentitySource("route.request.querystring.token"), ""},
		{"identity header", ValidateIdentitySource("route.request.header.Authorization"), ""},
		{"identity stage var", ValidateIdentitySource("stageVariables.key"), ""},
		{"identity http syntax", ValidateIdentitySource("$request.header.Authorization"), "HTTP API syntax"},
		{"identity garbage", ValidateIdentitySource("token"), "route.request.header"},
		{"identity empty", ValidateIdentitySource(""), "required"},

		{"route custom", ValidateRoute("sendMessage"), ""},
		{"route reserved", ValidateRoute("$connect"), ""},
		{"route dollar", ValidateRoute("$send"), "must not start with '$'"},
		{"route empty", ValidateRoute(""), "required"},
		{"route spaces", ValidateRoute(" send"), "spaces"},
		{"route 129", ValidateRoute(strings.Repeat("r", 129)), "at most 128"},

		{"mode 2-way custom", ValidateMode("send", TwoWay), ""},
		{"mode 2-way default", ValidateMode("$default", TwoWay), ""},
		{"mode 2-way connect", ValidateMode("$connect", TwoWay), "1-way only"},
		{"mode 2-way disconnect", ValidateMode("$disconnect", TwoWay), "1-way only"},

		{"link unset", ValidateLink(LambdaLink{}), "choose"},
		{"link bad id", ValidateLink(Existing("my-fn")), "only letters"},
		{"link arn ok", ValidateLink(ARNParameter("FnArn")), ""},
		{"link bad param", ValidateLink(ARNParameter("fn arn")), "only letters"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			switch {
			case tt.want == "" && tt.err != nil:
				t.Errorf("unexpected error: %v", tt.err)
			case tt.want != "" && tt.err == nil:
				t.Errorf("no error; want one saying %q", tt.want)
			case tt.want != "" && !strings.Contains(tt.err.Error(), tt.want):
				t.Errorf("error %q does not say %q", tt.err, tt.want)
			}
		})
	}
}

func TestValidateDesign(t *testing.T) {
	tests := []struct {
		name   string
		edit   func(*Design)
		field  string
		sev    Severity
		saying string
	}{
		{"duplicate route", func(d *Design) {
			d.Endpoints = append(d.Endpoints, Endpoint{Route: "sendmessage", Handler: Existing("X")})
		}, EndpointField(3, "route"), Error, "already endpoint 3"},
		{"case-only duplicate", func(d *Design) {
			d.Endpoints = append(d.Endpoints, Endpoint{Route: "sendMessage", Handler: Existing("X")})
		}, EndpointField(3, "route"), Warning, "only by case"},
		{"2-way connect", func(d *Design) { d.Endpoints[0].Mode = TwoWay }, EndpointField(0, "mode"), Error, "1-way only"},
		{"no endpoints", func(d *Design) { d.Endpoints = nil }, FieldEndpoints, Error, "at least one"},
		{"authorizer without connect", func(d *Design) {
			d.Endpoints = d.Endpoints[1:]
			d.Authorizer = &Authorizer{Handler: NewFunction("AuthFunction"), IdentitySource: []string{DefaultIdentitySource}}
		}, FieldAuthorizer, Error, "add a $connect endpoint"},
		{"authorizer bad identity source", func(d *Design) {
			d.Authorizer = &Authorizer{Handler: NewFunction("AuthFunction"), IdentitySource: []string{"$request.header.Auth"}}
		}, FieldIdentitySource, Error, "HTTP API syntax"},
		{"authorizer no identity source", func(d *Design) {
			d.Authorizer = &Authorizer{Handler: NewFunction("AuthFunction")}
		}, FieldIdentitySource, Error, "at least one"},
		{"unlinked handler", func(d *Design) { d.Endpoints[2].Handler = LambdaLink{} }, EndpointField(2, "handler"), Error, "choose"},
		{"one function two ways", func(d *Design) { d.Endpoints[1].Handler = Existing("OnConnectFunction") }, EndpointField(1, "handler"), Error,
			"endpoint 1 links it as a new nodejs24.x function in src/on-connect/, here it is an existing function"},
		{"one new function two runtimes", func(d *Design) {
			l := NewFunction("OnConnectFunction")
			l.Runtime = "python3.14"
			d.Endpoints[2].Handler = l
		}, EndpointField(2, "handler"), Error, "here it is a new python3.14 function in src/on-connect/"},
		{"bad stage", func(d *Design) { d.Stage = "$default" }, FieldStage, Error, "does not work"},
		{"too many endpoints", func(d *Design) {
			for i := 0; i < MaxEndpoints; i++ {
				d.Endpoints = append(d.Endpoints, Endpoint{Route: "r" + strings.Repeat("x", i%100) + string(rune('a'+i%26)) + string(rune('a'+i/26)), Handler: Existing("X")})
			}
		}, FieldEndpoints, Error, "at most 300"},
	}
	if ps := chat().Validate(nil); len(ps) != 0 {
		t.Fatalf("the chat design should be valid, got %v", ps)
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := chat()
			tt.edit(&d)
			ps := d.Validate(nil).For(tt.field)
			for _, p := range ps {
				if p.Severity == tt.sev && strings.Contains(p.Message, tt.saying) {
					return
				}
			}
			t.Errorf("no %v on %s saying %q; problems: %v", tt.sev, tt.field, tt.saying, d.Validate(nil))
		})
	}
}

func TestWarningsDoNotBlock(t *testing.T) {
	d := chat()
	d.Endpoints = append(d.Endpoints, Endpoint{Route: "SendMessage", Handler: Existing("X")})
	if errs := d.Validate(nil).Errors(); len(errs) != 0 {
		t.Errorf("a case-only duplicate must only warn, got errors %v", errs)
	}
}

func TestEnsureConnect(t *testing.T) {
	d := chat()
	d.Endpoints = d.Endpoints[1:]
	if d.EnsureConnect(NewFunction("OnConnectFunction")) {
		t.Fatal("added $connect without an authorizer")
	}
	d.Authorizer = &Authorizer{Handler: NewFunction("AuthFunction")}
	if !d.EnsureConnect(NewFunction("OnConnectFunction")) || d.Endpoints[0].Route != RouteConnect {
		t.Fatalf("did not add $connect first: %+v", d.Endpoints)
	}
	if d.EnsureConnect(NewFunction("OnConnectFunction")) {
		t.Error("added a second $connect")
	}
}

func TestNormalizeDefaults(t *testing.T) {
	d := Design{Name: "X", Authorizer: &Authorizer{Handler: LambdaLink{Kind: LinkNew, FunctionID: "AuthFunction"}},
		Endpoints: []Endpoint{{Route: "$default", Handler: LambdaLink{Kind: LinkNew, FunctionID: "DefaultHandler"}}}}
	d.Normalize()
	if d.RouteSelector != "action" || d.Stage != "prod" || d.RouteSelectionExpression() != "$request.body.action" {
		t.Errorf("defaults: selector %q stage %q", d.RouteSelector, d.Stage)
	}
	h := d.Endpoints[0].Handler
	if h.Runtime != DefaultRuntime || h.CodeURI != "src/default-handler/" {
		t.Errorf("new function defaults: %+v", h)
	}
	if got := d.Authorizer.IdentitySource; len(got) != 1 || got[0] != DefaultIdentitySource {
		t.Errorf("identity source default: %v", got)
	}
}

func TestParseMode(t *testing.T) {
	for in, want := range map[string]Mode{"1-way": OneWay, "2-way": TwoWay, "Two-Way": TwoWay, " one-way ": OneWay} {
		if got, ok := ParseMode(in); !ok || got != want {
			t.Errorf("ParseMode(%q) = %v, %v", in, got, ok)
		}
	}
	if _, ok := ParseMode("3-way"); ok {
		t.Error("3-way parsed")
	}
}
