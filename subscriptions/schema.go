package subscriptions

import (
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"time"

	bolt "go.etcd.io/bbolt"
)

// SchemaVersion is the layout this code reads and writes:
//
//	v0: bucket "subscribers", key = decimal chat ID, value = v0Subscriber JSON
//	    (one delivery time, no keywords), no indexes, no version key. The
//	    prototype layout; files written by it are migrated on open.
//	v1: the buckets named in store.go, chat IDs as sign-flipped big-endian
//	    uint64 keys, topic and due indexes, version in subscriptions.meta.
//	    The alerts index (subscriptions.alerts) was added within v1: it is
//	    created at open, starts empty (no older record has Alerts set) and
//	    an older binary ignores it; AlertChats re-checks every entry, so one
//	    left stale by such a binary is harmless.
//	v2: subscriber records in the binary form of codec.go (rewritten from
//	    JSON by the migration; JSON records still decode). A v1 program
//	    refuses the file (ErrSchemaTooNew) instead of failing on every
//	    record.
const SchemaVersion = 2

// ErrSchemaTooNew is returned by NewStore for a file written by a newer
// version of this program; opening it would risk corrupting it.
var ErrSchemaTooNew = errors.New("subscriptions: database schema is newer than this program")

// migrations returns the steps; step i upgrades a file from version i to
// i+1, inside the same transaction as every other step, so a failed
// migration leaves the file as it was.
func migrations() [SchemaVersion]func(tx *bolt.Tx) error {
	return [SchemaVersion]func(tx *bolt.Tx) error{
		migrateV0toV1,
		migrateV1toV2,
	}
}

// migrate creates the current buckets and runs every migration the file
// needs, recording the new version.
func migrate(tx *bolt.Tx) error {
	meta, err := tx.CreateBucketIfNotExists([]byte(bucketMeta))
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	version, err := readVersion(tx, meta)
	if err != nil {
		return err
	}
	if version > SchemaVersion {
		return fmt.Errorf("migrate: file has v%d, program v%d: %w", version, SchemaVersion, ErrSchemaTooNew)
	}
	if err := createBuckets(tx); err != nil {
		return err
	}
	steps := migrations()
	for v := version; v < SchemaVersion; v++ {
		if err := steps[v](tx); err != nil {
			return fmt.Errorf("migrate v%d → v%d: %w", v, v+1, err)
		}
	}
	return meta.Put([]byte(keySchema), []byte(strconv.Itoa(SchemaVersion)))
}

// readVersion returns the stored version. A file without a version key is
// v0 if it holds the prototype bucket; otherwise it is new and starts at the
// current version (there is nothing to migrate).
func readVersion(tx *bolt.Tx, meta *bolt.Bucket) (int, error) {
	v := meta.Get([]byte(keySchema))
	if v == nil {
		if bucket(tx, bucketV0) != nil {
			return 0, nil
		}
		return SchemaVersion, nil
	}
	n, err := strconv.Atoi(string(v))
	if err != nil {
		return 0, fmt.Errorf("migrate: bad schema version %q: %w", v, err)
	}
	return n, nil
}

func createBuckets(tx *bolt.Tx) error {
	for _, name := range []string{bucketSubs, bucketTopics, bucketDue, bucketAlerts} {
		if _, err := tx.CreateBucketIfNotExists([]byte(name)); err != nil {
			return fmt.Errorf("create bucket %s: %w", name, err)
		}
	}
	return nil
}

const bucketV0 = "subscribers"

// errSkip marks a v0 record with no usable chat ID: nothing can be sent to
// it, so the migration drops it (with a log line) instead of failing.
var errSkip = errors.New("subscriptions: v0 record has no chat ID")

// v0Subscriber is the prototype's record.
type v0Subscriber struct {
	ChatID   int64     `json:"chat_id"`
	ChatType string    `json:"type"`
	Lang     string    `json:"lang"`
	Topics   []string  `json:"topics"`
	TZ       string    `json:"tz"`
	Time     string    `json:"time"`
	Paused   bool      `json:"paused"`
	Created  time.Time `json:"created"`
}

// migrateV0toV1 converts every prototype record, fills what v0 lacked with
// defaults, indexes it, and drops the old bucket. A record that cannot be
// made valid keeps its chat but gets the defaults for the bad fields, so no
// subscriber is lost.
func migrateV0toV1(tx *bolt.Tx) error {
	old := bucket(tx, bucketV0)
	if old == nil {
		return nil
	}
	err := old.ForEach(func(k, v []byte) error {
		sub, err := fromV0(k, v)
		if errors.Is(err, errSkip) {
			slog.Warn("subscriptions: migrate v0: record without a chat ID dropped", "key", string(k))
			return nil
		}
		if err != nil {
			return err
		}
		data, err := json.Marshal(sub)
		if err != nil {
			return fmt.Errorf("encode %d: %w", sub.ChatID, err)
		}
		if err := bucket(tx, bucketSubs).Put(chatKey(sub.ChatID), data); err != nil {
			return fmt.Errorf("write %d: %w", sub.ChatID, err)
		}
		return index(tx, sub)
	})
	if err != nil {
		return err
	}
	return tx.DeleteBucket([]byte(bucketV0))
}

func fromV0(k, v []byte) (Subscriber, error) {
	id, err := strconv.ParseInt(string(k), 10, 64)
	if err != nil || id == 0 {
		return Subscriber{}, errSkip
	}
	var o v0Subscriber
	if err := json.Unmarshal(v, &o); err != nil {
		return Subscriber{}, fmt.Errorf("v0 record %d: %w", id, err)
	}
	chatType := o.ChatType
	if chatType == "" {
		chatType = ChatPrivate
	}
	sub := New(id, chatType, o.Lang, o.Created)
	sub.Topics, sub.TimeZone, sub.Paused = o.Topics, o.TZ, o.Paused
	if o.Time != "" {
		sub.Times = []string{o.Time}
	}
	return repair(sub), nil
}

// repair replaces each invalid field by its default, one at a time, until
// the subscriber validates.
func repair(sub Subscriber) Subscriber {
	def := New(sub.ChatID, ChatPrivate, "en", sub.Created)
	for range 10 { // one pass per field Validate checks, at most
		var fe *FieldError
		if !errors.As(sub.Validate(), &fe) {
			return sub
		}
		switch fe.Field {
		case "ChatType":
			sub.ChatType = def.ChatType
		case "Topics":
			sub.Topics = nil
		case "TimeZone":
			sub.TimeZone = def.TimeZone
		case "Times":
			sub.Times = def.Times
		case "Include", "Exclude":
			sub.Include, sub.Exclude = nil, nil
		case "StoryLangs":
			sub.StoryLangs = StoriesAuto
		case "Learned":
			sub.Learned = Learned{}
		default:
			sub.MaxStories = 0
		}
	}
	return sub
}
