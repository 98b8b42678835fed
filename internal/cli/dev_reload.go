package cli

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/wsdesign/wsdesign/dev/app"
	"github.com/wsdesign/wsdesign/dev/event"
	"github.com/wsdesign/wsdesign/dev/gateway"
	"github.com/wsdesign/wsdesign/dev/lambda"
	"github.com/wsdesign/wsdesign/dev/watch"
	"github.com/wsdesign/wsdesign/render"
)

// reloadDebounce is how long dev waits after the last change of a burst
// (an editor's save, a build writing many files) before it reloads.
const reloadDebounce = 150 * time.Millisecond

// reloader serves what is on disk: when the template or a function's code
// changes, it reads the template again and hands the gateway the new API,
// with new function processes; open connections stay. A template that can
// no longer be read keeps the running API serving and says why, with the
// position.
type reloader struct {
	path, apiID, endpoint string
	overrides             []string
	vars                  envVars
	env, proxyEnv         map[string]string
	sink                  event.Sink
	lopt                  lambda.Options
	srv                   *gateway.Server
	invoke                *lambda.InvokeAPI
	// tables are the names of the tables created at start.
	tables []string
	// served, when set, is told of each API served after a reload.
	served func(app.App)

	mu      sync.Mutex
	pool    *lambda.Pool   // runs the functions of the API being served
	retired []*lambda.Pool // pools of earlier APIs, closed once their invocations end
	w       *watch.Watcher
}

// watch starts watching the template and the code folders of local; what
// dev writes itself (outputs: its log, redirected into a code folder) is
// no change.
func (r *reloader) watch(local app.App, outputs ...io.Writer) error {
	w, err := watch.New(reloadDebounce, r.reload, func(err error) {
		r.emit(event.Warning, "watching for changes: "+err.Error())
	})
	if err != nil {
		return err
	}
	for _, out := range outputs {
		if f, ok := out.(*os.File); ok {
			if fi, err := f.Stat(); err == nil && fi.Mode().IsRegular() {
				w.Ignore(fi)
			}
		}
	}
	r.w = w
	return r.w.Add(r.roots(local)...)
}

// roots are the template and the code folders of its functions.
func (r *reloader) roots(local app.App) []string {
	roots := []string{r.path}
	for _, f := range local.Functions {
		if f.Dir == "" {
			continue
		}
		if fi, err := os.Stat(f.Dir); err == nil && fi.IsDir() {
			roots = append(roots, f.Dir)
		}
	}
	return roots
}

func (r *reloader) emit(kind event.Kind, text string) {
	r.sink.Emit(event.Event{Time: time.Now(), Kind: kind, Text: text})
}

// reload reads the template again and serves it.
func (r *reloader) reload(changed []string) {
	what := describeChanged(r.path, changed)
	t, apis, err := importFile(r.path)
	if err == nil {
		var a render.API
		if a, err = chooseAPI(r.path, apis, r.apiID); err == nil {
			var params map[string]string
			if params, err = render.ParameterOverrides(t, r.overrides); err == nil {
				local, _ := localApp(t, a, r.endpoint, params, r.vars)
				r.serve(local, what)
				return
			}
		}
	}
	r.emit(event.Reload, fmt.Sprintf("%s changed, but %v; still serving the API as it was", what, err))
}

// serve hands the gateway local, run by a new pool; the previous pool is
// closed once invocations it runs can have ended.
func (r *reloader) serve(local app.App, what string) {
	pool, err := startFunctions(local, r.env, r.proxyEnv, r.sink, r.lopt)
	if err != nil {
		r.emit(event.Reload, fmt.Sprintf("%s changed, but the functions cannot start: %v; still serving the API as it was", what, err))
		return
	}
	r.srv.Swap(local, pool)
	r.invoke.Serve(pool, local.FunctionNames())
	r.mu.Lock()
	old := r.pool
	r.pool = pool
	r.retired = append(r.retired, old)
	r.mu.Unlock()
	time.AfterFunc(gateway.MaxIntegration, func() { r.closeRetired(old) })
	if err := r.w.Add(r.roots(local)...); err != nil {
		r.emit(event.Warning, "watching for changes: "+err.Error())
	}
	if r.served != nil {
		r.served(local)
	}
	r.emit(event.Reload, fmt.Sprintf("%s changed: serving %s with %d routes", what, local.API.LogicalID, len(local.API.Routes)))
	if !slices.Equal(tableNames(local), r.tables) {
		r.emit(event.Warning, "the template's tables changed; tables are created at start: restart wsdesign dev to serve them")
	}
}

func tableNames(local app.App) []string {
	var names []string
	for _, t := range local.Tables {
		names = append(names, t.Name)
	}
	slices.Sort(names)
	return names
}

func (r *reloader) closeRetired(p *lambda.Pool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for i, x := range r.retired {
		if x == p {
			r.retired = append(r.retired[:i], r.retired[i+1:]...)
			p.Close(context.Background())
			return
		}
	}
}

// close stops watching and every function process.
func (r *reloader) close() {
	if r.w != nil {
		r.w.Close()
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, p := range append(r.retired, r.pool) {
		p.Close(context.Background())
	}
	r.retired = nil
}

// describeChanged names the changed files, relative to the template's
// folder where they are below it.
func describeChanged(template string, changed []string) string {
	dir := filepath.Dir(template)
	names := make([]string, 0, len(changed))
	for _, p := range changed {
		if rel, err := filepath.Rel(dir, p); err == nil && !strings.HasPrefix(rel, "..") {
			p = rel
		}
		names = append(names, p)
	}
	if len(names) > 3 {
		names = append(names[:3], fmt.Sprintf("and %d more", len(names)-3))
	}
	return strings.Join(names, ", ")
}
