package digest

import (
	"fmt"
	"time"
)

// uiTexts holds the fixed digest strings by language, then key; read-only
// after package initialisation, so rendering a digest builds no maps.
var uiTexts = map[string]map[string]string{
	"ar": {
		"title":  "موجز الأخبار",
		"empty":  "لا أخبار جديدة تطابق اختياراتك.",
		"footer": "⚙️ المواضيع والكلمات والمواعيد: /settings",
		"other":  "أخبار أخرى",
		// a story whose reports disagree on a figure shows the latest one
		"disputed": "⚠️ تختلف الأرقام بين المصادر؛ المعروض أحدث رواية.",
	},
	"en": {
		"title":    "News digest",
		"empty":    "No new stories match your settings.",
		"footer":   "⚙️ Topics, keywords and times: /settings",
		"other":    "Other news",
		"disputed": "⚠️ Reports differ on the figures; the latest is shown.",
	},
}

// uiText returns a fixed digest string in lang ("ar"; anything else is "en").
func uiText(lang, key string) string {
	if lang != "ar" {
		lang = "en"
	}
	return uiTexts[lang][key]
}

// formatDate writes the header date in the UI language, e.g.
// "Sunday 29 November 2026" or «الأحد 29 نوفمبر 2026».
func formatDate(t time.Time, lang string) string {
	if lang != "ar" {
		return t.Format("Monday 2 January 2006")
	}
	days := [...]string{"الأحد", "الاثنين", "الثلاثاء", "الأربعاء", "الخميس", "الجمعة", "السبت"}
	months := [...]string{"يناير", "فبراير", "مارس", "أبريل", "مايو", "يونيو", "يوليو", "أغسطس", "سبتمبر", "أكتوبر", "نوفمبر", "ديسمبر"}
	return fmt.Sprintf("%s %d %s %d", days[t.Weekday()], t.Day(), months[t.Month()-1], t.Year())
}
