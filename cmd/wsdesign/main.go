// Command wsdesign designs AWS API Gateway WebSocket APIs in the terminal and
// writes them into SAM or CloudFormation templates.
package main

import (
	"os"
	"runtime/debug"

	"github.com/wsdesign/wsdesign/internal/cli"
)

// Set by the release build through
// -ldflags "-X main.version=… -X main.commit=… -X main.date=…".
var (
	version = ""
	commit  = ""
	date    = ""
)

func main() {
	info, _ := debug.ReadBuildInfo()
	os.Exit(cli.Execute(cli.NewBuildInfo(version, commit, date, info)))
}
