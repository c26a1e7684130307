package subscriptions

import (
	"context"
	"fmt"

	bolt "go.etcd.io/bbolt"
)

// Stats counts subscribers for the admins' /stats.
type Stats struct {
	Total    int
	Active   int            // get scheduled digests
	Paused   int            // chose /pause
	Inactive int            // blocked the bot or the chat is gone
	ByLang   map[string]int // active subscribers per UI language
	ByTopic  map[string]int // active subscribers per chosen topic; "" = all topics
	ByType   map[string]int // all subscribers per chat type
}

// Stats scans every subscriber in one read transaction. It is for an admin
// command, not for the per-minute path (that is Due, which never scans).
func (s *Store) Stats(ctx context.Context) (Stats, error) {
	st := Stats{ByLang: map[string]int{}, ByTopic: map[string]int{}, ByType: map[string]int{}}
	err := s.All(ctx, func(sub Subscriber) error {
		st.add(sub)
		return nil
	})
	if err != nil {
		return Stats{}, fmt.Errorf("subscriptions: stats: %w", err)
	}
	return st, nil
}

func (st *Stats) add(sub Subscriber) {
	st.Total++
	st.ByType[sub.ChatType]++
	switch {
	case sub.Inactive:
		st.Inactive++
		return
	case sub.Paused:
		st.Paused++
		return
	}
	st.Active++
	st.ByLang[sub.Lang]++
	if len(sub.Topics) == 0 {
		st.ByTopic[""]++
	}
	for _, t := range sub.Topics {
		st.ByTopic[t]++
	}
}

// PutMany creates or replaces many subscribers in one transaction (imports,
// load tests): all are stored or, if one is invalid, none.
func (s *Store) PutMany(ctx context.Context, subs []Subscriber) error {
	err := s.update(ctx, func(tx *bolt.Tx) error {
		for _, sub := range subs {
			if err := s.putTx(tx, sub); err != nil {
				return fmt.Errorf("chat %d: %w", sub.ChatID, err)
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("subscriptions: put many: %w", err)
	}
	return nil
}
