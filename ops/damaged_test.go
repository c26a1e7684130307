package ops_test

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"newsdigest/ops"
)

// bigDB writes a real database of several thousand keys (leaf and branch
// pages, a freelist) and returns its path, closed.
func bigDB(t *testing.T, dir string) string {
	t.Helper()
	path := filepath.Join(dir, "news.db")
	// several commits leave freed pages
	writeRecords(t, path, &bolt.Options{Timeout: time.Second}, 3, 2000, func(round, i int) ([]byte, []byte) {
		return fmt.Appendf(nil, "%08d", i), bytes.Repeat([]byte{byte('a' + round)}, 120)
	})
	return path
}

// writeRecords writes a new database at path in rounds commits, each
// putting n records made by record into the "subscribers" and "articles"
// buckets, and closes it.
func writeRecords(tb testing.TB, path string, opts *bolt.Options, rounds, n int, record func(round, i int) (key, value []byte)) {
	tb.Helper()
	db, err := bolt.Open(path, 0o600, opts)
	if err != nil {
		tb.Fatal(err)
	}
	for round := 0; round < rounds; round++ {
		err = db.Update(func(tx *bolt.Tx) error {
			for _, name := range []string{"subscribers", "articles"} {
				b, err := tx.CreateBucketIfNotExists([]byte(name))
				if err != nil {
					return err
				}
				for i := 0; i < n; i++ {
					if err := b.Put(record(round, i)); err != nil {
						return err
					}
				}
			}
			return nil
		})
		if err != nil {
			tb.Fatal(err)
		}
	}
	if err := db.Close(); err != nil {
		tb.Fatal(err)
	}
}

// pagesOf lists the page IDs of each type in the file at path.
func pagesOf(t *testing.T, path string) (map[string][]int, int) {
	t.Helper()
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: time.Second}) // Page needs the freelist loaded
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	pages := map[string][]int{}
	err = db.View(func(tx *bolt.Tx) error {
		for id := 0; ; id++ {
			p, err := tx.Page(id)
			if err != nil || p == nil {
				return err
			}
			pages[p.Type] = append(pages[p.Type], id)
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	return pages, db.Info().PageSize
}

// damage overwrites page id of the file with fill.
func damage(t *testing.T, path string, pageSize, id int, fill []byte) {
	t.Helper()
	f, err := os.OpenFile(path, os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	buf := bytes.Repeat(fill, pageSize/len(fill)+1)[:pageSize]
	if _, err := f.WriteAt(buf, int64(id*pageSize)); err != nil {
		t.Fatal(err)
	}
}

// damagedFiles returns real database files damaged the ways disks and
// careless copies damage them.
func damagedFiles(t *testing.T) map[string]string {
	t.Helper()
	out := map[string]string{}
	make := func(name string, hurt func(path string, pages map[string][]int, pageSize int)) {
		path := bigDB(t, t.TempDir())
		pages, pageSize := pagesOf(t, path)
		hurt(path, pages, pageSize)
		out[name] = path
	}
	make("truncated to half", func(path string, _ map[string][]int, _ int) {
		st, _ := os.Stat(path)
		if err := os.Truncate(path, st.Size()/2); err != nil {
			t.Fatal(err)
		}
	})
	make("truncated to a tenth", func(path string, _ map[string][]int, pageSize int) { // plain bbolt: SIGSEGV
		st, _ := os.Stat(path)
		if err := os.Truncate(path, st.Size()/10/int64(pageSize)*int64(pageSize)); err != nil {
			t.Fatal(err)
		}
	})
	make("truncated to one page", func(path string, _ map[string][]int, pageSize int) {
		if err := os.Truncate(path, int64(pageSize)); err != nil {
			t.Fatal(err)
		}
	})
	make("freelist overwritten", func(path string, pages map[string][]int, pageSize int) {
		damage(t, path, pageSize, pages["freelist"][0], []byte{0xff, 0x13, 0x37})
	})
	make("branch page overwritten", func(path string, pages map[string][]int, pageSize int) {
		damage(t, path, pageSize, pages["branch"][0], []byte{0xde, 0xad, 0xbe, 0xef, 0x42})
	})
	make("branch points past the file", func(path string, pages map[string][]int, pageSize int) { // plain bbolt: SIGSEGV
		// Keep the page header, aim the first child (branch element: pos,
		// ksize uint32, pgid uint64) far beyond the memory map.
		f, err := os.OpenFile(path, os.O_WRONLY, 0)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		if _, err := f.WriteAt([]byte{0, 0, 0x10, 0, 0, 0, 0, 0}, int64(pages["branch"][0]*pageSize+16+8)); err != nil {
			t.Fatal(err)
		}
	})
	make("leaf page overwritten", func(path string, pages map[string][]int, pageSize int) {
		leaves := pages["leaf"]
		damage(t, path, pageSize, leaves[len(leaves)/2], []byte("garbage!"))
	})
	make("both meta pages zeroed", func(path string, _ map[string][]int, pageSize int) {
		damage(t, path, pageSize, 0, []byte{0})
		damage(t, path, pageSize, 1, []byte{0})
	})
	make("not a database", func(path string, _ map[string][]int, _ int) {
		if err := os.WriteFile(path, []byte("this is a text file, not bbolt"), 0o600); err != nil {
			t.Fatal(err)
		}
	})
	return out
}

func TestOpenDamagedDatabase(t *testing.T) {
	for name, path := range damagedFiles(t) {
		t.Run(name, func(t *testing.T) {
			db, err := ops.OpenDB(path, false, time.Second)
			if err == nil {
				db.Close()
				t.Fatal("a damaged file opened without an error")
			}
			var damaged *ops.DamagedError
			if !errors.As(err, &damaged) || !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), "newsdigest restore") {
				t.Fatalf("want a DamagedError naming %s and the fix, got %v", path, err)
			}
			if err := ops.Verify(path); err == nil {
				t.Fatal("Verify passed a damaged file")
			}
		})
	}
}

// TestRestoreOverDamagedDatabase: restore works over every damaged file,
// keeps it aside byte for byte, and leaves a database that opens with the
// backup's data.
func TestRestoreOverDamagedDatabase(t *testing.T) {
	good := bigDB(t, t.TempDir())
	for name, path := range damagedFiles(t) {
		t.Run(name, func(t *testing.T) {
			before, _ := os.ReadFile(path)
			now := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
			aside, err := ops.Restore(path, good, now)
			if err != nil {
				t.Fatalf("restore over a damaged file: %v", err)
			}
			if aside != path+".damaged-20261201T100000Z" {
				t.Fatalf("kept the damaged file as %q", aside)
			}
			if kept, _ := os.ReadFile(aside); !bytes.Equal(kept, before) {
				t.Fatal("the damaged file was not kept unchanged")
			}
			db, err := ops.OpenDB(path, false, time.Second)
			if err != nil {
				t.Fatalf("the restored database does not open: %v", err)
			}
			defer db.Close()
			_ = db.View(func(tx *bolt.Tx) error {
				if v := tx.Bucket([]byte("articles")).Get([]byte("00001999")); len(v) != 120 {
					t.Fatalf("restored database lacks the backup's data: %q", v)
				}
				return nil
			})
		})
	}
}

// TestBackupRefusesTheLiveDatabase: a backup written over the open
// database (by its path, a symlink to it, or another open database)
// is refused and the database keeps its data.
func TestBackupRefusesTheLiveDatabase(t *testing.T) {
	db, live := openDB(t)
	srv := server(t, db)
	link := filepath.Join(t.TempDir(), "link.db")
	if err := os.Symlink(live, link); err != nil {
		t.Fatal(err)
	}
	_, other := openDB(t)
	for _, dst := range []string{live, link, other} {
		if _, err := ops.FetchBackup(t.Context(), srv.URL, secret, dst); err == nil {
			t.Errorf("backup to %s (an open database) was written", dst)
		}
		if err := ops.RefuseLive(live, dst); err == nil {
			t.Errorf("RefuseLive(%s) passed", dst)
		}
	}
	if st, err := os.Lstat(link); err != nil || st.Mode()&os.ModeSymlink == 0 {
		t.Fatalf("the symlink was replaced: %v", err)
	}
	if err := db.Update(func(tx *bolt.Tx) error { return tx.Bucket([]byte("subscribers")).Put([]byte("5"), []byte("later")) }); err != nil {
		t.Fatal(err)
	}
	db.Close()
	if got := readKey(t, live); got != "layla" {
		t.Fatalf("the live database lost its data: %q", got)
	}
}
