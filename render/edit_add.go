package render

import (
	"github.com/wsdesign/wsdesign/model"
	"go.yaml.in/yaml/v3"
)

// templateFunctions maps the template's functions to their types.
func templateFunctions(t *Template) map[string]string {
	out := map[string]string{}
	for _, f := range Functions(t) {
		out[f.ID] = f.Type
	}
	return out
}

// AddAPI records a new API in the template: its parameters, its resources at
// the end of Resources, its outputs, and the SAM transform when it needs one.
func (e *Edit) AddAPI(d model.Design, opt EditOptions) (Change, error) {
	frag, err := Build(d, Options{Flavor: opt.Flavor, Taken: e.t.Taken(), Existing: templateFunctions(e.t)})
	if err != nil {
		return Change{}, err
	}
	ch := Change{Fragment: frag, Granted: opt.Grant}
	taken := e.t.Taken()
	for _, p := range frag.Parameters {
		if !taken(p.ID) {
			if err := e.Add(SectionParameters, p.ID, p.Node, ""); err != nil {
				return Change{}, err
			}
		}
	}
	after := ""
	for _, r := range frag.Resources {
		if err := e.Add(SectionResources, r.ID, r.Node, after); err != nil {
			return Change{}, err
		}
		after = r.ID
	}
	for _, o := range frag.Outputs {
		if _, exists := e.current(SectionOutputs, o.ID); !exists {
			if err := e.Add(SectionOutputs, o.ID, o.Node, ""); err != nil {
				return Change{}, err
			}
		}
	}
	if frag.Transform {
		if err := e.ensureTransform(); err != nil {
			return Change{}, err
		}
	}
	for _, n := range frag.Needs {
		if !e.mayPost(n.FunctionID, frag.Plan.API.Value) {
			ch.Needs = append(ch.Needs, n)
		}
	}
	ch.Lacking = ch.Needs
	if opt.Grant {
		if ch.Needs, err = e.grant(frag.Needs, ""); err != nil {
			return Change{}, err
		}
	}
	return ch, nil
}

// samTransform is the transform SAM resources need.
const samTransform = "AWS::Serverless-2016-10-31"

// TemplateFlavor is the flavor new functions take in an existing template:
// SAM when it has the SAM transform, plain CloudFormation otherwise.
func TemplateFlavor(t *Template) Flavor {
	tr := Get(t.Root, "Transform")
	if tr == nil {
		return CFN
	}
	if tr.Value == samTransform {
		return SAM
	}
	for _, c := range tr.Content {
		if c.Value == samTransform {
			return SAM
		}
	}
	return CFN
}

// ensureTransform adds the SAM transform to a template that has none.
func (e *Edit) ensureTransform() error {
	tr := Get(e.t.Root, "Transform")
	switch {
	case tr == nil:
		return e.addTopLevel("Transform", &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: samTransform})
	case tr.Kind == yaml.ScalarNode && tr.Value == samTransform:
		return nil
	case tr.Kind == yaml.SequenceNode:
		for _, c := range tr.Content {
			if c.Value == samTransform {
				return nil
			}
		}
	}
	return e.failf(tr, "the new API needs the transform %s; add it to Transform", samTransform)
}
