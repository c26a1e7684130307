package digest

import (
	"fmt"
	"strings"
	"time"

	"golang.org/x/text/feature/plural"
	"golang.org/x/text/language"
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

// counted is a counted phrase's forms by CLDR plural category, as
// bot/plural.go keeps the bot's: Arabic says 1 and 2 by the noun alone
// (singular, dual), 3–10 with the plural, 11–99 with the singular in
// tanwin, 100, 101, 102… (and 0) with the plain singular; English has one
// and other. A %d is the number.
type counted struct {
	one, two, few, many, other string // Arabic
	enOne, enOther             string
}

// The digest's counted phrases. Outlets follow «من», hence the genitive
// dual «مصدرين»; the source count on a story line stands alone
// (nominative «مصدران»).
var (
	countStories     = counted{"خبر واحد", "خبران", "%d أخبار", "%d خبرًا", "%d خبر", "1 story", "%d stories"}
	countFromOutlets = counted{"مصدر واحد", "مصدرين", "%d مصادر", "%d مصدرًا", "%d مصدر", "1 outlet", "%d outlets"}
	countSources     = counted{"مصدر واحد", "مصدران", "%d مصادر", "%d مصدرًا", "%d مصدر", "1 source", "%d sources"}
	countMore        = counted{"… وخبر آخر", "… وخبران آخران", "… و%d أخبار أخرى", "… و%d خبرًا آخر", "… و%d خبر آخر", "…and 1 more", "…and %d more"}
)

// say writes n with the form of c that agrees with it in lang.
func (c counted) say(n int, lang string) string {
	form := plural.Cardinal.MatchPlural(language.Make(uiLang(lang)), max(n, -n), 0, 0, 0, 0)
	var pattern string
	if uiLang(lang) == "ar" {
		pattern = map[plural.Form]string{plural.One: c.one, plural.Two: c.two, plural.Few: c.few, plural.Many: c.many}[form]
		if pattern == "" {
			pattern = c.other
		}
	} else {
		pattern = c.enOther
		if form == plural.One {
			pattern = c.enOne
		}
	}
	if !strings.Contains(pattern, "%d") {
		return pattern
	}
	return fmt.Sprintf(pattern, n)
}

// countLine is the header's "10 stories from 7 outlets" / «10 أخبار من 7 مصادر»
// (stories without any source, built outside the engine, name no outlets).
func countLine(stories, outlets int, lang string) string {
	if outlets == 0 {
		return countStories.say(stories, lang)
	}
	from := " from "
	if uiLang(lang) == "ar" {
		from = " من "
	}
	return countStories.say(stories, lang) + from + countFromOutlets.say(outlets, lang)
}

// moreText says "…and 4 more" / «… و4 أخبار أخرى».
func moreText(n int, lang string) string { return countMore.say(n, lang) }

// sourcesCount says "3 sources" / «3 مصادر».
func sourcesCount(n int, lang string) string { return countSources.say(n, lang) }
