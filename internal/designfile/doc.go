// Package designfile reads a WebSocket API design given on the command line:
// a design file (YAML or JSON, the shape oracle/cdk-reference reads) and the
// --endpoint flag syntax. Both resolve handler names through one Resolver,
// so a name means the same function wherever it is written.
package designfile
