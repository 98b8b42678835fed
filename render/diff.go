package render

import (
	"path/filepath"
	"strings"

	udiff "github.com/aymanbagabas/go-udiff"
)

// Diff is the unified diff between two versions of a template, empty when
// they are equal. The file is named as git names it (a/dir/t.yaml, also for
// an absolute path), so that patch -p1 and git apply take the diff.
func Diff(path string, before, after []byte) string {
	if string(before) == string(after) {
		return ""
	}
	name := strings.TrimLeft(filepath.ToSlash(path), "/")
	return udiff.Unified("a/"+name, "b/"+name, string(before), string(after))
}
