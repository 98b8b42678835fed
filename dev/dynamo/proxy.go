package dynamo

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"slices"
	"strings"
	"time"
)

// dynaliteOperations are the operations dynalite 4 answers (its
// validOperations); the proxy answers every other one itself.
var dynaliteOperations = []string{
	"BatchGetItem", "BatchWriteItem", "CreateTable", "DeleteItem", "DeleteTable",
	"DescribeTable", "DescribeTimeToLive", "GetItem", "ListTables", "ListTagsOfResource",
	"PutItem", "Query", "Scan", "TagResource", "UntagResource", "UpdateItem", "UpdateTable",
}

// maxRequest is the largest request body the proxy reads, dynalite's limit.
const maxRequest = 16 << 20

// proxy forwards DynamoDB calls to the local DynamoDB and reports each.
type proxy struct {
	url    string
	server *http.Server
}

// startProxy starts the proxy of s on 127.0.0.1 on a free port. Each call
// waits until s has started; with dynalite, operations outside
// dynaliteOperations are answered with an UnknownOperationException naming
// them.
func startProxy(s *Server) (*proxy, error) {
	forward := &httputil.ReverseProxy{
		Rewrite: func(r *httputil.ProxyRequest) {
			// s.backend was checked by Start, or printed by dynalite.
			u, _ := url.Parse(s.backend)
			r.SetURL(u)
		},
		ErrorHandler: func(w http.ResponseWriter, _ *http.Request, err error) {
			dynamoError(w, http.StatusBadGateway, "InternalServerError", fmt.Sprintf("the local DynamoDB at %s does not answer: %v", s.backend, err))
		},
	}
	limited, onCall := s.opts.Endpoint == "", s.opts.OnCall
	handler := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		if err := s.Wait(r.Context()); err != nil {
			dynamoError(w, http.StatusServiceUnavailable, "InternalServerError", "the local DynamoDB did not start: "+err.Error())
			return
		}
		operation := strings.TrimPrefix(r.Header.Get("X-Amz-Target"), target)
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxRequest))
		if err != nil {
			http.Error(w, err.Error(), http.StatusRequestEntityTooLarge)
			return
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
		switch {
		case limited && (operation == "TransactWriteItems" || operation == "TransactGetItems"):
			s.transact(r.Context(), rec, operation, body)
		case limited && operation != "" && !slices.Contains(dynaliteOperations, operation):
			notEmulated(rec, operation)
		default:
			forward.ServeHTTP(rec, r)
		}
		if onCall != nil && operation != "" {
			onCall(operation, tables(body), rec.status, time.Since(start))
		}
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("DynamoDB proxy: %w", err)
	}
	p := &proxy{url: "http://" + ln.Addr().String(), server: &http.Server{Handler: handler, ReadHeaderTimeout: 10 * time.Second}}
	go p.server.Serve(ln)
	return p, nil
}

func (p *proxy) close() {
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	if p.server.Shutdown(ctx) != nil {
		p.server.Close()
	}
}

type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (r *statusRecorder) WriteHeader(status int) {
	r.status = status
	r.ResponseWriter.WriteHeader(status)
}

// notEmulated answers an operation the local DynamoDB lacks as DynamoDB
// answers an unknown one.
func notEmulated(w http.ResponseWriter, operation string) {
	dynamoError(w, http.StatusBadRequest, "UnknownOperationException", operation+" is not emulated by wsdesign dev's local DynamoDB (dynalite); for it, run DynamoDB Local and pass --dynamodb-endpoint URL")
}

// dynamoError answers in the shape of DynamoDB's errors.
func dynamoError(w http.ResponseWriter, status int, errorType, message string) {
	dynamoErrorWith(w, status, errorType, message, nil)
}

// dynamoErrorWith answers in the shape of DynamoDB's errors, with extra
// fields.
func dynamoErrorWith(w http.ResponseWriter, status int, errorType, message string, extra map[string]any) {
	answer := map[string]any{
		"__type":  "com.amazonaws.dynamodb.v20120810#" + errorType,
		"message": message,
	}
	for k, v := range extra {
		answer[k] = v
	}
	body, _ := json.Marshal(answer)
	w.Header().Set("Content-Type", contentType)
	w.Header().Set("x-amzn-ErrorType", errorType)
	w.WriteHeader(status)
	w.Write(body)
}

// tables names the tables a request's body refers to, sorted and joined with
// commas: TableName, the keys of RequestItems (batches) or the TableName of
// each of TransactItems.
func tables(body []byte) string {
	var req struct {
		TableName     string
		RequestItems  map[string]json.RawMessage
		TransactItems []map[string]struct{ TableName string }
	}
	if json.Unmarshal(body, &req) != nil {
		return ""
	}
	var names []string
	if req.TableName != "" {
		names = append(names, req.TableName)
	}
	for name := range req.RequestItems {
		names = append(names, name)
	}
	for _, item := range req.TransactItems {
		for _, op := range item {
			names = append(names, op.TableName)
		}
	}
	slices.Sort(names)
	return strings.Join(slices.Compact(names), ",")
}
