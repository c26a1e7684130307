package subscriptions

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"sync"
	"time"

	bolt "go.etcd.io/bbolt"
)

// Bucket names. Each top-level bucket belongs to this package alone.
const (
	bucketMeta   = "subscriptions.meta"
	bucketSubs   = "subscriptions.subscribers"
	bucketTopics = "subscriptions.topics" // nested: <topic>/<chat id> → {}
	bucketDue    = "subscriptions.due"    // nested: <zone>/<minute><chat id> → {}
	bucketAlerts = "subscriptions.alerts" // <chat id> → {}: active chats with alerts on (see AlertChats)
	keySchema    = "schema"
)

// bucket returns a top-level bucket that NewStore created.
func bucket(tx *bolt.Tx, name string) *bolt.Bucket { return tx.Bucket([]byte(name)) }

// allTopics is the topic-index key for subscribers with no topic filter; it
// cannot collide with a real topic ID (see ValidTopicID).
const allTopics = "*"

// ErrChatIDChanged is returned by Update when fn changes the chat ID; use
// Move for that.
var ErrChatIDChanged = errors.New("subscriptions: update must not change the chat ID")

// Store keeps subscribers in bbolt. Every method is one transaction.
type Store struct {
	db   *bolt.DB
	now  func() time.Time
	locs sync.Map // zone name → *time.Location, so Due does not re-read tzdata every minute
}

// Option configures a Store.
type Option func(*Store)

// WithClock sets the clock used for Created/Updated stamps (tests).
func WithClock(now func() time.Time) Option { return func(s *Store) { s.now = now } }

// NewStore creates the buckets and migrates an older schema, in one
// transaction.
func NewStore(ctx context.Context, db *bolt.DB, opts ...Option) (*Store, error) {
	s := &Store{db: db, now: time.Now}
	for _, o := range opts {
		o(s)
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("subscriptions: new store: %w", err)
	}
	if err := db.Update(migrate); err != nil {
		return nil, fmt.Errorf("subscriptions: new store: %w", err)
	}
	return s, nil
}

// Get returns the chat's subscriber or ErrNotFound.
func (s *Store) Get(ctx context.Context, chatID int64) (Subscriber, error) {
	var sub Subscriber
	err := s.view(ctx, func(tx *bolt.Tx) error {
		var err error
		sub, err = getSub(tx, chatID)
		return err
	})
	if err != nil {
		return Subscriber{}, fmt.Errorf("subscriptions: get %d: %w", chatID, err)
	}
	return sub, nil
}

// Standing is whether a chat takes messages: what a sender checks before
// each one, since the chat may have paused or blocked the bot since its
// message was queued.
type Standing struct {
	Paused   bool `json:"paused"` // the JSON names of v1 records
	Inactive bool `json:"inactive"`
}

// Standing returns the chat's paused and inactive flags, or ErrNotFound.
// It reads those two flags only: delivery asks it before every record of a
// push, where decoding the whole subscriber (keywords, times, learned
// weights) each time was a tenth of the workers' CPU.
func (s *Store) Standing(ctx context.Context, chatID int64) (Standing, error) {
	var st Standing
	err := s.view(ctx, func(tx *bolt.Tx) error {
		v := bucket(tx, bucketSubs).Get(chatKey(chatID))
		if v == nil {
			return ErrNotFound
		}
		var err error
		st, err = decodeStanding(v)
		return err
	})
	if err != nil {
		return Standing{}, fmt.Errorf("subscriptions: standing of %d: %w", chatID, err)
	}
	return st, nil
}

// GetMany returns the subscribers of the given chats that exist, in the
// order asked, from one read transaction (a push reads thousands: one
// transaction each would cost more than the reads). Unknown chats are
// skipped.
func (s *Store) GetMany(ctx context.Context, chatIDs []int64) ([]Subscriber, error) {
	out := make([]Subscriber, 0, len(chatIDs))
	err := s.view(ctx, func(tx *bolt.Tx) error {
		for _, id := range chatIDs {
			sub, err := getSub(tx, id)
			if errors.Is(err, ErrNotFound) {
				continue
			}
			if err != nil {
				return err
			}
			out = append(out, sub)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("subscriptions: get many: %w", err)
	}
	return out, nil
}

// Put creates or replaces a subscriber after validating it, and updates the
// indexes. Created is kept from the stored copy when sub's is zero.
func (s *Store) Put(ctx context.Context, sub Subscriber) error {
	err := s.update(ctx, func(tx *bolt.Tx) error { return s.putTx(tx, sub) })
	if err != nil {
		return fmt.Errorf("subscriptions: put %d: %w", sub.ChatID, err)
	}
	return nil
}

func (s *Store) putTx(tx *bolt.Tx, sub Subscriber) error {
	old, err := getSub(tx, sub.ChatID)
	switch {
	case errors.Is(err, ErrNotFound):
		_, err = s.save(tx, nil, sub)
		return err
	case err != nil:
		return err
	}
	_, err = s.save(tx, &old, sub)
	return err
}

// Update reads the chat's subscriber, lets fn change it, validates and stores
// the result, all in one transaction. fn's error aborts without a change and
// is returned wrapped. ErrNotFound when the chat has no subscriber.
func (s *Store) Update(ctx context.Context, chatID int64, fn func(*Subscriber) error) (Subscriber, error) {
	var out Subscriber
	err := s.update(ctx, func(tx *bolt.Tx) error {
		old, err := getSub(tx, chatID)
		if err != nil {
			return err
		}
		sub := clone(old)
		if err := fn(&sub); err != nil {
			return err
		}
		if sub.ChatID != chatID {
			return ErrChatIDChanged
		}
		out, err = s.save(tx, &old, sub)
		return err
	})
	if err != nil {
		return Subscriber{}, fmt.Errorf("subscriptions: update %d: %w", chatID, err)
	}
	return out, nil
}

// Delete removes the chat's subscriber and every index entry for it.
// Deleting a chat that has no subscriber is not an error (it is what the
// user asked for either way).
func (s *Store) Delete(ctx context.Context, chatID int64) error {
	err := s.update(ctx, func(tx *bolt.Tx) error {
		old, err := getSub(tx, chatID)
		if errors.Is(err, ErrNotFound) {
			return nil
		}
		if err != nil {
			return err
		}
		return removeSub(tx, old)
	})
	if err != nil {
		return fmt.Errorf("subscriptions: delete %d: %w", chatID, err)
	}
	return nil
}

// All calls fn for every subscriber in chat-ID order, inside one read
// transaction; fn's error stops the walk and is returned wrapped.
func (s *Store) All(ctx context.Context, fn func(Subscriber) error) error {
	err := s.view(ctx, func(tx *bolt.Tx) error {
		return bucket(tx, bucketSubs).ForEach(func(_, v []byte) error {
			sub, err := decodeSub(v)
			if err != nil {
				return err
			}
			if err := ctx.Err(); err != nil {
				return err
			}
			return fn(sub)
		})
	})
	if err != nil {
		return fmt.Errorf("subscriptions: all: %w", err)
	}
	return nil
}

// Move re-keys a subscriber when Telegram migrates a group to a supergroup
// (migrate_to_chat_id). If the new chat already has a subscriber (someone
// configured the supergroup meanwhile), that one wins and the old chat is
// dropped. Repeating a finished move is a no-op, so a retried delivery can
// call it again; ErrNotFound when neither chat is known.
func (s *Store) Move(ctx context.Context, from, to int64) error {
	err := s.update(ctx, func(tx *bolt.Tx) error {
		old, err := getSub(tx, from)
		if errors.Is(err, ErrNotFound) {
			_, err = getSub(tx, to)
			return err
		}
		if err != nil {
			return err
		}
		return s.moveSub(tx, old, to)
	})
	if err != nil {
		return fmt.Errorf("subscriptions: move %d → %d: %w", from, to, err)
	}
	return nil
}

func (s *Store) moveSub(tx *bolt.Tx, old Subscriber, to int64) error {
	if err := removeSub(tx, old); err != nil {
		return err
	}
	if _, err := getSub(tx, to); err == nil || !errors.Is(err, ErrNotFound) {
		return err
	}
	moved := clone(old)
	moved.ChatID = to
	if moved.ChatType == ChatGroup {
		moved.ChatType = ChatSupergroup
	}
	_, err := s.save(tx, nil, moved)
	return err
}

func (s *Store) view(ctx context.Context, fn func(*bolt.Tx) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	return s.db.View(fn)
}

func (s *Store) update(ctx context.Context, fn func(*bolt.Tx) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	return s.db.Update(fn)
}

// stamp fills Created/Updated for a subscriber about to be stored.
func (s *Store) stamp(old *Subscriber, sub Subscriber) Subscriber {
	now := s.now()
	if sub.Created.IsZero() {
		sub.Created = now
		if old != nil && !old.Created.IsZero() {
			sub.Created = old.Created
		}
	}
	sub.Updated = now
	return sub
}

// save validates sub, replaces old's index entries by sub's and writes sub;
// it returns sub as stored (with its stamps).
func (s *Store) save(tx *bolt.Tx, old *Subscriber, sub Subscriber) (Subscriber, error) {
	if err := sub.Validate(); err != nil {
		return Subscriber{}, err
	}
	sub = s.stamp(old, sub)
	if old != nil {
		if err := unindex(tx, *old); err != nil {
			return Subscriber{}, err
		}
	}
	if err := bucket(tx, bucketSubs).Put(chatKey(sub.ChatID), encodeSub(sub)); err != nil {
		return Subscriber{}, fmt.Errorf("write: %w", err)
	}
	return sub, index(tx, sub)
}

func removeSub(tx *bolt.Tx, sub Subscriber) error {
	if err := unindex(tx, sub); err != nil {
		return err
	}
	if err := bucket(tx, bucketSubs).Delete(chatKey(sub.ChatID)); err != nil {
		return fmt.Errorf("delete: %w", err)
	}
	return nil
}

func getSub(tx *bolt.Tx, chatID int64) (Subscriber, error) {
	v := bucket(tx, bucketSubs).Get(chatKey(chatID))
	if v == nil {
		return Subscriber{}, ErrNotFound
	}
	return decodeSub(v)
}

// clone copies the slices so fn in Update cannot alias the stored copy.
func clone(s Subscriber) Subscriber {
	s.Topics = append([]string(nil), s.Topics...)
	s.Include = append([]string(nil), s.Include...)
	s.Exclude = append([]string(nil), s.Exclude...)
	s.Times = append([]string(nil), s.Times...)
	s.Learned = cloneLearned(s.Learned)
	return s
}

// chatKey encodes a chat ID so that keys sort like the signed IDs.
func chatKey(id int64) []byte {
	return binary.BigEndian.AppendUint64(nil, uint64(id)^(1<<63))
}

func chatFromKey(k []byte) int64 {
	return int64(binary.BigEndian.Uint64(k) ^ (1 << 63))
}
