package check

import (
	"fmt"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/wsdesign/wsdesign/render"
)

// MaxResources is CloudFormation's limit of resources in one stack.
const MaxResources = 500

// deployedResources estimates how many resources a template has once the
// SAM transform has run: each SAM resource becomes the resources SAM
// generates for it. It returns the total and, per SAM type, what was added.
func deployedResources(t *render.Template) (total int, added map[string]int) {
	added = map[string]int{}
	implicitRestAPI, implicitHTTPAPI := false, false
	for _, res := range t.Resources() {
		n := 1
		switch res.Type {
		case "AWS::Serverless::Function", "AWS::Serverless::StateMachine":
			if res.Prop("Role") == nil {
				n++ // the generated execution role
			}
			if res.Prop("AutoPublishAlias") != nil {
				n += 2 // a Version and an Alias
			}
			events := res.Prop("Events")
			if events != nil && events.Kind == yaml.MappingNode {
				for _, ev := range render.Pairs(events) {
					typ, _ := render.Scalar(render.Get(ev, "Type"))
					n += eventResources(typ)
					switch typ {
					case "Api":
						implicitRestAPI = implicitRestAPI || render.Get(render.Get(ev, "Properties"), "RestApiId") == nil
					case "HttpApi":
						implicitHTTPAPI = implicitHTTPAPI || render.Get(render.Get(ev, "Properties"), "ApiId") == nil
					}
				}
			}
		case "AWS::Serverless::WebSocketApi":
			n++ // the stage
			if routes := res.Prop("Routes"); routes != nil && routes.Kind == yaml.MappingNode {
				n += 3 * len(routes.Content) / 2 // route, integration and permission per route
			}
			if auth := res.Prop("Auth"); auth != nil {
				if typ, _ := render.Scalar(render.Get(auth, "AuthType")); typ == "CUSTOM" {
					n++ // the authorizer
					if render.Get(auth, "InvokeRole") == nil {
						n++ // its permission
					}
				}
			}
			n += domainResources(res.Prop("Domain"))
		case "AWS::Serverless::Api":
			n += 2 + domainResources(res.Prop("Domain")) // deployment and stage
		case "AWS::Serverless::HttpApi":
			n += 1 + domainResources(res.Prop("Domain")) // stage
		}
		total += n
		if n > 1 {
			added[res.Type] += n - 1
		}
	}
	if implicitRestAPI {
		total += 3
		added["AWS::Serverless::Function"] += 3
	}
	if implicitHTTPAPI {
		total += 2
		added["AWS::Serverless::Function"] += 2
	}
	return total, added
}

// eventResources is how many resources SAM generates for a function event.
func eventResources(typ string) int {
	switch typ {
	case "Schedule", "CloudWatchEvent", "EventBridgeRule", "SNS", "ScheduleV2":
		return 2 // the rule, subscription or schedule, and a permission or role
	case "":
		return 0
	}
	return 1 // a permission or an event source mapping
}

// domainResources is how many resources a SAM Domain adds.
func domainResources(domain *yaml.Node) int {
	if domain == nil {
		return 0
	}
	n := 2 // the domain name and its mapping
	if render.Get(domain, "Route53") != nil {
		n++
	}
	return n
}

// checkResourceCount reports a template over CloudFormation's limit.
func (r *run) checkResourceCount() {
	total, added := deployedResources(r.t)
	if total <= MaxResources {
		return
	}
	written := len(r.t.Resources())
	var parts []string
	for _, typ := range []string{"AWS::Serverless::Function", "AWS::Serverless::StateMachine", "AWS::Serverless::WebSocketApi", "AWS::Serverless::Api", "AWS::Serverless::HttpApi"} {
		if added[typ] > 0 {
			parts = append(parts, fmt.Sprintf("%d for %s", added[typ], typ))
		}
	}
	msg := fmt.Sprintf("the template deploys about %d resources (limit %d)", total, MaxResources)
	if len(parts) > 0 {
		msg += fmt.Sprintf(": %d written and %d added by the SAM transform (%s)", written, total-written, strings.Join(parts, ", "))
	}
	// The finding belongs to the whole template: it sits on the Resources key.
	var key *yaml.Node
	for k := range render.Pairs(r.t.Root) {
		if k.Value == "Resources" {
			key = k
		}
	}
	r.reportTemplate(TooManyResources, key, msg)
}
