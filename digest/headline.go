package digest

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Headlines for articles that have none (tweets, wire items, feeds that
// send only a description). A headline carries the news: the subject, verb
// and object of the lead, without the reporting frame (who said it, on
// which day) and cut where a phrase ends, not in the middle of one.
//
// Headline does, in order: drop time words («، الجمعة،», «أمس», "on
// Friday", "yesterday"); move the attribution out («قالت مصادر إن X» → X,
// «أعلنت وزارة الصحة عن X» → «وزارة الصحة تعلن عن X», "X, officials said"
// → X, "Officials said X" → X); then, if it is still over HeadlineBudget,
// cut at the last phrase boundary that leaves a readable clause (a comma,
// «و» opening a clause, a relative pronoun الذي/التي, "which", "who",
// "after"…). Only when no boundary leaves enough words is the lead cut at
// a word and marked with "…".

// HeadlineBudget is the length in runes of a derived headline: 80 for
// Arabic (its words are longer on screen than the rune count suggests),
// 90 otherwise.
func HeadlineBudget(lang string) int {
	if lang == "ar" {
		return 80
	}
	return 90
}

// DeriveTitle returns the article's title (without clutter), or a headline
// derived from its lead sentence when it has none.
func DeriveTitle(a Article) string {
	if t := CleanTitle(a.Title); t != "" {
		return t
	}
	return titleFromSentences(articleSentences(a))
}

// titleFromSentences derives a headline from the first sentence of at least
// four words (a one- or two-word opening line is a label, not the news).
// It is a copy: a sentence is a substring of its article's text (Sentences),
// which a prepared form must not keep alive.
func titleFromSentences(sents []sentence) string {
	for _, s := range sents {
		if hasFields(s.text, 4) {
			return strings.Clone(Headline(s.text))
		}
	}
	if len(sents) > 0 {
		return strings.Clone(Headline(sents[0].text))
	}
	return ""
}

// Headline turns a lead sentence into a headline (see the comment at the top
// of this file).
func Headline(lead string) string {
	lang := scriptLang(lead)
	h := strings.TrimSpace(strings.TrimRight(strings.TrimSpace(lead), ".!?؟…"))
	h = tidyPunct(dropTimeWords(h))
	h = tidyPunct(dropAttribution(h))
	return dropLoneQuote(trimDayEnd(cutHeadline(h, HeadlineBudget(lang))))
}

// dropLoneQuote removes a closing quote mark ending h whose opening mark
// went with the attribution («قال X "إن Y"» → «Y»).
func dropLoneQuote(h string) string {
	for _, q := range [][2]string{{`"`, `"`}, {"“", "”"}, {"«", "»"}} {
		if !strings.HasSuffix(h, q[1]) {
			continue
		}
		if q[0] == q[1] && strings.Count(h, q[0])%2 == 1 || q[0] != q[1] && strings.Count(h, q[0]) < strings.Count(h, q[1]) {
			return strings.TrimSpace(strings.TrimSuffix(h, q[1]))
		}
	}
	return h
}

// dayEnd: a weekday a cut left at the end («… الأحد», "… the marathon Sunday").
var dayEnd = regexp.MustCompile(`(?i)[\s،,]+(?:(?:يوم|اليوم|أمس|on|last|late on|early on)\s+)?(?:` + arWeekday + `|` + enWeekday +
	`)(?:\s+(?:الماضي|المقبل|morning|afternoon|evening|night))?\s*(…?)$`)

// trimDayEnd removes a weekday ending the headline unless it is part of a
// name («صلاة الجمعة», "Good Friday").
func trimDayEnd(h string) string {
	m := dayEnd.FindStringSubmatchIndex(h)
	if m == nil || m[0] == 0 || dayIsName(h[:m[0]]) {
		return h
	}
	return strings.TrimRight(h[:m[0]], " ،,;؛:-–—") + h[m[2]:m[3]]
}

// scriptLang is "ar" when most letters of s are Arabic.
func scriptLang(s string) string {
	ar, other := 0, 0
	for _, r := range s {
		switch {
		case isArabicLetter(r):
			ar++
		case unicode.IsLetter(r):
			other++
		}
	}
	if ar > other {
		return "ar"
	}
	return "en"
}

// Read-only patterns and tables of the headline rules (word sets hold
// Normalize-d words).
var (
	arWeekday = `(?:الأحد|الاحد|الإثنين|الاثنين|الثلاثاء|الأربعاء|الاربعاء|الخميس|الجمعة|الجمعه|السبت)`
	// enWeekday: the English weekdays, for patterns compiled with (?i).
	enWeekday = `(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)`
	// arQuotedDay: a weekday, bare or quoted as Egyptian papers write it
	// («أمس "الجمعة"», «اليوم «الأحد»»).
	arQuotedDay = `[«"“]?` + arWeekday + `[»"”]?`
	// arDayPhrase: «(في) (الليلة الفاصلة بين) (يوم) (صباح) (اليوم|أمس)
	// الجمعة (والسبت) (الماضي) (14 نوفمبر 2016)».
	arDayPhrase = regexp.MustCompile(`(^|\s|،)(?:في\s+)?(?:الليلة\s+الفاصلة\s+بين\s+)?(?:(?:صباح|مساء|ظهر|فجر|عصر|ليلة|ليل)\s+)?(?:يوم\s+)?(?:(?:صباح|مساء|ظهر|فجر|عصر|ليلة|ليل)\s+)?(?:(?:اليوم|أمس|امس)\s+)?` +
		arQuotedDay + `(?:\s+و` + arQuotedDay + `)?` +
		`(?:\s+(?:الماضي|المقبل|القادم|الفائت))?(?:\s+\d{1,2}\s+\p{Arabic}+(?:\s+\d{4})?)?(\s|[،؛,;:]|$)`)
	// arYesterday: «أمس» (yesterday) is never anything else; «اليوم» (today /
	// the day) only before a comma, a content clause or the end.
	arYesterday = regexp.MustCompile(`(^|\s|،)(?:(?:صباح|مساء|ظهر)\s+)?(?:أول\s+من\s+|اول\s+من\s+)?(?:أمس|امس)(\s|،|$)`)
	arToday     = regexp.MustCompile(`(\s|،)(?:(?:صباح|مساء)\s+)?اليوم(\s*،|\s+(?:عن|أن|إن|على|في)\s|$)`)
	// enDay: "on Friday (night)", "last Tuesday", "late on Sunday", a leading "On Friday,".
	enDay = regexp.MustCompile(`(?i)(?:,\s*)?(?:\b(?:late|early)\s+)?\b(?:on|last|this|next)\s+` + enWeekday + `(?:\s+(?:morning|afternoon|evening|night))?\b,?`)
	enRel = regexp.MustCompile(`(?i)(?:,\s*)?\b(?:yesterday|today|tonight|overnight)\b(?:'s)?,?`)
	// enBareDay: a weekday left at the end: "…, Friday".
	enBareDay = regexp.MustCompile(`(?i)[,\s]+` + enWeekday + `$`)
	// notDayBefore: «صلاة الجمعة», "Good Friday": the weekday is a name there
	// (see dayIsName).
	notDayBefore = wordSet(`صلاة صلاه خطبة خطبه سوق أسواق good black`)

	// arSpeech maps an Arabic reporting verb in the past to the present, as
	// headlines write it («أعلنت» → «تعلن»).
	arSpeech = map[string]string{
		"قال": "يقول", "قالت": "تقول", "أعلن": "يعلن", "أعلنت": "تعلن", "اعلن": "يعلن", "اعلنت": "تعلن",
		"أكد": "يؤكد", "أكدت": "تؤكد", "أكّد": "يؤكد", "أكّدت": "تؤكد", "اكد": "يؤكد", "اكدت": "تؤكد",
		"ذكر": "يذكر", "ذكرت": "تذكر", "أفاد": "يفيد", "أفادت": "تفيد", "افاد": "يفيد", "افادت": "تفيد",
		"صرح": "يصرح", "صرّح": "يصرح", "صرحت": "تصرح", "أوضح": "يوضح", "أوضحت": "توضح",
		"كشف": "يكشف", "كشفت": "تكشف", "أشار": "يشير", "أشارت": "تشير",
	}
	// arThat: the particles that open reported content («إن», «أن», «بأن»).
	arThat = wordSet(`إن أن إنّ أنّ بأن ان`)
	// arImpersonal: words that show «أنه» opens an impersonal clause («أنه
	// يحق», «أنه لا», «أنه تم»).
	arImpersonal = wordSet(`يحق يجب تم يتم سيتم لا لن لم من قد ينبغي يمكن لابد`)
	// arThatPron: «أنه», «إنها», «بأنهم»: reported speech whose subject is
	// the speaker.
	arThatPron = wordSet(`أنه إنه انه بأنه أنها إنها انها بأنها أنهم إنهم انهم بأنهم`)
	// arNotThat: «بعد أن», «قبل أن»: أن there is not reported speech.
	arNotThat = wordSet(`بعد قبل منذ دون بدون حتى رغم إلى الى`)
	// arTitleHead: nouns that open a speaker's title in a construct
	// («ثالث الدوري», «رئيس الحزب», «بطل العالم»).
	arTitleHead = wordSet(`ثالث ثاني رابع أول اول بطل وصيف متصدر رئيس نائب وزير مدير أمين امين زعيم قائد مدرب لاعب نجم عضو سفير مندوب ممثل محافظ أمير امير ملك ولي شيخ مستشار متحدث ناطق دكتور فنان مهاجم مدافع حارس`)
	// arSubjectEnd: words after which the subject of a reporting verb has ended.
	arSubjectEnd = wordSet(`عن على في إلى الى من خلال أمام لـ مع بعد قبل أن إن بأن أنه أنها أنهم إنه إنها إنهم بأنه بأنها`)
	// arChannel: «في بلاغ», «في بيان»: how a statement was made.
	arChannel = wordSet(`بلاغ بيان تصريح تصريحات حديث مؤتمر ندوة رسالة كلمة منشور تدوينة`)

	// arTrailSource: «… بحسب ما ذكر الأخير», «… حسب ما أفادت وكالة الأنباء»
	// ending the lead.
	arTrailSource = regexp.MustCompile(`[\s،,]+(?:بحسب|حسب|وفق|وفقا ل|طبقا ل)\s*ما\s+\p{Arabic}+(?:\s+\p{Arabic}+){0,4}$`)

	enAccordingLead = regexp.MustCompile(`(?i)^according to [^,]{1,60},\s+`)
	// enAccordingBare: "According to the FTSE World Index Japan has been…":
	// no comma ends the source; the clause starts at the capitalised word
	// before its finite verb.
	enAccordingBare  = regexp.MustCompile(`(?i)^according to [^,]{1,60}?\s+((?-i:\p{Lu})[\p{L}.'-]*\s+(?:has|have|had|is|are|was|were|will|would|could|may|might|can)\s)`)
	enAccordingTrail = regexp.MustCompile(`(?i),?\s+according to [^,]{1,60}$`)
	// enTrailSaid: ", four Iraqi sources said", ", the minister told reporters".
	enTrailSaid = regexp.MustCompile(`,\s+(?:\S+\s+){0,5}(?:said|says|told \S+|reported|announced|added)$`)
	// enLeadSaid: "Officials said (on Friday) (that) " opening the lead.
	enLeadSaid = regexp.MustCompile(`^((?:\S+\s+){1,6}?)(?:said|says|told reporters|told \S+|announced|confirmed|reported)(?:\s+that)?\s+`)
	enPronoun  = wordSet(`it they he she we`)
	// enSaidTwice: "Microsoft said on Monday said it will…" once the day is
	// gone (AG News' garbled wire copy).
	enSaidTwice = regexp.MustCompile(`(?i)\b(said|says)\s+(?:said|says)\b`)
	// enSaidOpen: a reporting verb the rules above left opening the headline.
	enSaidOpen = regexp.MustCompile(`(?i)^(?:said|says|announced|told \S+|confirmed|reported)\s+(?:that\s+)?`)
)

// dropTimeWords removes the day of the report: weekdays with their
// framing, «أمس», «اليوم» used as "today", "on Friday", "yesterday".
func dropTimeWords(h string) string {
	h = replaceKeep(arDayPhrase, h)
	h = arYesterday.ReplaceAllString(h, "$1$2")
	h = arToday.ReplaceAllString(h, "$1$2")
	h = enDay.ReplaceAllString(h, " ")
	h = enRel.ReplaceAllStringFunc(h, func(m string) string {
		if strings.HasSuffix(strings.TrimRight(m, ","), "'s") {
			return m // "today's vote" is a noun phrase
		}
		return " "
	})
	if loc := enBareDay.FindStringIndex(h); loc != nil && !dayIsName(h[:loc[0]]) {
		h = h[:loc[0]]
	}
	return h
}

// replaceKeep removes arDayPhrase matches except where the weekday is part
// of a name («صلاة الجمعة»), keeping the delimiters around them.
func replaceKeep(re *regexp.Regexp, h string) string {
	var b strings.Builder
	last := 0
	for _, m := range re.FindAllStringSubmatchIndex(h, -1) {
		if dayIsName(h[:m[0]]) {
			continue
		}
		b.WriteString(h[last:m[0]])
		b.WriteString(h[m[2]:m[3]])
		b.WriteString(" ")
		b.WriteString(h[m[4]:m[5]])
		last = m[1]
	}
	b.WriteString(h[last:])
	return b.String()
}

// dayIsName reports whether the weekday following before is part of a
// name («صلاة الجمعة», "Good Friday") rather than the day of the report.
func dayIsName(before string) bool {
	return notDayBefore[Normalize(lastWord(before))]
}

func lastWord(s string) string {
	f := strings.Fields(s)
	if len(f) == 0 {
		return ""
	}
	return strings.Trim(f[len(f)-1], "،,")
}

// tidyPunct collapses the commas and spaces left by removals.
var (
	doubleComma = regexp.MustCompile(`\s*([،,])(?:\s*[،,])+`)
	spaceComma  = regexp.MustCompile(`\s+([،,;؛:])`)
)

func tidyPunct(h string) string {
	h = strings.Join(strings.Fields(h), " ")
	h = doubleComma.ReplaceAllString(h, "$1")
	h = spaceComma.ReplaceAllString(h, "$1")
	return strings.Trim(h, " ،,;؛:-–—")
}

// dropAttribution moves the reporting frame out of a lead.
func dropAttribution(h string) string {
	if scriptLang(h) == "ar" {
		return arabicAttribution(h)
	}
	return englishAttribution(h)
}

// arabicAttribution: «قالت مصادر عراقية إن X» → X; a reporting verb
// without reported speech («أعلنت وزارة الصحة عن X») becomes subject first
// with the verb in the present («وزارة الصحة تعلن عن X»).
func arabicAttribution(h string) string {
	if loc := arTrailSource.FindStringIndex(h); loc != nil && len(strings.Fields(h[:loc[0]])) >= 4 {
		h = h[:loc[0]]
	}
	words := strings.Fields(h)
	if len(words) < 3 {
		return h
	}
	verb := strings.TrimLeft(words[0], "وف")
	if _, ok := arSpeech[words[0]]; ok {
		verb = words[0]
	}
	present, ok := arSpeech[verb]
	if !ok {
		return h
	}
	// «قال المدير الفني للفريق الأول لكرة القدم بنادي الهلال جورجيوس دونيس
	// (يوناني) إن …»: a speaker with his titles runs to a dozen words.
	for i := 2; i < len(words)-1 && i <= 16; i++ {
		if arNotThat[Normalize(strings.Trim(words[i-1], "،,"))] {
			continue
		}
		w := Normalize(strings.TrimLeft(words[i], `“"«`))
		if arThat[w] {
			content := words[i+1:]
			if _, speech := arSpeech[strings.TrimLeft(content[0], `“"«`)]; speech {
				// «قال أيالون "إن كشف إيران الغطاء …"»: what was said opens
				// with a reporting word itself; the speaker stays, as a
				// headline quotes: «أيالون: كشف إيران …»
				return strings.Join(words[1:i], " ") + ": " + strings.Join(content, " ")
			}
			return strings.Join(content, " ")
		}
		if arThatPron[w] && i <= 10 && i+1 < len(words) && arImpersonal[Normalize(words[i+1])] {
			// «أكدت وزارة العمل أنه يحق للمقيمين …»: «أنه» is "that it
			// is", not the speaker
			return strings.Join(words[i+1:], " ")
		}
		if arThatPron[w] && i <= 10 {
			// «أعلن نادي اتلتيكو مدريد أنه مدد عقد …»: the speaker is the
			// subject of what he said → «نادي اتلتيكو مدريد مدد عقد …»
			subject := words[1:i]
			for len(subject) > 1 && arSubjectEnd[Normalize(subject[len(subject)-1])] {
				subject = subject[:len(subject)-1] // «تؤكد على أنه»
			}
			return strings.TrimRight(strings.Join(speakerName(subject), " "), "،,") + " " + strings.Join(words[i+1:], " ")
		}
	}
	n := subjectLen(words[1:])
	if n == 0 || n+1 >= len(words) {
		return h
	}
	subject := strings.TrimRight(strings.Join(speakerName(words[1:1+n]), " "), "،,")
	rest := dropChannel(words[1+n:])
	if n < 5 && strings.HasPrefix(rest[0], "ال") {
		// «أكد علي عبدالله صالح الرئيس اليمني السابق …، تمسك …»: the
		// speaker's titles run to the comma
		for k, w := range rest[:min(len(rest)-1, 10)] {
			if strings.HasSuffix(w, "،") || strings.HasSuffix(w, ",") {
				rest = rest[k+1:]
				break
			}
		}
	}
	return subject + " " + present + " " + strings.TrimLeft(strings.Join(rest, " "), "،, ")
}

// speakerName shortens a long speaker that opens with a name to the name:
// «علي عبدالله صالح الرئيس اليمني السابق ورئيس حزب المؤتمر» → «علي
// عبدالله صالح» (the titles start at the first definite word after it). A
// speaker that opens with a title («وزارة الصحة», «الرئيس الأمريكي») is
// kept.
func speakerName(words []string) []string {
	if len(words) <= 6 || strings.HasPrefix(words[0], "ال") {
		return words
	}
	for i := 1; i < len(words); i++ {
		if strings.HasPrefix(words[i], "ال") {
			if i < 3 {
				return words // «إدارة المتاحف …», «مدير مركز الملك …»: a construct, not a name
			}
			for _, w := range words[:i-1] {
				if arTitleHead[Normalize(w)] {
					return words // «مدير عام صندوق الأوبك …»: a title, the name comes later
				}
			}
			if arTitleHead[Normalize(words[i-1])] {
				return words[:i-1] // «اتلتيكو مدريد ثالث الدوري الاسباني» → «اتلتيكو مدريد»
			}
			if arTitleHead[Normalize(strings.TrimPrefix(words[i], "ال"))] {
				return words[:i] // «علي عبدالله صالح الرئيس اليمني» → «علي عبدالله صالح»
			}
			return words // «تقرير شهر فيفري الخاص بأحداث …»: not a name and its titles
		}
	}
	return words
}

// dropChannel removes how a statement was made when it follows the
// speaker: «في بلاغ لها على صفحتها الرسمية» up to the «عن»/«أن» that opens
// what was said.
func dropChannel(rest []string) []string {
	if len(rest) < 3 || Normalize(rest[0]) != "في" || !arChannel[Normalize(strings.Trim(rest[1], "،,"))] {
		return rest
	}
	for i := 2; i < len(rest)-1 && i <= 9; i++ {
		if w := Normalize(rest[i]); w == "عن" || arThat[w] {
			if arThat[w] {
				return rest[i+1:]
			}
			return rest[i:]
		}
	}
	return rest
}

// subjectLen guesses how many words form the subject after a verb: up to a
// preposition, comma or «أنه» within ten words, else the head noun and the
// definite words that qualify it («وزارة الصحة», «الرئيس الأمريكي»), at
// most five.
func subjectLen(words []string) int {
	for i, w := range words[:min(len(words), 10)] {
		if i > 0 && arSubjectEnd[Normalize(w)] {
			return i // «أعلنت جمعية مهرجان الزيتونة الدولي عن …»: the subject ends at عن
		}
		if strings.HasSuffix(w, "،") || strings.HasSuffix(w, ",") {
			return i + 1
		}
	}
	n, name := 0, false
	for i, w := range words {
		if i > 0 && i < 3 && n == i && arSubjectEnd[Normalize(words[0])] && !strings.HasPrefix(w, "ال") {
			// a name spelt like a preposition once normalised («علي»
			// → «على»): «علي عبدالله صالح» is read as a name, and its
			// titles («الرئيس اليمني السابق») are not the subject's head
			n, name = n+1, true
			continue
		}
		if i >= 5 || name || (i > 0 && (arSubjectEnd[Normalize(w)] || arThat[Normalize(w)] || !strings.HasPrefix(w, "ال"))) {
			break
		}
		n++
		if strings.HasSuffix(w, "،") || strings.HasSuffix(w, ",") || w == ":" {
			break
		}
	}
	return n
}

// englishAttribution drops "According to X," and ", X said", and turns
// "Officials said X" into X (a pronoun subject of X takes the speaker's
// place: "The company said it would…" → "The company would…").
func englishAttribution(h string) string {
	h = enSaidTwice.ReplaceAllString(h, "$1")
	h = enAccordingLead.ReplaceAllString(h, "")
	if m := enAccordingBare.FindStringSubmatchIndex(h); m != nil {
		h = h[m[2]:]
	}
	h = enAccordingTrail.ReplaceAllString(h, "")
	if loc := enTrailSaid.FindStringIndex(h); loc != nil && loc[0] > 0 {
		h = h[:loc[0]]
	}
	m := enLeadSaid.FindStringSubmatchIndex(h)
	if m == nil || strings.ContainsAny(h[m[2]:m[3]], ",\"“") || len(strings.Fields(h[m[1]:])) < 3 {
		return upperFirst(h)
	}
	speaker, rest := strings.TrimSpace(h[m[2]:m[3]]), h[m[1]:]
	first, tail, _ := strings.Cut(rest, " ")
	if enPronoun[Normalize(first)] {
		return upperFirst(speaker + " " + tail)
	}
	return upperFirst(enSaidOpen.ReplaceAllString(rest, ""))
}

func upperFirst(s string) string {
	r, size := utf8.DecodeRuneInString(s)
	if size == 0 || r == utf8.RuneError {
		return s // empty, or not UTF-8 at its start: nothing to raise
	}
	return string(unicode.ToUpper(r)) + s[size:]
}

// Phrase boundaries a headline may be cut before. Clause-opening words are
// listed, not every «و»: «وزارة الصحة والسكان» must not become «وزارة الصحة».
// A dash is not one: what stands before it is often a label («برنامج - …»).
var (
	cutBefore = []string{"،", ",", ";", "؛", ":",
		" الذي ", " التي ", " والذي ", " والتي ", " الذين ", " اللذين ", " اللتين ", " اللواتي ", " حيث ", " مما ", " بينما ", " فيما ", " وسط ", " عقب ", " بعد أن ", " إثر ",
		" وقال ", " وقالت ", " وأضاف ", " وأضافت ", " وأكد ", " وأكدت ", " وأشار ", " وأشارت ", " وأوضح ", " وتابع ", " وكان ", " وكانت ", " وقد ", " ولكن ", " وذلك ", " وهو ", " وهي ", " لكن ",
		" which ", " who ", " while ", " after ", " amid ", " as ", " but ", " and ", " when ", " because ", " saying ", " following ", " despite ", " ahead of ", " where ", " with "}
	// cutBeforeLate: adjunct phrases («في المهدية», "in Paris") that may be
	// cut off when no clause boundary is late enough: the clause before them
	// still says what happened.
	cutBeforeLate = []string{" في ", " خلال ", " منذ ", " عبر ", " ضمن ", " بمناسبة ", " بعد ", " قبل ", " وذلك ", " لدى ", " على ", " مع ", " بال", " لل",
		" من ", " إلى ", " الى ", " أمام ", " حتى ", " مقابل ", " بنتيجة ", " بحضور ", " بشأن ", " تمهيدا ", " بسبب ", " لمواجهة ", " ضد ",
		" in ", " at ", " during ", " since ", " near ", " outside ", " across ", " over ", " for ", " on "}
	// danglingEnd: a cut must not leave these last («… في», "… of the").
	// «عدد» and «بعض» («عدد من …», «بعض …») need what follows.
	danglingEnd = wordSet(`في من على إلى الى عن مع أن إن و عدد أحد بعض كل جميع معظم أكثر أقل نحو حوالي the a an of in on to for with and or by at from its their his her`)
)

// cutHeadline keeps h if it fits, else cuts it at the last phrase boundary
// within budget that leaves at least four words (three in Arabic) and does
// not end on a preposition, else at a word with "…".
func cutHeadline(h string, budget int) string {
	if runeLen(h) <= budget {
		return h
	}
	minWords := 4
	if scriptLang(h) == "ar" {
		minWords = 3
	}
	best := lastCut(h, cutBefore, budget, minWords)
	if runeLen(h[:max(best, 0)]) < budget/2 {
		// a clause boundary this early loses most of the news: an adjunct
		// boundary later on keeps more of it
		if late := lastCut(h, cutBeforeLate, budget, minWords+1); runeLen(h[:max(late, 0)]) >= budget*2/5 && late > best {
			best = late
		}
	}
	if best > 0 {
		return strings.TrimRight(h[:best], " ،,;؛:-–—")
	}
	return cutAtWord(h, budget)
}

// lastCut returns the byte offset of the last boundary in marks within
// budget runes that leaves a readable prefix, or -1.
func lastCut(h string, marks []string, budget, minWords int) int {
	best := -1
	for _, mark := range marks {
		for off := 0; ; {
			i := strings.Index(h[off:], mark)
			if i < 0 {
				break
			}
			i += off
			off = i + len(mark)
			if runeLen(h[:i]) > budget {
				break
			}
			if i > best && readable(h[:i], minWords) {
				best = i
			}
		}
	}
	return best
}

// cutAtWord keeps the words that fit in budget-1 runes, drops a dangling
// preposition or article at the end, and marks the cut with "…".
func cutAtWord(h string, budget int) string {
	words := strings.Fields(h)
	n, size := 0, 0
	for n < len(words) && size+runeLen(words[n])+1 <= budget {
		size += runeLen(words[n]) + 1
		n++
	}
	for n > 1 && danglingEnd[Normalize(strings.TrimRight(words[n-1], "،,;؛:"))] {
		n--
	}
	if n == 0 {
		return CutAtClause(h, budget) // one word longer than the budget
	}
	return strings.TrimRight(strings.Join(words[:n], " "), " ،,;؛:-–—") + ellipsis
}

func readable(prefix string, minWords int) bool {
	words := strings.Fields(strings.TrimRight(prefix, " ،,;؛:-–—"))
	return len(words) >= minWords && !danglingEnd[Normalize(words[len(words)-1])]
}
