package digest

import (
	"maps"
	"math"
	"slices"
	"testing"
)

// termCounts is a head's term frequencies as a map counts them: the
// distinct IDs in order, each weighted 1 + log of its count.
func TestTermCountsIsTheMapsCount(t *testing.T) {
	tests := [][]int32{nil, {}, {7}, {3, 3, 3}, {5, 1, 5, 2, 1, 5}, {0, 9, 8, 7, 7, 0, 1, 2, 3, 9}}
	for _, ids := range tests {
		counts := map[int32]int{}
		for _, id := range ids {
			counts[id]++
		}
		wantTerms := slices.Sorted(maps.Keys(counts))
		wantW := make([]float64, len(wantTerms))
		for k, id := range wantTerms {
			wantW[k] = 1 + math.Log(float64(counts[id]))
		}
		terms, w := termCounts(slices.Clone(ids))
		if !slices.Equal(terms, wantTerms) || !slices.Equal(w, wantW) {
			t.Errorf("termCounts(%v) = %v %v, want %v %v", ids, terms, w, wantTerms, wantW)
		}
	}
}

// spacedSeq yields what spaced returns.
func TestSpacedSeqIsSpaced(t *testing.T) {
	for _, s := range []string{"", "a", "a b", "عراق انسحاب قوات", " a", "a  b "} {
		if got := slices.Collect(spacedSeq(s)); !slices.Equal(got, spaced(s)) {
			t.Errorf("spacedSeq(%q) = %q, spaced %q", s, got, spaced(s))
		}
	}
}
