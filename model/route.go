package model

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
)

// Why says how route selection reached its answer.
type Why int

const (
	// Matched: the selector produced a value equal to an endpoint's route.
	Matched Why = iota
	// NotObject: the message is not a JSON object, so $default is chosen.
	NotObject
	// PropertyMissing: the object lacks the selector property.
	PropertyMissing
	// NoMatch: the value matched no endpoint, so $default is chosen.
	NoMatch
)

func (w Why) String() string {
	switch w {
	case NotObject:
		return "the message is not a JSON object"
	case PropertyMissing:
		return "the message has no such property"
	case NoMatch:
		return "no endpoint has this route"
	}
	return "matched"
}

// Selection is the endpoint a message reaches.
type Selection struct {
	// Route is the chosen endpoint's route, or "" when the message is rejected.
	Route string
	// Value is the selector's value as API Gateway compares it (stringified);
	// HasValue is false when the selector produced nothing.
	Value    string
	HasValue bool
	Why      Why
	// Rejected is true when no endpoint takes the message: the client receives
	// {"message": "Forbidden"}.
	Rejected bool
}

// Explain is a sentence for the user.
func (s Selection) Explain(selector string) string {
	var b strings.Builder
	switch s.Why {
	case Matched:
		fmt.Fprintf(&b, "%s is %q, which matches the endpoint %s", selector, s.Value, s.Route)
		return b.String()
	case NotObject:
		b.WriteString("the message is not a JSON object, so the selector finds no value")
	case PropertyMissing:
		fmt.Fprintf(&b, "the message has no property %s", selector)
	case NoMatch:
		fmt.Fprintf(&b, "%s is %q, which no endpoint has as its route", selector, s.Value)
	}
	if s.Rejected {
		b.WriteString("; there is no $default endpoint, so API Gateway rejects it and the client receives {\"message\": \"Forbidden\"}")
	} else {
		b.WriteString("; it goes to $default")
	}
	return b.String()
}

// Select simulates API Gateway's route selection: selector is the property
// path (as in Design.RouteSelector), routes the endpoints' route keys.
func Select(selector string, routes []string, message []byte) Selection {
	has := map[string]bool{}
	for _, r := range routes {
		has[r] = true
	}
	fallback := func(s Selection) Selection {
		if has[RouteDefault] {
			s.Route = RouteDefault
		} else {
			s.Rejected = true
		}
		return s
	}

	dec := json.NewDecoder(bytes.NewReader(message))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil || dec.More() {
		return fallback(Selection{Why: NotObject})
	}
	obj, ok := v.(map[string]any)
	if !ok {
		return fallback(Selection{Why: NotObject})
	}
	var cur any = obj
	for _, seg := range strings.Split(selector, ".") {
		m, ok := cur.(map[string]any)
		if !ok {
			return fallback(Selection{Why: PropertyMissing})
		}
		if cur, ok = m[seg]; !ok {
			return fallback(Selection{Why: PropertyMissing})
		}
	}
	value := stringify(cur)
	s := Selection{Value: value, HasValue: true}
	// Reserved routes are never chosen by a message's value.
	if has[value] && !IsReservedRoute(value) {
		s.Route, s.Why = value, Matched
		return s
	}
	s.Why = NoMatch
	return fallback(s)
}

// stringify renders a JSON value the way the selector compares it: strings
// as they are, numbers as written, other values as compact JSON.
func stringify(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case json.Number:
		return x.String()
	case nil:
		return "null"
	}
	b, _ := json.Marshal(v)
	return string(b)
}

// Select is Select over the design's selector and endpoints.
func (d Design) Select(message []byte) Selection {
	routes := make([]string, len(d.Endpoints))
	for i, e := range d.Endpoints {
		routes[i] = e.Route
	}
	return Select(d.RouteSelector, routes, message)
}
