package designfile

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/wsdesign/wsdesign/model"
	"github.com/wsdesign/wsdesign/render"
	"go.yaml.in/yaml/v3"
)

// MaxSize is the largest design file read: 300 endpoints take some 30 KB.
const MaxSize = 1 << 20

// File is a design read from a file, with the position of every field so
// that a problem found later can point at the line that caused it.
type File struct {
	Path   string
	Design model.Design
	// Format is the template format the file asks for ("" when it does
	// not): as --format takes it.
	Format render.Flavor
	// HasFormat is set when the file names a format.
	HasFormat bool
	pos       map[string]*yaml.Node
}

// Pos is where a field (a model field path such as "endpoints[1].mode") was
// written; a field the file lacks is reported at its nearest parent.
func (f *File) Pos(field string) render.Pos {
	for field != "" {
		if n := f.pos[field]; n != nil {
			return render.Pos{File: f.Path, Line: n.Line, Col: n.Column}
		}
		i := strings.LastIndexAny(field, ".[")
		if i < 0 {
			break
		}
		field = field[:i]
	}
	return render.Pos{File: f.Path, Line: 1, Col: 1}
}

// Decode reads a design file:
//
//	name: Chat API            # required
//	logicalId: ChatApi        # optional
//	description: …            # optional
//	routeSelector: action     # default action
//	stage: prod               # default prod
//	runtime: nodejs24.x       # runtime of new functions
//	format: sam               # or cfn (plain CloudFormation), as --format
//	authorizer: {handler: AuthFn, identitySource: [route.request.querystring.token]}
//	endpoints:
//	  - {route: $connect, mode: 1-way, handler: ConnectFn}
//	  - {route: sendMessage, mode: 2-way, handler: {arnParameter: SendFnArn}}
//
// Handlers resolve through r (its Runtime is overridden by the file's).
// Unknown fields, wrong types and bad modes are errors of type *render.Error
// with the line and column; the rules of the design itself are left to
// model.Design.Validate.
func Decode(path string, src []byte, r Resolver) (*File, error) {
	f := &File{Path: path, pos: map[string]*yaml.Node{}}
	fail := func(n *yaml.Node, format string, args ...any) error {
		return &render.Error{Pos: render.Pos{File: path, Line: max(n.Line, 1), Col: max(n.Column, 1)}, Msg: fmt.Sprintf(format, args...)}
	}
	if len(src) > MaxSize {
		return nil, fail(&yaml.Node{}, "the file is larger than %d bytes; a design file is a short YAML or JSON mapping", MaxSize)
	}
	var doc yaml.Node
	err := yaml.NewDecoder(bytes.NewReader(src)).Decode(&doc)
	if errors.Is(err, io.EOF) {
		return nil, fail(&doc, "the file is empty; a design file is a mapping with name and endpoints")
	}
	if err != nil {
		// yaml.v3 says which line in its message and nowhere else.
		return nil, fmt.Errorf("%s: not YAML or JSON: %s", path, strings.TrimPrefix(err.Error(), "yaml: "))
	}
	if len(doc.Content) == 0 || doc.Content[0].Kind != yaml.MappingNode {
		return nil, fail(&doc, "a design file is a mapping with name and endpoints")
	}
	d := decoder{f: f, fail: fail}
	root := doc.Content[0]
	fields, err := d.fields(root, "", "name", "logicalId", "description", "routeSelector", "stage", "runtime", "format", "authorizer", "endpoints")
	if err != nil {
		return nil, err
	}
	des := &f.Design
	for _, s := range []struct {
		key string
		dst *string
	}{
		{model.FieldName, &des.Name}, {model.FieldLogicalID, &des.LogicalID}, {model.FieldDescription, &des.Description},
		{model.FieldRouteSelector, &des.RouteSelector}, {model.FieldStage, &des.Stage}, {"runtime", &r.Runtime},
	} {
		if n := fields[s.key]; n != nil {
			if *s.dst, err = d.text(n, s.key); err != nil {
				return nil, err
			}
		}
	}
	if n := fields["runtime"]; n != nil {
		if err := ValidateRuntime(r.Runtime); err != nil {
			return nil, fail(n, "runtime: %v", err)
		}
	}
	if n := fields["format"]; n != nil {
		text, err := d.text(n, "format")
		if err != nil {
			return nil, err
		}
		if f.Format, err = render.ParseFlavor(text); err != nil {
			return nil, fail(n, "format: %v", err)
		}
		f.HasFormat = true
	}
	if n := fields["authorizer"]; n != nil {
		if des.Authorizer, err = d.authorizer(n, r); err != nil {
			return nil, err
		}
	}
	if n := fields["endpoints"]; n != nil {
		if n.Kind != yaml.SequenceNode {
			return nil, fail(n, "endpoints: a list of {route, mode, handler}")
		}
		for i, en := range n.Content {
			e, err := d.endpoint(en, i, r)
			if err != nil {
				return nil, err
			}
			des.Endpoints = append(des.Endpoints, e)
		}
	}
	return f, nil
}

type decoder struct {
	f    *File
	fail func(n *yaml.Node, format string, args ...any) error
}

// fields checks that a mapping holds only known keys, each once, records
// their positions under prefix, and returns their values.
func (d decoder) fields(m *yaml.Node, prefix string, known ...string) (map[string]*yaml.Node, error) {
	where := strings.TrimSuffix(prefix, ".")
	if m.Kind != yaml.MappingNode {
		return nil, d.fail(m, "%s: a mapping with %s", where, strings.Join(known, ", "))
	}
	out := map[string]*yaml.Node{}
	for k, v := range render.Pairs(m) {
		if !slices.Contains(known, k.Value) {
			if where == "" {
				return nil, d.fail(k, "unknown field %q (known: %s)", k.Value, strings.Join(known, ", "))
			}
			return nil, d.fail(k, "%s: unknown field %q (known: %s)", where, k.Value, strings.Join(known, ", "))
		}
		if out[k.Value] != nil {
			return nil, d.fail(k, "%s%s is written twice", prefix, k.Value)
		}
		out[k.Value] = v
		d.f.pos[prefix+k.Value] = v
	}
	return out, nil
}

// text reads a scalar. Numbers and booleans are taken as written, so that
// route: 1 is the route "1", as the selector compares it.
func (d decoder) text(n *yaml.Node, field string) (string, error) {
	if n.Kind != yaml.ScalarNode || n.ShortTag() == "!!null" {
		return "", d.fail(n, "%s: a string", field)
	}
	return n.Value, nil
}

func (d decoder) authorizer(n *yaml.Node, r Resolver) (*model.Authorizer, error) {
	fields, err := d.fields(n, "authorizer.", "handler", "identitySource")
	if err != nil {
		return nil, err
	}
	a := &model.Authorizer{}
	if h := fields["handler"]; h != nil {
		if a.Handler, err = d.link(h, model.FieldAuthorizer, r); err != nil {
			return nil, err
		}
	}
	if src := fields["identitySource"]; src != nil {
		items := []*yaml.Node{src}
		if src.Kind == yaml.SequenceNode {
			items = src.Content
		}
		for i, it := range items {
			s, err := d.text(it, model.FieldIdentitySource)
			if err != nil {
				return nil, err
			}
			d.f.pos[model.FieldIdentitySource+"["+strconv.Itoa(i)+"]"] = it
			a.IdentitySource = append(a.IdentitySource, s)
		}
	}
	return a, nil
}

func (d decoder) endpoint(n *yaml.Node, i int, r Resolver) (model.Endpoint, error) {
	var e model.Endpoint
	prefix := model.EndpointField(i, "")
	d.f.pos[strings.TrimSuffix(prefix, ".")] = n
	fields, err := d.fields(n, prefix, "route", "mode", "handler")
	if err != nil {
		return e, err
	}
	if v := fields["route"]; v != nil {
		if e.Route, err = d.text(v, prefix+"route"); err != nil {
			return e, err
		}
	}
	if v := fields["mode"]; v != nil {
		s, err := d.text(v, prefix+"mode")
		if err != nil {
			return e, err
		}
		m, ok := model.ParseMode(s)
		if !ok {
			return e, d.fail(v, "%smode: %q is not a mode: use 1-way or 2-way", prefix, s)
		}
		e.Mode = m
	}
	if v := fields["handler"]; v != nil {
		if e.Handler, err = d.link(v, prefix+"handler", r); err != nil {
			return e, err
		}
	}
	return e, nil
}

// link reads a handler: a function name (or param:Name), or
// {arnParameter: Name} for a function given by ARN.
func (d decoder) link(n *yaml.Node, field string, r Resolver) (model.LambdaLink, error) {
	if n.Kind == yaml.MappingNode {
		fields, err := d.fields(n, field+".", "arnParameter")
		if err != nil {
			return model.LambdaLink{}, err
		}
		p := fields["arnParameter"]
		if p == nil {
			return model.LambdaLink{}, d.fail(n, "%s: {arnParameter: Name} names the parameter that holds the function's ARN", field)
		}
		name, err := d.text(p, field+".arnParameter")
		if err != nil {
			return model.LambdaLink{}, err
		}
		return model.ARNParameter(name), nil
	}
	if n.Kind != yaml.ScalarNode || n.ShortTag() == "!!null" {
		return model.LambdaLink{}, d.fail(n, "%s: a function's logical ID, or {arnParameter: Name}", field)
	}
	return r.Link(n.Value), nil
}
