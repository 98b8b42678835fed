// Package event is the one stream of what happens while `wsdesign dev` serves an API:
// connections, messages, route choices, invocations, pushes, function output and warnings.
// The log writers and the dashboard both read it.
package event
