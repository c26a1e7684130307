package delivery

import (
	"context"
	"testing"

	"newsdigest/digest"
	"newsdigest/eval"
	"newsdigest/news"
	"newsdigest/seeds"
)

// The composer matches keywords against stems computed once per push; it
// must agree with digest.MatchKeyword (what digest.Select applies) on every
// story and keyword, Arabic and English, single words and phrases.
func TestComposerKeywordsAgreeWithMatchKeyword(t *testing.T) {
	arts, err := news.LoadSeeds(context.Background(), seeds.FS)
	if err != nil {
		t.Fatal(err)
	}
	var pool []digest.Article
	for _, a := range arts {
		pool = append(pool, a.Article)
	}
	sets, err := eval.LoadDir(context.Background(), "../eval/testdata/data")
	if err != nil {
		t.Fatal(err)
	}
	for _, ds := range sets {
		for _, r := range ds.Records {
			pool = append(pool, digest.Article{Title: r.Title, Text: r.Text, Lang: r.Lang})
		}
	}
	var stories []digest.Story
	for _, a := range pool {
		stories = append(stories, digest.Story{Title: a.Title, Summary: digest.Summarize(a, 300)})
	}
	stories = append(stories, digest.Story{Title: "والعراق يرفع إنتاج النفط", Summary: "Oil prices rose; Iraq's output grew."})
	keywords := []string{"oil", "Iraq", "oil prices", "prices oil", "العراق", "النفط", "إنتاج النفط", "the", "و", "football", "كرة القدم", "elections", "«"}
	for _, a := range pool {
		if w := digest.Words(a.Title); len(w) > 1 {
			keywords = append(keywords, w[0], w[0]+" "+w[1])
		}
	}
	c := newComposer(&Service{}, window{stories: stories}, false)
	agree := 0
	for _, kw := range keywords {
		got := c.matches(kw)
		for i, st := range stories {
			want := digest.MatchKeyword(st.Title+"\n"+st.Summary, kw)
			if match := got != nil && got[i]; match != want {
				t.Errorf("keyword %q on story %q: composer %v, digest.MatchKeyword %v", kw, st.Title, match, want)
			}
			if want {
				agree++
			}
		}
	}
	if agree < 10 {
		t.Fatalf("only %d matches in the corpus: the test checks too little", agree)
	}
}
