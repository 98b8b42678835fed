package gateway

import (
	"context"
	"encoding/json"
	"net/http"
	"path"
	"strings"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/wsdesign/wsdesign/dev/app"
	"github.com/wsdesign/wsdesign/dev/event"
)

// authorizerEvent is the $connect event with what a REQUEST authorizer receives besides.
type authorizerEvent struct {
	Type      string `json:"type"`
	MethodArn string `json:"methodArn"`
	events.APIGatewayWebsocketProxyRequest
}

// strings1 reads an IAM value that may be one string or a list of them.
type strings1 []string

func (s *strings1) UnmarshalJSON(b []byte) error {
	var one string
	if json.Unmarshal(b, &one) == nil {
		*s = []string{one}
		return nil
	}
	return json.Unmarshal(b, (*[]string)(s))
}

type authorizerResult struct {
	PrincipalID    string `json:"principalId"`
	PolicyDocument struct {
		Statement []struct {
			Effect   string   `json:"Effect"`
			Resource strings1 `json:"Resource"`
		} `json:"Statement"`
	} `json:"policyDocument"`
	Context map[string]any `json:"context"`
}

// allows says whether the policy allows arn: an explicit Deny wins, as in IAM.
func (a authorizerResult) allows(arn string) bool {
	allowed := false
	for _, st := range a.PolicyDocument.Statement {
		for _, res := range st.Resource {
			if ok, _ := path.Match(strings.ReplaceAll(res, "/", "\x00"), strings.ReplaceAll(arn, "/", "\x00")); !ok && res != "*" {
				continue
			}
			switch st.Effect {
			case "Deny":
				return false
			case "Allow":
				allowed = true
			}
		}
	}
	return allowed
}

// identityPresent says whether the request carries an identity source such as
// route.request.header.Auth or route.request.querystring.token.
func identityPresent(r *http.Request, src string) bool {
	switch {
	case strings.HasPrefix(src, "route.request.header."):
		return r.Header.Get(strings.TrimPrefix(src, "route.request.header.")) != ""
	case strings.HasPrefix(src, "route.request.querystring."):
		return r.URL.Query().Get(strings.TrimPrefix(src, "route.request.querystring.")) != ""
	}
	return true
}

// authorize runs the $connect authorizer; status is 0 when the connection may
// go on. The invocation is logged as the authorizer's own, with the event it
// received and what it returned.
func (s *Server) authorize(r *http.Request, a *app.Authorizer, ev events.APIGatewayWebsocketProxyRequest) (status int, why string, auth map[string]any) {
	for _, src := range a.IdentitySources {
		if !identityPresent(r, src) {
			return http.StatusUnauthorized, "identity source " + src + " is missing; the authorizer is not called", nil
		}
	}
	arn := "arn:aws:execute-api:us-east-1:123456789012:" + s.cur.Load().api.ID + "/" + ev.RequestContext.Stage + "/$connect"
	body, _ := json.Marshal(authorizerEvent{Type: "REQUEST", MethodArn: arn, APIGatewayWebsocketProxyRequest: ev})
	ctx, cancel := context.WithTimeout(r.Context(), s.timeout(app.Route{Function: a.Function}))
	defer cancel()
	start := time.Now()
	out, err := s.cur.Load().invoker.Invoke(ctx, a.Function, body)
	e := event.Event{Kind: event.Invoke, ConnectionID: ev.RequestContext.ConnectionID, RequestID: ev.RequestContext.RequestID,
		RouteKey: ev.RequestContext.RouteKey, Function: a.Function, Duration: time.Since(start), Request: body}
	if json.Valid(out) {
		e.Response = out
	}
	status, why, auth = authorized(out, err, arn)
	e.Text = "authorizer: allowed"
	if status != 0 {
		e.Text = "authorizer: " + why
	}
	s.emit(e)
	return status, why, auth
}

// authorized reads what an authorizer returned (or how it failed) as API
// Gateway does.
func authorized(out []byte, err error, arn string) (status int, why string, auth map[string]any) {
	if err != nil {
		if strings.Contains(err.Error(), "Unauthorized") {
			return http.StatusUnauthorized, "the authorizer answered Unauthorized", nil
		}
		return http.StatusInternalServerError, "the authorizer failed: " + err.Error(), nil
	}
	var res authorizerResult
	if err := json.Unmarshal(out, &res); err != nil {
		return http.StatusInternalServerError, "the authorizer returned something API Gateway cannot use", nil
	}
	if !res.allows(arn) {
		return http.StatusForbidden, "the authorizer's policy does not allow " + arn, nil
	}
	auth = map[string]any{"principalId": res.PrincipalID}
	for k, v := range res.Context {
		auth[k] = v
	}
	return 0, "", auth
}
