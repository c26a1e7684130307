package delivery_test

import (
	"context"
	"fmt"
	"os"
	"runtime/metrics"
	"sync"
	"syscall"
	"testing"
	"time"

	"newsdigest/bot"
	"newsdigest/bot/bottest"
	"newsdigest/subscriptions"
)

// BenchmarkFanout pushes one two-message digest to every subscriber through
// the real sender and the fake Bot API at a given bot-wide limit, and
// reports how close delivery came to that limit. Everything else is as
// shipped: Telegram's 1 message/s per private chat (the fake enforces it
// too), the sender's and delivery's default slots, workers and commit
// interval. Run with -benchtime=1x (one push per sub-benchmark);
// NEWSDIGEST_BENCH_LONG=1 uses 100,000 subscribers.
//
// cpu-us/msg is the whole process's CPU time, the fake server's included.
func BenchmarkFanout(b *testing.B) {
	subscribers := 10_000
	if os.Getenv("NEWSDIGEST_BENCH_LONG") == "1" {
		subscribers = 100_000
	}
	for _, limit := range []float64{1000, 5000} {
		b.Run(fmt.Sprintf("subs=%d/limit=%g", subscribers, limit), func(b *testing.B) {
			benchFanout(b, subscribers, limit)
		})
	}
}

func benchFanout(b *testing.B, subscribers int, limit float64) {
	h := newHarness(b, options{
		fake:   bottest.Config{GlobalRate: limit},
		sender: bot.SenderConfig{GlobalRate: limit},
	})
	putSubscribers(b, h, subscribers)
	chats := ids(1, subscribers)
	svc := h.service()
	run(b, svc)
	peak := samplePeakHeap(b)
	var elapsed time.Duration
	var cpu time.Duration
	commits := int64(0)
	for i := 0; b.Loop(); i++ {
		h.addLongArticles(20) // a briefing shows one line per story: 20 of these take two messages
		c0, cpu0, t0, sent0 := svc.Commits(), cpuTime(), time.Now(), h.srv.SentCount()
		if _, err := svc.Push(context.Background(), chats); err != nil {
			b.Fatal(err)
		}
		waitFor(b, time.Hour, "every digest", func() bool { return h.srv.SentCount()-sent0 >= 2*subscribers })
		if got := len(h.srv.SentTo(1)); got != 2*(i+1) {
			b.Fatalf("chat 1 got %d messages after %d pushes; the benchmark wants two-message digests", got, i+1)
		}
		elapsed += time.Since(t0)
		cpu += cpuTime() - cpu0
		commits += svc.Commits() - c0
	}
	msgs := float64(h.srv.SentCount())
	b.ReportMetric(msgs/elapsed.Seconds()/limit, "achieved/allowed")
	b.ReportMetric(float64(h.srv.TooMany()), "429s")
	b.ReportMetric(float64(cpu.Microseconds())/msgs, "cpu-us/msg")
	b.ReportMetric(float64(commits)/msgs, "commits/msg")
	b.ReportMetric(peak()/(1<<20), "peak-heap-MB")
	b.ReportMetric(peakRSSMB(), "peak-rss-MB")
}

func putSubscribers(b *testing.B, h *harness, n int) {
	const chunk = 5000
	for start := 1; start <= n; start += chunk {
		subs := make([]subscriptions.Subscriber, 0, chunk)
		for id := start; id < start+chunk && id <= n; id++ {
			s := subscriptions.New(int64(id), subscriptions.ChatPrivate, "en", time.Now())
			s.MaxStories = 20
			subs = append(subs, s)
		}
		if err := h.subs.PutMany(context.Background(), subs); err != nil {
			b.Fatal(err)
		}
	}
}

// samplePeakHeap samples the live heap every 10 ms from now until the
// returned function is called, which reports the highest value seen.
func samplePeakHeap(b *testing.B) func() float64 {
	stop := make(chan struct{})
	done := make(chan float64)
	go func() {
		sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
		peak := 0.0
		tick := time.NewTicker(10 * time.Millisecond)
		defer tick.Stop()
		for {
			metrics.Read(sample)
			peak = max(peak, float64(sample[0].Value.Uint64()))
			select {
			case <-stop:
				done <- peak
				return
			case <-tick.C:
			}
		}
	}()
	var once sync.Once
	var peak float64
	report := func() float64 {
		once.Do(func() { close(stop); peak = <-done })
		return peak
	}
	b.Cleanup(func() { report() })
	return report
}

func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// peakRSSMB is the process's peak resident set (Linux reports KiB).
func peakRSSMB() float64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return float64(ru.Maxrss) / 1024
}
