package digest

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzSplitHTML: article text wrapped in the tags the renderer uses, with
// a link of any length, is split into chunks that each fit the limit, show
// text, keep tags balanced and entities whole, and together hold the
// original text (only whitespace that alone would fill a chunk is dropped).
func FuzzSplitHTML(f *testing.F) {
	f.Add("قالت أربعة مصادر عراقية إن العراق يريد أن تبدأ قوات التحالف", 64, "https://x.org/?a=1&b=2")
	f.Add("Tom & Jerry <script> \"quoted\" 😀😀😀 end", 40, "https://x.org/"+strings.Repeat("a", 5000))
	f.Fuzz(func(t *testing.T, s string, limit int, href string) {
		limit = 80 + abs(limit)%4096
		k := len(s) / 2
		for k > 0 && !utf8.RuneStart(s[k]) {
			k--
		}
		in := "<b>" + EscapeHTML(s[:k]) + "</b>\n" + EscapeHTML(s[k:]) + `<a href="` + EscapeHTML(href) + `"><i>` + EscapeHTML(s) + "</i></a>"
		var text strings.Builder
		for _, c := range SplitHTML(in, limit) {
			if n := UTF16Len(c); n > limit {
				t.Fatalf("chunk of %d > %d units", n, limit)
			}
			if strings.TrimSpace(plainText(c)) == "" {
				t.Fatalf("chunk shows no text: %.200q", c)
			}
			checkBalanced(t, c)
			if utf8.ValidString(in) && !utf8.ValidString(c) {
				t.Fatalf("chunk cuts a rune: %q", c)
			}
			text.WriteString(plainText(c))
		}
		if got, want := strings.Fields(text.String()), strings.Fields(plainText(in)); !slices.Equal(got, want) {
			t.Fatalf("text changed:\n%q\n%q", text.String(), plainText(in))
		}
	})
}

// FuzzRenderHTML: whatever the article text, every message fits Telegram's
// limit, shows text and is well formed, and a digest takes at most
// MaxDigestMessages messages.
func FuzzRenderHTML(f *testing.F) {
	f.Add("عنوان", "ملخص الخبر", "Reuters", "https://reuters.com/a", 3)
	f.Add("<b>x</b>", strings.Repeat("& 😀 ", 2000), "", "javascript:alert(1)", 1)
	f.Fuzz(func(t *testing.T, title, summary, source, url string, n int) {
		n = 1 + abs(n)%30
		var stories []Story
		for i := range n {
			stories = append(stories, Story{ID: string(rune('a' + i)), Title: title, Summary: summary,
				Topics: []TopicScore{{ID: "world", Score: 1}}, Sources: []Source{{Name: source, URL: url}}})
		}
		for _, lang := range []string{"ar", "en"} {
			msgs := RenderHTML(Selection{Stories: stories, More: n}, RenderOptions{Lang: lang})
			if len(msgs) == 0 || len(msgs) > MaxDigestMessages {
				t.Fatalf("%d messages", len(msgs))
			}
			for _, m := range msgs {
				if u := UTF16Len(m); u > MaxMessageUTF16 || strings.TrimSpace(plainText(m)) == "" {
					t.Fatalf("message of %d units: %.200q", u, m)
				}
				checkBalanced(t, m)
			}
		}
	})
}

// FuzzRenderMoreHTML: a More page of any stories fits Telegram's limits,
// shows text, is well formed and links only http(s).
func FuzzRenderMoreHTML(f *testing.F) {
	f.Add("عنوان", "Reuters", "https://reuters.com/a", "sport", 3)
	f.Add("<a href=x>", "", "javascript:alert(1)", "", 40)
	f.Fuzz(func(t *testing.T, title, source, url, topic string, n int) {
		n = 1 + abs(n)%60
		var stories []Story
		for i := range n {
			stories = append(stories, Story{ID: fmt.Sprint(i), Title: title, LatestURL: url, Lang: "en",
				Topics: []TopicScore{{ID: topic + fmt.Sprint(i%3), Score: 1}}, Sources: []Source{{Name: source, URL: url}, {Name: "b"}}})
		}
		for _, lang := range []string{"ar", "en"} {
			msgs := RenderMoreHTML(stories, RenderOptions{Lang: lang})
			if len(msgs) == 0 || len(msgs) > MaxDigestMessages {
				t.Fatalf("%d messages", len(msgs))
			}
			for _, m := range msgs {
				if u := UTF16Len(m); u > MaxMessageUTF16 || strings.TrimSpace(plainText(m)) == "" {
					t.Fatalf("message of %d units: %.200q", u, m)
				}
				checkBalanced(t, m)
				if strings.Contains(m, `<a href="`) && !safeURL(url) {
					t.Fatalf("unsafe link %q rendered", url)
				}
			}
		}
	})
}

// FuzzSentences: the segmenter loses no text (only whitespace between
// sentences; invalid UTF-8 bytes come out as U+FFFD) and returns no empty
// sentence.
func FuzzSentences(f *testing.F) {
	f.Add("Mr. Smith paid $3.5bn. Then he left! Really? «نعم.» قال، ثم غادر؟ انتهى…")
	f.Add("U.S.-led forces... e.g. this\n\nبغداد-\n")
	f.Fuzz(func(t *testing.T, s string) {
		got := Sentences(s)
		for _, x := range got {
			if x == "" || x != strings.TrimSpace(x) {
				t.Fatalf("bad sentence %q", x)
			}
		}
		if squeeze(strings.Join(got, "")) != squeeze(string([]rune(s))) {
			t.Fatalf("text lost: %q → %q", s, got)
		}
	})
}

// FuzzNormalize: normalisation is idempotent, removes what it promises to
// remove, and every keyword matches itself.
func FuzzNormalize(f *testing.F) {
	f.Add("الشَّرْقُ الأَوْسَطُ والعـــراق ٢٠٢٤ Iraq's")
	f.Add("İSTANBUL ǅ ß ﷺ")
	f.Fuzz(func(t *testing.T, s string) {
		n := Normalize(s)
		if Normalize(n) != n {
			t.Fatalf("not idempotent: %q → %q → %q", s, n, Normalize(n))
		}
		if strings.ContainsAny(n, "\u064e\u0650\u0651\u0640أإآى\u200f") {
			t.Fatalf("Normalize(%q) = %q keeps a folded character", s, n)
		}
		if len(Words(s)) > 0 && !MatchKeyword(s, s) {
			t.Fatalf("%q does not match itself", s)
		}
	})
}

func squeeze(s string) string {
	return strings.Join(strings.Fields(s), "")
}

func abs(n int) int {
	if n < 0 {
		if n == -n {
			return 0 // math.MinInt
		}
		return -n
	}
	return n
}

// FuzzCleanLineShortcuts: the cheap tests cleanLine and the sentence
// scoring use in place of a regexp or a split agree with what they stand
// for: mayHaveMediaMark and the pre-tests of the clutter lines are true
// wherever their regexps match, hasLink finds
// urlRe's marks in the lower-cased line, hasDash is strings.ContainsAny,
// atMostRunes is a rune count and hasFields a count of strings.Fields.
func FuzzCleanLineShortcuts(f *testing.F) {
	f.Add("صورة (بالصور) وكالة", 3)
	f.Add("Storm hits coast [+ PHOTOS] (Reuters) (video", 12)
	f.Add("a (ſhare) ( +\tmap] x", 0)
	f.Add("see WwW.x.org or PIC.Twİtter.com/x", 5)
	f.Add("// انتهى //", 1)
	f.Add("REUTERS \t :", 2)
	f.Add("نص عربي ߿ \u0606 \u06dc x", 2)
	f.Add("كتب ـ فلان\u200f:\u200f \u00ad\u061c\u06dd\u0605 \xd8 \xdb\x9d\xc2 \ufffd ߿", 4)
	f.Add("الرياض 26 شوال 1436 هـ الموافق 11 اغسطس 2015 م واس", 9)
	f.Fuzz(func(t *testing.T, s string, n int) {
		if mediaMark.MatchString(s) && !mayHaveMediaMark(s) {
			t.Fatalf("mayHaveMediaMark(%q) = false, but mediaMark matches", s)
		}
		l := strings.ToLower(s)
		if got, want := hasLink(s), strings.Contains(l, "://") || strings.Contains(l, "www.") || strings.Contains(l, "pic.twitter.com/"); got != want {
			t.Fatalf("hasLink(%q) = %v, want %v", s, got, want)
		}
		if endMark.MatchString(s) && !mayBeEndMark(s) || agencyLine.MatchString(s) && !mayBeAgencyLine(s) || datedCredit.MatchString(s) && !hasFourDigits(s) {
			t.Fatalf("a clutter pre-test says no on %q, but its regexp matches", s)
		}
		if got, want := hasInvisible(s), strings.ContainsFunc(s, func(r rune) bool { return isInvisible(r) || r == utf8.RuneError }); got != want {
			t.Fatalf("hasInvisible(%q) = %v, want %v", s, got, want)
		}
		if got, want := hasDash(s), strings.ContainsAny(s, "-–—ـ"); got != want {
			t.Fatalf("hasDash(%q) = %v, want %v", s, got, want)
		}
		n %= 64
		if got, want := atMostRunes(s, n), utf8.RuneCountInString(s) <= n; got != want {
			t.Fatalf("atMostRunes(%q, %d) = %v, want %v", s, n, got, want)
		}
		if got, want := hasFields(s, n), len(strings.Fields(s)) >= n; got != want {
			t.Fatalf("hasFields(%q, %d) = %v, want %v", s, n, got, want)
		}
	})
}

// FuzzWords: Words is its definition (wordsByDefinition), on any text
// (invalid UTF-8 too).
func FuzzWords(f *testing.F) {
	f.Add("الشَّرْقُ الأَوْسَطُ والعـــراق ٢٠٢٤ Iraq's \u200fİSTANBUL ǅ ß ﷺ")
	f.Add("a\xffb ẞ Ⱥ \u0300x \u0610ب")
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := Words(s), wordsByDefinition(s); !slices.Equal(got, want) || (got == nil) != (want == nil) {
			t.Fatalf("Words(%q) = %q, by definition %q", s, got, want)
		}
	})
}
