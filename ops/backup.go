package ops

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"time"

	bolt "go.etcd.io/bbolt"
	berrors "go.etcd.io/bbolt/errors"
)

// WriteBackup writes a consistent copy of db to w from one read transaction,
// so it runs while the bot keeps writing.
func WriteBackup(_ context.Context, db *bolt.DB, w io.Writer) (int64, error) {
	var n int64
	err := db.View(func(tx *bolt.Tx) error {
		var err error
		n, err = tx.WriteTo(w)
		return err
	})
	if err != nil {
		return n, fmt.Errorf("ops: backup: %w", err)
	}
	return n, nil
}

// FetchBackup downloads a backup from a running newsdigest's /backup
// endpoint into dst, verifies it, and only then moves it into place.
func FetchBackup(ctx context.Context, baseURL, secret, dst string) (int64, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, baseURL+"/backup", nil)
	if err != nil {
		return 0, fmt.Errorf("ops: backup request: %w", err)
	}
	req.Header.Set("Authorization", "Bearer "+secret)
	resp, err := (&http.Client{Timeout: 10 * time.Minute}).Do(req)
	if err != nil {
		return 0, fmt.Errorf("ops: reach the running newsdigest at %s: %w", baseURL, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return 0, fmt.Errorf("ops: backup: the running newsdigest answered %s", resp.Status)
	}
	return writeVerified(dst, func(w io.Writer) (int64, error) { return io.Copy(w, resp.Body) })
}

// CopyDB copies the database file at src (not opened by anyone else) to dst,
// verified. It fails fast when another process holds src.
func CopyDB(ctx context.Context, src, dst string) (int64, error) {
	db, err := bolt.Open(src, 0o600, &bolt.Options{ReadOnly: true, Timeout: time.Second})
	if errors.Is(err, berrors.ErrTimeout) {
		return 0, fmt.Errorf("ops: %s is held by another newsdigest process: %w", src, err)
	}
	if err != nil {
		return 0, fmt.Errorf("ops: open %s: %w", src, err)
	}
	defer db.Close()
	return writeVerified(dst, func(w io.Writer) (int64, error) { return WriteBackup(ctx, db, w) })
}

// Restore replaces the database at dbPath with the backup at src. It
// refuses when a running process holds dbPath or src is not a sound bbolt
// file, and keeps the replaced database as dbPath+".before-restore".
func Restore(dbPath, src string) error {
	if err := Verify(src); err != nil {
		return err
	}
	if held, err := isHeld(dbPath); err != nil || held {
		if held {
			return fmt.Errorf("ops: %s is held by a running newsdigest: stop it before restoring", dbPath)
		}
		return err
	}
	tmp := dbPath + ".restore-tmp"
	if _, err := writeVerified(tmp, func(w io.Writer) (int64, error) { return copyFile(w, src) }); err != nil {
		return err
	}
	if _, err := os.Stat(dbPath); err == nil {
		if err := os.Rename(dbPath, dbPath+".before-restore"); err != nil {
			return fmt.Errorf("ops: keep the old database: %w", err)
		}
	}
	if err := os.Rename(tmp, dbPath); err != nil {
		return fmt.Errorf("ops: move the restored database into place: %w", err)
	}
	return nil
}

// Verify opens path read-only and runs bbolt's consistency check.
func Verify(path string) error {
	db, err := bolt.Open(path, 0o600, &bolt.Options{ReadOnly: true, Timeout: time.Second})
	if err != nil {
		return fmt.Errorf("ops: %s is not a readable newsdigest database: %w", path, err)
	}
	defer db.Close()
	return db.View(func(tx *bolt.Tx) error {
		var first error
		for err := range tx.Check() { // drain fully so Check's goroutine ends
			if first == nil {
				first = fmt.Errorf("ops: %s is damaged: %w", path, err)
			}
		}
		return first
	})
}

func isHeld(path string) (bool, error) {
	if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
		return false, nil
	}
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: time.Second})
	if errors.Is(err, berrors.ErrTimeout) {
		return true, nil
	}
	if err != nil {
		return false, fmt.Errorf("ops: open %s: %w", path, err)
	}
	return false, db.Close()
}

func copyFile(w io.Writer, src string) (int64, error) {
	f, err := os.Open(src)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	return io.Copy(w, f)
}

// writeVerified writes to a temporary file beside dst, checks that it is a
// sound bbolt file, and renames it to dst: a failed or partial backup never
// leaves a file that looks like a good one.
func writeVerified(dst string, write func(io.Writer) (int64, error)) (int64, error) {
	tmp, err := os.CreateTemp(filepath.Dir(dst), filepath.Base(dst)+".partial-*")
	if err != nil {
		return 0, fmt.Errorf("ops: create %s: %w", dst, err)
	}
	defer os.Remove(tmp.Name())
	n, err := write(tmp)
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return n, fmt.Errorf("ops: write %s: %w", dst, err)
	}
	if err := Verify(tmp.Name()); err != nil {
		return n, err
	}
	if err := os.Rename(tmp.Name(), dst); err != nil {
		return n, fmt.Errorf("ops: move backup to %s: %w", dst, err)
	}
	return n, nil
}
