package bot

import (
	"context"
	"errors"
	"testing"
	"time"

	"newsdigest/bot/bottest"
	"newsdigest/delivery"
)

// ReadyAt tells delivery when a chat may next be sent to, so a record
// waits in its queue rather than inside Send holding a slot: right away for
// a chat not sent to, after the chat's bucket refills once it was, and not
// before a retry_after Telegram gave.
func TestReadyAtFollowsTheChatsBucketAndRetryAfter(t *testing.T) {
	ctx := context.Background()
	s, _ := newTestSender(t, bottest.Config{GlobalRate: 1000, PrivateRate: 1, PrivateBurst: 1},
		SenderConfig{GlobalRate: 1000, PrivateRate: 1}, 5*time.Second)
	if wait := time.Until(s.ReadyAt(7)); wait > 0 {
		t.Errorf("a chat never sent to waits %s", wait)
	}
	if err := s.Send(ctx, delivery.Message{ChatID: 7, Text: "one"}); err != nil {
		t.Fatal(err)
	}
	if wait := time.Until(s.ReadyAt(7)); wait < 800*time.Millisecond || wait > time.Second {
		t.Errorf("after a message at 1/s the chat waits %s, want about 1 s", wait)
	}
	if wait := time.Until(s.ReadyAt(8)); wait > 0 {
		t.Errorf("another chat waits %s after chat 7 was sent to", wait)
	}

	// The sender allows 50/s per chat, the fake 1/s: the second message
	// gets a 429 with retry_after, which ReadyAt must honour.
	fast, _ := newTestSender(t, bottest.Config{GlobalRate: 1000, PrivateRate: 1, PrivateBurst: 1},
		SenderConfig{GlobalRate: 1000, PrivateRate: 50}, 5*time.Second)
	if err := fast.Send(ctx, delivery.Message{ChatID: 9, Text: "one"}); err != nil {
		t.Fatal(err)
	}
	var ra *delivery.RetryAfterError
	if err := fast.Send(ctx, delivery.Message{ChatID: 9, Text: "two"}); !errors.As(err, &ra) {
		t.Fatalf("second send = %v, want a 429", err)
	}
	if wait := time.Until(fast.ReadyAt(9)); wait < ra.After-200*time.Millisecond {
		t.Errorf("after retry_after %s the chat waits only %s", ra.After, wait)
	}
}
