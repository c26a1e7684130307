package delivery

import (
	"encoding/json"
	"testing"

	"newsdigest/digest"
)

// TestMorePagesKeepEachVersionOfAStory: the near-duplicate guard can hand
// one chat a story that told a near-duplicate (one more article) and
// another chat the same story ID alone. Each chat's More pages must hold
// the version its digest cut, not whichever a push encoded first.
func TestMorePagesKeepEachVersionOfAStory(t *testing.T) {
	c := &composer{pages: map[string]*morePages{}, blobs: map[string][]storyBlob{}}
	alone := digest.Story{ID: "s1", Title: "Flood in Derna", Articles: []string{"a1"}}
	told := alone
	told.Articles = []string{"a1", "a2"}

	tests := []struct {
		name string
		rest []digest.Story
		want int // articles of the stored story
	}{
		{"alone first", []digest.Story{alone}, 1},
		{"with its near-duplicate", []digest.Story{told}, 2},
		{"alone again", []digest.Story{alone}, 1},
	}
	ids := map[string]bool{}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := c.morePagesFor(tt.rest, "en", 5)
			ids[p.id] = true
			var got digest.Story
			if err := json.Unmarshal(p.blobs[p.set.Stories[0]], &got); err != nil {
				t.Fatal(err)
			}
			if len(got.Articles) != tt.want {
				t.Errorf("stored story has articles %v, want %d", got.Articles, tt.want)
			}
		})
	}
	if len(ids) != 2 {
		t.Errorf("page sets %v: want one per version of the story", ids)
	}
}
