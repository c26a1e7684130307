package subscriptions

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"newsdigest/internal/dbtest"

	bolt "go.etcd.io/bbolt"
)

// writeV0 lays out a prototype (v0) file from testdata/v0.txt: one
// "key<TAB>json" record per line, in bucket "subscribers", no version key.
func writeV0(t *testing.T, db *bolt.DB) {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "v0.txt"))
	if err != nil {
		t.Fatal(err)
	}
	err = db.Update(func(tx *bolt.Tx) error {
		b, err := tx.CreateBucket([]byte(bucketV0))
		if err != nil {
			return err
		}
		for line := range strings.Lines(string(data)) {
			k, v, ok := strings.Cut(strings.TrimSpace(line), "\t")
			if !ok {
				continue
			}
			if err := b.Put([]byte(k), []byte(v)); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestMigrateFromV0(t *testing.T) {
	ctx := context.Background()
	db := dbtest.Open(t)
	writeV0(t, db)
	s, err := NewStore(ctx, db)
	if err != nil {
		t.Fatalf("NewStore on a v0 file: %v", err)
	}
	tests := []struct {
		id                      int64
		lang, zone, time, ctype string
		topics                  []string
		paused                  bool
	}{
		{111, "ar", "Asia/Baghdad", "07:30", ChatPrivate, []string{"politics"}, false},
		{-222, "en", "Europe/Berlin", "02:30", ChatGroup, nil, false},
		{333, "en", "UTC", "08:00", ChatPrivate, nil, true},               // bad zone, bad time, bad topic → defaults
		{444, "ar", "America/New_York", "08:00", ChatPrivate, nil, false}, // no time in v0 → default
	}
	for _, tt := range tests {
		got, err := s.Get(ctx, tt.id)
		if err != nil {
			t.Errorf("chat %d lost in migration: %v", tt.id, err)
			continue
		}
		if got.Lang != tt.lang || got.TimeZone != tt.zone || !slices.Equal(got.Times, []string{tt.time}) ||
			got.ChatType != tt.ctype || !slices.Equal(got.Topics, tt.topics) || got.Paused != tt.paused {
			t.Errorf("chat %d migrated to %+v", tt.id, got)
		}
	}
	if _, err := s.Get(ctx, 0); !errors.Is(err, ErrNotFound) {
		t.Errorf("v0 record with key 0 = %v, want dropped", err)
	}
	// The migrated chats are in the indexes: Berlin's 02:30 on the
	// spring-forward day falls due at 03:00 CEST.
	if ids, _ := s.Due(ctx, utc(3, 29, 0, 59), utc(3, 29, 1, 0)); !slices.Equal(ids, []int64{-222}) {
		t.Errorf("Due after migration = %v, want [-222]", ids)
	}
	if ids, _ := s.ChatsByTopic(ctx, "politics"); !slices.Equal(ids, []int64{111}) {
		t.Errorf("topic index after migration = %v", ids)
	}
	checkIndexes(t, db)
	_ = db.View(func(tx *bolt.Tx) error {
		if tx.Bucket([]byte(bucketV0)) != nil {
			t.Error("v0 bucket still present after migration")
		}
		if v := string(bucket(tx, bucketMeta).Get([]byte(keySchema))); v != strconv.Itoa(SchemaVersion) {
			t.Errorf("schema version = %q, want %d", v, SchemaVersion)
		}
		return nil
	})
	// Opening again is a no-op.
	if _, err := NewStore(ctx, db); err != nil {
		t.Fatalf("reopen: %v", err)
	}
	if n := count(t, s); n != 4 {
		t.Errorf("%d subscribers after reopen, want 4", n)
	}
}

func TestSchemaTooNew(t *testing.T) {
	ctx := context.Background()
	db := dbtest.Open(t)
	err := db.Update(func(tx *bolt.Tx) error {
		b, err := tx.CreateBucket([]byte(bucketMeta))
		if err != nil {
			return err
		}
		return b.Put([]byte(keySchema), []byte("99"))
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := NewStore(ctx, db); !errors.Is(err, ErrSchemaTooNew) {
		t.Errorf("NewStore on a v99 file = %v, want ErrSchemaTooNew", err)
	}
	_ = db.View(func(tx *bolt.Tx) error {
		if bucket(tx, bucketSubs) != nil {
			t.Error("a refused open created buckets")
		}
		return nil
	})
}

func count(t *testing.T, s *Store) int {
	t.Helper()
	n := 0
	if err := s.All(context.Background(), func(Subscriber) error { n++; return nil }); err != nil {
		t.Fatal(err)
	}
	return n
}

// A v1 file (JSON records) is rewritten in the binary form on open: every
// subscriber reads back as it was, its indexes still find it, a damaged
// record stays as it was without stopping the others, and a v1 program
// would now refuse the file.
func TestMigrateFromV1(t *testing.T) {
	ctx := context.Background()
	db := dbtest.Open(t)
	s, err := NewStore(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	var want []Subscriber
	for _, fixture := range []string{"v1-before-alerts.json", "v1-before-story-langs.json"} {
		data, err := os.ReadFile(filepath.Join("testdata", fixture))
		if err != nil {
			t.Fatal(err)
		}
		sub, err := decodeSub(data)
		if err != nil {
			t.Fatal(err)
		}
		want = append(want, sub)
		err = db.Update(func(tx *bolt.Tx) error {
			if err := index(tx, sub); err != nil {
				return err
			}
			return bucket(tx, bucketSubs).Put(chatKey(sub.ChatID), data)
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	err = db.Update(func(tx *bolt.Tx) error {
		if err := bucket(tx, bucketSubs).Put(chatKey(99), []byte("{damaged")); err != nil {
			return err
		}
		return bucket(tx, bucketMeta).Put([]byte(keySchema), []byte("1"))
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := NewStore(ctx, db); err != nil {
		t.Fatalf("NewStore on a v1 file: %v", err)
	}
	_ = db.View(func(tx *bolt.Tx) error {
		for _, w := range want {
			if v := bucket(tx, bucketSubs).Get(chatKey(w.ChatID)); len(v) == 0 || v[0] != recordBinary {
				t.Errorf("chat %d not rewritten: %.20q", w.ChatID, v)
			}
		}
		if v := string(bucket(tx, bucketSubs).Get(chatKey(99))); v != "{damaged" {
			t.Errorf("damaged record became %q", v)
		}
		if v := string(bucket(tx, bucketMeta).Get([]byte(keySchema))); v != "2" {
			t.Errorf("schema version = %q, want 2", v)
		}
		return nil
	})
	for _, w := range want {
		got, err := s.Get(ctx, w.ChatID)
		if err != nil || !sameSub(got, w) {
			t.Errorf("Get(%d) after migration = %+v, %v; want %+v", w.ChatID, got, err, w)
		}
		if ids, _ := s.ChatsByTopic(ctx, w.Topics[0]); !slices.Contains(ids, w.ChatID) {
			t.Errorf("topic %s no longer finds chat %d", w.Topics[0], w.ChatID)
		}
	}
}
