package render

import (
	udiff "github.com/aymanbagabas/go-udiff"
)

// Diff is the unified diff between two versions of a template, empty when
// they are equal.
func Diff(path string, before, after []byte) string {
	if string(before) == string(after) {
		return ""
	}
	return udiff.Unified("a/"+path, "b/"+path, string(before), string(after))
}
