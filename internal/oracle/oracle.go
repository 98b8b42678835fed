// Package oracle runs, from tests, the independent checks that sit beside
// the project in ../shared/oracle: AWS's offline CloudFormation validator
// (cfn-validate), the WebSocket wiring checker (ws-check) and the AWS CDK's
// template for a design (cdk-reference). They run on Node.js; a test that
// needs them is skipped, saying why, only where node or npm is missing.
package oracle

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// Dir is the folder of the checks. It is found from this file's place in
// the module, not from the working folder, which some tests change.
func Dir(t testing.TB) string {
	t.Helper()
	for _, tool := range []string{"node", "npm"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("the oracle checks need %s, which is not installed (apt-get install nodejs npm); .ci/run installs it and runs them", tool)
		}
	}
	_, file, _, ok := runtime.Caller(0)
	if !ok {
		t.Fatal("oracle: cannot locate the module")
	}
	dir := filepath.Join(filepath.Dir(file), "..", "..", "..", "shared", "oracle")
	if _, err := os.Stat(dir); err != nil {
		t.Fatalf("oracle: %v: the shared folder must sit beside the project", err)
	}
	return dir
}

// Run runs one check and returns what it printed on standard output and its
// exit code: 0 when it found nothing, 1 when it found something. Anything
// else (a usage error, an unreadable template) fails the test.
func Run(t testing.TB, tool string, args ...string) ([]byte, int) {
	t.Helper()
	cmd := exec.Command(filepath.Join(Dir(t), tool), args...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	var exit *exec.ExitError
	switch {
	case err == nil:
		return out, 0
	case errors.As(err, &exit) && exit.ExitCode() == 1:
		return out, 1
	}
	t.Fatalf("%s %s: %v\n%s%s", tool, strings.Join(args, " "), err, out, stderr.Bytes())
	return nil, 2
}

// Clean reports, as test errors, every finding of AWS's validator (ERROR or
// FATAL) and of the wiring checker in the templates.
func Clean(t testing.TB, templates ...string) {
	t.Helper()
	for _, tool := range []string{"cfn-validate", "ws-check"} {
		if out, code := Run(t, tool, templates...); code != 0 {
			t.Errorf("%s finds problems:\n%s", tool, out)
		}
	}
}

// PythonRequired reports whether the checks that run on python3 (SAM's
// translator, cfn-lint, PyYAML) must run: .ci/run found a python3 that has
// them all and set WSDESIGN_PYTHON_CHECKERS=required.
func PythonRequired() bool { return os.Getenv("WSDESIGN_PYTHON_CHECKERS") == "required" }

// PythonMissing stops a test whose check runs on python3 where python3 lacks
// it, saying why: the test fails where the check is required, and is skipped
// elsewhere.
func PythonMissing(t testing.TB, why string) {
	t.Helper()
	if PythonRequired() {
		t.Fatalf("%s, though .ci/run found python3 with aws-sam-translator, cfn-lint and PyYAML", why)
	}
	t.Skipf("%s; pip install aws-sam-translator==1.110.0 cfn-lint==1.51.0 to run this test", why)
}
