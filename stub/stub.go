package stub

import (
	"bytes"
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"strings"
	"text/template"

	"github.com/wsdesign/wsdesign/model"
)

// File is one file of a handler stub.
type File struct {
	// Path is relative to the template's folder and slash-separated:
	// the function's CodeUri and the file's name.
	Path    string
	Content []byte
	Mode    fs.FileMode
}

// SDKPackage is the npm package of the API Gateway Management API client
// that Node.js handlers post back to clients with, and SDKVersion the range
// their package.json asks for.
const (
	SDKPackage = "@aws-sdk/client-apigatewaymanagementapi"
	SDKVersion = "^3.1169.0"
)

// AuthTokenEnv is the environment variable the authorizer stub compares
// tokens with until the user writes a real check.
const AuthTokenEnv = "AUTH_TOKEN"

//go:embed templates
var templateFS embed.FS

var templates = parseTemplates()

func parseTemplates() *template.Template {
	t := template.New("stub")
	t.Funcs(template.FuncMap{
		"quote": quote,
		// include renders a named template to a string, so that its output
		// can be indented where a route body sits inside a switch.
		"include": func(name string, data any) (string, error) {
			var b strings.Builder
			err := t.ExecuteTemplate(&b, name, data)
			return b.String(), err
		},
		"indent": indent,
	})
	return template.Must(t.ParseFS(templateFS, "templates/*.tmpl"))
}

// For returns the handler stubs of every function the design creates
// (model.LinkNew, for endpoints and the authorizer), in the order of
// Design.Functions. A function whose runtime has no stub, or whose CodeUri
// leaves the template's folder or repeats an earlier one, gets none.
func For(d model.Design) []File {
	var out []File
	folders := map[string]bool{}
	for _, f := range d.Functions() {
		if f.Kind != model.LinkNew {
			continue
		}
		dir, ok := codeFolder(f)
		if !ok || folders[dir] {
			continue
		}
		folders[dir] = true
		out = append(out, filesFor(handlerOf(d, f), dir)...)
	}
	return out
}

// codeFolder is the function's CodeUri as a clean slash path, and false for
// one that is absolute or climbs out of the template's folder.
func codeFolder(f model.LambdaLink) (string, bool) {
	uri := f.CodeURI
	if uri == "" {
		uri = model.DefaultCodeURI(f.FunctionID)
	}
	dir := path.Clean(strings.ReplaceAll(uri, `\`, "/"))
	if path.IsAbs(dir) || dir == "." || dir == ".." || strings.HasPrefix(dir, "../") {
		return "", false
	}
	return dir, true
}

func filesFor(h handler, dir string) []File {
	var names []string
	switch {
	case strings.HasPrefix(h.Runtime, "nodejs"):
		names = []string{"index.mjs", "package.json"}
	case strings.HasPrefix(h.Runtime, "python"):
		names = []string{"app.py"}
	default:
		return nil
	}
	out := make([]File, 0, len(names))
	for _, name := range names {
		var b bytes.Buffer
		if err := templates.ExecuteTemplate(&b, name+".tmpl", h); err != nil {
			// The templates are part of the binary and tested with every
			// shape of handler: failing here is a bug, not bad input.
			panic(fmt.Sprintf("stub: %s: %v", name, err))
		}
		out = append(out, File{Path: dir + "/" + name, Content: b.Bytes(), Mode: 0o644})
	}
	return out
}

// kind is what a group of routes does, which decides the body of its branch.
type kind int

const (
	connectKind kind = iota
	disconnectKind
	oneWayKind
	twoWayKind
)

// branch is the routes of one kind that a function serves.
type branch struct {
	Kind   kind
	Routes []string
}

// Template is the name of the template that writes the branch's body.
func (b branch) Template() string {
	return [...]string{"connect", "disconnect", "oneway", "twoway"}[b.Kind]
}

// handler is what a stub template needs to know of one function.
type handler struct {
	FunctionID  string
	Runtime     string
	PackageName string
	Branches    []branch // in kind order; empty for an authorizer only
	Authorizer  *identity
	EventFields []string
}

// Switch reports whether the handler picks its branch by route key.
func (h handler) Switch() bool { return len(h.Branches) > 1 }

// Posts reports whether the handler posts back to clients.
func (h handler) Posts() bool {
	for _, b := range h.Branches {
		if b.Kind == oneWayKind || b.Kind == twoWayKind {
			return true
		}
	}
	return false
}

// UsesRouteKey reports whether the handler reads the route key.
func (h handler) UsesRouteKey() bool { return h.Switch() || h.Posts() }

// Routes names every route the handler serves, quoted, for its header
// comment: `route "ping"` or `routes "$connect", "send"`.
func (h handler) Routes() string {
	var qs []string
	for _, b := range h.Branches {
		for _, r := range b.Routes {
			qs = append(qs, quote(r))
		}
	}
	if len(qs) == 1 {
		return "route " + qs[0]
	}
	return "routes " + strings.Join(qs, ", ")
}

// SDKPackage and SDKVersion are exposed to the templates.
func (handler) SDKPackage() string   { return SDKPackage }
func (handler) SDKVersion() string   { return SDKVersion }
func (handler) AuthTokenEnv() string { return AuthTokenEnv }

// handlerOf gathers the routes and the authorizer role of one new function.
func handlerOf(d model.Design, f model.LambdaLink) handler {
	h := handler{
		FunctionID:  f.FunctionID,
		Runtime:     f.Runtime,
		PackageName: packageName(f),
	}
	if h.Runtime == "" {
		h.Runtime = model.DefaultRuntime
	}
	byKind := map[kind][]string{}
	for _, e := range d.Endpoints {
		if e.Foreign != "" || e.Handler.Key() != f.Key() || !e.Handler.IsSet() {
			continue
		}
		k := oneWayKind
		switch {
		case e.Route == model.RouteConnect:
			k = connectKind
		case e.Route == model.RouteDisconnect:
			k = disconnectKind
		case e.Mode == model.TwoWay:
			k = twoWayKind
		}
		byKind[k] = append(byKind[k], e.Route)
	}
	for k := connectKind; k <= twoWayKind; k++ {
		if rs := byKind[k]; len(rs) > 0 {
			h.Branches = append(h.Branches, branch{Kind: k, Routes: rs})
		}
	}
	if a := d.Authorizer; a != nil && a.Handler.Kind == model.LinkNew && a.Handler.Key() == f.Key() {
		src := model.DefaultIdentitySource
		if len(a.IdentitySource) > 0 {
			src = a.IdentitySource[0]
		}
		id := readIdentity(src)
		id.Others = a.IdentitySource[min(1, len(a.IdentitySource)):]
		h.Authorizer = &id
	}
	h.EventFields = eventFields(h)
	return h
}

// eventFields lists the event fields a handler reads, for the comment at its
// top: people write handlers from the event's shape.
func eventFields(h handler) []string {
	var fs []string
	if h.Authorizer != nil {
		fs = append(fs,
			"methodArn: the $connect route the returned policy allows or denies",
			h.Authorizer.Field+": the identity source "+h.Authorizer.Source)
	}
	if len(h.Branches) == 0 {
		return fs
	}
	if h.UsesRouteKey() {
		fs = append(fs, "requestContext.routeKey: the route API Gateway selected")
	}
	fs = append(fs, "requestContext.connectionId: the client's connection")
	if h.Posts() {
		fs = append(fs,
			"body: the message the client sent",
			"requestContext.domainName, requestContext.stage: CALLBACK_URL is https://{domainName}/{stage}")
	}
	return fs
}

// identity says where the authorizer finds its token in the event.
type identity struct {
	// Source is the identity source as configured on the authorizer.
	Source string
	// Field is the path of the value in the event, for comments.
	Field string
	// JS and Python are expressions that read the value or yield
	// undefined/None when it is missing.
	JS, Python string
	// Others are the further identity sources: API Gateway refuses a
	// connection without them before calling the authorizer.
	Others []string
}

// TokenExpressions are the JavaScript and Python expressions that read the
// value of an identity source from an authorizer's event, or yield
// undefined/None when it is missing.
func TokenExpressions(src string) (js, python string) {
	id := readIdentity(src)
	return id.JS, id.Python
}

var jsIdent = regexp.MustCompile(`^[A-Za-z_$][A-Za-z0-9_$]*$`)

// readIdentity maps an identity source (model.ValidateIdentitySource) to the
// event field API Gateway puts its value in.
func readIdentity(src string) identity {
	id := identity{Source: src}
	parts := strings.Split(src, ".")
	switch {
	case strings.HasPrefix(src, "route.request.header.") && len(parts) == 4:
		name := parts[3]
		low := quote(strings.ToLower(name))
		// Header names arrive in whatever case the client sent them.
		id.Field = "headers." + name
		id.JS = `Object.entries(event.headers ?? {}).find(([name]) => name.toLowerCase() === ` + low + `)?.[1]`
		id.Python = `next((v for k, v in (event.get("headers") or {}).items() if k.lower() == ` + low + `), None)`
	case strings.HasPrefix(src, "route.request.querystring.") && len(parts) == 4:
		id.Field = "queryStringParameters." + parts[3]
		id.JS = "event.queryStringParameters" + jsMember(parts[3])
		id.Python = `(event.get("queryStringParameters") or {}).get(` + quote(parts[3]) + `)`
	case strings.HasPrefix(src, "stageVariables.") && len(parts) == 2:
		id.Field = src
		id.JS = "event.stageVariables" + jsMember(parts[1])
		id.Python = `(event.get("stageVariables") or {}).get(` + quote(parts[1]) + `)`
	case strings.HasPrefix(src, "context.") && len(parts) >= 2:
		id.Field = "requestContext." + strings.Join(parts[1:], ".")
		id.JS = "event.requestContext"
		id.Python = `event.get("requestContext", {})`
		for i, p := range parts[1:] {
			id.JS += jsMember(p)
			if i == len(parts)-2 {
				id.Python += ".get(" + quote(p) + ")"
			} else {
				id.Python += ".get(" + quote(p) + ", {})"
			}
		}
	default:
		// Validation refuses any other source; read the default one.
		return readIdentity(model.DefaultIdentitySource)
	}
	return id
}

// jsMember is optional member access: ?.name, or ?.["name"] when name is not
// an identifier.
func jsMember(name string) string {
	if jsIdent.MatchString(name) {
		return "?." + name
	}
	return "?.[" + quote(name) + "]"
}

// packageName is the npm package name of a Node.js function: its code
// folder's last element, which DefaultCodeURI makes lowercase kebab case.
func packageName(f model.LambdaLink) string {
	dir, _ := codeFolder(f)
	name := strings.ToLower(path.Base(dir))
	var b strings.Builder
	for _, r := range name {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-' || r == '_' || r == '.' {
			b.WriteRune(r)
		}
	}
	if s := strings.TrimLeft(b.String(), "._"); s != "" {
		return s
	}
	return "handler"
}

// quote writes s as a string literal that JavaScript, Python and JSON all
// read back as s.
func quote(s string) string {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s) // a string always encodes
	return strings.TrimSuffix(b.String(), "\n")
}

// indent prefixes every non-empty line of s with n spaces.
func indent(n int, s string) string {
	pad := strings.Repeat(" ", n)
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	for i, l := range lines {
		if l != "" {
			lines[i] = pad + l
		}
	}
	return strings.Join(lines, "\n")
}
