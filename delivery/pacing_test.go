package delivery_test

import (
	"context"
	"testing"
	"time"

	"newsdigest/bot"
	"newsdigest/bot/bottest"
	"newsdigest/delivery"
)

// A chat waiting for its own one-message-a-second bucket must not hold the
// only delivery slot: with one worker and a window of one, every chat's
// first message goes out before any chat's second, instead of one chat's
// whole digest after another.
func TestWaitingChatDoesNotHoldTheSlot(t *testing.T) {
	h := newHarness(t, options{
		fake:   bottest.Config{GlobalRate: 1000, PrivateRate: 1}, // Telegram's tolerance of a little jitter (burst 3)
		sender: bot.SenderConfig{GlobalRate: 1000, PrivateRate: 1},
		cfg:    delivery.Config{Workers: 1, InFlight: 1},
	})
	chats := ids(1, 4)
	h.subscribe("UTC", "08:00", chats...)
	h.addLongArticles(20) // a digest of several messages (one line per story but the first)
	svc := h.service()
	run(t, svc)
	if _, err := svc.Push(context.Background(), chats); err != nil {
		t.Fatal(err)
	}
	settleWithin(t, svc, 30*time.Second)
	parts := len(h.srv.SentTo(1))
	if parts < 2 || h.srv.SentCount() != parts*len(chats) {
		t.Fatalf("sent %d messages, %d to chat 1; want a digest of several messages to each of %d chats", h.srv.SentCount(), parts, len(chats))
	}
	sent := h.srv.Sent()
	firstOf := map[int64]int{}
	secondAt := len(sent)
	for i, m := range sent {
		if _, seen := firstOf[m.ChatID]; !seen {
			firstOf[m.ChatID] = i
		} else {
			secondAt = min(secondAt, i)
		}
	}
	for _, id := range chats {
		if firstOf[id] > secondAt {
			t.Errorf("chat %d's first message went out at position %d, after a second message at %d: a waiting chat held the slot", id, firstOf[id], secondAt)
		}
	}
	if n := h.srv.TooMany(); n != 0 {
		t.Errorf("%d answers 429: a chat was sent to before its bucket allowed", n)
	}
}
