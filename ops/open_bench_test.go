package ops_test

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"newsdigest/ops"
)

// benchDB writes a database of about 20 MB (100,000 records of 200 bytes
// in two buckets), the size of a bot with tens of thousands of subscribers
// and two weeks of articles.
func benchDB(b *testing.B) string {
	b.Helper()
	path := filepath.Join(b.TempDir(), "bench.db")
	writeRecords(b, path, &bolt.Options{Timeout: time.Second, NoSync: true}, 10, 5000, func(batch, i int) ([]byte, []byte) {
		return fmt.Appendf(nil, "%02d-%08d", batch, i), bytes.Repeat([]byte{'x'}, 200)
	})
	return path
}

// BenchmarkOpenDB compares opening with the damage checks against a plain
// bolt.Open of the same file (the baseline).
func BenchmarkOpenDB(b *testing.B) {
	path := benchDB(b)
	st, err := os.Stat(path)
	if err != nil {
		b.Fatal(err)
	}
	b.Logf("database file: %.1f MB", float64(st.Size())/1e6)
	b.Run("plain bolt.Open", func(b *testing.B) {
		for b.Loop() {
			db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: time.Second})
			if err != nil {
				b.Fatal(err)
			}
			db.Close()
		}
	})
	b.Run("checked ops.OpenDB", func(b *testing.B) {
		for b.Loop() {
			db, err := ops.OpenDB(path, false, time.Second)
			if err != nil {
				b.Fatal(err)
			}
			db.Close()
		}
	})
}
