package digest

import (
	"maps"
	"slices"
	"strings"
	"testing"
	"time"
)

// quake returns one report of the Fukushima quake by src at hour h.
func quake(id, src, url string, h int, text string) Article {
	return Article{ID: id, Source: src, URL: url, Published: mergeBase.Add(time.Duration(h) * time.Hour),
		Title: "Magnitude 6.1 earthquake strikes off Fukushima in north-east Japan", Text: text}
}

const quakeText = "A magnitude 6.1 earthquake struck off the coast of Fukushima in north-eastern Japan on Monday, the Japan Meteorological Agency said. No tsunami warning was issued."

// storyOf returns the story holding article id.
func storyOf(t *testing.T, stories []Story, id string) Story {
	t.Helper()
	for _, s := range stories {
		for _, a := range s.Articles {
			if a == id {
				return s
			}
		}
	}
	t.Fatalf("no story holds %s", id)
	return Story{}
}

func TestStoryCountsOutletsOnceAndLinksTheLatest(t *testing.T) {
	arts := append(background(),
		quake("r1", "Reuters", "https://reuters.example/1", 1, quakeText),
		quake("b1", "BBC", "https://bbc.example/1", 2, quakeText),
		quake("r2", " reuters", "https://reuters.example/2", 3, quakeText+" Trains were briefly halted."))
	e := mustEngine(t, Config{})
	s := storyOf(t, e.Stories(arts), "r1")
	if len(s.Articles) != 3 {
		t.Fatalf("story = %+v, want the three reports", s)
	}
	want := []Source{{"Reuters", "https://reuters.example/2"}, {"BBC", "https://bbc.example/1"}}
	if len(s.Sources) != 2 || s.Sources[0] != want[0] || s.Sources[1] != want[1] {
		t.Errorf("sources = %+v, want %+v", s.Sources, want)
	}
	if !s.FirstReported.Equal(mergeBase.Add(time.Hour)) || !s.Published.Equal(mergeBase.Add(3*time.Hour)) {
		t.Errorf("first reported %v, published %v", s.FirstReported, s.Published)
	}
	msg := RenderHTML(Selection{Stories: []Story{s}}, RenderOptions{Lang: "en"})[0]
	if !strings.Contains(msg, "2 sources") || strings.Count(msg, "<a href=") != 2 || !strings.Contains(msg, "reuters.example/2") || strings.Contains(msg, "reuters.example/1\"") {
		t.Errorf("rendered sources: %s", msg)
	}
}

func TestStorySummaryIsTheBestWrittenLead(t *testing.T) {
	long := "A magnitude 6.1 earthquake struck off the coast of Fukushima in north-eastern Japan on Monday morning, shaking buildings in the prefecture and in Tokyo, where office workers felt a long rolling motion and trains on several lines were halted for inspection while the agency, which monitors the seabed off the coast, studied the data and the risk of a tsunami wave reaching the shore. No tsunami warning was issued."
	first := quake("a", "AP", "https://ap.example/1", 1, long)
	good := quake("b", "BBC", "https://bbc.example/1", 2, quakeText)
	third := quake("c", "AFP", "https://afp.example/1", 3, quakeText+" Trains were briefly halted.")
	e := mustEngine(t, Config{})
	s := storyOf(t, e.Stories(append(background(), first, good, third)), "a")
	if len(s.Articles) != 3 || s.ID != storyID("a") {
		t.Fatalf("story = %+v", s)
	}
	if strings.HasSuffix(s.Summary, ellipsis) || !strings.HasPrefix(s.Summary, "A magnitude 6.1 earthquake struck off the coast of Fukushima in north-eastern Japan on Monday, the") {
		t.Errorf("summary %q is not the best-written member's lead", s.Summary)
	}
}

func TestStoryWithDisagreeingFiguresIsDisputed(t *testing.T) {
	e := mustEngine(t, Config{})
	for _, tt := range []struct {
		name      string
		a, b      string
		disputed  bool
		latestHas string
	}{
		{"english", quakeText + " Seven people were wounded.", quakeText + " No injuries were reported.", true, "No injuries"},
		{"english agreeing", quakeText + " Seven people were wounded.", quakeText + " At least 7 people were injured.", false, ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			a := quake("a", "AP", "https://ap.example/1", 1, strings.Replace(tt.a, ". No tsunami warning was issued.", ".", 1))
			b := quake("b", "BBC", "https://bbc.example/1", 2, strings.Replace(tt.b, ". No tsunami warning was issued.", ".", 1))
			s := storyOf(t, e.Stories(append(background(), a, b)), "a")
			if len(s.Articles) != 2 || s.Disputed != tt.disputed {
				t.Fatalf("story %v disputed = %v, want merged and %v", s.Articles, s.Disputed, tt.disputed)
			}
			en := RenderHTML(Selection{Stories: []Story{s}}, RenderOptions{Lang: "en"})[0]
			ar := RenderHTML(Selection{Stories: []Story{s}}, RenderOptions{Lang: "ar"})[0]
			if got := strings.Contains(en, "Reports differ on the figures") && strings.Contains(ar, "تختلف الأرقام بين المصادر"); got != tt.disputed {
				t.Errorf("rendered dispute note = %v, want %v:\n%s\n%s", got, tt.disputed, en, ar)
			}
			if tt.disputed && !strings.Contains(s.Summary, tt.latestHas) {
				t.Errorf("summary %q is not the latest report's", s.Summary)
			}
		})
	}
}

func TestCasualtyFigures(t *testing.T) {
	tests := []struct {
		text string
		want map[string]int
	}{
		{"At least 12 people were killed and 30 wounded in the blast.", map[string]int{"dead": 12, "hurt": 30}},
		{"Seven people were wounded; no injuries among the staff.", map[string]int{"hurt": 7}},
		{"No injuries were reported.", map[string]int{"hurt": 0}},
		{"Car bomb kills 12 at Baghdad's Karrada market", map[string]int{"dead": 12}},
		{"مقتل 15 شخصا وإصابة ٢٠ آخرين في انفجار ببغداد", map[string]int{"dead": 15, "hurt": 20}},
		{"سقط 15 قتيلا و٧ جرحى في الهجوم", map[string]int{"dead": 15, "hurt": 7}},
		{"انتهى الحريق دون وقوع إصابات", map[string]int{"hurt": 0}},
		{"أسفر الحادث عن وقوع إصابات طفيفة", map[string]int{}},
		{"سبعة جرحى في حادث سير", map[string]int{"hurt": 7}},
	}
	for _, tt := range tests {
		if got := casualtyFigures(Words(tt.text)); !maps.Equal(got, tt.want) {
			t.Errorf("casualtyFigures(%q) = %v, want %v", tt.text, got, tt.want)
		}
	}
}

func TestRenderSourcesCountsEveryOutlet(t *testing.T) {
	s := Story{Title: "t", Lang: "en"}
	for _, n := range []string{"A", "B", "C", "D", "E"} {
		s.Sources = append(s.Sources, Source{Name: n, URL: "https://" + strings.ToLower(n) + ".example/x"})
	}
	msg := RenderHTML(Selection{Stories: []Story{s}}, RenderOptions{Lang: "en"})[0]
	if !strings.Contains(msg, "5 sources") || strings.Count(msg, "<a href=") != maxLinks || !strings.Contains(msg, " +2") {
		t.Errorf("rendered: %s", msg)
	}
}

// A toll that rises between reports («12 قتيلا» → «15 قتيلا») is one
// event: one story, its headline and summary from the latest report, marked
// as differing on the figures. Tolls of two days of a war stay apart.
func TestTollUpdateIsOneStoryShowingTheLatest(t *testing.T) {
	tests := []struct {
		name        string
		first, next Article
		merge       bool
		latest      string // in the story's title and summary
	}{
		{"arabic",
			Article{ID: "a", Source: "الجزيرة", Published: mergeAt(1), Title: "مقتل 12 في انفجار سيارة مفخخة بسوق الكرادة في بغداد",
				Text: "قتل 12 شخصا وأصيب العشرات في انفجار سيارة مفخخة في سوق الكرادة الشعبي وسط بغداد صباح اليوم، وفق مصادر في الشرطة العراقية."},
			Article{ID: "b", Source: "العربية", Published: mergeAt(5), Title: "ارتفاع حصيلة انفجار سيارة مفخخة بسوق الكرادة في بغداد إلى 15 قتيلا",
				Text: "ارتفعت إلى 15 قتيلا حصيلة انفجار السيارة المفخخة في سوق الكرادة الشعبي وسط بغداد صباح اليوم، بحسب مصادر طبية، فيما أصيب العشرات."},
			true, "15"},
		{"english",
			Article{ID: "a", Source: "Reuters", Published: mergeAt(1), Title: "Car bomb kills 12 at Baghdad's Karrada market",
				Text: "A car bomb killed 12 people and wounded dozens at the crowded Karrada market in central Baghdad on Monday morning, police sources said."},
			Article{ID: "b", Source: "AP", Published: mergeAt(5), Title: "Baghdad Karrada market car bomb toll rises to 15 killed",
				Text: "The toll from Monday morning's car bomb at the crowded Karrada market in central Baghdad rose to 15 killed, medical sources said; dozens were wounded."},
			true, "15"},
		{"arabic: two days' tolls of a war",
			Article{ID: "a", Source: "الجزيرة", Published: mergeAt(0), Title: "المرصد السوري: 165 قتيلا في سوريا يوم الجمعة",
				Text: "قال المرصد السوري لحقوق الإنسان إن 165 شخصا قتلوا في أنحاء سوريا يوم الجمعة معظمهم في ريف دمشق وحلب."},
			Article{ID: "b", Source: "العربية", Published: mergeAt(24), Title: "المرصد السوري: 150 قتيلا في سوريا يوم السبت",
				Text: "قال المرصد السوري لحقوق الإنسان إن 150 شخصا قتلوا في أنحاء سوريا يوم السبت معظمهم في ريف دمشق ودرعا."},
			false, ""},
	}
	e := mustEngine(t, Config{})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if slices.Equal(numbers(tt.first.Title), numbers(tt.next.Title)) {
				t.Fatalf("precondition: the headlines carry the same figures")
			}
			stories := e.Stories(append(background(), tt.first, tt.next))
			s := storyOf(t, stories, "a")
			if merged := len(s.Articles) == 2; merged != tt.merge {
				t.Fatalf("story %v: merged = %v, want %v", s.Articles, merged, tt.merge)
			}
			if !tt.merge {
				return
			}
			if !s.Disputed || !strings.Contains(s.Title, tt.latest) || !strings.Contains(s.Summary, tt.latest) || strings.Contains(s.Title, "12") {
				t.Errorf("story title %q, summary %q, disputed %v: want the latest report's (%s) and the figures marked as differing", s.Title, s.Summary, s.Disputed, tt.latest)
			}
		})
	}
}
