package subscriptions

import (
	"context"
	"path/filepath"
	"slices"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
)

// TestStoredBeforeAlertsDecodesAsOff: a record as the version before
// alerts wrote it reads with alerts off and every other field kept, is
// not in the alerts index, and joins it once alerts are turned on.
func TestStoredBeforeAlertsDecodesAsOff(t *testing.T) {
	ctx := context.Background()
	const id = 535353
	s, _ := storeWithOld(t, "v1-before-alerts.json", id)
	sub, err := s.Get(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if sub.Alerts || sub.StoryLangs != StoriesBoth || sub.MaxStories != 8 || sub.Validate() != nil {
		t.Fatalf("old record decoded as %+v (valid: %v), want alerts off and its own fields", sub, sub.Validate())
	}
	if ids := alertChats(t, s); len(ids) != 0 {
		t.Fatalf("alert chats %v before anyone opted in", ids)
	}
	if _, err := s.Update(ctx, id, func(x *Subscriber) error { x.Alerts = true; return nil }); err != nil {
		t.Fatal(err)
	}
	if ids := alertChats(t, s); !slices.Equal(ids, []int64{id}) {
		t.Fatalf("alert chats %v after /alerts on, want [%d]", ids, id)
	}
}

// TestAlertIndexFollowsTheSubscriber: the index holds exactly the chats
// that take alerts now, through pause, resume, off, a group's move to a
// supergroup, deletion and a reopen of the file.
func TestAlertIndexFollowsTheSubscriber(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "subs.db")
	db, err := bolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	s, err := NewStore(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	on := New(1, ChatPrivate, "en", now)
	on.Alerts = true
	off := New(2, ChatPrivate, "en", now)
	grp := New(-3, ChatGroup, "ar", now)
	grp.Alerts = true
	if err := s.PutMany(ctx, []Subscriber{on, off, grp}); err != nil {
		t.Fatal(err)
	}
	steps := []struct {
		name   string
		change func() error
		want   []int64
	}{
		{"opted in", func() error { return nil }, []int64{-3, 1}},
		{"pause", func() error { return set(ctx, s, 1, func(x *Subscriber) { x.Paused = true }) }, []int64{-3}},
		{"resume", func() error { return set(ctx, s, 1, func(x *Subscriber) { x.Paused = false }) }, []int64{-3, 1}},
		{"blocked", func() error { return set(ctx, s, -3, func(x *Subscriber) { x.Inactive = true }) }, []int64{1}},
		{"back", func() error { return set(ctx, s, -3, func(x *Subscriber) { x.Inactive = false }) }, []int64{-3, 1}},
		{"moved", func() error { return s.Move(ctx, -3, -1003) }, []int64{-1003, 1}},
		{"off", func() error { return set(ctx, s, 1, func(x *Subscriber) { x.Alerts = false }) }, []int64{-1003}},
		{"other on", func() error { return set(ctx, s, 2, func(x *Subscriber) { x.Alerts = true }) }, []int64{-1003, 2}},
		{"deleted", func() error { return s.Delete(ctx, -1003) }, []int64{2}},
	}
	for _, st := range steps {
		if err := st.change(); err != nil {
			t.Fatalf("%s: %v", st.name, err)
		}
		if got := alertChats(t, s); !slices.Equal(got, st.want) {
			t.Fatalf("after %s: alert chats %v, want %v", st.name, got, st.want)
		}
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	db, err = bolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	s, err = NewStore(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	if got := alertChats(t, s); !slices.Equal(got, []int64{2}) {
		t.Fatalf("after reopen: alert chats %v, want [2]", got)
	}
}

func set(ctx context.Context, s *Store, id int64, fn func(*Subscriber)) error {
	_, err := s.Update(ctx, id, func(x *Subscriber) error { fn(x); return nil })
	return err
}

func alertChats(t *testing.T, s *Store) []int64 {
	t.Helper()
	ids, err := s.AlertChats(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return ids
}
