package cli

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/wsdesign/wsdesign/dev/app"
	"github.com/wsdesign/wsdesign/internal/fileio"
	"github.com/wsdesign/wsdesign/render"
)

// envVars are the values of functions' environment variables given with
// --env-vars, in the file sam local takes: variables by function logical
// ID, and under "Parameters" for every function. As with sam, only
// variables the template declares on a function are set.
type envVars map[string]map[string]string

// maxEnvVarsFile bounds the --env-vars file.
const maxEnvVarsFile = 1 << 20

// readEnvVars reads an --env-vars file; an unreadable or malformed one is
// a usage error with its position.
func readEnvVars(path string) (envVars, error) {
	if path == "" {
		return nil, nil
	}
	b, err := fileio.Read(path, nil, maxEnvVarsFile)
	if err != nil {
		return nil, usageErrorf("--env-vars: %w", err)
	}
	var raw map[string]map[string]any
	if err := json.Unmarshal(b, &raw); err != nil {
		line, col := 1, 1
		var se *json.SyntaxError
		var te *json.UnmarshalTypeError
		switch {
		case errors.As(err, &se):
			line, col = position(b, se.Offset)
		case errors.As(err, &te):
			line, col = position(b, te.Offset)
		}
		return nil, usageErrorf("%s:%d:%d: not an environment variables file (a JSON object of function logical IDs, or Parameters, each an object of variables): %v", path, line, col, err)
	}
	out := envVars{}
	for fn, vars := range raw {
		out[fn] = map[string]string{}
		for k, v := range vars {
			switch v := v.(type) {
			case string:
				out[fn][k] = v
			case nil:
				out[fn][k] = ""
			default:
				s, _ := json.Marshal(v)
				out[fn][k] = string(s)
			}
		}
	}
	return out, nil
}

// position is the line and column of a byte offset.
func position(b []byte, off int64) (int, int) {
	off = min(max(off, 1), int64(len(b)))
	before := b[:off-1]
	line := bytes.Count(before, []byte("\n")) + 1
	return line, int(off-1) - bytes.LastIndexByte(before, '\n')
}

// localApp is the app dev serves for API a of t: render.Local, with the
// --env-vars values set. It returns, too, the given variables that no
// function of the app declares, which are not set.
func localApp(t *render.Template, a render.API, endpoint string, params map[string]string, vars envVars) (app.App, []string) {
	local := render.Local(t, a, endpoint, params)
	used := map[string]bool{}
	for i, f := range local.Functions {
		env := f.Env
		set := func(scope string) {
			for k, v := range vars[scope] {
				if _, declared := env[k]; declared {
					env[k] = v
					used[scope+"."+k] = true
					local.Unresolved = slices.DeleteFunc(local.Unresolved, func(u app.Unresolved) bool {
						return u.Function == f.LogicalID && u.Variable == k
					})
				}
			}
		}
		set("Parameters")
		set(f.LogicalID)
		local.Functions[i].Env = env
	}
	var ignored []string
	for scope, vs := range vars {
		for k := range vs {
			if !used[scope+"."+k] {
				ignored = append(ignored, scope+"."+k)
			}
		}
	}
	slices.Sort(ignored)
	return local, ignored
}

// describeIgnored says which --env-vars values were not set.
func describeIgnored(ignored []string) string {
	return fmt.Sprintf("--env-vars: %s not declared in the template's Environment of that function (or of any, for Parameters): not set, as with sam local", strings.Join(ignored, ", "))
}
