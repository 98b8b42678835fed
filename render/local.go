package render

import (
	"cmp"
	"encoding/json"
	"maps"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/wsdesign/wsdesign/dev/app"
	"github.com/wsdesign/wsdesign/model"
	"go.yaml.in/yaml/v3"
)

// Values `wsdesign dev` gives pseudo parameters, as a stack in a default account would have them.
const (
	LocalRegion    = "us-east-1"
	LocalAccountID = "123456789012"
	localURLSuffix = "amazonaws.com"
)

// Local describes an API of the template for `wsdesign dev`: its routes and the functions they
// run, with environment variables resolved locally. endpoint is the local server's base URL
// (http://HOST:PORT): values built from the API's own URL point there instead. params are
// parameter values that replace the parameters' defaults (see ParameterOverrides).
func Local(t *Template, a API, endpoint string, params map[string]string) app.App {
	id := localAPIID(a.Resource.ID)
	out := app.App{API: app.API{ID: id, LogicalID: a.Resource.ID, SelectionExpr: a.RouteSelectionExpression}}
	res := localResolver{t: t, apiID: a.Resource.ID, id: id, endpoint: endpoint, params: params}
	for _, st := range a.Stages {
		name := st.Name
		if v, ok := res.resolve(st.NameNode); ok {
			name = v
		}
		out.API.Stages = append(out.API.Stages, name)
	}
	for _, az := range a.Authorizers {
		for _, r := range a.Routes {
			if r.Key == model.RouteConnect && r.HasAuthorizer && (r.AuthorizerID == az.ID) {
				out.API.ConnectAuthorizer = &app.Authorizer{Name: az.ID, Function: az.Handler.ID, IdentitySources: az.IdentitySource}
			}
		}
	}
	for _, r := range a.Routes {
		out.API.Routes = append(out.API.Routes, localRoute(r))
	}
	out.Tables = res.tables()
	globals := Get(Get(t.Root, "Globals"), "Function")
	for _, r := range t.Resources() {
		if r.Type == TypeServerlessFunc || r.Type == TypeLambdaFunction {
			out.Functions = append(out.Functions, res.function(&out, r, globals))
		}
	}
	out.NotEmulated = append(out.NotEmulated, res.eventSources()...)
	return out
}

// localRoute is how dev serves a route: the integration it runs, whether it
// answers its client, and its timeout.
func localRoute(r Route) app.Route {
	// API Gateway answers only through both halves: the expression on the
	// route and a route response.
	lr := app.Route{Key: r.Key, TwoWay: r.RouteResponseSelectionExpression != "" && len(r.RouteResponseIDs) > 0, IAM: r.AuthorizationType == AuthorizationIAM}
	switch {
	case lr.TwoWay:
	case r.RouteResponseSelectionExpression != "":
		lr.HalfTwoWay = "RouteResponseSelectionExpression but no RouteResponse"
	case len(r.RouteResponseIDs) > 0:
		lr.HalfTwoWay = "a RouteResponse but no RouteResponseSelectionExpression"
	}
	switch strings.ToUpper(r.IntegrationType) {
	case IntegrationAWSProxy:
		lr.Kind, lr.Function = app.Lambda, r.Handler.ID
	case "MOCK":
		lr.Kind, lr.MockStatus = app.Mock, mockStatus(r.Integration)
	case "HTTP", "HTTP_PROXY":
		lr.Kind = app.HTTP
	case "":
		lr.Kind = app.NoIntegration
	default:
		lr.Kind = app.AWS
	}
	if n, err := strconv.Atoi(Text(r.Integration.Prop("TimeoutInMillis"))); err == nil {
		lr.TimeoutMillis = n
	}
	return lr
}

// function is how dev runs the function r (SAM's Globals applied): its code,
// runtime and environment resolved locally. What it cannot resolve or serve
// is added to out.
func (res *localResolver) function(out *app.App, r Resource, globals *yaml.Node) app.Function {
	prop := func(name string) *yaml.Node {
		if n := r.Prop(name); n != nil || r.Type != TypeServerlessFunc {
			return n
		}
		return Get(globals, name)
	}
	f := app.Function{LogicalID: r.ID, Name: res.functionName(r), Runtime: Text(prop("Runtime")), Handler: Text(prop("Handler")), Env: map[string]string{}}
	if n, err := strconv.Atoi(Text(prop("Timeout"))); err == nil {
		f.TimeoutSec = n
	}
	if r.Type == TypeServerlessFunc {
		f.Build = buildOf(r, f.Runtime, f.Handler)
	}
	if inline, ok := Scalar(r.Prop("InlineCode")); ok && r.Type == TypeServerlessFunc {
		f.InlineCode = inline
	} else if r.Type == TypeServerlessFunc {
		code := prop("CodeUri")
		if s, ok := Scalar(code); ok {
			f.Dir = filepath.Join(filepath.Dir(res.t.Path), s)
		} else if code == nil {
			f.Dir = filepath.Dir(res.t.Path)
		} else {
			f.Problem = "its CodeUri is not a local folder"
		}
	} else if zip, ok := Scalar(Get(r.Prop("Code"), "ZipFile")); ok {
		f.InlineCode = zip
	} else {
		f.Problem = "its code is not inline (ZipFile)"
	}
	// SAM adds a function's Layers to those of Globals.
	if r.Type == TypeServerlessFunc {
		res.layers(&f, Get(globals, "Layers"))
	}
	res.layers(&f, r.Prop("Layers"))
	vars := map[string]*yaml.Node{}
	if r.Type == TypeServerlessFunc {
		addVars(vars, Get(Get(globals, "Environment"), "Variables"))
	}
	addVars(vars, Get(r.Prop("Environment"), "Variables"))
	uses, types := map[string][]string{}, map[string]string{}
	for k, n := range vars {
		res.reached, res.undefaulted = map[string]bool{}, map[string]bool{}
		v, ok := res.value(n)
		f.Env[k] = v
		if !ok {
			out.Unresolved = append(out.Unresolved, app.Unresolved{Function: r.ID, Variable: k, Given: v, Parameters: slices.Sorted(maps.Keys(res.undefaulted))})
		}
		for _, u := range res.reachedUnserved() {
			uses[u.ID], types[u.ID] = append(uses[u.ID], k), u.Type
		}
	}
	res.reached, res.undefaulted = nil, nil
	out.NotEmulated = append(out.NotEmulated, notEmulatedUses(r.ID, uses, types)...)
	return f
}

// layers adds the folders where f's runtime finds the modules of its local
// layers, as Lambda mounts a layer at /opt: nodejs/node_modules (and
// nodejs/nodeNN/node_modules) for Node.js, python (and
// python/lib/pythonX.Y/site-packages) for Python. A SAM layer built by `sam
// build` (Metadata BuildMethod) holds the folder's own dependencies instead:
// its node_modules, or the folder itself for Python.
func (res *localResolver) layers(f *app.Function, list *yaml.Node) {
	if list == nil || list.Kind != yaml.SequenceNode {
		return
	}
	for _, item := range list.Content {
		name := AsWritten(item, res.t.Format)
		var layer Resource
		ok := false
		if fn, arg, isCall := Intrinsic(item); isCall && fn == "Ref" {
			name = Text(arg)
			layer, ok = res.t.Resource(name)
		}
		dir, local := "", false
		if ok && layer.Type == TypeServerlessLayer {
			dir, local = Scalar(layer.Prop("ContentUri"))
		}
		if !local {
			f.RemoteLayers = append(f.RemoteLayers, name)
			continue
		}
		dir = filepath.Join(filepath.Dir(res.t.Path), dir)
		built := Text(Get(layer.Attr("Metadata"), "BuildMethod")) != ""
		switch {
		case strings.HasPrefix(f.Runtime, "nodejs") && built:
			f.LayerPaths = append(f.LayerPaths, filepath.Join(dir, "node_modules"))
		case strings.HasPrefix(f.Runtime, "nodejs"):
			major, _, _ := strings.Cut(strings.TrimPrefix(f.Runtime, "nodejs"), ".")
			f.LayerPaths = append(f.LayerPaths, filepath.Join(dir, "nodejs", "node"+major, "node_modules"), filepath.Join(dir, "nodejs", "node_modules"))
		case strings.HasPrefix(f.Runtime, "python") && built:
			f.LayerPaths = append(f.LayerPaths, dir)
		case strings.HasPrefix(f.Runtime, "python"):
			f.LayerPaths = append(f.LayerPaths, filepath.Join(dir, "python", "lib", f.Runtime, "site-packages"), filepath.Join(dir, "python"))
		}
	}
}

// buildOf reads how `sam build` builds a function (its Metadata
// BuildMethod): esbuild with its BuildProperties and sam's defaults (format
// cjs, target es2020, no source map; without EntryPoints, the handler's
// module), go1.x (the executable bootstrap, or the handler's name on the
// go1.x runtime), or makefile (the target build-<LogicalID>). nil for no
// build method or one that builds in place (nodejs*, python*: the folder's
// dependencies are installed as they are for dev).
func buildOf(r Resource, runtime, handler string) *app.Build {
	meta := r.Attr("Metadata")
	switch method := strings.ToLower(Text(Get(meta, "BuildMethod"))); method {
	case app.BuildGo:
		exe := "bootstrap"
		if runtime == "go1.x" {
			exe = handler
		}
		return &app.Build{Method: method, Executable: exe}
	case app.BuildMakefile:
		return &app.Build{Method: method, Function: r.ID}
	case app.BuildEsbuild:
	default:
		return nil
	}
	props := Get(meta, "BuildProperties")
	list := func(name string) []string {
		var out []string
		if n := Get(props, name); n != nil && n.Kind == yaml.SequenceNode {
			for _, item := range n.Content {
				out = append(out, Text(item))
			}
		}
		return out
	}
	b := &app.Build{Method: app.BuildEsbuild, EntryPoints: list("EntryPoints"), Format: cmp.Or(Text(Get(props, "Format")), "cjs"), Target: cmp.Or(Text(Get(props, "Target")), "es2020"),
		OutExtension: list("OutExtension"), External: list("External"), Sourcemap: Text(Get(props, "Sourcemap")) == "true"}
	if len(b.EntryPoints) == 0 {
		module := handler
		if i := strings.LastIndex(handler, "."); i > 0 {
			module = handler[:i]
		}
		b.EntryPoints = []string{module + ".ts"}
	}
	return b
}

func addVars(into map[string]*yaml.Node, m *yaml.Node) {
	if m == nil || m.Kind != yaml.MappingNode {
		return
	}
	for k, v := range Pairs(m) {
		into[k.Value] = v
	}
}

// mockStatus reads the statusCode a MOCK integration's request template gives (200 without one).
func mockStatus(integ Resource) int {
	tpls := integ.Prop("RequestTemplates")
	if tpls == nil || tpls.Kind != yaml.MappingNode || len(tpls.Content) < 2 {
		return 200
	}
	var v struct {
		StatusCode int `json:"statusCode"`
	}
	if json.Unmarshal([]byte(Text(tpls.Content[1])), &v) != nil || v.StatusCode == 0 {
		return 200
	}
	return v.StatusCode
}

// localAPIID is an API id shaped like AWS's (10 lowercase letters and digits), stable per logical ID.
func localAPIID(logicalID string) string {
	var b strings.Builder
	for _, c := range strings.ToLower(logicalID) {
		if c >= 'a' && c <= 'z' || c >= '0' && c <= '9' {
			b.WriteRune(c)
		}
	}
	s := (b.String() + "0000000000")[:10]
	return s
}

type localResolver struct {
	t        *Template
	apiID    string // logical ID
	id       string // local API id
	endpoint string
	params   map[string]string // values given for parameters, in place of their defaults
	// reached collects the logical IDs of the resources that values resolved
	// since it was set refer to; nil when nobody listens.
	reached map[string]bool
	// undefaulted collects, like reached, the parameters without a default
	// (nor a value given) that values resolved since it was set needed.
	undefaulted map[string]bool
}

func (r localResolver) reach(id string) {
	if r.reached != nil {
		r.reached[id] = true
	}
}

// value resolves an environment variable's value; ok is false when part of it could not be
// resolved locally (that part is then empty).
func (r localResolver) value(n *yaml.Node) (string, bool) {
	v, ok := r.resolve(n)
	host := regexp.QuoteMeta(r.id + ".execute-api." + LocalRegion + "." + localURLSuffix)
	return regexp.MustCompile(`(?:https|wss)://`+host).ReplaceAllString(v, r.endpoint), ok
}

func (r localResolver) resolve(n *yaml.Node) (string, bool) {
	if s, ok := Scalar(n); ok {
		return s, true
	}
	name, arg, ok := Intrinsic(n)
	if !ok {
		return "", false
	}
	switch name {
	case "Ref":
		return r.ref(Text(arg))
	case "GetAtt":
		parts := strings.SplitN(Text(arg), ".", 2)
		if arg.Kind == yaml.SequenceNode && len(arg.Content) == 2 {
			parts = []string{Text(arg.Content[0]), Text(arg.Content[1])}
		}
		if len(parts) == 2 {
			return r.getAtt(parts[0], parts[1])
		}
	case "Sub":
		s, vars, isStr := subArgs(arg)
		if !isStr {
			return "", false
		}
		all := true
		var out strings.Builder
		for _, p := range subParts(s) {
			var x string
			ok := true
			switch id, attr, dotted := strings.Cut(p.variable, "."); {
			case p.variable == "":
				x = p.text
			case Get(vars, p.variable) != nil:
				x, ok = r.resolve(Get(vars, p.variable))
			case dotted:
				x, ok = r.getAtt(id, attr)
			default:
				x, ok = r.ref(id)
			}
			all = all && ok
			out.WriteString(x)
		}
		return out.String(), all
	case "Join":
		if arg.Kind == yaml.SequenceNode && len(arg.Content) == 2 {
			parts, ok := r.list(arg.Content[1])
			return strings.Join(parts, Text(arg.Content[0])), ok
		}
	case "If":
		return r.resolveIf(arg)
	case "Select":
		return r.resolveSelect(arg)
	case "FindInMap":
		return r.resolveFindInMap(arg)
	}
	return "", false
}

func (r localResolver) ref(name string) (string, bool) {
	switch name {
	case "AWS::Region":
		return LocalRegion, true
	case "AWS::AccountId":
		return LocalAccountID, true
	case "AWS::StackName":
		return "local", true
	case "AWS::URLSuffix":
		return localURLSuffix, true
	case "AWS::Partition":
		return "aws", true
	case "AWS::StackId":
		return "arn:aws:cloudformation:" + LocalRegion + ":" + LocalAccountID + ":stack/local/00000000-0000-0000-0000-000000000000", true
	case "AWS::NoValue":
		return "", true
	case r.apiID:
		return r.id, true
	}
	if v, ok := r.params[name]; ok {
		return v, true
	}
	if p := r.t.Parameter(name); p != nil {
		s, ok := Scalar(Get(p, "Default"))
		if !ok && r.undefaulted != nil {
			r.undefaulted[name] = true
		}
		return s, ok
	}
	if res, ok := r.t.Resource(name); ok {
		r.reach(name)
		switch res.Type {
		case TypeServerlessFunc, TypeLambdaFunction:
			return r.functionName(res), true
		case TypeDynamoDBTable, TypeSimpleTable:
			return r.tableName(res), true
		case TypeStage:
			// A stage's Ref is its name.
			return r.resolve(res.Prop("StageName"))
		}
		return r.unservedValue(res, "")
	}
	return "", false
}

// functionName is a function's FunctionName, or its logical ID.
func (r localResolver) functionName(res Resource) string {
	if v, ok := r.resolve(res.Prop("FunctionName")); ok && v != "" {
		return v
	}
	return res.ID
}

// tableName is a table's TableName, or the name a local stack would give it.
func (r localResolver) tableName(res Resource) string {
	if v, ok := r.resolve(res.Prop("TableName")); ok && v != "" {
		return v
	}
	return "local-" + res.ID
}

// tableShape lists the properties of AWS::DynamoDB::Table that shape a table;
// they have the names and values CreateTable takes.
var tableShape = []string{"KeySchema", "AttributeDefinitions", "GlobalSecondaryIndexes", "LocalSecondaryIndexes", "BillingMode", "ProvisionedThroughput"}

// tables reads the template's DynamoDB tables, with their names and values
// resolved locally.
func (r localResolver) tables() []app.Table {
	var out []app.Table
	for _, res := range r.t.Resources() {
		def := map[string]any{}
		switch res.Type {
		case TypeDynamoDBTable:
			for _, k := range tableShape {
				if n := res.Prop(k); n != nil {
					def[k] = r.plain(n)
				}
			}
		case TypeSimpleTable:
			// SAM's SimpleTable: a single hash key, id of type String by default.
			key, typ := "id", "String"
			if pk := res.Prop("PrimaryKey"); pk != nil {
				if v, ok := r.resolve(Get(pk, "Name")); ok && v != "" {
					key = v
				}
				if v, ok := r.resolve(Get(pk, "Type")); ok && v != "" {
					typ = v
				}
			}
			def["KeySchema"] = []any{map[string]any{"AttributeName": key, "KeyType": "HASH"}}
			def["AttributeDefinitions"] = []any{map[string]any{"AttributeName": key, "AttributeType": map[string]string{"String": "S", "Number": "N", "Binary": "B"}[typ]}}
			if n := res.Prop("ProvisionedThroughput"); n != nil {
				def["ProvisionedThroughput"] = r.plain(n)
			}
		default:
			continue
		}
		out = append(out, app.Table{LogicalID: res.ID, Name: r.tableName(res), Definition: def})
	}
	return out
}

// capacityProps are the properties of a table's shape that CloudFormation
// takes as numbers even when they are written, or a parameter gives them, as
// strings.
var capacityProps = map[string]bool{"ReadCapacityUnits": true, "WriteCapacityUnits": true}

// plain turns a template value into plain JSON values, resolving intrinsics
// locally; integers stay numbers.
func (r localResolver) plain(n *yaml.Node) any {
	if _, _, ok := Intrinsic(n); ok {
		v, _ := r.resolve(n)
		return v
	}
	switch n.Kind {
	case yaml.MappingNode:
		m := map[string]any{}
		for k, v := range Pairs(n) {
			m[k.Value] = r.plain(v)
			if s, ok := m[k.Value].(string); ok && capacityProps[k.Value] {
				if i, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64); err == nil {
					m[k.Value] = i
				}
			}
		}
		return m
	case yaml.SequenceNode:
		l := make([]any, 0, len(n.Content))
		for _, c := range n.Content {
			l = append(l, r.plain(c))
		}
		return l
	case yaml.AliasNode:
		return r.plain(n.Alias)
	}
	if i, err := strconv.ParseInt(n.Value, 10, 64); err == nil && n.Style&(yaml.DoubleQuotedStyle|yaml.SingleQuotedStyle) == 0 {
		return i
	}
	return n.Value
}

func (r localResolver) getAtt(id, attr string) (string, bool) {
	switch {
	case id == r.apiID && attr == "ApiEndpoint":
		return r.endpoint, true
	case id == r.apiID && attr == "ApiId":
		return r.id, true
	}
	res, ok := r.t.Resource(id)
	if ok {
		r.reach(id)
	}
	switch {
	case !ok:
	case !servedLocally(res.Type):
		return r.unservedValue(res, attr)
	case attr == "Arn" && (res.Type == TypeServerlessFunc || res.Type == TypeLambdaFunction):
		return "arn:aws:lambda:" + LocalRegion + ":" + LocalAccountID + ":function:" + r.functionName(res), true
	case (res.Type == TypeDynamoDBTable || res.Type == TypeSimpleTable) && attr == "Arn", res.Type == TypeDynamoDBTable && attr == "StreamArn":
		arn := "arn:aws:dynamodb:" + LocalRegion + ":" + LocalAccountID + ":table/" + r.tableName(res)
		if attr == "StreamArn" {
			arn += "/stream/local"
		}
		return arn, true
	}
	return "", false
}
