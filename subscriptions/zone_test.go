package subscriptions

import (
	"errors"
	"testing"
	"time"
)

func TestParseZone(t *testing.T) {
	tests := []struct {
		in, want string
		offset   int // seconds east of UTC on 2026-01-15, checked when want != ""
	}{
		{"Asia/Baghdad", "Asia/Baghdad", 3 * 3600},
		{"asia/baghdad", "Asia/Baghdad", 3 * 3600},
		{" america/new york ", "America/New_York", -5 * 3600},
		{"Europe/Berlin", "Europe/Berlin", 3600},
		{"UTC", "UTC", 0},
		{"gmt", "UTC", 0},
		{"+03:00", "Etc/GMT-3", 3 * 3600},
		{"+3", "Etc/GMT-3", 3 * 3600},
		{"UTC+3", "Etc/GMT-3", 3 * 3600},
		{"+٠٣:٠٠", "Etc/GMT-3", 3 * 3600},
		{"-05:00", "Etc/GMT+5", -5 * 3600},
		{"+14", "Etc/GMT-14", 14 * 3600},
		{"-12:00", "Etc/GMT+12", -12 * 3600},
		{"+05:30", "Asia/Kolkata", 5*3600 + 1800},
		{"+05:45", "Asia/Kathmandu", 5*3600 + 2700},
		{"-09:30", "Pacific/Marquesas", -(9*3600 + 1800)},
		{"baghdad", "Asia/Baghdad", 3 * 3600},
		{"New York", "America/New_York", -5 * 3600},
		{"cairo", "Africa/Cairo", 2 * 3600},
		{"بغداد", "Asia/Baghdad", 3 * 3600},
		{"القاهرة", "Africa/Cairo", 2 * 3600},
		{"الدار البيضاء", "Africa/Casablanca", 3600},
		{"عمّان", "Asia/Amman", 3 * 3600},
		{"Atlantis", "", 0},
		{"مدينة", "", 0},
		{"", "", 0},
		{"Mars/Olympus", "", 0},
		{"Local", "", 0},
		{"../../etc/passwd", "", 0},
		{"+15:00", "", 0},
		{"-13:00", "", 0},
		{"+03:7", "", 0},
		{"+10:30", "", 0}, // only Lord Howe, which has DST
		{"<b>Asia</b>", "", 0},
	}
	at := time.Date(2026, 1, 15, 12, 0, 0, 0, time.UTC)
	for _, tt := range tests {
		got, err := ParseZone(tt.in)
		if tt.want == "" {
			if !errors.Is(err, ErrInvalid) {
				t.Errorf("ParseZone(%q) = %q, %v; want ErrInvalid", tt.in, got, err)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("ParseZone(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
			continue
		}
		loc, err := LoadZone(got)
		if err != nil {
			t.Fatal(err)
		}
		if _, off := at.In(loc).Zone(); off != tt.offset {
			t.Errorf("ParseZone(%q) = %s with offset %d, want %d", tt.in, got, off, tt.offset)
		}
	}
}

func FuzzParseZone(f *testing.F) {
	for _, s := range []string{"Asia/Baghdad", "+03:00", "utc-5", "america/new york", "+05:30", "../x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		got, err := ParseZone(in)
		if err != nil {
			return
		}
		sub := validSub()
		sub.TimeZone = got
		if err := sub.Validate(); err != nil {
			t.Fatalf("ParseZone(%q) = %q, which Validate refuses: %v", in, got, err)
		}
	})
}
