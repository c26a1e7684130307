package news

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// StripControls removes what makes text act on a terminal or read in a
// different order than written: escape sequences whole (CSI "ESC [ … m",
// OSC "ESC ] … BEL" such as hyperlinks and window titles, their C1 forms
// U+009B/U+009D and the other string controls), every other C0 and C1
// control except line feed and tab, and the bidi embeddings and overrides
// U+202A–U+202E. Bidi isolates (U+2066–U+2069) and the marks LRM, RLM and
// ALM stay: Arabic text mixed with Latin needs them. Invalid UTF-8 bytes
// are dropped too.
//
// Written by hand: the ANSI libraries in reach either strip only SGR colour
// codes or pull in a terminal toolkit, and the bidi overrides are not
// terminal sequences at all.
func StripControls(s string) string {
	if !hasControls(s) {
		return s // the common case: no allocation
	}
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == 0x1b:
			i += escapeLen(s[i:])
		case r == 0x9b: // C1 CSI
			i += n + csiLen(s[i+n:])
		case r == 0x90 || r == 0x98 || r == 0x9d || r == 0x9e || r == 0x9f: // C1 DCS, SOS, OSC, PM, APC
			i += n + stringLen(s[i+n:])
		case dropRune(r) || (r == utf8.RuneError && n == 1):
			i += n // an invalid byte too: with an escape gone it could join its neighbour into a control
		default:
			b.WriteString(s[i : i+n])
			i += n
		}
	}
	return b.String()
}

func hasControls(s string) bool {
	for _, r := range s {
		if r == 0x1b || (r >= 0x80 && r <= 0x9f) || r == utf8.RuneError || dropRune(r) {
			return true
		}
	}
	return false
}

// dropRune reports a lone character StripControls removes.
func dropRune(r rune) bool {
	return (unicode.IsControl(r) && r != '\n' && r != '\t') || (r >= 0x202a && r <= 0x202e)
}

// escapeLen is the byte length of the escape sequence opening s (s[0] is
// ESC): CSI, a string control up to its terminator, or ESC with its
// intermediate and final bytes. A lone ESC is one byte.
func escapeLen(s string) int {
	if len(s) < 2 {
		return len(s)
	}
	switch s[1] {
	case '[':
		return 2 + csiLen(s[2:])
	case ']', 'P', 'X', '^', '_':
		return 2 + stringLen(s[2:])
	}
	i := 1
	for i < len(s) && s[i] >= 0x20 && s[i] <= 0x2f {
		i++ // intermediate bytes
	}
	if i < len(s) && s[i] >= 0x30 && s[i] <= 0x7e {
		i++ // final byte
	}
	return i
}

// csiLen is the length of a CSI body: parameter and intermediate bytes up to
// and including the final byte; a malformed body ends before the first
// byte that cannot belong to it.
func csiLen(s string) int {
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c >= 0x40 && c <= 0x7e:
			return i + 1
		case c < 0x20 || c > 0x3f:
			return i
		}
	}
	return len(s)
}

// stringLen is the length of a string control's body up to and including
// its terminator (BEL, ESC \ or U+009C). An unterminated one ends at the
// line's end, so one stray ESC ] cannot swallow the rest of an article.
func stringLen(s string) int {
	for i := 0; i < len(s); i++ {
		switch {
		case s[i] == 0x07:
			return i + 1
		case s[i] == 0x1b && i+1 < len(s) && s[i+1] == '\\':
			return i + 2
		case strings.HasPrefix(s[i:], "\u009c"):
			return i + len("\u009c")
		case s[i] == '\n':
			return i
		}
	}
	return len(s)
}
