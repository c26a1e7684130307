package digest

import (
	"slices"
	"strings"
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

// The story memo is made from the words prepare split (the headline's and
// the summary's sentences'); it must be what the story's title and summary
// give when split afresh, whether the summary is one sentence, two joined
// or one cut to the budget.
func TestMemoIsTheSummarysWords(t *testing.T) {
	e, err := NewEngine(Config{SummaryBudget: 120})
	if err != nil {
		t.Fatal(err)
	}
	long := strings.Repeat("The storm closed every road along the coast, ", 6) + "and schools shut."
	tests := []struct{ name, title, text string }{
		{"one sentence", "Gold prices rise on Monday", "Gold prices rose sharply on Monday as the dollar fell against the euro."},
		{"two sentences joined", "Talks", "Talks resumed in Geneva today.\nThe two delegations met for a third round on Monday."},
		{"cut to the budget", "Storm", long},
		{"arabic with marks", "ارتفاع أسعار الذهب", "ارتفعت أسعارُ الذهبِ اليوم. وقال متعاملون إن الدولار تراجع أمام اليورو في التعاملات."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := e.prepare(newStemmer(), Article{Title: tt.title, Text: tt.text})
			if f.summary == "" {
				t.Fatal("no summary")
			}
			m := f.memo
			if !slices.Equal(m.dup, dupHashes(f.title, f.summary)) {
				t.Errorf("memo words of %q / %q differ from a fresh split", f.title, f.summary)
			}
			if m.service != serviceKindOf(f.title) || !slices.Equal(m.terms, headlineTerms(f.title, -1)) {
				t.Errorf("memo %+v differs from a fresh derivation of %q", m, f.title)
			}
		})
	}
}
