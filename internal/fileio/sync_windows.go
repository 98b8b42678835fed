//go:build windows

package fileio

import "io/fs"

// syncDir does nothing on Windows, where folders cannot be opened for syncing;
// the rename itself (MoveFileEx) replaces the file in one step.
func syncDir(string) error { return nil }

// keepOwner does nothing on Windows, where ownership lives in ACLs that a
// new file takes from its folder.
func keepOwner(string, fs.FileInfo) {}
