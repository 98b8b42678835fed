package cli

import (
	"cmp"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/wsdesign/wsdesign/model"
	"github.com/wsdesign/wsdesign/render"
)

func newRouteCmd() *cobra.Command {
	var apiID string
	cmd := &cobra.Command{
		Use:   "route FILE MESSAGE",
		Short: "Show which endpoint a message reaches, and why",
		Long: "route simulates API Gateway's route selection: it evaluates the API's route selector\n" +
			"($request.body.<property>) against MESSAGE and prints the endpoint chosen, the value the\n" +
			"selector produced, why that endpoint was chosen ($default when the message is not a JSON\n" +
			"object, lacks the property or matches no route; rejected with Forbidden when there is no\n" +
			"$default), and the handler that runs. MESSAGE - reads the message from standard input.",
		Example: "  wsdesign route template.yaml '{\"action\": \"sendMessage\", \"text\": \"hi\"}'\n" +
			"  echo '{\"action\": \"join\"}' | wsdesign route template.yaml - --api ChatApi",
		Args:              exactArgs("FILE", "MESSAGE"),
		ValidArgsFunction: completeTemplate,
		RunE: func(cmd *cobra.Command, args []string) error {
			t, apis, err := importFile(args[0])
			if err != nil {
				return err
			}
			a, err := chooseAPI(args[0], apis, apiID)
			if err != nil {
				return err
			}
			message := []byte(args[1])
			if args[1] == "-" {
				// Read one byte past the limit, so that an endless input stops there.
				if message, err = io.ReadAll(io.LimitReader(cmd.InOrStdin(), maxMessage+1)); err != nil {
					return withCode(ExitUsage, fmt.Errorf("reading the message from standard input: %w", err))
				}
			}
			if len(message) > maxMessage {
				return usageErrorf("the message is over %d KB, API Gateway's limit for a WebSocket message: it closes the connection (1009)", maxMessage>>10)
			}
			if a.Design.RouteSelector == "" {
				at := cmp.Or(a.RouteSelectionNode, a.Resource.Key)
				return withCode(ExitUsage, t.Errorf(at, "API %s selects routes with %s, which cannot be simulated: wsdesign simulates $request.body.<property> selectors",
					a.Resource.ID, cmp.Or(a.RouteSelectionExpression, "no RouteSelectionExpression")))
			}
			answer, rejected := explainRoute(a, message)
			if _, err := io.WriteString(cmd.OutOrStdout(), answer); err != nil {
				return err
			}
			if rejected {
				return withCode(ExitFindings, nil)
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&apiID, "api", "", "logical ID of the API, when the template has several")
	_ = cmd.RegisterFlagCompletionFunc("api", completeAPI)
	return cmd
}

// chooseAPI picks the API a command works on: the only one, or the one --api names.
func chooseAPI(path string, apis []render.API, id string) (render.API, error) {
	ids := make([]string, len(apis))
	for i, a := range apis {
		ids[i] = a.Resource.ID
		if id != "" && a.Resource.ID == id {
			return a, nil
		}
	}
	switch {
	case len(apis) == 0:
		return render.API{}, usageErrorf("%s: no WebSocket API in this template", path)
	case id != "":
		return render.API{}, usageErrorf("--api %s: no such WebSocket API in %s (it has %s)", id, path, strings.Join(ids, ", "))
	case len(apis) > 1:
		return render.API{}, usageErrorf("%s has %d WebSocket APIs (%s): choose one with --api", path, len(apis), strings.Join(ids, ", "))
	}
	return apis[0], nil
}

// maxMessage is API Gateway's limit on a WebSocket message.
const maxMessage = 128 << 10

// explainRoute says which endpoint of a message reaches, why, and what runs;
// rejected is true when API Gateway answers Forbidden.
func explainRoute(a render.API, message []byte) (answer string, rejected bool) {
	sel := a.Design.Select(message)
	var b strings.Builder
	if sel.Rejected {
		fmt.Fprintf(&b, "endpoint  none: API Gateway rejects the message; the client receives {\"message\": \"Forbidden\"}\n")
	} else {
		fmt.Fprintf(&b, "endpoint  %s\n", sel.Route)
	}
	expr := a.Design.RouteSelectionExpression()
	if sel.HasValue {
		fmt.Fprintf(&b, "selector  %s = %q\n", expr, sel.Value)
	} else {
		fmt.Fprintf(&b, "selector  %s has no value\n", expr)
	}
	fmt.Fprintf(&b, "why       %s\n", sel.Explain(a.Design.RouteSelector))
	if near := caseOnlyMatch(a, sel); near != "" {
		fmt.Fprintf(&b, "hint      did you mean %q? Routes match exactly, case included\n", near)
	}
	if sel.Rejected {
		return b.String(), true
	}
	for _, rt := range a.Routes {
		if rt.Key != sel.Route {
			continue
		}
		fmt.Fprintf(&b, "handler   %s\n", routeHandler(rt))
		if rt.ID != "" {
			fmt.Fprintf(&b, "route     %s\n", rt.ID)
		}
		switch {
		case !rt.TwoWay || model.OneWayOnly(rt.Key):
		case rt.RouteResponseSelectionExpression != "" && (a.SAM || len(rt.RouteResponseIDs) > 0):
			b.WriteString("mode      2-way: the handler's answer is sent back to the client\n")
		default:
			b.WriteString("mode      2-way but incomplete: the handler's answer is never sent (see wsdesign check)\n")
		}
		break
	}
	return b.String(), false
}

// caseOnlyMatch is the route a case-insensitive match would have chosen, when
// the selector's value matched no route exactly.
func caseOnlyMatch(a render.API, sel model.Selection) string {
	if !sel.HasValue || (!sel.Rejected && sel.Route != model.RouteDefault) {
		return ""
	}
	for _, rt := range a.Routes {
		if rt.Key != sel.Value && strings.EqualFold(rt.Key, sel.Value) && !strings.HasPrefix(rt.Key, "$") {
			return rt.Key
		}
	}
	return ""
}

// routeHandler names what runs for a route.
func routeHandler(rt render.Route) string {
	switch {
	case rt.Handler.Describe() != "":
		return rt.Handler.Describe()
	case rt.IntegrationType != "":
		return "no Lambda: a " + rt.IntegrationType + " integration"
	}
	return "nothing: the route has no integration"
}
