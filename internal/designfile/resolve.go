package designfile

import (
	"fmt"
	"slices"
	"strings"

	"github.com/wsdesign/wsdesign/model"
)

// Resolver turns the handler names a user writes into Lambda links.
type Resolver struct {
	// Existing maps the functions already in the target template to their
	// resource types; nil for a new file.
	Existing map[string]string
	// Runtime is the runtime of new functions; empty means the default.
	Runtime string
}

// Link resolves a handler: param:<Name> is a function outside the template
// given by ARN through the parameter Name; the logical ID of a function in
// the template links that function; any other name is a new function with
// that logical ID. An empty handler is an unset link.
func (r Resolver) Link(handler string) model.LambdaLink {
	handler = strings.TrimSpace(handler)
	switch {
	case handler == "":
		return model.LambdaLink{}
	case strings.HasPrefix(handler, model.ParamPrefix):
		return model.ARNParameter(strings.TrimPrefix(handler, model.ParamPrefix))
	case r.Existing[handler] != "":
		l := model.Existing(handler)
		l.FunctionType = r.Existing[handler]
		return l
	}
	l := model.NewFunction(handler)
	if r.Runtime != "" {
		l.Runtime = r.Runtime
	}
	return l
}

// DefaultHandler is the new function that handles a route when the user
// names none: ConnectFunction for $connect, SendMessageFunction for
// sendMessage. It reports false for a route without letters or digits.
func DefaultHandler(route string) (string, bool) {
	part, ok := model.RoutePart(route)
	if !ok {
		return "", false
	}
	return part + "Function", true
}

// FillHandlers links every endpoint that has no handler to its default new
// function, so that a script can name routes only.
func (r Resolver) FillHandlers(d *model.Design) {
	for i, e := range d.Endpoints {
		if e.Handler.Kind != model.LinkUnset || e.Foreign != "" {
			continue // linked, or served by no Lambda function (a MOCK route)
		}
		if name, ok := DefaultHandler(e.Route); ok {
			d.Endpoints[i].Handler = r.Link(name)
		}
	}
}

// ParseEndpoint reads the --endpoint flag: ROUTE[=HANDLER][,MODE], such as
// '$connect=OnConnect' or 'sendMessage=SendMessage,2-way'. A route holding
// '=' or ',' can be given in a design file only.
func (r Resolver) ParseEndpoint(s string) (model.Endpoint, error) {
	var e model.Endpoint
	spec := s
	if i := strings.LastIndexByte(spec, ','); i >= 0 {
		m, ok := model.ParseMode(spec[i+1:])
		if !ok {
			return e, fmt.Errorf("%q: %q is not a mode: write ROUTE[=HANDLER][,1-way|2-way]", s, spec[i+1:])
		}
		e.Mode, spec = m, spec[:i]
	}
	route, handler, _ := strings.Cut(spec, "=")
	if route == "" {
		return e, fmt.Errorf("%q: no route: write ROUTE[=HANDLER][,2-way], such as sendMessage=SendFunction,2-way", s)
	}
	e.Route = route
	e.Handler = r.Link(handler)
	return e, nil
}

// ValidateRuntime checks the runtime of new functions: one of model.Runtimes,
// whose handler file names wsdesign knows.
func ValidateRuntime(rt string) error {
	if !slices.Contains(model.Runtimes, rt) {
		return fmt.Errorf("%q is not offered; use one of %s", rt, strings.Join(model.Runtimes, ", "))
	}
	return nil
}
