package digest_test

import (
	"context"
	"reflect"
	"slices"
	"testing"
	"time"

	"newsdigest/digest"
	"newsdigest/eval"
	"newsdigest/internal/shareddata"
)

// poolDay is a day of real reports from several outlets: the Saudi
// multi-outlet set (the same events told by six outlets, so the
// near-duplicate guard has pairs to catch) and the English one (Ahram Online and others), all
// re-dated within the last day so every pair is close enough in time.
func poolDay(t testing.TB, perSet int) ([]digest.Story, time.Time) {
	t.Helper()
	now := time.Date(2026, 12, 1, 7, 0, 0, 0, time.UTC)
	var arts []digest.Article
	for _, f := range [][]string{{"news-multi-outlet", "ar", "saudinewsnet2015.jsonl"}, {"news-multi-outlet", "en", "newscred2013.jsonl"}} {
		ds, err := eval.LoadFile(context.Background(), shareddata.Path(t, f...))
		if err != nil {
			t.Fatal(err)
		}
		for i, r := range ds.Records[:min(perSet, len(ds.Records))] {
			a := eval.Article(r)
			a.Published = now.Add(-time.Duration(i%1440) * time.Minute)
			arts = append(arts, a)
		}
	}
	eng, err := digest.NewEngine(digest.Config{})
	if err != nil {
		t.Fatal(err)
	}
	return eng.Stories(arts), now
}

// TestPoolSelectsAsSelect: a push selects from a Pool, once per distinct
// set of preferences (Select is one such selection); every subscriber must
// get exactly the digest the pairwise selection (ReferenceSelect) gives over
// the same stories (same stories, order, merged near-duplicates,
// More pages), whatever their topics, keywords, size, languages and
// feedback, and from any subset of the window (a chat's unseen stories).
//
// Also: the near-duplicate pairs the pool finds through its word index
// are exactly those the pairwise test finds.
func TestPoolSelectsAsSelect(t *testing.T) {
	stories, now := poolDay(t, 900)
	want := digest.NearDuplicates(stories)
	if got := digest.NearDuplicatePairs(stories); !slices.Equal(got, want) {
		t.Errorf("indexed pairs %v, pairwise %v", got, want)
	}
	if len(want) == 0 {
		t.Fatal("no near-duplicate pairs in the data: the comparisons cannot fail")
	}
	pool := digest.NewPool(stories, now)
	all := make([]int, len(stories))
	for i := range all {
		all[i] = i
	}
	var odd, late []int
	for i := range all {
		if i%2 == 1 {
			odd = append(odd, i)
		}
		if i >= len(all)/3 {
			late = append(late, i)
		}
	}
	liked := stories[3]
	taps := digest.FeedbackWeights(&liked, "economy", true)
	for k, v := range digest.FeedbackWeights(&stories[10], "sport", false) {
		taps[k] += v
	}
	cases := []struct {
		name string
		p    digest.Prefs
	}{
		{"defaults", digest.Prefs{}},
		{"arabic reader", digest.Prefs{Lang: "ar", MaxStories: 50}},
		{"english reader, both languages", digest.Prefs{Lang: "en", StoryLangs: digest.StoriesBoth, MaxStories: 50}},
		{"own language only", digest.Prefs{Lang: "ar", StoryLangs: digest.StoriesOwn, MaxStories: 5}},
		{"topics", digest.Prefs{Topics: []string{"economy", "politics"}, Lang: "ar", MaxStories: 50}},
		{"include keyword", digest.Prefs{Include: []string{"السعودية", "oil"}, Lang: "ar", MaxStories: 20}},
		{"exclude keyword", digest.Prefs{Exclude: []string{"الهلال"}, Lang: "ar", MaxStories: 50}},
		{"keyword of stop words only", digest.Prefs{Include: []string{"..."}, MaxStories: 50}},
		{"feedback", digest.Prefs{Lang: "ar", MaxStories: 50, Weights: taps}},
		{"feedback and topics", digest.Prefs{Topics: []string{"economy", "sport", "society"}, Lang: "ar", Weights: taps}},
		{"every story", digest.Prefs{MaxStories: len(stories)}},
	}
	subsets := map[string][]int{"all": all, "odd": odd, "late": late}
	for _, c := range cases {
		for name, idx := range subsets {
			sub := make([]digest.Story, len(idx))
			for i, x := range idx {
				sub[i] = stories[x]
			}
			want := digest.ReferenceSelect(sub, c.p, now)
			got := pool.Select(idx, c.p)
			if !reflect.DeepEqual(got, want) {
				t.Errorf("%s, %s stories: pool selected %s, Select %s", c.name, name, ids(got), ids(want))
			}
		}
	}
	// The guard had work to do: over every story, near-duplicates were merged.
	if sel := pool.Select(all, digest.Prefs{MaxStories: len(stories)}); len(sel.Stories) == len(stories) {
		t.Errorf("no near-duplicates merged among %d stories: the comparison above did not cover the guard", len(stories))
	}
}

func ids(sel digest.Selection) []string {
	var out []string
	for _, s := range slices.Concat(sel.Stories, sel.Rest) {
		out = append(out, s.ID+"+"+string(rune('0'+len(s.Articles))))
	}
	return out
}

// TestPoolNearDuplicateChain: a story told three ways, where the second
// version (more outlets) takes the first's place and the third shares
// words with the first only. Select compares the third with the version
// now shown, which it does not resemble, so it stays a story of its own;
// the pool must do the same, not join it to the version that was replaced.
func TestPoolNearDuplicateChain(t *testing.T) {
	now := time.Date(2026, 12, 1, 6, 0, 0, 0, time.UTC)
	mk := func(id, words string, outlets int, score float64, age time.Duration) digest.Story {
		s := digest.Story{ID: id, Title: words, Lang: "en", Published: now.Add(-age), Articles: []string{id},
			Topics: []digest.TopicScore{{ID: "politics", Score: score}}}
		for i := range outlets {
			s.Sources = append(s.Sources, digest.Source{Name: string(rune('A'+i)) + " News", URL: "https://" + string(rune('a'+i)) + ".example/" + id})
		}
		return s
	}
	stories := []digest.Story{
		mk("first", "alpha bravo charlie delta echo foxtrot golf hotel india juliet", 1, 1, 0),
		mk("second", "alpha bravo charlie delta echo foxtrot kilo lima mike november", 2, 0.1, time.Hour),
		mk("third", "echo foxtrot golf hotel india juliet oscar papa quebec romeo", 1, 0.05, 2*time.Hour),
	}
	p := digest.Prefs{Topics: []string{"politics"}, Lang: "en"}
	want := digest.ReferenceSelect(stories, p, now)
	if got := ids(want); !slices.Equal(got, []string{"second+2", "third+1"}) {
		t.Fatalf("Select showed %v, want the second version (with the first's article) and the third", got)
	}
	if got := digest.NewPool(stories, now).Select([]int{0, 1, 2}, p); !reflect.DeepEqual(got, want) {
		t.Errorf("pool selected %v, Select %v", ids(got), ids(want))
	}
}
