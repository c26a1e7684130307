package digest

import (
	"strings"
	"unicode"
	"unicode/utf8"
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
// lower-case word. Invalid UTF-8 bytes come out as U+FFFD. The sentences
// are substrings of text (of its valid copy): the engine splits every
// article, and a copy per sentence was a third of the split's cost.
func Sentences(text string) []string {
	return appendSentences(nil, text)
}

// appendSentences appends the sentences of text (Sentences) to out.
func appendSentences(out []string, text string) []string {
	if !utf8.ValidString(text) {
		text = string([]rune(text)) // each invalid byte becomes U+FFFD
	}
	for line := range strings.SplitSeq(text, "\n") {
		out = appendLineSentences(out, line)
	}
	return out
}

// appendLineSentences appends the sentences of one line (valid UTF-8) to
// out. It walks the line's bytes, decoding a rune only where a sentence
// end may start (mayEnd).
func appendLineSentences(out []string, line string) []string {
	start := 0
	for i := 0; i < len(line); {
		if !mayEnd(line, i) {
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(line[i:])
		if !isTerminator(r) {
			i += size
			continue
		}
		end := i + size
		for end < len(line) {
			next, n := utf8.DecodeRuneInString(line[end:])
			if !isTerminator(next) && !isCloser(next) {
				break
			}
			end += n
		}
		if next, _ := utf8.DecodeRuneInString(line[end:]); end < len(line) && !unicode.IsSpace(next) {
			i = end
			continue // "3.5", "U.S.-led", "example.com"
		}
		if r == '.' && !periodEnds(line, start, i, end) {
			i = end
			continue
		}
		out = appendTrimmed(out, line[start:end])
		start, i = end, end
	}
	return appendTrimmed(out, line[start:])
}

func appendTrimmed(out []string, s string) []string {
	if s = strings.TrimSpace(s); s != "" {
		return append(out, s)
	}
	return out
}

// mayEnd reports whether line[i] may start a sentence end
// (isTerminator): it is '.', '!', '?', or the first byte of '؟' (D8 9F)
// or '…' (E2 80 A6) followed by the rest of it. Those first bytes are
// never inside a rune, so a scan that steps over every other byte meets
// each rune that ends a sentence at its start; D8 also begins half of the
// Arabic letters, so the byte after it is looked at too rather than the
// rune decoded.
func mayEnd(line string, i int) bool {
	switch line[i] {
	case '.', '!', '?':
		return true
	case 0xD8:
		return i+1 < len(line) && line[i+1] == 0x9F
	case 0xE2:
		return i+2 < len(line) && line[i+1] == 0x80 && line[i+2] == 0xA6
	}
	return false
}

func isTerminator(r rune) bool {
	return r == '.' || r == '!' || r == '?' || r == '؟' || r == '…'
}

func isCloser(r rune) bool {
	return strings.ContainsRune(`"'”’»)]`, r)
}

// periodEnds decides whether the period at byte dot of line ends a sentence
// (start and end are the byte offsets of the sentence's start and of what
// follows the period's marks): not after an abbreviation or a single
// initial, and not when the next word starts lower-case.
func periodEnds(line string, start, dot, end int) bool {
	w := dot
	for w > start {
		r, n := utf8.DecodeLastRuneInString(line[start:w])
		if unicode.IsSpace(r) || strings.ContainsRune(`("'“‘«[`, r) {
			break
		}
		w -= n
	}
	word := strings.ToLower(line[w:dot])
	if abbreviations[word] {
		return false
	}
	if r, n := utf8.DecodeRuneInString(word); n == len(word) && n > 0 && unicode.IsLetter(r) && r < 0x250 {
		return false // initial: "J. Smith"
	}
	rest := strings.TrimLeftFunc(line[end:], unicode.IsSpace)
	next, _ := utf8.DecodeRuneInString(rest)
	return rest == "" || !unicode.IsLower(next)
}
