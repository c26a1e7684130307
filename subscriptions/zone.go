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
//   - "UTC", "GMT", or a fixed offset "+03", "+3:00", "UTC+3", "-05:00";
//   - a city alone, as tzdata names it ("baghdad", "New York") or, for the
//     Arab capitals, in Arabic ("بغداد", "القاهرة").
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
	for _, cand := range zoneCandidates(s) {
		if _, err := LoadZone(cand); err == nil && !strings.HasPrefix(cand, "/") && !strings.Contains(cand, "..") {
			return cand, nil
		}
	}
	return "", &FieldError{Field: "TimeZone", Code: CodeUnknown, Value: in}
}

// zoneCandidates lists the zone names s may mean, most literal first.
func zoneCandidates(s string) []string {
	out := []string{s, canonicalZoneCase(s)}
	if strings.Contains(s, "/") {
		return out
	}
	if z := arabicCityZone(s); z != "" {
		out = append(out, z)
	}
	for _, area := range []string{"Asia", "Africa", "Europe", "America", "Australia", "Pacific", "Atlantic", "Indian"} {
		out = append(out, area+"/"+canonicalZoneCase(s))
	}
	return out
}

// arabicCityZone knows the Arab capitals and a few big cities by their
// Arabic names (with or without hamza, ta marbuta written as ha), so an
// Arabic speaker can type the city they live in.
func arabicCityZone(s string) string {
	r := strings.NewReplacer("أ", "ا", "إ", "ا", "آ", "ا", "ة", "ه", "ى", "ي", "ّ", "")
	switch r.Replace(strings.TrimSpace(s)) {
	case "بغداد", "البصره", "الموصل", "اربيل":
		return "Asia/Baghdad"
	case "القاهره", "الاسكندريه", "مصر":
		return "Africa/Cairo"
	case "الرياض", "جده", "مكه", "السعوديه":
		return "Asia/Riyadh"
	case "دبي", "ابوظبي", "الامارات":
		return "Asia/Dubai"
	case "عمان":
		return "Asia/Amman" // the Jordanian capital; Oman is "مسقط"
	case "بيروت", "لبنان":
		return "Asia/Beirut"
	case "دمشق", "حلب", "سوريا":
		return "Asia/Damascus"
	case "الدوحه", "قطر":
		return "Asia/Qatar"
	case "الكويت":
		return "Asia/Kuwait"
	case "مسقط":
		return "Asia/Muscat"
	case "المنامه", "البحرين":
		return "Asia/Bahrain"
	case "صنعاء", "عدن", "اليمن":
		return "Asia/Aden"
	case "غزه":
		return "Asia/Gaza"
	case "رام الله", "الخليل", "نابلس":
		return "Asia/Hebron"
	case "الخرطوم", "السودان":
		return "Africa/Khartoum"
	case "طرابلس", "بنغازي", "ليبيا":
		return "Africa/Tripoli"
	case "تونس":
		return "Africa/Tunis"
	case "الجزائر":
		return "Africa/Algiers"
	case "الرباط", "الدار البيضاء", "المغرب":
		return "Africa/Casablanca"
	case "نواكشوط", "موريتانيا":
		return "Africa/Nouakchott"
	case "مقديشو", "الصومال":
		return "Africa/Mogadishu"
	case "جيبوتي":
		return "Africa/Djibouti"
	}
	return ""
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
