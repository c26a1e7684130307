package subscriptions

import (
	"fmt"
	"strconv"
	"strings"
	"unicode"
)

// ParseZone turns what a user types after /timezone into an IANA zone name
// that LoadZone accepts:
//
//   - an IANA name, case-insensitively and with spaces for '_'
//     ("asia/baghdad", "America/New York");
//   - "UTC", "GMT", or a fixed offset "+03", "+3:00", "UTC+3", "-05:00".
//
// Whole-hour offsets map to the Etc/GMT zones (whose sign is inverted by
// POSIX convention: UTC+3 is "Etc/GMT-3"). Half- and quarter-hour offsets
// map to a city that keeps that offset all year; an offset no such city has
// is refused, since a fixed offset cannot follow a DST rule anyway.
func ParseZone(in string) (string, error) {
	s := strings.TrimSpace(strings.Map(asciiDigit, in))
	if s == "" {
		return "", &FieldError{Field: "TimeZone", Code: CodeRequired}
	}
	if off, ok := parseOffset(s); ok {
		return zoneForOffset(off, in)
	}
	for _, cand := range []string{s, canonicalZoneCase(s)} {
		if _, err := LoadZone(cand); err == nil && !strings.HasPrefix(cand, "/") && !strings.Contains(cand, "..") {
			return cand, nil
		}
	}
	return "", &FieldError{Field: "TimeZone", Code: CodeUnknown, Value: in}
}

// parseOffset reads "[UTC|GMT]±H[H][:MM]" as minutes east of UTC.
func parseOffset(s string) (int, bool) {
	up := strings.ToUpper(s)
	for _, p := range []string{"UTC", "GMT"} {
		up = strings.TrimPrefix(up, p)
	}
	if up == "" {
		return 0, true // plain "UTC"/"GMT"
	}
	sign := map[byte]int{'+': 1, '-': -1}[up[0]]
	if sign == 0 {
		return 0, false
	}
	hs, ms, hasMin := strings.Cut(up[1:], ":")
	h, err := strconv.Atoi(hs)
	if err != nil || len(hs) > 2 || h > 14 {
		return 0, false
	}
	m := 0
	if hasMin {
		if m, err = strconv.Atoi(ms); err != nil || len(ms) != 2 || m > 59 {
			return 0, false
		}
	}
	return sign * (h*60 + m), true
}

func zoneForOffset(minutes int, typed string) (string, error) {
	if minutes%60 == 0 && minutes >= -12*60 {
		switch h := minutes / 60; {
		case h == 0:
			return "UTC", nil
		case h > 0:
			return fmt.Sprintf("Etc/GMT-%d", h), nil
		default:
			return fmt.Sprintf("Etc/GMT+%d", -h), nil
		}
	}
	// Cities that keep these offsets all year (no DST), per tzdata 2025.
	switch minutes {
	case 3*60 + 30:
		return "Asia/Tehran", nil
	case 4*60 + 30:
		return "Asia/Kabul", nil
	case 5*60 + 30:
		return "Asia/Kolkata", nil
	case 5*60 + 45:
		return "Asia/Kathmandu", nil
	case 6*60 + 30:
		return "Asia/Yangon", nil
	case 8*60 + 45:
		return "Australia/Eucla", nil
	case 9*60 + 30:
		return "Australia/Darwin", nil
	case -(9*60 + 30):
		return "Pacific/Marquesas", nil
	}
	return "", &FieldError{Field: "TimeZone", Code: CodeRange, Value: typed}
}

// canonicalZoneCase capitalises each word of a zone name the way tzdata
// spells most of them: "america/new york" → "America/New_York".
func canonicalZoneCase(s string) string {
	s = strings.ReplaceAll(strings.ToLower(s), " ", "_")
	out := []rune(s)
	for i, r := range out {
		if i == 0 || strings.ContainsRune("/_-", out[i-1]) {
			out[i] = unicode.ToUpper(r)
		}
	}
	return string(out)
}
