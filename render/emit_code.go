package render

import (
	"fmt"

	"github.com/wsdesign/wsdesign/stub"
)

// The inline code of new functions in plain CloudFormation: small handlers
// that work as deployed, so that the API answers before the user writes a
// line, and that show where the request's facts are.

const nodeHandler = `// Handles the WebSocket routes linked to this function. The callback URL to
// post messages to a connection is in process.env.CALLBACK_URL.
exports.handler = async (event) => {
  const { routeKey, connectionId } = event.requestContext;
  console.log(JSON.stringify({ routeKey, connectionId, body: event.body }));
  // On a 2-way route this body is sent back to the client.
  return { statusCode: 200, body: JSON.stringify({ routeKey, connectionId }) };
};
`

const nodeAuthorizer = `// Authorizes clients when they connect. API Gateway has already refused
// requests without the identity source, %[1]s.
// Until a real check (a session lookup, a JWT) replaces it, a token is good
// when it equals the %[2]s environment variable; with %[2]s unset,
// everyone is denied.
exports.handler = async (event) => {
  const token = %[3]s;
  const expected = process.env.%[2]s;
  const effect = Boolean(expected) && token === expected ? 'Allow' : 'Deny';
  return {
    principalId: 'client',
    policyDocument: {
      Version: '2012-10-17',
      Statement: [{ Action: 'execute-api:Invoke', Effect: effect, Resource: event.methodArn }],
    },
  };
};
`

const pythonHandler = `# Handles the WebSocket routes linked to this function. The callback URL to
# post messages to a connection is in os.environ["CALLBACK_URL"].
import json


def handler(event, context):
    ctx = event["requestContext"]
    print(json.dumps({"routeKey": ctx["routeKey"], "connectionId": ctx["connectionId"], "body": event.get("body")}))
    # On a 2-way route this body is sent back to the client.
    return {"statusCode": 200, "body": json.dumps({"routeKey": ctx["routeKey"], "connectionId": ctx["connectionId"]})}
`

const pythonAuthorizer = `# Authorizes clients when they connect. API Gateway has already refused
# requests without the identity source, %[1]s.
# Until a real check (a session lookup, a JWT) replaces it, a token is good
# when it equals the %[2]s environment variable; with %[2]s unset,
# everyone is denied.
import os


def handler(event, context):
    token = %[3]s
    expected = os.environ.get("%[2]s")
    effect = "Allow" if expected and token == expected else "Deny"
    return {
        "principalId": "client",
        "policyDocument": {
            "Version": "2012-10-17",
            "Statement": [{"Action": "execute-api:Invoke", "Effect": effect, "Resource": event["methodArn"]}],
        },
    }
`

// inlineCode is the ZipFile of a new function in a runtime. identity is the
// identity source of a function that only authorizes connections, and
// empty for one that handles routes.
func inlineCode(runtime, identity string) string {
	if identity == "" {
		if isPython(runtime) {
			return pythonHandler
		}
		return nodeHandler
	}
	js, py := stub.TokenExpressions(identity)
	if isPython(runtime) {
		return fmt.Sprintf(pythonAuthorizer, identity, stub.AuthTokenEnv, py)
	}
	return fmt.Sprintf(nodeAuthorizer, identity, stub.AuthTokenEnv, js)
}
