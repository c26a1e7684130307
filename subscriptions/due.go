package subscriptions

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"log/slog"
	"time"

	bolt "go.etcd.io/bbolt"
)

const minutesPerDay = 24 * 60

// Due returns the active chats with a delivery time in (from, to], each once,
// in chat-ID order. Times are whole local minutes: a slot "08:00" is due at
// the first whole UTC minute at which the chat's zone shows 08:00 or later
// for that date, which makes a slot inside a spring-forward gap due at the
// first valid minute after the gap, and a slot repeated by a fall-back due
// once. Intervals of any length work (catch-up after downtime); a slot is in
// at most one of two adjoining intervals (a, b] and (b, c].
//
// Cost: one cursor range per zone present in the index, never a scan of
// every subscriber.
func (s *Store) Due(ctx context.Context, from, to time.Time) ([]int64, error) {
	if !to.After(from) {
		return nil, nil
	}
	var ids []int64
	err := s.view(ctx, func(tx *bolt.Tx) error {
		return bucket(tx, bucketDue).ForEachBucket(func(zone []byte) error {
			loc, err := s.location(string(zone))
			if err != nil {
				// A zone removed from tzdata after it was stored: skip it
				// rather than stop every other zone's delivery.
				slog.Warn("subscriptions: due: unknown zone", "zone", string(zone), "err", err)
				return nil
			}
			ids = appendDue(ids, bucket(tx, bucketDue).Bucket(zone), wallRange(from, to, loc))
			return ctx.Err()
		})
	})
	if err != nil {
		return nil, fmt.Errorf("subscriptions: due: %w", err)
	}
	return sortedUnique(ids), nil
}

func (s *Store) location(name string) (*time.Location, error) {
	if loc, ok := s.locs.Load(name); ok {
		return loc.(*time.Location), nil
	}
	loc, err := LoadZone(name)
	if err != nil {
		return nil, err
	}
	s.locs.Store(name, loc)
	return loc, nil
}

// minuteSpan is an inclusive range of minutes of the day.
type minuteSpan struct{ first, last int }

// wallRange turns (from, to] into the minutes of the day whose local slot
// falls due in it: those after the zone's high-water clock at from, up to
// and including its high-water clock at to.
func wallRange(from, to time.Time, loc *time.Location) []minuteSpan {
	lo, hi := highWater(from, loc), highWater(to, loc)
	switch {
	case !hi.After(lo):
		return nil
	case hi.Sub(lo) >= 24*time.Hour:
		return []minuteSpan{{0, minutesPerDay - 1}}
	}
	first := (wallMinute(lo) + 1) % minutesPerDay
	last := wallMinute(hi)
	if first <= last {
		return []minuteSpan{{first, last}}
	}
	return []minuteSpan{{first, minutesPerDay - 1}, {0, last}}
}

// highWater returns the latest wall-clock reading loc has shown at any whole
// UTC minute at or before t, as a zone-less (UTC) time. Wall clocks only go
// back at a fall-back transition, so the latest reading is either the current
// one or the last one before the current zone period began.
func highWater(t time.Time, loc *time.Location) time.Time {
	t = t.Truncate(time.Minute)
	h := wallClock(t, loc)
	start, _ := t.In(loc).ZoneBounds()
	if start.IsZero() {
		return h
	}
	before := start.Add(-time.Nanosecond).Truncate(time.Minute)
	if p := wallClock(before, loc); p.After(h) {
		return p
	}
	return h
}

// wallClock is what a clock in loc shows at t, to the minute, as UTC fields.
func wallClock(t time.Time, loc *time.Location) time.Time {
	l := t.In(loc)
	return time.Date(l.Year(), l.Month(), l.Day(), l.Hour(), l.Minute(), 0, 0, time.UTC)
}

func wallMinute(w time.Time) int { return w.Hour()*60 + w.Minute() }

// appendDue reads the chats indexed under the given minutes of one zone.
func appendDue(ids []int64, b *bolt.Bucket, spans []minuteSpan) []int64 {
	c := b.Cursor()
	for _, sp := range spans {
		start := binary.BigEndian.AppendUint16(nil, uint16(sp.first))
		end := binary.BigEndian.AppendUint16(nil, uint16(sp.last+1))
		for k, _ := c.Seek(start); k != nil && bytes.Compare(k[:2], end) < 0; k, _ = c.Next() {
			ids = append(ids, chatFromKey(k[2:]))
		}
	}
	return ids
}
