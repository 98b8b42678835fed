// Package watch reports changes to a template and its functions' code, so
// that wsdesign dev serves what is on disk: debounced, so that an editor's
// save or a build that writes many files is one change.
package watch

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"time"

	"github.com/fsnotify/fsnotify"
)

// skipped are folders whose churn is no change of the code (dependency
// installs, version control, caches, SAM's build output).
var skipped = map[string]bool{"node_modules": true, ".git": true, "__pycache__": true, ".aws-sam": true, ".venv": true}

// Watcher watches files and folder trees.
type Watcher struct {
	fs       *fsnotify.Watcher
	debounce time.Duration
	onChange func(paths []string)
	onError  func(error)

	mu      sync.Mutex
	files   map[string]bool // watched files, by clean path
	trees   map[string]bool // watched folder trees, by clean path
	done    chan struct{}
	stopped chan struct{}
}

// New starts a watcher that calls onChange with the changed paths, sorted,
// once no change has come for debounce; onError gets what the system
// reports (a watch limit reached, say).
func New(debounce time.Duration, onChange func(paths []string), onError func(error)) (*Watcher, error) {
	w, err := fsnotify.NewWatcher()
	if err != nil {
		return nil, err
	}
	x := &Watcher{fs: w, debounce: debounce, onChange: onChange, onError: onError, files: map[string]bool{}, trees: map[string]bool{}, done: make(chan struct{}), stopped: make(chan struct{})}
	go x.run()
	return x, nil
}

// Add watches paths: a file (through its folder, as editors replace files
// by renaming), or a folder and every folder below it.
func (w *Watcher) Add(paths ...string) error {
	var errs []error
	for _, p := range paths {
		p = filepath.Clean(p)
		fi, err := os.Stat(p)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		w.mu.Lock()
		if fi.IsDir() {
			w.trees[p] = true
		} else {
			w.files[p] = true
		}
		w.mu.Unlock()
		if fi.IsDir() {
			errs = append(errs, w.addTree(p))
		} else {
			errs = append(errs, w.fs.Add(filepath.Dir(p)))
		}
	}
	return errors.Join(errs...)
}

// addTree watches dir and the folders below it, but the skipped ones.
func (w *Watcher) addTree(dir string) error {
	return filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return nil // gone meanwhile, or unreadable: nothing to watch
		}
		if !d.IsDir() {
			return nil
		}
		if p != dir && skipped[d.Name()] {
			return filepath.SkipDir
		}
		return w.fs.Add(p)
	})
}

// relevant reports whether a change at p concerns a watched file or tree.
func (w *Watcher) relevant(p string) bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.files[p] {
		return true
	}
	for root := range w.trees {
		rel, err := filepath.Rel(root, p)
		if err != nil || rel == ".." || len(rel) > 2 && rel[:3] == ".."+string(filepath.Separator) {
			continue
		}
		for dir := filepath.Dir(rel); dir != "." && dir != string(filepath.Separator); dir = filepath.Dir(dir) {
			if skipped[filepath.Base(dir)] {
				return false
			}
		}
		return !skipped[filepath.Base(rel)]
	}
	return false
}

func (w *Watcher) run() {
	defer close(w.stopped)
	var timer *time.Timer
	var fire <-chan time.Time
	changed, created := map[string]bool{}, map[string]bool{}
	for {
		select {
		case ev, ok := <-w.fs.Events:
			if !ok {
				return
			}
			p := filepath.Clean(ev.Name)
			if !w.relevant(p) {
				continue
			}
			if ev.Has(fsnotify.Create) {
				if fi, err := os.Stat(p); err == nil && fi.IsDir() {
					_ = w.addTree(p)
				}
			}
			switch {
			case ev.Op == fsnotify.Chmod:
				continue // a touch of the mode is no change of the contents
			case ev.Has(fsnotify.Create):
				created[p] = true
			case (ev.Has(fsnotify.Remove) || ev.Has(fsnotify.Rename)) && created[p]:
				// A file made and gone within the burst (an editor's or
				// sed's temporary file renamed into place) is no change.
				delete(changed, p)
				if len(changed) > 0 {
					timer.Reset(w.debounce)
				}
				continue
			}
			changed[p] = true
			if timer == nil {
				timer = time.NewTimer(w.debounce)
			} else {
				timer.Reset(w.debounce)
			}
			fire = timer.C
		case <-fire:
			fire = nil
			paths := make([]string, 0, len(changed))
			for p := range changed {
				paths = append(paths, p)
			}
			slices.Sort(paths)
			clear(changed)
			clear(created)
			if len(paths) > 0 {
				w.onChange(paths)
			}
		case err, ok := <-w.fs.Errors:
			if !ok {
				return
			}
			if w.onError != nil {
				w.onError(err)
			}
		case <-w.done:
			return
		}
	}
}

// Close stops watching; onChange is not called after it returns.
func (w *Watcher) Close() error {
	close(w.done)
	<-w.stopped
	return w.fs.Close()
}
