package render

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
// requests without the identity source; verify its value here.
exports.handler = async (event) => ({
  principalId: 'client',
  policyDocument: {
    Version: '2012-10-17',
    Statement: [{ Action: 'execute-api:Invoke', Effect: 'Allow', Resource: event.methodArn }],
  },
});
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
# requests without the identity source; verify its value here.
def handler(event, context):
    return {
        "principalId": "client",
        "policyDocument": {
            "Version": "2012-10-17",
            "Statement": [{"Action": "execute-api:Invoke", "Effect": "Allow", "Resource": event["methodArn"]}],
        },
    }
`

// inlineCode is the ZipFile of a new function in a runtime; authorizer is
// true for a function that only authorizes connections.
func inlineCode(runtime string, authorizer bool) string {
	switch {
	case isPython(runtime) && authorizer:
		return pythonAuthorizer
	case isPython(runtime):
		return pythonHandler
	case authorizer:
		return nodeAuthorizer
	}
	return nodeHandler
}
