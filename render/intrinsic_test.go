package render

import (
	"reflect"
	"testing"

	"go.yaml.in/yaml/v3"
)

func TestSubParts(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want []subPart
	}{
		{"", nil},
		{"plain", []subPart{{text: "plain"}}},
		{"arn:${AWS::Region}:${Fn.Arn}/x", []subPart{{text: "arn:"}, {variable: "AWS::Region"}, {text: ":"}, {variable: "Fn.Arn"}, {text: "/x"}}},
		{"${!Literal}-${Name}", []subPart{{text: "${Literal}-"}, {variable: "Name"}}},
		{"a${}b", []subPart{{text: "a${}b"}}},
		{"open ${Name", []subPart{{text: "open ${Name"}}},
		{"${A}${B}", []subPart{{variable: "A"}, {variable: "B"}}},
	} {
		if got := subParts(tc.in); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("subParts(%q) = %+v, want %+v", tc.in, got, tc.want)
		}
	}
}

// TestRefsOfSub: a Sub's variables are references unless its map defines
// them, in either form; ${!X} is text.
func TestRefsOfSub(t *testing.T) {
	for src, want := range map[string][]string{
		`v: !Sub "${Api}/${Fn.Arn}/${!Skip}"`:                       {"Api", "Fn"},
		`v: !Sub ["${Api}/${Local}", {Local: !Ref Param}]`:          {"Api", "Param"},
		`v: {"Fn::Sub": ["${A.B}-${Local}", {Local: !GetAtt C.D}]}`: {"A", "C"},
	} {
		var doc yaml.Node
		if err := yaml.Unmarshal([]byte(src), &doc); err != nil {
			t.Fatal(err)
		}
		if got := Refs(Get(doc.Content[0], "v")); !reflect.DeepEqual(got, want) {
			t.Errorf("Refs(%s) = %v, want %v", src, got, want)
		}
	}
}
