package event

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"sync"
	"time"
)

// Kind names what happened.
type Kind string

const (
	Listening  Kind = "listening"
	Connect    Kind = "connect"
	Refused    Kind = "refused"
	Message    Kind = "message"
	Route      Kind = "route"
	Invoke     Kind = "invoke"
	Reply      Kind = "reply"
	Push       Kind = "push"
	Disconnect Kind = "disconnect"
	Output     Kind = "output"
	// Table is a call to a local DynamoDB table: Text names the operation and the table.
	Table   Kind = "table"
	Warning Kind = "warning"
	// Reload says that dev read the template again after a change: Text
	// names the changed files and what is served now, or why the template
	// could not be read (the previous API keeps serving).
	Reload Kind = "reload"
)

// Event is one line of the log. Fields that do not apply to a Kind are left empty.
type Event struct {
	Time         time.Time `json:"time"`
	Kind         Kind      `json:"kind"`
	ConnectionID string    `json:"connectionId,omitempty"`
	RequestID    string    `json:"requestId,omitempty"`
	RouteKey     string    `json:"routeKey,omitempty"`
	// Why says how the route was chosen: the selector's value, the $default
	// reason, or Forbidden; for an invocation no route made, what made it.
	Why      string        `json:"why,omitempty"`
	Function string        `json:"function,omitempty"`
	Duration time.Duration `json:"durationNs,omitempty"`
	Status   int           `json:"status,omitempty"`
	Body     string        `json:"body,omitempty"`
	Text     string        `json:"text,omitempty"`
	// Request is the event an invocation gave its handler and Response what
	// the handler returned (when it was JSON), so that one invocation can be
	// replayed (sam local invoke -e, a unit test).
	Request  json.RawMessage `json:"request,omitempty"`
	Response json.RawMessage `json:"response,omitempty"`
}

// Sink receives events; it must be safe for concurrent use.
type Sink interface {
	Emit(Event)
}

// JSONWriter writes one JSON object per line.
type JSONWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func NewJSONWriter(w io.Writer) *JSONWriter { return &JSONWriter{w: w} }

func (j *JSONWriter) Emit(e Event) {
	b, err := json.Marshal(e)
	if err != nil {
		return
	}
	j.mu.Lock()
	defer j.mu.Unlock()
	j.w.Write(append(b, '\n'))
}

// TextWriter writes one human-readable line per event.
type TextWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func NewTextWriter(w io.Writer) *TextWriter { return &TextWriter{w: w} }

func (t *TextWriter) Emit(e Event) {
	line := Format(e)
	t.mu.Lock()
	defer t.mu.Unlock()
	io.WriteString(t.w, line+"\n")
}

// Format renders an event on one line.
func Format(e Event) string {
	var b strings.Builder
	b.WriteString(e.Time.Format("15:04:05.000"))
	fmt.Fprintf(&b, " %-10s", e.Kind)
	if e.ConnectionID != "" {
		fmt.Fprintf(&b, " %s", e.ConnectionID)
	}
	if e.RouteKey != "" {
		fmt.Fprintf(&b, " %s", e.RouteKey)
	}
	if e.Function != "" {
		fmt.Fprintf(&b, " [%s]", e.Function)
	}
	if e.Status != 0 {
		fmt.Fprintf(&b, " status=%d", e.Status)
	}
	if e.Duration != 0 {
		fmt.Fprintf(&b, " %s", e.Duration.Round(time.Microsecond))
	}
	if e.Why != "" {
		fmt.Fprintf(&b, " (%s)", e.Why)
	}
	if e.Body != "" {
		fmt.Fprintf(&b, " %s", oneLine(e.Body))
	}
	if e.Text != "" {
		fmt.Fprintf(&b, " %s", oneLine(e.Text))
	}
	return b.String()
}

func oneLine(s string) string {
	return strings.NewReplacer("\r", `\r`, "\n", `\n`).Replace(s)
}

// Tee hands each event to every sink in turn.
type Tee []Sink

func (t Tee) Emit(e Event) {
	for _, s := range t {
		s.Emit(e)
	}
}
