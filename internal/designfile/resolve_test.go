package designfile_test

import (
	"strings"
	"testing"

	"github.com/wsdesign/wsdesign/internal/designfile"
	"github.com/wsdesign/wsdesign/model"
)

func TestParseEndpoint(t *testing.T) {
	r := designfile.Resolver{Existing: map[string]string{"OnConnect": "AWS::Serverless::Function"}, Runtime: "python3.14"}
	tests := []struct {
		in      string
		route   string
		mode    model.Mode
		handler model.LambdaLink
		err     string
	}{
		{in: "$connect=OnConnect", route: "$connect", handler: model.LambdaLink{Kind: model.LinkExisting, FunctionID: "OnConnect", FunctionType: "AWS::Serverless::Function"}},
		{in: "sendMessage=SendMessage,2-way", route: "sendMessage", mode: model.TwoWay,
			handler: model.LambdaLink{Kind: model.LinkNew, FunctionID: "SendMessage", Runtime: "python3.14", CodeURI: "src/send-message/"}},
		{in: "$default,2-way", route: "$default", mode: model.TwoWay},
		{in: "ping", route: "ping"},
		{in: "ping=param:PingArn,1-way", route: "ping", handler: model.ARNParameter("PingArn")},
		{in: "a=b=c", route: "a", handler: model.LambdaLink{Kind: model.LinkNew, FunctionID: "b=c", Runtime: "python3.14", CodeURI: "src/b-c/"}},
		{in: "ping,3-way", err: `"3-way" is not a mode`},
		{in: "=Fn", err: "no route"},
		{in: ",2-way", err: "no route"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			e, err := r.ParseEndpoint(tt.in)
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("got %v, want an error containing %q", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			want := model.Endpoint{Route: tt.route, Mode: tt.mode, Handler: tt.handler}
			if e != want {
				t.Errorf("got %+v, want %+v", e, want)
			}
		})
	}
}

func TestFillHandlers(t *testing.T) {
	d := model.Design{Endpoints: []model.Endpoint{
		{Route: "$connect"},
		{Route: "send-message"},
		{Route: "$default", Handler: model.ARNParameter("X")},
		{Route: "!!"},
	}}
	designfile.Resolver{}.FillHandlers(&d)
	want := []string{"ConnectFunction", "SendMessageFunction", "param:X", ""}
	for i, e := range d.Endpoints {
		if e.Handler.String() != want[i] {
			t.Errorf("endpoint %s: handler %q, want %q", e.Route, e.Handler, want[i])
		}
	}
	if d.Endpoints[0].Handler.Kind != model.LinkNew || d.Endpoints[3].Handler.Kind != model.LinkUnset {
		t.Errorf("kinds: %v, %v", d.Endpoints[0].Handler.Kind, d.Endpoints[3].Handler.Kind)
	}
}
