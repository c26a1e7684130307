package digest_test

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"newsdigest/digest"
)

// BenchmarkPoolSelect measures a push's selections: 200 distinct sets of
// preferences (as newsdigest bench draws them: 30 % with one to three
// topics, sizes 5, 10 and 50, Arabic and English readers; no keywords,
// which the composer matched once per push before the pool too) over a day of 3,600 reports from several outlets (poolDay, about the
// size of a push's window), once with ReferenceSelect (the pairwise selection, as Select was) per
// set (the old path: every selection ranks, sorts and tests its first
// 4 × MaxStories stories for near-duplicates pairwise) and once from a
// Pool made in the same iteration (its preparation counted). The passes
// run one after the other in every iteration, so load hits them alike.
// Run:
//
//	go test -run '^$' -bench PoolSelect -benchtime 5x ./digest
func BenchmarkPoolSelect(b *testing.B) {
	stories, now := poolDay(b, 1800)
	prefs := benchPrefs(200)
	idx := make([]int, len(stories))
	for i := range idx {
		idx[i] = i
	}
	var selectT, poolT, poolMade time.Duration
	var selectAllocs, poolAllocs uint64
	for b.Loop() {
		d, a := measure(func() {
			for _, p := range prefs {
				_ = digest.ReferenceSelect(stories, p, now)
			}
		})
		selectT, selectAllocs = selectT+d, selectAllocs+a
		d, a = measure(func() {
			start := time.Now()
			pool := digest.NewPool(stories, now)
			pool.Select(idx, digest.Prefs{}) // the first selection finds the near-duplicate pairs
			poolMade += time.Since(start)
			for _, p := range prefs {
				_ = pool.Select(idx, p)
			}
		})
		poolT, poolAllocs = poolT+d, poolAllocs+a
	}
	n := float64(b.N * len(prefs))
	b.ReportMetric(float64(selectT.Microseconds())/n, "select-us/selection")
	b.ReportMetric(float64(poolT.Microseconds())/n, "pool-us/selection")
	b.ReportMetric(float64(poolMade.Microseconds())/float64(b.N), "pool-made-us")
	b.ReportMetric(float64(poolT)/float64(selectT), "pool/select")
	b.ReportMetric(float64(selectAllocs)/n, "select-allocs/selection")
	b.ReportMetric(float64(poolAllocs)/n, "pool-allocs/selection")
	b.ReportMetric(float64(len(stories)), "stories")
}

// benchPrefs draws n distinct sets of preferences the way newsdigest
// bench draws subscribers.
func benchPrefs(n int) []digest.Prefs {
	rng := rand.New(rand.NewPCG(1, 13))
	tax := digest.Taxonomy()
	seen := map[string]bool{}
	var out []digest.Prefs
	for len(out) < n {
		p := digest.Prefs{Lang: "en", MaxStories: 50}
		if rng.IntN(10) < 6 {
			p.Lang = "ar"
		}
		if rng.IntN(10) < 3 {
			for range 1 + rng.IntN(3) {
				p.Topics = append(p.Topics, tax[rng.IntN(len(tax))].ID)
			}
			slices.Sort(p.Topics)
			p.Topics = slices.Compact(p.Topics)
		}
		switch rng.IntN(7) {
		case 0:
			p.MaxStories = 5
		case 1:
			p.MaxStories = 0
		}
		k := fmt.Sprint(p)
		if !seen[k] {
			seen[k] = true
			out = append(out, p)
		}
	}
	return out
}
