package ops

import (
	"context"
	"fmt"
	"sync"
	"time"
)

// WriteHealth remembers whether the service's database writes work, as the
// bot and the stores report them: a database that answers reads (the
// "database" check) may still refuse every write, e.g. on a full disk.
// The zero value is ready to use and reports healthy.
type WriteHealth struct {
	mu      sync.Mutex
	failing int // failed writes since the last one that worked
	since   time.Time
	lastErr error
}

// RecordWrite notes the result of one write; nil means it worked.
func (w *WriteHealth) RecordWrite(err error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if err == nil {
		w.failing, w.lastErr = 0, nil
		return
	}
	if w.failing == 0 {
		w.since = time.Now()
	}
	w.failing++
	w.lastErr = err
}

// Check is the readiness check: it fails while the last write failed.
func (w *WriteHealth) Check() Check {
	return Check{Name: "writes", Run: func(context.Context) error {
		w.mu.Lock()
		defer w.mu.Unlock()
		if w.failing == 0 {
			return nil
		}
		return fmt.Errorf("%d failed in a row since %s: %w", w.failing, w.since.UTC().Format(time.RFC3339), w.lastErr)
	}}
}
