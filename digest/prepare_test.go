package digest

import (
	"fmt"
	"slices"
	"testing"
)

// wholeTerms is what prepare must get from textTerms: the stems of the
// title and the whole text as given, split afresh (want), and the stems
// that textTerms' numbers name (got).
func wholeTerms(a Article) (got, want []string) {
	st := newStemmer()
	sents, paras := articleParagraphs(a)
	sents = stemSentences(st, sents)
	title := CleanTitle(a.Title)
	want = st.terms(title + "\n" + a.Text)
	got = slices.Clone(st.stemsOf(textTerms(st, newHeadline(st, title), a.Text, sents, paras)))
	return got, want
}

// The stems merging and topics read come from the sentences' split for
// the lines the cleaning kept as they were; they must be those of the
// whole text as given, clutter, datelines and repeated lines included.
func TestTextTermsAreTheWholeTextsStems(t *testing.T) {
	tests := []struct{ name, title, text, place string }{
		{"plain", "Council passes budget", "The council passed the budget. It took six hours!\nMembers voted 7 to 2.", ""},
		{"dateline and byline", "", "By Jane Doe\nLONDON (Reuters) - Talks resumed on Monday.\nMore talks are planned.", ""},
		{"arabic dateline line", "انسحاب التحالف", "بغداد-\nقالت مصادر عراقية إن القوات ستنسحب. وأضافت أن الموعد لم يحدد.", ""},
		{"place given", "", "بغداد - قالت مصادر إن القوات ستنسحب.\nوأضافت المصادر.", "بغداد"},
		{"hashtags and link", "", "وصل الوفد إلى #الرياض اليوم.\nالمزيد على الرابط التالي: https://example.com/x\n#عاجل #السعودية", ""},
		{"crlf", "", "First line here.\r\nSecond line there.", ""},
		{"spaces, marks and bidi", "عنوان", "  مَرْحَباً بِكُم\u200f في المدينة  \n\tسطر ثان.", ""},
		{"a line dropped then kept", "", "كتب - محمد علي\nنص الخبر الأول هنا.\nكتب - محمد علي\nكتب - محمد علي", ""},
		{"clutter lines", "", "Read more: other story\nPhoto: AP\nThe storm hit the coast at dawn.\n// انتهى //", ""},
		{"empty lines and invalid bytes", "", "\n\nA \xff broken line.\n\n", ""},
		{"empty", "", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got, want := wholeTerms(Article{Title: tt.title, Text: tt.text, Place: tt.place}); !slices.Equal(got, want) {
				t.Errorf("textTerms' numbers name %q\nwant                  %q", got, want)
			}
		})
	}
}

// The same on real articles of several outlets (datelines, bylines,
// teasers, hashtags as they come).
func TestTextTermsOnRealArticles(t *testing.T) {
	for _, f := range []string{"ar/saudinewsnet2015.jsonl", "ar/newscred2013.jsonl", "en/newscred2013.jsonl"} {
		for n, a := range sharedArticles(t, f, 600) {
			if got, want := wholeTerms(a); !slices.Equal(got, want) {
				t.Fatalf("%s line %d: textTerms differs from the whole text's stems:\n%q\n%q", f, n+1, got, want)
			}
		}
	}
}

func FuzzTextTerms(f *testing.F) {
	f.Add("Council passes budget", "By Jane Doe\nLONDON (Reuters) - Talks resumed.\nMore talks.", "")
	f.Add("", "بغداد-\nقالت مصادر إن القوات ستنسحب. وأضافت.\n#عاجل #السعودية", "")
	f.Add("", "كتب - محمد\nنص.\nكتب - محمد", "بغداد")
	f.Fuzz(func(t *testing.T, title, text, place string) {
		if got, want := wholeTerms(Article{Title: title, Text: text, Place: place}); !slices.Equal(got, want) {
			t.Errorf("textTerms(%q, %q, %q) names %q, want %q", title, text, place, got, want)
		}
	})
}

// A call's stemmer answers common words from a small memo in front of its
// words table (lookup), both by the word's hash. Over real articles, whose
// 100,000 distinct words collide in the memo's slots all the time and grow
// a table that starts at 16 slots many times over, every word must still
// get the entry a stemmer without the memo gives it, the entry it got the
// first time, one no other word has, and stem as Stem does.
func TestStemmerMemoGivesTheMapsEntries(t *testing.T) {
	memo, small, plain := stemmerFor(1000), stemmerFor(1), newStemmer()
	if len(memo.recent) != recentSlots || len(small.recent) != 256 || plain.recent != nil {
		t.Fatalf("memos of %d, %d and %d slots, want %d, 256 and none", len(memo.recent), len(small.recent), len(plain.recent), recentSlots)
	}
	first := map[string]int32{} // word → the entry it got first
	words := 0
	for _, f := range []string{"ar/saudinewsnet2015.jsonl", "ar/asnd2020.jsonl", "en/newscred2013.jsonl"} {
		for _, a := range sharedArticles(t, f, 1500) {
			for _, w := range Words(a.Title + "\n" + a.Text) {
				i, j, k := memo.entry(w), plain.entry(w), small.entry(w)
				if memo.stems[memo.entries[i].term] != Stem(w) || memo.entries[i] != plain.entries[j] || i != j || k != j {
					t.Fatalf("%s: word %q has entry %d %+v with the memo, %d %+v without", f, w, i, memo.entries[i], j, plain.entries[j])
				}
				if k, seen := first[w]; seen && k != i || !seen && int(i) != len(first) {
					t.Fatalf("%s: word %q has entry %d, first %d (seen %v), %d words before it", f, w, i, k, seen, len(first))
				}
				if _, seen := first[w]; !seen {
					first[w] = i
				}
				words++
			}
		}
	}
	if len(plain.words.slots) < 2*len(first) || plain.words.n != len(first) {
		t.Fatalf("the table has %d slots for %d words (%d filled)", len(plain.words.slots), len(first), plain.words.n)
	}
	if len(memo.entries) < 4*recentSlots {
		t.Fatalf("only %d distinct words in %d: the memo's slots were never contended", len(memo.entries), words)
	}
}

// prepare splits each article's sentences into the stemmer's scratch,
// which the next article overwrites: no form may keep any of it. Every
// form, printed right after it was made, must print the same once the
// same stemmer has prepared the following articles.
func TestPrepareKeepsNoScratch(t *testing.T) {
	e, err := NewEngine(Config{})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"ar/saudinewsnet2015.jsonl", "en/newscred2013.jsonl"} {
		arts := sharedArticles(t, f, 200)
		st := newStemmer()
		forms := make([]*form, len(arts))
		printed := make([]string, len(arts))
		for i, a := range arts {
			forms[i] = e.prepare(st, a)
			printed[i] = fmt.Sprintf("%+v", *forms[i])
		}
		for i := range arts {
			if now := fmt.Sprintf("%+v", *forms[i]); now != printed[i] {
				t.Fatalf("%s line %d: the form changed after later articles were prepared:\nwas %s\nnow %s", f, i+1, printed[i], now)
			}
		}
	}
}
