// Package dbtest opens a real bbolt file for tests and checks its
// consistency when the test ends.
package dbtest

import (
	"path/filepath"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
)

// Open returns a bbolt database in t.TempDir(). At cleanup it runs bbolt's
// consistency check and fails the test on any error, then closes the file.
func Open(t testing.TB) *bolt.DB {
	t.Helper()
	path := filepath.Join(t.TempDir(), "test.db")
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: time.Second})
	if err != nil {
		t.Fatalf("open bbolt: %v", err)
	}
	t.Cleanup(func() {
		var err error
		_ = db.View(func(tx *bolt.Tx) error {
			for cerr := range tx.Check() { // drain fully so Check's goroutine ends
				if err == nil {
					err = cerr
				}
			}
			return nil
		})
		if err != nil {
			t.Errorf("bbolt consistency check: %v", err)
		}
		if err := db.Close(); err != nil {
			t.Errorf("close bbolt: %v", err)
		}
	})
	return db
}
