package check

import "testing"

func TestLoadDefinitions(t *testing.T) {
	defs, err := loadDefinitions()
	if err != nil {
		t.Fatal(err)
	}
	for _, typ := range []string{"AWS::ApiGatewayV2::Api", "AWS::ApiGatewayV2::Route", "AWS::ApiGatewayV2::Stage.RouteSettings", "AWS::ApiGatewayV2::VpcLink", "AWS::Lambda::Permission"} {
		if defs[typ] == nil {
			t.Errorf("no definition of %s", typ)
		}
	}
	if _, ok := defs["AWS::Lambda::Function"]; ok {
		t.Errorf("read definitions beyond the WebSocket resources")
	}
	t.Log(len(defs))
}

func BenchmarkLoadDefinitions(b *testing.B) {
	for b.Loop() {
		if _, err := loadDefinitions(); err != nil {
			b.Fatal(err)
		}
	}
}
