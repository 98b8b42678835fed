package dynamo

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

// cacheDir is one temporary cache for the whole test binary, so that
// dynalite is installed once.
var cacheDir string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "wsdesign-dynamo-test-")
	if err != nil {
		panic(err)
	}
	cacheDir = dir
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

var networkError = regexp.MustCompile(`ENOTFOUND|ECONNREFUSED|ECONNRESET|ETIMEDOUT|EAI_AGAIN|ENETUNREACH|network`)

type call struct {
	operation, table string
	status           int
}

type recorder struct {
	mu    sync.Mutex
	calls []call
}

func (r *recorder) onCall(operation, table string, status int, _ time.Duration) {
	r.mu.Lock()
	r.calls = append(r.calls, call{operation, table, status})
	r.mu.Unlock()
}

func (r *recorder) list() []call {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]call(nil), r.calls...)
}

// start starts the local DynamoDB, skipping when npm is missing or cannot
// reach the registry.
func start(t *testing.T, opts Options) *Server {
	t.Helper()
	if opts.Endpoint == "" {
		if _, err := exec.LookPath("npm"); err != nil {
			t.Skip("npm is not installed")
		}
	}
	opts.CacheDir = cacheDir
	opts.OnMessage = func(m string) { t.Log(m) }
	s, err := Start(context.Background(), opts)
	if err != nil {
		if networkError.MatchString(err.Error()) {
			t.Skipf("dynalite could not be installed: %v", err)
		}
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	if err := s.Wait(context.Background()); err != nil {
		t.Fatal(err)
	}
	return s
}

// Calls made as soon as Start returns wait until dynalite answers and the
// tables given are created.
func TestCallsWaitForTheStart(t *testing.T) {
	if _, err := exec.LookPath("npm"); err != nil {
		t.Skip("npm is not installed")
	}
	start(t, Options{}) // installs dynalite where this test runs first
	s, err := Start(context.Background(), Options{CacheDir: cacheDir, Tables: []Table{provisioned}})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	mustPost(t, s.URL(), "PutItem", `{"TableName":"Simple","Item":{"id":{"S":"early"}}}`)
	if out := mustPost(t, s.URL(), "GetItem", `{"TableName":"Simple","Key":{"id":{"S":"early"}}}`); out["Item"] == nil {
		t.Errorf("GetItem = %v, want the item written first", out)
	}
}

// A local DynamoDB that never answers: Start returns, Wait and every call
// through the proxy say why.
func TestEndpointThatDoesNotAnswer(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close() // nothing listens there now
	ctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
	defer cancel()
	s, err := Start(ctx, Options{Endpoint: "http://" + addr, CacheDir: cacheDir, Tables: []Table{provisioned}})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	status, out := post(t, s.URL(), "ListTables", `{}`)
	if msg, _ := out["message"].(string); status != http.StatusServiceUnavailable || !strings.Contains(msg, "did not start") || !strings.Contains(msg, addr) {
		t.Errorf("a call through the proxy = %d %v, want 503 saying the local DynamoDB at %s did not start", status, out, addr)
	}
	if err := s.Wait(context.Background()); err == nil || !strings.Contains(err.Error(), "does not answer") {
		t.Errorf("Wait = %v, want the endpoint's failure", err)
	}
}

// post sends a DynamoDB JSON API call as an SDK does and returns the status
// and the decoded answer.
func post(t *testing.T, endpoint, operation, body string) (int, map[string]any) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, endpoint, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-amz-json-1.0")
	req.Header.Set("X-Amz-Target", "DynamoDB_20120810."+operation)
	req.Header.Set("X-Amz-Date", "20260101T000000Z")
	req.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential=wsdesign/20260101/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=00")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	var out map[string]any
	if err := json.Unmarshal(data, &out); err != nil {
		t.Fatalf("%s answered %d %q: %v", operation, resp.StatusCode, data, err)
	}
	return resp.StatusCode, out
}

func mustPost(t *testing.T, endpoint, operation, body string) map[string]any {
	t.Helper()
	status, out := post(t, endpoint, operation, body)
	if status != http.StatusOK {
		t.Fatalf("%s answered %d: %v", operation, status, out)
	}
	return out
}

var connections = Table{
	Name:                 "Connections",
	KeySchema:            []KeyElement{{"connectionId", "HASH"}},
	AttributeDefinitions: []AttributeDefinition{{"connectionId", "S"}, {"room", "S"}, {"joinedAt", "N"}},
	GlobalSecondaryIndexes: []Index{{
		IndexName:  "byRoom",
		KeySchema:  []KeyElement{{"room", "HASH"}, {"joinedAt", "RANGE"}},
		Projection: Projection{ProjectionType: "ALL"},
	}},
}

var provisioned = Table{
	Name:                  "Simple",
	KeySchema:             []KeyElement{{"id", "HASH"}},
	AttributeDefinitions:  []AttributeDefinition{{"id", "S"}},
	ProvisionedThroughput: &Throughput{ReadCapacityUnits: 5, WriteCapacityUnits: 5},
}

func TestTablesQueryAndNotEmulated(t *testing.T) {
	var rec recorder
	s := start(t, Options{OnCall: rec.onCall})
	ctx := context.Background()
	if err := s.CreateTables(ctx, []Table{connections, provisioned}); err != nil {
		t.Fatal(err)
	}

	desc := mustPost(t, s.URL(), "DescribeTable", `{"TableName":"Simple"}`)
	if got := desc["Table"].(map[string]any)["ProvisionedThroughput"].(map[string]any)["ReadCapacityUnits"]; got != 5.0 {
		t.Errorf("Simple's ReadCapacityUnits = %v, want 5", got)
	}
	desc = mustPost(t, s.URL(), "DescribeTable", `{"TableName":"Connections"}`)
	if got := desc["Table"].(map[string]any)["BillingModeSummary"]; got == nil || got.(map[string]any)["BillingMode"] != PayPerRequest {
		t.Errorf("Connections' billing mode = %v, want %s", got, PayPerRequest)
	}

	mustPost(t, s.URL(), "PutItem", `{"TableName":"Connections","Item":{"connectionId":{"S":"abc="},"room":{"S":"lobby"},"joinedAt":{"N":"1"}}}`)
	mustPost(t, s.URL(), "PutItem", `{"TableName":"Connections","Item":{"connectionId":{"S":"def="},"room":{"S":"other"},"joinedAt":{"N":"2"}}}`)
	out := mustPost(t, s.URL(), "Query", `{"TableName":"Connections","IndexName":"byRoom","KeyConditionExpression":"room = :r","ExpressionAttributeValues":{":r":{"S":"lobby"}}}`)
	items, _ := out["Items"].([]any)
	if len(items) != 1 || items[0].(map[string]any)["connectionId"].(map[string]any)["S"] != "abc=" {
		t.Errorf("Query on byRoom for lobby = %v, want the one item abc=", out["Items"])
	}

	status, out := post(t, s.URL(), "ExecuteStatement", `{"Statement":"SELECT * FROM Connections"}`)
	if status != http.StatusBadRequest ||
		out["__type"] != "com.amazonaws.dynamodb.v20120810#UnknownOperationException" ||
		!strings.HasPrefix(fmt.Sprint(out["message"]), "ExecuteStatement is not emulated") || !strings.Contains(fmt.Sprint(out["message"]), "--dynamodb-endpoint") {
		t.Errorf("ExecuteStatement answered %d %v, want 400 and UnknownOperationException naming it and the way to a DynamoDB that has it", status, out)
	}

	want := []call{
		{"DescribeTable", "Simple", 200},
		{"DescribeTable", "Connections", 200},
		{"PutItem", "Connections", 200},
		{"PutItem", "Connections", 200},
		{"Query", "Connections", 200},
		{"ExecuteStatement", "", 400},
	}
	if got := rec.list(); !equalCalls(got, want) {
		t.Errorf("OnCall calls = %v, want %v", got, want)
	}
}

func equalCalls(a, b []call) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestPersistKeepsTablesAndData(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	first := start(t, Options{PersistDir: dir})
	ctx := context.Background()
	if err := first.CreateTables(ctx, []Table{provisioned}); err != nil {
		t.Fatal(err)
	}
	mustPost(t, first.URL(), "PutItem", `{"TableName":"Simple","Item":{"id":{"S":"kept"}}}`)
	first.Close()

	second := start(t, Options{PersistDir: dir})
	if err := second.CreateTables(ctx, []Table{provisioned}); err != nil {
		t.Fatalf("creating a table kept by --persist: %v", err)
	}
	out := mustPost(t, second.URL(), "GetItem", `{"TableName":"Simple","Key":{"id":{"S":"kept"}}}`)
	if out["Item"] == nil {
		t.Errorf("GetItem after restart = %v, want the item written before", out)
	}
}

func TestGivenEndpointIsForwardedWhole(t *testing.T) {
	local := start(t, Options{})
	var rec recorder
	s := start(t, Options{Endpoint: local.Backend(), OnCall: rec.onCall})
	if s.cmd != nil {
		t.Fatal("a dynalite was started although an endpoint was given")
	}
	if err := s.CreateTables(context.Background(), []Table{provisioned}); err != nil {
		t.Fatal(err)
	}
	// The given endpoint answers for itself: no wsdesign "not emulated".
	_, out := post(t, s.URL(), "TransactWriteItems", `{"TransactItems":[]}`)
	if msg, _ := out["message"].(string); strings.Contains(msg, "wsdesign") {
		t.Errorf("TransactWriteItems to a given endpoint answered by the proxy: %v", out)
	}
	if got := rec.list(); len(got) != 1 || got[0].operation != "TransactWriteItems" {
		t.Errorf("OnCall calls = %v, want the one TransactWriteItems", got)
	}
}

func TestTables(t *testing.T) {
	for body, want := range map[string]string{
		`{"TableName":"A"}`:                "A",
		`{"RequestItems":{"B":[],"A":[]}}`: "A,B",
		`{"TransactItems":[{"Put":{"TableName":"B"}},{"Update":{"TableName":"A"}},{"ConditionCheck":{"TableName":"B"}}]}`: "A,B",
		`{"Statement":"SELECT * FROM A"}`: "",
		`not json`:                        "",
	} {
		if got := tables([]byte(body)); got != want {
			t.Errorf("tables(%s) = %q, want %q", body, got, want)
		}
	}
}

func TestUnknownEndpointIsRefused(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if _, err := Start(ctx, Options{Endpoint: "localhost:8000", CacheDir: cacheDir}); err == nil || !strings.Contains(err.Error(), "not an http") {
		t.Errorf("Start with a URL without scheme = %v, want an error naming the URL", err)
	}
	if _, err := Start(ctx, Options{Endpoint: "http://127.0.0.1:8000", PersistDir: t.TempDir(), CacheDir: cacheDir}); err == nil || !strings.Contains(err.Error(), "--persist") {
		t.Errorf("Start with an endpoint and a persist folder = %v, want an error naming --persist", err)
	}
}

func TestTwoAtOnce(t *testing.T) {
	a := start(t, Options{})
	b := start(t, Options{})
	if a.Backend() == b.Backend() {
		t.Fatalf("two local DynamoDBs at one address, %s", a.Backend())
	}
	if err := a.CreateTables(context.Background(), []Table{provisioned}); err != nil {
		t.Fatal(err)
	}
	if status, out := post(t, b.URL(), "DescribeTable", `{"TableName":"Simple"}`); status != http.StatusBadRequest {
		t.Errorf("a table created in one local DynamoDB is seen in the other: %d %v", status, out)
	}
}

// TestTransactions runs TransactWriteItems and TransactGetItems on
// dynalite, which has neither: a transaction whose conditions hold writes
// every item; one whose condition fails writes none (what ran before it is
// put back) and answers TransactionCanceledException with a reason per
// operation, as DynamoDB does.
func TestTransactions(t *testing.T) {
	var rec recorder
	s := start(t, Options{OnCall: rec.onCall})
	if err := s.CreateTables(context.Background(), []Table{connections}); err != nil {
		t.Fatal(err)
	}
	u := s.URL()
	mustPost(t, u, "PutItem", `{"TableName":"Connections","Item":{"connectionId":{"S":"a"},"room":{"S":"lobby"},"joinedAt":{"N":"1"}}}`)
	mustPost(t, u, "PutItem", `{"TableName":"Connections","Item":{"connectionId":{"S":"b"},"room":{"S":"lobby"},"joinedAt":{"N":"2"}}}`)
	mustPost(t, u, "PutItem", `{"TableName":"Connections","Item":{"connectionId":{"S":"z"},"room":{"S":"checked"}}}`)
	get := func() string {
		out := mustPost(t, u, "TransactGetItems", `{"TransactItems":[
			{"Get":{"TableName":"Connections","Key":{"connectionId":{"S":"a"}}}},
			{"Get":{"TableName":"Connections","Key":{"connectionId":{"S":"b"}}}},
			{"Get":{"TableName":"Connections","Key":{"connectionId":{"S":"c"}}}}]}`)
		var rooms []string
		for _, r := range out["Responses"].([]any) {
			item, _ := r.(map[string]any)["Item"].(map[string]any)
			room := "-"
			if item != nil {
				room = item["room"].(map[string]any)["S"].(string)
			}
			rooms = append(rooms, room)
		}
		return strings.Join(rooms, " ")
	}
	if got := get(); got != "lobby lobby -" {
		t.Fatalf("before: %s", got)
	}
	// a moves, b is deleted, z is checked, c is added: c's condition (that
	// it is new) fails once c exists, and nothing of the second try is
	// written.
	write := `{"TransactItems":[
		{"Update":{"TableName":"Connections","Key":{"connectionId":{"S":"a"}},"UpdateExpression":"SET room = :r","ExpressionAttributeValues":{":r":{"S":"%s"}}}},
		{"Delete":{"TableName":"Connections","Key":{"connectionId":{"S":"b"}}}},
		{"ConditionCheck":{"TableName":"Connections","Key":{"connectionId":{"S":"z"}},"ConditionExpression":"attribute_exists(connectionId)"}},
		{"Put":{"TableName":"Connections","Item":{"connectionId":{"S":"c"},"room":{"S":"%[1]s"}},"ConditionExpression":"attribute_not_exists(connectionId)","ReturnValuesOnConditionCheckFailure":"ALL_OLD"}}]}`
	if status, out := post(t, u, "TransactWriteItems", fmt.Sprintf(write, "garden")); status != http.StatusOK {
		t.Fatalf("TransactWriteItems: %d %v", status, out)
	}
	if got := get(); got != "garden - garden" {
		t.Fatalf("after the transaction: %s, want garden - garden", got)
	}
	mustPost(t, u, "PutItem", `{"TableName":"Connections","Item":{"connectionId":{"S":"b"},"room":{"S":"lobby"},"joinedAt":{"N":"2"}}}`)
	status, out := post(t, u, "TransactWriteItems", fmt.Sprintf(write, "attic"))
	reasons, _ := out["CancellationReasons"].([]any)
	if status != http.StatusBadRequest || out["__type"] != "com.amazonaws.dynamodb.v20120810#TransactionCanceledException" ||
		!strings.Contains(fmt.Sprint(out["message"]), "[None, None, None, ConditionalCheckFailed]") || len(reasons) != 4 {
		t.Fatalf("a failing condition: %d %v", status, out)
	}
	if last := reasons[3].(map[string]any); last["Code"] != "ConditionalCheckFailed" || last["Item"] == nil {
		t.Errorf("the failed operation's reason %v, want ConditionalCheckFailed with the item (ALL_OLD)", last)
	}
	if got := get(); got != "garden lobby garden" {
		t.Errorf("after the cancelled transaction: %s, want it as before it (garden lobby garden)", got)
	}
	for _, c := range []struct{ name, body, typ string }{
		{"one item twice", `{"TransactItems":[{"Delete":{"TableName":"Connections","Key":{"connectionId":{"S":"a"}}}},{"Put":{"TableName":"Connections","Item":{"connectionId":{"S":"a"}}}}]}`, "ValidationException"},
		{"two kinds in one", `{"TransactItems":[{"Delete":{"TableName":"Connections","Key":{"connectionId":{"S":"a"}}},"Put":{"TableName":"Connections","Item":{"connectionId":{"S":"a"}}}}]}`, "ValidationException"},
		{"none", `{"TransactItems":[]}`, "ValidationException"},
		{"an absent item's condition", `{"TransactItems":[{"ConditionCheck":{"TableName":"Connections","Key":{"connectionId":{"S":"q"}},"ConditionExpression":"attribute_exists(connectionId)"}}]}`, "TransactionCanceledException"},
		{"no table", `{"TransactItems":[{"Delete":{"TableName":"Nope","Key":{"connectionId":{"S":"a"}}}}]}`, "ResourceNotFoundException"},
	} {
		if status, out := post(t, u, "TransactWriteItems", c.body); status != http.StatusBadRequest || out["__type"] != "com.amazonaws.dynamodb.v20120810#"+c.typ {
			t.Errorf("%s: %d %v, want 400 %s", c.name, status, out, c.typ)
		}
	}
	if got := get(); got != "garden lobby garden" {
		t.Errorf("after the refused transactions: %s", got)
	}
	if out := mustPost(t, u, "GetItem", `{"TableName":"Connections","Key":{"connectionId":{"S":"q"}}}`); out["Item"] != nil {
		t.Errorf("a condition check wrote the absent item: %v", out)
	}
}
