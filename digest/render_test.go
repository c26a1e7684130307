package digest

import (
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"
)

func story(id, title, summary string, topic string, srcs ...Source) Story {
	return Story{ID: id, Title: title, Summary: summary, Lang: DetectLang(title + " " + summary),
		Topics: []TopicScore{{ID: topic, Score: 0.9}}, Sources: srcs, Articles: []string{id},
		Published: time.Date(2026, 11, 28, 10, 0, 0, 0, time.UTC)}
}

func TestRenderHTMLEscapesAndFormats(t *testing.T) {
	sel := Selection{Stories: []Story{
		story("a", `Tom & Jerry <script>`, `He said "hi" & left`, "culture",
			Source{Name: "BBC <News>", URL: "https://bbc.co.uk/x?a=1&b=2"},
			Source{Name: "Evil", URL: "javascript:alert(1)"},
			Source{Name: "AP", URL: "https://apnews.com/y"}),
	}, More: 4}
	now := time.Date(2026, 11, 29, 1, 30, 0, 0, time.UTC)
	baghdad := time.FixedZone("AST", 3*3600)
	msgs := RenderHTML(sel, RenderOptions{Lang: "en", Location: baghdad, Now: now})
	if len(msgs) != 1 {
		t.Fatalf("got %d messages", len(msgs))
	}
	m := msgs[0]
	for _, want := range []string{
		"<b>Tom &amp; Jerry &lt;script&gt;</b>",
		"He said &quot;hi&quot; &amp; left",
		`<a href="https://bbc.co.uk/x?a=1&amp;b=2">BBC &lt;News&gt;</a>`,
		"3 sources",
		"Sunday 29 November 2026", // 04:30 in Baghdad, still the 29th; UTC+3 matters on the 28th→29th boundary below
		"\n1 story from 3 outlets\n",
		"and 4 more",
		"/settings",
	} {
		if !strings.Contains(m, want) {
			t.Errorf("message lacks %q:\n%s", want, m)
		}
	}
	if strings.Contains(m, "javascript:") {
		t.Errorf("unsafe link rendered:\n%s", m)
	}
	late := time.Date(2026, 11, 28, 22, 30, 0, 0, time.UTC) // already the 29th in Baghdad
	if m := RenderHTML(sel, RenderOptions{Lang: "ar", Location: baghdad, Now: late})[0]; !strings.Contains(m, "الأحد 29 نوفمبر 2026") || !strings.Contains(m, "/settings") {
		t.Errorf("arabic header/footer wrong:\n%s", m)
	}
}

func TestRenderIsolatesMixedDirection(t *testing.T) {
	s := story("a", "انسحاب قوات التحالف من العراق", "قالت مصادر إن القوات ستنسحب.", "middle-east", Source{Name: "Reuters", URL: "https://reuters.com/a"})
	en := RenderHTML(Selection{Stories: []Story{s}}, RenderOptions{Lang: "en"})[0]
	if !strings.Contains(en, "<b>\u2068انسحاب قوات التحالف من العراق\u2069</b>") {
		t.Errorf("arabic title in an english digest not isolated:\n%q", en)
	}
	ar := RenderHTML(Selection{Stories: []Story{s}}, RenderOptions{Lang: "ar"})[0]
	if strings.Contains(ar, "\u2068انسحاب") || !strings.Contains(ar, "\u2068Reuters\u2069") {
		t.Errorf("arabic digest: wrong isolates:\n%q", ar)
	}
}

func TestRenderHTMLSplitsAtStoryBoundaries(t *testing.T) {
	var stories []Story
	for i := range 40 {
		title := fmt.Sprintf("Story %d title ", i) + strings.Repeat("long headline words with 😀 & <b> ", 7)
		stories = append(stories, story(fmt.Sprintf("s%02d", i), title,
			strings.Repeat("Long summary text with 😀 emoji & more. ", 6), "world", Source{Name: "X", URL: "https://x.org"}))
	}
	msgs := RenderHTML(Selection{Stories: stories}, RenderOptions{Lang: "en"})
	if len(msgs) < 2 {
		t.Fatalf("want several messages, got %d", len(msgs))
	}
	seen := 0
	for i, m := range msgs {
		if n := UTF16Len(m); n > MaxMessageUTF16 {
			t.Errorf("message %d has %d UTF-16 units", i, n)
		}
		checkBalanced(t, m)
		seen += strings.Count(plainText(m), "Story ")
		if i > 0 && !strings.HasPrefix(m, "• ") && !strings.HasPrefix(m, "▪️ ") && !strings.HasPrefix(m, "⚙️") {
			t.Errorf("message %d does not start at a story line: %.40q", i, m)
		}
		if i+1 < len(msgs) { // messages are filled: the next one's first line would not have fitted
			next, _, _ := strings.Cut(msgs[i+1], "\n")
			if UTF16Len(m)+2+UTF16Len(next) <= MaxMessageUTF16 {
				t.Errorf("message %d has %d units and room for the next message's first line", i, UTF16Len(m))
			}
		}
	}
	if seen != 40 {
		t.Errorf("rendered %d stories, want 40", seen)
	}
}

// TestRenderHTMLClipsOversizedStory: a story longer than a message takes
// one message all the same: its summary is cut (ending in "…"), its title,
// opening and source link stay.
func TestRenderHTMLClipsOversizedStory(t *testing.T) {
	long := strings.Repeat("كلمة 😀 & <x> ", 1500) // ≈ 12k UTF-16 units after escaping
	s := story("big", "عنوان", long, "world", Source{Name: "X", URL: "https://x.org"})
	msgs := RenderHTML(Selection{Stories: []Story{s}}, RenderOptions{Lang: "ar"})
	var story string
	for i, m := range msgs {
		if n := UTF16Len(m); n > MaxMessageUTF16 {
			t.Errorf("message %d has %d units", i, n)
		}
		checkBalanced(t, m)
		if strings.Contains(m, "عنوان") {
			story = m
		}
	}
	if len(msgs) > 2 || story == "" {
		t.Fatalf("the story took %d messages", len(msgs))
	}
	text := plainText(story)
	if !strings.Contains(text, "كلمة 😀 & <x> كلمة") || !strings.Contains(text, "…") || !strings.Contains(story, `<a href="https://x.org">`) {
		t.Errorf("story message lost its opening, cut mark or link: %.300q", story)
	}
}

// TestRenderSectionsByTopic: after the top story, sections of several
// stories in the order of their best story, then the one-story sections and
// the topicless stories gathered under "Other news", in rank order.
func TestRenderSectionsByTopic(t *testing.T) {
	top := story("top", "Summit", "Leaders met.", "politics")
	a := story("a", "Goal", "A late goal.", "sport")
	b := story("b", "Rates", "Rates rose.", "economy")
	c := story("c", "Cup", "The cup final.", "sport")
	d := story("d", "Misc", "Something else.", "x")
	d.Topics = nil
	e := story("e", "Vote", "A vote.", "politics")
	f := story("f", "Bill", "A bill.", "politics")
	txt := RenderText(Selection{Stories: []Story{top, b, a, d, e, c, f}}, RenderOptions{Lang: "en"})
	order := []string{"Summit", "Leaders met.", "Sport", "Goal", "Cup", "Politics", "Vote", "Bill", "Other news", "Rates", "Misc"}
	pos := -1
	for _, w := range order {
		i := strings.Index(txt, w)
		if i <= pos {
			t.Fatalf("%q out of order in:\n%s", w, txt)
		}
		pos = i
	}
	if strings.Contains(txt, "Economy") || strings.Count(txt, "Summit") != 1 {
		t.Errorf("a one-story section got a heading, or the top story came twice:\n%s", txt)
	}
	if ar := RenderText(Selection{Stories: []Story{top, d}}, RenderOptions{Lang: "ar"}); !strings.Contains(ar, "أخبار أخرى") {
		t.Errorf("arabic other section missing:\n%s", ar)
	}
}

func TestRenderWithoutNowHasNoDate(t *testing.T) {
	txt := RenderText(Selection{}, RenderOptions{Lang: "en"})
	if strings.Contains(txt, "0001") || strings.Contains(txt, "Monday") {
		t.Errorf("zero Now rendered a date:\n%s", txt)
	}
}

func TestMoreAndSourcesAgreeInArabic(t *testing.T) {
	tests := []struct {
		n          int
		more, srcs string
	}{
		{1, "… وخبر آخر", ""},
		{2, "… وخبران آخران", "مصدران"},
		{3, "… و3 أخبار أخرى", "3 مصادر"},
		{11, "… و11 خبرًا آخر", "11 مصدرًا"},
	}
	for _, tt := range tests {
		if got := moreText(tt.n, "ar"); got != tt.more {
			t.Errorf("moreText(%d) = %q, want %q", tt.n, got, tt.more)
		}
		if tt.srcs != "" && sourcesCount(tt.n, "ar") != tt.srcs {
			t.Errorf("sourcesCount(%d) = %q, want %q", tt.n, sourcesCount(tt.n, "ar"), tt.srcs)
		}
	}
	if got := moreText(1, "en"); got != "…and 1 more" {
		t.Errorf("english: %q", got)
	}
}

func TestRenderEmptySelection(t *testing.T) {
	msgs := RenderHTML(Selection{}, RenderOptions{Lang: "en"})
	if len(msgs) != 1 || !strings.Contains(msgs[0], "No new stories") {
		t.Errorf("got %q", msgs)
	}
	if txt := RenderText(Selection{}, RenderOptions{Lang: "ar"}); !strings.Contains(txt, "لا أخبار جديدة") {
		t.Errorf("got %q", txt)
	}
}

func TestRenderTextIsPlain(t *testing.T) {
	s := story("a", "A & B", "x < y", "economy", Source{Name: "FT", URL: "https://ft.com/a"})
	txt := RenderText(Selection{Stories: []Story{s}}, RenderOptions{Lang: "en"})
	for _, want := range []string{"A & B", "x < y", "FT <https://ft.com/a>"} {
		if !strings.Contains(txt, want) {
			t.Errorf("text lacks %q:\n%s", want, txt)
		}
	}
	top := story("top", "Summit", "Leaders met.", "politics", Source{Name: "AP", URL: "https://ap.org/s"})
	txt = RenderText(Selection{Stories: []Story{top, s}}, RenderOptions{Lang: "en"})
	for _, want := range []string{"Summit", "A & B <https://ft.com/a>", "Other news", "• "} {
		if !strings.Contains(txt, want) {
			t.Errorf("text lacks %q:\n%s", want, txt)
		}
	}
	if strings.Contains(txt, "<b>") || strings.Contains(txt, "&amp;") {
		t.Errorf("markup in plain text:\n%s", txt)
	}
}

// tagRe finds Telegram HTML tags.
var tagRe = regexp.MustCompile(`<(/?)([a-z]+)[^>]*>`)

// checkBalanced fails when tags are not properly nested and closed, or an
// entity is cut.
func checkBalanced(t *testing.T, m string) {
	t.Helper()
	var stack []string
	for _, g := range tagRe.FindAllStringSubmatch(m, -1) {
		if g[1] == "" {
			stack = append(stack, g[2])
			continue
		}
		if len(stack) == 0 || stack[len(stack)-1] != g[2] {
			t.Fatalf("unbalanced </%s> in %q", g[2], m)
		}
		stack = stack[:len(stack)-1]
	}
	if len(stack) > 0 {
		t.Fatalf("unclosed %v in %.80q", stack, m)
	}
	rest := tagRe.ReplaceAllString(m, "")
	for _, ent := range regexp.MustCompile(`&[^;\s]*(;|$|\s)`).FindAllString(rest, -1) {
		switch strings.TrimSpace(ent) {
		case "&amp;", "&lt;", "&gt;", "&quot;":
		default:
			t.Fatalf("bad entity %q", ent)
		}
	}
}

// plainText strips tags and unescapes entities.
func plainText(m string) string {
	s := tagRe.ReplaceAllString(m, "")
	return strings.NewReplacer("&lt;", "<", "&gt;", ">", "&quot;", `"`, "&amp;", "&").Replace(s)
}

func TestSelect(t *testing.T) {
	now := time.Date(2026, 11, 29, 8, 0, 0, 0, time.UTC)
	iraq := story("iraq", "انسحاب القوات من العراق", "قالت مصادر إن القوات ستنسحب من العراق.", "middle-east", Source{Name: "A"}, Source{Name: "B"}, Source{Name: "C"})
	iraq.Published = now.Add(-20 * time.Hour)
	goal := story("goal", "Late goal wins the derby", "A late goal won the derby on Sunday.", "sport", Source{Name: "A"})
	goal.Published = now.Add(-1 * time.Hour)
	rates := story("rates", "Bank raises rates", "The central bank raised rates in Iraq's capital.", "economy", Source{Name: "A"})
	rates.Published = now.Add(-2 * time.Hour)
	all := []Story{goal, iraq, rates}
	ids := func(sel Selection) string {
		var out []string
		for _, s := range sel.Stories {
			out = append(out, s.ID)
		}
		return strings.Join(out, ",") + fmt.Sprintf("+%d", sel.More)
	}
	tests := []struct {
		name string
		p    Prefs
		want string
	}{
		{"all, ranked by sources then recency", Prefs{}, "iraq,goal,rates+0"},
		{"topic filter", Prefs{Topics: []string{"sport", "economy"}}, "goal,rates+0"},
		{"include keyword stems (arabic)", Prefs{Include: []string{"والعراق"}}, "iraq+0"},
		{"include keyword stems (english possessive)", Prefs{Include: []string{"Iraq"}}, "rates+0"},
		{"exclude", Prefs{Exclude: []string{"derby"}}, "iraq,rates+0"},
		{"cap with more", Prefs{MaxStories: 1}, "iraq+2"},
		{"nothing matches", Prefs{Topics: []string{"health"}}, "+0"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := ids(Select(all, tt.p, now)); got != tt.want {
				t.Errorf("got %s, want %s", got, tt.want)
			}
		})
	}
}
