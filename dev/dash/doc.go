// Package dash is the terminal dashboard of `wsdesign dev`: the API being
// served, its open connections, a live log of what happens (routes chosen
// and why, invocations, replies, pushes, refusals, the functions' output),
// the whole of one event, and a built-in client to try the API with.
//
// It does no IO of its own: it is fed the server's events and answers as
// messages, and asks for connections, sends and files through Control, as
// the wizard keeps IO out of package tui.
package dash
