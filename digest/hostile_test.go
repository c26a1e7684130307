package digest

import (
	"fmt"
	"regexp"
	"strings"
	"testing"
)

// visible reports whether a Telegram-HTML message shows any text: Telegram
// refuses a message that is empty once the tags are removed.
func visible(m string) bool { return strings.TrimSpace(plainText(m)) != "" }

// TestSplitHTMLLongLink: a link longer than a message used to give chunks
// over the limit and chunks holding nothing but an empty <a href=…></a>;
// every chunk must fit, show text and be well formed, and no text is lost.
func TestSplitHTMLLongLink(t *testing.T) {
	href := "https://x.example/" + strings.Repeat("a", 5000)
	in := "<b>Bridge reopens</b>\n" + `<a href="` + href + `">Wire</a> · <a href="https://ok.example/b">Other</a> tail ` + strings.Repeat("word ", 1500)
	for _, limit := range []int{200, 1000, MaxMessageUTF16} {
		chunks := SplitHTML(in, limit)
		var text strings.Builder
		for _, c := range chunks {
			if n := UTF16Len(c); n > limit || !visible(c) {
				t.Fatalf("limit %d: chunk of %d units, visible %v: %.120q", limit, n, visible(c), c)
			}
			checkBalanced(t, c)
			text.WriteString(plainText(c))
		}
		if text.String() != plainText(in) {
			t.Errorf("limit %d: text changed", limit)
		}
		if !strings.Contains(strings.Join(chunks, ""), `<a href="https://ok.example/b">`) {
			t.Errorf("limit %d: the short link was dropped too", limit)
		}
	}
}

// hostileStory is what a hostile feed makes of one item: a 1 MB title, a
// 5,000-character source name (the feed title) and links over 4 KB.
func hostileStory(id string) Story {
	long := "https://evil.example/" + strings.Repeat("p", 5000)
	return story(id, strings.Repeat("Headline & more ", 65536), strings.Repeat("Summary text. ", 5000), "world",
		Source{Name: strings.Repeat("Source ", 700), URL: long}, Source{Name: "Wire", URL: long + "2"},
		Source{Name: "AP", URL: "https://apnews.com/y"})
}

// TestRenderHostileStoryTakesOneMessage: such a story is clipped to one
// message, with its (clipped) title, summary and sources together and the
// over-long links shown as plain names.
func TestRenderHostileStoryTakesOneMessage(t *testing.T) {
	for _, lang := range []string{"en", "ar"} {
		msgs := RenderHTML(Selection{Stories: []Story{hostileStory("a")}}, RenderOptions{Lang: lang})
		if len(msgs) > 3 { // header, the story, footer at worst
			t.Fatalf("%s: one story took %d messages", lang, len(msgs))
		}
		var withStory []string
		for _, m := range msgs {
			if n := UTF16Len(m); n > MaxMessageUTF16 || !visible(m) {
				t.Fatalf("%s: message of %d units", lang, n)
			}
			checkBalanced(t, m)
			if strings.Contains(m, "Headline &amp; more") {
				withStory = append(withStory, m)
			}
		}
		if len(withStory) != 1 {
			t.Fatalf("%s: the story is in %d messages", lang, len(withStory))
		}
		m := withStory[0]
		for _, want := range []string{"Summary text.", "Source Source", "Wire", `<a href="https://apnews.com/y">`, "…"} {
			if !strings.Contains(m, want) {
				t.Errorf("%s: story message lacks %q", lang, want)
			}
		}
		if strings.Contains(m, "evil.example") {
			t.Errorf("%s: an over-long link is still linked", lang)
		}
		if n := strings.Count(m, "Headline"); n > MaxTitleRunes/len("Headline & more ")+1 {
			t.Errorf("%s: title not clipped (%d repeats)", lang, n)
		}
	}
}

// TestRenderHTMLCapsMessages: thirty hostile stories make at most
// MaxDigestMessages messages (the top story in full, the rest one clipped
// line each); the stories left out are counted in the
// closing "…and N more" line instead of costing a message each.
func TestRenderHTMLCapsMessages(t *testing.T) {
	var stories []Story
	for i := range 30 {
		stories = append(stories, hostileStory(fmt.Sprint(i)))
	}
	msgs := RenderHTML(Selection{Stories: stories, More: 4}, RenderOptions{Lang: "en"})
	if len(msgs) > MaxDigestMessages {
		t.Fatalf("%d messages, want at most %d", len(msgs), MaxDigestMessages)
	}
	shown := 0
	for _, m := range msgs {
		if UTF16Len(m) > MaxMessageUTF16 || !visible(m) {
			t.Fatalf("bad message of %d units", UTF16Len(m))
		}
		shown += strings.Count(m, "<b>Headline") + strings.Count("\n"+m, "\n• ") // the top story, then one line each
	}
	more := regexp.MustCompile(`…and (\d+) more`).FindStringSubmatch(strings.Join(msgs, "\n"))
	if shown == 0 || more == nil || more[1] != fmt.Sprint(30-shown+4) {
		t.Errorf("%d stories shown, more line %q, want %d more", shown, more, 30-shown+4)
	}
}
