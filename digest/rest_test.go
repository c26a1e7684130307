package digest

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

func restStory(id string, sources int, published time.Time) Story {
	s := Story{ID: id, Title: "Story " + id, Summary: "About " + id + ".", Lang: "en", Published: published,
		Topics: []TopicScore{{ID: "world", Score: 0.9}}, Articles: []string{id}}
	for i := range sources {
		s.Sources = append(s.Sources, Source{Name: fmt.Sprint("Outlet ", i), URL: fmt.Sprintf("https://o%d.example/%s", i, id)})
	}
	return s
}

func storyIDs(stories []Story) string {
	var out []string
	for _, s := range stories {
		out = append(out, s.ID)
	}
	return strings.Join(out, ",")
}

// TestSelectKeepsWhatTheCapCuts: the stories beyond MaxStories are kept in
// Rest, in rank order, and More counts them.
func TestSelectKeepsWhatTheCapCuts(t *testing.T) {
	now := time.Date(2026, 12, 1, 8, 0, 0, 0, time.UTC)
	var all []Story
	for i, src := range []int{1, 5, 3, 7, 2} { // ranked by outlets: d b c e a
		all = append(all, restStory(string(rune('a'+i)), src, now.Add(-time.Hour)))
	}
	tests := []struct {
		max           int
		stories, rest string
		wantMore      int
	}{
		{2, "d,b", "c,e,a", 3},
		{5, "d,b,c,e,a", "", 0},
		{1, "d", "b,c,e,a", 4},
	}
	for _, tt := range tests {
		sel := Select(all, Prefs{MaxStories: tt.max}, now)
		if storyIDs(sel.Stories) != tt.stories || storyIDs(sel.Rest) != tt.rest || sel.More != tt.wantMore {
			t.Errorf("max %d: stories %q rest %q more %d; want %q %q %d", tt.max, storyIDs(sel.Stories), storyIDs(sel.Rest), sel.More,
				tt.stories, tt.rest, tt.wantMore)
		}
	}
}

// TestMessageCapMovesDroppedStoriesToRest: stories the five-message cap
// drops go to the front of Rest (they rank above those Select cut), the
// caller's selection is left as it was, and every story is either shown
// or in Rest.
func TestMessageCapMovesDroppedStoriesToRest(t *testing.T) {
	now := time.Date(2026, 12, 1, 8, 0, 0, 0, time.UTC)
	var stories []Story
	for i := range 12 {
		s := restStory(fmt.Sprint("s", i), 1, now)
		s.Summary = strings.Repeat("A long paragraph of summary text. ", 100) // ~3,400 units: the top story takes a message
		s.LatestURL = "https://example.com/" + strings.Repeat("p", 2000)      // each story line ~2,100 units: two a message
		stories = append(stories, s)
	}
	cut := []Story{restStory("x", 1, now), restStory("y", 1, now)}
	in := Selection{Stories: stories, Rest: cut, More: len(cut)}
	msgs, shown := RenderHTMLCapped(in, RenderOptions{Lang: "en"})
	if len(msgs) > MaxDigestMessages || len(shown.Stories) == 0 || len(shown.Stories) >= len(stories) {
		t.Fatalf("%d messages showing %d stories; want at most %d messages and some stories dropped", len(msgs), len(shown.Stories), MaxDigestMessages)
	}
	n := len(shown.Stories)
	want := storyIDs(stories[n:]) + ",x,y"
	if storyIDs(shown.Stories) != storyIDs(stories[:n]) || storyIDs(shown.Rest) != want || shown.More != len(shown.Rest) {
		t.Errorf("shown %q rest %q more %d; want %q rest %q", storyIDs(shown.Stories), storyIDs(shown.Rest), shown.More, storyIDs(stories[:n]), want)
	}
	if !strings.Contains(msgs[len(msgs)-1], fmt.Sprint(len(shown.Rest), " more")) {
		t.Errorf("last message %q does not count the %d stories left", msgs[len(msgs)-1], len(shown.Rest))
	}
	if storyIDs(in.Rest) != "x,y" || len(in.Stories) != 12 {
		t.Errorf("the caller's selection changed: rest %q, %d stories", storyIDs(in.Rest), len(in.Stories))
	}
}

func TestMoreLabel(t *testing.T) {
	tests := []struct {
		lang string
		n    int
		want string
	}{
		{"en", 5, "More (5)"},
		{"ar", 12, "المزيد (12)"},
		{"fr", 1, "More (1)"}, // anything but Arabic reads English, like the digests
	}
	for _, tt := range tests {
		if got := MoreLabel(tt.lang, tt.n); got != tt.want {
			t.Errorf("MoreLabel(%q, %d) = %q, want %q", tt.lang, tt.n, got, tt.want)
		}
	}
}
