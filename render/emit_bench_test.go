package render_test

import (
	"fmt"
	"testing"

	"github.com/wsdesign/wsdesign/model"
	"github.com/wsdesign/wsdesign/render"
)

// design300 is an API at API Gateway's route limit: 300 endpoints, half of
// them 2-way, served by ten functions, with an authorizer.
func design300() model.Design {
	d := model.Design{Name: "Large", Authorizer: &model.Authorizer{Handler: model.NewFunction("AuthFunction")}}
	d.Endpoints = append(d.Endpoints, model.Endpoint{Route: model.RouteConnect, Handler: model.NewFunction("Handler0Function")})
	for i := 1; i < 300; i++ {
		e := model.Endpoint{Route: fmt.Sprintf("action-%d", i), Handler: model.NewFunction(fmt.Sprintf("Handler%dFunction", i%10))}
		if i%2 == 0 {
			e.Mode = model.TwoWay
		}
		d.Endpoints = append(d.Endpoints, e)
	}
	return d
}

// BenchmarkRender300Endpoints is the whole work of writing a new template:
// plan, build and serialise.
func BenchmarkRender300Endpoints(b *testing.B) {
	d := design300()
	for _, tt := range []struct {
		name   string
		flavor render.Flavor
		format render.Format
	}{{"sam-yaml", render.SAM, render.YAML}, {"cfn-json", render.CFN, render.JSON}} {
		b.Run(tt.name, func(b *testing.B) {
			for b.Loop() {
				f, err := render.Build(d, render.Options{Flavor: tt.flavor})
				if err != nil {
					b.Fatal(err)
				}
				if _, err := render.Encode(render.NewTemplate(f, render.Description(d)), tt.format, 2); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkPlanIDs300Endpoints(b *testing.B) {
	d := design300()
	d.Normalize()
	for b.Loop() {
		model.PlanIDs(d, model.PlanOptions{})
	}
}
