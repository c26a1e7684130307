package delivery_test

import (
	"context"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"newsdigest/subscriptions"
)

// updateSubs changes the chats' subscribers with fn.
func (h *harness) updateSubs(fn func(*subscriptions.Subscriber), chats ...int64) {
	h.t.Helper()
	for _, id := range chats {
		if _, err := h.subs.Update(context.Background(), id, func(s *subscriptions.Subscriber) error {
			fn(s)
			return nil
		}); err != nil {
			h.t.Fatal(err)
		}
	}
}

// setInclude replaces the chats' include keywords (nil: every story).
func (h *harness) setInclude(include []string, chats ...int64) {
	h.updateSubs(func(s *subscriptions.Subscriber) { s.Include = include }, chats...)
}

var itemRe = regexp.MustCompile(`\bItem\d+\b`)

// itemsIn returns the harness articles ("ItemN") a text mentions, sorted.
func itemsIn(text string) []string {
	out := itemRe.FindAllString(text, -1)
	slices.Sort(out)
	return slices.Compact(out)
}

// TestDigestCoversWhatTheChatWasNotSent: a push that sends a chat nothing
// leaves its cursor, so stories it did not match reach it once its
// keywords change; a story is never sent twice; and stories first seen
// more than NewWindow ago never come, whatever the chat changes.
func TestDigestCoversWhatTheChatWasNotSent(t *testing.T) {
	t0 := time.Date(2026, 12, 1, 8, 0, 0, 0, time.UTC)
	h := newHarness(t, options{now: t0})
	h.subscribe("UTC", "03:00", 1, 2) // not due at t0: only the test pushes
	svc := h.service()
	run(t, svc)
	ctx := context.Background()
	sent := map[int64]int{}
	push := func(step string, wantQueued int, want map[int64]string) {
		t.Helper()
		n, err := svc.Push(ctx, []int64{1, 2})
		if err != nil || n != wantQueued {
			t.Fatalf("%s: Push = %d, %v; want %d digests", step, n, err, wantQueued)
		}
		settle(t, svc)
		for _, id := range []int64{1, 2} {
			msgs := h.srv.SentTo(id)
			var text []string
			for _, m := range msgs[sent[id]:] {
				text = append(text, m.Text)
			}
			sent[id] = len(msgs)
			if got := strings.Join(itemsIn(strings.Join(text, "\n")), " "); got != want[id] {
				t.Errorf("%s: chat %d was sent %q, want %q", step, id, got, want[id])
			}
		}
	}

	h.addArticles(2, 10) // Item1, Item2 at t0
	h.setInclude([]string{"nothingmatchesthis"}, 1)
	push("t0", 1, map[int64]string{2: "Item1 Item2"})

	h.clock.Set(t0.Add(10 * time.Hour))
	h.addArticles(2, 10) // Item3, Item4
	h.setInclude([]string{"nothingmatchesthis"}, 2)
	push("t0+10h, nothing matches", 0, nil)

	h.clock.Set(t0.Add(30 * time.Hour))
	h.addArticles(1, 10) // Item5
	h.setInclude(nil, 1, 2)
	// Item1 and Item2 are 30 h old: beyond the window for chat 1, which
	// never saw them, and already sent to chat 2. Item3 and Item4 were
	// never shown to either.
	push("t0+30h, all stories", 2, map[int64]string{1: "Item3 Item4 Item5", 2: "Item3 Item4 Item5"})
	push("again", 0, nil)

	h.addArticles(1, 10) // Item6
	push("one more article", 2, map[int64]string{1: "Item6", 2: "Item6"})
}
