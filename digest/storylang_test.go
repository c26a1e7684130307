package digest

import (
	"slices"
	"strings"
	"testing"
	"time"
)

// TestSelectStoryLanguages: which stories each story-language setting lets
// through for an English and an Arabic reader.
func TestSelectStoryLanguages(t *testing.T) {
	now := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	one := []Source{{Name: "A", URL: "https://a.example/1"}}
	two := append(one, Source{Name: "B", URL: "https://b.example/1"})
	mk := func(id, lang string, srcs []Source) Story {
		return Story{ID: id, Title: id, Lang: lang, Sources: srcs, Published: now.Add(-time.Hour)}
	}
	stories := []Story{
		mk("en-single", "en", one), mk("en-multi", "en", two),
		mk("ar-single", "ar", one), mk("ar-multi", "ar", two),
	}
	tests := []struct {
		ui, mode string
		want     []string
	}{
		{"en", StoriesOwn, []string{"en-multi", "en-single"}},
		{"en", StoriesBoth, []string{"ar-multi", "ar-single", "en-multi", "en-single"}},
		{"en", StoriesAuto, []string{"ar-multi", "en-multi", "en-single"}},
		{"ar", StoriesOwn, []string{"ar-multi", "ar-single"}},
		{"ar", StoriesAuto, []string{"ar-multi", "ar-single", "en-multi"}},
		{"en", "future-mode", []string{"ar-multi", "en-multi", "en-single"}},         // unknown: the default
		{"", StoriesOwn, []string{"ar-multi", "ar-single", "en-multi", "en-single"}}, // no reader: no filter
	}
	for _, tt := range tests {
		t.Run(tt.ui+"/"+tt.mode, func(t *testing.T) {
			sel := Select(stories, Prefs{Lang: tt.ui, StoryLangs: tt.mode}, now)
			var got []string
			for _, s := range sel.Stories {
				got = append(got, s.ID)
			}
			if slices.Sort(got); strings.Join(got, ",") != strings.Join(tt.want, ",") {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}

// TestRenderLabelsOtherLanguageStories: a story in the other language
// carries a tag beside its headline, one in the reader's language none.
func TestRenderLabelsOtherLanguageStories(t *testing.T) {
	ar := Story{ID: "a", Title: "البنك المركزي يرفع الفائدة", Lang: "ar", Sources: []Source{{Name: "X", URL: "https://x.example/a"}}}
	en := Story{ID: "e", Title: "Central bank raises rates", Lang: "en", Sources: []Source{{Name: "Y", URL: "https://y.example/e"}}}
	tests := []struct {
		ui            string
		tagged, plain Story
		tag           string
	}{
		{"en", ar, en, "«عربي»"},
		{"ar", en, ar, "EN"},
	}
	for _, tt := range tests {
		t.Run(tt.ui, func(t *testing.T) {
			msgs := RenderHTML(Selection{Stories: []Story{tt.tagged, tt.plain}}, RenderOptions{Lang: tt.ui})
			html := strings.Join(msgs, "\n")
			for _, line := range strings.Split(html, "\n") {
				switch {
				case strings.Contains(line, tt.tagged.Title) && !strings.Contains(line, tt.tag):
					t.Errorf("other-language headline without %s: %q", tt.tag, line)
				case strings.Contains(line, tt.plain.Title) && (strings.Contains(line, "EN") || strings.Contains(line, "«عربي»")):
					t.Errorf("own-language headline labelled: %q", line)
				}
			}
			checkBalanced(t, html)
		})
	}
}
