// Package npm installs the Node.js packages `wsdesign dev` keeps in its cache
// (the AWS SDK clients Lambda's runtime bundles, the local DynamoDB), with a
// time limit, so that a registry that cannot be reached is an error that
// says so rather than a wait without end.
package npm

import (
	"context"
	"errors"
	"fmt"
	"os/exec"
	"strings"
	"time"
)

// timeout bounds one install.
var timeout = 5 * time.Minute

// Install runs `npm install` of pkgs into prefix with the npm at path (npm
// on PATH when empty).
func Install(ctx context.Context, path, prefix string, pkgs ...string) error {
	if path == "" {
		path = "npm"
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	args := append([]string{"install", "--prefix", prefix, "--no-audit", "--no-fund", "--loglevel=error"}, pkgs...)
	out, err := exec.CommandContext(ctx, path, args...).CombinedOutput()
	what := strings.Join(pkgs, " ")
	switch {
	case errors.Is(ctx.Err(), context.DeadlineExceeded):
		return fmt.Errorf("npm install %s did not finish within %v: can npm reach its registry (npm config get registry)?", what, timeout)
	case err != nil:
		return fmt.Errorf("npm install %s: %w\n%s", what, err, strings.TrimSpace(string(out)))
	}
	return nil
}
