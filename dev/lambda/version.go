package lambda

import (
	"context"
	"os/exec"
	"regexp"
	"strings"
	"time"
)

// VersionNote says how the interpreter dev runs a runtime's functions with
// differs from the version Lambda's runtime has: "Python 3.11.7 (python3),
// not Python 3.14", with what to do. It is "" where they match, for the
// runtimes that run the function's own executable, and where the version
// cannot be read (a missing interpreter is reported when a function starts).
// versions caches what each interpreter said, for the runtimes of one app.
func VersionNote(runtime string, opt Options, versions map[string]string) string {
	var program, want string
	switch {
	case strings.HasPrefix(runtime, "nodejs"):
		program = opt.Node
		if program == "" {
			program = "node"
		}
		want = strings.TrimSuffix(strings.TrimPrefix(runtime, "nodejs"), ".x")
	case strings.HasPrefix(runtime, "python"):
		program = opt.Python
		if program == "" {
			program = "python3"
		}
		want = strings.TrimPrefix(runtime, "python")
	default:
		return ""
	}
	got, ok := versions[program]
	if !ok {
		got = interpreterVersion(program)
		versions[program] = got
	}
	if got == "" || got == want || strings.HasPrefix(got, want+".") {
		return ""
	}
	if strings.HasPrefix(runtime, "nodejs") {
		return "Node.js " + got + " (" + program + "), not Node.js " + want + ": install Node.js " + want + " to run them as Lambda does"
	}
	return "Python " + got + " (" + program + "), not Python " + want + ": pass --python with a Python " + want + " to run them as Lambda does"
}

var versionNumber = regexp.MustCompile(`\d+\.\d+(\.\d+)?`)

// interpreterVersion is the version an interpreter prints for --version, or
// "" where it cannot be run.
func interpreterVersion(program string) string {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, program, "--version").CombinedOutput()
	if err != nil {
		return ""
	}
	return versionNumber.FindString(string(out))
}
