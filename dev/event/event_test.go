package event

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestJSONLinesRoundTrip(t *testing.T) {
	var buf bytes.Buffer
	w := NewJSONWriter(&buf)
	in := []Event{
		{Time: time.Unix(1, 0).UTC(), Kind: Route, ConnectionID: "abc=", RouteKey: "$default", Why: "no endpoint has this route"},
		{Time: time.Unix(2, 0).UTC(), Kind: Invoke, Function: "Fn", Duration: time.Millisecond, Status: 200,
			Request: json.RawMessage(`{"body":"x"}`), Response: json.RawMessage(`{"statusCode":200}`)},
	}
	for _, e := range in {
		w.Emit(e)
	}
	lines := strings.Split(strings.TrimSuffix(buf.String(), "\n"), "\n")
	if len(lines) != len(in) {
		t.Fatalf("got %d lines, want %d", len(lines), len(in))
	}
	for i, l := range lines {
		var got Event
		d := json.NewDecoder(strings.NewReader(l))
		d.DisallowUnknownFields()
		if err := d.Decode(&got); err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, in[i]) {
			t.Errorf("line %d: got %+v, want %+v", i, got, in[i])
		}
	}
}

func TestTextOneLine(t *testing.T) {
	var buf bytes.Buffer
	NewTextWriter(&buf).Emit(Event{Kind: Output, Function: "Fn", Text: "a\nb"})
	if got := buf.String(); strings.Count(got, "\n") != 1 || !strings.Contains(got, `[Fn] a\nb`) {
		t.Errorf("got %q", got)
	}
}
