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
	for i, ts := range m.ClassifySource("en", few) {
		if want := m.ClassifyTerms("en", few[i]); !slices.Equal(ts, want) {
			t.Fatalf("article %d of 25: %v, want the model's own %v", i, ts, want)
		}
	}
	many := terms(sourceCall("C", 25, 10))
	got := m.ClassifySource("en", many)
	for i := 25; i < 35; i++ {
		if own := m.ClassifyTerms("en", many[i]); own[0].ID != "economy" || got[i][0].ID != "sport" {
			t.Fatalf("ambiguous article %d: model %v, adapted %v; want economy, then sport", i, own, got[i])
		}
	}
	if got := m.ClassifySource("xx", many); len(got) != len(many) || got[0] != nil {
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
