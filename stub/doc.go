// Package stub writes the handler code of the Lambda functions wsdesign
// creates, so that `sam build && sam deploy` works straight after the wizard:
// a template whose new functions point to a code folder that does not exist
// fails at `sam build`.
//
// For returns one small, idiomatic handler per new function, for its runtime
// (Node.js: index.mjs and package.json; Python: app.py), covering every route
// kind the function serves and the authorizer. It is pure: it returns the
// files and the command line decides where and whether to write them. The
// handlers come from templates embedded in the binary.
package stub
