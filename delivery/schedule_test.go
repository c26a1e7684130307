package delivery_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"newsdigest/bot"
	"newsdigest/bot/bottest"
	"newsdigest/delivery"
)

var fastFake = options{
	fake:   bottest.Config{GlobalRate: 1000, PrivateRate: 100, PrivateBurst: 3},
	sender: bot.SenderConfig{GlobalRate: 1000, PrivateRate: 50},
}

func mustTime(t *testing.T, s string) time.Time {
	t.Helper()
	v, err := time.Parse(time.RFC3339, s)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// catchUp waits for Run's catch-up at start: Tick is serialised, so once a
// second call returns the first has finished (and the second found nothing
// left to do). Then it waits for the sends.
func catchUp(t *testing.T, svc *delivery.Service) {
	t.Helper()
	if err := svc.Tick(context.Background()); err != nil {
		t.Fatal(err)
	}
	settle(t, svc)
}

func TestDueCheckAcrossDST(t *testing.T) {
	tests := []struct {
		name       string
		zone, at   string
		start      string // first tick, UTC
		wantMinute string // the single UTC minute the digest is due
	}{
		{"Berlin spring-forward gap runs at the first valid minute", "Europe/Berlin", "02:30", "2026-03-28T23:30:00Z", "2026-03-29T01:00:00Z"},
		{"Berlin fall-back repeat runs once", "Europe/Berlin", "02:30", "2026-10-24T23:30:00Z", "2026-10-25T00:30:00Z"},
		{"New York spring-forward gap", "America/New_York", "02:30", "2026-03-08T05:30:00Z", "2026-03-08T07:00:00Z"},
		{"New York fall-back repeat runs once", "America/New_York", "01:30", "2026-11-01T04:30:00Z", "2026-11-01T05:30:00Z"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := fastFake
			o.now = mustTime(t, tt.start)
			h := newHarness(t, o)
			h.subscribe(tt.zone, tt.at, 1)
			h.addArticles(1, 10)
			svc := h.service()
			run(t, svc)
			var got []string
			for m := range 180 { // three hours, minute by minute, as the cron job ticks
				now := o.now.Add(time.Duration(m) * time.Minute)
				h.clock.Set(now)
				before := h.srv.SentCount()
				if err := svc.Tick(context.Background()); err != nil {
					t.Fatal(err)
				}
				settle(t, svc)
				if h.srv.SentCount() > before {
					got = append(got, now.Format(time.RFC3339))
					h.addArticles(1, 10) // so a second run of the slot would have news to send
				}
			}
			if len(got) != 1 || got[0] != tt.wantMinute {
				t.Fatalf("digest sent at %v, want once at %s", got, tt.wantMinute)
			}
		})
	}
}

func TestCatchUpAfterDowntimeDeliversMissedSlotsOnce(t *testing.T) {
	o := fastFake
	o.now = mustTime(t, "2026-06-01T05:00:00Z")
	h := newHarness(t, o)
	h.subscribe("UTC", "06:00", 1)          // missed while down: caught up
	h.subscribe("UTC", "07:30", 2)          // missed while down: caught up
	h.subscribe("UTC", "01:00", 3)          // 8 h before restart, beyond the 6 h grace: skipped
	h.subscribe("UTC", "10:00", 4)          // later today
	h.subscribe("Asia/Baghdad", "10:00", 5) // 07:00 UTC: caught up
	h.addArticles(2, 10)
	if err := h.service().Tick(context.Background()); err != nil { // the process ran at 05:00
		t.Fatal(err)
	}

	h.clock.Set(mustTime(t, "2026-06-01T09:00:00Z")) // back after four hours
	svc := h.service()
	stop := run(t, svc)
	catchUp(t, svc)
	stop()
	wantSent := map[int64]int{1: 1, 2: 1, 3: 0, 4: 0, 5: 1}
	check := func(when string) {
		for id, n := range wantSent {
			if got := len(h.srv.SentTo(id)); got != n {
				t.Errorf("%s: chat %d got %d digests, want %d", when, id, got, n)
			}
		}
	}
	check("after catch-up")
	if st, _ := svc.Stats(context.Background()); !st.LastTick.Equal(mustTime(t, "2026-06-01T09:00:00Z")) {
		t.Errorf("Stats.LastTick = %v, want the catch-up minute", st.LastTick)
	}

	h.addArticles(1, 10) // news exists, yet a slot already delivered must not run again
	svc = h.service()
	stop = run(t, svc)
	catchUp(t, svc)
	stop()
	check("after a second restart")

	h.clock.Set(mustTime(t, "2026-06-01T10:00:00Z"))
	svc = h.service()
	run(t, svc)
	catchUp(t, svc)
	wantSent[4], wantSent[5] = 1, 1
	check("at 10:00")
}

func TestDigestWindowFollowsTheCursor(t *testing.T) {
	o := fastFake
	o.now = mustTime(t, "2026-06-01T00:00:00Z")
	h := newHarness(t, o)
	old := h.addArticles(1, 10)[0] // first seen 30 h before the first digest
	h.clock.Set(o.now.Add(28 * time.Hour))
	recent := h.addArticles(1, 10)[0]
	h.clock.Set(o.now.Add(30 * time.Hour))
	h.subscribe("UTC", "08:00", 1)
	svc := h.service()
	run(t, svc)
	ctx := context.Background()

	mention := func(a string) string { return strings.Fields(a)[0] + " " }
	push := func() string {
		before := len(h.srv.SentTo(1))
		if _, err := svc.Push(ctx, []int64{1}); err != nil {
			t.Fatal(err)
		}
		settle(t, svc)
		var b strings.Builder
		for _, m := range h.srv.SentTo(1)[before:] {
			b.WriteString(m.Text)
		}
		return b.String()
	}
	first := push()
	if !strings.Contains(first, mention(recent.Title)) || strings.Contains(first, mention(old.Title)) {
		t.Fatalf("first digest should cover the last 24 h only:\n%s", first)
	}
	if again := push(); again != "" {
		t.Fatalf("nothing new, yet a digest was sent:\n%s", again)
	}
	newer := h.addArticles(1, 10)[0]
	third := push()
	if !strings.Contains(third, mention(newer.Title)) || strings.Contains(third, mention(recent.Title)) {
		t.Fatalf("third digest should hold only the newer article:\n%s", third)
	}
	n, err := svc.SendNow(ctx, 1)
	if err != nil || n != 0 {
		t.Fatalf("SendNow with nothing new = %d, %v", n, err)
	}
	h.addArticles(2, 10)
	if n, err := svc.SendNow(ctx, 1); err != nil || n != 2 {
		t.Fatalf("SendNow = %d, %v; want the 2 new stories delivered", n, err)
	}
	if got := h.srv.SentTo(1); !strings.Contains(got[len(got)-1].Text, fmt.Sprintf("Item%d ", h.nextArt)) {
		t.Fatalf("interactive digest missing the newest article: %s", got[len(got)-1].Text)
	}
}

func TestPruneDropsOldFailuresAndKeepsPendingDigests(t *testing.T) {
	o := fastFake
	o.now = mustTime(t, "2026-06-01T08:00:00Z")
	h := newHarness(t, o)
	h.subscribe("UTC", "08:00", 1, 2)
	h.srv.SetFault(1, bottest.Fault{Kind: bottest.BadHTML})
	h.addArticles(2, 10)
	svc := h.service()
	stop := run(t, svc)
	ctx := context.Background()
	if _, err := svc.Push(ctx, []int64{1, 2}); err != nil {
		t.Fatal(err)
	}
	waitFor(t, 10*time.Second, "one failure and one delivery", func() bool {
		st, err := svc.Stats(ctx)
		return err == nil && st.Failed == 1 && st.Pending == 0 && len(h.srv.SentTo(2)) == 1
	})
	stop()

	h.clock.Set(o.now.Add(8 * 24 * time.Hour))
	h.addArticles(1, 10)
	svc = h.service()
	if _, err := svc.Push(ctx, []int64{2}); err != nil { // queued, not yet sent, while pruning runs
		t.Fatal(err)
	}
	if err := svc.Prune(ctx); err != nil {
		t.Fatal(err)
	}
	if st, _ := svc.Stats(ctx); st.Failed != 0 || st.Pending != 1 {
		t.Fatalf("after prune: %+v, want the old failure gone and the new digest kept", st)
	}
	run(t, svc)
	waitFor(t, 10*time.Second, "the digest queued before pruning", func() bool { return len(h.srv.SentTo(2)) == 2 })
}

func TestJobsRunOnScheduleAndSurvivePanics(t *testing.T) {
	h := newHarness(t, fastFake)
	var mu sync.Mutex
	calls := 0
	h.cfg.IngestEvery = time.Second
	h.cfg.Ingest = func(ctx context.Context) error {
		mu.Lock()
		defer mu.Unlock()
		calls++
		if calls == 1 {
			panic("feed parser bug")
		}
		return nil
	}
	run(t, h.service())
	waitFor(t, 10*time.Second, "the ingest job to run again after a panic", func() bool {
		mu.Lock()
		defer mu.Unlock()
		return calls >= 2
	})

	h.cfg.PruneSpec = "every day at noon"
	svc := h.service()
	defer svc.Close()
	if err := svc.Run(context.Background()); err == nil || !strings.Contains(err.Error(), "prune") {
		t.Fatalf("Run with a bad prune schedule = %v, want an error naming the job", err)
	}
}
