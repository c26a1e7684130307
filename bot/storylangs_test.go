package bot

import (
	"context"
	"strings"
	"testing"
	"time"

	"newsdigest/digest"
	"newsdigest/news"
	"newsdigest/subscriptions"
)

// TestStoryLanguagesButtonChangesNextDigest: an English reader picks "My
// language only" in /settings, and /digest (the real delivery service,
// the real client, the fake Bot API) holds no Arabic story; after "Arabic
// + English" the next /digest holds the new Arabic story, labelled.
func TestStoryLanguagesButtonChangesNextDigest(t *testing.T) {
	ctx := context.Background()
	h := newHarness(t)
	articles := h.withRealDigests()

	add := func(arts ...news.Article) {
		t.Helper()
		if _, err := articles.Add(ctx, arts); err != nil {
			t.Fatal(err)
		}
	}
	art := func(id, lang, title, text string) news.Article {
		return news.Article{Article: digest.Article{ID: id, URL: "https://example.org/" + id, Title: title, Text: text,
			Lang: lang, Source: "Wire " + id, Published: time.Now().Add(-time.Hour)}, Feed: "t"}
	}
	sam := user{id: 6001, lang: "en"}
	h.sayText(sam, "/start")
	h.sayText(sam, "/settings")
	kb := h.lastMarkup(sam.id)
	if !strings.Contains(button(t, kb, "Auto"), "sl=auto") || !strings.HasPrefix(labelOf(kb, "sl=auto"), "✅") {
		t.Fatalf("a new subscriber's settings should show ✅ Auto: %v", kb)
	}
	h.press(sam, private(sam), 1, button(t, kb, "My language only"))
	if got := h.sub(sam.id).StoryLangs; got != subscriptions.StoriesOwn {
		t.Fatalf("after the button the setting is %q, want %q", got, subscriptions.StoriesOwn)
	}
	if kb := h.lastMarkup(sam.id); !strings.HasPrefix(labelOf(kb, "sl=own"), "✅") {
		t.Fatalf("the edited settings do not mark the choice: %v", kb)
	}

	add(art("en1", "en", "Glacier retreats faster in the Alps", "The glacier lost forty metres this summer, surveyors said."),
		art("ar1", "ar", "افتتاح مكتبة جديدة في مدينة الموصل", "افتتحت بلدية الموصل مكتبة عامة جديدة تضم آلاف الكتب.\nوحضر الافتتاح عدد من الطلاب."))
	got := h.sayText(sam, "/digest")
	if !strings.Contains(got, "Glacier") || strings.Contains(got, "الموصل") {
		t.Fatalf("/digest with %q should hold the English story only:\n%s", subscriptions.StoriesOwn, got)
	}

	h.sayText(sam, "/settings")
	h.press(sam, private(sam), 1, button(t, h.lastMarkup(sam.id), "Arabic + English"))
	add(art("en2", "en", "Railway strike ends after talks", "Railway workers return on Friday after the talks ended the strike."),
		art("ar2", "ar", "البنك المركزي يرفع أسعار الفائدة نصف نقطة", "رفع البنك المركزي أسعار الفائدة نصف نقطة بسبب التضخم المرتفع.\nوتراجعت الأسواق."))
	got = h.sayText(sam, "/digest")
	if !strings.Contains(got, "Railway") || !strings.Contains(got, "البنك المركزي") || !strings.Contains(got, "«عربي»") {
		t.Fatalf("/digest with %q should hold both new stories, the Arabic one labelled:\n%s", subscriptions.StoriesBoth, got)
	}
	if strings.Contains(got, "Glacier") {
		t.Fatalf("the second /digest repeats an old story:\n%s", got)
	}
}

// labelOf is the text of the button whose callback data contains arg.
func labelOf(kb [][2]string, arg string) string {
	for _, b := range kb {
		if strings.Contains(b[1], arg) {
			return b[0]
		}
	}
	return ""
}
