package bot

import (
	"strings"
	"testing"
	"time"

	"newsdigest/digest"
	"newsdigest/internal/tgemu"
	"newsdigest/news"
	"newsdigest/subscriptions"
)

// TestEndToEndStoryLanguagesAndSearch plays two readers against the real
// client and the telegram-test-api emulator. An English reader's first
// digest leaves out single-outlet Arabic stories (the default); after
// "Arabic + English" in /settings the next digest holds the new Arabic
// story, labelled, and nothing it already sent. An Arabic reader's
// /search with a clitic form («بالعراق») finds the story about «العراق».
func TestEndToEndStoryLanguagesAndSearch(t *testing.T) {
	art := func(id, lang, title, text string) news.Article {
		return news.Article{Article: digest.Article{ID: id, URL: "https://example.org/" + id, Title: title, Text: text,
			Lang: lang, Source: "Wire " + id, Published: time.Now().Add(-time.Hour)}}
	}
	e := startE2E(t, []news.Article{
		art("en-glacier", "en", "Glacier retreats faster in the Alps", "The glacier lost forty metres this summer, surveyors said."),
		art("ar-mosul", "ar", "افتتاح مكتبة جديدة في مدينة الموصل", "افتتحت بلدية الموصل مكتبة عامة جديدة تضم آلاف الكتب.\nوحضر الافتتاح عدد من الطلاب."),
		art("ar-iraq", "ar", "وزير الخارجية الفرنسي يصل إلى العراق", "وصل وزير الخارجية الفرنسي إلى العراق في زيارة رسمية تستمر يومين.\nويلتقي خلالها رئيس الوزراء."),
	})
	emu, ctx := e.emu, e.ctx
	sam, nour := tgemu.User{ID: 5201, Name: "Sam", LangCode: "en"}, tgemu.User{ID: 5202, Name: "Nour", LangCode: "ar"}
	send := func(u tgemu.User, text string) []tgemu.BotMessage {
		t.Helper()
		if err := emu.SendCommand(ctx, u, text); err != nil {
			t.Fatal(err)
		}
		return emu.WaitMessages(t, u.ID, 1, 20*time.Second)
	}

	send(sam, "/start")
	if got := joined(send(sam, "/digest")); !strings.Contains(got, "Glacier") || strings.Contains(got, "الموصل") || strings.Contains(got, "العراق") {
		t.Fatalf("an English reader's first digest (default story languages) should hold the English story only:\n%s", got)
	}
	settings := send(sam, "/settings")
	last := settings[len(settings)-1]
	_, _, markup := last.Fields()
	if err := emu.PressButton(ctx, sam, last, findButton(t, markup, "Arabic + English")); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "story languages set to both", func() bool {
		sub, err := e.subs.Get(ctx, sam.ID)
		return err == nil && sub.StoryLangs == subscriptions.StoriesBoth
	})
	if _, err := e.articles.Add(ctx, []news.Article{
		art("en-rail", "en", "Railway strike ends after talks", "Railway workers return on Friday after the talks ended the strike."),
		art("ar-bank", "ar", "البنك المركزي يرفع أسعار الفائدة نصف نقطة", "رفع البنك المركزي أسعار الفائدة نصف نقطة بسبب التضخم المرتفع.\nوتراجعت الأسواق."),
	}); err != nil {
		t.Fatal(err)
	}
	got := joined(send(sam, "/digest"))
	if !strings.Contains(got, "Railway") || !strings.Contains(got, "البنك المركزي") || !strings.Contains(got, "«عربي»") {
		t.Fatalf("after Arabic + English the digest should hold both new stories, the Arabic one labelled:\n%s", got)
	}
	if strings.Contains(got, "Glacier") {
		t.Fatalf("the second digest repeats a story the first one sent:\n%s", got)
	}

	send(nour, "/start")
	found := joined(send(nour, "/search بالعراق"))
	if !strings.Contains(found, "وزير الخارجية الفرنسي يصل إلى العراق") || strings.Contains(found, "الموصل") {
		t.Fatalf("/search بالعراق should find the story about العراق and nothing else:\n%s", found)
	}
}
