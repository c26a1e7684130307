package delivery

import (
	"slices"
	"strconv"
	"strings"

	bolt "go.etcd.io/bbolt"

	"newsdigest/subscriptions"
)

// alertFilter keeps a story sent to a chat as an alert out of that chat's
// digest: compose's candidates asks alerted, and the selection key holds
// alertKey, so chats that got different alerts never share a selection.
// With no alert event among the push's stories (the usual case) it costs
// one read of the small events bucket per push and nothing per chat.
type alertFilter struct {
	loaded bool
	events []string        // per window story: the alert event it belongs to ("": none)
	any    bool            // some window story belongs to an event
	chats  map[int64][]int // per chat: the window stories alerted to it
}

// alerted reports whether window story i was sent to the chat as an alert.
func (c *composer) alerted(chatID int64, i int) bool {
	return slices.Contains(c.alertedStories(chatID), i)
}

// alertKey is the part of the selection key naming the stories alerted
// to the chat ("" when none).
func (c *composer) alertKey(chatID int64) string {
	idx := c.alertedStories(chatID)
	if len(idx) == 0 {
		return ""
	}
	parts := make([]string, len(idx))
	for k, i := range idx {
		parts[k] = strconv.Itoa(i)
	}
	return "|alerted:" + strings.Join(parts, ",")
}

func (c *composer) alertedStories(chatID int64) []int {
	f := &c.alerts
	if !f.loaded {
		c.loadAlertEvents()
	}
	if !f.any {
		return nil
	}
	if idx, ok := f.chats[chatID]; ok {
		return idx
	}
	c.readAlertMarksOf([]int64{chatID})
	return f.chats[chatID]
}

// readAlertMarks reads, for a batch of chats, which of the window's alert
// events each was sent, in one transaction (not one per chat), when the
// window holds any.
func (c *composer) readAlertMarks(subs []subscriptions.Subscriber) {
	if !c.alerts.loaded {
		c.loadAlertEvents()
	}
	if !c.alerts.any {
		return
	}
	ids := make([]int64, len(subs))
	for i, sub := range subs {
		ids[i] = sub.ChatID
	}
	c.readAlertMarksOf(ids)
}

func (c *composer) readAlertMarksOf(chatIDs []int64) {
	f := &c.alerts
	err := c.s.db.View(func(tx *bolt.Tx) error {
		sent := tx.Bucket(bucketAlertSent)
		for _, chatID := range chatIDs {
			var idx []int
			for i, ev := range f.events {
				if ev != "" && sent.Get(sentKey(chatID, ev)) != nil {
					idx = append(idx, i)
				}
			}
			f.chats[chatID] = idx
		}
		return nil
	})
	if err != nil {
		c.s.cfg.Log.Error("delivery: read alert marks; the digest may repeat an alert", "chats", len(chatIDs), "err", err)
	}
}

// loadAlertEvents ties the window's stories to the alert events they
// share an article with.
func (c *composer) loadAlertEvents() {
	f := &c.alerts
	f.loaded, f.chats = true, map[int64][]int{}
	err := c.s.db.View(func(tx *bolt.Tx) error {
		events, err := loadEvents(tx)
		if err != nil || len(events) == 0 {
			return err
		}
		owner := map[string]string{}
		for id, ev := range events {
			for _, a := range ev.Articles {
				owner[a] = id
			}
		}
		f.events = make([]string, len(c.w.stories))
		for i, st := range c.w.stories {
			f.events[i] = eventOf(st, owner)
			f.any = f.any || f.events[i] != ""
		}
		return nil
	})
	if err != nil {
		c.s.cfg.Log.Error("delivery: read alert events; digests may repeat alerts", "err", err)
	}
}
