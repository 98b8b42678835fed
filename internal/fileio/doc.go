// Package fileio writes templates so that a user's file is never lost: the
// new contents go to a temporary file in the same folder, are synced to disk
// and renamed over the old file in one step, keeping its permissions; a
// symlinked template is written through to its target.
package fileio
