package digest

import (
	"fmt"
	"maps"
	"math"
	"slices"
	"strings"
	"testing"
	"time"
)

// learnedFixture is three fixed stories: a three-outlet Middle East story
// from yesterday that leads, then this morning's derby and rate rise.
func learnedFixture() (now time.Time, iraq, goal, rates Story) {
	now = time.Date(2026, 11, 29, 8, 0, 0, 0, time.UTC)
	iraq = story("iraq", "انسحاب القوات من العراق", "قالت مصادر إن القوات ستنسحب من العراق.", "middle-east", Source{Name: "A"}, Source{Name: "B"}, Source{Name: "C"})
	iraq.Published = now.Add(-20 * time.Hour)
	goal = story("goal", "Late goal wins the derby", "A late goal won the derby on Sunday.", "sport", Source{Name: "D"})
	goal.Published = now.Add(-1 * time.Hour)
	rates = story("rates", "Bank raises rates", "The central bank raised rates.", "economy", Source{Name: "E"})
	rates.Published = now.Add(-2 * time.Hour)
	return now, iraq, goal, rates
}

func order(sel Selection) string {
	var out []string
	for _, s := range sel.Stories {
		out = append(out, s.ID)
	}
	return strings.Join(out, ",")
}

// TestFeedbackReordersStories: one 👎 on the leading section's topic makes
// it no longer lead; one 👍 on the last one's brings it to the top; no
// feedback keeps the plain order.
func TestFeedbackReordersStories(t *testing.T) {
	now, iraq, goal, rates := learnedFixture()
	all := []Story{goal, iraq, rates}
	tests := []struct {
		name    string
		weights map[string]float64
		want    string
	}{
		{"no feedback", nil, "iraq,goal,rates"},
		// the derby may not lead an all-topics digest (leadFirst): the rate rise does
		{"👎 middle east", FeedbackWeights(&iraq, "middle-east", false), "rates,goal,iraq"},
		{"👍 economy", FeedbackWeights(&rates, "economy", true), "rates,iraq,goal"},
		{"one 👎 on middle east, story gone: the topic alone is less than the lead's margin", FeedbackWeights(nil, "middle-east", false), "iraq,goal,rates"},
		{"two 👎 on middle east, story gone", scaled(FeedbackWeights(nil, "middle-east", false), 2), "rates,goal,iraq"},
		{"👎 a topic no story has", FeedbackWeights(nil, "health", false), "iraq,goal,rates"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := order(Select(all, Prefs{Weights: tt.weights}, now)); got != tt.want {
				t.Errorf("got %s, want %s", got, tt.want)
			}
		})
	}
}

func scaled(w map[string]float64, k float64) map[string]float64 {
	out := map[string]float64{}
	for key, v := range w {
		out[key] = v * k
	}
	return out
}

// flatDay is a day of single-outlet stories, an hour apart, taking turns
// in politics, economy and sport (politics first): what most days look
// like to the ranking, where any boost lifts a whole topic.
func flatDay(n int) (time.Time, []Story) {
	now := time.Date(2026, 11, 29, 23, 0, 0, 0, time.UTC)
	var out []Story
	for i := range n {
		topic := []string{"politics", "economy", "sport"}[i%3]
		s := story(fmt.Sprintf("%s%02d", topic, i), fmt.Sprintf("%s report number %d", topic, i), "A report.", topic, Source{Name: fmt.Sprintf("Outlet %d", i)})
		s.Published = now.Add(-time.Duration(i) * time.Hour)
		out = append(out, s)
	}
	return now, out
}

// TestFeedbackStaysANudge: on a flat day, however many taps a reader
// gave, a liked topic gets at most two stories more than the digest
// without feedback, a disliked one keeps its best story (last), and the
// digest stays full.
func TestFeedbackStaysANudge(t *testing.T) {
	now, day := flatDay(24)
	plain := Select(day, Prefs{}, now)
	base := countTopics(plain.Stories)
	liked := Select(day, Prefs{Weights: scaled(FeedbackWeights(&day[1], "economy", true), 10)}, now)
	disliked := Select(day, Prefs{Weights: scaled(FeedbackWeights(&day[0], "politics", false), 10)}, now)
	for name, sel := range map[string]Selection{"liked": liked, "disliked": disliked} {
		if len(sel.Stories) != DefaultMaxStories || len(sel.Stories)+sel.More != len(day) {
			t.Errorf("%s: %d stories + %d more, want a full digest of %d", name, len(sel.Stories), sel.More, len(day))
		}
	}
	if got := countTopics(liked.Stories)["economy"]; got != base["economy"]+maxLifted {
		t.Errorf("👍 economy ×10: %d economy stories, want %d (+%d)", got, base["economy"]+maxLifted, maxLifted)
	}
	got := countTopics(disliked.Stories)["politics"]
	last := disliked.Stories[len(disliked.Stories)-1]
	if got != 1 || topicOf(last) != "politics" || last.ID != plain.Stories[0].ID {
		t.Errorf("👎 politics ×10: %d politics stories, last %s; want only the best (%s), last", got, last.ID, plain.Stories[0].ID)
	}
	if got := order(Select(day, Prefs{Weights: FeedbackWeights(&day[1], "economy", true)}, now)); got == order(plain) {
		t.Errorf("one 👍 changed nothing: %s", got)
	}
}

func countTopics(stories []Story) map[string]int {
	out := map[string]int{}
	for _, s := range stories {
		out[topicOf(s)]++
	}
	return out
}

// TestFeedbackWeighsWhatTheStoryShows: a tap names the section's topic,
// the story's outlets and its headline words, nothing else, with the sign
// of the button.
func TestFeedbackWeighsWhatTheStoryShows(t *testing.T) {
	_, iraq, _, _ := learnedFixture()
	down := FeedbackWeights(&iraq, "middle-east", false)
	for _, k := range []string{WeightTopic + "middle-east", WeightSource + "A", WeightSource + "C", WeightWord + Stem(Normalize("العراق"))} {
		if down[k] >= 0 {
			t.Errorf("👎 %s = %v, want negative (weights %v)", k, down[k], down)
		}
	}
	if _, ok := down[WeightWord+"من"]; ok {
		t.Errorf("a stop word was weighed: %v", down)
	}
	up := FeedbackWeights(&iraq, "middle-east", true)
	for k, v := range down {
		if up[k] != -v {
			t.Errorf("👍 %s = %v, want %v", k, up[k], -v)
		}
	}
	if n := len(up); n > 1+feedbackSources+feedbackWords {
		t.Errorf("one tap moved %d weights", n)
	}
}

// TestLearnedScoreBounded: however many taps pile up (each weight at the
// store's bound), the learned term stays within ±MaxLearnedScore; one tap
// on a topic alone cannot push a three-outlet story below a single report
// of the same age.
func TestLearnedScoreBounded(t *testing.T) {
	now, iraq, _, _ := learnedFixture()
	for _, sign := range []float64{-1, 1} {
		w := map[string]float64{}
		for k := range FeedbackWeights(&iraq, "middle-east", true) {
			w[k] = 2 * sign // subscriptions.MaxLearnedWeight
		}
		if got := learnedScore(iraq, w); math.Abs(got) > MaxLearnedScore+1e-9 || got*sign <= 0 {
			t.Errorf("sign %v: learned score %v, want within ±%v and of that sign", sign, got, MaxLearnedScore)
		}
	}
	single := story("single", "Another report", "Another report from the region.", "middle-east", Source{Name: "Z"})
	single.Published = iraq.Published
	sel := Select([]Story{single, iraq}, Prefs{Weights: FeedbackWeights(nil, "middle-east", false)}, now)
	if got := order(sel); got != "iraq,single" {
		t.Errorf("after one 👎 on the topic: %s, want the three-outlet story still first", got)
	}
}

// TestLearnedScoreIgnoresOtherKeys: weights of keys a story does not have
// (another topic, outlet or word) leave its score alone, so one chat's
// feedback on sport does not move its economy stories.
func TestLearnedScoreIgnoresOtherKeys(t *testing.T) {
	_, _, goal, rates := learnedFixture()
	w := FeedbackWeights(&goal, "sport", false)
	if got := learnedScore(rates, w); got != 0 {
		t.Errorf("👎 on sport moved the economy story by %v", got)
	}
	if got := learnedScore(goal, w); got >= 0 {
		t.Errorf("👎 on sport left the sport story at %v", got)
	}
	if got := learnedScore(goal, nil); got != 0 {
		t.Errorf("no weights: %v", got)
	}
}

func TestValidWeightKey(t *testing.T) {
	tests := []struct {
		key  string
		want bool
	}{
		{"t:sport", true},
		{"t:middle-east", true},
		{"t:Sport", false},
		{"t:", false},
		{"t:" + strings.Repeat("a", 33), false},
		{"s:BBC News", true},
		{"s:الجزيرة", true},
		{"s: ", false},
		{"s:a\x00b", false},
		{"s:" + strings.Repeat("م", MaxSourceRunes), true},
		{"s:" + strings.Repeat("م", 2*MaxSourceRunes), false},
		{"w:عراق", true},
		{"w:", false},
		{"x:sport", false},
		{"sport", false},
		{"s:\xff", false},
	}
	for _, tt := range tests {
		if got := ValidWeightKey(tt.key); got != tt.want {
			t.Errorf("ValidWeightKey(%q) = %v, want %v", tt.key, got, tt.want)
		}
	}
	_, iraq, _, _ := learnedFixture()
	iraq.Sources = append(iraq.Sources, Source{Name: "bad\x01name"})
	for k := range maps.Keys(FeedbackWeights(&iraq, "middle-east", true)) {
		if !ValidWeightKey(k) {
			t.Errorf("FeedbackWeights made invalid key %q", k)
		}
	}
}

// TestFeedbackTargets: the buttons name the digest's first topics in the
// order the digest shows its stories, each with the first story shown in
// it (checked on the rendering, so it holds however the briefing is laid
// out); a story without a topic gets none.
func TestFeedbackTargets(t *testing.T) {
	now, iraq, goal, rates := learnedFixture()
	untagged := story("misc", "Something else", "Something else happened.", "", Source{Name: "F"})
	untagged.Topics = nil
	goal2 := story("goal2", "Cup draw made", "The cup draw was made.", "sport", Source{Name: "G"})
	rates2 := story("rates2", "Oil price slips", "The oil price slipped on Monday.", "economy", Source{Name: "H"})
	sel := Select([]Story{goal, iraq, rates, untagged, goal2, rates2}, Prefs{}, now)
	text := RenderText(sel, RenderOptions{Lang: "en"})
	shownAt := func(s Story) int {
		i := strings.Index(text, s.Title)
		if i < 0 {
			t.Fatalf("%s not in the digest:\n%s", s.ID, text)
		}
		return i
	}
	// want: each topic's first story as the text shows them, in that order
	firstOf := map[string]Story{}
	for _, s := range sel.Stories {
		if len(s.Topics) == 0 {
			continue
		}
		if f, ok := firstOf[s.Topics[0].ID]; !ok || shownAt(s) < shownAt(f) {
			firstOf[s.Topics[0].ID] = s
		}
	}
	got := FeedbackTargets(sel, 3)
	if len(got) != 3 {
		t.Fatalf("%d targets, want 3: %v", len(got), got)
	}
	last := -1
	for _, f := range got {
		first, ok := firstOf[f.Topic]
		if !ok || first.ID != f.StoryID {
			t.Errorf("target %v: want the first story shown with that topic (%s)\n%s", f, first.ID, text)
		}
		if at := shownAt(first); at <= last {
			t.Errorf("target %v shown before the one above it\n%s", f, text)
		} else {
			last = at
		}
	}
	for _, f := range got {
		delete(firstOf, f.Topic)
	}
	for topic, s := range firstOf {
		if shownAt(s) < last {
			t.Errorf("topic %s is shown before the last target but has no buttons\n%s", topic, text)
		}
	}
	if n := len(FeedbackTargets(Selection{}, 3)); n != 0 {
		t.Errorf("empty digest: %d targets", n)
	}
}

// TestTitleStemsMemo: a story the engine built ranks by learned headline
// words exactly as one whose stems are made afresh, and a title changed
// after the build is stemmed again rather than read from a stale memo.
func TestTitleStemsMemo(t *testing.T) {
	at := time.Date(2026, 11, 29, 7, 0, 0, 0, time.UTC)
	stories := mustEngine(t, Config{}).Stories([]Article{
		{ID: "a", Title: "البنك المركزي يرفع أسعار الفائدة", Text: "رفع البنك المركزي أسعار الفائدة نصف نقطة بسبب التضخم.", Source: "A", Lang: "ar", Published: at},
		{ID: "b", Title: "Central bank raises interest rates", Text: "The central bank raised interest rates by half a point.", Source: "B", Lang: "en", Published: at},
	})
	for _, s := range stories {
		if s.memo.terms == nil {
			t.Fatalf("story %q has no memo", s.Title)
		}
		if got, want := s.titleTerms(), headlineTerms(s.Title, -1); !slices.Equal(got, want) {
			t.Errorf("%q: memo %v, afresh %v", s.Title, got, want)
		}
		w := FeedbackWeights(&s, "economy", false)
		fresh := s
		fresh.memo = storyMemo{}
		if a, b := learnedScore(s, w), learnedScore(fresh, w); a != b || a >= 0 {
			t.Errorf("%q: learned %v with the memo, %v without", s.Title, a, b)
		}
		s.Title = "Something else entirely"
		if got := s.titleTerms(); slices.Equal(got, s.memo.terms) {
			t.Errorf("changed title read the stale memo %v", got)
		}
	}
}
