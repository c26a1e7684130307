package digest

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// The kept forms are bounded: however many articles the calls bring, the
// engine holds at most two generations of PreparedCache forms, and what it
// forgot is prepared again, the same.
func TestFormCacheIsBounded(t *testing.T) {
	const limit = 40
	e, err := NewEngine(Config{PreparedCache: limit})
	if err != nil {
		t.Fatal(err)
	}
	base := time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)
	var arts []Article
	for i := range 300 {
		arts = append(arts, Article{ID: fmt.Sprintf("a%d", i), Source: "S", Published: base.Add(time.Duration(i) * time.Hour),
			Title: fmt.Sprintf("Council votes on budget plan number %d", i),
			Text:  fmt.Sprintf("The city council voted on plan %d on Monday after a long debate about schools and roads.", i)})
	}
	first := e.Stories(arts[:100])
	for k := 0; k+50 <= len(arts); k += 25 {
		_ = e.Stories(arts[k : k+50])
		if n := len(e.forms.forms.cur) + len(e.forms.forms.prev); n > 2*limit {
			t.Fatalf("after the window at %d the engine keeps %d forms, want at most %d", k, n, 2*limit)
		}
		if n := len(e.forms.paras.cur) + len(e.forms.paras.prev); n > 2*limit {
			t.Fatalf("after the window at %d the engine keeps %d paragraph hash lists, want at most %d", k, n, 2*limit)
		}
	}
	if again := e.Stories(arts[:100]); shown(again) != shown(first) {
		t.Error("stories of forgotten articles differ once they are prepared again")
	}
	off, err := NewEngine(Config{PreparedCache: -1})
	if err != nil {
		t.Fatal(err)
	}
	_ = off.Stories(arts[:10])
	if off.forms != nil {
		t.Error("PreparedCache < 0 still keeps forms")
	}
}

// shown is what a reader sees of stories, topic scores to 9 digits (the
// classifier sums in map order, so the last bits vary from call to call).
func shown(stories []Story) string {
	var b strings.Builder
	for _, s := range stories {
		fmt.Fprintf(&b, "%s %q %q %v %v %v", s.ID, s.Title, s.Summary, s.Articles, s.Sources, s.Published)
		for _, ts := range s.Topics {
			fmt.Fprintf(&b, " %s=%.9f", ts.ID, ts.Score)
		}
		b.WriteString("\n")
	}
	return b.String()
}

// The ingester has the engine prepare what it stores (Learn, then
// Prepare), so the push after it finds its window's forms ready: the
// articles stripped the same way at ingest and at the push are not
// prepared again, one whose paragraph became boilerplate only with a later
// batch is, and the stories equal those of an engine that prepares
// everything at the push.
func TestPrepareAtIngestLeavesThePushNothingToPrepare(t *testing.T) {
	base := time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)
	const teaser = "Read also: the mayor opens a new bridge over the river"
	article := func(i int, withTeaser bool) Article {
		text := fmt.Sprintf("The council of district %d voted on Monday on a plan for schools, roads and a new clinic near the market.", i)
		if withTeaser {
			text += "\n" + teaser
		}
		return Article{ID: fmt.Sprintf("a%d", i), Source: "Wire", Lang: "en", Published: base.Add(time.Duration(i) * time.Minute),
			Title: fmt.Sprintf("District %d council votes on schools plan", i), Text: text}
	}
	// The teaser is on two articles of the first batch (not yet boilerplate
	// there) and one of the second: three in the window.
	first := []Article{article(1, true), article(2, true), article(3, false), article(4, false)}
	second := []Article{article(5, true), article(6, false), article(7, false)}
	window := append(append([]Article(nil), first...), second...)

	e, err := NewEngine(Config{})
	if err != nil {
		t.Fatal(err)
	}
	for _, batch := range [][]Article{first, second} {
		e.Learn(batch...)
		e.Prepare(batch...)
	}
	prep, keys := e.stripAll(window)
	var missing []string
	for i, f := range e.forms.get(keys) {
		if f == nil {
			missing = append(missing, prep[i].ID)
		}
	}
	for _, id := range missing {
		if id != "a1" && id != "a2" {
			t.Errorf("the push must prepare %s again: its form from ingest should have been used (missing %v)", id, missing)
		}
	}
	if len(missing) == len(window) {
		t.Fatal("nothing prepared at ingest was found by the push")
	}

	fresh, err := NewEngine(Config{PreparedCache: -1})
	if err != nil {
		t.Fatal(err)
	}
	fresh.Learn(first...)
	fresh.Learn(second...)
	if got, want := shown(e.Stories(window)), shown(fresh.Stories(window)); got != want {
		t.Errorf("stories after preparing at ingest differ from preparing at the push:\n%s\nwant:\n%s", got, want)
	}
	if strings.Contains(shown(e.Stories(window)), "Read also") {
		t.Error("the teaser, boilerplate in the window, reached a story")
	}
}
