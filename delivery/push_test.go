package delivery_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"newsdigest/bot"
	"newsdigest/bot/bottest"
)

func TestPushDeliversEachDigestOnce(t *testing.T) {
	h := newHarness(t, options{})
	h.subscribe("UTC", "08:00", ids(1, 20)...)
	h.addArticles(3, 12)
	svc := h.service()
	run(t, svc)
	n, err := svc.Push(context.Background(), ids(1, 20))
	if err != nil || n != 20 {
		t.Fatalf("Push = %d, %v; want 20 records", n, err)
	}
	waitFor(t, 10*time.Second, "20 digests", func() bool { return h.srv.SentCount() == 20 })
	for _, id := range ids(1, 20) {
		got := h.srv.SentTo(id)
		if len(got) != 1 || !strings.Contains(got[0].Text, "Item1") || got[0].ParseMode != "HTML" {
			t.Fatalf("chat %d got %+v", id, got)
		}
	}
	if n, _ := svc.Push(context.Background(), ids(1, 20)); n != 0 {
		t.Fatalf("second push with nothing new queued %d records", n)
	}
}

func TestBroadcastReachesEveryChatOnceAndKeepsCursors(t *testing.T) {
	h := newHarness(t, options{})
	h.subscribe("UTC", "08:00", ids(1, 5)...)
	h.addArticles(2, 10)
	svc := h.service()
	run(t, svc)
	ctx := context.Background()
	if n, err := svc.Broadcast(ctx, ids(1, 5), "<b>maintenance tonight</b>"); err != nil || n != 5 {
		t.Fatalf("Broadcast = %d, %v", n, err)
	}
	waitFor(t, 10*time.Second, "the broadcast", func() bool { return h.srv.SentCount() == 5 })
	if n, err := svc.Push(ctx, ids(1, 5)); err != nil || n != 5 {
		t.Fatalf("digest push after a broadcast queued %d, %v; the broadcast must not move cursors", n, err)
	}
	waitFor(t, 10*time.Second, "the digests", func() bool { return h.srv.SentCount() == 10 })
	for _, id := range ids(1, 5) {
		got := h.srv.SentTo(id)
		if len(got) != 2 || got[0].Text != "<b>maintenance tonight</b>" || got[0].ParseMode != "HTML" {
			t.Fatalf("chat %d got %+v", id, got)
		}
	}
}

func TestSendNowGoesAheadOfARunningPush(t *testing.T) {
	h := newHarness(t, options{
		fake:   bottest.Config{GlobalRate: 100, GlobalBurst: 10},
		sender: bot.SenderConfig{GlobalRate: 100, InFlight: 4},
	})
	bulk := ids(1, 200)
	h.subscribe("UTC", "08:00", append(bulk, 999)...)
	h.addArticles(2, 10)
	svc := h.service()
	run(t, svc)
	ctx := context.Background()
	if _, err := svc.Push(ctx, bulk); err != nil {
		t.Fatal(err)
	}
	waitFor(t, 10*time.Second, "the push to be under way", func() bool { return h.srv.SentCount() >= 20 })
	before := h.srv.SentCount()
	if n, err := svc.SendNow(ctx, 999); err != nil || n != 2 {
		t.Fatalf("SendNow = %d, %v", n, err)
	}
	got := h.srv.SentTo(999)
	if len(got) != 1 || got[0].Seq > before+10 {
		t.Fatalf("/digest reply accepted at position %d, asked after %d of a 200-message push", got[0].Seq, before)
	}
	settle(t, svc)
	if h.srv.SentCount() != 201 {
		t.Fatalf("sent %d, want the 200 digests and the reply", h.srv.SentCount())
	}
}
