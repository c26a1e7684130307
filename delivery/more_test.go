package delivery_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"newsdigest/bot/bottest"
	"newsdigest/delivery"
	"newsdigest/subscriptions"
)

// setMaxStories sets the chats' digest size (and so their More page size).
func (h *harness) setMaxStories(n int, chats ...int64) {
	h.updateSubs(func(s *subscriptions.Subscriber) { s.MaxStories = n }, chats...)
}

// moreButton returns the More button under a chat's last message, or "".
func moreButton(msgs []bottest.Sent) (label, data string) {
	if len(msgs) == 0 {
		return "", ""
	}
	for _, row := range msgs[len(msgs)-1].Buttons {
		for _, b := range row {
			if delivery.IsMoreData(b.Data) {
				return b.Text, b.Data
			}
		}
	}
	return "", ""
}

func joinText(msgs []bottest.Sent) string {
	var parts []string
	for _, m := range msgs {
		parts = append(parts, m.Text)
	}
	return strings.Join(parts, "\n")
}

// TestMorePagesThroughWhatTheCapCut: a digest of 3 out of 8 stories ends in
// a "More (5)" button, the same for both chats with the same digest; its
// pages hold the next 3, then the last 2, each story exactly once, the
// last page without a button; a press past the end is told so, and after
// 24 h the button has expired (and Prune removes the pages).
func TestMorePagesThroughWhatTheCapCut(t *testing.T) {
	t0 := time.Date(2026, 12, 1, 8, 0, 0, 0, time.UTC)
	h := newHarness(t, options{now: t0})
	h.subscribe("UTC", "03:00", 1, 2) // not due at t0: only the test pushes
	h.setMaxStories(3, 1, 2)
	h.addArticles(8, 10)
	svc, n := h.pushNow(1, 2)
	if n != 2 {
		t.Fatalf("Push = %d digests, want 2", n)
	}
	ctx := context.Background()
	digest := h.srv.SentTo(1)
	label, data := moreButton(digest)
	if label != "More (5)" || len(data) > 64 {
		t.Fatalf("the digest's last message has More button %q %q; want \"More (5)\" within 64 bytes", label, data)
	}
	if _, other := moreButton(h.srv.SentTo(2)); other != data {
		t.Errorf("chat 2's identical digest has More data %q, chat 1's %q: page sets are not shared", other, data)
	}
	for _, m := range digest[:len(digest)-1] {
		if m.Buttons != nil {
			t.Errorf("a message before the last has buttons %v", m.Buttons)
		}
	}
	seen := itemsIn(joinText(digest))
	tests := []struct {
		wantItems int
		wantLabel string
	}{
		{3, "More (2)"},
		{2, ""},
	}
	for i, tt := range tests {
		page, err := svc.MorePage(ctx, data)
		if err != nil {
			t.Fatalf("page %d: %v", i+1, err)
		}
		items := itemsIn(strings.Join(page.Messages, "\n"))
		var label string
		if len(page.Buttons) > 0 {
			label, data = page.Buttons[0][0].Text, page.Buttons[0][0].Data
		}
		if len(items) != tt.wantItems || label != tt.wantLabel || page.Last != (tt.wantLabel == "") {
			t.Fatalf("page %d: items %v, button %q, last %v; want %d items and button %q", i+1, items, label, page.Last, tt.wantItems, tt.wantLabel)
		}
		seen = append(seen, items...)
	}
	if got := strings.Join(dedupe(seen), " "); len(seen) != 8 || got != "Item1 Item2 Item3 Item4 Item5 Item6 Item7 Item8" {
		t.Fatalf("digest and pages showed %v; want each of the 8 stories once", seen)
	}
	if _, err := svc.MorePage(ctx, data[:strings.LastIndex(data, ":")+1]+"8"); !errors.Is(err, delivery.ErrNoMore) {
		t.Errorf("a press past the end: %v, want ErrNoMore", err)
	}
	h.clock.Set(t0.Add(delivery.MoreTTL + time.Minute))
	if _, err := svc.MorePage(ctx, data); !errors.Is(err, delivery.ErrMoreExpired) {
		t.Errorf("a press after 24 h: %v, want ErrMoreExpired", err)
	}
	if err := svc.Prune(ctx); err != nil {
		t.Fatal(err)
	}
	h.clock.Set(t0)
	if _, err := svc.MorePage(ctx, data); !errors.Is(err, delivery.ErrMoreExpired) {
		t.Errorf("a press on pruned pages: %v, want ErrMoreExpired", err)
	}
	if _, err := svc.MorePage(ctx, "p:+sport:1"); !errors.Is(err, delivery.ErrNotMore) {
		t.Errorf("another button's data: %v, want ErrNotMore", err)
	}
}

func dedupe(items []string) []string {
	out := append([]string(nil), items...)
	slices.Sort(out)
	return slices.Compact(out)
}

// TestDigestWithoutCutHasNoMore: a digest holding every matching story
// has no More button.
func TestDigestWithoutCutHasNoMore(t *testing.T) {
	h := newHarness(t, options{})
	h.subscribe("UTC", "08:00", 1)
	h.addArticles(3, 10)
	svc := h.service()
	run(t, svc)
	if _, err := svc.SendNow(context.Background(), 1); err != nil {
		t.Fatal(err)
	}
	got := h.srv.SentTo(1)
	if label, _ := moreButton(got); len(got) == 0 || label != "" {
		t.Fatalf("sent %+v; want a digest without a More button", got)
	}
}

// TestMoreIsSharedAcrossHeaderDates: chats whose zones show different
// dates get different renderings of one selection (the header's date),
// and the same More button over the same pages — the push keeps the
// selection's page set, not its cut stories, for the second rendering.
// With one chat a batch, the second chat comes after the push has
// dropped the first batch's selection: it selects again, the same stories.
func TestMoreIsSharedAcrossHeaderDates(t *testing.T) {
	for _, batch := range []int{0, 1} {
		t.Run(fmt.Sprintf("batch size %d", batch), func(t *testing.T) { moreSharedAcrossDates(t, batch) })
	}
}

func moreSharedAcrossDates(t *testing.T, batch int) {
	t0 := time.Date(2026, 12, 1, 8, 0, 0, 0, time.UTC) // 1 Dec 22:00 in Kiritimati, 30 Nov 21:00 in Pago Pago
	h := newHarness(t, options{now: t0, cfg: delivery.Config{BatchSize: batch}})
	h.subscribe("Pacific/Kiritimati", "03:00", 1)
	h.subscribe("Pacific/Pago_Pago", "03:00", 2)
	h.setMaxStories(3, 1, 2)
	h.addArticles(8, 10)
	svc, n := h.pushNow(1, 2)
	if n != 2 {
		t.Fatalf("Push = %d digests, want 2", n)
	}
	ctx := context.Background()
	first, second := h.srv.SentTo(1), h.srv.SentTo(2)
	if joinText(first) == joinText(second) {
		t.Fatalf("chats on different local dates got one rendering:\n%s", joinText(first))
	}
	if a, b := itemsIn(joinText(first)), itemsIn(joinText(second)); !slices.Equal(a, b) || len(a) != 3 {
		t.Fatalf("same preferences, different stories: %v and %v", a, b)
	}
	label1, data1 := moreButton(first)
	label2, data2 := moreButton(second)
	if label1 != "More (5)" || label2 != label1 || data2 != data1 {
		t.Fatalf("More buttons %q %q and %q %q; want one \"More (5)\" over one page set", label1, data1, label2, data2)
	}
	page, err := svc.MorePage(ctx, data2)
	if err != nil {
		t.Fatal(err)
	}
	if items := itemsIn(strings.Join(page.Messages, "\n")); len(items) != 3 {
		t.Fatalf("the second chat's first More page holds %v, want 3 stories", items)
	}
}
