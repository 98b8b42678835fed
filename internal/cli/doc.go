// Package cli is wsdesign's command line: one file per command, holding its
// flags and the wiring between the model, the renderer, the wizard and the
// filesystem. Exit codes are named in exit.go.
package cli
