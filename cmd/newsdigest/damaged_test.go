package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"newsdigest/ops"
	"newsdigest/subscriptions"
)

// subscriberDB writes a real database of n subscribers through the store
// and returns its path, closed.
func subscriberDB(t *testing.T, path string, n int) {
	t.Helper()
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	s, err := subscriptions.NewStore(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	subs := make([]subscriptions.Subscriber, n)
	for i := range subs {
		subs[i] = subscriptions.New(int64(1000+i), subscriptions.ChatPrivate, "en", time.Now())
	}
	if err := s.PutMany(ctx, subs); err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
}

func countSubscribers(t *testing.T, path string) int {
	t.Helper()
	db, err := ops.OpenDB(path, false, time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	s, err := subscriptions.NewStore(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	st, err := s.Stats(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return st.Active
}

// TestDamagedDatabaseAndRestore: a truncated database stops the service
// and the CLI with the file's name and the fix, never a crash; restore
// replaces it with a good backup and keeps it aside.
func TestDamagedDatabaseAndRestore(t *testing.T) {
	dir := t.TempDir()
	live, good := filepath.Join(dir, "newsdigest.db"), filepath.Join(dir, "good.db")
	subscriberDB(t, live, 3000)
	env := []string{"NEWSDIGEST_DB=" + live, "NEWSDIGEST_HTTP_ADDR=off"}
	if code, out, errOut := runCLI(env, "backup", good); code != 0 || !strings.Contains(out, "verified") {
		t.Fatalf("backup of the stopped database: exit %d, %q %q", code, out, errOut)
	}
	st, _ := os.Stat(live)
	truncated := st.Size() / 10
	if err := os.Truncate(live, truncated); err != nil { // plain bbolt dies here with SIGSEGV
		t.Fatal(err)
	}
	run := append(env, "TELEGRAM_BOT_TOKEN=123456789:AAtokenForADamagedDatabaseTest_x", "TELEGRAM_API_ENDPOINT=http://127.0.0.1:1/bot%s/%s")
	for _, args := range [][]string{{"run"}, {"feeds", "list"}, {"backup", filepath.Join(dir, "again.db")}} {
		code, _, errOut := runCLI(run, args...)
		if code == 0 || !strings.Contains(errOut, live) || !strings.Contains(errOut, "damaged") || !strings.Contains(errOut, "newsdigest restore") {
			t.Errorf("%v on a truncated database: exit %d, stderr %q", args, code, errOut)
		}
	}
	code, out, errOut := runCLI(env, "restore", good)
	if code != 0 || !strings.Contains(out, live+".damaged-") {
		t.Fatalf("restore over the damaged database: exit %d, %q %q", code, out, errOut)
	}
	kept, _ := filepath.Glob(live + ".damaged-*")
	if len(kept) != 1 {
		t.Fatalf("want the damaged file kept aside, found %v", kept)
	}
	if st, err := os.Stat(kept[0]); err != nil || st.Size() != truncated {
		t.Fatalf("the damaged file kept aside is not the damaged file: %v", err)
	}
	if n := countSubscribers(t, live); n != 3000 {
		t.Fatalf("after restore the database has %d subscribers, want 3000", n)
	}
}

// TestBackupRefusesTheLiveDatabase: `backup <the live database>` while the
// bot runs (by its path or a symlink to it) is refused; the service keeps
// writing to the file at that path.
func TestBackupRefusesTheLiveDatabase(t *testing.T) {
	env, api := runningService(t)
	var live string
	for _, kv := range env {
		if v, ok := strings.CutPrefix(kv, "NEWSDIGEST_DB="); ok {
			live = v
		}
	}
	link := filepath.Join(t.TempDir(), "link.db")
	if err := os.Symlink(live, link); err != nil {
		t.Fatal(err)
	}
	for _, dst := range []string{live, link} {
		if code, out, errOut := runCLI(env, "backup", dst); code == 0 || !strings.Contains(errOut, "database itself") {
			t.Errorf("backup %s: exit %d, %q %q", dst, code, out, errOut)
		}
	}
	api.PushText(31337, "en", "/start")
	waitSubscribed(t, api, 31337)
	dst := filepath.Join(t.TempDir(), "after.db")
	if code, _, errOut := runCLI(env, "backup", dst); code != 0 {
		t.Fatalf("backup: %s", errOut)
	}
	if n := countSubscribers(t, dst); n != 1 {
		t.Fatalf("the subscriber who came after the refused backup is not in the database (%d subscribers)", n)
	}
}
