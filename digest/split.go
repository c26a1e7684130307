package digest

import (
	"strings"
	"unicode/utf16"
)

// UTF16Len is the length of s in UTF-16 code units, the unit of Telegram's
// limits. Each invalid UTF-8 byte counts as one unit (it would travel as
// U+FFFD).
func UTF16Len(s string) int {
	n := 0
	for _, r := range s {
		n += utf16.RuneLen(r) // range yields U+FFFD (1 unit) for an invalid byte
	}
	return n
}

// packBlocks joins blocks with blank lines into as few messages of at most
// limit UTF-16 units as possible, breaking only between blocks; a block that
// alone exceeds the limit is split by SplitHTML.
func packBlocks(blocks []string, limit int) []string {
	var msgs []string
	cur, curLen := "", 0
	flush := func() {
		if cur != "" {
			msgs = append(msgs, cur)
		}
		cur, curLen = "", 0
	}
	for _, b := range blocks {
		bl := UTF16Len(b)
		switch {
		case bl > limit:
			flush()
			msgs = append(msgs, SplitHTML(b, limit)...)
		case cur == "":
			cur, curLen = b, bl
		case curLen+2+bl <= limit:
			cur, curLen = cur+"\n\n"+b, curLen+2+bl
		default:
			flush()
			cur, curLen = b, bl
		}
	}
	flush()
	return msgs
}

// htmlToken is one indivisible piece of Telegram HTML: a tag, an entity, or
// a run of text ending after whitespace (a word and its trailing space).
type htmlToken struct {
	s     string
	units int
	tag   string // element name for tags ("b", "/b"); "" otherwise
}

// SplitHTML splits Telegram HTML into chunks of at most limit UTF-16 units.
// It breaks after whitespace when it can, never inside a tag, an entity or a
// surrogate pair, closes the tags open at the end of a chunk and reopens them
// at the start of the next, so every chunk is well formed and the text of
// the chunks, concatenated, is the text of s. limit must leave room for the
// longest opening tags (a few hundred units); Telegram's 4096 does.
func SplitHTML(s string, limit int) []string {
	sp := splitter{limit: limit}
	for _, tok := range tokenizeHTML(s) {
		sp.add(tok)
	}
	if sp.curLen > sp.openLen() {
		sp.chunks = append(sp.chunks, sp.cur.String())
	}
	return sp.chunks
}

// splitter is the state of one SplitHTML call.
type splitter struct {
	limit  int
	chunks []string
	cur    strings.Builder
	curLen int
	open   []htmlToken // open tags, outermost first
}

func (sp *splitter) add(tok htmlToken) {
	need := tok.units
	switch {
	case tok.tag == "":
	case strings.HasPrefix(tok.tag, "/"):
		need = 0 // its room is already reserved by closersLen
	default:
		need += len(tok.tag) + 3
	}
	if sp.curLen+need+closersLen(sp.open) > sp.limit {
		sp.flush()
	}
	if tok.tag == "" && sp.curLen+need+closersLen(sp.open) > sp.limit {
		// a word longer than a whole chunk: split it by runes
		for _, part := range splitRunes(tok.s, sp.limit-sp.openLen()-closersLen(sp.open)) {
			if sp.curLen+UTF16Len(part)+closersLen(sp.open) > sp.limit {
				sp.flush()
			}
			sp.cur.WriteString(part)
			sp.curLen += UTF16Len(part)
		}
		return
	}
	sp.cur.WriteString(tok.s)
	sp.curLen += tok.units
	sp.open = trackTag(sp.open, tok)
}

// flush ends the current chunk, closing the open tags, and starts the next
// one with them reopened. A chunk holding only reopened tags is not emitted.
func (sp *splitter) flush() {
	if sp.curLen > sp.openLen() {
		for i := len(sp.open) - 1; i >= 0; i-- {
			sp.cur.WriteString("</" + sp.open[i].tag + ">")
		}
		sp.chunks = append(sp.chunks, sp.cur.String())
	}
	sp.cur.Reset()
	sp.curLen = 0
	for _, t := range sp.open {
		sp.cur.WriteString(t.s)
		sp.curLen += t.units
	}
}

func (sp *splitter) openLen() int { return openersLen(sp.open) }

func closersLen(open []htmlToken) int {
	n := 0
	for _, t := range open {
		n += len(t.tag) + 3
	}
	return n
}

func openersLen(open []htmlToken) int {
	n := 0
	for _, t := range open {
		n += t.units
	}
	return n
}

// trackTag updates the stack of open tags with one token.
func trackTag(open []htmlToken, tok htmlToken) []htmlToken {
	switch {
	case tok.tag == "":
		return open
	case strings.HasPrefix(tok.tag, "/"):
		name := tok.tag[1:]
		for i := len(open) - 1; i >= 0; i-- {
			if open[i].tag == name {
				return append(open[:i:i], open[i+1:]...)
			}
		}
		return open
	}
	return append(open, tok)
}

// splitRunes cuts s into pieces of at most n UTF-16 units at rune boundaries
// (a surrogate pair is one rune, so it is never split).
func splitRunes(s string, n int) []string {
	if n < 2 {
		n = 2
	}
	var out []string
	start, units := 0, 0
	for i, r := range s {
		u := utf16.RuneLen(r) // never -1: range yields U+FFFD for invalid bytes
		if units+u > n {
			out = append(out, s[start:i])
			start, units = i, 0
		}
		units += u
	}
	return append(out, s[start:])
}

// tokenizeHTML cuts Telegram HTML into tags, entities and words. Text that
// is not a well-formed tag or entity ("a < b") is kept as text.
func tokenizeHTML(s string) []htmlToken {
	var toks []htmlToken
	for len(s) > 0 {
		n, tag := nextToken(s)
		toks = append(toks, htmlToken{s: s[:n], units: UTF16Len(s[:n]), tag: tag})
		s = s[n:]
	}
	return toks
}

// nextToken returns the byte length of the token at the start of s and, for
// a tag, its name ("b", "/a").
func nextToken(s string) (int, string) {
	switch s[0] {
	case '<':
		if end := strings.IndexByte(s, '>'); end > 1 {
			if name := tagName(s[1:end]); name != "" {
				return end + 1, name
			}
		}
	case '&':
		if end := strings.IndexByte(s, ';'); end > 1 && end <= 8 && isEntityName(s[1:end]) {
			return end + 1, ""
		}
	}
	return wordEnd(s), ""
}

func tagName(inner string) string {
	name := inner
	if i := strings.IndexAny(inner, " \t\n"); i >= 0 {
		name = inner[:i]
	}
	bare := strings.TrimPrefix(name, "/")
	if bare == "" || strings.ContainsAny(inner, "<") {
		return ""
	}
	for _, r := range bare {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-') {
			return ""
		}
	}
	return name
}

func isEntityName(s string) bool {
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '#') {
			return false
		}
	}
	return true
}

// wordEnd returns the length of the text run at the start of s: up to and
// including the whitespace after a word, stopping before '<' or '&'.
func wordEnd(s string) int {
	seenSpace := false
	for i, r := range s {
		if i > 0 && (r == '<' || r == '&') {
			return i
		}
		isSpace := r == ' ' || r == '\n' || r == '\t'
		if seenSpace && !isSpace {
			return i
		}
		seenSpace = seenSpace || isSpace
	}
	return len(s)
}
