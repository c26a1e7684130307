package news

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func TestParseTimeFeedFormats(t *testing.T) {
	utc := func(y int, mo time.Month, d, h, mi, s int) time.Time {
		return time.Date(y, mo, d, h, mi, s, 0, time.UTC)
	}
	tests := []struct {
		in   string
		want time.Time
	}{
		{"", time.Time{}},
		{"2017-01-20T21:43:00+01:00", utc(2017, 1, 20, 20, 43, 0)},
		{"2026-11-28T09:00:00Z", utc(2026, 11, 28, 9, 0, 0)},
		{"2017-01-20T214300", utc(2017, 1, 20, 21, 43, 0)},
		{"20/01/2017", utc(2017, 1, 20, 0, 0, 0)},
		{"31/12/2016", utc(2016, 12, 31, 0, 0, 0)},
		{"2026-11-28", utc(2026, 11, 28, 0, 0, 0)},
		{"2026-11-28 15:04", utc(2026, 11, 28, 15, 4, 0)},
		{"2026-11-28 15:04:05", utc(2026, 11, 28, 15, 4, 5)},
		{"2013-01-25 15:21:51 (crawl time)", utc(2013, 1, 25, 15, 21, 51)},
		{"Sat, 28 Nov 2026 09:00:00 +0300", utc(2026, 11, 28, 6, 0, 0)},       // RFC 1123Z
		{"Sat, 28 Nov 2026 09:00:00 GMT", utc(2026, 11, 28, 9, 0, 0)},         // RFC 1123
		{"Sat, 28 Nov 2026 09:00:00 EST", utc(2026, 11, 28, 14, 0, 0)},        // named zone, not read as UTC
		{"28 Nov 2026 09:00:00 +0000", utc(2026, 11, 28, 9, 0, 0)},            // no weekday
		{"28 Nov 26 09:00 PDT", utc(2026, 11, 28, 16, 0, 0)},                  // RFC 822
		{"Sat, 8 Nov 2026 9:05:00 CET", utc(2026, 11, 8, 8, 5, 0)},            // one-digit day and hour
		{"Sat, 28 Nov 2026 09:00:00 +0000 (UTC)", utc(2026, 11, 28, 9, 0, 0)}, // RFC 822 comment
		{"November 28, 2026 9:00 AM", utc(2026, 11, 28, 9, 0, 0)},
	}
	for _, tt := range tests {
		got, err := ParseTime(tt.in)
		if err != nil || !got.Equal(tt.want) {
			t.Errorf("ParseTime(%q) = %v, %v; want %v", tt.in, got, err, tt.want)
		}
	}
	for _, bad := range []string{"yesterday", "28/28/2026", "not a date at all"} {
		if got, err := ParseTime(bad); !errors.Is(err, ErrBadDate) || !got.IsZero() || !strings.Contains(err.Error(), bad) {
			t.Errorf("ParseTime(%q) = %v, %v; want ErrBadDate naming the value", bad, got, err)
		}
	}
}

// FuzzParseTime: any input is a time or ErrBadDate naming it, never a panic
// or a silent zero for a non-empty field.
func FuzzParseTime(f *testing.F) {
	for _, s := range []string{"", "Sat, 28 Nov 2026 09:00:00 GMT", "2013-01-25 15:21:51 (crawl time)", "20/01/2017", "2017-01-20T214300", "((", "28 Nov 26 09:00 PDT", "٢٠١٧-٠١-٢٠"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := ParseTime(s)
		if err != nil {
			if !errors.Is(err, ErrBadDate) || !got.IsZero() {
				t.Fatalf("ParseTime(%q) = %v, %v", s, got, err)
			}
			return
		}
		if got.IsZero() && strings.TrimSpace(s) != "" {
			t.Fatalf("ParseTime(%q) is the zero time without an error", s)
		}
	})
}
