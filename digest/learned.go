package digest

import (
	"cmp"
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
// most: it is what the button names. One 👎 (−0.4 on a topic the story is
// confidently in) is less than a second outlet carrying a story; each part
// of the learned term is capped (topic ±1, outlets ±0.5, headline words
// ±0.5, all ±1.5: coverage and recency span about 4.5), and feedbackOrder
// bounds what even those caps can do to one digest.
const (
	feedbackTopicStep  = 0.4
	feedbackSourceStep = 0.2
	feedbackWordStep   = 0.1
	feedbackSources    = 3 // outlets of the story a tap counts
	feedbackWords      = 4 // headline words a tap counts
	maxTopicScore      = 1.0
	maxSourcesScore    = 0.5
	maxWordsScore      = 0.5
	// MaxLearnedScore bounds the learned term of a story's rank, either
	// sign.
	MaxLearnedScore = 1.5
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
// each of the story's topics times the story's confidence in it (at most
// ±maxTopicScore), plus the mean weight of its first outlets (±
// maxSourcesScore), plus the weights of its headline words (±
// maxWordsScore), all within ±MaxLearnedScore.
func learnedScore(s Story, w map[string]float64) float64 {
	return splitWeights(w).score(&s)
}

// learned is a subscriber's weights split by kind and keyed by the bare
// name, made once per selection: learnedScore runs for every story of a
// selection, and building "t:"+topic keys and scanning the whole map for
// a word weight per story was most of what feedback cost.
type learned struct {
	set                 bool // any weights at all
	topic, source, word map[string]float64
}

func splitWeights(w map[string]float64) learned {
	l := learned{set: len(w) > 0}
	for k, v := range w {
		switch {
		case strings.HasPrefix(k, WeightTopic):
			l.topic = setWeight(l.topic, k[len(WeightTopic):], v)
		case strings.HasPrefix(k, WeightSource):
			l.source = setWeight(l.source, k[len(WeightSource):], v)
		case strings.HasPrefix(k, WeightWord):
			l.word = setWeight(l.word, k[len(WeightWord):], v)
		}
	}
	return l
}

func setWeight(m map[string]float64, name string, v float64) map[string]float64 {
	if m == nil {
		m = map[string]float64{}
	}
	m[name] = v
	return m
}

// score is learnedScore(s, the weights l was split from), term by term in
// the same order (so to the last bit).
func (l learned) score(s *Story) float64 {
	if !l.set {
		return 0
	}
	topics := 0.0
	for _, t := range s.Topics {
		topics += l.topic[t.ID] * t.Score
	}
	score := clamp(topics, maxTopicScore)
	if src := s.Sources[:min(len(s.Sources), feedbackSources)]; len(src) > 0 {
		sum := 0.0
		for _, x := range src {
			sum += l.source[x.Name]
		}
		score += clamp(sum/float64(len(src)), maxSourcesScore)
	}
	if len(l.word) > 0 { // headline words are stemmed only for subscribers who have word weights
		sum := 0.0
		for _, t := range s.titleTerms() {
			sum += l.word[t]
		}
		score += clamp(sum, maxWordsScore)
	}
	return clamp(score, MaxLearnedScore)
}

func firstSources(s Story) []Source {
	return s.Sources[:min(len(s.Sources), feedbackSources)]
}

// titleTerms is headlineTerms(s.Title, -1), from the memo when the engine
// made one for this title.
func (s Story) titleTerms() []string {
	if m, ok := s.memoized(); ok {
		return m.terms
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

// maxLifted is how many more stories of a topic feedback can bring into a
// digest than it would hold without feedback.
const maxLifted = 2

// feedbackOrder keeps feedback a nudge rather than a filter. kept is in
// rank order with the learned term; the digest is its first limit
// stories. In a day of mostly single-outlet stories any boost lifts every
// story of a topic above the rest, so two limits apply, each per topic (a
// story's first), against the digest the same stories make without
// feedback: a liked topic gets at most maxLifted stories more than that
// digest had (the next ones wait in Rest); a disliked topic that digest
// had keeps at least its best story, as the digest's last. The caps never
// make a digest shorter than the stories allow.
func feedbackOrder(kept []ranked, limit int, w map[string]float64) []ranked {
	if len(w) == 0 || len(kept) == 0 {
		return kept
	}
	plain := plainCounts(kept, limit)
	var head, tail []ranked
	count := map[string]int{}
	for _, r := range kept {
		t := topicOf(*r.s)
		if len(head) < limit && count[t] < plain[t]+maxLifted {
			head = append(head, r)
			count[t]++
		} else {
			tail = append(tail, r)
		}
	}
	for len(head) < limit && len(tail) > 0 { // the caps never make a digest shorter
		head, tail = append(head, tail[0]), tail[1:]
		count[topicOf(*head[len(head)-1].s)]++
	}
	for t, n := range plain {
		if n == 0 || count[t] > 0 {
			continue
		}
		i := slices.IndexFunc(tail, func(r ranked) bool { return topicOf(*r.s) == t })
		j := lastUnprotected(head, count, plain)
		if i < 0 || j < 0 {
			continue
		}
		in, out := tail[i], head[j]
		count[topicOf(*out.s)]--
		head = append(slices.Delete(head, j, j+1), in)
		count[t]++
		tail = append([]ranked{out}, slices.Delete(tail, i, i+1)...)
	}
	return append(head, tail...)
}

// plainCounts is how many stories of each topic the first limit of kept
// would be without the learned term.
func plainCounts(kept []ranked, limit int) map[string]int {
	plain := slices.Clone(kept)
	for i := range plain {
		plain[i].score -= plain[i].learned
	}
	slices.SortStableFunc(plain, func(a, b ranked) int {
		if a.score != b.score {
			return cmp.Compare(b.score, a.score)
		}
		return cmp.Compare(a.s.ID, b.s.ID)
	})
	counts := map[string]int{}
	for _, r := range plain[:min(limit, len(plain))] {
		counts[topicOf(*r.s)]++
	}
	return counts
}

// lastUnprotected is the lowest-ranked story of head whose topic can give
// one up: one with more than one story there, or one the digest without
// feedback did not have. -1 when none.
func lastUnprotected(head []ranked, count, plain map[string]int) int {
	for j := len(head) - 1; j >= 0; j-- {
		t := topicOf(*head[j].s)
		if count[t] > 1 || plain[t] == 0 {
			return j
		}
	}
	return -1
}

func topicOf(s Story) string {
	if len(s.Topics) == 0 {
		return ""
	}
	return s.Topics[0].ID
}
