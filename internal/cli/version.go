package cli

import (
	"fmt"

	"github.com/spf13/cobra"
)

// String is "v1.2.3 (abc1234)", or "devel" for a source build without tags.
func (b BuildInfo) String() string {
	v := b.Version
	if v == "" || v == "(devel)" {
		v = "devel"
	}
	if b.Commit != "" {
		c := b.Commit
		if len(c) > 12 {
			c = c[:12]
		}
		if b.Dirty {
			c += "-dirty"
		}
		v += " (" + c + ")"
	}
	return v
}

func newVersionCmd(info BuildInfo) *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print the version and commit",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			_, err := fmt.Fprintf(cmd.OutOrStdout(), "wsdesign %s\n", info)
			return err
		},
	}
}
