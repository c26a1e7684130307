package delivery

import (
	"context"
	"sync"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"newsdigest/digest"
	"newsdigest/internal/dbtest"
	"newsdigest/news"
	"newsdigest/subscriptions"
)

// recordingSender is a hand-written Sender that accepts everything.
type recordingSender struct {
	mu    sync.Mutex
	chats []int64
}

var _ Sender = (*recordingSender)(nil)

func (r *recordingSender) Send(_ context.Context, m Message) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.chats = append(r.chats, m.ChatID)
	return nil
}

func (r *recordingSender) sent() []int64 {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]int64(nil), r.chats...)
}

func TestDamagedRecordDoesNotHoldUpTheOthers(t *testing.T) {
	ctx := context.Background()
	db := dbtest.Open(t)
	subs, err := subscriptions.NewStore(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	articles, err := news.NewStore(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	engine, err := digest.NewEngine(digest.Config{})
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range []int64{1, 2, 3} {
		if err := subs.Put(ctx, subscriptions.New(id, subscriptions.ChatPrivate, "en", time.Now())); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := articles.Add(ctx, []news.Article{{Article: digest.Article{ID: "a", Title: "Harbour reopens", Text: "The harbour reopened on Monday.", Lang: "en"}}}); err != nil {
		t.Fatal(err)
	}
	sender := &recordingSender{}
	svc, err := New(db, subs, articles, engine, sender, Config{})
	if err != nil {
		t.Fatal(err)
	}
	if n, err := svc.Push(ctx, []int64{1, 2, 3}); err != nil || n != 3 {
		t.Fatalf("Push = %d, %v", n, err)
	}
	if err := db.Update(func(tx *bolt.Tx) error { return tx.Bucket(bucketOutbox).Put(idKey(2), []byte("{garbage")) }); err != nil {
		t.Fatal(err)
	}
	runCtx, cancel := context.WithCancel(ctx)
	done := make(chan error)
	go func() { done <- svc.Run(runCtx) }()
	deadline := time.Now().Add(10 * time.Second)
	for len(sender.sent()) < 2 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	defer svc.Close()
	if got := sender.sent(); len(got) != 2 || got[0] == 2 || got[1] == 2 {
		t.Fatalf("sent to %v, want chats 1 and 3 despite the damaged record of chat 2", got)
	}
	if st, err := svc.Stats(ctx); err != nil || st.Failed != 1 || st.Pending != 0 {
		t.Fatalf("Stats = %+v, %v; want the damaged record counted as failed", st, err)
	}
}
