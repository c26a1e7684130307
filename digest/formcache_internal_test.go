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
