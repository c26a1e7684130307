package ops_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	bolt "go.etcd.io/bbolt"

	"newsdigest/metrics"
	"newsdigest/ops"
)

const secret = "s3cret-for-tests"

// openDB makes a real database holding one key, kept open like the running bot.
func openDB(t *testing.T) (*bolt.DB, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "live.db")
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close() })
	err = db.Update(func(tx *bolt.Tx) error {
		b, err := tx.CreateBucketIfNotExists([]byte("subscribers"))
		if err != nil {
			return err
		}
		return b.Put([]byte("4242"), []byte("layla"))
	})
	if err != nil {
		t.Fatal(err)
	}
	return db, path
}

func readKey(t *testing.T, path string) string {
	t.Helper()
	db, err := bolt.Open(path, 0o600, &bolt.Options{ReadOnly: true, Timeout: time.Second})
	if err != nil {
		t.Fatalf("open %s: %v", path, err)
	}
	defer db.Close()
	var v string
	_ = db.View(func(tx *bolt.Tx) error {
		if b := tx.Bucket([]byte("subscribers")); b != nil {
			v = string(b.Get([]byte("4242")))
		}
		return nil
	})
	return v
}

func server(t *testing.T, db *bolt.DB, checks ...ops.Check) *httptest.Server {
	t.Helper()
	reg := prometheus.NewRegistry()
	m := metrics.New(reg)
	m.Command("start")
	m.RateLimited(3 * time.Second)
	srv := httptest.NewServer(ops.Handler(ops.Options{
		Gatherer: reg, Checks: checks, Secret: secret,
		Backup: func(ctx context.Context, w io.Writer) (int64, error) { return ops.WriteBackup(ctx, db, w) },
	}))
	t.Cleanup(srv.Close)
	return srv
}

func get(t *testing.T, url, auth string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, url, nil)
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body)
}

func TestEndpoints(t *testing.T) {
	db, _ := openDB(t)
	stale := ops.Check{Name: "poll", Run: func(context.Context) error { return errors.New("last poll 10m ago") }}
	fine := ops.Check{Name: "db", Run: func(context.Context) error { return nil }}
	tests := []struct {
		name   string
		checks []ops.Check
		path   string
		auth   string
		code   int
		want   string
	}{
		{"alive", nil, "/healthz", "", 200, "ok"},
		{"ready", []ops.Check{fine}, "/readyz", "", 200, "db: ok"},
		{"not ready names the failing check", []ops.Check{fine, stale}, "/readyz", "", 503, "poll: last poll 10m ago"},
		{"metrics", nil, "/metrics", "", 200, `newsdigest_commands_total{command="start"} 1`},
		{"retry_after seconds", nil, "/metrics", "", 200, "newsdigest_telegram_retry_after_seconds_total 3"},
		{"backup without secret", nil, "/backup", "", 401, "unauthorised"},
		{"backup with a wrong secret", nil, "/backup", "Bearer nope", 401, "unauthorised"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			srv := server(t, db, tc.checks...)
			code, body := get(t, srv.URL+tc.path, tc.auth)
			if code != tc.code || !strings.Contains(body, tc.want) {
				t.Fatalf("GET %s: %d %q, want %d containing %q", tc.path, code, body, tc.code, tc.want)
			}
		})
	}
}

func TestOnlineBackupWhileOpen(t *testing.T) {
	db, _ := openDB(t)
	srv := server(t, db)
	dst := filepath.Join(t.TempDir(), "backup.db")
	n, err := ops.FetchBackup(context.Background(), srv.URL, secret, dst)
	if err != nil || n == 0 {
		t.Fatalf("FetchBackup: %d bytes, %v", n, err)
	}
	if got := readKey(t, dst); got != "layla" {
		t.Fatalf("backup holds %q, want the live data", got)
	}
	if _, err := ops.FetchBackup(context.Background(), srv.URL, "wrong", filepath.Join(t.TempDir(), "x.db")); err == nil {
		t.Fatal("a wrong secret must not produce a backup")
	}
}

func TestCopyDBRefusesHeldFile(t *testing.T) {
	_, path := openDB(t)
	_, err := ops.CopyDB(context.Background(), path, filepath.Join(t.TempDir(), "b.db"))
	if err == nil || !strings.Contains(err.Error(), "another newsdigest process") {
		t.Fatalf("want a clear 'held by another process' error, got %v", err)
	}
}

func TestRestore(t *testing.T) {
	db, live := openDB(t)
	backup := filepath.Join(t.TempDir(), "backup.db")
	f, _ := os.Create(backup)
	if _, err := ops.WriteBackup(context.Background(), db, f); err != nil {
		t.Fatal(err)
	}
	f.Close()

	if _, err := ops.Restore(live, backup, time.Now()); err == nil || !strings.Contains(err.Error(), "stop it") {
		t.Fatalf("restore over a running database: want a refusal, got %v", err)
	}
	db.Close()

	garbage := filepath.Join(t.TempDir(), "garbage.db")
	_ = os.WriteFile(garbage, []byte("not a database"), 0o600)
	if _, err := ops.Restore(live, garbage, time.Now()); err == nil {
		t.Fatal("restoring a file that is not a database must fail")
	}
	if got := readKey(t, live); got != "layla" {
		t.Fatalf("a refused restore changed the database: %q", got)
	}

	target := filepath.Join(t.TempDir(), "fresh.db")
	if _, err := ops.Restore(target, backup, time.Now()); err != nil {
		t.Fatalf("restore: %v", err)
	}
	if got := readKey(t, target); got != "layla" {
		t.Fatalf("restored database holds %q", got)
	}
}

func TestManualPushRelaysProgress(t *testing.T) {
	var gotChats []int64
	srv := httptest.NewServer(ops.Handler(ops.Options{Gatherer: prometheus.NewRegistry(), Secret: secret,
		Push: func(_ context.Context, chats []int64, progress func(done, total int)) error {
			gotChats = chats
			for i := 1; i <= 3; i++ {
				progress(i, 3)
			}
			if len(chats) == 1 && chats[0] == 13 {
				return errors.New("chat 13 is not subscribed")
			}
			return nil
		}}))
	defer srv.Close()
	var seen []int
	err := ops.RequestPush(context.Background(), srv.URL, secret, []int64{7, 8}, func(done, total int) { seen = append(seen, done) })
	if err != nil || len(seen) != 3 || seen[2] != 3 || len(gotChats) != 2 || gotChats[1] != 8 {
		t.Fatalf("push: err %v, progress %v, chats %v", err, seen, gotChats)
	}
	if err := ops.RequestPush(context.Background(), srv.URL, secret, []int64{13}, func(int, int) {}); err == nil || !strings.Contains(err.Error(), "not subscribed") {
		t.Fatalf("a failing push must report its error, got %v", err)
	}
	if err := ops.RequestPush(context.Background(), srv.URL, "wrong", nil, func(int, int) {}); err == nil || !strings.Contains(err.Error(), "401") {
		t.Fatalf("a wrong secret must be refused, got %v", err)
	}
}
