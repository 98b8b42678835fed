// Package model is the WebSocket API design that wsdesign edits: the API, its
// endpoints, the Lambda functions linked to them and the optional authorizer.
//
// It derives the CloudFormation logical IDs a design will be written under,
// validates every field with a message that names the field and the rule, and
// simulates API Gateway's route selection. It is pure: no IO, no terminal, no
// YAML. The render package turns a design into template resources and back.
package model
