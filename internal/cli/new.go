package cli

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
	"github.com/wsdesign/wsdesign/check"
	"github.com/wsdesign/wsdesign/internal/designfile"
	"github.com/wsdesign/wsdesign/internal/fileio"
	"github.com/wsdesign/wsdesign/model"
	"github.com/wsdesign/wsdesign/render"
	"github.com/wsdesign/wsdesign/stub"
	"github.com/wsdesign/wsdesign/tui"
)

// DefaultTemplate is the file new writes when none is named.
const DefaultTemplate = "template.yaml"

// newOptions are the answers new takes from flags.
type newOptions struct {
	name, logicalID, routeSelector, stage, description string
	runtime                                            string
	endpoints                                          []string
	authorizer                                         string
	identitySources                                    []string
	designPath                                         string
	format                                             string
	stdout, json, noStubs, force, yes                  bool
	stubsOnly                                          bool
	grant                                              bool
	wizard                                             wizardOptions
}

func newNewCmd() *cobra.Command {
	var o newOptions
	cmd := &cobra.Command{
		Use:   "new [FILE]",
		Short: "Write a new template holding a WebSocket API",
		Long: "new writes a SAM (default) or CloudFormation template holding a WebSocket API: the API, its\n" +
			"stage, a route per endpoint, an integration and an invoke permission per handler function,\n" +
			"the optional authorizer, and the new functions with what they need to post to clients.\n" +
			"FILE defaults to " + DefaultTemplate + "; a .json FILE (or --json) is written as JSON. An existing\n" +
			"FILE gets the API added after its diff is shown and the write confirmed (--yes without a terminal).\n\n" +
			"A handler that is not param:<Parameter> becomes a new function with that logical ID;\n" +
			"an endpoint without a handler gets one named after its route (sendMessage: SendMessageFunction).",
		Example: "  wsdesign new --name Chat --endpoint '$connect=OnConnect' --endpoint '$disconnect=OnDisconnect' \\\n" +
			"      --endpoint 'sendMessage=SendMessage,2-way'\n" +
			"  wsdesign new --design chat.yaml --format cfn --stdout\n" +
			"  wsdesign new api.json --name Prices --endpoint '$default=param:PricesFunctionArn,2-way'",
		Args:              cobra.MaximumNArgs(1),
		ValidArgsFunction: completeTemplate,
		RunE: func(cmd *cobra.Command, args []string) error {
			path := DefaultTemplate
			if len(args) == 1 {
				path = args[0]
			}
			return o.run(cmd, path)
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.name, "name", "", "name of the API (required)")
	f.StringVar(&o.logicalID, "logical-id", "", "logical ID of the API (default: derived from the name)")
	f.StringVar(&o.routeSelector, "route-selector", "", "message property that selects the endpoint, such as action or message.type (default action)")
	f.StringVar(&o.stage, "stage", "", "stage name (default prod)")
	f.StringVar(&o.description, "description", "", "description of the API")
	f.StringVar(&o.runtime, "runtime", "", "runtime of new functions: "+strings.Join(model.Runtimes, ", ")+" (default "+model.DefaultRuntime+")")
	f.StringArrayVar(&o.endpoints, "endpoint", nil, "an endpoint: ROUTE[=HANDLER][,2-way]; repeat for each (HANDLER may be param:<Parameter> for a function given by ARN)")
	f.StringVar(&o.authorizer, "authorizer", "", "HANDLER of a Lambda authorizer run on $connect")
	f.StringArrayVar(&o.identitySources, "identity-source", nil, "identity source of the authorizer; repeatable (default "+model.DefaultIdentitySource+")")
	f.StringVar(&o.designPath, "design", "", "read the design from a YAML or JSON file ('-' for standard input)")
	f.StringVar(&o.format, "format", "sam", "template format: sam or cfn (plain CloudFormation)")
	f.BoolVar(&o.stdout, "stdout", false, "write the template to standard output instead of FILE")
	f.BoolVar(&o.json, "json", false, "write JSON instead of YAML")
	f.BoolVar(&o.yes, "yes", false, "into an existing FILE: write without asking (needed without a terminal)")
	f.BoolVar(&o.force, "force", false, "into an existing FILE: replace it even when it is read-only")
	f.BoolVar(&o.noStubs, "no-stubs", false, "do not write handler stubs into the code folders of new functions (SAM)")
	f.BoolVar(&o.stubsOnly, "stubs-only", false, "write only the handler stubs of the new functions beside FILE, not the template (for a template written with --stdout)")
	f.BoolVar(&o.grant, "grant", false, "into an existing FILE: let its functions linked to the API post to clients (policy statement and callback URL variable)")
	o.wizard.addFlags(f)
	registerCompletions(cmd)
	return cmd
}

func (o *newOptions) run(cmd *cobra.Command, path string) error {
	flavor, err := render.ParseFlavor(o.format)
	if err != nil {
		return usageErrorf("--format: %v", err)
	}
	if o.stubsOnly {
		switch {
		case o.stdout, o.noStubs:
			return usageErrorf("--stubs-only writes only the handler stubs: it goes with neither --stdout nor --no-stubs")
		case flavor != render.SAM:
			return usageErrorf("--stubs-only: plain CloudFormation functions carry their code inline; only SAM templates have handler stubs")
		}
	}
	// An existing FILE gets the new API added to it, touching nothing else.
	var existing *render.Template
	if !o.stdout && !o.stubsOnly {
		if _, err := os.Stat(path); err == nil {
			if existing, err = render.Load(path); err != nil {
				return withCode(ExitUsage, err)
			}
			if !cmd.Flags().Changed("format") {
				flavor = render.TemplateFlavor(existing)
			}
		} else if !errors.Is(err, fs.ErrNotExist) {
			return usageErrorf("%s: %w", path, err)
		}
	}
	d, file, err := o.collect(cmd, existing)
	if err != nil {
		return err
	}
	// A design file's format stands where --format was not given.
	if file != nil && file.HasFormat && !cmd.Flags().Changed("format") {
		flavor = file.Format
	}
	// A name already taken is refused before the wizard asks for the rest.
	if existing != nil && d.Name != "" {
		if err := nameFree(existing, d.Name); err != nil {
			return err
		}
	}
	// What is missing is asked in the terminal, pre-filled with the flags
	// given; without a terminal the error names the flag. Confirming the
	// wizard's Review is the consent to write.
	asked := false
	if err := missing(d); err != nil {
		if !canAsk(cmd) || o.stubsOnly {
			return err
		}
		opts := o.wizardOptions(d, flavor, path)
		if existing != nil {
			// The Review shows what the new API adds to the file.
			opts = o.addition(existing, flavor).wizard()
			opts.Design = d
		}
		a, err := o.wizard.run(cmd, opts)
		if err != nil {
			return err
		}
		// The consent given on the Review screen is that of --grant.
		d, o.grant, asked = a.Design, a.Grant, true
		if opts.ChooseFormat {
			flavor = answeredFlavor(a)
		}
	}
	if d, err = o.validate(cmd, d, file, existing); err != nil {
		return err
	}
	if o.stubsOnly {
		return writeStubsOnly(cmd.ErrOrStderr(), filepath.Dir(path), stub.For(d))
	}
	if existing != nil {
		if err := nameFree(existing, d.Name); err != nil {
			return err
		}
		return o.addTo(cmd, existing, d, flavor, o.yes || asked)
	}
	return o.write(cmd, d, flavor, path, asked)
}

// addition is the edit that adds the new API to an existing template.
func (o *newOptions) addition(t *render.Template, flavor render.Flavor) templateEdit {
	return templateEdit{t: t, opt: render.EditOptions{Flavor: flavor, Grant: o.grant}, stubs: o.writesStubs(flavor)}
}

// addTo adds the API to an existing template, shows the diff and writes:
// with yes, or when the user confirms at a terminal, as edit does.
func (o *newOptions) addTo(cmd *cobra.Command, t *render.Template, d model.Design, flavor render.Flavor, yes bool) error {
	te := o.addition(t, flavor)
	out, ch, err := te.apply(d)
	if err != nil {
		return err
	}
	return te.commit(cmd, d, out, ch, commitOptions{yes: yes, force: o.force, diff: cmd.ErrOrStderr()})
}

// nameFree refuses a new API named as one the template already has: run
// twice, new would otherwise add the same API again under another logical
// ID.
func nameFree(t *render.Template, name string) error {
	apis, err := render.Import(t)
	if err != nil {
		return withCode(ExitUsage, err)
	}
	for _, a := range apis {
		if a.Design.Name == name {
			where := a.NameNode
			if where == nil {
				where = a.Resource.Key
			}
			return usageErrorf("%s: %s already has a WebSocket API named %s (%s); change it with wsdesign edit %s --api %s, or give the new one another --name",
				t.Pos(where), t.Path, name, a.Resource.ID, t.Path, a.Resource.ID)
		}
	}
	return nil
}

// collect gathers the design from the design file and the flags; flags win
// over the file. file is nil without --design.
func (o *newOptions) collect(cmd *cobra.Command, existing *render.Template) (d model.Design, file *designfile.File, err error) {
	if o.runtime != "" {
		if err := designfile.ValidateRuntime(o.runtime); err != nil {
			return d, nil, usageErrorf("--runtime: %w", err)
		}
	}
	r := designfile.Resolver{Runtime: o.runtime}
	if existing != nil {
		r.Existing = functionTypes(existing)
	}
	if o.designPath != "" {
		if len(o.endpoints) > 0 || o.authorizer != "" || len(o.identitySources) > 0 {
			return d, nil, usageErrorf("--design: give the endpoints and the authorizer either in the design file or with --endpoint, --authorizer and --identity-source, not both")
		}
		src, err := readDesign(cmd, o.designPath)
		if err != nil {
			return d, nil, usageErrorf("--design: %w", err)
		}
		if file, err = designfile.Decode(o.designPath, src, r); err != nil {
			return d, nil, usageErrorf("%w", err)
		}
		d = file.Design
	}
	flags := cmd.Flags()
	for _, s := range []struct {
		flag string
		src  string
		dst  *string
	}{
		{"name", o.name, &d.Name}, {"logical-id", o.logicalID, &d.LogicalID},
		{"route-selector", o.routeSelector, &d.RouteSelector}, {"stage", o.stage, &d.Stage},
		{"description", o.description, &d.Description},
	} {
		if flags.Changed(s.flag) {
			*s.dst = s.src
		}
	}
	for _, spec := range o.endpoints {
		e, err := r.ParseEndpoint(spec)
		if err != nil {
			return d, nil, usageErrorf("--endpoint %w", err)
		}
		d.Endpoints = append(d.Endpoints, e)
	}
	if o.authorizer != "" {
		d.Authorizer = &model.Authorizer{Handler: r.Link(o.authorizer), IdentitySource: o.identitySources}
	} else if len(o.identitySources) > 0 {
		return d, nil, usageErrorf("--identity-source: give --authorizer too; identity sources belong to an authorizer")
	}
	r.FillHandlers(&d)
	return d, file, nil
}

// missing names the flag of the first required answer the design lacks.
func missing(d model.Design) error {
	if strings.TrimSpace(d.Name) == "" {
		return usageErrorf("--name is required (or name in a --design file)")
	}
	if len(d.Endpoints) == 0 {
		return usageErrorf("--endpoint is required: give at least one, such as --endpoint '$default=DefaultFunction'")
	}
	return nil
}

// validate fills the defaults and checks the design. Every problem names the
// flag or the design file position it came from; warnings are printed and
// do not stop.
func (o *newOptions) validate(cmd *cobra.Command, d model.Design, file *designfile.File, existing *render.Template) (model.Design, error) {
	d.Normalize()
	where := o.locator(cmd.Flags().Changed, file)
	var taken func(string) bool
	if existing != nil {
		taken = existing.Taken()
	}
	var msgs []string
	for _, p := range d.Validate(taken) {
		msg := where(p.Field) + ": " + p.Message
		if p.Severity == model.Warning {
			fmt.Fprintln(cmd.ErrOrStderr(), "warning: "+msg)
			continue
		}
		msgs = append(msgs, msg)
	}
	if len(msgs) > 0 {
		return d, usageErrorf("%s", strings.Join(msgs, "\n"))
	}
	return d, nil
}

// locator names where a design field was given: the flag, or the design
// file's line and column.
func (o *newOptions) locator(changed func(string) bool, file *designfile.File) func(field string) string {
	flagOf := map[string]string{
		model.FieldName: "name", model.FieldLogicalID: "logical-id", model.FieldRouteSelector: "route-selector",
		model.FieldStage: "stage", model.FieldDescription: "description",
		model.FieldAuthorizer: "authorizer", model.FieldIdentitySource: "identity-source", model.FieldEndpoints: "endpoint",
	}
	return func(field string) string {
		flag := flagOf[field]
		var i int
		if _, err := fmt.Sscanf(field, "endpoints[%d]", &i); err == nil {
			flag = "endpoint"
			if file == nil && i < len(o.endpoints) {
				return fmt.Sprintf("--endpoint %q", o.endpoints[i])
			}
		}
		if file != nil && (flag == "" || !changed(flag)) {
			return file.Pos(field).String() + ": " + field
		}
		if flag == "" {
			return field
		}
		return "--" + flag
	}
}

// wizardOptions show the wizard the template new would write.
func (o *newOptions) wizardOptions(d model.Design, flavor render.Flavor, path string) tui.Options {
	// A new file's format is the wizard's to choose; YAML or JSON follows
	// the file's name.
	return tui.Options{Design: d, ChooseFormat: true, CloudFormation: flavor == render.CFN,
		IDs: model.PlanOptions{FunctionRoles: flavor == render.CFN}, Preview: func(a tui.Answers) tui.Preview {
			d, flavor := a.Design, answeredFlavor(a)
			frag, out, err := o.encode(d, flavor, path)
			if err != nil {
				return tui.Preview{Err: err}
			}
			target := path
			if o.stdout {
				target = "standard output"
			}
			return review(path, target, out, frag.Plan, flavor, o.writesStubs(flavor), d)
		}}
}

// review is what the wizard's Review screen shows of a template about to be
// written to target: its text, its resources, the files written with it
// (handler stubs when stubs is set) and what check finds in it.
func review(path, target string, out []byte, plan model.Plan, flavor render.Flavor, stubs bool, d model.Design) tui.Preview {
	types := map[string]string{}
	for _, id := range plan.All() {
		types[id.Value] = render.ResourceType(id.Role, flavor)
	}
	p := tui.Preview{YAML: string(out), Types: types, Files: []string{target}}
	if stubs {
		dir := filepath.Dir(path)
		plan, err := planStubs(dir, stub.For(d))
		if err != nil {
			return tui.Preview{Err: err}
		}
		for _, f := range plan.Write {
			p.Files = append(p.Files, filepath.Join(dir, filepath.FromSlash(f.Path)))
		}
		for _, k := range plan.Kept {
			p.Files = append(p.Files, filepath.Join(dir, filepath.FromSlash(k))+" (exists: kept as it is)")
		}
	}
	// What check would say of the written file, shown before it is.
	tpl, err := render.Parse(path, out)
	if err == nil {
		var findings []check.Finding
		if findings, err = check.Template(tpl); err == nil {
			for _, f := range findings {
				p.Findings = append(p.Findings, tui.Finding{Severity: f.Severity().String(), Text: f.String()})
			}
		}
	}
	p.Err = err
	return p
}

// encode renders the design as the bytes of the template.
func (o *newOptions) encode(d model.Design, flavor render.Flavor, path string) (render.Fragment, []byte, error) {
	frag, err := render.Build(d, render.Options{Flavor: flavor})
	if err != nil {
		return frag, nil, usageErrorf("%w", err)
	}
	out, err := render.Encode(render.NewTemplate(frag, render.Description(d)), render.OutputFormat(path, o.json), render.DefaultIndent)
	if err != nil {
		return frag, nil, err
	}
	return frag, out, refuseNewErrors(path, nil, out)
}

// write renders the design and writes it atomically, or to standard output.
// asked tells that the design came from the wizard rather than from flags.
func (o *newOptions) write(cmd *cobra.Command, d model.Design, flavor render.Flavor, path string, asked bool) error {
	frag, out, err := o.encode(d, flavor, path)
	if err != nil {
		return err
	}
	if o.stdout {
		if _, err := cmd.OutOrStdout().Write(out); err != nil {
			return err
		}
		if flavor == render.SAM && !o.noStubs {
			o.noteStubs(cmd, stub.For(d), asked)
		}
		return nil
	}
	var stubs []stub.File
	if o.writesStubs(flavor) {
		stubs = stub.For(d)
	}
	// Written whole or not at all, and never over a file that appeared while
	// the wizard was open.
	err = writeAll(cmd.ErrOrStderr(), path, stubs, func() error {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return fmt.Errorf("writing %s: %w", path, err)
		}
		return fileio.CreateFile(path, out, 0o644)
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(cmd.ErrOrStderr(), "The template holds WebSocket API %s (%s), %s, %s.\n",
		d.Name, frag.Plan.API.Value, count(len(d.Endpoints), "endpoint"), count(len(frag.Resources), "resource"))
	if flavor == render.SAM {
		fmt.Fprintf(cmd.ErrOrStderr(), "Deploy with: sam build -t %s && sam deploy --guided\n", path)
	} else {
		fmt.Fprintf(cmd.ErrOrStderr(), "Deploy with: aws cloudformation deploy --template-file %s --stack-name %s --capabilities CAPABILITY_IAM\n",
			path, strings.ToLower(frag.Plan.API.Value))
	}
	return nil
}

// noteStubs says, for a template written to standard output, that sam build
// needs the code of its new functions, and gives the command that writes
// their handler stubs: the same command with --stubs-only instead of
// --stdout, or, after the wizard, new with a FILE.
func (o *newOptions) noteStubs(cmd *cobra.Command, stubs []stub.File, asked bool) {
	var folders []string
	for _, f := range stubs {
		if dir := path.Dir(f.Path) + "/"; !slices.Contains(folders, dir) {
			folders = append(folders, dir)
		}
	}
	if len(folders) == 0 {
		return
	}
	run := "wsdesign new FILE (without --stdout, FILE a template that does not exist yet: new writes it and its stubs)"
	if !asked {
		run = commandLine(cmd, "stdout") + " --stubs-only"
	}
	fmt.Fprintf(cmd.ErrOrStderr(), "note: standard output got the template only: sam build needs the code of its new functions in %s\n"+
		"beside the template. Write their handler stubs there with:\n  %s\n", strings.Join(folders, ", "), run)
}

// commandLine is the command as given, in a form the shell reads back, less
// the flags named in drop.
func commandLine(cmd *cobra.Command, drop ...string) string {
	words := []string{cmd.CommandPath()}
	cmd.Flags().Visit(func(f *pflag.Flag) {
		if slices.Contains(drop, f.Name) {
			return
		}
		switch v := f.Value.(type) {
		case pflag.SliceValue:
			for _, s := range v.GetSlice() {
				words = append(words, "--"+f.Name, shellQuote(s))
			}
		default:
			if f.Value.Type() == "bool" && f.Value.String() == "true" {
				words = append(words, "--"+f.Name)
			} else {
				words = append(words, "--"+f.Name, shellQuote(f.Value.String()))
			}
		}
	})
	for _, a := range cmd.Flags().Args() {
		words = append(words, shellQuote(a))
	}
	return strings.Join(words, " ")
}

// shellQuote quotes s for a POSIX shell when it holds more than letters,
// digits and punctuation the shell leaves alone.
func shellQuote(s string) string {
	if s != "" && strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_@%+=:,./-") == "" {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// writesStubs reports whether new writes handler stubs beside the template:
// SAM functions need code in their folders for sam build to succeed, while
// plain CloudFormation functions carry theirs inline.
func (o *newOptions) writesStubs(flavor render.Flavor) bool {
	return flavor == render.SAM && !o.noStubs && !o.stdout
}

func readDesign(cmd *cobra.Command, path string) ([]byte, error) {
	return fileio.Read(path, cmd.InOrStdin(), designfile.MaxSize)
}

// count is "1 endpoint", "3 endpoints".
func count(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
