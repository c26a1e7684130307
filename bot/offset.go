package bot

import (
	"encoding/json"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"
)

// The updates loop records, after each handled update, the offset that
// confirms it. Telegram confirms an update only when the next getUpdates
// carries a higher offset, so without this record a crash would repeat every
// handled update of the last batch; with it, a restart skips them and
// repeats at most the one in flight.
const (
	bucketBot = "bot.state"
	keyOffset = "updates_offset"
)

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

func (b *Bot) saveOffset(offset int) error {
	if b.db == nil {
		return nil
	}
	data, err := json.Marshal(offsetRecord{Offset: offset, At: b.now()})
	if err != nil {
		return fmt.Errorf("bot: save offset: %w", err)
	}
	// Batch: chats are handled concurrently, and their offset writes share
	// one commit. Offsets only grow, whatever order the writes land in.
	err = b.db.Batch(func(tx *bolt.Tx) error {
		bk, err := tx.CreateBucketIfNotExists([]byte(bucketBot))
		if err != nil {
			return err
		}
		var cur offsetRecord
		if v := bk.Get([]byte(keyOffset)); v != nil && json.Unmarshal(v, &cur) == nil && cur.Offset > offset {
			return nil
		}
		return bk.Put([]byte(keyOffset), data)
	})
	if err != nil {
		return fmt.Errorf("bot: save offset: %w", err)
	}
	return nil
}
