package digest

import (
	"testing"
	"unsafe"
)

// within reports whether s's bytes lie inside text's.
func within(s, text string) bool {
	if s == "" || text == "" {
		return false
	}
	p, t := uintptr(unsafe.Pointer(unsafe.StringData(s))), uintptr(unsafe.Pointer(unsafe.StringData(text)))
	return p >= t && p < t+uintptr(len(text))
}

// Sentences are substrings of the article's text; the engine's cache keeps
// forms for thousands of articles, so a form's summary and derived title
// must be copies, or each would keep its whole article alive.
func TestFormKeepsNoTextAlive(t *testing.T) {
	e, err := NewEngine(Config{})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct{ name, title, text string }{
		{"one sentence, derived title", "", "The council passed the city budget after a six-hour debate on Monday night"},
		{"titled, short lead", "Budget passed", "The council passed the budget.\nMembers voted seven to two after a long debate."},
		{"arabic", "", "قالت مصادر عراقية إن قوات التحالف ستبدأ الانسحاب من قواعدها في البلاد"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := Article{Title: tt.title, Text: tt.text}
			f := e.prepare(newStemmer(), a)
			if f.summary == "" {
				t.Fatal("no summary")
			}
			for what, s := range map[string]string{"summary": f.summary, "title": f.title, "memo summary": f.memo.summary} {
				if within(s, a.Text) {
					t.Errorf("the form's %s %q shares the article's text", what, s)
				}
			}
		})
	}
}
