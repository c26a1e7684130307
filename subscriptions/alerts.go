package subscriptions

import (
	"context"
	"fmt"

	bolt "go.etcd.io/bbolt"
)

// indexAlerts lists sub in the alerts index when it takes breaking-news
// alerts now: Alerts on, and neither paused nor inactive (a pause stops
// alerts as it stops the scheduled digests).
func indexAlerts(tx *bolt.Tx, sub Subscriber) error {
	if !sub.Alerts || !sub.Active() {
		return nil
	}
	if err := bucket(tx, bucketAlerts).Put(chatKey(sub.ChatID), nil); err != nil {
		return fmt.Errorf("index alerts: %w", err)
	}
	return nil
}

// AlertChats returns the chats that take breaking-news alerts now (Alerts
// on, active), in chat-ID order, from the alerts index: the cost follows
// the number of chats that opted in, never the number of subscribers.
// Callers load the subscribers (GetMany) and check Alerts and Active
// again: an entry an older binary left behind (it knows neither the field
// nor the index) must not count.
func (s *Store) AlertChats(ctx context.Context) ([]int64, error) {
	var ids []int64
	err := s.view(ctx, func(tx *bolt.Tx) error {
		return bucket(tx, bucketAlerts).ForEach(func(k, _ []byte) error {
			ids = append(ids, chatFromKey(k))
			return nil
		})
	})
	if err != nil {
		return nil, fmt.Errorf("subscriptions: alert chats: %w", err)
	}
	return ids, nil
}
