// Command wsdesign designs AWS API Gateway WebSocket APIs in the terminal and
// writes them into SAM or CloudFormation templates.
package main

import (
	"os"
	"runtime/debug"

	"github.com/wsdesign/wsdesign/internal/cli"
)

// Set by the release build through -ldflags "-X main.version=… -X main.commit=…".
var (
	version = ""
	commit  = ""
)

func main() {
	os.Exit(cli.Execute(buildInfo()))
}

// buildInfo falls back to what the Go toolchain recorded when the binary was
// not built by the release (go install, go run, go build).
func buildInfo() cli.BuildInfo {
	b := cli.BuildInfo{Version: version, Commit: commit}
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return b
	}
	if b.Version == "" {
		b.Version = info.Main.Version
	}
	for _, s := range info.Settings {
		switch {
		case s.Key == "vcs.revision" && b.Commit == "":
			b.Commit = s.Value
		case s.Key == "vcs.modified" && s.Value == "true" && b.Commit != "" && commit == "":
			b.Dirty = true
		}
	}
	return b
}
