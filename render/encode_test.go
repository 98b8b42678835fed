package render_test

import (
	"testing"

	"github.com/wsdesign/wsdesign/render"
	"go.yaml.in/yaml/v3"
)

func TestOutputFormat(t *testing.T) {
	tests := []struct {
		path   string
		asJSON bool
		want   render.Format
	}{
		{"template.yaml", false, render.YAML},
		{"template.yml", false, render.YAML},
		{"template.json", false, render.JSON},
		{"TEMPLATE.JSON", false, render.JSON},
		{"template.yaml", true, render.JSON},
		{"", false, render.YAML},
	}
	for _, tt := range tests {
		if got := render.OutputFormat(tt.path, tt.asJSON); got != tt.want {
			t.Errorf("OutputFormat(%q, %v) = %s, want %s", tt.path, tt.asJSON, got, tt.want)
		}
	}
}

// TestEncodeJSON reads YAML a user could have written and checks the JSON:
// long-form intrinsics, JSON's spelling of YAML's scalars, key order kept.
func TestEncodeJSON(t *testing.T) {
	src := `Z: !GetAtt Fn.Arn.Nested
A: !Sub ["${X}", {X: !Ref Y}]
Hex: 0x1F
Yes: True
Str: "true"
Null: ~
Empty: {}
List: []
Html: <a&b>
Esc: "q\"b\\s\n\u00e9"
`
	var doc yaml.Node
	if err := yaml.Unmarshal([]byte(src), &doc); err != nil {
		t.Fatal(err)
	}
	out, err := render.Encode(&doc, render.JSON, 1)
	if err != nil {
		t.Fatal(err)
	}
	want := `{
 "Z": {
  "Fn::GetAtt": [
   "Fn",
   "Arn.Nested"
  ]
 },
 "A": {
  "Fn::Sub": [
   "${X}",
   {
    "X": {
     "Ref": "Y"
    }
   }
  ]
 },
 "Hex": 31,
 "Yes": true,
 "Str": "true",
 "Null": null,
 "Empty": {},
 "List": [],
 "Html": "<a&b>",
 "Esc": "q\"b\\s\né"
}
`
	if string(out) != want {
		t.Errorf("got:\n%s\nwant:\n%s", out, want)
	}
}

func TestEncodeYAMLIndent(t *testing.T) {
	var doc yaml.Node
	if err := yaml.Unmarshal([]byte("A:\n  B:\n  - !Ref C\n"), &doc); err != nil {
		t.Fatal(err)
	}
	for indent, want := range map[int]string{
		0: "A:\n  B:\n    - !Ref C\n",
		4: "A:\n    B:\n        - !Ref C\n",
	} {
		out, err := render.Encode(&doc, render.YAML, indent)
		if err != nil {
			t.Fatal(err)
		}
		if string(out) != want {
			t.Errorf("indent %d:\n%s\nwant:\n%s", indent, out, want)
		}
	}
}
