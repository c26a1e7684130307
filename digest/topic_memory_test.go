package digest

import (
	"fmt"
	"math"
	"slices"
	"testing"
	"time"
)

// datedSiteCall is sourceCall's reports on host, published a minute apart
// from start, their IDs prefixed with prefix.
func datedSiteCall(prefix, host string, start time.Time, confident, ambiguous int) []Article {
	arts := sourceCall("S", confident, ambiguous)
	for i := range arts {
		arts[i].ID = prefix + arts[i].ID
		arts[i].URL = fmt.Sprintf("https://%s/news/%s", host, arts[i].ID)
		arts[i].Published = start.Add(time.Duration(i) * time.Minute)
		arts[i].Text += " " + uniqueWord(prefix, i) // distinct from other batches' texts
	}
	return arts
}

// firstTopics is the first topic Annotate gives each article of arts.
func firstTopics(e *Engine, arts []Article) []string {
	var out []string
	for _, a := range e.Annotate(arts) {
		first := ""
		if len(a.Topics) > 0 {
			first = a.Topics[0].ID
		}
		out = append(out, first)
	}
	return out
}

// An alert check reads a couple of hours, a small feed a few reports a
// day: too few of a site's articles for the call to adapt the model to
// them. The engine remembers what it prepared at ingest, so a small call
// reads its ambiguous reports as the site's recent ones taught (sport), as
// a digest of the site's window would; not on an engine that prepared
// nothing, not for another site, and not once the site's articles are
// older than a digest's window.
func TestSmallCallAdaptsToTheSitesRememberedArticles(t *testing.T) {
	// in the past: the memory does not take a feed's future dates for the present
	base := time.Now().UTC().Add(-2 * topicMemoryAge).Truncate(time.Hour)
	earlier := datedSiteCall("p", "site.example", base, 25, 10) // what the ingester stored this morning
	alert := datedSiteCall("q", "site.example", base.Add(3*time.Hour), 0, 5)
	otherSite := datedSiteCall("r", "other.example", base.Add(3*time.Hour), 0, 5)
	muchLater := datedSiteCall("z", "later.example", base.Add(topicMemoryAge+4*time.Hour), 0, 1)

	tests := []struct {
		name    string
		prepare [][]Article
		call    []Article
		want    string
	}{
		{"the site's articles prepared at ingest", [][]Article{earlier}, alert, "sport"},
		{"nothing prepared", nil, alert, "economy"},
		{"another site's articles prepared", [][]Article{earlier}, otherSite, "economy"},
		{"the site's articles forgotten after a week", [][]Article{earlier, muchLater}, alert, "economy"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, cache := range []int{0, -1} {
				e, err := NewEngine(Config{TopicModel: adaptModel(t), PreparedCache: cache})
				if err != nil {
					t.Fatal(err)
				}
				for _, batch := range tt.prepare {
					e.Learn(batch...)
					e.Prepare(batch...)
				}
				for i, got := range firstTopics(e, tt.call) {
					if got != tt.want {
						t.Fatalf("PreparedCache %d: %s (%q): first topic %q, want %q", cache, tt.call[i].ID, tt.call[i].Text, got, tt.want)
					}
				}
			}
		})
	}
}

// A digest of the site's whole window reads the same topics whether or not
// the engine remembers the site's articles: the call's own articles are
// not counted twice, and an edited article is remembered once, as edited.
func TestRememberedArticlesAreNotCountedTwice(t *testing.T) {
	base := time.Date(2026, 12, 1, 6, 0, 0, 0, time.UTC)
	window := datedSiteCall("p", "site.example", base, 25, 10)
	fresh, err := NewEngine(Config{TopicModel: adaptModel(t)})
	if err != nil {
		t.Fatal(err)
	}
	e, err := NewEngine(Config{TopicModel: adaptModel(t)})
	if err != nil {
		t.Fatal(err)
	}
	e.Prepare(window...)
	edited := append([]Article(nil), window...)
	edited[0].Text += " " + uniqueWord("edit", 1)
	e.Prepare(edited[0])
	if got := len(e.topicMem.sites[siteLang{"site.example", "", "en"}]); got != len(window) {
		t.Fatalf("%d articles remembered for %d prepared (one of them twice, edited)", got, len(window))
	}
	want, got := fresh.Annotate(window), e.Annotate(window)
	for i := range want {
		if !slices.Equal(roundScores(got[i].Topics), roundScores(want[i].Topics)) {
			t.Fatalf("%s: %v with the site remembered, %v without", window[i].ID, got[i].Topics, want[i].Topics)
		}
	}
}

// roundScores rounds scores to 1e-9: the sums behind them may run in
// another order between two engines that compute the same thing.
func roundScores(ts []TopicScore) []TopicScore {
	out := append([]TopicScore(nil), ts...)
	for k := range out {
		out[k].Score = math.Round(out[k].Score*1e9) / 1e9
	}
	return out
}

// The memory keeps a site's latest AdaptWindow articles and at most
// maxTopicMemory in all; undated articles are not remembered (they could
// never be forgotten).
func TestTopicMemoryBounds(t *testing.T) {
	base := time.Date(2026, 12, 1, 6, 0, 0, 0, time.UTC)
	m := newTopicMemory()
	site := siteLang{"site.example", "", "en"}
	for i := range AdaptWindow + 50 {
		m.add(site, memArticle{key: uint64(i + 1), at: base.Add(time.Duration(i) * time.Second).Unix(), rows: []int32{1}})
	}
	list := m.sites[site]
	if len(list) != AdaptWindow || m.n != AdaptWindow {
		t.Fatalf("%d remembered (count %d), want the latest %d", len(list), m.n, AdaptWindow)
	}
	if list[0].key != 51 || list[len(list)-1].key != AdaptWindow+50 {
		t.Fatalf("kept keys %d…%d, want the latest: 51…%d", list[0].key, list[len(list)-1].key, AdaptWindow+50)
	}

	// A full memory: a new site's article takes the place of the oldest of
	// the site holding the most; a site as large as every other one
	// replaces its own oldest.
	m.n = maxTopicMemory
	newSite := siteLang{"new.example", "", "en"}
	m.add(newSite, memArticle{key: 1, at: base.Unix()})
	if len(m.sites[newSite]) != 1 || len(m.sites[site]) != AdaptWindow-1 || m.sites[site][0].key != 52 || m.n != maxTopicMemory {
		t.Fatalf("full memory: new site holds %d, the large one %d from key %d (count %d); want 1 and %d from 52",
			len(m.sites[newSite]), len(m.sites[site]), m.sites[site][0].key, m.n, AdaptWindow-1)
	}
	small := memorySite(t, 2)
	small.n = maxTopicMemory
	a, b := siteLang{"a.example", "", "en"}, siteLang{"b.example", "", "en"}
	small.add(a, memArticle{key: 99, at: base.Add(time.Hour).Unix()})
	if keys := memKeys(small.sites[a]); fmt.Sprint(keys) != "[2 99]" || len(small.sites[b]) != 2 || small.n != maxTopicMemory {
		t.Fatalf("full memory, sites of two: a holds %v, b %d (count %d); want a's oldest replaced: [2 99], b 2", keys, len(small.sites[b]), small.n)
	}

	e, err := NewEngine(Config{TopicModel: adaptModel(t)})
	if err != nil {
		t.Fatal(err)
	}
	undated := sourceCall("U", 3, 0)
	e.Prepare(undated...)
	if e.topicMem.n != 0 {
		t.Fatalf("%d undated articles remembered", e.topicMem.n)
	}
}

// The ingester prepares (and so remembers) while pushes, alert checks and
// searches read the memory: run with -race.
func TestTopicMemoryServesConcurrentCalls(t *testing.T) {
	e, err := NewEngine(Config{TopicModel: adaptModel(t)})
	if err != nil {
		t.Fatal(err)
	}
	base := time.Now().UTC().Add(-24 * time.Hour).Truncate(time.Hour)
	want := firstTopics(e, datedSiteCall("q", "site.example", base.Add(3*time.Hour), 0, 5))
	done := make(chan []string, 4)
	for g := range 4 {
		go func() {
			var got []string
			for k := range 10 {
				if g == 0 {
					e.Prepare(datedSiteCall(fmt.Sprintf("p%d-", k), "site.example", base.Add(time.Duration(k)*time.Minute), 4, 0)...)
					continue
				}
				got = firstTopics(e, datedSiteCall("q", "site.example", base.Add(3*time.Hour), 0, 5))
			}
			done <- got
		}()
	}
	for range 4 {
		<-done
	}
	if got := firstTopics(e, datedSiteCall("q", "site.example", base.Add(3*time.Hour), 0, 5)); got[0] != "sport" || want[0] != "economy" {
		t.Fatalf("after 40 confident sport reports prepared: %v (before: %v), want sport after, economy before", got, want)
	}
}

// memorySite is a memory of sites a.example and b.example, each holding
// keys 1…n published a second apart.
func memorySite(t *testing.T, n int) *topicMemory {
	t.Helper()
	m := newTopicMemory()
	base := time.Date(2026, 12, 1, 6, 0, 0, 0, time.UTC)
	for _, host := range []string{"a.example", "b.example"} {
		for i := 1; i <= n; i++ {
			m.add(siteLang{host, "", "en"}, memArticle{key: uint64(i), at: base.Add(time.Duration(i) * time.Second).Unix()})
		}
	}
	return m
}

func memKeys(list []memArticle) []uint64 {
	var out []uint64
	for _, a := range list {
		out = append(out, a.key)
	}
	return out
}
