package delivery_test

import (
	"context"
	"testing"
	"time"
)

// TestRecentStoriesReusesABuildForAFewMinutes: /search presses within a few
// minutes share one build of the 14-day stories (so a handful of users
// cannot keep the CPU busy rebuilding them), and a search after that sees
// the articles that came in meanwhile.
func TestRecentStoriesReusesABuildForAFewMinutes(t *testing.T) {
	start := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	h := newHarness(t, options{now: start})
	svc := h.service()
	ctx := context.Background()
	h.addArticles(3, 40)
	count := func(at time.Time) int {
		t.Helper()
		h.clock.Set(at)
		st, err := svc.RecentStories(ctx, at.Add(-14*24*time.Hour))
		if err != nil {
			t.Fatal(err)
		}
		return len(st)
	}
	first := count(start)
	if first == 0 {
		t.Fatal("no stories from three stored articles")
	}
	h.addArticles(3, 40)
	if got := count(start.Add(2 * time.Minute)); got != first {
		t.Errorf("two minutes later: %d stories, want the reused build's %d", got, first)
	}
	if got := count(start.Add(6 * time.Minute)); got <= first {
		t.Errorf("six minutes later: %d stories, want more than %d (the new articles)", got, first)
	}
}
