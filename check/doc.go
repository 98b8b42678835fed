// Package check finds the wiring mistakes that break API Gateway WebSocket
// APIs in CloudFormation and SAM templates: mistakes CloudFormation accepts
// without a word and that show up only when a client connects or sends a
// message (missing invoke permissions, routes never deployed, two-way routes
// that never answer, authorizers that never run …).
//
// Each rule has a stable ID (WSD001 …), a severity, what goes wrong at run
// time and how to fix it; Rules lists them. Template runs every rule over a
// parsed template and returns the findings, each with the resource's logical
// ID and the file:line:col of the node at fault. The findings are written as
// text, JSON or SARIF 2.1.0 for code scanning.
//
// Rules read WebSocket APIs through render.Import, the same reading of the
// template that wsdesign edits, so check and edit never disagree about which
// route uses which integration and function.
package check
