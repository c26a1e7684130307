package digest

import (
	"fmt"
	"slices"
	"testing"
)

// uniqueWord is a word no other article of a test shares, so that texts
// differ (repeated paragraphs are boilerplate) and the model knows none.
func uniqueWord(prefix string, i int) string {
	w := []byte(prefix)
	for ; i > 0 || len(w) == len(prefix); i /= 26 {
		w = append(w, byte('a'+i%26))
	}
	return string(w)
}

// adaptModel is trained on two outlets: "kavo" and "lumet" are sport's,
// "pirax" and "denol" economy's, and "welmo" leans to economy (6 of its 10
// training articles).
func adaptModel(t *testing.T) *TopicModel {
	t.Helper()
	var docs []LabeledDoc
	for i := range 10 {
		src := []string{"A", "B"}[i%2]
		sport, economy := "kavo lumet "+uniqueWord("zs", i), "pirax denol "+uniqueWord("ze", i)
		if i < 4 {
			sport += " welmo"
		}
		if i < 6 {
			economy += " welmo"
		}
		docs = append(docs, LabeledDoc{Lang: "en", Topic: "sport", Text: sport, Source: src},
			LabeledDoc{Lang: "en", Topic: "economy", Text: economy, Source: src})
	}
	m, err := TrainTopicModel(docs, TrainOptions{MinDocs: 1})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// sourceCall is what one push reads of a source: confident sport reports
// that also say "welmo", and reports that say only "welmo".
func sourceCall(source string, confident, ambiguous int) []Article {
	var arts []Article
	for i := range confident + ambiguous {
		text := "kavo welmo " + uniqueWord("zc", i) + " " + uniqueWord("zd", i)
		if i >= confident {
			text = "welmo " + uniqueWord("zc", i) + " " + uniqueWord("zd", i)
		}
		arts = append(arts, Article{ID: fmt.Sprintf("%s%d", source, i), Source: source, Lang: "en",
			Title: uniqueWord("zt", i) + " " + uniqueWord("zu", i), Text: text})
	}
	return arts
}

// A source whose sport desk uses a word the training outlets used for
// economy files its ambiguous reports as sport once a call holds enough of
// its articles; with too few, or for another source's articles in the same
// call, the model's own reading stands.
func TestAdaptTopicsLearnsASourcesWords(t *testing.T) {
	e, err := NewEngine(Config{TopicModel: adaptModel(t)})
	if err != nil {
		t.Fatal(err)
	}
	other := sourceCall("D", 0, 5)
	for i := range other {
		other[i].ID, other[i].Text = "D-"+other[i].ID, other[i].Text+" "+uniqueWord("zo", i)
	}
	tests := []struct {
		name      string
		call      []Article
		source    string
		wantFirst string
	}{
		{"enough articles of the source", sourceCall("C", 25, 10), "C", "sport"},
		{"too few articles of the source", sourceCall("C", 15, 10), "C", "economy"},
		{"another source in the same call", append(sourceCall("C", 25, 10), other...), "D", "economy"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			anns := e.Annotate(tt.call)
			checked := 0
			for i, a := range tt.call {
				if a.Source != tt.source || !slices.Equal(Words(a.Text)[:1], []string{"welmo"}) {
					continue
				}
				checked++
				if got := anns[i].Topics; len(got) == 0 || got[0].ID != tt.wantFirst {
					t.Fatalf("%s (%q): topics %v, want %s first", a.ID, a.Text, got, tt.wantFirst)
				}
			}
			if checked < 5 {
				t.Fatalf("%d ambiguous reports of %s checked", checked, tt.source)
			}
		})
	}
}

// ClassifySource scores a source's articles as an engine call does: the
// model's own scores below adaptMinArticles, the adapted model's from there.
func TestClassifySource(t *testing.T) {
	m := adaptModel(t)
	terms := func(arts []Article) [][]string {
		out := make([][]string, len(arts))
		for i, a := range arts {
			out[i] = Terms(a.Title + "\n" + a.Text)
		}
		return out
	}
	few := terms(sourceCall("C", 15, 10))
	for i, ts := range m.ClassifySource("en", few, nil) {
		if want := m.ClassifyTerms("en", few[i]); !slices.Equal(ts, want) {
			t.Fatalf("article %d of 25: %v, want the model's own %v", i, ts, want)
		}
	}
	many := terms(sourceCall("C", 25, 10))
	got := m.ClassifySource("en", many, nil)
	for i := 25; i < 35; i++ {
		if own := m.ClassifyTerms("en", many[i]); own[0].ID != "economy" || got[i][0].ID != "sport" {
			t.Fatalf("ambiguous article %d: model %v, adapted %v; want economy, then sport", i, own, got[i])
		}
	}
	if got := m.ClassifySource("xx", many, nil); len(got) != len(many) || got[0] != nil {
		t.Fatalf("a language without a model: %v, want no scores", got[:1])
	}
}

// The adapted scores do not depend on the order the caller lists the
// source's articles in: the sums run in the call's canonical order.
func TestAdaptTopicsIsOrderIndependent(t *testing.T) {
	e, err := NewEngine(Config{TopicModel: adaptModel(t)})
	if err != nil {
		t.Fatal(err)
	}
	arts := sourceCall("C", 25, 10)
	topicsByID := func(arts []Article) map[string][]TopicScore {
		out := map[string][]TopicScore{}
		for i, a := range e.Annotate(arts) {
			out[arts[i].ID] = a.Topics
		}
		return out
	}
	want := topicsByID(arts)
	rev := slices.Clone(arts)
	slices.Reverse(rev)
	for id, got := range topicsByID(rev) {
		if !slices.Equal(got, want[id]) {
			t.Fatalf("%s: %v in reversed order, %v in the caller's", id, got, want[id])
		}
	}
}

// siteCall is a site's section feed of hinted reports and its front page of
// unhinted ones, all saying only "welmo" (the training outlets' economy
// word), the front page's links on frontHost.
func siteCall(hint, frontHost string) []Article {
	var arts []Article
	for i := range 35 {
		a := Article{ID: fmt.Sprintf("s%d", i), Lang: "en", Title: uniqueWord("zt", i) + " " + uniqueWord("zu", i),
			Text:   "welmo " + uniqueWord("zc", i) + " " + uniqueWord("zd", i),
			Source: "Site Sport", URL: fmt.Sprintf("https://www.site.example/sport/%d", i)}
		if hint != "" {
			a.Topics = []string{hint}
		}
		if i >= 20 {
			a.Source, a.Topics, a.URL = "Site", nil, fmt.Sprintf("https://%s/news/%d", frontHost, i)
		}
		arts = append(arts, a)
	}
	return arts
}

// A site's hinted articles (its sport section's feed) teach the model how
// the site writes that desk, so its front page's unhinted reports in the
// same words are filed under it; without the hints, or from another site,
// the model's own reading stands.
func TestAdaptTopicsLearnsFromASitesHints(t *testing.T) {
	e, err := NewEngine(Config{TopicModel: adaptModel(t)})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name      string
		call      []Article
		wantFirst string
	}{
		{"section feed hinted, same site", siteCall("Sport", "site.example"), "sport"},
		{"same site, no hints", siteCall("", "site.example"), "economy"},
		{"hinted section feed of another site", siteCall("Sport", "other.example"), "economy"},
		{"hint the classifier has no topic for", siteCall("Opinion", "site.example"), "economy"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			anns := e.Annotate(tt.call)
			for i, a := range tt.call {
				if a.Source != "Site" {
					continue
				}
				if got := anns[i].Topics; len(got) == 0 || got[0].ID != tt.wantFirst {
					t.Fatalf("%s (%s): topics %v, want %s first", a.ID, a.URL, got, tt.wantFirst)
				}
			}
		})
	}
}

func TestSiteOf(t *testing.T) {
	tests := []struct {
		url, source, wantHost, wantSource string
	}{
		{"https://www.bbc.co.uk/sport/1", "BBC Sport", "bbc.co.uk", ""},
		{"https://m.bbc.co.uk/news/2", "BBC News", "bbc.co.uk", ""},
		{"http://AMP.Example.com:8080/x?y=1", "E", "example.com", ""},
		{"https://www.aljazeera.net/news/2026/12/3/%D8%A7%D9%84%D8%B9%D8%B1%D8%A7%D9%82", "الجزيرة", "aljazeera.net", ""},
		{"https://site.example?id=3", "S", "site.example", ""},
		{"", "Radio X", "", "Radio X"},
		{"not a url", "Radio X", "", "Radio X"},
	}
	for _, tt := range tests {
		host, source := siteOf(Article{URL: tt.url, Source: tt.source})
		if host != tt.wantHost || source != tt.wantSource {
			t.Errorf("siteOf(%q, %q) = %q, %q, want %q, %q", tt.url, tt.source, host, source, tt.wantHost, tt.wantSource)
		}
	}
}

// A hinted article is scored by what the rest of its site teaches, not by
// its own hint, so a sport report in a feed an admin filed under economy is
// still read as sport by its text (the text overrules a hint it clearly
// contradicts), however the adaptation counts it.
func TestAdaptTopicsLetsTheTextOverruleAWrongHint(t *testing.T) {
	e, err := NewEngine(Config{TopicModel: adaptModel(t)})
	if err != nil {
		t.Fatal(err)
	}
	var call []Article
	for i := range 35 {
		text := "pirax denol " + uniqueWord("zc", i)
		if i == 0 {
			text = "kavo lumet kavo " + uniqueWord("zc", i)
		}
		call = append(call, Article{ID: fmt.Sprint("e", i), Lang: "en", Source: "Business", Topics: []string{"Economy"},
			URL: fmt.Sprintf("https://site.example/business/%d", i), Title: uniqueWord("zt", i), Text: text})
	}
	anns := e.Annotate(call)
	if got := anns[0].Topics; len(got) == 0 || got[0].ID != "sport" {
		t.Errorf("sport report hinted economy: topics %v, want sport first", got)
	}
	if got := anns[1].Topics; len(got) == 0 || got[0].ID != "economy" {
		t.Errorf("economy report hinted economy: topics %v, want economy first", got)
	}
}

// A push a minute after the last reuses the adaptation of a site whose
// articles did not change; one whose articles or hints changed is adapted
// afresh: the same topics as an engine that keeps nothing between calls.
func TestAdaptedScoresCachedUntilTheSiteChanges(t *testing.T) {
	cached, err := NewEngine(Config{TopicModel: adaptModel(t)})
	if err != nil {
		t.Fatal(err)
	}
	fresh, err := NewEngine(Config{TopicModel: adaptModel(t), PreparedCache: -1})
	if err != nil {
		t.Fatal(err)
	}
	call := sourceCall("C", 25, 10)
	fewerSure := slices.Clone(call)
	for i := range 12 {
		fewerSure[i].Text = "welmo " + uniqueWord("zc", i) + " " + uniqueWord("zd", i) // the sport word gone
	}
	hinted := slices.Clone(fewerSure)
	for i := range 12 {
		hinted[i].Topics = []string{"sport"}
	}
	for _, tt := range []struct {
		name string
		call []Article
	}{{"first call", call}, {"the same window again", call}, {"twelve reports edited", fewerSure}, {"the same reports hinted", hinted}} {
		got, want := cached.Annotate(tt.call), fresh.Annotate(tt.call)
		for i := range want {
			if !slices.Equal(roundScores(got[i].Topics), roundScores(want[i].Topics)) {
				t.Fatalf("%s: %s: %v with the cache, %v afresh", tt.name, tt.call[i].ID, got[i].Topics, want[i].Topics)
			}
		}
	}
	if n := len(cached.forms.adapted.cur) + len(cached.forms.adapted.prev); n != 3 {
		t.Errorf("%d adaptations cached for three distinct windows of one site", n)
	}
}
