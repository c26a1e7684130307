package digest

import (
	"testing"
	"unicode/utf8"
)

// TestStopWordListsKeepToTheirScript holds the lists to what isStopWord
// relies on: it looks an ASCII-led word up in the English list only and
// any other word in the Arabic list only.
func TestStopWordListsKeepToTheirScript(t *testing.T) {
	for w := range englishStopWords {
		if w == "" || w[0] >= utf8.RuneSelf {
			t.Errorf("English stop word %q does not begin with an ASCII byte", w)
		}
	}
	for w := range arabicStopWords {
		if w == "" || w[0] < utf8.RuneSelf {
			t.Errorf("Arabic stop word %q begins with an ASCII byte", w)
		}
	}
}

func TestIsStopWord(t *testing.T) {
	for _, c := range []struct {
		w    string
		want bool
	}{
		{"", true}, {"a", true}, {"x", true}, {"و", true}, {"é", true},
		{"the", true}, {"في", true}, {"وفي", true},
		{"bomb", false}, {"انفجار", false}, {"ab", false}, {"قم", false},
	} {
		if got := isStopWord(c.w); got != c.want {
			t.Errorf("isStopWord(%q) = %v, want %v", c.w, got, c.want)
		}
	}
}
