package digest

import (
	"reflect"
	"slices"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

func TestNormalize(t *testing.T) {
	tests := []struct{ in, want string }{
		{"الشَّرْقُ الأَوْسَط", "الشرق الاوسط"}, // tashkeel gone, أ → ا
		{"إسرائيل وآسيا", "اسرائيل واسيا"},      // إ آ → ا; ئ is a letter of its own
		{"مدرسةٌ كبرى", "مدرسه كبري"},           // ة → ه, ى → ي
		{"العـــراق", "العراق"},                 // tatweel
		{"٢٠٢٤ و۱۲", "2024 و12"},                // Arabic-Indic and Persian digits
		{"Iraq\u200f's U.S.", "iraq's u.s."},    // RLM dropped, lower-cased
		{"", ""},
	}
	for _, tt := range tests {
		if got := Normalize(tt.in); got != tt.want {
			t.Errorf("Normalize(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestTermsAndStems(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"العراق والعراق بالعراق للعراق", []string{"عراق", "عراق", "عراق", "عراق"}},
		{"في العراق من أجل", []string{"عراق", "اجل"}}, // stop words out
		{"The Iraqis' talks were running", []string{"iraqi", "talk", "run"}},
		{"2024 و 12", nil}, // numbers and one-letter words are not terms
	}
	for _, tt := range tests {
		if got := Terms(tt.in); !reflect.DeepEqual(got, tt.want) && !(len(got) == 0 && len(tt.want) == 0) {
			t.Errorf("Terms(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestSentences(t *testing.T) {
	tests := []struct {
		name, in string
		want     []string
	}{
		{"english with abbreviations and decimals",
			"Mr. Smith went to the U.S. on Monday. He paid $3.5bn for it! Did he? Yes.",
			[]string{"Mr. Smith went to the U.S. on Monday.", "He paid $3.5bn for it!", "Did he?", "Yes."}},
		{"quotes stay with their sentence",
			`"We will win," he said. "The end." Then silence.`,
			[]string{`"We will win," he said.`, `"The end."`, "Then silence."}},
		{"arabic question mark and commas",
			"هل ينسحب التحالف؟ قالت المصادر، وفق رويترز، إن الانسحاب سيبدأ؛ ولم تحدد موعدا. انتهى",
			[]string{"هل ينسحب التحالف؟", "قالت المصادر، وفق رويترز، إن الانسحاب سيبدأ؛ ولم تحدد موعدا.", "انتهى"}},
		{"line breaks end sentences",
			"العنوان بلا نقطة\nالفقرة الأولى.",
			[]string{"العنوان بلا نقطة", "الفقرة الأولى."}},
		{"initials and lower-case continuation",
			"J. K. Rowling spoke at 5 p.m. on Friday. Some fruits, e.g. apples, are red. Prices rose 2.5 per cent.",
			[]string{"J. K. Rowling spoke at 5 p.m. on Friday.", "Some fruits, e.g. apples, are red.", "Prices rose 2.5 per cent."}},
		{"ellipsis and guillemets",
			"قال «انتهى الأمر.» ثم غادر… وعاد لاحقا.",
			[]string{"قال «انتهى الأمر.»", "ثم غادر…", "وعاد لاحقا."}},
		{"empty", " \n ", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Sentences(tt.in); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Sentences(%q) =\n%q\nwant\n%q", tt.in, got, tt.want)
			}
		})
	}
}

func TestCleanText(t *testing.T) {
	tests := []struct {
		name, in, want, place string
	}{
		{"arabic dateline line", "بغداد-\nقالت مصادر إن القوات ستنسحب.", "قالت مصادر إن القوات ستنسحب.", "بغداد"},
		{"arabic inline dateline with agency", "تونس (رويترز) - قال الوزير إن الإصلاح سيستمر.", "قال الوزير إن الإصلاح سيستمر.", "تونس"},
		{"reuters dateline", "WASHINGTON (Reuters) - The U.S. said on Friday it would act.", "The U.S. said on Friday it would act.", "WASHINGTON"},
		{"dateline with date", "LONDON, March 3 (AP) — Shares fell.", "Shares fell.", "LONDON"},
		{"boilerplate lines", "Prices rose.\nRead more: markets today\nاقرأ أيضا: أخبار أخرى\n\nThey fell later.", "Prices rose.\nThey fell later.", ""},
		{"byline and credits", "By Jane Doe, BBC News\nبقلم: أحمد علي\nPhoto: Reuters\nBy Monday, talks had failed.", "By Monday, talks had failed.", ""},
		{"ordinary first line kept", "The minister said - in a long speech - that talks would go on.", "The minister said - in a long speech - that talks would go on.", ""},
		{"arabic speech with dash kept", "قال الوزير - وهو غاضب - إن المحادثات ستستمر.", "قال الوزير - وهو غاضب - إن المحادثات ستستمر.", ""},
		{"arabic dateline with agency after dash", "القاهرة - قال مسؤولون مصريون إن المعبر سيفتح غدا.", "قال مسؤولون مصريون إن المعبر سيفتح غدا.", "القاهرة"},
		{"arabic sentence with dash kept", "قال الوزير في مؤتمر صحفي عقده اليوم - وهو غاضب - إن المحادثات ستستمر.", "قال الوزير في مؤتمر صحفي عقده اليوم - وهو غاضب - إن المحادثات ستستمر.", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, place := CleanText(tt.in)
			if got != tt.want || place != tt.place {
				t.Errorf("CleanText = %q, %q; want %q, %q", got, place, tt.want, tt.place)
			}
		})
	}
}

func TestUTF16Len(t *testing.T) {
	tests := []struct {
		s    string
		want int
	}{{"abc", 3}, {"عربي", 4}, {"😀", 2}, {"a😀b", 4}, {"\xff", 1}}
	for _, tt := range tests {
		if got := UTF16Len(tt.s); got != tt.want {
			t.Errorf("UTF16Len(%q) = %d, want %d", tt.s, got, tt.want)
		}
	}
}

func TestSplitHTML(t *testing.T) {
	in := `<b>bold ` + strings.Repeat("word ", 30) + `</b> and <a href="https://x.org/?a=1&amp;b=2">link ` + strings.Repeat("😀 ", 20) + `</a> &amp; tail`
	for _, limit := range []int{60, 100, 1000} {
		chunks := SplitHTML(in, limit)
		var text strings.Builder
		for _, c := range chunks {
			if n := UTF16Len(c); n > limit {
				t.Errorf("limit %d: chunk of %d units: %q", limit, n, c)
			}
			checkBalanced(t, c)
			if !utf8.ValidString(c) {
				t.Errorf("invalid UTF-8 in %q", c)
			}
			text.WriteString(plainText(c))
		}
		if text.String() != plainText(in) {
			t.Errorf("limit %d: text changed:\n%q\n%q", limit, text.String(), plainText(in))
		}
	}
}

// wordsByDefinition is what Words is defined as: Normalize, then a split at
// every rune that is neither a letter, a digit nor a non-spacing mark.
func wordsByDefinition(s string) []string {
	return strings.FieldsFunc(Normalize(s), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r) && !unicode.Is(unicode.Mn, r)
	})
}

// Words folds through a table; on every rune, alone and between letters,
// it must split as its definition does.
func TestWordsEveryRune(t *testing.T) {
	for r := rune(0); r <= unicode.MaxRune+1; r++ {
		for _, s := range []string{string(r), "a" + string(r) + "b", "ب" + string(r) + " 1"} {
			if got, want := Words(s), wordsByDefinition(s); !slices.Equal(got, want) {
				t.Fatalf("Words(%q) = %q, by definition %q", s, got, want)
			}
		}
	}
}
