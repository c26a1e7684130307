package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"newsdigest/digest"

	bolt "go.etcd.io/bbolt"
)

// The service's ingester feeds what it stores to the engine: a teaser that
// one outlet's seed files carried on the three previous days is dropped
// from today's article, which a push then sees alone; and the engine has
// every stored article prepared, so the push does not prepare them itself.
func TestIngestTeachesTheEngineBoilerplate(t *testing.T) {
	ctx := context.Background()
	const teaser = "برنامج صباح الخير يأتيكم كل يوم على شاشتنا: أسعار الذهب تقفز إلى أعلى مستوى منذ عامين"
	now := time.Now().UTC().Truncate(time.Hour)
	m, engine := startedMain(t, testDB(t), teaserSeeds(t, teaser, now, 24*time.Hour))
	if rep, err := m.ingester.Run(ctx); err != nil || rep.SeedsNew != 3 {
		t.Fatalf("ingest: %+v, %v; want 3 seed articles", rep, err)
	}
	stored, err := m.articles.Since(ctx, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	if n := engine.Ready(articlesOf(stored)); n != len(stored) || n == 0 {
		t.Errorf("after the ingest the engine has %d of the %d stored articles prepared: the push would prepare them itself", n, len(stored))
	}
	today := digest.Article{ID: "today", Source: "cnn", Title: "اجتماع مجلس الوزراء", Published: now,
		Text: teaser + "\nعقد مجلس الوزراء اجتماعه الأسبوعي وناقش مشروع قانون الموازنة."}
	got := engine.Annotate([]digest.Article{today})[0]
	if strings.Contains(got.Summary, "أسعار الذهب") || !strings.Contains(got.Summary, "مجلس الوزراء") {
		t.Errorf("summary %q: want today's news without the outlet's teaser", got.Summary)
	}
}

// A restart empties the engine's memories; the service refills them from
// the store's last days, so the first push after a start still drops the
// outlet's teaser (learnt from the stored articles, not from the push's
// window alone) and finds the stored articles prepared, which also gives
// the engine each site's latest articles for adapting topics.
func TestRestartRefillsTheEnginesMemory(t *testing.T) {
	ctx := context.Background()
	db := testDB(t)
	const teaser = "برنامج المساء معكم كل ليلة على شاشتنا: أسعار النفط تهبط إلى أدنى مستوى منذ عام"
	now := time.Now().UTC().Truncate(time.Hour)
	first, before := startedMain(t, db, teaserSeeds(t, teaser, now, 12*time.Hour))
	if rep, err := first.ingester.Run(ctx); err != nil || rep.SeedsNew != 3 {
		t.Fatalf("ingest: %+v, %v; want 3 seed articles", rep, err)
	}

	restarted, after := startedMain(t, db, t.TempDir())
	stored, err := restarted.articles.Since(ctx, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	if n := after.Ready(articlesOf(stored)); n != len(stored) || n == 0 {
		t.Errorf("after a restart the engine has %d of the %d stored articles prepared", n, len(stored))
	}
	today := digest.Article{ID: "today", Source: "cnn", Title: "اجتماع مجلس الوزراء", Published: now,
		Text: teaser + "\nعقد مجلس الوزراء اجتماعه الأسبوعي وناقش مشروع قانون الموازنة."}
	for name, e := range map[string]*digest.Engine{"before the restart": before, "after the restart": after} {
		if got := e.Annotate([]digest.Article{today})[0]; strings.Contains(got.Summary, "أسعار النفط") || !strings.Contains(got.Summary, "مجلس الوزراء") {
			t.Errorf("%s: summary %q, want today's news without the outlet's teaser", name, got.Summary)
		}
	}
}

// testDB is a fresh database file, closed when the test ends.
func testDB(t *testing.T) *bolt.DB {
	t.Helper()
	db, err := openDB(filepath.Join(t.TempDir(), "db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// teaserSeeds is a seeds folder of three reports of one outlet ("cnn"),
// each opening with teaser, published gap apart up to gap before now.
func teaserSeeds(t *testing.T, teaser string, now time.Time, gap time.Duration) string {
	t.Helper()
	seeds := t.TempDir()
	leads := []string{"افتتح وزير الثقافة معرض الكتاب الدولي بمشاركة ثلاثين دولة.", "قتل ثلاثة أشخاص في انفجار سيارة وسط المدينة.", "أعلنت وزارة الصحة عن حملة تطعيم في المدارس."}
	for i, lead := range leads {
		body := fmt.Sprintf("---\ntitle: خبر %d\nsource: cnn\npublished: %s\n---\n%s\n\n%s\n", i, now.Add(-time.Duration(3-i)*gap).Format(time.RFC3339), teaser, lead)
		if err := os.WriteFile(filepath.Join(seeds, fmt.Sprintf("%d.md", i)), []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return seeds
}

// startedMain is the service's stores and ingester on db, with the seeds
// folder seeds, feeding a new engine, as a start of the service opens them.
func startedMain(t *testing.T, db *bolt.DB, seeds string) (*Main, *digest.Engine) {
	t.Helper()
	m := &Main{cfg: Config{SeedsDir: seeds}, log: slog.New(slog.NewTextHandler(io.Discard, nil)), db: db}
	engine, err := digest.NewEngine(digest.Config{})
	if err != nil {
		t.Fatal(err)
	}
	if err := m.stores(context.Background(), engine); err != nil {
		t.Fatal(err)
	}
	return m, engine
}
