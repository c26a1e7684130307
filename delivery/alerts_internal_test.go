package delivery

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"newsdigest/digest"
	"newsdigest/internal/dbtest"
	"newsdigest/news"
	"newsdigest/subscriptions"
)

// idleSender accepts nothing: this test never runs the workers, it reads
// the outbox.
type idleSender struct{}

func (idleSender) Send(context.Context, Message) error { return ErrTemporary }

// TestAlertCheckCutShortResumes: a check that stopped after writing the
// first chat's alert (a crash between two batches) is taken up by the
// next service on the same file: the other chats get theirs, the first
// no second one, and a further check adds nothing.
func TestAlertCheckCutShortResumes(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	db := dbtest.Open(t)
	subs, err := subscriptions.NewStore(ctx, db, subscriptions.WithClock(clock))
	if err != nil {
		t.Fatal(err)
	}
	articles, err := news.NewStore(ctx, db, news.WithClock(clock))
	if err != nil {
		t.Fatal(err)
	}
	engine, err := digest.NewEngine(digest.Config{})
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range []int64{1, 2, 3} {
		sub := subscriptions.New(id, subscriptions.ChatPrivate, "en", now)
		sub.Alerts = true
		if err := subs.Put(ctx, sub); err != nil {
			t.Fatal(err)
		}
	}
	addQuake(t, articles, now)
	cfg := Config{Now: clock, BatchSize: 1, Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	open := func() *Service {
		s, err := New(db, subs, articles, engine, idleSender{}, cfg)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = s.Close() })
		return s
	}
	s := open()
	head, err := articles.LastSeq(ctx)
	if err != nil {
		t.Fatal(err)
	}
	stories, byID, err := s.alertStories(ctx, now)
	if err != nil {
		t.Fatal(err)
	}
	todo, err := s.findBreaking(now, head, stories, byID)
	if err != nil || len(todo) != 1 {
		t.Fatalf("breaking stories %d, %v; want the quake", len(todo), err)
	}
	first, err := subs.GetMany(ctx, []int64{1})
	if err != nil {
		t.Fatal(err)
	}
	c, el := s.alertComposer(now, todo)
	if n, err := s.writeAlerts(ctx, c, el, todo, first, false); n != 1 || err != nil {
		t.Fatalf("first batch: %d, %v", n, err)
	}
	// The process dies here; the next one checks again.
	s2 := open()
	for range 2 {
		if err := s2.CheckAlerts(ctx); err != nil {
			t.Fatal(err)
		}
		if got := recordsPerChat(t, db); len(got) != 3 || got[1] != 1 || got[2] != 1 || got[3] != 1 {
			t.Fatalf("alert records per chat %v, want one each for chats 1, 2 and 3", got)
		}
	}
}

func addQuake(t *testing.T, articles *news.Store, now time.Time) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "alerts.json"))
	if err != nil {
		t.Fatal(err)
	}
	var f []struct {
		ID, Source, Lang, Title, Text string
		Min                           int
	}
	if err := json.Unmarshal(b, &f); err != nil {
		t.Fatal(err)
	}
	var arts []news.Article
	for _, r := range f[:3] { // quake-a, -b, -c
		arts = append(arts, news.Article{Article: digest.Article{ID: r.ID, URL: "https://example.com/" + r.ID, Title: r.Title, Text: r.Text,
			Source: r.Source, Lang: r.Lang, Published: now.Add(time.Duration(r.Min-55) * time.Minute)}, Feed: "t"})
	}
	if _, err := articles.Add(context.Background(), arts); err != nil {
		t.Fatal(err)
	}
}

func recordsPerChat(t *testing.T, db *bolt.DB) map[int64]int {
	t.Helper()
	out := map[int64]int{}
	err := db.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketOutbox).ForEach(func(k, v []byte) error {
			r, err := decodeRecord(k, v, tx.Bucket(bucketProgress))
			out[r.ChatID]++
			return err
		})
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}
