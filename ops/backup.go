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
	if err := checkTarget(dst); err != nil {
		return 0, err
	}
	resp, err := callService(ctx, &http.Client{Timeout: 10 * time.Minute}, http.MethodGet, baseURL, "/backup", secret, nil, "backup")
	if err != nil {
		return 0, err
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
	if err := RefuseLive(src, dst); err != nil {
		return 0, err
	}
	db, err := OpenDB(src, true, time.Second)
	if errors.Is(err, ErrHeld) {
		return 0, fmt.Errorf("ops: %s is held by another newsdigest process: %w", src, err)
	}
	if err != nil {
		return 0, fmt.Errorf("ops: %w", err)
	}
	defer db.Close()
	return writeVerified(dst, func(w io.Writer) (int64, error) { return WriteBackup(ctx, db, w) })
}

// RefuseLive fails when writing to dst would replace the database at live:
// the same file (also through a symlink or a hard link), or any database a
// process has open. A running bot keeps writing to the inode it opened, so
// a file renamed over it loses every later write.
func RefuseLive(live, dst string) error {
	if sameFile(live, dst) {
		return fmt.Errorf("ops: %s is the database itself (%s): give a backup file beside it, e.g. %s.backup", dst, live, live)
	}
	return checkTarget(dst)
}

// sameFile reports whether a and b both exist and are one file (also
// through a symlink or a hard link).
func sameFile(a, b string) bool {
	sa, err := os.Stat(a)
	if err != nil {
		return false
	}
	sb, err := os.Stat(b)
	return err == nil && os.SameFile(sa, sb)
}

// checkTarget refuses a dst that an open database occupies.
func checkTarget(dst string) error {
	held, err := isHeld(dst)
	if err != nil {
		return err
	}
	if held {
		return fmt.Errorf("ops: %s is a database a running process has open: choose another file", dst)
	}
	return nil
}

// Restore replaces the database at dbPath with the backup at src, also
// when the current file is damaged. It refuses when a running process holds
// dbPath or src is not a sound bbolt file. The replaced file is kept, as
// dbPath.before-restore-<time>, or dbPath.damaged-<time> when it fails the
// checks; the path kept is returned ("" when there was no file). The new
// file replaces the old one in one rename, so dbPath is never missing.
func Restore(dbPath, src string, now time.Time) (string, error) {
	if err := Verify(src); err != nil {
		return "", err
	}
	if sameFile(dbPath, src) {
		return "", fmt.Errorf("ops: %s is the database itself", src)
	}
	held, err := isHeld(dbPath)
	if err != nil {
		return "", err
	}
	if held {
		return "", fmt.Errorf("ops: %s is held by a running newsdigest: stop it before restoring", dbPath)
	}
	tmp := dbPath + ".restore-tmp"
	if _, err := writeVerified(tmp, func(w io.Writer) (int64, error) { return copyFile(w, src) }); err != nil {
		return "", err
	}
	defer os.Remove(tmp)
	aside, err := keepAside(dbPath, now)
	if err != nil {
		return "", err
	}
	if err := os.Rename(tmp, dbPath); err != nil {
		return aside, fmt.Errorf("ops: move the restored database into place: %w", err)
	}
	return aside, syncDir(filepath.Dir(dbPath))
}

// keepAside keeps the current database under a new name (a hard link, so
// the database path stays valid until the rename replaces it).
func keepAside(dbPath string, now time.Time) (string, error) {
	if _, err := os.Stat(dbPath); errors.Is(err, os.ErrNotExist) {
		return "", nil
	}
	state := "before-restore"
	if err := Verify(dbPath); err != nil {
		state = "damaged"
	}
	aside := fmt.Sprintf("%s.%s-%s", dbPath, state, now.UTC().Format("20060102T150405Z"))
	if err := os.Link(dbPath, aside); err != nil {
		// No hard links on this filesystem: copy instead.
		if _, cerr := copyTo(aside, dbPath); cerr != nil {
			return "", fmt.Errorf("ops: keep the old database as %s: %w", aside, errors.Join(err, cerr))
		}
	}
	return aside, nil
}

func copyTo(dst, src string) (int64, error) {
	f, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return 0, err
	}
	n, err := copyFile(f, src)
	if err == nil {
		err = f.Sync()
	}
	return n, errors.Join(err, f.Close())
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("ops: sync %s: %w", dir, err)
	}
	defer d.Close()
	if err := d.Sync(); err != nil {
		return fmt.Errorf("ops: sync %s: %w", dir, err)
	}
	return nil
}

// Verify opens path read-only and runs the checks OpenDB runs.
func Verify(path string) error {
	db, err := OpenDB(path, true, time.Second)
	if err != nil {
		var damaged *DamagedError
		if errors.As(err, &damaged) {
			return fmt.Errorf("ops: %s is not a sound newsdigest database: %w", path, damaged.Err)
		}
		return fmt.Errorf("ops: %s is not a readable newsdigest database: %w", path, err)
	}
	return db.Close()
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
	if err := checkTarget(dst); err != nil {
		return n, err
	}
	if err := os.Rename(tmp.Name(), dst); err != nil {
		return n, fmt.Errorf("ops: move backup to %s: %w", dst, err)
	}
	return n, nil
}
