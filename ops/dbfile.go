package ops

import (
	"errors"
	"fmt"
	"os"
	"runtime/debug"
	"time"

	bolt "go.etcd.io/bbolt"
	berrors "go.etcd.io/bbolt/errors"
)

// ErrHeld means another process has the database open (bbolt's file lock).
var ErrHeld = errors.New("another newsdigest process holds the database")

// DamagedError is a database file that fails the checks at open: bbolt
// returned an error or panicked reading it, a page lies past the end of the
// file, or its consistency check failed. The message names the file and the
// fix.
type DamagedError struct {
	Path string
	Err  error
}

func (e *DamagedError) Error() string {
	return fmt.Sprintf("database %s is damaged (%v); restore a good backup with `newsdigest restore BACKUP` "+
		"(it checks the backup and keeps the damaged file aside as %s.damaged-<time>)", e.Path, e.Err, e.Path)
}

func (e *DamagedError) Unwrap() error { return e.Err }

// OpenDB opens the bbolt file at path (creating it unless readOnly) and
// checks it before anyone reads it: a damaged file gives a *DamagedError
// instead of a panic or a fatal fault later, in the middle of a push. The
// check reads every page reachable from the root (cost grows with the file:
// tens of milliseconds for 60 MB, see BenchmarkOpenDB), so it runs once, at
// open.
//
// The check runs on a read-only handle: bbolt reads the freelist when it
// opens a file for writing, and a panic inside bolt.Open would leave its
// file lock held; a read-only open reads only the checksummed meta pages.
func OpenDB(path string, readOnly bool, timeout time.Duration) (*bolt.DB, error) {
	if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) && !readOnly {
		db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: timeout})
		if err != nil {
			return nil, openErr(path, err)
		}
		return db, nil
	}
	db, err := openGuarded(path, true, timeout, true)
	if err == nil {
		if err = check(db); err != nil {
			_ = db.Close()
		}
	}
	if err != nil {
		return nil, openErr(path, err)
	}
	if readOnly {
		return db, nil
	}
	if err := db.Close(); err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	if db, err = openGuarded(path, false, timeout, false); err != nil {
		return nil, openErr(path, err)
	}
	return db, nil
}

func openErr(path string, err error) error {
	if errors.Is(err, berrors.ErrTimeout) {
		return fmt.Errorf("open %s: %w", path, ErrHeld)
	}
	var pe *os.PathError
	if errors.As(err, &pe) { // permissions, a folder in the way: not damage
		return fmt.Errorf("open %s: %w", path, err)
	}
	return &DamagedError{Path: path, Err: err}
}

// openGuarded opens the file (and with walkAll visits every bucket), with
// memory faults turned into panics and every panic into an error. bbolt
// trusts the file: a garbage page ID or a page past the end of a truncated
// file is read through the memory map, which is a SIGSEGV/SIGBUS that kills
// the process; debug.SetPanicOnFault makes it a panic this goroutine
// recovers.
func openGuarded(path string, readOnly bool, timeout time.Duration, walkAll bool) (db *bolt.DB, err error) {
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	defer func() {
		if r := recover(); r != nil {
			if db != nil {
				_ = db.Close()
			}
			db, err = nil, fmt.Errorf("bbolt panicked reading it: %v", r)
		}
	}()
	db, err = bolt.Open(path, 0o600, &bolt.Options{ReadOnly: readOnly, Timeout: timeout})
	if err != nil || !walkAll {
		return db, err
	}
	if err := walk(db, path); err != nil {
		_ = db.Close()
		return nil, err
	}
	return db, nil
}

// walk checks that the file holds every page the tree refers to, then
// visits every bucket and key.
func walk(db *bolt.DB, path string) error {
	st, err := os.Stat(path)
	if err != nil {
		return err
	}
	return db.View(func(tx *bolt.Tx) error {
		if tx.Size() > st.Size() {
			return fmt.Errorf("truncated: its pages need %d bytes, the file has %d", tx.Size(), st.Size())
		}
		return tx.ForEach(func(_ []byte, b *bolt.Bucket) error { return walkBucket(b) })
	})
}

func walkBucket(b *bolt.Bucket) error {
	return b.ForEach(func(k, v []byte) error {
		if v == nil {
			if child := b.Bucket(k); child != nil {
				return walkBucket(child)
			}
		}
		return nil
	})
}

// check runs bbolt's consistency check (freelist, page references, key
// order). It runs after walk, so every page it reads is known to be there:
// tx.Check reads the pages in a goroutine of its own, out of reach of
// openGuarded's fault guard and recover, so it cannot replace walk.
func check(db *bolt.DB) error {
	return db.View(func(tx *bolt.Tx) error {
		var first error
		for err := range tx.Check() { // drain fully so Check's goroutine ends
			if first == nil {
				first = err
			}
		}
		return first
	})
}
