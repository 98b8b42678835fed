package render

import (
	"testing"

	"go.yaml.in/yaml/v3"
)

func TestArnAfter(t *testing.T) {
	tests := []struct {
		name, yaml string
		rest       string
		ok         bool
	}{
		{"sub", `!Sub arn:${AWS::Partition}:execute-api:${AWS::Region}:${AWS::AccountId}:${Api}/*`, "/*", true},
		{"sub route", `!Sub "arn:aws:execute-api:${AWS::Region}:${AWS::AccountId}:${Api}/prod/$connect"`, "/prod/$connect", true},
		{"sub getatt", `!Sub "arn:aws:execute-api:${AWS::Region}:${AWS::AccountId}:${Api.ApiId}/*"`, "/*", true},
		{"sub other ref after", `!Sub "arn:aws:execute-api:${AWS::Region}:${AWS::AccountId}:${Api}/authorizers/${Auth}"`, "/authorizers/*", true},
		{"sub escaped", `!Sub "arn:${Api}/${!literal}"`, "/${literal}", true},
		{"sub variable map", "Fn::Sub:\n  - arn:aws:execute-api:${R}:${A}:${X}/*/*\n  - X: !Ref Api\n    R: !Ref AWS::Region\n    A: x", "/*/*", true},
		{"join", `!Join ['', ['arn:aws:execute-api:', !Ref 'AWS::Region', ':', !Ref 'AWS::AccountId', ':', !Ref Api, '/*']]`, "/*", true},
		{"join long form", "Fn::Join:\n  - ''\n  - - 'arn:aws:execute-api:'\n    - Ref: Api\n    - /*/sendmessage", "/*/sendmessage", true},
		{"other API", `!Sub "arn:aws:execute-api:${AWS::Region}:${AWS::AccountId}:${Other}/*"`, "", false},
		{"literal", `arn:aws:execute-api:us-east-1:123:abc/*`, "", false},
		{"if", `!If [C, !Sub "${Api}/*", !Ref AWS::NoValue]`, "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var doc yaml.Node
			if err := yaml.Unmarshal([]byte(tt.yaml), &doc); err != nil {
				t.Fatal(err)
			}
			rest, ok := ArnAfter(doc.Content[0], "Api")
			if rest != tt.rest || ok != tt.ok {
				t.Errorf("ArnAfter = %q, %v; want %q, %v", rest, ok, tt.rest, tt.ok)
			}
		})
	}
}

func TestArnLike(t *testing.T) {
	tests := []struct {
		pattern, s string
		want       bool
	}{
		{"/*", "/prod/$connect", true},
		{"/*/*", "/prod/sendmessage", true},
		{"/*/$connect", "/prod/$connect", true},
		{"/*/$connect", "/prod/sendmessage", false},
		{"/prod/*", "/dev/$connect", false},
		{"/prod/send?", "/prod/sends", true},
		{"/prod/send?", "/prod/send", false},
		{"/authorizers/*", "/authorizers/abc", true},
		{"", "", true},
		{"*a*b", "xaybzb", true},
		{"*a*b", "xaybzc", false},
	}
	for _, tt := range tests {
		if got := ArnLike(tt.pattern, tt.s); got != tt.want {
			t.Errorf("ArnLike(%q, %q) = %v, want %v", tt.pattern, tt.s, got, tt.want)
		}
	}
}
