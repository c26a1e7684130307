package delivery

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"

	bolt "go.etcd.io/bbolt"
)

// Buckets of the outbox. A record's progress lives apart from its messages
// so that marking a message sent rewrites 4 bytes, not the digest.
var (
	bucketOutbox   = []byte("delivery_outbox")   // record ID → record JSON
	bucketProgress = []byte("delivery_progress") // record ID → messages sent (uint32)
	bucketCursors  = []byte("delivery_cursors")  // chat ID → cursor JSON
	bucketMeta     = []byte("delivery_meta")     // keyLastMinute → unix seconds
	bucketBodies   = []byte("delivery_bodies")   // content hash → messages (and keyboards) JSON, shared by records
	keyLastMinute  = []byte("last_minute")
)

// ErrCorrupt reports an outbox entry that cannot be decoded.
var ErrCorrupt = errors.New("delivery: corrupt outbox entry")

// Record states.
const (
	statePending = "pending" // to send (possibly not before NotBefore)
	stateFailed  = "failed"  // parked after repeated failures or a rejection
)

// record is one digest for one chat: its messages go out in order.
type record struct {
	ID          uint64    `json:"-"`
	ChatID      int64     `json:"chat_id"`
	Messages    []string  `json:"-"`    // stored once per distinct digest in bucketBodies
	Keyboards   keyboards `json:"-"`    // stored with Messages: the same for every chat sharing them
	Body        string    `json:"body"` // key of Messages in bucketBodies
	ParseMode   string    `json:"parse_mode,omitempty"`
	Interactive bool      `json:"interactive,omitempty"`
	State       string    `json:"state"`
	NotBefore   time.Time `json:"not_before,omitzero"`
	Attempts    int       `json:"attempts,omitempty"`
	LastError   string    `json:"last_error,omitempty"`
	Created     time.Time `json:"created"`
	Sent        int       `json:"-"` // from bucketProgress
}

// cursor is the newest article Seq loaded for the last digest a chat was
// sent. It is written in the same transaction as the chat's delivery
// record, so a crash can neither lose a window (gap) nor deliver it twice.
// Created ties it to one subscription: a chat that left and came back
// starts afresh. At is when that digest was composed (zero in cursors
// written before it was kept).
type cursor struct {
	Seq     uint64    `json:"seq"`
	Created time.Time `json:"created"`
	At      time.Time `json:"at,omitzero"`
}

func createBuckets(tx *bolt.Tx) error {
	for _, b := range [][]byte{bucketOutbox, bucketProgress, bucketCursors, bucketMeta, bucketBodies, bucketMore, bucketMoreStories} {
		if _, err := tx.CreateBucketIfNotExists(b); err != nil {
			return fmt.Errorf("delivery: create bucket %s: %w", b, err)
		}
	}
	return nil
}

func idKey(id uint64) []byte     { return binary.BigEndian.AppendUint64(nil, id) }
func chatKey(id int64) []byte    { return binary.BigEndian.AppendUint64(nil, uint64(id)) }
func keyID(k []byte) uint64      { return binary.BigEndian.Uint64(k) }
func u32(n int) []byte           { return binary.BigEndian.AppendUint32(nil, uint32(n)) }
func chatFromKey(k []byte) int64 { return int64(binary.BigEndian.Uint64(k)) }

// queued reports whether r is a message to write: its messages, or the
// key of a stored body (a push's later chats sharing a rendering).
func (r *record) queued() bool { return len(r.Messages) > 0 || r.Body != "" }

// putRecord stores a record, assigning an ID to a new one. Its messages go
// to bucketBodies under their hash: most chats of a push get the same
// digest, which is then written once instead of once per chat.
func putRecord(tx *bolt.Tx, r *record) error {
	b := tx.Bucket(bucketOutbox)
	if r.ID == 0 {
		// New records only ever append (IDs grow, the oldest are deleted
		// as they are sent): pages split at bbolt's default half-full
		// would leave the outbox twice the size on disk and in memory.
		b.FillPercent = appendFill
		id, err := b.NextSequence()
		if err != nil {
			return fmt.Errorf("delivery: record id: %w", err)
		}
		r.ID = id
	}
	if r.Body == "" {
		key, err := putBody(tx, r.Messages, r.Keyboards)
		if err != nil {
			return err
		}
		r.Body = key
	} else if r.Messages != nil {
		// A new record whose body key was computed while composing.
		if err := ensureBody(tx, r.Body, body{Messages: r.Messages, Keyboards: r.Keyboards}); err != nil {
			return err
		}
	}
	return b.Put(idKey(r.ID), encodeRecord(r))
}

// appendFill is the fill of outbox pages split by appends (see putRecord).
const appendFill = 0.9

func putBody(tx *bolt.Tx, msgs []string, kbs keyboards) (string, error) {
	key := bodyKey(msgs, kbs)
	return key, ensureBody(tx, key, body{Messages: msgs, Keyboards: kbs})
}

// keyboards is each message's inline keyboard (rows of buttons), by
// message index; a message past its end, or with no rows, has none.
type keyboards [][][]Button

// of returns message i's keyboard.
func (k keyboards) of(i int) [][]Button {
	if i < len(k) {
		return k[i]
	}
	return nil
}

func (k keyboards) empty() bool {
	for _, rows := range k {
		if len(rows) > 0 {
			return false
		}
	}
	return true
}

// body is what bucketBodies holds: a digest's messages with their
// keyboards. A body without keyboards is stored as a plain JSON array of
// the messages, as every body was before keyboards existed, so old bodies
// decode and keep their keys.
type body struct {
	Messages  []string  `json:"messages"`
	Keyboards keyboards `json:"keyboards,omitempty"`
}

// bodyKey is the hash under which a digest's messages (and keyboards) are
// stored.
func bodyKey(msgs []string, kbs keyboards) string {
	h := sha256.New()
	for _, m := range msgs {
		io.WriteString(h, m)
		h.Write([]byte{0})
	}
	if !kbs.empty() {
		kb, _ := json.Marshal(kbs) // strings and slices only: cannot fail
		h.Write([]byte{1})
		h.Write(kb)
	}
	return hex.EncodeToString(h.Sum(nil)[:16])
}

func ensureBody(tx *bolt.Tx, key string, bd body) error {
	b := tx.Bucket(bucketBodies)
	if b.Get([]byte(key)) != nil {
		return nil
	}
	var v []byte
	var err error
	if bd.Keyboards.empty() {
		v, err = json.Marshal(bd.Messages)
	} else {
		v, err = json.Marshal(bd)
	}
	if err != nil {
		return fmt.Errorf("delivery: encode messages: %w", err)
	}
	return b.Put([]byte(key), v)
}

// decodeRecord decodes a record and its progress; the messages are left
// out (see loadBody).
func decodeRecord(k, v []byte, progress *bolt.Bucket) (record, error) {
	r, err := parseRecord(v)
	if err != nil {
		return record{}, fmt.Errorf("%w: record %d: %v", ErrCorrupt, keyID(k), err)
	}
	r.ID = keyID(k)
	if p := progress.Get(k); len(p) == 4 {
		r.Sent = int(binary.BigEndian.Uint32(p))
	}
	return r, nil
}

func loadBody(tx *bolt.Tx, key string) (body, error) {
	bd, ok := decodeBody(tx.Bucket(bucketBodies).Get([]byte(key)))
	if !ok {
		return body{}, fmt.Errorf("%w: messages %q missing or unreadable", ErrCorrupt, key)
	}
	return bd, nil
}

// decodeBody reads either form of a stored body (see body); ok is false
// for anything without a message.
func decodeBody(v []byte) (body, bool) {
	var bd body
	v = bytes.TrimSpace(v)
	var err error
	switch {
	case len(v) == 0:
		return body{}, false
	case v[0] == '[':
		err = json.Unmarshal(v, &bd.Messages)
	default:
		err = json.Unmarshal(v, &bd)
	}
	return bd, err == nil && len(bd.Messages) > 0
}

// pruneBodies deletes the bodies no record refers to. It runs in one write
// transaction so a push cannot reuse a body between the check and the delete.
func pruneBodies(tx *bolt.Tx) (int, error) {
	used := map[string]bool{}
	err := tx.Bucket(bucketOutbox).ForEach(func(k, v []byte) error {
		if r, err := parseRecord(v); err == nil {
			used[r.Body] = true
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	return deleteUnused(tx.Bucket(bucketBodies), used)
}

// deleteUnused deletes the keys of b that used does not hold and returns
// how many it deleted.
func deleteUnused(b *bolt.Bucket, used map[string]bool) (int, error) {
	var unused [][]byte
	_ = b.ForEach(func(k, _ []byte) error { // the callback never fails
		if !used[string(k)] {
			unused = append(unused, append([]byte(nil), k...))
		}
		return nil
	})
	for _, k := range unused {
		if err := b.Delete(k); err != nil {
			return 0, err
		}
	}
	return len(unused), nil
}

// markSent records that the first n messages of a record went out; the
// last one removes the record (finished records are compacted at once).
func markSent(tx *bolt.Tx, id uint64, n int, done bool) error {
	if done {
		return deleteRecord(tx, id)
	}
	b := tx.Bucket(bucketProgress)
	b.FillPercent = appendFill // keyed like the records: appended in ID order
	return b.Put(idKey(id), u32(n))
}

func deleteRecord(tx *bolt.Tx, id uint64) error {
	if err := tx.Bucket(bucketOutbox).Delete(idKey(id)); err != nil {
		return fmt.Errorf("delivery: delete record %d: %w", id, err)
	}
	return tx.Bucket(bucketProgress).Delete(idKey(id))
}

func getCursor(tx *bolt.Tx, chatID int64) (cursor, bool) {
	v := tx.Bucket(bucketCursors).Get(chatKey(chatID))
	if v == nil {
		return cursor{}, false
	}
	c, err := parseCursor(v)
	if err != nil {
		return cursor{}, false // unreadable: fall back to the subscriber's own cursor
	}
	return c, true
}

func putCursor(tx *bolt.Tx, chatID int64, c cursor) error {
	b := tx.Bucket(bucketCursors)
	// A chat's cursor is rewritten in place by every push (same size), and
	// a push reads and writes the cursors of chats spread over the whole
	// bucket: pages split half-full (bbolt's default) held ~95,000
	// cursors in twice the pages, all of which the push reads, rewrites
	// and keeps mapped. Pages split 90 % full leave room for the few
	// chats that arrive between pushes.
	b.FillPercent = cursorFill
	return b.Put(chatKey(chatID), encodeCursor(c))
}

// cursorFill is the fill of cursor pages when they split (see putCursor).
const cursorFill = 0.9

func getLastMinute(tx *bolt.Tx) time.Time {
	v := tx.Bucket(bucketMeta).Get(keyLastMinute)
	if len(v) != 8 {
		return time.Time{}
	}
	return time.Unix(int64(binary.BigEndian.Uint64(v)), 0).UTC()
}

func putLastMinute(tx *bolt.Tx, t time.Time) error {
	return tx.Bucket(bucketMeta).Put(keyLastMinute, binary.BigEndian.AppendUint64(nil, uint64(t.Unix())))
}
