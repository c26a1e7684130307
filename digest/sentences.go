package digest

import (
	"strings"
	"unicode"
)

// Read-only tables and patterns (never written after package init).
var (
	// abbreviations whose trailing period does not end a sentence (lower-cased, without the final dot).
	abbreviations = wordSet(`mr mrs ms dr prof st jr sr gen gov sen rep col lt sgt capt cmdr adm
		inc ltd co corp bros vs etc no nos fig al approx dept est vol jan feb mar apr jun jul aug sep
		sept oct nov dec mt ft rev hon pres u.s u.k u.n e.g i.e a.m p.m d.c`)
)

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
