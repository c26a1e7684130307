package delivery_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"strings"
	"testing"
	"time"

	"newsdigest/digest"
	"newsdigest/news"
	"newsdigest/subscriptions"
)

// BenchmarkAlertCheck measures the per-minute alert check on a store of
// 100,000 subscribers (1% with alerts on; NEWSDIGEST_BENCH_SHORT=1: 10,000)
// and 300 articles of one outlet first seen in the last 2 hours, against
// the due-check the service already runs every minute (a minute with
// nobody due), measured in the same run:
//
//   - idle: no article since the last check (every minute but those after
//     an ingest): two small reads;
//   - after-ingest: a new article (once per ingest, every 15 min): the
//     stories of the last 2 hours are built, none is breaking;
//   - breaking: a new story three outlets carry: the chats of the alerts
//     index are walked and alerted (up to the daily cap, so most
//     iterations walk them and queue nothing);
//   - digest-baseline: one new chat's first digest (/digest), which builds
//     the stories of its last 24 hours: the same 300 articles.
//
// go test -run '^$' -bench AlertCheck -benchtime 200x ./delivery/
func BenchmarkAlertCheck(b *testing.B) {
	subscribers := 100_000
	if os.Getenv("NEWSDIGEST_BENCH_SHORT") == "1" {
		subscribers = 10_000
	}
	now := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
	h := newHarness(b, options{now: now})
	putAlertSubscribers(b, h, subscribers, subscribers/100)
	for i := range 300 {
		h.clock.Set(now.Add(-2*time.Hour + time.Duration(i)*24*time.Second))
		h.addArticles(1, 40)
	}
	h.clock.Set(now)
	svc := h.service()
	ctx := context.Background()
	if err := svc.CheckAlerts(ctx); err != nil {
		b.Fatal(err)
	}
	minute := now
	b.Run("due-check-baseline", func(b *testing.B) {
		for b.Loop() {
			minute = minute.Add(time.Minute)
			h.clock.Set(minute)
			if err := svc.Tick(ctx); err != nil {
				b.Fatal(err)
			}
		}
	})
	h.clock.Set(now)
	chat := int64(subscribers)
	b.Run("digest-baseline", func(b *testing.B) {
		for b.Loop() { // one new chat's first digest: the stories of its last 24 h
			if _, err := svc.Push(ctx, []int64{chat}); err != nil {
				b.Fatal(err)
			}
			chat--
		}
	})
	b.Run("idle", func(b *testing.B) {
		for b.Loop() {
			if err := svc.CheckAlerts(ctx); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("after-ingest", func(b *testing.B) {
		for b.Loop() {
			b.StopTimer()
			h.addArticles(1, 40)
			b.StartTimer()
			if err := svc.CheckAlerts(ctx); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("breaking", func(b *testing.B) {
		st0, err := svc.Stats(ctx)
		if err != nil {
			b.Fatal(err)
		}
		for i := 0; b.Loop(); i++ {
			b.StopTimer()
			addBreaking(b, h, i)
			b.StartTimer()
			if err := svc.CheckAlerts(ctx); err != nil {
				b.Fatal(err)
			}
		}
		st, err := svc.Stats(ctx)
		if err != nil {
			b.Fatal(err)
		}
		if st.Pending-st0.Pending == 0 {
			b.Fatal("no alert queued: the benchmark's stories do not break")
		}
		b.ReportMetric(float64(subscribers/100), "alert-chats")
		b.ReportMetric(float64(st.Pending-st0.Pending)/float64(b.N), "alerts-queued/op")
	})
}

// putAlertSubscribers stores n subscribers, the first withAlerts of them
// with alerts on.
func putAlertSubscribers(b *testing.B, h *harness, n, withAlerts int) {
	const chunk = 5000
	for start := 1; start <= n; start += chunk {
		subs := make([]subscriptions.Subscriber, 0, chunk)
		for id := start; id < start+chunk && id <= n; id++ {
			s := subscriptions.New(int64(id), subscriptions.ChatPrivate, "en", h.clock.Now())
			s.Alerts = id <= withAlerts
			subs = append(subs, s)
		}
		if err := h.subs.PutMany(context.Background(), subs); err != nil {
			b.Fatal(err)
		}
	}
}

// addBreaking stores one new event told by three outlets in the last
// half hour, in words no other article uses.
func addBreaking(b *testing.B, h *harness, k int) {
	r := rand.New(rand.NewPCG(uint64(k), 99))
	word := func() string {
		w := make([]byte, 7)
		for i := range w {
			w[i] = byte('a' + r.IntN(26))
		}
		return string(w)
	}
	var words []string
	for range 40 {
		words = append(words, word())
	}
	title := strings.Join(words[:8], " ")
	var arts []news.Article
	for i, outlet := range []string{"Wire A", "Wire B", "Wire C"} {
		text := strings.Join(words, " ") + " " + word() + "." // each outlet's own last word: not a mirror
		arts = append(arts, news.Article{Article: digest.Article{ID: fmt.Sprintf("brk-%d-%d", k, i), URL: fmt.Sprintf("https://example.com/brk/%d/%d", k, i),
			Title: title, Text: text, Source: outlet, Lang: "en", Published: h.clock.Now().Add(time.Duration(i-3) * 10 * time.Minute)}, Feed: "t"})
	}
	if _, err := h.articles.Add(context.Background(), arts); err != nil {
		b.Fatal(err)
	}
}
