package digest

import (
	"sort"
	"strings"
	"testing"
	"time"
)

func TestStoriesMergesNearDuplicates(t *testing.T) {
	base := time.Date(2026, 11, 28, 9, 0, 0, 0, time.UTC)
	seed := seedArticle(t)
	seed.Published = base
	// another outlet: same report, first paragraph reworded, one paragraph dropped
	paras := strings.Split(seed.Text, "\n")
	other := Article{ID: "other", Source: "Al Arabiya", URL: "https://alarabiya.net/a",
		Title:     "العراق يريد بدء انسحاب قوات التحالف في سبتمبر",
		Text:      "أفادت مصادر عراقية بأن بغداد تريد أن تبدأ قوات التحالف الانسحاب في سبتمبر.\n" + strings.Join(paras[1:len(paras)-2], "\n"),
		Published: base.Add(5 * time.Hour)}
	late := other
	late.ID, late.Published = "late", base.Add(72*time.Hour)
	unrelated := Article{ID: "goal", Source: "Kooora", Title: "الترجي يفوز على النجم في الدربي",
		Text:      "فاز الترجي الرياضي على النجم الساحلي بهدفين مقابل هدف في مباراة الدربي التي جرت مساء الأحد في ملعب رادس أمام جمهور غفير.\nوسجل الهدفين اللاعب يوسف البلايلي.",
		Published: base.Add(time.Hour)}
	english := Article{ID: "en", Source: "Reuters", Title: "Iraq wants US-led coalition to start leaving in September",
		Text:      "Iraq wants the U.S.-led military coalition to begin withdrawing in September, four Iraqi sources said.",
		Published: base.Add(2 * time.Hour)}

	e := mustEngine(t, Config{})
	stories := e.Stories([]Article{unrelated, other, english, late, seed})
	got := map[string]string{}
	for _, s := range stories {
		got[strings.Join(s.Articles, "+")] = s.ID
	}
	for _, want := range []string{"seed+other", "goal", "en", "late"} {
		if _, ok := got[want]; !ok {
			t.Errorf("missing story %s; got %v", want, got)
		}
	}
	for _, s := range stories {
		if strings.Join(s.Articles, "+") == "seed+other" {
			if len(s.Sources) != 2 || !s.Published.Equal(other.Published) || s.ID != storyID("seed") || !strings.HasPrefix(s.Summary, seedLead) {
				t.Errorf("merged story = %+v", s)
			}
		}
	}
	again := e.Stories([]Article{seed, late, english, other, unrelated})
	for i := range stories {
		if stories[i].ID != again[i].ID {
			t.Fatalf("order depends on input order: %s vs %s", stories[i].ID, again[i].ID)
		}
	}
}

func TestStoriesTopics(t *testing.T) {
	e := mustEngine(t, Config{ExtraTopics: map[string][]string{"oil": {"نفط", "oil price"}}})
	tests := []struct {
		name string
		a    Article
		want []string // must all be present
	}{
		{"gazetteer", seedArticle(t), []string{"middle-east"}},
		{"feed hint", Article{ID: "h", Text: "A match report about the final.", Topics: []string{"Sports"}}, []string{"sport"}},
		{"arabic hint", Article{ID: "h2", Text: "تقرير عن المباراة النهائية.", Topics: []string{"رياضة"}}, []string{"sport"}},
		{"admin keyword topic", Article{ID: "k", Text: "ارتفعت أسعار النفط في الأسواق العالمية اليوم."}, []string{"oil"}},
		{"admin phrase topic", Article{ID: "k2", Text: "The oil prices rose again on Monday in Asia."}, []string{"oil"}},
		{"feed hint naming an admin topic", Article{ID: "k3", Text: "Markets were calm today.", Topics: []string{"Oil"}}, []string{"oil"}},
		{"health lexicon (arabic)", Article{ID: "h3", Title: "وزارة الصحة: حملة تلقيح في المستشفيات", Text: "أطلقت وزارة الصحة حملة لقاح ضد فيروس الإنفلونزا في المستشفيات العمومية."}, []string{"health"}},
		{"science lexicon (english)", Article{ID: "s1", Title: "Astronomers find a new planet", Text: "Scientists using a space telescope have found a planet the size of Earth."}, []string{"science"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := e.Stories([]Article{tt.a})[0]
			have := map[string]bool{}
			for _, ts := range s.Topics {
				have[ts.ID] = true
				if ts.Score <= 0 || ts.Score > 1 {
					t.Errorf("score out of range: %+v", ts)
				}
			}
			for _, w := range tt.want {
				if !have[w] {
					t.Errorf("topics %+v lack %s", s.Topics, w)
				}
			}
		})
	}
}

func TestStoriesWindowIsAnchoredAtTheFirstReport(t *testing.T) {
	base := time.Date(2026, 11, 28, 6, 0, 0, 0, time.UTC)
	text := "يكون الطقس مغيما جزئيا بأغلب المناطق مع أمطار متفرقة ورعدية بالشمال والوسط، وتتراوح درجات الحرارة القصوى بين 20 و28 درجة، والريح قوية نسبيا قرب السواحل."
	var arts []Article
	for i, h := range []int{0, 30, 60} {
		arts = append(arts, Article{ID: string(rune('a' + i)), Title: "طقس اليوم", Text: text, Published: base.Add(time.Duration(h) * time.Hour)})
	}
	e := mustEngine(t, Config{})
	var groups []string
	for _, s := range e.Stories(arts) {
		groups = append(groups, strings.Join(s.Articles, "+"))
	}
	if strings.Join(groups, ",") != "c,a+b" {
		t.Errorf("stories %v, want the 60 h bulletin apart from the first two (c,a+b)", groups)
	}
}

func TestStoriesMergeFollowUpUnderTheSameHeadline(t *testing.T) {
	base := time.Date(2026, 11, 28, 9, 0, 0, 0, time.UTC)
	first := Article{ID: "a", Title: "إرهابيون يختطفون شقيق الراعي في جبل المغيلة", Published: base,
		Text: "أقدمت مجموعة إرهابية صباح اليوم على اختطاف شقيق الراعي بجبل المغيلة بسيدي بوزيد، وفق مصدر أمني."}
	follow := Article{ID: "b", Title: "إرهابيون يختطفون شقيق الراعي في جبل المغيلة: تفاصيل جديدة", Published: base.Add(3 * time.Hour),
		Text: "أكدت عائلة الراعي أن المجموعة الإرهابية اقتادت الشقيق نحو الجبل بعد اختطاف قطيع الأغنام، وأن وحدات الجيش تلاحقها."}
	e := mustEngine(t, Config{})
	if s := e.Stories([]Article{follow, first}); len(s) != 1 || len(s[0].Articles) != 2 {
		t.Errorf("follow-up under the same headline not merged: %d stories", len(s))
	}
}

func TestStoriesMergeRewritesAcrossOutlets(t *testing.T) {
	base := time.Date(2026, 11, 28, 9, 0, 0, 0, time.UTC)
	reuters := Article{ID: "r", Source: "Reuters", Published: base,
		Title: "Iraq wants US-led coalition to begin withdrawal in September",
		Text:  "Iraq wants the U.S.-led military coalition to begin withdrawing in September and formally end its mission by September 2025, four Iraqi sources said. Some U.S. troops could stay in an advisory role."}
	bbc := Article{ID: "b", Source: "BBC", Published: base.Add(4 * time.Hour),
		Title: "Iraq seeks end to US-led coalition mission by 2025",
		Text:  "Baghdad wants coalition troops to start withdrawing from Iraq in September, with the mission formally ending in September 2025, according to Iraqi officials. Talks with Washington continue this week."}
	sameOutlet := bbc
	sameOutlet.ID, sameOutlet.Source = "r2", "Reuters"
	other := Article{ID: "p", Source: "AP", Published: base.Add(time.Hour),
		Title: "Iraq's parliament elects new speaker after months of deadlock",
		Text:  "Iraq's parliament elected a new speaker on Tuesday, ending months of political deadlock among the country's factions."}
	e := mustEngine(t, Config{})
	tests := []struct {
		name string
		arts []Article
		want string
	}{
		{"two outlets, one event", []Article{bbc, reuters, other}, "b+r,p"},
		{"one outlet's two reports of one event are one story", []Article{sameOutlet, reuters}, "r+r2"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var groups []string
			for _, s := range e.Stories(tt.arts) {
				ids := append([]string(nil), s.Articles...)
				sort.Strings(ids)
				groups = append(groups, strings.Join(ids, "+"))
			}
			sort.Strings(groups)
			if got := strings.Join(groups, ","); got != tt.want {
				t.Errorf("stories %s, want %s", got, tt.want)
			}
		})
	}
}
