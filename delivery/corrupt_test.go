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
	msgs  []Message
}

var _ Sender = (*recordingSender)(nil)

func (r *recordingSender) Send(_ context.Context, m Message) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.chats = append(r.chats, m.ChatID)
	r.msgs = append(r.msgs, m)
	return nil
}

func (r *recordingSender) messages() []Message {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]Message(nil), r.msgs...)
}

func (r *recordingSender) sent() []int64 {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]int64(nil), r.chats...)
}

// serviceOver opens a service over a fresh bbolt file with the given
// English private chats subscribed, sending through sender.
func serviceOver(t *testing.T, sender Sender, chats ...int64) (*Service, *bolt.DB, *news.Store) {
	t.Helper()
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
	for _, id := range chats {
		if err := subs.Put(ctx, subscriptions.New(id, subscriptions.ChatPrivate, "en", time.Now())); err != nil {
			t.Fatal(err)
		}
	}
	svc, err := New(db, subs, articles, engine, sender, Config{})
	if err != nil {
		t.Fatal(err)
	}
	return svc, db, articles
}

// runUntilSent runs svc until sender has sent n messages (or 10 s passed)
// and stops it.
func runUntilSent(t *testing.T, svc *Service, sender *recordingSender, n int) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- svc.Run(ctx) }()
	deadline := time.Now().Add(10 * time.Second)
	for len(sender.sent()) < n && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}

func TestDamagedRecordDoesNotHoldUpTheOthers(t *testing.T) {
	ctx := context.Background()
	sender := &recordingSender{}
	svc, db, articles := serviceOver(t, sender, 1, 2, 3)
	if _, err := articles.Add(ctx, []news.Article{{Article: digest.Article{ID: "a", Title: "Harbour reopens", Text: "The harbour reopened on Monday.", Lang: "en"}}}); err != nil {
		t.Fatal(err)
	}
	if n, err := svc.Push(ctx, []int64{1, 2, 3}); err != nil || n != 3 {
		t.Fatalf("Push = %d, %v", n, err)
	}
	if err := db.Update(func(tx *bolt.Tx) error { return tx.Bucket(bucketOutbox).Put(idKey(2), []byte("{garbage")) }); err != nil {
		t.Fatal(err)
	}
	runUntilSent(t, svc, sender, 2)
	defer svc.Close()
	if got := sender.sent(); len(got) != 2 || got[0] == 2 || got[1] == 2 {
		t.Fatalf("sent to %v, want chats 1 and 3 despite the damaged record of chat 2", got)
	}
	if st, err := svc.Stats(ctx); err != nil || st.Failed != 1 || st.Pending != 0 {
		t.Fatalf("Stats = %+v, %v; want the damaged record counted as failed", st, err)
	}
}
