package cli

import (
	"fmt"
	"runtime/debug"

	"github.com/spf13/cobra"
)

// NewBuildInfo is the version a binary reports: what the release build set
// through -ldflags (version, commit, date), else what the Go toolchain
// recorded from the checkout it built (go build -buildvcs=true, go install).
// info is nil when the binary carries no build information.
func NewBuildInfo(version, commit, date string, info *debug.BuildInfo) BuildInfo {
	b := BuildInfo{Version: version, Commit: commit, Date: date}
	if info == nil {
		return b
	}
	if b.Version == "" && info.Main.Version != "(devel)" {
		b.Version = info.Main.Version
	}
	if commit != "" {
		// A release: the toolchain's record is of the same commit.
		return b
	}
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			b.Commit = s.Value
		case "vcs.time":
			b.Date = s.Value
		case "vcs.modified":
			b.Dirty = s.Value == "true"
		}
	}
	return b
}

// String is "v1.2.3 (abc1234)", or "devel" for a source build without tags.
func (b BuildInfo) String() string {
	v := b.Version
	if v == "" {
		v = "devel"
	}
	if c := b.shortCommit(); c != "" {
		v += " (" + c + ")"
	}
	return v
}

func (b BuildInfo) shortCommit() string {
	c := b.Commit
	if len(c) > 12 {
		c = c[:12]
	}
	if c != "" && b.Dirty {
		c += "-dirty"
	}
	return c
}

// Describe is what `wsdesign version` prints: the version with its commit
// and date, or plainly that this is a development build.
func (b BuildInfo) Describe() string {
	switch {
	case b.Commit == "" && b.Version != "":
		// go install of a tagged module: the version names the source.
		return "wsdesign " + b.Version
	case b.Commit == "":
		return "wsdesign " + b.String() + ": a development build, with no commit recorded (go run, or go build without -buildvcs=true)"
	}
	s := "wsdesign " + b.String() + "\ncommit   " + b.Commit
	if b.Dirty {
		s += " with uncommitted changes"
	}
	if b.Date != "" {
		s += "\ndate     " + b.Date
	}
	return s
}

func newVersionCmd(info BuildInfo) *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print the version, commit and build date",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			_, err := fmt.Fprintln(cmd.OutOrStdout(), info.Describe())
			return err
		},
	}
}
