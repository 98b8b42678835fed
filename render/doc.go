// Package render turns a model.Design into CloudFormation template resources
// and reads the WebSocket APIs of a template back into designs.
//
// A template is kept as a yaml.Node tree next to its source bytes, so that
// every position can be reported as file:line:col and every byte that an edit
// does not touch can be written back unchanged. This package knows
// CloudFormation and SAM; it knows nothing of the terminal.
package render
