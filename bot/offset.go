package bot

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"sync"
	"time"

	bolt "go.etcd.io/bbolt"
)

// The updates loop records, after each handled update, its ID and the
// offset that confirms the handled prefix. Telegram confirms an update only
// when a later getUpdates carries a higher offset, and the offset cannot pass
// an update still in hand (a chat waiting for its flood limit, a retry), so
// without these records a crash would repeat every update handled since; with
// them a restart, a repeated getUpdates or a webhook retry skips them.
const (
	bucketBot     = "bot.state"
	bucketHandled = "bot.handled" // update ID (8 bytes, big-endian) → unix seconds handled
	keyOffset     = "updates_offset"
)

// handledMaxAge is how long a handled update ID is remembered: Telegram
// keeps an unconfirmed update (and retries a webhook call) for at most a day.
const handledMaxAge = 24 * time.Hour

// offsetRecord is the stored offset. Telegram keeps updates for 24 h and
// may restart update IDs after a week without updates, so an offset older
// than a day is ignored.
type offsetRecord struct {
	Offset int       `json:"offset"`
	At     time.Time `json:"at"`
}

const offsetMaxAge = 24 * time.Hour

func (b *Bot) loadOffset() int {
	if b.db == nil {
		return 0
	}
	var rec offsetRecord
	err := b.db.View(func(tx *bolt.Tx) error {
		bk := tx.Bucket([]byte(bucketBot))
		if bk == nil {
			return nil
		}
		if v := bk.Get([]byte(keyOffset)); v != nil {
			return json.Unmarshal(v, &rec)
		}
		return nil
	})
	if err != nil || b.now().Sub(rec.At) > offsetMaxAge {
		return 0
	}
	return rec.Offset
}

// markHandled records that update id is handled and, when the prefix grew,
// the offset; both in one batched commit shared by the chats finishing at
// the same time. A failed write is reported to the readiness check; the
// update still counts as handled in this process (its reply is out).
func (b *Bot) markHandled(ctx context.Context, id, offset int, advanced bool) {
	b.recent.add(id)
	if b.db == nil {
		return
	}
	now := b.now()
	err := b.db.Batch(func(tx *bolt.Tx) error {
		bk, err := tx.CreateBucketIfNotExists([]byte(bucketHandled))
		if err != nil {
			return err
		}
		if err := bk.Put(updateKey(id), updateKey(int(now.Unix()))); err != nil {
			return err
		}
		pruneHandled(bk, now)
		if !advanced {
			return nil
		}
		return putOffset(tx, offset, now)
	})
	b.reportWrite(err)
	if err != nil {
		b.log.WarnContext(ctx, "could not record a handled update; a restart may repeat it", "update", id, "err", err)
	}
}

// putOffset stores the offset unless a higher one is stored: offsets only
// grow, whatever order concurrent writes land in.
func putOffset(tx *bolt.Tx, offset int, now time.Time) error {
	bk, err := tx.CreateBucketIfNotExists([]byte(bucketBot))
	if err != nil {
		return err
	}
	var cur offsetRecord
	if v := bk.Get([]byte(keyOffset)); v != nil && json.Unmarshal(v, &cur) == nil && cur.Offset > offset {
		return nil
	}
	data, err := json.Marshal(offsetRecord{Offset: offset, At: now})
	if err != nil {
		return fmt.Errorf("bot: save offset: %w", err)
	}
	return bk.Put([]byte(keyOffset), data)
}

// pruneHandled drops a few IDs older than handledMaxAge from the front (IDs
// grow with time), so the bucket stays about a day of updates long.
func pruneHandled(bk *bolt.Bucket, now time.Time) {
	c := bk.Cursor()
	for k, v := c.First(); k != nil && len(v) == 8; k, v = c.Next() {
		if now.Sub(time.Unix(int64(binary.BigEndian.Uint64(v)), 0)) <= handledMaxAge {
			return
		}
		if c.Delete() != nil {
			return
		}
	}
}

// wasHandled reports whether update id was handled recently, by this process
// or, through the database, by an earlier one.
func (b *Bot) wasHandled(id int) bool {
	if b.recent.has(id) {
		return true
	}
	if b.db == nil {
		return false
	}
	found := false
	_ = b.db.View(func(tx *bolt.Tx) error { // unreadable: handle it again rather than drop it
		if bk := tx.Bucket([]byte(bucketHandled)); bk != nil {
			if v := bk.Get(updateKey(id)); len(v) == 8 {
				found = b.now().Sub(time.Unix(int64(binary.BigEndian.Uint64(v)), 0)) <= handledMaxAge
			}
		}
		return nil
	})
	return found
}

func updateKey(id int) []byte {
	k := make([]byte, 8)
	binary.BigEndian.PutUint64(k, uint64(id))
	return k
}

// recentIDs remembers the last handled update IDs in memory, for a bot
// without a database and to spare a read for the common repeat.
type recentIDs struct {
	mu   sync.Mutex
	set  map[int]bool
	ring []int
	next int
}

const recentCap = 4096

func newRecentIDs() *recentIDs {
	return &recentIDs{set: map[int]bool{}, ring: make([]int, 0, recentCap)}
}

func (r *recentIDs) add(id int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.set[id] {
		return
	}
	if len(r.ring) < recentCap {
		r.ring = append(r.ring, id)
	} else {
		delete(r.set, r.ring[r.next])
		r.ring[r.next] = id
		r.next = (r.next + 1) % recentCap
	}
	r.set[id] = true
}

func (r *recentIDs) has(id int) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.set[id]
}
