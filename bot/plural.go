package bot

import (
	"fmt"
	"strings"

	"golang.org/x/text/feature/plural"
	"golang.org/x/text/language"
)

// noun is a counted thing the texts show ("5 stories", "5 أخبار").
type noun int

const (
	nounStory noun = iota
	nounItem
	nounArticle
	nounChat
	nounFeed
	nounKeyword
	nounChar
	nounTime
	nounFailedFetch
	nounDay
	nounSource
	nounAlert
)

// nounForms are a noun's forms by CLDR plural category. Arabic agrees the
// counted noun with the number: 1 and 2 are said by the noun alone
// (singular, dual), 3–10 take the plural, 11–99 the singular with tanwin
// (accusative), 100, 101, 102… the plain singular; a %d is the number.
// The one and two forms are nominative, so the texts put counts where a
// nominative stands ("الحد الأقصى خبران", "والجديد منها 5 مقالات").
// English has one and other.
type nounForms struct {
	one, two, few, many, other string
}

var nounsAR = map[noun]nounForms{
	nounStory:       {"خبر واحد", "خبران", "%d أخبار", "%d خبرًا", "%d خبر"},
	nounItem:        {"عنصر واحد", "عنصران", "%d عناصر", "%d عنصرًا", "%d عنصر"},
	nounArticle:     {"مقال واحد", "مقالان", "%d مقالات", "%d مقالًا", "%d مقال"},
	nounChat:        {"محادثة واحدة", "محادثتان", "%d محادثات", "%d محادثةً", "%d محادثة"},
	nounFeed:        {"مصدر واحد", "مصدران", "%d مصادر", "%d مصدرًا", "%d مصدر"},
	nounKeyword:     {"كلمة مفتاحية واحدة", "كلمتان مفتاحيتان", "%d كلمات مفتاحية", "%d كلمةً مفتاحية", "%d كلمة مفتاحية"},
	nounChar:        {"حرف واحد", "حرفان", "%d أحرف", "%d حرفًا", "%d حرف"},
	nounTime:        {"موعد واحد", "موعدان", "%d مواعيد", "%d موعدًا", "%d موعد"},
	nounFailedFetch: {"محاولة فاشلة واحدة", "محاولتان فاشلتان", "%d محاولات فاشلة", "%d محاولةً فاشلة", "%d محاولة فاشلة"},
	nounDay:         {"يوم واحد", "يومان", "%d أيام", "%d يومًا", "%d يوم"},
	nounSource:      {"مصدر واحد", "مصدران", "%d مصادر", "%d مصدرًا", "%d مصدر"},
	nounAlert:       {"تنبيه واحد", "تنبيهان", "%d تنبيهات", "%d تنبيهًا", "%d تنبيه"},
}

var nounsEN = map[noun][2]string{ // one, other
	nounStory:       {"1 story", "%d stories"},
	nounItem:        {"1 item", "%d items"},
	nounArticle:     {"1 article", "%d articles"},
	nounChat:        {"1 chat", "%d chats"},
	nounFeed:        {"1 feed", "%d feeds"},
	nounKeyword:     {"1 keyword", "%d keywords"},
	nounChar:        {"1 character", "%d characters"},
	nounTime:        {"1 time", "%d times"},
	nounFailedFetch: {"1 failed fetch", "%d failed fetches"},
	nounDay:         {"1 day", "%d days"},
	nounSource:      {"1 source", "%d sources"},
	nounAlert:       {"1 alert", "%d alerts"},
}

// count says "n things" in the language, the noun agreeing with n. The
// plural category comes from CLDR's rules (x/text), the word forms from
// the tables above.
func count(lang string, n int, what noun) string {
	form := plural.Cardinal.MatchPlural(language.Make(lang), max(n, -n), 0, 0, 0, 0)
	var pattern string
	if lang == "ar" {
		f := nounsAR[what]
		pattern = map[plural.Form]string{plural.One: f.one, plural.Two: f.two, plural.Few: f.few, plural.Many: f.many}[form]
		if pattern == "" {
			pattern = f.other // zero, and 100, 101, 102…
		}
	} else {
		pattern = nounsEN[what][1]
		if form == plural.One {
			pattern = nounsEN[what][0]
		}
	}
	if !strings.Contains(pattern, "%d") {
		return pattern
	}
	return fmt.Sprintf(pattern, n)
}
