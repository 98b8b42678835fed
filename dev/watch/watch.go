// Package watch reports changes to a template and its functions' code, so
// that wsdesign dev serves what is on disk: debounced, so that an editor's
// save or a build that writes many files is one change, and by contents, so
// that a file written again as it was (a build's output made anew, a lock
// file rewritten) is no change.
package watch

import (
	"errors"
	"hash/maphash"
	"io"
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
	known   map[string]state
	ignored []os.FileInfo // files whose changes never count
	seed    maphash.Seed
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
	x := &Watcher{fs: w, debounce: debounce, onChange: onChange, onError: onError, files: map[string]bool{}, trees: map[string]bool{}, known: map[string]state{}, seed: maphash.MakeSeed(), done: make(chan struct{}), stopped: make(chan struct{})}
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
		added := !w.trees[p] && !w.files[p]
		if fi.IsDir() {
			w.trees[p] = true
		} else {
			w.files[p] = true
		}
		w.mu.Unlock()
		if added {
			// What is there now is what a change is told from.
			w.remember(p)
		}
		if fi.IsDir() {
			errs = append(errs, w.addTree(p))
		} else {
			errs = append(errs, w.fs.Add(filepath.Dir(p)))
		}
	}
	return errors.Join(errs...)
}

// Ignore makes the changes of these files, wherever they are, no change:
// what the process watching writes itself (its log, redirected into a
// watched folder), which would otherwise set off a change for every line
// it writes about a change.
func (w *Watcher) Ignore(files ...os.FileInfo) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.ignored = append(w.ignored, files...)
}

// isIgnored reports whether p is one of the ignored files.
func (w *Watcher) isIgnored(p string) bool {
	w.mu.Lock()
	ignored := w.ignored
	w.mu.Unlock()
	if len(ignored) == 0 {
		return false
	}
	fi, err := os.Stat(p)
	if err != nil {
		return false
	}
	for _, x := range ignored {
		if os.SameFile(fi, x) {
			return true
		}
	}
	return false
}

// state is what a path holds, as far as a change is concerned: a folder, or
// a file's size and the hash of its contents (for a file too large to read
// at every change, its time instead).
type state struct {
	dir  bool
	size int64
	hash uint64
	mod  int64
}

// hashLimit is the largest file whose contents are compared.
const hashLimit = 32 << 20

// stateOf reads the state of p; ok is false when p is gone.
func (w *Watcher) stateOf(p string) (s state, ok bool) {
	fi, err := os.Stat(p)
	if err != nil {
		return state{}, false
	}
	if fi.IsDir() {
		return state{dir: true}, true
	}
	s.size = fi.Size()
	f, err := os.Open(p)
	if err != nil || s.size > hashLimit || !fi.Mode().IsRegular() {
		if f != nil {
			f.Close()
		}
		s.mod = fi.ModTime().UnixNano()
		return s, true
	}
	defer f.Close()
	var h maphash.Hash
	h.SetSeed(w.seed)
	if _, err := io.Copy(&h, f); err != nil {
		s.mod = fi.ModTime().UnixNano()
		return s, true
	}
	s.hash = h.Sum64()
	return s, true
}

// remember records the state of p and, for a folder, of what is below it
// but the skipped folders, where not known yet.
func (w *Watcher) remember(root string) {
	filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return nil
		}
		if d.IsDir() && p != root && skipped[d.Name()] {
			return filepath.SkipDir
		}
		w.mu.Lock()
		_, ok := w.known[p]
		w.mu.Unlock()
		if ok {
			return nil
		}
		if s, ok := w.stateOf(p); ok {
			w.mu.Lock()
			w.known[p] = s
			w.mu.Unlock()
		}
		return nil
	})
}

// changedContents keeps of paths those whose state is not the one known
// (a folder there before and still there is no change by itself: what
// changed in it is), and records their states.
func (w *Watcher) changedContents(paths []string) []string {
	var out []string
	for _, p := range paths {
		s, ok := w.stateOf(p)
		w.mu.Lock()
		old, known := w.known[p]
		switch {
		case !ok:
			delete(w.known, p)
		case known && old == s:
		default:
			w.known[p] = s
			known = false
		}
		w.mu.Unlock()
		if !known || !ok {
			out = append(out, p)
		}
	}
	return out
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
			if !w.relevant(p) || w.isIgnored(p) {
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
			paths = w.changedContents(paths)
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
