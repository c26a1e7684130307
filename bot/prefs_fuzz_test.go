package bot

import (
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

// FuzzSplitQuoted: whatever a user types after /subscribe, every word is
// non-empty and trimmed, carries no isolate, and an unquoted word holds no
// separator; nothing typed outside quotes and separators is lost.
func FuzzSplitQuoted(f *testing.F) {
	for _, s := range []string{`politics iraq -football "oil price"`, "«النفط» سياسة، رياضة", "\u2068sports\u2069", `"unclosed phrase`, `a,,b  "" c`, "“curly” quotes"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		kept := 0
		for _, w := range splitQuoted(s) {
			if w.text == "" || w.text != strings.TrimSpace(w.text) || strings.ContainsAny(w.text, "\u2068\u2069") {
				t.Fatalf("word %q from %q", w.text, s)
			}
			if !w.quoted && strings.ContainsFunc(w.text, func(r rune) bool { return unicode.IsSpace(r) || r == ',' || r == '،' }) {
				t.Fatalf("unquoted word %q holds a separator (from %q)", w.text, s)
			}
			kept += utf8.RuneCountInString(w.text) // invalid bytes come back as U+FFFD: count runes
		}
		if kept > utf8.RuneCountInString(s) {
			t.Fatalf("words longer than the input %q", s)
		}
	})
}
