package digest

import "time"

// ReferenceSelect is the selection as Select made it before the Pool:
// every story stemmed for keywords on its own, the near-duplicate guard
// testing the pairs among the first dupScan·MaxStories ranked stories one
// by one. Tests hold the Pool (and so Select) to it.
func ReferenceSelect(stories []Story, p Prefs, now time.Time) Selection {
	limit := limitOf(p)
	include, exclude := compileKeywords(p.Include), compileKeywords(p.Exclude)
	var kept []ranked
	st := newStemmer()
	topics, lw := trimmed(p.Topics), splitWeights(p.Weights)
	for i := range stories {
		s := &stories[i]
		if !hasTopic(s, topics) || !LangAllowed(*s, p.Lang, p.StoryLangs) {
			continue
		}
		var stems []string
		if len(include)+len(exclude) > 0 {
			stems = st.stemAll(Words(s.Title + "\n" + s.Summary))
		}
		if anyKeyword(stems, exclude) || (len(include) > 0 && !anyKeyword(stems, include)) {
			continue
		}
		kept = append(kept, rankedAt(s, i, scoreFrom(baseScore(s, now), s, p, countKeywords(stems, include)), lw))
	}
	kept = rankOrder(kept, limit, p.Weights)
	ordered := make([]Story, len(kept))
	for i, r := range kept {
		ordered[i] = *r.s
	}
	return capSelection(dropNearDuplicates(ordered, dupScan*limit), limit, p)
}

// dropNearDuplicates (ReferenceSelect's guard) keeps, of each group of near-duplicates among the
// first n stories, the one most outlets carry (the first in rank order on
// a tie) at the place of the highest-ranked; the others' articles are
// added to it, since they were told by it.
func dropNearDuplicates(ranked []Story, n int) []Story {
	n = min(n, len(ranked))
	// In place: ranked is Select's own slice, and a day's window holds
	// thousands of stories beyond the n guarded ones (a copy of all of them
	// per selection was half of a push's heap).
	k := 0
	var words [][]uint64
	for _, s := range ranked[:n] {
		w := dupWords(s)
		j := -1
		for x := range words { // words[x] belongs to ranked[x], x < k
			if nearDuplicate(&ranked[x], &s, words[x], w) {
				j = x
				break
			}
		}
		if j < 0 {
			ranked[k], words = s, append(words, w)
			k++
			continue
		}
		keep, drop := ranked[j], s
		if len(s.Sources) > len(keep.Sources) {
			keep, drop, words[j] = s, keep, w
		}
		ranked[j] = mergedInto(keep, drop)
	}
	return append(ranked[:k], ranked[n:]...)
}

func compileKeywords(kws []string) [][]string {
	var out [][]string
	for _, kw := range kws {
		if st := keywordStems(kw); len(st) > 0 {
			out = append(out, st)
		}
	}
	return out
}

func anyKeyword(stems []string, kws [][]string) bool {
	return countKeywords(stems, kws) > 0
}

func countKeywords(stems []string, kws [][]string) int {
	n := 0
	for _, kw := range kws {
		if ContainsRun(stems, kw) {
			n++
		}
	}
	return n
}
