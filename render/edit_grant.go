package render

import (
	"go.yaml.in/yaml/v3"
)

// grant gives existing functions what they need to post to clients: the
// ManageConnections statement (in the Policies of a SAM function, or in a
// policy of the IAM role of a Lambda function when that role is in the
// template) and the callback URL variable. A need already met is skipped.
// It returns the needs it cannot meet, for the user to see.
//
// When the API exists only under a condition (cond, empty for none), what
// is written on a resource that does not carry that same condition is
// wrapped in Fn::If, so that it refers to the API only when the API exists.
func (e *Edit) grant(needs []FunctionNeed, cond string) (unmet []FunctionNeed, err error) {
	for _, n := range needs {
		fn, ok := e.resource(n.FunctionID)
		if !ok {
			unmet = append(unmet, n)
			continue
		}
		policyOwner, path, item := fn, []string{"Properties", "Policies"}, e.statementDoc(n.Statement)
		if fn.Type != TypeServerlessFunc {
			role, ok := e.roleOf(fn)
			if !ok {
				unmet = append(unmet, n)
				continue
			}
			policyOwner, item = role, e.nodes.mapping().
				set("PolicyName", e.nodes.str("ManageConnections")).
				set("PolicyDocument", e.statementDoc(n.Statement)).node
		}
		if Get(Get(fn.Prop("Environment"), "Variables"), n.EnvName) == nil {
			if err := e.Set(SectionResources, n.FunctionID, []string{"Properties", "Environment", "Variables", n.EnvName}, e.onlyIf(cond, fn, n.EnvValue)); err != nil {
				return nil, err
			}
		}
		if !hasStatement(policyOwner.Prop("Policies"), n.Statement) {
			if err := e.Append(SectionResources, policyOwner.ID, path, e.onlyIf(cond, policyOwner, item)); err != nil {
				return nil, err
			}
		}
	}
	return unmet, nil
}

// onlyIf is v, or !If [cond, v, !Ref AWS::NoValue] when the resource it is
// written on does not exist under the same condition.
func (e *Edit) onlyIf(cond string, on Resource, v *yaml.Node) *yaml.Node {
	if own, _ := Scalar(Get(on.Node, "Condition")); cond == "" || own == cond {
		return v
	}
	n := e.nodes.seq(e.nodes.str(cond), v, e.nodes.ref("AWS::NoValue"))
	n.Tag, n.Style = "!If", yaml.TaggedStyle
	return n
}

// unlessIf is the value an !If [C, value, …] gives when C is true; any
// other node is itself.
func unlessIf(n *yaml.Node) *yaml.Node {
	if name, arg, ok := Intrinsic(n); ok && name == "If" && arg.Kind == yaml.SequenceNode && len(arg.Content) == 3 {
		return arg.Content[1]
	}
	return n
}

// mayPost reports whether a function already may post to the connections
// of an API: a statement of its Policies (or of its role's) allows
// execute-api:ManageConnections (or execute-api:*) on a resource that refers
// to the API. Such a function finds the callback URL its own way (often
// from the request context), so it needs nothing more.
func (e *Edit) mayPost(functionID, api string) bool {
	fn, ok := e.resource(functionID)
	if !ok {
		return false
	}
	policies := []*yaml.Node{fn.Prop("Policies")}
	if role, ok := e.roleOf(fn); ok {
		policies = append(policies, role.Prop("Policies"))
	}
	for _, ps := range policies {
		if ps == nil {
			continue
		}
		for _, p := range ps.Content {
			p = unlessIf(p)
			if doc := Get(p, "PolicyDocument"); doc != nil {
				p = doc
			}
			st := Get(p, "Statement")
			if st == nil {
				continue
			}
			for _, s := range append([]*yaml.Node{st}, st.Content...) {
				if allowsManageConnections(Get(s, "Action")) && RefersTo(Get(s, "Resource"), api) {
					return true
				}
			}
		}
	}
	return false
}

func allowsManageConnections(action *yaml.Node) bool {
	if action == nil {
		return false
	}
	for _, a := range append([]*yaml.Node{action}, action.Content...) {
		if v, ok := Scalar(a); ok && (v == manageConnections || v == "execute-api:*") {
			return true
		}
	}
	return false
}

// statementDoc is an IAM policy document holding one statement.
func (e *Edit) statementDoc(stmt *yaml.Node) *yaml.Node {
	return e.nodes.mapping().set("Version", e.nodes.str(iamPolicyVersion)).set("Statement", e.nodes.seq(stmt)).node
}

// roleOf finds the IAM role of a Lambda function among the template's
// resources.
func (e *Edit) roleOf(fn Resource) (Resource, bool) {
	for _, id := range Refs(fn.Prop("Role")) {
		if r, ok := e.resource(id); ok && r.Type == TypeIAMRole {
			return r, true
		}
	}
	return Resource{}, false
}

// hasStatement reports whether a Policies value holds the statement.
func hasStatement(policies, stmt *yaml.Node) bool {
	if policies == nil {
		return false
	}
	for _, p := range policies.Content {
		p = unlessIf(p)
		if doc := Get(p, "PolicyDocument"); doc != nil {
			p = doc
		}
		if st := Get(p, "Statement"); st != nil {
			for _, s := range st.Content {
				if Same(s, stmt) {
					return true
				}
			}
		}
	}
	return false
}
