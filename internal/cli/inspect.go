package cli

import (
	"cmp"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"
	"github.com/wsdesign/wsdesign/render"
)

func newInspectCmd() *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "inspect FILE",
		Short: "Print the WebSocket APIs read back from a template",
		Long: "inspect reads the WebSocket APIs of a SAM or CloudFormation template (raw\n" +
			"AWS::ApiGatewayV2::Api with ProtocolType WEBSOCKET, and AWS::Serverless::WebSocketApi)\n" +
			"and prints each as a tree: selector, stages, deployment and every route with its mode,\n" +
			"integration, handler and authorizer. --json prints the design in the shape that\n" +
			"ws-check --design prints.",
		Args:              exactArgs("FILE"),
		ValidArgsFunction: completeTemplate,
		RunE: func(cmd *cobra.Command, args []string) error {
			t, apis, err := importFile(args[0])
			if err != nil {
				return err
			}
			out := cmd.OutOrStdout()
			if asJSON {
				enc := json.NewEncoder(out)
				enc.SetEscapeHTML(false)
				enc.SetIndent("", "  ")
				return enc.Encode(render.Summarize(apis))
			}
			return writeInspection(out, t, apis)
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the design as JSON (the shape of ws-check --design)")
	return cmd
}

// importFile reads, parses and imports a template. Every failure is bad
// input (exit 2); a template error carries file:line:col.
func importFile(path string) (*render.Template, []render.API, error) {
	t, err := render.Load(path)
	if err != nil {
		return nil, nil, withCode(ExitUsage, err)
	}
	apis, err := render.Import(t)
	if err != nil {
		return nil, nil, withCode(ExitUsage, err)
	}
	return t, apis, nil
}

// writeInspection prints the APIs as a readable tree.
func writeInspection(w io.Writer, t *render.Template, apis []render.API) error {
	var b strings.Builder
	if len(apis) == 0 {
		fmt.Fprintf(&b, "%s: no WebSocket API\n", t.Path)
	}
	for i, a := range apis {
		if i > 0 {
			b.WriteByte('\n')
		}
		d := a.Design
		fmt.Fprintf(&b, "%s  %s  %s\n", a.Resource.ID, a.Resource.Type, t.Pos(a.Resource.Key))
		fmt.Fprintf(&b, "  name        %s\n", orNone(cmp.Or(render.AsWritten(a.NameNode, t.Format), d.Name)))
		sel := orNone(a.RouteSelectionExpression)
		if d.RouteSelector == "" && a.RouteSelectionExpression != "" {
			sel += "  (does not read the message body)"
		}
		fmt.Fprintf(&b, "  selector    %s\n", sel)
		if d.Description != "" {
			fmt.Fprintf(&b, "  description %s\n", d.Description)
		}
		var stages []string
		for _, s := range a.Stages {
			desc := cmp.Or(render.AsWritten(s.NameNode, t.Format), s.Name)
			switch {
			case s.ID == "":
				desc += " (implicit, auto-deploy)"
			case s.AutoDeploy:
				desc += " (" + s.ID + ", auto-deploy)"
			case s.DeploymentID != "":
				desc += " (" + s.ID + ", deployment " + s.DeploymentID + ")"
			default:
				desc += " (" + s.ID + ", not deployed)"
			}
			stages = append(stages, desc)
		}
		fmt.Fprintf(&b, "  stages      %s\n", orNone(strings.Join(stages, ", ")))
		fmt.Fprintf(&b, "  deployment  %s\n", a.Deployment)
		for _, az := range a.Authorizers {
			id := az.ID
			if id == "" {
				id = "(Auth)"
			}
			fmt.Fprintf(&b, "  authorizer  %s  %s → %s  identity %s\n", id, orNone(az.Type), handlerText(az.Handler), orNone(strings.Join(az.IdentitySource, ", ")))
		}
		fmt.Fprintf(&b, "  routes (%d)\n", len(a.Routes))
		tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
		rows := make([][]string, len(a.Routes))
		anyAuth := false
		for i, r := range a.Routes {
			mode := "1-way"
			if r.TwoWay {
				mode = "2-way"
			}
			auth := ""
			if r.AuthorizationType != "" && r.AuthorizationType != "NONE" {
				auth, anyAuth = r.AuthorizationType, true
				if r.AuthorizerID != "" {
					auth += " " + r.AuthorizerID
				}
			}
			handler := "→ " + handlerText(r.Handler)
			if r.Foreign() {
				handler += "  kept as is, not editable as a Lambda link"
			}
			rows[i] = []string{r.Key, mode, orNone(r.IntegrationType), auth, handler}
		}
		for _, row := range rows {
			if !anyAuth {
				// No route has an authorization: leave out the column.
				row = append(row[:3], row[4])
			}
			fmt.Fprintf(tw, "    %s\n", strings.Join(row, "\t"))
		}
		if err := tw.Flush(); err != nil {
			return err
		}
	}
	lines := strings.Split(b.String(), "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight(l, " ")
	}
	_, err := io.WriteString(w, strings.Join(lines, "\n"))
	return err
}

func orNone(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
}

// handlerText names a handler as inspect shows it, with the alias or
// version it goes through, or how it names the function when that is by
// its physical name rather than by reference.
func handlerText(f render.Invoked) string {
	s := orNone(f.String())
	switch {
	case f.Via != "":
		s += " (via " + f.Via + ")"
	case f.ByName:
		s += " (by the name its FunctionName gives it)"
	}
	return s
}
