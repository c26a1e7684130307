package subscriptions

import (
	"context"
	"slices"
	"testing"
	"time"
)

// utc is a test shorthand for a UTC instant on 2026-MM-DD HH:MM.
func utc(month time.Month, day, hour, minute int) time.Time {
	return time.Date(2026, month, day, hour, minute, 0, 0, time.UTC)
}

// tickDue plays the scheduler: Due(t-1m, t) for every minute of (from, to],
// and returns the instants at which chat was due.
func tickDue(t *testing.T, s *Store, chat int64, from, to time.Time) []time.Time {
	t.Helper()
	var at []time.Time
	for tick := from.Add(time.Minute); !tick.After(to); tick = tick.Add(time.Minute) {
		ids, err := s.Due(context.Background(), tick.Add(-time.Minute), tick)
		if err != nil {
			t.Fatalf("Due: %v", err)
		}
		if slices.Contains(ids, chat) {
			at = append(at, tick)
		}
	}
	return at
}

func TestDueDST(t *testing.T) {
	tests := []struct {
		name string
		zone string
		time string
		day  time.Time   // start of the 24 h played
		want []time.Time // UTC instants at which the chat is due
	}{
		{"berlin winter", "Europe/Berlin", "08:00", utc(3, 2, 0, 0), []time.Time{utc(3, 2, 7, 0)}},
		{"berlin summer", "Europe/Berlin", "08:00", utc(7, 1, 0, 0), []time.Time{utc(7, 1, 6, 0)}},
		{"berlin before gap", "Europe/Berlin", "01:59", utc(3, 28, 22, 0), []time.Time{utc(3, 29, 0, 59)}},
		{"berlin gap start", "Europe/Berlin", "02:00", utc(3, 28, 22, 0), []time.Time{utc(3, 29, 1, 0)}},
		{"berlin in gap", "Europe/Berlin", "02:30", utc(3, 28, 22, 0), []time.Time{utc(3, 29, 1, 0)}},
		{"berlin gap end", "Europe/Berlin", "02:59", utc(3, 28, 22, 0), []time.Time{utc(3, 29, 1, 0)}},
		{"berlin after gap", "Europe/Berlin", "03:00", utc(3, 28, 22, 0), []time.Time{utc(3, 29, 1, 0)}},
		{"berlin 03:01 spring", "Europe/Berlin", "03:01", utc(3, 28, 22, 0), []time.Time{utc(3, 29, 1, 1)}},
		{"berlin repeated hour", "Europe/Berlin", "02:30", utc(10, 24, 22, 0), []time.Time{utc(10, 25, 0, 30)}},
		{"berlin repeated start", "Europe/Berlin", "02:00", utc(10, 24, 22, 0), []time.Time{utc(10, 25, 0, 0)}},
		{"berlin after repeat", "Europe/Berlin", "03:00", utc(10, 24, 22, 0), []time.Time{utc(10, 25, 2, 0)}},
		{"new york in gap", "America/New_York", "02:30", utc(3, 8, 0, 0), []time.Time{utc(3, 8, 7, 0)}},
		{"new york 03:00 spring", "America/New_York", "03:00", utc(3, 8, 0, 0), []time.Time{utc(3, 8, 7, 0)}},
		{"new york 01:59 spring", "America/New_York", "01:59", utc(3, 8, 0, 0), []time.Time{utc(3, 8, 6, 59)}},
		{"new york repeated hour", "America/New_York", "01:30", utc(11, 1, 0, 0), []time.Time{utc(11, 1, 5, 30)}},
		{"new york after repeat", "America/New_York", "02:00", utc(11, 1, 0, 0), []time.Time{utc(11, 1, 7, 0)}},
		{"new york midnight", "America/New_York", "00:00", utc(11, 1, 0, 0), []time.Time{utc(11, 1, 4, 0)}},
		{"baghdad no dst", "Asia/Baghdad", "07:30", utc(3, 29, 0, 0), []time.Time{utc(3, 29, 4, 30)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, _ := newStore(t)
			sub := validSub()
			sub.TimeZone, sub.Times = tt.zone, []string{tt.time}
			mustPut(t, s, sub)
			got := tickDue(t, s, sub.ChatID, tt.day, tt.day.Add(24*time.Hour))
			if !slices.EqualFunc(got, tt.want, time.Time.Equal) {
				t.Errorf("%s %s due at %v, want %v", tt.zone, tt.time, got, tt.want)
			}
			if oracle := oracleDue(t, sub, tt.day, tt.day.Add(24*time.Hour)); !slices.EqualFunc(oracle, tt.want, time.Time.Equal) {
				t.Errorf("test oracle disagrees with the table: %v", oracle)
			}
		})
	}
}

// oracleDue computes, independently of the store, the instants in (from, to]
// at which sub's slots fall due: for each local date and time, the first
// whole UTC minute at which the zone's clock reads that date and time or
// later.
func oracleDue(t *testing.T, sub Subscriber, from, to time.Time) []time.Time {
	t.Helper()
	loc, err := time.LoadLocation(sub.TimeZone)
	if err != nil {
		t.Fatal(err)
	}
	var out []time.Time
	for d := from.In(loc).AddDate(0, 0, -2); !d.After(to.In(loc).AddDate(0, 0, 2)); d = d.AddDate(0, 0, 1) {
		for _, hhmm := range sub.Times {
			m, _ := minuteOfDay(hhmm)
			target := time.Date(d.Year(), d.Month(), d.Day(), m/60, m%60, 0, 0, time.UTC)
			at := firstReading(target, loc)
			if at.After(from.Truncate(time.Minute)) && !at.After(to.Truncate(time.Minute)) {
				out = append(out, at)
			}
		}
	}
	slices.SortFunc(out, time.Time.Compare)
	return slices.CompactFunc(out, time.Time.Equal)
}

// firstReading steps minute by minute from well before target until the
// wall clock reaches it (no zone ever jumped back by more than 3 h).
func firstReading(target time.Time, loc *time.Location) time.Time {
	_, off := target.In(loc).Zone()
	at := target.Add(-time.Duration(off)*time.Second - 4*time.Hour)
	for {
		l := at.In(loc)
		wall := time.Date(l.Year(), l.Month(), l.Day(), l.Hour(), l.Minute(), 0, 0, time.UTC)
		if !wall.Before(target) {
			return at
		}
		at = at.Add(time.Minute)
	}
}

func TestDueCatchUpAndOnce(t *testing.T) {
	ctx := context.Background()
	s, _ := newStore(t)
	subs := []struct {
		id    int64
		zone  string
		times []string
	}{
		{1, "Europe/Berlin", []string{"02:30", "08:00"}},
		{2, "America/New_York", []string{"01:30", "23:45"}},
		{3, "Asia/Baghdad", []string{"00:00"}},
		{4, "Asia/Kolkata", []string{"05:30", "05:31"}},
	}
	for _, c := range subs {
		sub := validSub()
		sub.ChatID, sub.TimeZone, sub.Times = c.id, c.zone, c.times
		mustPut(t, s, sub)
	}
	// Downtime of six hours over Berlin's spring-forward: one catch-up call
	// covers Berlin 00:00–07:00 (02:30 in the gap), New York 19:00–01:00
	// (23:45), Baghdad 02:00–08:00 (nothing), Kolkata 04:30–10:30 (05:30).
	ids, err := s.Due(ctx, utc(3, 28, 23, 0), utc(3, 29, 5, 0))
	if err != nil {
		t.Fatal(err)
	}
	if want := []int64{1, 2, 4}; !slices.Equal(ids, want) {
		t.Errorf("catch-up Due = %v, want %v", ids, want)
	}
	// Two slots of one chat in one window: listed once.
	if ids, _ := s.Due(ctx, utc(1, 1, 0, 0), utc(1, 1, 0, 1)); !slices.Equal(ids, []int64{4}) {
		t.Errorf("Kolkata 05:30+05:31 in one window = %v, want [4]", ids)
	}
	// Empty and reversed intervals.
	for _, iv := range [][2]time.Time{{utc(1, 1, 0, 0), utc(1, 1, 0, 0)}, {utc(1, 1, 1, 0), utc(1, 1, 0, 0)}} {
		if ids, err := s.Due(ctx, iv[0], iv[1]); err != nil || len(ids) != 0 {
			t.Errorf("Due(%v, %v) = %v, %v; want none", iv[0], iv[1], ids, err)
		}
	}
	// A week-long outage: everybody once.
	if ids, _ := s.Due(ctx, utc(1, 1, 0, 0), utc(1, 8, 0, 0)); len(ids) != 4 {
		t.Errorf("week-long window = %v, want all 4", ids)
	}
}

func TestDueSkipsPausedAndInactive(t *testing.T) {
	ctx := context.Background()
	s, db := newStore(t)
	for id, mut := range map[int64]func(*Subscriber){
		1: func(*Subscriber) {},
		2: func(s *Subscriber) { s.Paused = true },
		3: func(s *Subscriber) { s.Inactive = true },
	} {
		sub := validSub()
		sub.ChatID, sub.TimeZone = id, "UTC"
		mut(&sub)
		mustPut(t, s, sub)
	}
	window := func() []int64 {
		ids, err := s.Due(ctx, utc(5, 1, 7, 59), utc(5, 1, 8, 0))
		if err != nil {
			t.Fatal(err)
		}
		return ids
	}
	if got := window(); !slices.Equal(got, []int64{1}) {
		t.Errorf("Due = %v, want only the active chat", got)
	}
	if _, err := s.Update(ctx, 2, func(s *Subscriber) error { s.Paused = false; return nil }); err != nil {
		t.Fatal(err)
	}
	if got := window(); !slices.Equal(got, []int64{1, 2}) {
		t.Errorf("after resume Due = %v, want [1 2]", got)
	}
	checkIndexes(t, db)
}

// TestDueAdjoiningWindows cuts two weeks around both transitions into random
// adjoining windows and checks that every zone's slots come out exactly as
// the oracle says: each once, at the right window.
func TestDueAdjoiningWindows(t *testing.T) {
	ctx := context.Background()
	for _, zone := range []string{"Europe/Berlin", "America/New_York", "Australia/Lord_Howe", "Asia/Kolkata"} {
		t.Run(zone, func(t *testing.T) {
			s, _ := newStore(t)
			sub := validSub()
			sub.TimeZone = zone
			sub.Times = []string{"00:00", "01:30", "02:00", "02:15", "02:30", "02:59", "03:00", "12:00", "23:59"}
			mustPut(t, s, sub)
			for _, start := range []time.Time{utc(3, 26, 0, 0), utc(10, 1, 0, 0), utc(10, 22, 0, 0), utc(3, 5, 0, 0)} {
				end := start.Add(7 * 24 * time.Hour)
				want := oracleDue(t, sub, start, end)
				got := 0
				for from, step := start, 0; from.Before(end); step++ {
					to := from.Add(time.Duration(1+step*37%180)*time.Minute + time.Duration(step%3)*20*time.Second)
					if to.After(end) {
						to = end
					}
					ids, err := s.Due(ctx, from, to)
					if err != nil {
						t.Fatal(err)
					}
					n := countIn(want, from, to)
					if (n > 0) != slices.Contains(ids, sub.ChatID) {
						t.Fatalf("Due(%v, %v) = %v, oracle has %d slots there", from, to, ids, n)
					}
					if n > 0 {
						got++
					}
					from = to
				}
				if got == 0 || len(want) < 7 {
					t.Fatalf("%s week of %v: only %d windows had slots, oracle %d", zone, start, got, len(want))
				}
			}
		})
	}
}

func countIn(ts []time.Time, from, to time.Time) int {
	n := 0
	for _, x := range ts {
		if x.After(from) && !x.After(to) {
			n++
		}
	}
	return n
}
