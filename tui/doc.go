// Package tui is wsdesign's interactive wizard: one root Bubble Tea model
// whose screens (API, Endpoints, Endpoint, Lambda link, Authorizer, Review)
// edit a model.Design, a side panel listing every logical ID the design will
// be written under, and the same questions as plain line prompts for screen
// readers (accessible mode).
//
// The wizard never touches the filesystem: the caller passes in what it knows
// of the target template (functions, taken logical IDs) and a Preview
// function that renders a design, and receives the finished design from Run.
package tui
