package model

import "testing"

func TestEndpointIndex(t *testing.T) {
	for _, tc := range []struct {
		field string
		i     int
		ok    bool
	}{
		{EndpointField(0, "route"), 0, true},
		{EndpointField(299, "handler"), 299, true},
		{FieldEndpoints, 0, false},
		{FieldName, 0, false},
		{"endpoints[x].route", 0, false},
		{"endpoints[3", 0, false},
	} {
		i, ok := EndpointIndex(tc.field)
		if i != tc.i || ok != tc.ok {
			t.Errorf("EndpointIndex(%q) = %d, %v; want %d, %v", tc.field, i, ok, tc.i, tc.ok)
		}
	}
}
