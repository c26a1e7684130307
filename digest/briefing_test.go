package digest

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// briefingStories is a morning's selection in rank order: a three-outlet
// Arabic lead, two more politics stories (one in English, three outlets),
// an economy story and a sport result.
func briefingStories() []Story {
	lead := story("lead", "البرلمان يقر قانون الانتخابات", "أقر البرلمان العراقي قانون الانتخابات الجديد بأغلبية 180 صوتاً.", "politics",
		Source{Name: "Reuters", URL: "https://reuters.com/a"}, Source{Name: "الجزيرة", URL: "https://aljazeera.net/a"}, Source{Name: "BBC", URL: "https://bbc.com/a"})
	vote := story("vote", "Senate delays budget vote", "The vote was put off.", "politics",
		Source{Name: "AP", URL: "https://apnews.com/v"}, Source{Name: "BBC", URL: "https://bbc.com/v"}, Source{Name: "Reuters", URL: "https://reuters.com/v"})
	vote.LatestURL = "https://reuters.com/v"
	talks := story("talks", "محادثات جديدة بين الحكومة والمعارضة", "بدأت المحادثات صباح اليوم.", "politics",
		Source{Name: "الجزيرة", URL: "https://aljazeera.net/t"})
	rates := story("rates", "البنك المركزي يرفع الفائدة", "رفع البنك الفائدة نصف نقطة.", "economy",
		Source{Name: "العربية", URL: "https://alarabiya.net/r"}, Source{Name: "Reuters", URL: "https://reuters.com/r"})
	goal := story("goal", "الهلال يفوز على النصر", "فاز الهلال بهدفين.", "sport", Source{Name: "الرياضية", URL: "https://riyadiyah.com/g"})
	return []Story{lead, vote, talks, rates, goal}
}

// TestBriefingLayout: what a reader sees, in both interface languages: the
// header with the date and the count, the top story first with its summary
// and linked sources, every other story once on one line linked to its
// latest report with its source count, the sections, the labels and the
// isolates of fields written against the interface direction.
func TestBriefingLayout(t *testing.T) {
	now := time.Date(2026, 12, 1, 5, 0, 0, 0, time.UTC)
	tests := []struct {
		lang string
		want []string // in this order
		not  []string
	}{
		{"en", []string{
			"📰 <b>News digest</b> · Tuesday 1 December 2026\n5 stories from 6 outlets\n\n",
			"<b>\u2068البرلمان يقر قانون الانتخابات\u2069</b> \u2068«عربي»\u2069\n\u2068أقر البرلمان العراقي",
			"🔗 3 sources: <a href=\"https://reuters.com/a\">Reuters</a> · <a href=\"https://aljazeera.net/a\">\u2068الجزيرة\u2069</a>",
			"▪️ <b>Politics</b>\n",
			"• <a href=\"https://reuters.com/v\">Senate delays budget vote</a> · 3 sources\n",
			"• <a href=\"https://aljazeera.net/t\">\u2068محادثات جديدة بين الحكومة والمعارضة\u2069</a> \u2068«عربي»\u2069\n",
			"▪️ <b>Other news</b>\n",
			"• <a href=\"https://alarabiya.net/r\">\u2068البنك المركزي يرفع الفائدة\u2069</a> \u2068«عربي»\u2069 · 2 sources\n",
			"• <a href=\"https://riyadiyah.com/g\">\u2068الهلال يفوز على النصر\u2069</a> \u2068«عربي»\u2069\n",
			"/settings",
		}, []string{"رفع البنك", "فاز الهلال", "<b>Sport</b>", "<b>Economy</b>"}},
		{"ar", []string{
			"📰 <b>موجز الأخبار</b> · الثلاثاء 1 ديسمبر 2026\n5 أخبار من 6 مصادر\n\n",
			"<b>البرلمان يقر قانون الانتخابات</b>\nأقر البرلمان العراقي",
			"🔗 3 مصادر: <a href=\"https://reuters.com/a\">\u2068Reuters\u2069</a> · <a href=\"https://aljazeera.net/a\">الجزيرة</a>",
			"▪️ <b>سياسة</b>\n",
			"• <a href=\"https://reuters.com/v\">\u2068Senate delays budget vote\u2069</a> \u2068EN\u2069 · 3 مصادر\n",
			"• <a href=\"https://aljazeera.net/t\">محادثات جديدة بين الحكومة والمعارضة</a>\n",
			"▪️ <b>أخبار أخرى</b>\n",
			"• <a href=\"https://alarabiya.net/r\">البنك المركزي يرفع الفائدة</a> · مصدران\n",
			"• <a href=\"https://riyadiyah.com/g\">الهلال يفوز على النصر</a>\n",
			"/settings",
		}, []string{"رفع البنك", "فاز الهلال", "\u2068البرلمان", "«عربي»"}},
	}
	for _, tt := range tests {
		t.Run(tt.lang, func(t *testing.T) {
			msgs := RenderHTML(Selection{Stories: briefingStories()}, RenderOptions{Lang: tt.lang, Now: now})
			if len(msgs) != 1 {
				t.Fatalf("%d messages, want one", len(msgs))
			}
			m := msgs[0]
			pos := 0
			for _, w := range tt.want {
				i := strings.Index(m[pos:], w)
				if i < 0 {
					t.Fatalf("lacks (after byte %d) %q:\n%s", pos, w, m)
				}
				pos += i + len(w)
			}
			for _, w := range tt.not {
				if strings.Contains(m, w) {
					t.Errorf("shows %q (a one-line story's summary, a one-story heading or a needless isolate):\n%s", w, m)
				}
			}
			for _, title := range []string{"البرلمان يقر", "Senate delays", "محادثات جديدة", "البنك المركزي", "الهلال يفوز"} {
				if n := strings.Count(m, title); n != 1 {
					t.Errorf("%q shown %d times", title, n)
				}
			}
		})
	}
}

// TestHeaderCountAgrees: "N stories from M outlets" in English and with
// Arabic number agreement (outlets after «من» in the genitive), and the
// outlets counted once each across stories.
func TestHeaderCountAgrees(t *testing.T) {
	tests := []struct {
		stories, outlets int
		ar, en           string
	}{
		{1, 1, "خبر واحد من مصدر واحد", "1 story from 1 outlet"},
		{2, 2, "خبران من مصدرين", "2 stories from 2 outlets"},
		{3, 10, "3 أخبار من 10 مصادر", "3 stories from 10 outlets"},
		{12, 7, "12 خبرًا من 7 مصادر", "12 stories from 7 outlets"},
		{100, 11, "100 خبر من 11 مصدرًا", "100 stories from 11 outlets"},
		{103, 102, "103 أخبار من 102 مصدر", "103 stories from 102 outlets"},
	}
	for _, tt := range tests {
		if got := countLine(tt.stories, tt.outlets, "ar"); got != tt.ar {
			t.Errorf("ar %d/%d = %q, want %q", tt.stories, tt.outlets, got, tt.ar)
		}
		if got := countLine(tt.stories, tt.outlets, "en"); got != tt.en {
			t.Errorf("en %d/%d = %q, want %q", tt.stories, tt.outlets, got, tt.en)
		}
	}
	a := story("a", "A", "", "world", Source{Name: "BBC"}, Source{Name: " bbc ", URL: "https://bbc.com"}, Source{URL: "https://x.org/1"})
	b := story("b", "B", "", "world", Source{Name: "BBC"}, Source{URL: "https://x.org/2"})
	if got := outletCount([]Story{a, b}); got != 2 {
		t.Errorf("outletCount = %d, want 2 (BBC, x.org)", got)
	}
}

// TestRenderMoreHTML: a later page shows its stories one line each in
// sections, with no header count and no top-story summary, each story
// once; hostile stories still fit the message limits.
func TestRenderMoreHTML(t *testing.T) {
	stories := briefingStories()
	for _, lang := range []string{"en", "ar"} {
		msgs := RenderMoreHTML(stories, RenderOptions{Lang: lang, Now: time.Now()})
		if len(msgs) != 1 {
			t.Fatalf("%s: %d messages", lang, len(msgs))
		}
		m := msgs[0]
		if strings.Contains(m, "📰") || strings.Contains(m, "أقر البرلمان") || strings.Contains(m, "/settings") {
			t.Errorf("%s: a page shows a header, a summary or the footer:\n%s", lang, m)
		}
		if n := strings.Count("\n"+m, "\n• "); n != len(stories) {
			t.Errorf("%s: %d story lines, want %d:\n%s", lang, n, len(stories), m)
		}
		if !strings.HasPrefix(m, "▪️ <b>") {
			t.Errorf("%s: page does not open with a section: %.60q", lang, m)
		}
	}
	var hostile []Story
	h := hostileStory("h") // its megabyte strings shared by all copies
	for i := range 100 {
		h.ID = fmt.Sprint(i)
		hostile = append(hostile, h)
	}
	msgs := RenderMoreHTML(hostile, RenderOptions{Lang: "en"})
	lines := 0
	for _, m := range msgs {
		if UTF16Len(m) > MaxMessageUTF16 || !visible(m) {
			t.Fatalf("message of %d units", UTF16Len(m))
		}
		checkBalanced(t, m)
		lines += strings.Count("\n"+m, "\n• ")
	}
	if len(msgs) > MaxDigestMessages || lines == 0 || !strings.Contains(msgs[len(msgs)-1], fmt.Sprintf("…and %d more", 100-lines)) {
		t.Errorf("%d messages, %d lines, last: %.200q", len(msgs), lines, msgs[len(msgs)-1])
	}
}
