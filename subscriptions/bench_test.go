package subscriptions

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"newsdigest/internal/dbtest"
)

// BenchmarkDue compares the per-minute "who is due" query through the due
// index with the baseline a store without the index would need: a scan of
// every subscriber, checking each one's times in its zone.
func BenchmarkDue(b *testing.B) {
	for _, n := range []int{1_000, 20_000} {
		s := benchStore(b, n)
		from := utc(3, 29, 0, 59)
		to := from.Add(time.Minute)
		b.Run(fmt.Sprintf("index/subs=%d", n), func(b *testing.B) {
			for b.Loop() {
				if _, err := s.Due(context.Background(), from, to); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(fmt.Sprintf("scan/subs=%d", n), func(b *testing.B) {
			for b.Loop() {
				scanDue(b, s, from, to)
			}
		})
	}
}

func benchStore(b testing.TB, n int) *Store {
	db := dbtest.Open(b)
	db.NoSync = true
	s, err := NewStore(context.Background(), db)
	if err != nil {
		b.Fatal(err)
	}
	r := rand.New(rand.NewPCG(1, 2))
	zones := []string{"UTC", "Europe/Berlin", "America/New_York", "Asia/Baghdad", "Asia/Kolkata",
		"Africa/Cairo", "Asia/Riyadh", "Europe/London", "Asia/Tokyo", "Australia/Sydney"}
	subs := make([]Subscriber, n)
	for i := range subs {
		sub := New(int64(i+1), ChatPrivate, "ar", t0)
		sub.TimeZone = zones[r.IntN(len(zones))]
		sub.Times = []string{fmt.Sprintf("%02d:%02d", r.IntN(24), r.IntN(60))}
		subs[i] = sub
	}
	if err := s.PutMany(context.Background(), subs); err != nil {
		b.Fatal(err)
	}
	return s
}

// scanDue is the baseline: every subscriber decoded and checked (each
// zone's minute range computed once, as a careful scan would).
func scanDue(b testing.TB, s *Store, from, to time.Time) []int64 {
	var ids []int64
	ranges := map[string][]minuteSpan{}
	err := s.All(context.Background(), func(sub Subscriber) error {
		spans, ok := ranges[sub.TimeZone]
		if !ok {
			loc, err := s.location(sub.TimeZone)
			if err != nil {
				return err
			}
			spans = wallRange(from, to, loc)
			ranges[sub.TimeZone] = spans
		}
		for _, sp := range spans {
			for _, t := range sub.Times {
				if m, _ := minuteOfDay(t); m >= sp.first && m <= sp.last && sub.Active() {
					ids = append(ids, sub.ChatID)
				}
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	return sortedUnique(ids)
}

// TestScanBaselineAgrees keeps the benchmark honest: both ways find the same
// chats.
func TestScanBaselineAgrees(t *testing.T) {
	s := benchStore(t, 2000)
	for _, from := range []time.Time{utc(3, 29, 0, 59), utc(10, 25, 0, 30), utc(6, 1, 12, 0)} {
		to := from.Add(17 * time.Minute)
		got, err := s.Due(context.Background(), from, to)
		if err != nil {
			t.Fatal(err)
		}
		if want := scanDue(t, s, from, to); !slices.Equal(got, want) || len(got) == 0 {
			t.Errorf("Due(%v) found %d chats, scan %d", from, len(got), len(want))
		}
	}
}
