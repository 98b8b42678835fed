package cli

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"

	"charm.land/huh/v2"
	"github.com/spf13/cobra"
	"go.yaml.in/yaml/v3"

	"github.com/wsdesign/wsdesign/check"
	"github.com/wsdesign/wsdesign/internal/designfile"
	"github.com/wsdesign/wsdesign/internal/fileio"
	"github.com/wsdesign/wsdesign/model"
	"github.com/wsdesign/wsdesign/render"
	"github.com/wsdesign/wsdesign/stub"
	"github.com/wsdesign/wsdesign/tui"
)

// authorizerNone removes the authorizer with --authorizer.
const authorizerNone = "none"

// editOptions are the changes edit takes from flags.
type editOptions struct {
	api                                    string
	add, remove, set                       []string
	routeSelector, authorizer, stage, name string
	description                            string
	identitySources                        []string
	runtime, format                        string
	grant, dryRun, yes, backup, noStubs    bool
	force                                  bool
	wizard                                 wizardOptions
}

func newEditCmd() *cobra.Command {
	var o editOptions
	cmd := &cobra.Command{
		Use:   "edit FILE",
		Short: "Change a WebSocket API in an existing template, touching only what changes",
		Long: "edit reads the WebSocket APIs of a SAM or CloudFormation template, applies the changes given by\n" +
			"flags, shows the unified diff and writes the file back atomically. Only the resources the\n" +
			"change adds, removes or edits are touched: every other byte of the file stays as it was.\n\n" +
			"Endpoints use the syntax of wsdesign new: ROUTE[=HANDLER][,1-way|2-way]. A HANDLER that names a\n" +
			"function of the template links it; param:<Parameter> links a function given by ARN; any other\n" +
			"name is a new function.",
		Example: "  wsdesign edit template.yaml --add-endpoint 'typing=TypingFunction' --yes\n" +
			"  wsdesign edit template.yaml --set-endpoint 'sendmessage,2-way' --dry-run\n" +
			"  wsdesign edit template.json --api ChatApi --remove-endpoint typing --authorizer none --yes",
		Args:              exactArgs("FILE"),
		ValidArgsFunction: completeTemplate,
		RunE: func(cmd *cobra.Command, args []string) error {
			// With --yes the flags are the whole edit: when another process
			// changed the file meanwhile, the edit is applied again to what
			// the file holds now, so that both changes are kept.
			for attempt := 1; ; attempt++ {
				err := o.run(cmd, args[0])
				if !o.yes || o.dryRun || !errors.Is(err, fileio.ErrChanged) || attempt == maxEditAttempts {
					return err
				}
				fmt.Fprintf(cmd.ErrOrStderr(), "%s changed while it was edited: applying the edit to what it holds now\n", args[0])
			}
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.api, "api", "", "logical ID of the API to edit (required when the template has several)")
	f.StringArrayVar(&o.add, "add-endpoint", nil, "add an endpoint: ROUTE[=HANDLER][,2-way]; repeatable")
	f.StringArrayVar(&o.remove, "remove-endpoint", nil, "remove the endpoint of ROUTE; repeatable")
	f.StringArrayVar(&o.set, "set-endpoint", nil, "change an endpoint: ROUTE[=HANDLER][,1-way|,2-way]; what is not given stays; repeatable")
	f.StringVar(&o.routeSelector, "route-selector", "", "message property that selects the endpoint, such as action")
	f.StringVar(&o.authorizer, "authorizer", "", "HANDLER of the Lambda authorizer run on $connect, or none to remove it")
	f.StringArrayVar(&o.identitySources, "identity-source", nil, "identity source of the authorizer; repeatable")
	f.StringVar(&o.stage, "stage", "", "stage name")
	f.StringVar(&o.name, "name", "", "name of the API (its logical ID stays)")
	f.StringVar(&o.description, "description", "", "description of the API")
	f.StringVar(&o.runtime, "runtime", "", "runtime of new functions: "+strings.Join(model.Runtimes, ", "))
	f.StringVar(&o.format, "format", "", "format of new functions: sam or cfn (default: sam when the template has the SAM transform)")
	f.BoolVar(&o.grant, "grant", false, "let existing functions newly linked to the API post to clients: add the policy statement and the callback URL variable")
	f.BoolVar(&o.dryRun, "dry-run", false, "print the diff and write nothing")
	f.BoolVar(&o.yes, "yes", false, "write without asking")
	f.BoolVar(&o.backup, "backup", false, "keep the previous file as FILE~")
	f.BoolVar(&o.force, "force", false, "replace FILE even when it is read-only")
	f.BoolVar(&o.noStubs, "no-stubs", false, "do not write handler stubs into the code folders of new functions (SAM)")
	o.wizard.addFlags(f)
	registerCompletions(cmd)
	_ = cmd.RegisterFlagCompletionFunc("api", completeAPI)
	return cmd
}

// maxEditAttempts bounds how often `edit --yes` applies itself again to a
// file that other processes keep changing.
const maxEditAttempts = 10

func (o *editOptions) run(cmd *cobra.Command, path string) error {
	if o.runtime != "" {
		if err := designfile.ValidateRuntime(o.runtime); err != nil {
			return usageErrorf("--runtime: %w", err)
		}
	}
	t, apis, err := importFile(path)
	if err != nil {
		return err
	}
	flavor := render.TemplateFlavor(t)
	if o.format != "" {
		if flavor, err = render.ParseFlavor(o.format); err != nil {
			return usageErrorf("--format: %v", err)
		}
	}
	te := templateEdit{t: t, opt: render.EditOptions{Flavor: flavor, Grant: o.grant}, stubs: flavor == render.SAM && !o.noStubs}
	if !o.changes(cmd) {
		if !canAsk(cmd) {
			return usageErrorf("no change given: use --add-endpoint, --remove-endpoint, --set-endpoint, --route-selector, --authorizer, --stage or --name (or run in a terminal for the wizard)")
		}
		return o.interactive(cmd, te, apis)
	}
	api, err := o.pick(path, apis)
	if err != nil {
		return err
	}
	d, err := o.apply(cmd, t, api)
	if err != nil {
		return err
	}
	if err := validateEdited(t, api, d); err != nil {
		return err
	}
	te.api = &api
	out, ch, err := te.apply(d)
	if err != nil {
		return err
	}
	return te.commit(cmd, d, out, ch, commitOptions{dryRun: o.dryRun, yes: o.yes, backup: o.backup, force: o.force, diff: cmd.OutOrStdout()})
}

// interactive runs the wizard over one API of the template, or a new one,
// pre-filled with the imported design; its Review screen shows the diff,
// and confirming there writes the file.
func (o *editOptions) interactive(cmd *cobra.Command, te templateEdit, apis []render.API) error {
	switch {
	case o.api != "":
		api, err := o.pick(te.t.Path, apis)
		if err != nil {
			return err
		}
		te.api = &api
	case len(apis) == 1:
		te.api = &apis[0]
	case len(apis) > 1:
		i, err := o.choose(cmd, te.t.Path, apis)
		if err != nil {
			return err
		}
		if i < len(apis) {
			te.api = &apis[i]
		}
	}
	a, err := o.wizard.run(cmd, te.wizard())
	if err != nil {
		return err
	}
	// The consent given on the Review screen is that of --grant.
	te.opt.Grant = a.Grant
	d := a.Design
	out, ch, err := te.apply(d)
	if err != nil {
		return err
	}
	// The Review screen showed the diff; a dry run prints it as well.
	diff := io.Discard
	if o.dryRun {
		diff = cmd.OutOrStdout()
	}
	return te.commit(cmd, d, out, ch, commitOptions{dryRun: o.dryRun, yes: true, backup: o.backup, force: o.force, diff: diff})
}

// choose asks which API to edit; the answer len(apis) adds a new one.
func (o *editOptions) choose(cmd *cobra.Command, path string, apis []render.API) (int, error) {
	opts := make([]huh.Option[int], 0, len(apis)+1)
	for i, a := range apis {
		opts = append(opts, huh.NewOption(fmt.Sprintf("%s (%s, %s)", a.Resource.ID, orNone(a.Design.Name), count(len(a.Routes), "route")), i))
	}
	opts = append(opts, huh.NewOption("Add a new WebSocket API", len(apis)))
	var i int
	form := huh.NewForm(huh.NewGroup(huh.NewSelect[int]().
		Title(fmt.Sprintf("%s has %d WebSocket APIs. Which one?", path, len(apis))).
		Options(opts...).Value(&i))).
		WithAccessible(o.wizard.accessible || os.Getenv("TERM") == "dumb").
		WithInput(cmd.InOrStdin()).WithOutput(cmd.ErrOrStderr())
	if err := form.Run(); err != nil {
		if errors.Is(err, huh.ErrUserAborted) {
			return 0, errCancelled
		}
		return 0, err
	}
	return i, nil
}

// templateEdit is one change of a template: an edit of one of its APIs, or
// (api nil) a new API added to it.
type templateEdit struct {
	t   *render.Template
	api *render.API
	opt render.EditOptions
	// stubs writes handler stubs for the new functions of the design.
	stubs bool
}

// apply computes the edited template.
func (te templateEdit) apply(d model.Design) ([]byte, render.Change, error) {
	e := render.NewEdit(te.t)
	var ch render.Change
	var err error
	if te.api == nil {
		ch, err = e.AddAPI(d, te.opt)
	} else {
		ch, err = e.EditAPI(*te.api, d, te.opt)
	}
	if err != nil {
		return nil, ch, usageErrorf("%w", err)
	}
	out, err := e.Apply()
	if err != nil {
		return nil, ch, err
	}
	return out, ch, refuseNewErrors(te.t.Path, te.t, out)
}

// refuseNewErrors refuses out, the template about to be written to path,
// when check finds an error in it that before (nil for a new file) does not
// have: wsdesign never writes a template its own check rejects unless the
// original was rejected the same way.
func refuseNewErrors(path string, before *render.Template, out []byte) error {
	after, err := render.Parse(path, out)
	if err != nil {
		return fmt.Errorf("the template wsdesign would write cannot be read back: %w", err)
	}
	found, err := check.Template(after)
	if err != nil {
		return fmt.Errorf("the template wsdesign would write cannot be checked: %w", err)
	}
	var had []check.Finding
	if before != nil {
		// The original's own errors are its author's; it was read, so it
		// can be checked.
		had, _ = check.Template(before)
	}
	errs := check.Introduced(had, found)
	if len(errs) == 0 {
		return nil
	}
	f := errs[0]
	more := ""
	if len(errs) > 1 {
		more = fmt.Sprintf(" (and %d more)", len(errs)-1)
	}
	return usageErrorf("check would reject the template this writes: %s %s%s; %s Nothing was written.", f.Rule.ID, f.Message, more, f.Fix())
}

// wizard is the wizard's view of the template: its functions, the logical
// IDs it holds (those of the edited API are its own), and a Review that
// shows the diff against the file.
func (te templateEdit) wizard() tui.Options {
	opts := tui.Options{IDs: model.PlanOptions{Taken: te.t.Taken(), FunctionRoles: te.opt.Flavor == render.CFN}, Grant: te.opt.Grant}
	for _, f := range render.Functions(te.t) {
		opts.Functions = append(opts.Functions, tui.Function{ID: f.ID, Type: f.Type})
	}
	opts.File = te.t.Path
	if te.api != nil {
		opts.Design = te.api.Design
		opts.IDs.Taken = othersTaken(te.t, *te.api)
		opts.IDs.Pinned = &te.api.Pinned
		opts.AsWritten = map[string]string{}
		nodes := []*yaml.Node{te.api.NameNode}
		if len(te.api.Stages) > 0 {
			nodes = append(nodes, te.api.Stages[0].NameNode)
		}
		for _, n := range nodes {
			if shown := render.AsWritten(n, te.t.Format); shown != "" {
				opts.AsWritten[render.Text(n)] = shown
			}
		}
	}
	opts.Preview = func(a tui.Answers) tui.Preview {
		// Each preview has its own copy of the options: previews run in
		// commands, possibly side by side.
		te := te
		te.opt.Grant = a.Grant
		out, ch, err := te.apply(a.Design)
		if err != nil {
			return tui.Preview{Err: err}
		}
		p := review(te.t.Path, te.t.Path, out, ch.Fragment.Plan, te.opt.Flavor, te.stubs, a.Design)
		p.Diff = render.Diff(te.t.Path, te.t.Src, out)
		if len(ch.Lacking) > 0 {
			p.CannotPost, p.Lacks = lacking(ch.Lacking)
		}
		return p
	}
	return opts
}

// commit shows the diff and writes the handler stubs of the design's new
// functions and the template.
func (te templateEdit) commit(cmd *cobra.Command, d model.Design, out []byte, ch render.Change, o commitOptions) error {
	if te.stubs {
		o.stubs = stub.For(d)
	}
	return commit(cmd, te.t, out, ch, o)
}

// othersTaken reports the logical IDs of the template that do not belong to
// the API.
func othersTaken(t *render.Template, api render.API) func(string) bool {
	mine := map[string]bool{}
	for _, id := range api.Resources {
		mine[id] = true
	}
	taken := t.Taken()
	return func(id string) bool { return taken(id) && !mine[id] }
}

// pick chooses the API to edit.
func (o *editOptions) pick(path string, apis []render.API) (render.API, error) {
	var ids []string
	for _, a := range apis {
		if o.api == a.Resource.ID {
			return a, nil
		}
		ids = append(ids, a.Resource.ID)
	}
	switch {
	case o.api != "":
		return render.API{}, usageErrorf("--api %s: %s has no WebSocket API of that logical ID (it has: %s)", o.api, path, list(ids))
	case len(apis) == 0:
		return render.API{}, usageErrorf("%s has no WebSocket API; add one with wsdesign new %s", path, path)
	case len(apis) > 1:
		return render.API{}, usageErrorf("%s has %d WebSocket APIs (%s): choose one with --api", path, len(apis), strings.Join(ids, ", "))
	}
	return apis[0], nil
}

func list(ids []string) string {
	if len(ids) == 0 {
		return "none"
	}
	return strings.Join(ids, ", ")
}

// changes reports whether any flag asks for a change.
func (o *editOptions) changes(cmd *cobra.Command) bool {
	for _, f := range []string{"add-endpoint", "remove-endpoint", "set-endpoint", "route-selector", "authorizer", "identity-source", "stage", "name", "description"} {
		if cmd.Flags().Changed(f) {
			return true
		}
	}
	return false
}

// apply makes the flags' changes to the imported design.
func (o *editOptions) apply(cmd *cobra.Command, t *render.Template, api render.API) (model.Design, error) {
	d := api.Design
	d.Endpoints = slices.Clone(d.Endpoints)
	r := designfile.Resolver{Existing: functionTypes(t), Runtime: o.runtime}
	flags := cmd.Flags()
	for _, s := range []struct {
		flag string
		src  string
		dst  *string
	}{
		{"name", o.name, &d.Name}, {"route-selector", o.routeSelector, &d.RouteSelector},
		{"stage", o.stage, &d.Stage}, {"description", o.description, &d.Description},
	} {
		if flags.Changed(s.flag) {
			*s.dst = s.src
		}
	}
	for _, route := range o.remove {
		i := slices.IndexFunc(d.Endpoints, func(e model.Endpoint) bool { return e.Route == route })
		if i < 0 {
			return d, usageErrorf("--remove-endpoint %s: the API has no such route (it has: %s)", route, routes(d))
		}
		d.Endpoints = slices.Delete(d.Endpoints, i, i+1)
	}
	for _, spec := range o.set {
		e, err := r.ParseEndpoint(spec)
		if err != nil {
			return d, usageErrorf("--set-endpoint %w", err)
		}
		i := slices.IndexFunc(d.Endpoints, func(x model.Endpoint) bool { return x.Route == e.Route })
		if i < 0 {
			return d, usageErrorf("--set-endpoint %q: the API has no route %s (it has: %s); add it with --add-endpoint", spec, e.Route, routes(d))
		}
		body, setMode := spec, false
		if c := strings.LastIndexByte(spec, ','); c >= 0 {
			body, setMode = spec[:c], true
		}
		relink := strings.Contains(body, "=")
		if d.Endpoints[i].Foreign != "" {
			// What the spec does not change may be odd and stays so.
			if relink || setMode && e.Mode != d.Endpoints[i].Mode {
				return d, usageErrorf("--set-endpoint %q: route %s has a %s integration, which wsdesign keeps as written", spec, e.Route, d.Endpoints[i].Foreign)
			}
			continue
		}
		if setMode {
			d.Endpoints[i].Mode = e.Mode
		}
		if relink {
			d.Endpoints[i].Handler = e.Handler
		}
	}
	for _, spec := range o.add {
		e, err := r.ParseEndpoint(spec)
		if err != nil {
			return d, usageErrorf("--add-endpoint %w", err)
		}
		if _, dup := d.Endpoint(e.Route); dup {
			return d, usageErrorf("--add-endpoint %q: the API already has route %s; change it with --set-endpoint", spec, e.Route)
		}
		d.Endpoints = append(d.Endpoints, e)
	}
	switch {
	case o.authorizer == authorizerNone:
		if len(o.identitySources) > 0 {
			return d, usageErrorf("--identity-source: the authorizer is being removed")
		}
		d.Authorizer = nil
	case o.authorizer != "":
		sources := o.identitySources
		if len(sources) == 0 {
			sources = []string{model.DefaultIdentitySource}
		}
		d.Authorizer = &model.Authorizer{Handler: r.Link(o.authorizer), IdentitySource: sources}
	case len(o.identitySources) > 0:
		if d.Authorizer == nil {
			return d, usageErrorf("--identity-source: the API has no authorizer; give --authorizer too")
		}
		a := *d.Authorizer
		a.IdentitySource = o.identitySources
		d.Authorizer = &a
	}
	r.FillHandlers(&d)
	return d, nil
}

func routes(d model.Design) string {
	var out []string
	for _, e := range d.Endpoints {
		out = append(out, e.Route)
	}
	return list(out)
}

// functionTypes maps the template's functions to their types.
func functionTypes(t *render.Template) map[string]string {
	out := map[string]string{}
	for _, f := range render.Functions(t) {
		out[f.ID] = f.Type
	}
	return out
}

// validateEdited checks the parts of the design the flags change; what the
// template already has is not the user's doing now.
func validateEdited(t *render.Template, api render.API, d model.Design) error {
	if _, _, err := render.Buildable(api.Design, d, othersTaken(t, api)); err != nil {
		return usageErrorf("%w", err)
	}
	return nil
}

// commitOptions say how an edited template is written.
type commitOptions struct {
	dryRun, yes, backup, force bool
	// diff receives the unified diff: standard output for edit, standard
	// error for new, whose standard output is for --stdout.
	diff io.Writer
	// stubs are the handler stubs written with the template.
	stubs []stub.File
}

// commit shows the diff of an edit and writes it: with --yes, or when the
// user confirms at a terminal. Without a terminal and without --yes it
// writes nothing and names the flag.
func commit(cmd *cobra.Command, t *render.Template, out []byte, ch render.Change, o commitOptions) error {
	stderr := cmd.ErrOrStderr()
	diff := render.Diff(t.Path, t.Src, out)
	if diff == "" {
		fmt.Fprintf(stderr, "No change: %s stays as it is.\n", t.Path)
		return nil
	}
	if !o.dryRun {
		if err := fileio.Replaceable(t.Path, o.force); err != nil {
			return usageErrorf("%w; nothing was written", err)
		}
	}
	fmt.Fprint(o.diff, diff)
	if len(ch.Needs) > 0 {
		ids, lacks := lacking(ch.Needs)
		what := fmt.Sprintf("%s cannot post to clients until given %s", strings.Join(ids, ", "), lacks)
		if ch.Granted {
			fmt.Fprintf(stderr, "note: %s; their roles are not in the template, so add them yourself.\n", what)
		} else {
			fmt.Fprintf(stderr, "note: %s; pass --grant to add them.\n", what)
		}
	}
	for _, n := range ch.Notes {
		fmt.Fprintln(stderr, "note: "+n)
	}
	if o.dryRun {
		return nil
	}
	if !o.yes {
		ok, err := confirm(cmd, fmt.Sprintf("Write %s? [y/N] ", t.Path))
		if err != nil {
			return err
		}
		if !ok {
			return errCancelled
		}
	}
	// The stubs and the template are written only while the file holds
	// what the edit read, under the lock other wsdesign processes take.
	return fileio.Update(t.Path, t.Src, func() error {
		return writeAll(stderr, t.Path, o.stubs, func() error {
			return fileio.WriteFile(t.Path, out, fileio.Options{Backup: o.backup, Force: o.force})
		})
	})
}

// lacking names the functions of needs and what they lack to post to
// clients.
func lacking(needs []render.FunctionNeed) (ids []string, lacks string) {
	for _, n := range needs {
		ids = append(ids, n.FunctionID)
	}
	return ids, "execute-api:ManageConnections and " + needs[0].EnvName
}

// confirm asks a yes/no question at the terminal.
func confirm(cmd *cobra.Command, question string) (bool, error) {
	if !canAsk(cmd) {
		return false, usageErrorf("standard input is not a terminal: pass --yes to write what the diff shows")
	}
	fmt.Fprint(cmd.ErrOrStderr(), question)
	line, err := bufio.NewReader(cmd.InOrStdin()).ReadString('\n')
	if err != nil && line == "" {
		return false, errCancelled
	}
	answer := strings.ToLower(strings.TrimSpace(line))
	return answer == "y" || answer == "yes", nil
}
