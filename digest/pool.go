package digest

import (
	"slices"
	"time"
)

// Pool is the stories of one push (its window) with what every selection
// among them shares, worked out once for all of them: each story's
// coverage-and-recency score at the push's time, the near-duplicate pairs
// (a property of the stories, not of who reads them), and, per keyword,
// which stories match it. A push selects once per distinct set of
// preferences, a few thousand times over the same ~2,000 stories; doing
// this per selection was most of a 100,000-chat push's composing CPU
// (BENCHMARKS.md, "Selecting from a pool").
//
// Select is one selection from a Pool; what a Pool selects is exactly what
// testing the near-duplicate pairs one by one gives (the tests' reference).
// A Pool is not safe for concurrent use (a push composes on one goroutine).
type Pool struct {
	stories  []Story
	now      time.Time
	base     []float64 // per story: baseScore at now
	near     [][]int32 // per story: the stories it is a near-duplicate of (made on first need)
	stems    [][]string
	stemmer  *stemmer
	keywords map[string][]bool // keyword → which stories it matches
	kept     []ranked          // Select's scratch, reused
}

// NewPool prepares stories for many selections at now. The stories are
// the pool's from here on: the caller must not change them.
func NewPool(stories []Story, now time.Time) *Pool {
	p := &Pool{stories: stories, now: now, base: make([]float64, len(stories)), stemmer: newStemmer(), keywords: map[string][]bool{}}
	for i := range stories {
		p.base[i] = baseScore(&stories[i], now)
	}
	return p
}

// Stories returns the pool's stories (the caller must not change them).
func (p *Pool) Stories() []Story { return p.stories }

// Select selects among the pool's stories at idx, in that order, at the
// pool's time (see the package's Select).
func (p *Pool) Select(idx []int, prefs Prefs) Selection {
	return p.SelectInto(nil, idx, prefs)
}

// SelectInto is Select with the selection's stories (Stories, then Rest)
// written to dst's array, grown if it is too small. A push selects
// thousands of times and keeps only each selection's few shown stories:
// one array reused instead of a day's stories allocated per selection.
// The selection is valid until that array is written again.
func (p *Pool) SelectInto(dst []Story, idx []int, prefs Prefs) Selection {
	limit := limitOf(prefs)
	include, exclude := p.keywordSets(prefs.Include), p.keywordSets(prefs.Exclude)
	topics, lw := trimmed(prefs.Topics), splitWeights(prefs.Weights)
	kept := p.kept[:0]
	for _, i := range idx {
		s := &p.stories[i]
		if !hasTopic(s, topics) || !LangAllowed(*s, prefs.Lang, prefs.StoryLangs) {
			continue
		}
		if countSets(exclude, i) > 0 || (len(include) > 0 && countSets(include, i) == 0) {
			continue
		}
		kept = append(kept, rankedAt(s, i, scoreFrom(p.base[i], s, prefs, countSets(include, i)), lw))
	}
	p.kept = kept
	kept = rankOrder(kept, limit, prefs.Weights)
	return capSelection(p.dropNearDuplicates(dst, kept, dupScan*limit), limit, prefs)
}

// keywordSets is, for each keyword with stems (compileKeywords drops the
// others), which of the pool's stories match it: Select's test (stems of
// title and summary, the keyword's in a row), each story stemmed once per
// pool and each keyword tested once.
func (p *Pool) keywordSets(kws []string) [][]bool {
	var out [][]bool
	for _, kw := range kws {
		if m := p.Matches(kw); m != nil {
			out = append(out, m)
		}
	}
	return out
}

// Matches reports, for each of the pool's stories (in Stories' order),
// whether keyword kw occurs in its title or summary: MatchKeyword's test,
// which Select applies, with each story stemmed once per pool and each
// keyword tested once. It is nil when kw has no stems (it matches
// nothing). The slice is the pool's: do not modify it.
func (p *Pool) Matches(kw string) []bool {
	m, ok := p.keywords[kw]
	if !ok {
		m = p.match(kw)
		p.keywords[kw] = m
	}
	return m
}

// match is which stories kw matches; nil when kw has no stems (it matches
// nothing and, as in Select, is not a keyword at all).
func (p *Pool) match(kw string) []bool {
	want := keywordStems(kw)
	if len(want) == 0 {
		return nil
	}
	if p.stems == nil {
		p.stems = make([][]string, len(p.stories))
		for i, s := range p.stories {
			p.stems[i] = p.stemmer.stemAll(Words(s.Title + "\n" + s.Summary))
		}
	}
	m := make([]bool, len(p.stories))
	for i := range m {
		m[i] = ContainsRun(p.stems[i], want)
	}
	return m
}

// countSets is how many of the keyword sets hold story i.
func countSets(sets [][]bool, i int) int {
	n := 0
	for _, m := range sets {
		if m[i] {
			n++
		}
	}
	return n
}

// dropNearDuplicates keeps, of each group of near-duplicates among the
// first n of kept (in rank order), the one most outlets carry (the first in
// rank order on a tie) at the place of the highest-ranked; the others'
// articles are added to it, since they were told by it. The pairs are
// looked up rather than tested: a story joins the first kept story it is a
// near-duplicate of.
func (p *Pool) dropNearDuplicates(dst []Story, kept []ranked, n int) []Story {
	near := p.nearPairs()
	out := dst[:0]
	for _, r := range kept {
		out = append(out, *r.s)
	}
	n = min(n, len(kept))
	var slot map[int32]int // a kept story with near-duplicates → its place in out
	k := 0
	for t := range n {
		s, id := out[t], kept[t].id
		j := -1
		for _, u := range near[id] {
			if x, ok := slot[u]; ok && (j < 0 || x < j) {
				j = x
			}
		}
		if j < 0 {
			out[k], kept[k].id = s, id
			if len(near[id]) > 0 {
				if slot == nil {
					slot = map[int32]int{}
				}
				slot[id] = k
			}
			k++
			continue
		}
		keep, drop := out[j], s
		if len(s.Sources) > len(keep.Sources) {
			keep, drop = s, keep
			delete(slot, kept[j].id)
			slot[id], kept[j].id = j, id
		}
		out[j] = mergedInto(keep, drop)
	}
	return append(out[:k], out[n:]...)
}

// nearPairs returns, per story, the stories nearDuplicate pairs it with,
// in ascending order. Only stories sharing at least dupMinWords words can
// be near-duplicates, so an inverted index of the words finds the pairs
// to test rather than testing all of them.
func (p *Pool) nearPairs() [][]int32 {
	if p.near == nil {
		p.near = nearDuplicatePairs(p.stories)
	}
	return p.near
}

func nearDuplicatePairs(stories []Story) [][]int32 {
	near := make([][]int32, len(stories))
	words := make([][]uint64, len(stories))
	postings := map[uint64][]int32{}
	shared := make([]int, len(stories)) // with the story at hand
	var seen []int32
	for j := range stories {
		words[j] = dupWords(stories[j])
		for _, h := range words[j] {
			for _, i := range postings[h] {
				if shared[i] == 0 {
					seen = append(seen, i)
				}
				shared[i]++
			}
		}
		for _, i := range seen {
			if shared[i] >= dupMinWords && nearDuplicate(&stories[i], &stories[j], words[i], words[j]) {
				near[i] = append(near[i], int32(j))
				near[j] = append(near[j], i)
			}
			shared[i] = 0
		}
		slices.Sort(near[j]) // the earlier stories, as seen: ascending like the later ones appended to it
		seen = seen[:0]
		for _, h := range words[j] {
			postings[h] = append(postings[h], int32(j))
		}
	}
	return near
}
