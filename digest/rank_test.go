package digest

import (
	"slices"
	"strings"
	"testing"
	"time"
)

func sources(n int) []Source {
	names := []string{"Reuters", "AP", "BBC", "AFP", "الجزيرة", "العربية"}
	out := make([]Source, n)
	for i := range out {
		out[i] = Source{Name: names[i], URL: "https://example.com/" + names[i]}
	}
	return out
}

// rankStory is a story of topic with n outlets, published age before now.
func rankStory(id, title, topic string, n int, age time.Duration, now time.Time) Story {
	s := story(id, title, title+".", topic, sources(n)...)
	s.Published = now.Add(-age)
	return s
}

// TestBriefingLead: importance leads — outlets first, then recency and the
// subscriber's match — and a sport result or a service piece leads only a
// subscriber who chose its topic.
func TestBriefingLead(t *testing.T) {
	now := time.Date(2026, 12, 1, 6, 0, 0, 0, time.UTC)
	politics := rankStory("pol", "Parliament passes the election law after a long night", "politics", 4, 20*time.Hour, now)
	goal := rankStory("goal", "Al-Hilal beat Al-Nassr 2-1 in the derby", "sport", 1, time.Hour, now)
	bigGoal := rankStory("cup", "Egypt wins the Africa Cup final", "sport", 5, time.Hour, now)
	ticker := rankStory("tick", "مؤشر سوق الأسهم السعودية يتراجع 28 نقطة", "economy", 3, time.Hour, now)
	fresh := rankStory("fresh", "Minister visits flooded villages in the north", "society", 1, time.Hour, now)
	older3 := rankStory("three", "Talks on the border dispute resume in Geneva", "world", 3, 22*time.Hour, now)
	tests := []struct {
		name    string
		stories []Story
		p       Prefs
		lead    string
		order   string // the whole order, when it matters
	}{
		{"4-outlet politics before a fresh 1-outlet sport result", []Story{goal, politics}, Prefs{}, "pol", "pol,goal"},
		{"a sport subscriber gets the sport result first", []Story{goal, politics}, Prefs{Topics: []string{"sport"}}, "goal", "goal"},
		{"sport chosen among others may lead on its merits", []Story{bigGoal, politics}, Prefs{Topics: []string{"sport", "politics"}}, "cup", ""},
		{"a 5-outlet cup final does not lead an all-topics digest", []Story{bigGoal, politics}, Prefs{}, "pol", "pol,cup"},
		{"a service piece does not lead", []Story{ticker, fresh}, Prefs{}, "fresh", "fresh,tick"},
		{"an economy subscriber may get the ticker first", []Story{ticker, fresh}, Prefs{Topics: []string{"economy", "society"}}, "tick", ""},
		{"three outlets outweigh a day of age", []Story{fresh, older3}, Prefs{}, "three", "three,fresh"},
		{"only light stories: the best of them leads", []Story{goal, bigGoal}, Prefs{}, "cup", "cup,goal"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sel := Select(tt.stories, tt.p, now)
			if len(sel.Stories) == 0 || sel.Stories[0].ID != tt.lead {
				t.Fatalf("lead %q, want %q", storyIDs(sel.Stories), tt.lead)
			}
			if tt.order != "" && storyIDs(sel.Stories) != tt.order {
				t.Errorf("order %q, want %q", storyIDs(sel.Stories), tt.order)
			}
			// what the reader sees: the lead is the story shown in full
			msg := RenderHTML(sel, RenderOptions{Lang: "en"})[0]
			if !strings.Contains(msg, "<b>"+EscapeHTML(sel.Stories[0].Title)) && !strings.Contains(msg, "<b>\u2068"+sel.Stories[0].Title) {
				t.Errorf("the lead is not the bold top story:\n%s", msg)
			}
		})
	}
}

func TestServiceKind(t *testing.T) {
	tests := []struct{ title, want string }{
		{"مؤشر سوق الأسهم السعودية يتراجع 28.35 نقطة", "market"},
		{"سوق الأسهم السعودية يغلق على ارتفاع طفيف", "market"},
		{"Wall Street stocks close higher on jobs data", "market"},
		{"الأرصاد تتوقع طقسا حارا على وسط المملكة", "weather"},
		{"Weather: rain and wind for the weekend", "weather"},
		{"مواقيت الصلاة في الرياض اليوم", "prayer"},
		{"حظك اليوم: توقعات الأبراج", "horoscope"},
		{"العاملون بـ«الأرصاد» يقطعون الطريق أمام وزارة الدفاع", ""}, // a protest, not a forecast
		{"البورصة المصرية تعلق التداول بعد الاشتباكات", ""},          // news about the market, not a ticker
		{"Egypt wins gold in Rio", ""},
		{"Parliament passes the election law", ""},
	}
	for _, tt := range tests {
		if got := ServiceKind(Story{Title: tt.title}); got != tt.want {
			t.Errorf("ServiceKind(%q) = %q, want %q", tt.title, got, tt.want)
		}
	}
}

// TestNearDuplicatesShownOnce: two stories the merger left apart that tell
// one event in the same words within a day are shown once — the one more
// outlets carry — and the other's articles count as shown with it; the
// same words days apart, or in another language, are separate stories.
func TestNearDuplicatesShownOnce(t *testing.T) {
	now := time.Date(2026, 12, 1, 6, 0, 0, 0, time.UTC)
	a := rankStory("a", "Israel's new coalition government to be sworn in", "politics", 1, 2*time.Hour, now)
	a.Summary = "Israel's 33rd government is set to be formally sworn in before parliament on Monday."
	b := rankStory("b", "List of Israel's new coalition government", "politics", 3, 5*time.Hour, now)
	b.Summary = "Israel's 33rd government is to be sworn in before parliament on Monday after a coalition deal."
	other := rankStory("c", "Scores injured in Port Said clashes", "politics", 1, time.Hour, now)
	old := b
	old.ID, old.Published, old.Articles = "old", now.Add(-60*time.Hour), []string{"old"}
	arabic := b
	arabic.ID, arabic.Lang, arabic.Articles = "ar", "ar", []string{"ar"}

	sel := Select([]Story{a, b, other}, Prefs{}, now)
	if got := storyIDs(sel.Stories); got != "b,c" {
		t.Fatalf("shown %q, want b,c (the 3-outlet copy, once)", got)
	}
	if arts := strings.Join(sel.Stories[0].Articles, ","); arts != "b,a" {
		t.Errorf("kept story's articles %q, want b,a", arts)
	}
	if sel.More != 0 {
		t.Errorf("the duplicate is counted in More (%d)", sel.More)
	}
	msg := RenderHTML(sel, RenderOptions{Lang: "en"})[0]
	if strings.Count(msg, "sworn in") != 1 {
		t.Errorf("the event is told %d times:\n%s", strings.Count(msg, "sworn in"), msg)
	}
	for _, tt := range []struct {
		name string
		in   []Story
	}{{"days apart", []Story{a, old}}, {"other language", []Story{a, arabic}}} {
		if got := len(Select(tt.in, Prefs{Lang: "en", StoryLangs: StoriesBoth}, now).Stories); got != 2 {
			t.Errorf("%s: %d stories shown, want both", tt.name, got)
		}
	}
	if pairs := NearDuplicates([]Story{a, other, b}); len(pairs) != 1 || pairs[0] != [2]int{0, 2} {
		t.Errorf("NearDuplicates = %v, want [[0 2]]", pairs)
	}
}

// TestServiceKindMemo: the engine's memo gives the same answer as matching
// the title, and a copy whose title changed is matched again.
func TestServiceKindMemo(t *testing.T) {
	eng := mustEngine(t, Config{})
	stories := eng.Stories([]Article{{ID: "t", Title: "مؤشر سوق الأسهم السعودية يتراجع 28 نقطة", Text: "تراجع مؤشر سوق الأسهم السعودية في ختام تداولات اليوم.", Source: "واس"}})
	if len(stories) != 1 || !stories[0].memo.set || ServiceKind(stories[0]) != "market" {
		t.Fatalf("engine story: memo %+v, kind %q", stories[0].memo, ServiceKind(stories[0]))
	}
	s := stories[0]
	s.Title = "Parliament passes the election law"
	if got := ServiceKind(s); got != "" {
		t.Errorf("retitled copy kept the memo: %q", got)
	}
}

// TestNearDuplicateMemo: the engine's memo of a story's words is what the
// guard computes from its headline and summary, and a copy whose summary
// changed is read anew — so two engine stories told in the same words are
// still taken for one event, and an edited copy is judged on its new text.
func TestNearDuplicateMemo(t *testing.T) {
	eng := mustEngine(t, Config{})
	now := time.Now()
	stories := eng.Stories([]Article{
		{ID: "a", Title: "Parliament swears in the new president", Text: "Parliament swore in the new president on Monday after a disputed vote in the capital.", Source: "Wire A", Lang: "en", Published: now.Add(-2 * time.Hour)},
		{ID: "b", Title: "Volcano erupts on the northern island", Text: "A volcano erupted on the northern island, sending ash over three villages.", Source: "Wire B", Lang: "en", Published: now.Add(-time.Hour)},
	})
	if len(stories) != 2 {
		t.Fatalf("%d stories, want 2", len(stories))
	}
	for _, s := range stories {
		if !s.memo.set || !slices.Equal(dupWords(s), dupHashes(s.Title, s.Summary)) {
			t.Fatalf("story %q: memo %+v differs from its words", s.Title, s.memo)
		}
	}
	a, b := stories[0], stories[1]
	if nearDuplicate(&a, &b, dupWords(a), dupWords(b)) {
		t.Fatalf("two different events taken for one: %q / %q", a.Title, b.Title)
	}
	b.Title, b.Summary = a.Title, a.Summary+" Officials confirmed it."
	if !nearDuplicate(&a, &b, dupWords(a), dupWords(b)) {
		t.Errorf("a copy retold in a's words was judged on its old memo")
	}
}
