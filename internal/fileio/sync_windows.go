//go:build windows

package fileio

// syncDir does nothing on Windows, where folders cannot be opened for syncing;
// the rename itself (MoveFileEx) replaces the file in one step.
func syncDir(string) error { return nil }
