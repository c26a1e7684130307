package digest

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Wire clutter: what agencies and outlets put around the news that a digest
// reader must not see in a summary or headline. One mechanism, CleanText,
// removes it from an article's text before it is split into sentences:
//
//   - whole lines that are not prose: bylines («عين اليوم – جدة», «كتب - فلان:»,
//     "By Jane Doe"), agency credits («أ ش أ», «(إعداد …)»), captions and
//     credits ("Photo: …", «تصوير: …», «المصدر: …», «أرشيفية»), read-more
//     and follow-us calls, end marks («// انتهى //»), lines of only tags,
//     punctuation or a link;
//   - a dateline opening the first prose lines, of every common shape:
//     "WASHINGTON (Reuters) -", "CITY, Country (AP) —", «دبي، الإمارات
//     العربية المتحدة (CNN)—», «بغداد-», "LONDON -";
//   - inside lines: raw URLs, "(photo)"/«(صورة)» marks, hashtags
//     (#كلمة_كلمة → كلمة كلمة; a trailing run of tags is dropped).
//
// CleanTitle does the inline part for headlines. The patterns are written
// here, not taken from a library, because they are the product's own
// knowledge of news copy; no Go package knows Arabic datelines.

// Read-only patterns (never written after package init).
var (
	// agencyDateline: up to six words of place (and date), the agency in
	// parentheses, then a dash: "WASHINGTON (Reuters) - ", "LONDON, March 3
	// (AP) — ", «دبي، الإمارات العربية المتحدة (CNN)—», «تونس (رويترز) - ».
	// A country may stand in its own parentheses: «الاقصر (مصر) (ا ف ب) -».
	agencyDateline = regexp.MustCompile(`^(?:[\p{L}\p{M}\p{N}.'’/-]+[ \t,،]*){0,6}?(?:\([^()]{1,40}\)\s*)*\(([\p{L}\p{M} .&'’/-]{1,30})\)\s*(?:[-–—]{1,3}|ـ+)\s*`)
	// latinDateline: an all-capitals place, optional ", Country" or date,
	// then a dash between spaces or a colon: "LONDON - ", "TORONTO, Canada
	// -- ", "NEW DELHI, Nov 26: ", "NEW YORK, (Aug. 30, 2004) - ".
	latinDateline = regexp.MustCompile(`^\p{Lu}[\p{Lu}.'’ ]{1,40}(?:,[^\n\-–—(:]{1,30})?(?:,?\s*\([^()]{1,30}\))?(?:\s+[-–—]{1,2}|\s?:)\s+`)
	// arabicDateline: one or two words of place, optionally «، country» of up
	// to three words, then a dash: «بغداد - », «دبي، الإمارات العربية المتحدة - ».
	// A tatweel is a dash only after a space: «بـ 28» is a preposition.
	arabicDateline = regexp.MustCompile(`^\p{Arabic}+(?:\s\p{Arabic}+)?(?:\s*،\s*\p{Arabic}+(?:\s\p{Arabic}+){0,2})?(?:\s*[-–—]+|\s+ـ+)\s*`)
	// loneAgency: a place and an agency in parentheses, a dateline's whole
	// line once its dash is trimmed: "WASHINGTON (Reuters)".
	loneAgency = regexp.MustCompile(`^([^()]+?)\s*\(([^()]{1,30})\)$`)
	// sitePrefix: a web outlet or agency named before the dateline or the
	// text: "SPACE.com - ", "AP - ".
	sitePrefix = regexp.MustCompile(`^(?:[\p{L}\p{N}-]+\.(?:com|net|org|co\.uk|info)|AP|AFP|Reuters|UPI|PA|CP|AFX|Canadian Press)\s+[-–—]{1,2}\s+`)
	// notPlace: words that open a sentence, never a dateline («قال الوزير - …»).
	// Case matters: "THE HAGUE (Reuters) -" is a place.
	notPlace = regexp.MustCompile(`^(?:و|ف)?(?:قال|قالت|أكد|أكدت|أعلن|أعلنت|ذكر|ذكرت|أفاد|أفادت|هذا|هذه|كان|كانت|إن|أن|لكن|ثم|The|A|An|He|She|It|They|We|I)(?:\s|$)`)

	// readMore: read-more links, social calls to action, copyright lines.
	readMore = regexp.MustCompile(`(?i)^\s*(?:read more|read also|see also|related:|related stories|click here|follow us|share this|subscribe|copyright|©|all rights reserved|اقرأ أيضا|اقرأ ايضا|إقرأ أيضا|اقرأ المزيد|للمزيد|تابعونا|تابعوا|شاهد أيضا|شاهد ايضا|اضغط هنا|أخبار متعلقة|اخبار متعلقة|الأخبار المتعلقة|مواضيع ذات صلة|صور متعلقة|لمشاهدة الفيديو)`)
	// creditLine starts byline and caption lines; isCredit also wants them
	// short, so "By Monday, talks had failed." stays.
	creditLine = regexp.MustCompile(`(?i)^(?:by\s|photo:|photos:|image:|picture:|caption:|file photo|image caption|getty images|reuters/|ap photo|afp photo|بقلم|تصوير|صورة:|الصورة:|المصدر:|مصدر الصورة|كتب\s*[-–—ـ:]|كتبت\s*[-–—ـ:]|ترجمة\s*[-–—ـ:]|إعداد\s*[-–—ـ:]|أرشيفية|ارشيفية|صورة أرشيفية)`)
	// agencyLine: an agency credit alone on its line («أ ش أ», "Reuters").
	agencyLine = regexp.MustCompile(`(?i)^(?:وكالات|رويترز|أ ش أ|أ ف ب|ا ف ب|د ب أ|واس|قنا|وام|كونا|الأناضول|سبوتنيك|reuters|ap|afp|agencies)\s*[:.]?$`)
	// datedCredit: a dated wire line ending in the agency, «الرياض 26 شوال 1436 هـ الموافق 11 اغسطس 2015 م واس».
	datedCredit = regexp.MustCompile(`^[^.!?؟]{0,80}\d{4}[^.!?؟]{0,30}\s(?:واس|قنا|وام|كونا|أ ش أ|بنا|سبأ)\s*$`)
	// endMark: «// انتهى //», "// يتبع //", "-30-".
	endMark = regexp.MustCompile(`^(?:/+\s*\p{L}+(?:\s\p{L}+)?\s*/+|-\s*30\s*-|انتهى|يتبع)$`)

	// inlineImage: an image's address with text on both sides of it.
	inlineImage = regexp.MustCompile(`(?i)[ \t]+https?://[^\s<>"«»]+\.(?:jpe?g|png|gif|webp)(?:\?[^\s<>"«»]*)?[ \t]+`)
	urlRe       = regexp.MustCompile(`(?i)\b(?:https?://|www\.|pic\.twitter\.com/)[^\s<>"«»]+`)
	// mediaMark: "(photo)", «(صور)», "[video]" inline.
	mediaMark = regexp.MustCompile(`(?i)(?:^|\s)[(\[](?:\+?\s*)(?:` + strings.Join(mediaWords, "|") + `)[)\]]`)
	// mediaWords are the words of a mediaMark.
	mediaWords = []string{"photo", "photos", "picture", "pictures", "video", "videos", "graphic", "map", "gallery",
		"صورة", "صور", "بالصور", "فيديو", "بالفيديو", "شاهد", "إنفوجراف", "انفوجراف", "إنفوجرافيك", "انفوجرافيك"}
	hashtag = regexp.MustCompile(`(^|[^\p{L}\p{M}\p{N}_&])#([\p{L}\p{M}\p{N}_]*[\p{L}\p{M}][\p{L}\p{M}\p{N}_]*)`)
	// tagRun: hashtags (with the symbols feeds put between them) ending a line.
	tagRun = regexp.MustCompile(`(?:[\s\p{So}\p{Sk}|•·،,]*#[\p{L}\p{M}\p{N}_]+)+[\s\p{So}\p{Sk}|•·]*$`)
	// trailingAgency: "(Reuters)", "(SPACE.com)", "(AP)" ending a headline.
	trailingAgency = regexp.MustCompile(`\s*\((?:Reuters|AP|AFP|UPI|Bloomberg|CNN|BBC|Canadian Press|PA|[\p{Lu}][\p{L}]*\.(?:com|net|org))\)$`)
	spaces         = regexp.MustCompile(`[ \t]{2,}`)
	// rule: a run of dashes or stars opening a line ("----- NASHVILLE …").
	rule = regexp.MustCompile(`^\s*[-–—=*_]{3,}\s*`)
)

// CleanText removes wire clutter (see the comment at the top of this file)
// from an article's text, keeping one paragraph per line. It returns the
// cleaned text and the dateline place it found, if any.
func CleanText(text string) (clean, place string) {
	kept, _, place := cleanLines(text)
	return strings.Join(kept, "\n"), place
}

// cleanLines is CleanText before the kept lines are joined; from gives the
// index of the line each kept one was cleaned from. When text has no "\r"
// and no "://", those are text's own lines.
func cleanLines(text string) (kept []string, from []int, place string) {
	text = strings.ReplaceAll(text, "\r\n", "\n")
	if strings.Contains(text, "://") {
		// a photo's address between a feed's title and its text
		// («… نهائي الملك http://…/CP3V7459.JPG?itok=… تغلب الفريق …»)
		// ends the title's line
		text = inlineImage.ReplaceAllString(text, "\n")
	}
	lines := strings.Split(text, "\n")
	kept = make([]string, 0, len(lines))
	for i, ln := range lines {
		ln = cleanLine(ln)
		if ln == "" || isClutterLine(ln) || (len(kept) < 3 && isByline(ln)) {
			continue
		}
		if len(kept) < 2 {
			if ln = stripDatelines(ln, &place); ln == "" {
				continue
			}
		}
		kept = append(kept, ln)
		from = append(from, i)
	}
	return kept, from, place
}

// CleanTitle removes clutter from a headline: URLs, media marks, hashtags
// (inlined, a trailing run dropped), an opening "(Agency) - " and a
// trailing agency tag "(Reuters)".
func CleanTitle(title string) string {
	t := cleanLine(title)
	if !strings.Contains(t, "(") {
		return t
	}
	if m := agencyDateline.FindStringSubmatch(t); m != nil && len(m[0]) < len(t) && isAgency(m[1]) && !notPlace.MatchString(m[0]) {
		t = t[len(m[0]):] // "(Sports Network) - Beltran may be…"
	}
	for {
		s := trailingAgency.ReplaceAllString(t, "")
		if s == t {
			return t
		}
		t = strings.TrimSpace(s)
	}
}

// cleanLine does the inline cleaning of one line: URLs, media marks and
// hashtags out, spaces collapsed. A line that was only tags, symbols and
// links comes back empty.
func cleanLine(ln string) string {
	// The regexps run only on lines that hold what they look for: CleanText
	// reads every line of every article.
	ln = strings.TrimSpace(dropInvisibles(ln))
	if strings.HasPrefix(ln, "---") || strings.ContainsAny(firstRune(ln), "=*_—–") {
		ln = strings.TrimSpace(rule.ReplaceAllString(ln, ""))
	}
	if ln == "" {
		return ""
	}
	if hasLink(ln) {
		noURL := strings.TrimSpace(urlRe.ReplaceAllString(ln, " "))
		if strings.HasSuffix(noURL, ":") {
			return "" // «المزيد على الرابط التالي:», "Watch it here:"
		}
		ln = noURL
	}
	if mayHaveMediaMark(ln) {
		ln = mediaMark.ReplaceAllString(ln, " ")
	}
	if strings.Contains(ln, "#") {
		ln = cleanTags(ln)
		if hasLink(ln) {
			ln = urlRe.ReplaceAllString(ln, " ") // "#_http://…" is a link once the tag is a word
		}
	}
	if strings.Contains(ln, "  ") || strings.Contains(ln, "\t") {
		ln = spaces.ReplaceAllString(ln, " ")
	}
	return strings.TrimSpace(ln)
}

// mayHaveMediaMark reports whether ln has a bracket holding, after an
// optional "+" and spaces, one of the mediaWords (in any case, as the
// regexp's (?i) folds them): what mediaMark needs, but for the space before
// the bracket. Brackets in news mostly hold agencies and asides, and this
// scan costs a fraction of the regexp, which then runs only where it may
// match.
func mayHaveMediaMark(ln string) bool {
	for i := strings.IndexAny(ln, "(["); i >= 0; {
		rest := ln[i+1:]
		end := strings.IndexAny(rest, ")]")
		if end < 0 {
			return false
		}
		inner := strings.TrimLeft(strings.TrimPrefix(rest[:end], "+"), " \t\n\f\r") // \s of the regexp
		for _, w := range mediaWords {
			if strings.EqualFold(inner, w) {
				return true
			}
		}
		next := strings.IndexAny(rest, "([")
		if next < 0 {
			return false
		}
		i += 1 + next
	}
	return false
}

// hasLink reports whether s has a mark urlRe starts with ("://", "www.",
// "pic.twitter.com/"), in any case. It lower-cases s only for the last
// mark, and only when s has the letter and slash it needs: every line of
// every article is asked. Only W lower-cases to w, and nothing to ".", ":"
// or "/", so the first two are found on s as it is.
func hasLink(s string) bool {
	if strings.Contains(s, "://") || hasWWW(s) {
		return true
	}
	if !strings.ContainsAny(s, "pP") || !strings.Contains(s, ".") || !strings.Contains(s, "/") {
		return false
	}
	return strings.Contains(strings.ToLower(s), "pic.twitter.com/")
}

// hasWWW reports whether s has "www." in any case.
func hasWWW(s string) bool {
	for i := strings.IndexByte(s, '.'); i >= 0; {
		if i >= 3 && strings.EqualFold(s[i-3:i], "www") {
			return true
		}
		next := strings.IndexByte(s[i+1:], '.')
		if next < 0 {
			return false
		}
		i += 1 + next
	}
	return false
}

func firstRune(s string) string {
	for _, r := range s {
		return string(r)
	}
	return ""
}

// dropInvisibles removes format characters (bidi marks, ZWJ) that outlets
// scatter through Arabic copy («كتب ـ فلان‏:‏»); they are never visible.
// Most lines have none: they are looked for first, without strings.Map's
// call per rune, and the line is mapped only when it has one (or an
// invalid byte, which strings.Map turns into U+FFFD).
func dropInvisibles(ln string) string {
	if hasInvisible(ln) {
		return strings.Map(dropInvisible, ln)
	}
	return ln
}

// hasInvisible reports whether s has a rune isInvisible or utf8.RuneError
// (an invalid byte, or U+FFFD itself), as ranging over s would find it.
// Every line of every article is asked, and nearly all of Arabic copy is
// two-byte runes: those are tested from their bytes (invisibleTwoBytes),
// without the runtime's decoding call per rune that a range makes.
func hasInvisible(s string) bool {
	for i := 0; i < len(s); {
		switch _, n := decodeShort(s, i); n {
		case 1:
			i++
			continue
		case 2:
			if invisibleTwoBytes(s[i], s[i+1]) {
				return true
			}
			i += 2
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if isInvisible(r) || r == utf8.RuneError {
			return true
		}
		i += n
	}
	return false
}

// invisibleTwoBytes is isInvisible of the two-byte rune b c, read from its
// bytes: U+00AD is C2 AD, U+0600–U+0605 are D8 80–85, U+061C is D8 9C and
// U+06DD is DB 9D, U+070F is DC 8F (TestInvisibleTwoBytes checks every two-byte rune). It
// is small enough to be inlined, where isInvisible, with its table look-up
// for other blocks, is a call per Arabic rune.
func invisibleTwoBytes(b, c byte) bool {
	switch b {
	case 0xC2:
		return c == 0xAD
	case 0xD8:
		return c <= 0x85 || c == 0x9C
	case 0xDB:
		return c == 0x9D
	case 0xDC:
		return c == 0x8F // U+070F, the Syriac abbreviation mark
	}
	return false
}

func dropInvisible(r rune) rune {
	if isInvisible(r) {
		return -1
	}
	return r
}

// isInvisible is unicode.Is(unicode.Cf, r), answered without the table for
// the runes of Latin and Arabic text: below U+0600 only the soft hyphen
// U+00AD is a format character, in the Arabic block U+0600–U+06FF only
// U+0600–U+0605, U+061C and U+06DD are (TestIsInvisibleIsCf holds this to
// the unicode package's table).
func isInvisible(r rune) bool {
	switch {
	case r < 0x600:
		return r == 0xAD
	case r <= 0x6FF:
		return r <= 0x605 || r == 0x61C || r == 0x6DD
	}
	return unicode.Is(unicode.Cf, r)
}

// cleanTags drops a trailing run of hashtags (when it follows a sentence
// end or holds two tags or more, so «… في #بغداد» keeps its last word) and
// turns the other tags into words: #كلمة_كلمة → كلمة كلمة.
func cleanTags(ln string) string {
	if !strings.Contains(ln, "#") {
		return ln
	}
	if strings.HasPrefix(ln, "#") && len(Words(hashtag.ReplaceAllString(ln, "$1"))) <= 1 {
		return "" // a line of tags: «#الجزيرة▶️حقوق»
	}
	if loc := tagRun.FindStringIndex(ln); loc != nil {
		run, before := ln[loc[0]:], strings.TrimSpace(ln[:loc[0]])
		if before == "" || strings.Count(run, "#") >= 2 || strings.ContainsAny(lastRune(before), ".!?؟…:»\"”") {
			ln = before
		}
	}
	for hashtag.MatchString(ln) { // "##tag" takes two rounds
		ln = hashtag.ReplaceAllStringFunc(ln, func(m string) string {
			g := hashtag.FindStringSubmatch(m)
			return g[1] + strings.ReplaceAll(g[2], "_", " ")
		})
	}
	return ln
}

func lastRune(s string) string {
	rs := []rune(s)
	if len(rs) == 0 {
		return ""
	}
	return string(rs[len(rs)-1])
}

// isClutterLine reports lines that are never prose wherever they stand:
// read-more calls, captions and credits, agency lines, end marks, and lines
// without a letter (".", "* * *").
func isClutterLine(ln string) bool {
	if !strings.ContainsFunc(ln, unicode.IsLetter) || readMore.MatchString(ln) {
		return true
	}
	if atMostRunes(ln, 130) && (mayBeEndMark(ln) && endMark.MatchString(ln) ||
		mayBeAgencyLine(ln) && agencyLine.MatchString(ln) ||
		hasFourDigits(ln) && datedCredit.MatchString(ln)) {
		return true
	}
	if atMostRunes(ln, 80) && (strings.Contains(ln, ":") || !strings.ContainsAny(ln, ".!?؟")) && creditLine.MatchString(ln) {
		return true
	}
	// a short line wholly in parentheses: «(إعداد … للنشرة العربية)», "(Reporting by …)"
	return strings.HasPrefix(ln, "(") && strings.HasSuffix(ln, ")") && atMostRunes(ln, 120) && strings.Count(ln, "(") == 1
}

// The clutter regexps run on every short line of every article; these
// tests say, without a regexp, when one cannot match: an end mark opens
// with a slash or a dash or is one of two words, an agency line is an
// agency's name of at most nine runes before spaces and a colon or period,
// and a dated credit holds a four-digit year.

func mayBeEndMark(ln string) bool {
	return strings.HasPrefix(ln, "/") || strings.HasPrefix(ln, "-") || ln == "انتهى" || ln == "يتبع"
}

func mayBeAgencyLine(ln string) bool {
	return atMostRunes(strings.TrimRight(ln, " \t\n\f\r:."), 9)
}

func hasFourDigits(ln string) bool {
	run := 0
	for i := 0; i < len(ln); i++ {
		if ln[i] < '0' || ln[i] > '9' {
			run = 0
			continue
		}
		if run++; run == 4 {
			return true
		}
	}
	return false
}

// atMostRunes reports whether s has at most n runes, without counting them
// when its length in bytes decides: every line of every article is asked.
func atMostRunes(s string, n int) bool {
	switch {
	case len(s) <= n:
		return true
	case len(s) > n*utf8.UTFMax:
		return false
	}
	return utf8.RuneCountInString(s) <= n
}

// isByline reports a short line of two parts around a dash that is not a
// sentence: «عين اليوم – جدة», «رغد عشميل – عين اليوم», «القاهرة - أ ش أ:».
// Only the opening lines are tested (see CleanText).
func isByline(ln string) bool {
	if !atMostRunes(ln, 50) || strings.ContainsAny(ln, ".!?؟") || hasFields(ln, 8) {
		return false
	}
	for _, dash := range []string{" – ", " - ", " — ", " ـ ", "ـ ", " ـ"} {
		if a, b, ok := strings.Cut(strings.TrimRight(ln, ": "), dash); ok && strings.TrimSpace(a) != "" && strings.TrimSpace(b) != "" {
			return len(strings.Fields(a)) <= 3 && len(strings.Fields(b)) <= 4 && !notPlace.MatchString(a)
		}
	}
	return false
}

// stripDatelines strips up to two datelines: wire copy relayed by another
// outlet carries both ("SEPTEMBER 27, 2004 (COMPUTERWORLD) - CHICAGO -- …").
// The first place found is stored in *place.
func stripDatelines(ln string, place *string) string {
	for range 2 {
		rest, p := StripDateline(ln)
		if p != "" && *place == "" {
			*place = p
		}
		if rest == ln {
			break
		}
		ln = rest
	}
	return ln
}

// StripDateline removes a dateline opening ln: the whole line when it is a
// short place ending in a dash («بغداد-»), or an inline prefix of one of the
// shapes in the comment at the top of this file. It returns the rest and the
// place ("" when ln has no dateline). A sentence that merely starts with a
// place and a comma is not a dateline.
func StripDateline(ln string) (rest, place string) {
	place, _, rest = ParseDateline(ln)
	return rest, place
}

// ParseDateline is StripDateline that also returns the agency named in the
// dateline's parentheses ("Reuters" of "WASHINGTON (Reuters) -", «رويترز»
// of «القاهرة (رويترز) -»), "" when it names none. It is the one dateline
// parser: the engine's cleaner and news' ingest of feeds and seed files
// use it.
func ParseDateline(ln string) (place, agency, rest string) {
	trimmed := strings.TrimRight(ln, " -–—ـ")
	if trimmed != ln && runeLen(trimmed) <= 30 && len(strings.Fields(trimmed)) <= 3 && !strings.ContainsAny(trimmed, ".!?؟") {
		// a dateline alone on its line: «بغداد-», "WASHINGTON (Reuters) -"
		if m := loneAgency.FindStringSubmatch(trimmed); m != nil && isAgency(m[2]) {
			return strings.TrimSpace(m[1]), m[2], ""
		}
		return trimmed, "", ""
	}
	body := ln
	if head := ClipBytes(ln, 40); strings.Contains(head, " -") || strings.Contains(head, " –") || strings.Contains(head, " —") {
		body = sitePrefix.ReplaceAllString(ln, "")
	}
	for _, re := range datelineShapes(body) {
		m := re.FindStringSubmatch(body)
		if m == nil || len(m[0]) >= len(body) || notPlace.MatchString(m[0]) {
			continue
		}
		if re == agencyDateline && !isAgency(m[1]) {
			continue
		}
		p := strings.TrimSpace(strings.TrimRight(strings.TrimSpace(m[0]), "-–—ـ"))
		if i := strings.IndexAny(p, ",،("); i >= 0 {
			p = strings.TrimSpace(p[:i])
		}
		if re == agencyDateline {
			agency = strings.TrimSpace(m[1])
		}
		return p, agency, strings.TrimSpace(body[len(m[0]):])
	}
	return "", "", body // "AP - " alone: the agency goes, there is no place
}

// datelineShapes returns the dateline patterns worth trying on ln: a
// pattern runs only if its mark (a parenthesis, a dash, a capital letter)
// is near the start, since CleanText tries the opening lines of every
// article.
func datelineShapes(ln string) []*regexp.Regexp {
	head := ClipBytes(ln, 160)
	out := make([]*regexp.Regexp, 0, 3)
	if strings.Contains(head, "(") {
		out = append(out, agencyDateline)
	}
	dash := hasDash(head)
	if r := []rune(firstRune(ln)); len(r) == 1 && unicode.IsUpper(r[0]) && (dash || strings.Contains(head, ":")) {
		out = append(out, latinDateline)
	}
	if dash {
		out = append(out, arabicDateline)
	}
	return out
}

// hasDash is strings.ContainsAny(s, "-–—ـ"), searched as bytes: the set's
// non-ASCII runes made ContainsAny decode every rune of every article's
// opening lines.
func hasDash(s string) bool {
	return strings.IndexByte(s, '-') >= 0 || strings.Contains(s, "–") || strings.Contains(s, "—") || strings.Contains(s, "ـ")
}

// ClipBytes returns at most n bytes of s, cut at a rune boundary (news
// uses it to cap stored text and language samples).
func ClipBytes(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// isAgency: text in the parentheses of a dateline is an agency's name — a
// few capitalised Latin words ("Reuters", "AP", "CNN") or Arabic words
// («رويترز», «أ ف ب») — not an aside ("(in a speech)").
func isAgency(s string) bool {
	words := strings.Fields(s)
	if len(words) == 0 || len(words) > 4 {
		return false
	}
	if len(words) == 1 && runeLen(s) <= 4 {
		return true // "dpa", "KRT"
	}
	for _, w := range words {
		r := []rune(w)[0]
		if unicode.In(r, unicode.Latin) && !unicode.IsUpper(r) {
			return false
		}
	}
	return true
}
