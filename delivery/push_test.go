package delivery_test

import (
	"context"
	"strings"
	"testing"
	"time"
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
