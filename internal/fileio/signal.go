package fileio

import (
	"os"
	"os/signal"
	"sync"
	"syscall"
)

// Temporary files live beside their target until renamed over it. A signal
// that ends the process in between (Ctrl+C, kill, a closed terminal) must
// not leave one behind: while any is live, such signals remove them all and
// end the process as the signal would have.
var temps struct {
	sync.Mutex
	live map[string]bool
	sig  chan os.Signal
}

var endingSignals = []os.Signal{os.Interrupt, syscall.SIGTERM, syscall.SIGHUP}

// track registers a temporary file until untrack is called.
func track(name string) (untrack func()) {
	temps.Lock()
	defer temps.Unlock()
	if len(temps.live) == 0 {
		temps.live = map[string]bool{}
		temps.sig = make(chan os.Signal, 1)
		signal.Notify(temps.sig, endingSignals...)
		go removeOnSignal(temps.sig)
	}
	temps.live[name] = true
	return func() {
		temps.Lock()
		defer temps.Unlock()
		delete(temps.live, name)
		if len(temps.live) == 0 {
			signal.Stop(temps.sig)
			close(temps.sig)
		}
	}
}

func removeOnSignal(ch chan os.Signal) {
	s, ok := <-ch
	if !ok {
		return
	}
	temps.Lock()
	for name := range temps.live {
		os.Remove(name)
	}
	// 128 + the signal's number, as a shell reports a process it ended.
	code := 130
	if n, ok := s.(syscall.Signal); ok {
		code = 128 + int(n)
	}
	os.Exit(code)
}
