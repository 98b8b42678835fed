package lambda

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// fakeInvoker answers as the functions of a pool would: "echo" returns its
// event, "boom" throws, "slow" times out.
type fakeInvoker struct{ got chan string }

func (f fakeInvoker) Invoke(ctx context.Context, function string, event []byte) ([]byte, error) {
	f.got <- function + " " + string(event)
	switch function {
	case "Boom":
		return nil, &FunctionError{Function: function, ErrorType: "ValueError", ErrorMessage: "no answer"}
	case "Slow":
		return nil, fmt.Errorf("lambda: %s: %w after 3s", function, ErrTimeout)
	}
	return event, nil
}

// TestInvokeAPI invokes through Lambda's API as the AWS SDKs do: by name,
// ARN, partial ARN and escaped ARN, with qualifiers; synchronously, as an
// Event and as a DryRun; and checks the answers for function errors,
// timeouts, unknown functions, bad payloads and other operations.
func TestInvokeAPI(t *testing.T) {
	inv := fakeInvoker{got: make(chan string, 10)}
	calls := make(chan Call, 10)
	api := NewInvokeAPI(func(c Call) { calls <- c })
	srv := httptest.NewServer(api)
	defer srv.Close()
	do := func(method, path, typ, body string) (*http.Response, string) {
		t.Helper()
		req, _ := http.NewRequest(method, srv.URL+path, strings.NewReader(body))
		if typ != "" {
			req.Header.Set("X-Amz-Invocation-Type", typ)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		return resp, string(b)
	}
	invoke := func(ref, typ, body string) (*http.Response, string) {
		t.Helper()
		return do(http.MethodPost, InvokePath+ref+"/invocations", typ, body)
	}

	if resp, _ := invoke("echo-fn", "", `{}`); resp.StatusCode != http.StatusNotFound {
		t.Fatalf("before Serve: status %d, want 404", resp.StatusCode)
	}
	api.Serve(inv, map[string]string{"echo-fn": "Echo", "Boom": "Boom", "Slow": "Slow"})

	for _, ref := range []string{
		"echo-fn",
		"echo-fn:live",
		"arn:aws:lambda:us-east-1:123456789012:function:echo-fn",
		"arn:aws:lambda:us-east-1:123456789012:function:echo-fn:7",
		"arn%3Aaws%3Alambda%3Aus-east-1%3A123456789012%3Afunction%3Aecho-fn",
		"123456789012:function:echo-fn",
	} {
		resp, body := invoke(ref, "RequestResponse", `{"q":"hi"}`)
		if resp.StatusCode != http.StatusOK || body != `{"q":"hi"}` || resp.Header.Get("X-Amz-Function-Error") != "" || resp.Header.Get("X-Amz-Executed-Version") != "$LATEST" {
			t.Errorf("%s: status %d, body %s, headers %v", ref, resp.StatusCode, body, resp.Header)
		}
		if got := <-inv.got; got != `Echo {"q":"hi"}` {
			t.Errorf("%s: invoked %s", ref, got)
		}
		if c := <-calls; c.Function != "Echo" || c.Type != "RequestResponse" || c.Err != nil || string(c.Result) != `{"q":"hi"}` {
			t.Errorf("%s: call %+v", ref, c)
		}
	}

	resp, body := invoke("echo-fn", "", "")
	if resp.StatusCode != http.StatusOK || body != `{}` {
		t.Errorf("no payload: status %d, body %s; want the event {}", resp.StatusCode, body)
	}
	<-inv.got
	<-calls

	resp, body = invoke("Boom", "", `{}`)
	var fe map[string]any
	json.Unmarshal([]byte(body), &fe)
	if resp.StatusCode != http.StatusOK || resp.Header.Get("X-Amz-Function-Error") != "Unhandled" || fe["errorType"] != "ValueError" || fe["errorMessage"] != "no answer" || fe["Function"] != nil {
		t.Errorf("a function error: status %d, headers %v, body %s", resp.StatusCode, resp.Header, body)
	}
	<-inv.got
	if c := <-calls; c.Err == nil {
		t.Errorf("the call of a function that threw has no error: %+v", c)
	}

	resp, body = invoke("Slow", "", `{}`)
	if resp.Header.Get("X-Amz-Function-Error") != "Unhandled" || !strings.Contains(body, `"errorType":"Sandbox.Timedout"`) {
		t.Errorf("a timeout: headers %v, body %s", resp.Header, body)
	}
	<-inv.got
	<-calls

	resp, body = invoke("echo-fn", "Event", `{"async":true}`)
	if resp.StatusCode != http.StatusAccepted || body != "" {
		t.Errorf("Event: status %d, body %q; want 202 and nothing", resp.StatusCode, body)
	}
	select {
	case c := <-calls:
		if c.Type != "Event" || string(c.Payload) != `{"async":true}` {
			t.Errorf("Event call %+v", c)
		}
		<-inv.got
	case <-time.After(5 * time.Second):
		t.Error("the Event invocation did not run")
	}

	if resp, _ := invoke("echo-fn", "DryRun", `{}`); resp.StatusCode != http.StatusNoContent {
		t.Errorf("DryRun: status %d, want 204", resp.StatusCode)
	}
	select {
	case got := <-inv.got:
		t.Errorf("DryRun invoked %s", got)
	default:
	}

	for _, c := range []struct {
		name                 string
		method, path, typ    string
		body                 string
		status               int
		errorType, inMessage string
	}{
		{"unknown function", http.MethodPost, InvokePath + "arn:aws:lambda:us-east-1:1:function:nope/invocations", "", `{}`, 404, "ResourceNotFoundException", "Function not found: arn:aws:lambda:us-east-1:1:function:nope"},
		{"not JSON", http.MethodPost, InvokePath + "echo-fn/invocations", "", `hello`, 400, "InvalidRequestContentException", "Could not parse request body into json"},
		{"Event too large", http.MethodPost, InvokePath + "echo-fn/invocations", "Event", `"` + strings.Repeat("x", MaxEventPayload) + `"`, 413, "RequestEntityTooLargeException", "at most 1048576 bytes"},
		{"bad invocation type", http.MethodPost, InvokePath + "echo-fn/invocations", "Later", `{}`, 400, "InvalidParameterValueException", "RequestResponse, Event or DryRun"},
		{"another operation", http.MethodGet, InvokePath + "echo-fn", "", "", 400, "ServiceNotEmulated", "of Lambda's API it serves Invoke"},
	} {
		resp, body := do(c.method, c.path, c.typ, c.body)
		var e map[string]string
		json.Unmarshal([]byte(body), &e)
		if resp.StatusCode != c.status || resp.Header.Get("X-Amzn-ErrorType") != c.errorType || !strings.Contains(e["message"], c.inMessage) {
			t.Errorf("%s: status %d, type %q, body %s; want %d %s with %q", c.name, resp.StatusCode, resp.Header.Get("X-Amzn-ErrorType"), body, c.status, c.errorType, c.inMessage)
		}
	}
	select {
	case got := <-inv.got:
		t.Errorf("a refused request invoked %s", got)
	default:
	}
	if !bytes.Equal(errorPayload(fmt.Errorf("exit status 1")), []byte(`{"errorMessage":"exit status 1","errorType":"Runtime.ExitError"}`)) {
		t.Errorf("a runtime that ended: %s", errorPayload(fmt.Errorf("exit status 1")))
	}
}
