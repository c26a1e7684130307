package digest

import (
	"math"
	"slices"
	"strings"
	"time"
)

// Prefs is what a subscriber chose.
type Prefs struct {
	Topics     []string // topic IDs; empty = all
	Include    []string // keywords; when set, a story must match at least one
	Exclude    []string // keywords; a story matching any is dropped
	MaxStories int      // 0 = DefaultMaxStories
	Lang       string   // interface language "ar" | "en": which stories are in the reader's language
	StoryLangs string   // StoriesAuto | StoriesOwn | StoriesBoth (see LangAllowed)
	// Weights is what the subscriber's feedback taught (Weight* keys, see
	// learnedScore), already decayed; nil = none.
	Weights map[string]float64
}

// Selection is the part of the stories one subscriber gets.
type Selection struct {
	Stories []Story
	More    int     // matching stories cut by the cap: len(Rest)
	Rest    []Story // those stories, in rank order (a digest's "More" pages)
}

// ranked is a story (a pointer into the stories selected from: sorting
// these moves 24 bytes, not a whole Story) with its rank score and its
// place among those stories.
type ranked struct {
	s       *Story
	id      int32
	score   float64
	learned float64 // the learned term in score
}

// Select filters stories by the subscriber's topics and keywords, ranks them
// (see rankedAt) and caps them at MaxStories: one selection from a Pool of
// the stories. A push selecting many times among the same stories keeps
// the Pool.
func Select(stories []Story, p Prefs, now time.Time) Selection {
	idx := make([]int, len(stories))
	for i := range idx {
		idx[i] = i
	}
	return NewPool(stories, now).Select(idx, p)
}

func limitOf(p Prefs) int {
	if p.MaxStories <= 0 {
		return DefaultMaxStories
	}
	return p.MaxStories
}

// rankOrder sorts kept by score, best first (by ID on a tie), then lets
// feedbackOrder bound what learned weights moved.
func rankOrder(kept []ranked, limit int, w map[string]float64) []ranked {
	slices.SortStableFunc(kept, byRank)
	return feedbackOrder(kept, limit, w)
}

// byRank orders by score, best first, then by ID. Only its sign below 0
// matters to the stable sort, so a NaN score sorts as it always did.
func byRank(a, b ranked) int {
	if a.score != b.score {
		if a.score > b.score {
			return -1
		}
		return 1
	}
	return strings.Compare(a.s.ID, b.s.ID)
}

// capSelection puts a lead first and caps ordered (rank order, the
// near-duplicates dropped) at limit, the rest in Rest.
func capSelection(ordered []Story, limit int, p Prefs) Selection {
	leadFirst(ordered[:min(limit, len(ordered))], p)
	sel := Selection{Stories: ordered[:min(limit, len(ordered))]}
	if len(ordered) > limit {
		sel.Rest = ordered[limit:]
	}
	sel.More = len(sel.Rest)
	return sel
}

// dupScan bounds the near-duplicate guard to the first dupScan·MaxStories
// ranked stories (the digest and its first More pages): every selection
// runs it, and a pairwise test over a whole day's stories would cost more
// than a digest.
const dupScan = 4

// mergedInto is keep with drop's articles added (a near-duplicate told by it).
func mergedInto(keep, drop Story) Story {
	keep.Articles = append(slices.Clone(keep.Articles), drop.Articles...)
	return keep
}

// rankedAt is story i (at s) ranked for a subscriber: score is its rank
// score but for the learned term (baseScore and scoreFrom), lw what the
// subscriber's feedback taught. The rank score orders a subscriber's
// stories, importance first:
//   - coverage: log2(1+outlets) — a story many distinct outlets carry
//     matters more, with diminishing returns (1 outlet 1.0, 3 outlets 2.0,
//     7 outlets 3.0); three outlets outweigh a day of age;
//   - recency: 1.5·0.5^(age/24h) — a story loses half its freshness bonus
//     every day, so yesterday's story told by three outlets still beats this
//     hour's single report;
//   - match: +1 per include keyword it matches, + the confidence of its best
//     topic among the subscriber's topics, so what they asked for comes first;
//   - learned: what the subscriber's 👍 / 👎 taught (learnedScore, ±2 at most);
//   - a service piece (weather, prayer times, horoscope, market ticker; see
//     ServiceKind) whose topic the subscriber did not choose loses
//     servicePenalty.
//
// Select then keeps a sport or service piece from leading (see leadFirst).
func rankedAt(s *Story, i int, score float64, lw learned) ranked {
	l := lw.score(s)
	return ranked{s: s, id: int32(i), score: score + l, learned: l}
}

// baseScore is the part of the rank score that is the story's alone: coverage
// and recency.
func baseScore(s *Story, now time.Time) float64 {
	score := math.Log2(1 + float64(len(s.Sources)))
	if !s.Published.IsZero() {
		age := math.Max(0, now.Sub(s.Published).Hours())
		score += 1.5 * math.Pow(0.5, age/24)
	}
	return score
}

// scoreFrom is the rank score but for the learned term, given the story's
// baseScore (added in the same order, so the sums are the same to the last
// bit).
func scoreFrom(base float64, s *Story, p Prefs, keywordHits int) float64 {
	score := base + float64(keywordHits)
	best := 0.0
	for _, t := range s.Topics {
		for _, want := range p.Topics {
			if t.ID == want && t.Score > best {
				best = t.Score
			}
		}
	}
	if ServiceKind(*s) != "" && lightFor(*s, p) {
		score -= servicePenalty
	}
	return score + best
}

// hasTopic reports whether s has one of topics (trimmed already, once per
// selection rather than once per story and topic); no topics: all stories.
func hasTopic(s *Story, topics []string) bool {
	if len(topics) == 0 {
		return true
	}
	for _, t := range s.Topics {
		if slices.Contains(topics, t.ID) {
			return true
		}
	}
	return false
}

// trimmed is topics with their spaces trimmed, topics itself when none
// has any.
func trimmed(topics []string) []string {
	if !slices.ContainsFunc(topics, func(t string) bool { return strings.TrimSpace(t) != t }) {
		return topics
	}
	out := make([]string, len(topics))
	for i, t := range topics {
		out[i] = strings.TrimSpace(t)
	}
	return out
}
