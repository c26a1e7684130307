package digest_test

import (
	"context"
	"fmt"
	"reflect"
	"strings"
	"sync"
	"testing"

	"newsdigest/digest"
	"newsdigest/eval"
	"newsdigest/internal/shareddata"
)

// loadMulti returns the first n articles of each of the multi-outlet files
// (Arabic and English, several outlets a day).
func loadMulti(t *testing.T, n int, files ...string) []digest.Article {
	t.Helper()
	var arts []digest.Article
	for _, f := range files {
		ds, err := eval.LoadFile(context.Background(), shareddata.Path(t, "news-multi-outlet", f))
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range ds.Records[:min(n, len(ds.Records))] {
			arts = append(arts, eval.Article(r))
		}
	}
	return arts
}

func newEngine(t *testing.T, cfg digest.Config) *digest.Engine {
	t.Helper()
	e, err := digest.NewEngine(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// sameStories compares stories with topic scores to 1e-9: the classifier
// sums its log-likelihoods in map order, so the last bits of a score vary
// from call to call with or without kept forms.
func sameStories(a, b []digest.Story) bool {
	round := func(ss []digest.Story) []digest.Story {
		out := make([]digest.Story, len(ss))
		for i, s := range ss {
			s.Topics = digest.RoundScores(s.Topics)
			out[i] = s
		}
		return out
	}
	return reflect.DeepEqual(round(a), round(b))
}

// A push a minute after the last one reads the prepared forms the engine
// kept; what subscribers get must not depend on it: the same stories as an
// engine that prepares everything afresh, call after call, and an article
// edited between two pushes shows its new text.
func TestPreparedFormsKeptBetweenCallsChangeNothing(t *testing.T) {
	arts := loadMulti(t, 400, "ar/saudinewsnet2015.jsonl", "en/newscred2013.jsonl")
	for _, cfg := range []digest.Config{{}, {ExtraTopics: map[string][]string{"hajj": {"الحج", "مكة"}, "oil": {"oil price", "أسعار النفط"}}}} {
		t.Run(fmt.Sprintf("extra topics %d", len(cfg.ExtraTopics)), func(t *testing.T) {
			fresh := cfg
			fresh.PreparedCache = -1
			ref, cached := newEngine(t, fresh), newEngine(t, cfg)
			want := ref.Stories(arts)
			for call := range 2 {
				if got := cached.Stories(arts); !sameStories(got, want) {
					t.Fatalf("call %d: %d stories with kept forms differ from %d prepared afresh", call, len(got), len(want))
				}
			}
			gotAnn, wantAnn := cached.Annotate(arts[:100]), ref.Annotate(arts[:100])
			for i := range gotAnn {
				g, w := gotAnn[i], wantAnn[i]
				g.Topics, w.Topics = digest.RoundScores(g.Topics), digest.RoundScores(w.Topics)
				if !reflect.DeepEqual(g, w) {
					t.Fatalf("Annotate of article %d with kept forms differs from afresh:\n%+v\n%+v", i, g, w)
				}
			}

			edited := append([]digest.Article(nil), arts...)
			edited[3].Text = "أعلنت وزارة الصحة اليوم افتتاح مستشفى جديد في مدينة جدة بسعة خمسمئة سرير.\n" + edited[3].Text
			edited[500].Title = "Oil price falls as OPEC ministers meet in Vienna"
			wantEd, gotEd := ref.Stories(edited), cached.Stories(edited)
			if !sameStories(gotEd, wantEd) {
				t.Fatal("after an edit, stories with kept forms differ from afresh")
			}
			if !hasStoryOf(gotEd, edited[3].ID, "أعلنت وزارة الصحة اليوم افتتاح مستشفى جديد") {
				t.Error("the edited article's story does not show its new lead")
			}
			if !hasStoryOf(gotEd, edited[500].ID, "Oil price falls") {
				t.Error("the retitled article's story does not show its new title")
			}
		})
	}
}

// hasStoryOf reports whether the story holding article id shows text in
// its title or summary.
func hasStoryOf(stories []digest.Story, id, text string) bool {
	for _, s := range stories {
		for _, a := range s.Articles {
			if a == id {
				return strings.Contains(s.Title, text) || strings.Contains(s.Summary, text)
			}
		}
	}
	return false
}

// The engine serves many goroutines (compose, alerts, search) at once, each
// with its own window of articles, through one cache.
func TestPreparedFormsSharedByConcurrentCalls(t *testing.T) {
	arts := loadMulti(t, 300, "ar/saudinewsnet2015.jsonl")
	ref := newEngine(t, digest.Config{PreparedCache: -1})
	windows := [][]digest.Article{arts, arts[:150], arts[100:], arts[50:250]}
	want := make([][]digest.Story, len(windows))
	for i, w := range windows {
		want[i] = ref.Stories(w)
	}
	shared := newEngine(t, digest.Config{PreparedCache: 120}) // smaller than the windows: generations turn over meanwhile
	var wg sync.WaitGroup
	errs := make(chan string, 3*len(windows))
	for range 3 {
		for i, w := range windows {
			wg.Go(func() {
				if got := shared.Stories(w); !sameStories(got, want[i]) {
					errs <- fmt.Sprintf("window %d: stories differ from an engine without kept forms", i)
				}
			})
		}
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
}
