package delivery

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"newsdigest/internal/dbtest"
)

// writeMany runs writers×each concurrent committer writes of record IDs
// 1…writers×each; fail picks the IDs whose write fails.
func writeMany(t *testing.T, c *committer, writers, each int, fail func(uint64) bool) map[uint64]error {
	t.Helper()
	var mu sync.Mutex
	errs := map[uint64]error{}
	var wg sync.WaitGroup
	for w := range writers {
		wg.Go(func() {
			for i := range each {
				id := uint64(w*each + i + 1)
				err := c.do(context.Background(), func(tx *bolt.Tx) error {
					if fail(id) {
						return errBadWrite
					}
					return tx.Bucket(bucketProgress).Put(idKey(id), u32(1))
				})
				mu.Lock()
				errs[id] = err
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	return errs
}

var errBadWrite = errors.New("bad write")

func openOutbox(t *testing.T) *bolt.DB {
	t.Helper()
	db := dbtest.Open(t)
	if err := db.Update(createBuckets); err != nil {
		t.Fatal(err)
	}
	return db
}

// Marks from many senders share group commits: never more than one
// transaction (one fsync) per interval, and every write is durable when
// do returns.
func TestCommitterGroupsWritesPerInterval(t *testing.T) {
	db := openOutbox(t)
	const writers, each, interval = 50, 20, 20 * time.Millisecond
	var commits atomic.Int64
	c := newCommitter(db, &commits, interval)
	start := time.Now()
	errs := writeMany(t, c, writers, each, func(uint64) bool { return false })
	elapsed := time.Since(start)
	c.close()
	if limit := int64(elapsed/interval) + 1; commits.Load() > limit {
		t.Errorf("%d commits in %s; at most one per %s allows %d", commits.Load(), elapsed, interval, limit)
	}
	if n := commits.Load(); n > 2*each {
		t.Errorf("%d commits for %d writes by %d writers: marks are not being grouped", n, writers*each, writers)
	}
	err := db.View(func(tx *bolt.Tx) error {
		for id, err := range errs {
			if err != nil || tx.Bucket(bucketProgress).Get(idKey(id)) == nil {
				t.Errorf("write %d: err=%v, stored=%v", id, err, tx.Bucket(bucketProgress).Get(idKey(id)) != nil)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.do(context.Background(), func(*bolt.Tx) error { return nil }); !errors.Is(err, ErrClosed) {
		t.Errorf("write after close: %v, want ErrClosed", err)
	}
}

// One failing write in a group fails alone: the others are stored.
func TestCommitterFailingWriteFailsAlone(t *testing.T) {
	db := openOutbox(t)
	var commits atomic.Int64
	c := newCommitter(db, &commits, 20*time.Millisecond)
	errs := writeMany(t, c, 10, 10, func(id uint64) bool { return id == 7 })
	c.close()
	_ = db.View(func(tx *bolt.Tx) error {
		for id, err := range errs {
			stored := tx.Bucket(bucketProgress).Get(idKey(id)) != nil
			if id == 7 && (!errors.Is(err, errBadWrite) || stored) {
				t.Errorf("failing write: err=%v stored=%v", err, stored)
			}
			if id != 7 && (err != nil || !stored) {
				t.Errorf("write %d beside a failing one: err=%v stored=%v", id, err, stored)
			}
		}
		return nil
	})
}
