package render

import "testing"

func TestAsWritten(t *testing.T) {
	for _, tc := range []struct{ path, src, want string }{
		{"t.yaml", "Name: !Sub ${AWS::StackName}-ws-api-gw\n", "!Sub ${AWS::StackName}-ws-api-gw"},
		{"t.yaml", "Name: !Ref ApiName\n", "!Ref ApiName"},
		{"t.yaml", "Name:\n        Fn::Sub: ${AWS::StackName}-ws\n", "{'Fn::Sub': '${AWS::StackName}-ws'}"},
		{"t.yaml", "Name: !Join ['-', [a, !Ref B]]\n", "!Join ['-', [a, !Ref B]]"},
		{"t.json", `{"Name": {"Fn::Sub": "${AWS::StackName}-ws"}}`, `{"Fn::Sub":"${AWS::StackName}-ws"}`},
		{"t.yaml", "Name: chat\n", ""},
	} {
		src := "Resources:\n  Api:\n    Type: AWS::ApiGatewayV2::Api\n    Properties:\n      " + tc.src
		if tc.path == "t.json" {
			src = `{"Resources": {"Api": {"Type": "AWS::ApiGatewayV2::Api", "Properties": ` + tc.src + `}}}`
		}
		tpl, err := Parse(tc.path, []byte(src))
		if err != nil {
			t.Fatal(err)
		}
		n := tpl.Resources()[0].Prop("Name")
		if got := AsWritten(n, tpl.Format); got != tc.want {
			t.Errorf("%s: %q, want %q", tc.src, got, tc.want)
		}
	}
}
