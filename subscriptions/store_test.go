package subscriptions

import (
	"context"
	"errors"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"newsdigest/internal/dbtest"

	bolt "go.etcd.io/bbolt"
)

var t0 = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

func newStore(t *testing.T) (*Store, *bolt.DB) {
	t.Helper()
	db := dbtest.Open(t)
	clock := t0
	s, err := NewStore(context.Background(), db, WithClock(func() time.Time {
		clock = clock.Add(time.Second)
		return clock
	}))
	if err != nil {
		t.Fatalf("NewStore: %v", err)
	}
	return s, db
}

// storeWithOld is a store whose chat id holds testdata/fixture as it was
// stored by the version that wrote it.
func storeWithOld(t *testing.T, fixture string, id int64) (*Store, *bolt.DB) {
	t.Helper()
	old, err := os.ReadFile(filepath.Join("testdata", fixture))
	if err != nil {
		t.Fatal(err)
	}
	db := dbtest.Open(t)
	s, err := NewStore(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Update(func(tx *bolt.Tx) error { return bucket(tx, bucketSubs).Put(chatKey(id), old) }); err != nil {
		t.Fatal(err)
	}
	return s, db
}

func mustPut(t *testing.T, s *Store, sub Subscriber) {
	t.Helper()
	if err := s.Put(context.Background(), sub); err != nil {
		t.Fatalf("Put(%d): %v", sub.ChatID, err)
	}
}

func TestPutGetDelete(t *testing.T) {
	ctx := context.Background()
	s, db := newStore(t)
	sub := validSub()
	sub.Topics = []string{"politics", "economy"}
	sub.Include = []string{"العراق"}
	mustPut(t, s, sub)

	got, err := s.Get(ctx, 42)
	if err != nil {
		t.Fatalf("Get: %v", err)
	}
	if !slices.Equal(got.Topics, sub.Topics) || got.Include[0] != "العراق" || got.TimeZone != "Asia/Baghdad" {
		t.Errorf("Get = %+v, want what was put", got)
	}
	for _, topic := range []string{"politics", "economy"} {
		if ids, _ := s.ChatsByTopic(ctx, topic); !slices.Equal(ids, []int64{42}) {
			t.Errorf("ChatsByTopic(%s) = %v, want [42]", topic, ids)
		}
	}
	checkIndexes(t, db)

	if err := s.Delete(ctx, 42); err != nil {
		t.Fatalf("Delete: %v", err)
	}
	if _, err := s.Get(ctx, 42); !errors.Is(err, ErrNotFound) {
		t.Errorf("Get after Delete = %v, want ErrNotFound", err)
	}
	if ids, _ := s.ChatsByTopic(ctx, "politics"); len(ids) != 0 {
		t.Errorf("ChatsByTopic after Delete = %v, want none", ids)
	}
	if err := s.Delete(ctx, 42); err != nil {
		t.Errorf("second Delete = %v, want nil", err)
	}
	checkIndexes(t, db)
	assertEmptyIndexes(t, db)
}

func TestPutInvalidChangesNothing(t *testing.T) {
	ctx := context.Background()
	s, db := newStore(t)
	mustPut(t, s, validSub())
	bad := validSub()
	bad.Times = []string{"25:00"}
	if err := s.Put(ctx, bad); !errors.Is(err, ErrInvalid) {
		t.Fatalf("Put(invalid) = %v, want ErrInvalid", err)
	}
	got, _ := s.Get(ctx, 42)
	if !slices.Equal(got.Times, []string{"08:00"}) {
		t.Errorf("stored times = %v after a rejected Put, want [08:00]", got.Times)
	}
	checkIndexes(t, db)
}

func TestUpdate(t *testing.T) {
	ctx := context.Background()
	s, db := newStore(t)
	mustPut(t, s, validSub())
	before, _ := s.Get(ctx, 42)

	got, err := s.Update(ctx, 42, func(sub *Subscriber) error {
		sub.Topics = append(sub.Topics, "sport")
		sub.Times = []string{"07:00", "19:30"}
		return nil
	})
	if err != nil {
		t.Fatalf("Update: %v", err)
	}
	if !got.Updated.After(before.Updated) || !got.Created.Equal(before.Created) {
		t.Errorf("stamps: created %v→%v updated %v→%v", before.Created, got.Created, before.Updated, got.Updated)
	}
	stored, _ := s.Get(ctx, 42)
	if !slices.Equal(stored.Times, []string{"07:00", "19:30"}) || !stored.Updated.Equal(got.Updated) {
		t.Errorf("stored %+v, returned %+v", stored, got)
	}
	checkIndexes(t, db)

	errBoom := errors.New("boom")
	tests := []struct {
		name string
		fn   func(*Subscriber) error
		want error
	}{
		{"fn error", func(s *Subscriber) error { s.Times = []string{"01:00"}; return errBoom }, errBoom},
		{"invalid result", func(s *Subscriber) error { s.TimeZone = "Nowhere/City"; return nil }, ErrInvalid},
		{"chat id change", func(s *Subscriber) error { s.ChatID = 43; return nil }, ErrChatIDChanged},
	}
	for _, tt := range tests {
		if _, err := s.Update(ctx, 42, tt.fn); !errors.Is(err, tt.want) {
			t.Errorf("%s: Update = %v, want %v", tt.name, err, tt.want)
		}
		if now, _ := s.Get(ctx, 42); !slices.Equal(now.Times, stored.Times) || now.TimeZone != stored.TimeZone {
			t.Errorf("%s: subscriber changed by a failed Update: %+v", tt.name, now)
		}
	}
	if _, err := s.Update(ctx, 999, func(*Subscriber) error { return nil }); !errors.Is(err, ErrNotFound) {
		t.Errorf("Update(unknown) = %v, want ErrNotFound", err)
	}
	checkIndexes(t, db)
}

func TestMove(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name       string
		existingTo bool
		wantLang   string
	}{
		{"to empty chat", false, "ar"},
		{"to configured chat keeps it", true, "en"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, db := newStore(t)
			g := validSub()
			g.ChatID, g.ChatType, g.Topics = -100, ChatGroup, []string{"politics"}
			mustPut(t, s, g)
			if tt.existingTo {
				mustPut(t, s, New(-1000100, ChatSupergroup, "en", t0))
			}
			for range 2 { // the second call is a retried delivery: must be a no-op
				if err := s.Move(ctx, -100, -1000100); err != nil {
					t.Fatalf("Move: %v", err)
				}
			}
			if _, err := s.Get(ctx, -100); !errors.Is(err, ErrNotFound) {
				t.Errorf("old group still stored: %v", err)
			}
			got, err := s.Get(ctx, -1000100)
			if err != nil || got.Lang != tt.wantLang || got.ChatType != ChatSupergroup {
				t.Errorf("new chat = %+v, %v; want lang %s supergroup", got, err, tt.wantLang)
			}
			checkIndexes(t, db)
		})
	}
	s, _ := newStore(t)
	if err := s.Move(ctx, 1, 2); !errors.Is(err, ErrNotFound) {
		t.Errorf("Move(unknown) = %v, want ErrNotFound", err)
	}
}

func TestAllOrderAndStop(t *testing.T) {
	ctx := context.Background()
	s, _ := newStore(t)
	for _, id := range []int64{5, -1001, 3, -7} {
		sub := validSub()
		sub.ChatID = id
		mustPut(t, s, sub)
	}
	var ids []int64
	if err := s.All(ctx, func(sub Subscriber) error { ids = append(ids, sub.ChatID); return nil }); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(ids, []int64{-1001, -7, 3, 5}) {
		t.Errorf("All order = %v, want chat-ID order", ids)
	}
	stop := errors.New("stop")
	n := 0
	err := s.All(ctx, func(Subscriber) error { n++; return stop })
	if !errors.Is(err, stop) || n != 1 {
		t.Errorf("All with stopping fn = %v after %d calls", err, n)
	}
}

func TestGetMany(t *testing.T) {
	ctx := context.Background()
	s, _ := newStore(t)
	for _, id := range []int64{1, 2, 3} {
		sub := validSub()
		sub.ChatID = id
		mustPut(t, s, sub)
	}
	got, err := s.GetMany(ctx, []int64{3, 99, 1})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].ChatID != 3 || got[1].ChatID != 1 {
		t.Errorf("GetMany(3, 99, 1) = %+v, want chats 3 and 1 in that order", got)
	}
}

func TestCanceledContext(t *testing.T) {
	s, _ := newStore(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := s.Put(ctx, validSub()); !errors.Is(err, context.Canceled) {
		t.Errorf("Put(canceled) = %v", err)
	}
	if _, err := s.Get(context.Background(), 42); !errors.Is(err, ErrNotFound) {
		t.Errorf("a canceled Put stored something: %v", err)
	}
}

// indexState is the content of the topic and due indexes.
type indexState struct {
	topics map[string][]int64  // topic → chats
	due    map[string][]string // zone → "minute/chat" keys
}

// checkIndexes compares the indexes with what a full scan of subscribers
// says they must hold.
func checkIndexes(t *testing.T, db *bolt.DB) {
	t.Helper()
	want := indexState{map[string][]int64{}, map[string][]string{}}
	got := indexState{map[string][]int64{}, map[string][]string{}}
	err := db.View(func(tx *bolt.Tx) error {
		if err := bucket(tx, bucketSubs).ForEach(func(_, v []byte) error {
			sub, err := decodeSub(v)
			for _, k := range topicKeys(sub) {
				want.topics[k] = append(want.topics[k], sub.ChatID)
			}
			for _, k := range dueKeys(sub) {
				want.due[sub.TimeZone] = append(want.due[sub.TimeZone], string(k))
			}
			return err
		}); err != nil {
			return err
		}
		// A nested bucket left empty shows up as a key with no chats, which
		// the full scan never produces: Due must not walk dead zones.
		readNested(tx, bucketTopics, func(name string, k []byte) {
			ids := got.topics[name]
			if k != nil {
				ids = append(ids, chatFromKey(k))
			}
			got.topics[name] = ids
		})
		readNested(tx, bucketDue, func(name string, k []byte) {
			keys := got.due[name]
			if k != nil {
				keys = append(keys, string(k))
			}
			got.due[name] = keys
		})
		return nil
	})
	if err != nil {
		t.Fatalf("scan: %v", err)
	}
	for _, m := range []map[string][]int64{want.topics, got.topics} {
		for k := range m {
			slices.Sort(m[k])
		}
	}
	for _, m := range []map[string][]string{want.due, got.due} {
		for k := range m {
			slices.Sort(m[k])
		}
	}
	if !maps.EqualFunc(want.topics, got.topics, slices.Equal) {
		t.Errorf("topic index = %v, full scan says %v", got.topics, want.topics)
	}
	if !maps.EqualFunc(want.due, got.due, slices.Equal) {
		t.Errorf("due index = %v, full scan says %v", got.due, want.due)
	}
}

// readNested calls fn once per nested bucket with no key (so empty buckets
// are seen) and once per key.
func readNested(tx *bolt.Tx, parent string, fn func(name string, k []byte)) {
	p := bucket(tx, parent)
	_ = p.ForEachBucket(func(name []byte) error {
		fn(string(name), nil)
		return p.Bucket(name).ForEach(func(k, _ []byte) error {
			fn(string(name), k)
			return nil
		})
	})
}

func assertEmptyIndexes(t *testing.T, db *bolt.DB) {
	t.Helper()
	_ = db.View(func(tx *bolt.Tx) error {
		for _, name := range []string{bucketTopics, bucketDue} {
			if k, _ := bucket(tx, name).Cursor().First(); k != nil {
				t.Errorf("bucket %s still has %q after the last subscriber left", name, k)
			}
		}
		return nil
	})
}

// Standing follows what Get would say about pausing and blocking, for new
// records and for records written by older versions.
func TestStanding(t *testing.T) {
	ctx := context.Background()
	s, _ := newStore(t)
	for id, flags := range map[int64][2]bool{1: {false, false}, 2: {true, false}, 3: {false, true}, 4: {true, true}} {
		sub := validSub()
		sub.ChatID, sub.Paused, sub.Inactive = id, flags[0], flags[1]
		mustPut(t, s, sub)
		got, err := s.Standing(ctx, id)
		if err != nil || got != (Standing{Paused: flags[0], Inactive: flags[1]}) {
			t.Errorf("Standing(%d) = %+v, %v; want paused=%v inactive=%v", id, got, err, flags[0], flags[1])
		}
	}
	if _, err := s.Standing(ctx, 99); !errors.Is(err, ErrNotFound) {
		t.Errorf("Standing(unknown) error = %v, want ErrNotFound", err)
	}
	old, _ := storeWithOld(t, "v1-before-alerts.json", 7)
	want, err := old.Get(ctx, 7)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := old.Standing(ctx, 7); err != nil || got != (Standing{Paused: want.Paused, Inactive: want.Inactive}) {
		t.Errorf("Standing of a v1 record = %+v, %v; Get says paused=%v inactive=%v", got, err, want.Paused, want.Inactive)
	}
}
