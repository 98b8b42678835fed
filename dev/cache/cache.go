// Package cache fills folders of wsdesign's cache once: the packages dev
// installs for handlers (npm's, pip's), each in a folder of its own.
package cache

import (
	"fmt"
	"os"
	"path/filepath"
)

// Dir is wsdesign's cache folder, os.UserCacheDir()/wsdesign.
func Dir() (string, error) {
	dir, err := os.UserCacheDir()
	if err != nil {
		return "", fmt.Errorf("finding the cache folder: %w", err)
	}
	return filepath.Join(dir, "wsdesign"), nil
}

// Fill fills the folder prefix with fill, unless the file or folder
// marker below it is there: fill works in a temporary folder beside prefix,
// renamed to it once complete, so that an install cut short is never taken
// for one done, and two processes installing at once both succeed.
func Fill(prefix, marker, what string, say func(string), fill func(tmp string) error) (string, error) {
	installed := filepath.Join(prefix, marker)
	if _, err := os.Stat(installed); err == nil {
		return prefix, nil
	}
	if say != nil {
		say(fmt.Sprintf("installing %s into %s, once", what, prefix))
	}
	if err := os.MkdirAll(filepath.Dir(prefix), 0o755); err != nil {
		return "", fmt.Errorf("install %s: %w", what, err)
	}
	tmp, err := os.MkdirTemp(filepath.Dir(prefix), ".install-*")
	if err != nil {
		return "", fmt.Errorf("install %s: %w", what, err)
	}
	defer os.RemoveAll(tmp)
	if err := fill(tmp); err != nil {
		return "", err
	}
	if err := os.Rename(tmp, prefix); err != nil {
		if _, statErr := os.Stat(installed); statErr != nil { // not installed meanwhile by another process
			return "", fmt.Errorf("install %s: %w", what, err)
		}
	}
	return prefix, nil
}
