package delivery_test

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"newsdigest/bot"
	"newsdigest/bot/bottest"
	"newsdigest/delivery"
	"newsdigest/subscriptions"
)

func TestFaultMatrix(t *testing.T) {
	h := newHarness(t, options{
		timeout: 300 * time.Millisecond,
		cfg:     delivery.Config{MaxAttempts: 3, BackoffBase: 5 * time.Millisecond},
	})
	faults := map[int64]bottest.Fault{
		11: {Kind: bottest.Blocked},
		12: {Kind: bottest.Deactivated},
		13: {Kind: bottest.ChatNotFound},
		14: {Kind: bottest.ServerError, Times: 2},
		15: {Kind: bottest.ServerError, Code: 502, Times: 1},
		16: {Kind: bottest.Latency, Delay: 200 * time.Millisecond},
		17: {Kind: bottest.Hang, Times: 1},
		18: {Kind: bottest.BadHTML},
		19: {Kind: bottest.ServerError, Code: 503},
		-2: {Kind: bottest.Migrated, MigrateTo: -1002},
	}
	chats := append(ids(1, 19), -1, -2)
	h.subscribe("UTC", "08:00", chats...)
	for id, f := range faults {
		h.srv.SetFault(id, f)
	}
	h.addArticles(3, 12)
	svc := h.service()
	run(t, svc)
	if _, err := svc.Push(context.Background(), chats); err != nil {
		t.Fatal(err)
	}
	waitFor(t, 20*time.Second, "the outbox to settle", func() bool {
		st, err := svc.Stats(context.Background())
		return err == nil && st.Pending == 0 && st.Failed == 2
	})

	deliverable := append(ids(1, 10), 14, 15, 16, 17, -1, -1002)
	for _, id := range deliverable {
		if got := h.srv.SentTo(id); len(got) != 1 {
			t.Errorf("chat %d got %d messages, want its digest once", id, len(got))
		}
	}
	if got := h.srv.SentCount(); got != len(deliverable) {
		t.Errorf("server accepted %d messages, want %d", got, len(deliverable))
	}
	for _, id := range []int64{11, 12, 13} {
		sub, err := h.subs.Get(context.Background(), id)
		if err != nil || !sub.Inactive {
			t.Errorf("chat %d: inactive=%v err=%v, want marked inactive", id, sub.Inactive, err)
		}
	}
	for _, id := range append(ids(1, 10), 14, 18, 19) {
		if sub, _ := h.subs.Get(context.Background(), id); sub.Inactive {
			t.Errorf("chat %d marked inactive after a transient failure", id)
		}
	}
	if _, err := h.subs.Get(context.Background(), -2); !errors.Is(err, subscriptions.ErrNotFound) {
		t.Errorf("old group still subscribed: %v", err)
	}
	if sub, err := h.subs.Get(context.Background(), -1002); err != nil || sub.ChatType != subscriptions.ChatSupergroup {
		t.Errorf("supergroup = %+v, %v; want the moved subscriber", sub, err)
	}
	st, _ := svc.Stats(context.Background())
	if st.Gone != 3 || st.Moved != 1 || st.Failed != 2 {
		t.Errorf("stats = %+v, want gone=3 moved=1 failed=2", st)
	}
}

// digestsOf returns each chat's accepted texts, in order.
func digestsOf(srv *bottest.Server, chats []int64) map[int64][]string {
	out := map[int64][]string{}
	for _, m := range srv.Sent() {
		if slices.Contains(chats, m.ChatID) {
			out[m.ChatID] = append(out[m.ChatID], m.Text)
		}
	}
	return out
}

// sameDigest checks every chat got exactly the reference sequence of
// messages: nothing lost, nothing repeated, in order.
func sameDigest(t *testing.T, got map[int64][]string, chats []int64, want []string) {
	t.Helper()
	for _, id := range chats {
		if !slices.Equal(got[id], want) {
			t.Errorf("chat %d got %d messages, want the %d-message digest in order", id, len(got[id]), len(want))
		}
	}
}

func TestTooManyRequestsAreWaitedOutOrDeferred(t *testing.T) {
	tests := []struct {
		name   string
		fake   bottest.Config
		sender bot.SenderConfig
		cap    time.Duration
	}{
		// The sender believes in 300/s; Telegram allows 20/s overall.
		{"bot-wide 429 waited out", bottest.Config{GlobalRate: 20, GlobalBurst: 2}, bot.SenderConfig{GlobalRate: 300}, 0},
		// Each chat takes 1 message/s; retry_after 1 s is above a 100 ms cap.
		{"per-chat 429 deferred", bottest.Config{GlobalRate: 1000, PrivateRate: 5, PrivateBurst: 1}, bot.SenderConfig{GlobalRate: 1000, PrivateRate: 100}, 100 * time.Millisecond},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, options{fake: tt.fake, sender: tt.sender, cfg: delivery.Config{MaxRetryAfter: tt.cap}})
			chats := ids(1, 12)
			h.subscribe("UTC", "08:00", chats...)
			h.addLongArticles(30) // several messages per chat (a story line is a long headline)
			svc := h.service()
			run(t, svc)
			if _, err := svc.Push(context.Background(), chats); err != nil {
				t.Fatal(err)
			}
			settleWithin(t, svc, 30*time.Second)
			got := digestsOf(h.srv, chats)
			if len(got[1]) < 2 {
				t.Fatalf("digest has %d messages; the test needs several", len(got[1]))
			}
			sameDigest(t, got, chats, got[1])
			st, _ := svc.Stats(context.Background())
			if h.srv.TooMany() == 0 || st.Throttle != int64(h.srv.TooMany()) || st.Failed != 0 {
				t.Errorf("server 429s=%d, service saw %d, failed=%d; want 429s all handled", h.srv.TooMany(), st.Throttle, st.Failed)
			}
		})
	}
}

func TestRestartResumesWithoutResending(t *testing.T) {
	fast := options{
		fake:   bottest.Config{GlobalRate: 400, PrivateRate: 50, PrivateBurst: 3},
		sender: bot.SenderConfig{GlobalRate: 400, PrivateRate: 40},
	}
	h := newHarness(t, fast)
	chats := ids(1, 30)
	h.subscribe("UTC", "08:00", chats...)
	h.addLongArticles(30) // several messages per chat
	svc := h.service()
	stop := run(t, svc)
	if _, err := svc.Push(context.Background(), chats); err != nil {
		t.Fatal(err)
	}
	waitFor(t, 10*time.Second, "part of the push", func() bool { return h.srv.SentCount() >= 40 })
	stop()
	before := h.srv.SentCount()
	st, _ := h.service().Stats(context.Background())
	if st.Pending == 0 {
		t.Fatalf("push finished before the restart (%d sent); the test needs it unfinished", before)
	}

	h.sender = newSender(t, h.srv, fast.sender, 0) // a new process has a new client
	svc = h.service()
	run(t, svc)
	settleWithin(t, svc, 20*time.Second)
	got := digestsOf(h.srv, chats)
	sameDigest(t, got, chats, got[1])
	t.Logf("sent %d before the restart, %d after", before, h.srv.SentCount()-before)
}

func TestShutdownLetsSendsOnTheWireFinish(t *testing.T) {
	tests := []struct {
		name      string
		fault     bottest.Fault
		deadline  time.Duration
		delivered bool
	}{
		{"slow answer within the deadline is recorded", bottest.Fault{Kind: bottest.Latency, Delay: 400 * time.Millisecond}, 5 * time.Second, true},
		{"hung request is abandoned at the deadline and kept for the next start", bottest.Fault{Kind: bottest.Hang}, 200 * time.Millisecond, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, options{cfg: delivery.Config{Shutdown: tt.deadline}, timeout: 30 * time.Second})
			h.subscribe("UTC", "08:00", 1)
			h.srv.SetFault(1, tt.fault)
			h.addArticles(2, 10)
			svc := h.service()
			stop := run(t, svc)
			if _, err := svc.Push(context.Background(), []int64{1}); err != nil {
				t.Fatal(err)
			}
			waitFor(t, 5*time.Second, "the send to start", func() bool { return h.srv.Calls("sendMessage") > 0 })
			begin := time.Now()
			stop()
			if took := time.Since(begin); took > tt.deadline+3*time.Second {
				t.Errorf("shutdown took %v with a %v deadline", took, tt.deadline)
			}
			st, err := h.service().Stats(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			if got := len(h.srv.SentTo(1)) == 1 && st.Pending == 0; got != tt.delivered {
				t.Errorf("delivered and recorded = %v (sent %d, pending %d), want %v", got, len(h.srv.SentTo(1)), st.Pending, tt.delivered)
			}
			if !tt.delivered && st.Pending != 1 {
				t.Errorf("pending = %d, want the record kept for the next start", st.Pending)
			}
		})
	}
}
