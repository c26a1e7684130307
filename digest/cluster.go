package digest

import (
	"math"
	"slices"
	"time"
)

// Near-duplicate detection: MinHash over stem bigrams (shingles), indexed
// with LSH bands so that 10,000 articles do not need 50 million comparisons.
// Written here rather than taken from a library because it is a few dozen
// lines tied to our own stems, and the Go MinHash packages are unmaintained.
const (
	minhashSize = 64
	lshBands    = 32 // 2 rows per band: pairs with Jaccard 0.3 collide in some band 95 % of the time
	lshRows     = minhashSize / lshBands

	// mergeJaccard: estimated shingle Jaccard above which two reports are the
	// same story. On ANT, rewrites of one event by two desks score 0.36–0.6;
	// daily weather bulletins (a template with new figures) score ~0.3.
	mergeJaccard = 0.35
	// mergeTitle: title stem Jaccard that, with some shared text
	// (mergeWeakJaccard), also merges: a follow-up under nearly the same
	// headline («…: تفاصيل جديدة»).
	mergeTitle       = 0.6
	mergeWeakJaccard = 0.1
	// Reports of one event by different outlets are rewritten, not copied:
	// merge.go scores those.

	// maxBucket caps the earlier articles looked at per index key (the most
	// recent ones), so a title word every article shares costs nothing.
	maxBucket = 64
)

// signature is what clustering knows about one article.
type signature struct {
	min    [minhashSize]uint64
	empty  bool
	title  []string // the title's distinct stems, sorted
	titleK []uint64 // index keys of the title's stems and stem bigrams (hashString("t:"+stem), "t:"+stem+" "+next)
}

// newSignature is the MinHash of the stems' bigrams: min[k] is the least
// perm(k, mixFinal(hashString(a+" "+b))) over the bigrams a b
// (signatureReference in the tests is that definition). Every article is
// signed, so the loop is arranged for speed and gives the same values:
// each bigram is hashed in one pass over its second stem, which also
// starts the next bigram's hash (two independent FNV chains), mixed once,
// and the 64 minima are taken one k at a time over all mixed hashes.
//
// The k-th hash function is a multiply-add of the mixed hash (perm), not
// a mix of its own: the mixed hashes are uniform already, so any
// bijection orders a text's bigrams at random and the multipliers only
// need to order them differently from one another. A splitmix finaliser
// per bigram and k was the engine's largest cost in instructions (9 % of
// a cold Stories); a multiply and an add cost a third of it.
func newSignature(stems []string) signature {
	var s signature
	if len(stems) < 2 {
		for i := range s.min {
			s.min[i] = math.MaxUint64
		}
		s.empty = true
		return s
	}
	var buf [512]uint64
	hs := shingleHashes(buf[:0], stems)
	for i, h := range hs {
		hs[i] = mixFinal(h)
	}
	for k := range s.min {
		a, b := minhashMul[k], minhashAdd[k]
		m := uint64(math.MaxUint64)
		for _, x := range hs {
			m = min(m, x*a+b)
		}
		s.min[k] = m
	}
	return s
}

// perm is the k-th of the signature's hash functions, applied to a mixed
// bigram hash x.
func perm(k int, x uint64) uint64 { return x*minhashMul[k] + minhashAdd[k] }

// minhashMul and minhashAdd are perm's constants (odd multipliers, so
// each perm is a bijection), drawn from splitmix64. They are read only.
var minhashMul, minhashAdd = minhashConstants()

func minhashConstants() (mul, add [minhashSize]uint64) {
	for k := range mul {
		mul[k] = mix(uint64(k), 0) | 1
		add[k] = mix(uint64(k), 1)
	}
	return mul, add
}

// shingleHashes appends hashString(stems[i] + " " + stems[i+1]) for each i to out.
func shingleHashes(out []uint64, stems []string) []uint64 {
	next := fnvAdd(fnvOffset, stems[0]) // hashString of the bigram's first stem
	for _, b := range stems[1:] {
		h, hb := (next^' ')*fnvPrime, uint64(fnvOffset)
		for i := 0; i < len(b); i++ {
			c := uint64(b[i])
			h, hb = (h^c)*fnvPrime, (hb^c)*fnvPrime
		}
		out = append(out, h)
		next = hb
	}
	return out
}

// setTitle records the title's stems (Terms of the title).
func (s *signature) setTitle(ts []string) {
	s.title = slices.Compact(slices.Sorted(slices.Values(ts)))
	s.titleK = make([]uint64, 0, 2*len(ts))
	for i := range ts {
		h := fnvAdd(fnvAdd(fnvOffset, "t:"), ts[i])
		s.titleK = append(s.titleK, h)
		if i+1 < len(ts) {
			s.titleK = append(s.titleK, fnvAdd((h^' ')*fnvPrime, ts[i+1]))
		}
	}
}

// headlineJaccard is the Jaccard similarity of two titles' stem sets
// (setJaccard on sorted sets; 0 when either title has none).
func (s *signature) headlineJaccard(o *signature) float64 {
	a, b := s.title, o.title
	if len(a) == 0 || len(b) == 0 {
		return 0
	}
	inter := sharedCount(a, b)
	return float64(inter) / float64(len(a)+len(b)-inter)
}

func hashString(s string) uint64 { return fnvAdd(fnvOffset, s) }

// FNV-1a (hash/fnv's 64a), written out so that the shingles and title
// keys of every article are hashed without building strings: fnvAdd
// continues hash h over s.
const (
	fnvOffset = 14695981039346656037
	fnvPrime  = 1099511628211
)

func fnvAdd(h uint64, s string) uint64 {
	for i := 0; i < len(s); i++ {
		h = (h ^ uint64(s[i])) * fnvPrime
	}
	return h
}

// mix derives the k-th hash function from one base hash (splitmix64 finaliser).
func mix(h, k uint64) uint64 { return mixFinal(h + (k+1)*mixGamma) }

const mixGamma = 0x9e3779b97f4a7c15 // splitmix64's increment

// mixFinal is splitmix64's finaliser.
func mixFinal(z uint64) uint64 {
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}

// jaccard estimates the shingle Jaccard similarity of two signatures.
func (s *signature) jaccard(o *signature) float64 {
	if s.empty || o.empty {
		return 0
	}
	n := 0
	for i := range s.min {
		if s.min[i] == o.min[i] {
			n++
		}
	}
	return float64(n) / minhashSize
}

func setJaccard(a, b map[string]bool) float64 {
	if len(a) == 0 || len(b) == 0 {
		return 0
	}
	inter := 0
	for t := range a {
		if b[t] {
			inter++
		}
	}
	return float64(inter) / float64(len(a)+len(b)-inter)
}

// inWindow: published within the merge window (unknown times are not kept apart).
func (e *Engine) inWindow(a, b *prepared) bool {
	return a.Published.IsZero() || b.Published.IsZero() || absDuration(a.Published.Sub(b.Published)) <= e.window
}

func absDuration(d time.Duration) time.Duration {
	if d < 0 {
		return -d
	}
	return d
}

// cluster groups prepared articles (sorted oldest first) into stories by
// candidate and verify (merge.go): each article's candidates come from the
// forgetting index, and it joins the story it is strongly linked to, or
// starts a new one.
func (e *Engine) cluster(prep []prepared) [][]prepared {
	m := e.newMerger(prep)
	m.run()
	out := make([][]prepared, len(m.stories))
	for si, s := range m.stories {
		for _, i := range s.members {
			out[si] = append(out[si], prep[i])
		}
	}
	return out
}

// indexKeys returns the LSH band keys and title-bigram keys of a signature,
// with room for as many keys more.
func indexKeys(s *signature, room int) []uint64 {
	keys := make([]uint64, 0, lshBands+len(s.titleK)+room)
	if !s.empty {
		for b := 0; b < lshBands; b++ {
			h := uint64(b) + 1
			for r := 0; r < lshRows; r++ {
				h = mix(h^s.min[b*lshRows+r], 0)
			}
			keys = append(keys, h)
		}
	}
	return append(keys, s.titleK...)
}
