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

// htmlToken is one indivisible piece of Telegram HTML: a tag, an entity, or
// a run of text ending after whitespace (a word and its trailing space).
type htmlToken struct {
	s       string
	units   int
	tag     string // element name for tags ("b", "/b"); "" otherwise
	dropped bool   // an opening tag SplitHTML leaves out (see addOpener)
}

// SplitHTML splits Telegram HTML into chunks of at most limit UTF-16 units.
// It breaks after whitespace when it can, never inside a tag, an entity or a
// surrogate pair, closes the tags open at the end of a chunk and reopens them
// at the start of the next, so every chunk is well formed and the text of
// the chunks, concatenated, is the text of s. Every chunk shows text: a
// chunk that would hold only tags and whitespace (which Telegram refuses) is
// not emitted. Open tags never take more than half a chunk: an opening tag
// that would (a link to a 4 KB URL) is left out with its closing tag, its
// text kept, so there is always room for text. limit must be at least a few
// dozen units; Telegram's 4096 is.
func SplitHTML(s string, limit int) []string {
	sp := splitter{limit: limit}
	for _, tok := range tokenizeHTML(s) {
		sp.add(tok)
	}
	if sp.visible {
		sp.closeOpen()
		sp.chunks = append(sp.chunks, sp.cur.String())
	}
	return sp.chunks
}

// splitter is the state of one SplitHTML call.
type splitter struct {
	limit   int
	chunks  []string
	cur     strings.Builder
	curLen  int
	visible bool        // cur holds text other than whitespace
	open    []htmlToken // open tags, outermost first
}

func (sp *splitter) add(tok htmlToken) {
	switch {
	case tok.tag == "":
		sp.addText(tok)
	case strings.HasPrefix(tok.tag, "/"):
		sp.addCloser(tok)
	default:
		sp.addOpener(tok)
	}
}

// addOpener writes an opening tag, or leaves it out when the open tags with
// it would take more than half a chunk.
func (sp *splitter) addOpener(tok htmlToken) {
	cost := tok.units + len(tok.tag) + 3 // the tag and its closer
	if openersLen(sp.open)+closersLen(sp.open)+cost > sp.limit/2 {
		tok.dropped = true
		sp.open = append(sp.open, tok)
		return
	}
	if sp.curLen+cost+closersLen(sp.open) > sp.limit {
		sp.flush()
	}
	sp.write(tok.s, tok.units)
	sp.open = append(sp.open, tok)
}

// addCloser writes a closing tag (its room is reserved by closersLen), or
// leaves it out when its opening tag was left out or was never opened.
func (sp *splitter) addCloser(tok htmlToken) {
	name := tok.tag[1:]
	for i := len(sp.open) - 1; i >= 0; i-- {
		if sp.open[i].tag != name {
			continue
		}
		if !sp.open[i].dropped {
			sp.write(tok.s, tok.units)
		}
		sp.open = append(sp.open[:i:i], sp.open[i+1:]...)
		return
	}
}

// addText writes text or an entity; a word longer than a whole chunk is
// split by runes.
func (sp *splitter) addText(tok htmlToken) {
	if sp.curLen+tok.units+closersLen(sp.open) > sp.limit {
		sp.flush()
	}
	if sp.curLen+tok.units+closersLen(sp.open) <= sp.limit {
		sp.writeText(tok.s, tok.units)
		return
	}
	for _, part := range splitRunes(tok.s, sp.limit-openersLen(sp.open)-closersLen(sp.open)) {
		n := UTF16Len(part)
		if sp.curLen+n+closersLen(sp.open) > sp.limit {
			sp.flush()
		}
		sp.writeText(part, n)
	}
}

func (sp *splitter) write(s string, units int) {
	sp.cur.WriteString(s)
	sp.curLen += units
}

func (sp *splitter) writeText(s string, units int) {
	sp.write(s, units)
	sp.visible = sp.visible || strings.TrimSpace(s) != ""
}

// flush ends the current chunk, closing the open tags, and starts the next
// one with them reopened. A chunk showing no text is not emitted: its tags
// are reopened in the next one, only whitespace is lost.
func (sp *splitter) flush() {
	if sp.visible {
		sp.closeOpen()
		sp.chunks = append(sp.chunks, sp.cur.String())
	}
	sp.cur.Reset()
	sp.curLen, sp.visible = 0, false
	for _, t := range sp.open {
		if !t.dropped {
			sp.write(t.s, t.units)
		}
	}
}

func (sp *splitter) closeOpen() {
	for i := len(sp.open) - 1; i >= 0; i-- {
		if !sp.open[i].dropped {
			sp.cur.WriteString("</" + sp.open[i].tag + ">")
		}
	}
}

func closersLen(open []htmlToken) int {
	n := 0
	for _, t := range open {
		if !t.dropped {
			n += len(t.tag) + 3
		}
	}
	return n
}

func openersLen(open []htmlToken) int {
	n := 0
	for _, t := range open {
		if !t.dropped {
			n += t.units
		}
	}
	return n
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
