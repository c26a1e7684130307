package digest

import (
	"math"
	"slices"
	"strings"
	"unicode/utf8"
)

// Learned weights (Prefs.Weights) are what one subscriber's 👍 / 👎 taught
// the ranking. Each key is a kind prefix and a name; a positive weight
// ranks matching stories higher, a negative one lower. Only the ranking
// moves: a weight never filters a story out.
const (
	WeightTopic  = "t:" // + topic ID
	WeightSource = "s:" // + outlet name as Source.Name carries it
	WeightWord   = "w:" // + stem of a headline word (Stem of Words)
)

// Sizes of one tap and bounds of what taps can add up to. A topic moves
// most: it is what the button names. One 👎 (−0.6 on a topic the story is
// confidently in) cannot outweigh a second outlet carrying a story, so one
// tap lowers a topic without wiping it; many taps stop at MaxLearnedScore.
const (
	feedbackTopicStep  = 0.6
	feedbackSourceStep = 0.3
	feedbackWordStep   = 0.2
	feedbackSources    = 3 // outlets of the story a tap counts
	feedbackWords      = 4 // headline words a tap counts
	maxWordsScore      = 1.0
	// MaxLearnedScore bounds the learned term of a story's rank, either
	// sign: coverage and recency together span about 4.5.
	MaxLearnedScore = 2.0
	maxWeightKeyLen = 3*MaxSourceRunes + len(WeightSource) // bytes: a clipped source name in UTF-8
)

// FeedbackWeights returns how one tap moves a subscriber's weights: up (👍)
// or down (👎) on topic, on the outlets that carried story and on the
// content words of its headline. story may be nil (it could no longer be
// found): then only the topic moves.
func FeedbackWeights(story *Story, topic string, up bool) map[string]float64 {
	sign := -1.0
	if up {
		sign = 1
	}
	out := map[string]float64{}
	if IsTopicID(topic) {
		out[WeightTopic+topic] = sign * feedbackTopicStep
	}
	if story == nil {
		return out
	}
	for _, src := range firstSources(*story) {
		if k := WeightSource + src.Name; ValidWeightKey(k) {
			out[k] = sign * feedbackSourceStep
		}
	}
	for _, w := range headlineTerms(story.Title, feedbackWords) {
		out[WeightWord+w] = sign * feedbackWordStep
	}
	return out
}

// ValidWeightKey reports whether k is a well-formed weight key: a known
// prefix and a non-empty name of valid UTF-8 without control characters,
// at most maxWeightKeyLen bytes.
func ValidWeightKey(k string) bool {
	if len(k) > maxWeightKeyLen || !utf8.ValidString(k) || strings.ContainsFunc(k, isControl) {
		return false
	}
	switch {
	case strings.HasPrefix(k, WeightTopic):
		return IsTopicID(k[len(WeightTopic):])
	case strings.HasPrefix(k, WeightSource), strings.HasPrefix(k, WeightWord):
		return strings.TrimSpace(k[2:]) != ""
	}
	return false
}

func isControl(r rune) bool { return r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) }

// learnedScore is the rank term of a subscriber's feedback: the weight of
// each of the story's topics times the story's confidence in it, plus the
// mean weight of its first outlets, plus the weights of its headline words
// (at most ±maxWordsScore), all within ±MaxLearnedScore.
func learnedScore(s Story, w map[string]float64) float64 {
	if len(w) == 0 {
		return 0
	}
	score := 0.0
	for _, t := range s.Topics {
		score += w[WeightTopic+t.ID] * t.Score
	}
	if src := firstSources(s); len(src) > 0 {
		sum := 0.0
		for _, x := range src {
			sum += w[WeightSource+x.Name]
		}
		score += sum / float64(len(src))
	}
	if hasWordWeights(w) {
		sum := 0.0
		for _, t := range s.titleTerms() {
			sum += w[WeightWord+t]
		}
		score += clamp(sum, maxWordsScore)
	}
	return clamp(score, MaxLearnedScore)
}

func firstSources(s Story) []Source {
	return s.Sources[:min(len(s.Sources), feedbackSources)]
}

// titleStems memoises a story's headline stems: ranking by learned word
// weights reads them for every story and chat, and stemming there cost
// seven times a plain Select (BENCHMARKS.md, "Feedback").
type titleStems struct {
	title string // the Title they were made from
	terms []string
}

func newTitleStems(st *stemmer, title string) titleStems {
	return titleStems{title: title, terms: distinctTerms(st.terms(title), -1)}
}

// titleTerms is headlineTerms(s.Title, -1), from the memo when the engine
// made one for this title.
func (s Story) titleTerms() []string {
	if s.stems.terms != nil && s.stems.title == s.Title {
		return s.stems.terms
	}
	return headlineTerms(s.Title, -1)
}

// headlineTerms returns the distinct content stems of a headline (stop
// words and numbers dropped), at most n of them (n < 0: all).
func headlineTerms(title string, n int) []string {
	return distinctTerms(Terms(title), n)
}

func distinctTerms(terms []string, n int) []string {
	var out []string
	for _, t := range terms {
		if n >= 0 && len(out) == n {
			break
		}
		if utf8.RuneCountInString(t) >= 2 && !slices.Contains(out, t) {
			out = append(out, t)
		}
	}
	return out
}

// hasWordWeights: headline words are stemmed only for subscribers who have
// word weights, so ranking costs nothing extra for the others.
func hasWordWeights(w map[string]float64) bool {
	for k := range w {
		if strings.HasPrefix(k, WeightWord) {
			return true
		}
	}
	return false
}

func clamp(x, bound float64) float64 {
	if math.IsNaN(x) {
		return 0
	}
	return math.Max(-bound, math.Min(bound, x))
}

// FeedbackTarget is what one row of feedback buttons names: a topic of
// the digest and the first story shown with it (whose outlets and
// headline words a tap also weighs).
type FeedbackTarget struct {
	Topic   string
	StoryID string
}

// FeedbackTargets returns the first n distinct topics of sel's stories in
// the order RenderHTML shows the stories (the top story, then section by
// section), each with its first story; stories without a topic are
// skipped.
func FeedbackTargets(sel Selection, n int) []FeedbackTarget {
	var out []FeedbackTarget
	seen := map[string]bool{}
	for _, s := range shownOrder(sel) {
		if len(out) == n {
			break
		}
		if len(s.Topics) > 0 && !seen[s.Topics[0].ID] {
			seen[s.Topics[0].ID] = true
			out = append(out, FeedbackTarget{Topic: s.Topics[0].ID, StoryID: s.ID})
		}
	}
	return out
}

// shownOrder is sel's stories as renderBlocks lays them out: the top
// story, then the others section by section.
func shownOrder(sel Selection) []Story {
	if len(sel.Stories) == 0 {
		return nil
	}
	out := []Story{sel.Stories[0]}
	for _, sec := range sections(sel.Stories[1:]) {
		out = append(out, sec.stories...)
	}
	return out
}
