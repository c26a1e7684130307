package subscriptions

import (
	"context"
	"encoding/binary"
	"fmt"
	"slices"

	bolt "go.etcd.io/bbolt"
)

// topicKeys lists the topic-index buckets a subscriber belongs to.
func topicKeys(sub Subscriber) []string {
	if len(sub.Topics) == 0 {
		return []string{allTopics}
	}
	return sub.Topics
}

// dueKeys lists the due-index keys (minute-of-day + chat ID) of a
// subscriber; none when scheduled digests are off.
func dueKeys(sub Subscriber) [][]byte {
	if !sub.Active() {
		return nil
	}
	keys := make([][]byte, 0, len(sub.Times))
	for _, t := range sub.Times {
		m, ok := minuteOfDay(t)
		if !ok {
			continue // Validate rejects this before anything is stored
		}
		keys = append(keys, dueKey(m, sub.ChatID))
	}
	return keys
}

func dueKey(minute int, chatID int64) []byte {
	k := binary.BigEndian.AppendUint16(nil, uint16(minute))
	return append(k, chatKey(chatID)...)
}

// index adds sub's entries to the topic and due indexes.
func index(tx *bolt.Tx, sub Subscriber) error {
	for _, t := range topicKeys(sub) {
		b, err := bucket(tx, bucketTopics).CreateBucketIfNotExists([]byte(t))
		if err != nil {
			return fmt.Errorf("index topic: %w", err)
		}
		if err := b.Put(chatKey(sub.ChatID), nil); err != nil {
			return fmt.Errorf("index topic: %w", err)
		}
	}
	if err := indexAlerts(tx, sub); err != nil {
		return err
	}
	keys := dueKeys(sub)
	if len(keys) == 0 {
		return nil
	}
	b, err := bucket(tx, bucketDue).CreateBucketIfNotExists([]byte(sub.TimeZone))
	if err != nil {
		return fmt.Errorf("index due: %w", err)
	}
	for _, k := range keys {
		if err := b.Put(k, nil); err != nil {
			return fmt.Errorf("index due: %w", err)
		}
	}
	return nil
}

// unindex removes sub's entries and drops nested buckets left empty, so Due
// never walks zones nobody uses any more.
func unindex(tx *bolt.Tx, sub Subscriber) error {
	for _, t := range topicKeys(sub) {
		if err := deleteNested(bucket(tx, bucketTopics), []byte(t), [][]byte{chatKey(sub.ChatID)}); err != nil {
			return fmt.Errorf("unindex topic: %w", err)
		}
	}
	if err := bucket(tx, bucketAlerts).Delete(chatKey(sub.ChatID)); err != nil {
		return fmt.Errorf("unindex alerts: %w", err)
	}
	if err := deleteNested(bucket(tx, bucketDue), []byte(sub.TimeZone), dueKeys(sub)); err != nil {
		return fmt.Errorf("unindex due: %w", err)
	}
	return nil
}

func deleteNested(parent *bolt.Bucket, name []byte, keys [][]byte) error {
	b := parent.Bucket(name)
	if b == nil || len(keys) == 0 {
		return nil
	}
	for _, k := range keys {
		if err := b.Delete(k); err != nil {
			return err
		}
	}
	if k, _ := b.Cursor().First(); k == nil {
		return parent.DeleteBucket(name)
	}
	return nil
}

// ChatsByTopic returns the chats that chose topic explicitly, in chat-ID
// order. Chats that take every topic are listed under ChatsByTopic(ctx, "").
func (s *Store) ChatsByTopic(ctx context.Context, topic string) ([]int64, error) {
	if topic == "" {
		topic = allTopics
	}
	var ids []int64
	err := s.view(ctx, func(tx *bolt.Tx) error {
		b := bucket(tx, bucketTopics).Bucket([]byte(topic))
		if b == nil {
			return nil
		}
		return b.ForEach(func(k, _ []byte) error {
			ids = append(ids, chatFromKey(k))
			return nil
		})
	})
	if err != nil {
		return nil, fmt.Errorf("subscriptions: chats by topic: %w", err)
	}
	return ids, nil
}

// sortedUnique sorts ids and drops repeats (a chat with two times in one
// window is due once).
func sortedUnique(ids []int64) []int64 {
	slices.Sort(ids)
	return slices.Compact(ids)
}
