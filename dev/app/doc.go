// Package app is the plain description of an API and its functions that `wsdesign dev` serves:
// pure data, produced by render from a template and read by the gateway and the function runner.
package app
