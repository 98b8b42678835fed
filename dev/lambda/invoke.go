package lambda

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"time"
)

// APIPath is the root of the paths of Lambda's API (its version), and
// InvokePath where it takes the Invoke operation: the function (a name, or
// an ARN) follows it, then "/invocations".
const (
	APIPath    = "/2015-03-31/"
	InvokePath = APIPath + "functions/"
)

// Lambda's payload limits: a synchronous invocation's request (and
// response), and an asynchronous (Event) invocation's request.
const (
	MaxSyncPayload  = 6 << 20
	MaxEventPayload = 1 << 20
)

// Invoker runs a function with an event, as a Pool does.
type Invoker interface {
	Invoke(ctx context.Context, function string, event []byte) ([]byte, error)
}

// Call is one invocation made through an InvokeAPI, for the log.
type Call struct {
	Function string // the Invoker's name of the function
	Type     string // RequestResponse or Event
	Payload  []byte
	Result   []byte // what the function returned, when it did
	Duration time.Duration
	Err      error // why the invocation failed
}

// InvokeAPI serves the Invoke operation of Lambda's API for the functions an
// Invoker runs, so that a handler that invokes another function of the
// template with an AWS SDK (lambda.invoke, InvokeCommand) runs it locally.
// It answers as Lambda does: the function's result with 200; a function
// error with 200 and X-Amz-Function-Error: Unhandled, the error as the
// payload; 202 for an Event invocation, run in the background (once: Lambda
// would retry a failed one twice); 204 for DryRun; ResourceNotFoundException
// for a function the template does not have. Every qualifier (a version, an
// alias) names the one local version, $LATEST. The log tail (LogType Tail)
// is not returned: the function's output is in dev's log.
type InvokeAPI struct {
	cur    atomic.Pointer[invokeTargets]
	onCall func(Call)
}

type invokeTargets struct {
	inv Invoker
	// names maps the names Lambda knows the functions by to the Invoker's.
	names map[string]string
}

// NewInvokeAPI returns an API that serves nothing until Serve; onCall, when
// set, is told of each invocation once it ends.
func NewInvokeAPI(onCall func(Call)) *InvokeAPI {
	a := &InvokeAPI{onCall: onCall}
	a.cur.Store(&invokeTargets{names: map[string]string{}})
	return a
}

// Serve makes the API invoke the functions that inv runs from now on; names
// maps the name Lambda knows each function by (see app.Function.Name) to
// inv's name for it.
func (a *InvokeAPI) Serve(inv Invoker, names map[string]string) {
	a.cur.Store(&invokeTargets{inv: inv, names: names})
}

func (a *InvokeAPI) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rest, ok := strings.CutPrefix(r.URL.EscapedPath(), InvokePath)
	escaped, ok2 := strings.CutSuffix(rest, "/invocations")
	if !ok || !ok2 || r.Method != http.MethodPost {
		lambdaError(w, http.StatusBadRequest, "ServiceNotEmulated", fmt.Sprintf("%s %s is not emulated by wsdesign dev: of Lambda's API it serves Invoke", r.Method, r.URL.Path))
		return
	}
	ref, err := url.PathUnescape(escaped)
	if err != nil {
		lambdaError(w, http.StatusBadRequest, "InvalidParameterValueException", "the function name is not a valid path segment")
		return
	}
	cur := a.cur.Load()
	name := functionName(ref)
	function, known := cur.names[name]
	if !known || cur.inv == nil {
		lambdaError(w, http.StatusNotFound, "ResourceNotFoundException", "Function not found: "+ref+" (the template has no function of that name)")
		return
	}
	typ := r.Header.Get("X-Amz-Invocation-Type")
	limit := MaxSyncPayload
	switch typ {
	case "", "RequestResponse":
		typ = "RequestResponse"
	case "Event":
		limit = MaxEventPayload
	case "DryRun":
		w.WriteHeader(http.StatusNoContent)
		return
	default:
		lambdaError(w, http.StatusBadRequest, "InvalidParameterValueException", "InvocationType is RequestResponse, Event or DryRun, not "+typ)
		return
	}
	payload, err := io.ReadAll(io.LimitReader(r.Body, int64(limit)+1))
	switch {
	case err != nil:
		lambdaError(w, http.StatusBadRequest, "InvalidRequestContentException", "reading the payload: "+err.Error())
		return
	case len(payload) > limit:
		lambdaError(w, http.StatusRequestEntityTooLarge, "RequestEntityTooLargeException", fmt.Sprintf("%s payloads are at most %d bytes", typ, limit))
		return
	case len(payload) == 0:
		payload = []byte("{}")
	case !json.Valid(payload):
		lambdaError(w, http.StatusBadRequest, "InvalidRequestContentException", "Could not parse request body into json: the payload is not JSON")
		return
	}
	call := Call{Function: function, Type: typ, Payload: payload}
	if typ == "Event" {
		go a.invoke(context.Background(), cur.inv, call)
		w.WriteHeader(http.StatusAccepted)
		return
	}
	call = a.invoke(r.Context(), cur.inv, call)
	w.Header().Set("X-Amz-Executed-Version", "$LATEST")
	w.Header().Set("Content-Type", "application/json")
	if call.Err != nil {
		w.Header().Set("X-Amz-Function-Error", "Unhandled")
		w.Write(errorPayload(call.Err))
		return
	}
	w.Write(call.Result)
}

// invoke runs call and tells onCall of it.
func (a *InvokeAPI) invoke(ctx context.Context, inv Invoker, call Call) Call {
	start := time.Now()
	call.Result, call.Err = inv.Invoke(ctx, call.Function, call.Payload)
	call.Duration = time.Since(start)
	if call.Err == nil && len(call.Result) > MaxSyncPayload {
		call.Result, call.Err = nil, &FunctionError{Function: call.Function, ErrorType: "Function.ResponseSizeTooLarge", ErrorMessage: fmt.Sprintf("Response payload size exceeded maximum allowed payload size (%d bytes).", MaxSyncPayload)}
	}
	if a.onCall != nil {
		a.onCall(call)
	}
	return call
}

// functionName is the name in a FunctionName of Lambda's API: a name, an ARN
// (arn:aws:lambda:region:account:function:name) or a partial ARN
// (account:function:name), each maybe with a qualifier (:version or :alias).
func functionName(ref string) string {
	parts := strings.Split(ref, ":")
	for i, p := range parts {
		if p == "function" && i+1 < len(parts) {
			return parts[i+1]
		}
	}
	return parts[0]
}

// errorPayload is a failed invocation's payload as Lambda gives it: the
// runtime's error object, or one Lambda writes for a timeout or a runtime
// that ended.
func errorPayload(err error) []byte {
	var fe *FunctionError
	if errors.As(err, &fe) {
		b, _ := json.Marshal(fe)
		return b
	}
	typ := "Runtime.ExitError"
	if errors.Is(err, ErrTimeout) {
		typ = "Sandbox.Timedout"
	}
	b, _ := json.Marshal(map[string]string{"errorType": typ, "errorMessage": err.Error()})
	return b
}

// lambdaError answers in the shape of Lambda's API errors.
func lambdaError(w http.ResponseWriter, status int, errorType, message string) {
	body, _ := json.Marshal(map[string]string{"Type": "User", "message": message})
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-Amzn-ErrorType", errorType)
	w.WriteHeader(status)
	w.Write(body)
}
