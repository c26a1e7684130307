package news

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/araddon/dateparse"
)

// ErrBadDate reports a published field that no known date format reads.
// An article whose date is dropped silently would turn the merge window off
// for it, so the caller hears about it.
var ErrBadDate = errors.New("unreadable published date")

// ParseTime reads the published field of a record or a feed item: RFC 3339,
// RFC 1123/RFC 822 with or without weekday and with numeric or named zones,
// "2006-01-02 15:04[:05]", the ANT shapes "2017-01-20T214300" (no colons,
// UTC) and "20/01/2017" (day first), and the data sets' trailing notes such
// as "2013-01-25 15:21:51 (crawl time)". Times without a zone are UTC. An
// empty field is the zero time and no error; anything else unreadable is
// ErrBadDate.
func ParseTime(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, nil
	}
	clean := stripNote(s)
	// Shapes dateparse reads differently (day-first dates) or not at all.
	for _, layout := range []string{time.RFC3339, "2006-01-02T150405", "02/01/2006", "2/1/2006", "2006-01-02"} {
		if t, err := time.Parse(layout, clean); err == nil {
			return t, nil
		}
	}
	t, err := dateparse.ParseIn(clean, time.UTC, dateparse.PreferMonthFirst(false))
	if err != nil || t.IsZero() {
		return time.Time{}, fmt.Errorf("%w: %q", ErrBadDate, s)
	}
	return withNamedZone(t), nil
}

// stripNote drops a trailing parenthesised note: "(crawl time)", or the
// RFC 822 comment form "+0000 (UTC)".
func stripNote(s string) string {
	if strings.HasSuffix(s, ")") {
		if i := strings.LastIndexByte(s, '('); i > 0 {
			return strings.TrimSpace(s[:i])
		}
	}
	return s
}

// zoneOffsets are the named zones of RFC 822 plus the common European ones
// feeds write. Go's time package (and dateparse, which uses it) gives a zone
// abbreviation it does not know as the machine's local zone a zero offset,
// so "10:00 EST" would be read as 10:00 UTC; this table is the fix, written
// by hand because it is the standard's short list.
var zoneOffsets = map[string]int{
	"UT": 0, "UTC": 0, "GMT": 0, "Z": 0,
	"EST": -5, "EDT": -4, "CST": -6, "CDT": -5, "MST": -7, "MDT": -6, "PST": -8, "PDT": -7,
	"WET": 0, "WEST": 1, "BST": 1, "CET": 1, "CEST": 2, "EET": 2, "EEST": 3, "MSK": 3,
}

// withNamedZone gives a time parsed with a zone abbreviation its real offset.
func withNamedZone(t time.Time) time.Time {
	name, off := t.Zone()
	h, ok := zoneOffsets[name]
	if !ok || off == h*3600 {
		return t
	}
	y, mo, d := t.Date()
	return time.Date(y, mo, d, t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), time.FixedZone(name, h*3600))
}
