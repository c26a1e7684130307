package digest

import (
	"regexp"
	"strings"
	"unicode"
)

// Read-only tables and patterns (never written after package init).
var (
	// abbreviations whose trailing period does not end a sentence (lower-cased, without the final dot).
	abbreviations = wordSet(`mr mrs ms dr prof st jr sr gen gov sen rep col lt sgt capt cmdr adm
		inc ltd co corp bros vs etc no nos fig al approx dept est vol jan feb mar apr jun jul aug sep
		sept oct nov dec mt ft rev hon pres u.s u.k u.n e.g i.e a.m p.m d.c`)

	// latinDateline matches "WASHINGTON (Reuters) - ", "LONDON, March 3 (AP) — " at the start of text.
	latinDateline = regexp.MustCompile(`^\p{Lu}[\p{Lu}\p{Lu}.' ]{1,40}(?:,[^\n\-–—(]{1,30})?(?:\s*\([\p{L} .]{1,30}\))?\s*[-–—]{1,2}\s+`)
	// arabicDateline matches "بغداد - " or "تونس (رويترز) - ": one or two
	// words, an optional agency in parentheses, then a dash.
	arabicDateline = regexp.MustCompile(`^(?:\p{Arabic}+\s?){1,2}\s*(?:\([\p{Arabic} ]{1,20}\)\s*)?[-–—]\s*`)
	// notPlace: words that open a sentence, never a dateline («قال الوزير - …»).
	notPlace = regexp.MustCompile(`^(?:و|ف)?(?:قال|قالت|أكد|أكدت|أعلن|أعلنت|ذكر|ذكرت|أفاد|أفادت|هذا|هذه|كان|كانت|إن|أن|لكن|ثم)\s`)
	// boilerplate lines: read-more links, social calls to action, copyright lines.
	// byline and photo-credit lines are short lines of their own (see isBoilerplate).
	boilerplate = regexp.MustCompile(`(?i)^\s*(?:read more|read also|see also|related:|click here|follow us|share this|subscribe|copyright|©|all rights reserved|اقرأ أيضا|اقرأ ايضا|إقرأ أيضا|اقرأ المزيد|للمزيد|تابعونا|شاهد أيضا|شاهد ايضا|اضغط هنا)`)
)

// CleanText removes what is not article prose: a leading dateline (a first
// line such as «بغداد-», or an inline "WASHINGTON (Reuters) - "), boilerplate
// lines ("Read more…", «اقرأ أيضا») and blank lines. It returns the cleaned
// text and the dateline place it found, if any.
func CleanText(text string) (clean, place string) {
	lines := strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n")
	kept := make([]string, 0, len(lines))
	for _, ln := range lines {
		ln = strings.TrimSpace(ln)
		if ln == "" || isBoilerplate(ln) {
			continue
		}
		if len(kept) == 0 && place == "" {
			var p string
			if ln, p = stripDateline(ln); p != "" {
				place = p
				if ln == "" {
					continue
				}
			}
		}
		kept = append(kept, ln)
	}
	return strings.Join(kept, "\n"), place
}

// creditLine starts byline and photo-credit lines; isBoilerplate also wants
// them short and without a sentence end, so "By Monday, talks had failed."
// stays.
var creditLine = regexp.MustCompile(`(?i)^(?:by|photo:|image:|image caption|getty images|reuters/|بقلم|تصوير|صورة:|المصدر:)\s*`)

// isBoilerplate reports lines that are not article prose: read-more links,
// calls to action, copyright, and short byline or photo-credit lines
// ("By Jane Doe, BBC News", «بقلم: …», "Photo: Reuters").
func isBoilerplate(ln string) bool {
	if boilerplate.MatchString(ln) {
		return true
	}
	return creditLine.MatchString(ln) && len([]rune(ln)) <= 60 && !strings.ContainsAny(ln, ".!?؟")
}

// stripDateline removes a dateline at the start of the first line: the whole
// line when it is a short place ending in a dash («بغداد-»), or an inline
// prefix. It returns the rest and the place.
func stripDateline(ln string) (rest, place string) {
	trimmed := strings.TrimRight(ln, " -–—")
	if trimmed != ln && len([]rune(trimmed)) <= 30 && len(strings.Fields(trimmed)) <= 3 {
		return "", trimmed
	}
	for _, re := range []*regexp.Regexp{latinDateline, arabicDateline} {
		if m := re.FindString(ln); m != "" && len(m) < len(ln) && !notPlace.MatchString(m) {
			p := strings.TrimSpace(strings.TrimRight(strings.TrimSpace(m), "-–—"))
			if i := strings.IndexAny(p, ",("); i > 0 {
				p = strings.TrimSpace(p[:i])
			}
			return strings.TrimSpace(ln[len(m):]), p
		}
	}
	return ln, ""
}

// Sentences splits text into sentences. Ends are . ! ? ؟ … (with closing
// quotes and brackets kept on the sentence) and line breaks; the Arabic comma
// ، and semicolon ؛ are not ends, nor are the periods of abbreviations
// ("U.S.", "Mr."), initials, decimals ("3.5") or a period followed by a
// lower-case word.
func Sentences(text string) []string {
	var out []string
	for _, line := range strings.Split(text, "\n") {
		out = appendLineSentences(out, []rune(line))
	}
	return out
}

func appendLineSentences(out []string, rs []rune) []string {
	start := 0
	for i := 0; i < len(rs); i++ {
		if !isTerminator(rs[i]) {
			continue
		}
		end := i + 1
		for end < len(rs) && (isTerminator(rs[end]) || isCloser(rs[end])) {
			end++
		}
		if end < len(rs) && !unicode.IsSpace(rs[end]) {
			i = end - 1
			continue // "3.5", "U.S.-led", "example.com"
		}
		if rs[i] == '.' && !periodEnds(rs, start, i, end) {
			i = end - 1
			continue
		}
		out = appendTrimmed(out, rs[start:end])
		start, i = end, end-1
	}
	return appendTrimmed(out, rs[start:])
}

func appendTrimmed(out []string, rs []rune) []string {
	if s := strings.TrimSpace(string(rs)); s != "" {
		return append(out, s)
	}
	return out
}

func isTerminator(r rune) bool {
	return r == '.' || r == '!' || r == '?' || r == '؟' || r == '…'
}

func isCloser(r rune) bool {
	return strings.ContainsRune(`"'”’»)]`, r)
}

// periodEnds decides whether the period at dot ends a sentence: not after an
// abbreviation or a single initial, and not when the next word starts lower-case.
func periodEnds(rs []rune, start, dot, end int) bool {
	w := dot
	for w > start && !unicode.IsSpace(rs[w-1]) && !strings.ContainsRune(`("'“‘«[`, rs[w-1]) {
		w--
	}
	word := strings.ToLower(string(rs[w:dot]))
	if abbreviations[word] {
		return false
	}
	if n := []rune(word); len(n) == 1 && unicode.IsLetter(n[0]) && n[0] < 0x250 {
		return false // initial: "J. Smith"
	}
	next := end
	for next < len(rs) && unicode.IsSpace(rs[next]) {
		next++
	}
	return next >= len(rs) || !unicode.IsLower(rs[next])
}
