//go:build !unix

package ops

import (
	"errors"
	"os"
	"time"
)

// isHeld reports whether a process has the database at path open, by
// trying to open it (bbolt locks the file).
func isHeld(path string) (bool, error) {
	if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
		return false, nil
	}
	db, err := OpenDB(path, true, time.Second)
	if errors.Is(err, ErrHeld) {
		return true, nil
	}
	if err != nil {
		return false, nil // damaged but not held
	}
	return false, db.Close()
}
