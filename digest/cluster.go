package digest

import (
	"hash/fnv"
	"math"
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
	// they share the event's words (names, places, verbs) more than word
	// pairs. Across outlets only, a lead (title + first two sentences) stem
	// Jaccard of mergeLead with some headline overlap (mergeLeadTitle) also
	// merges. Within one outlet that would merge its templated bulletins.
	mergeLead      = 0.3
	mergeLeadTitle = 0.15

	// maxBucket caps the earlier articles looked at per index key (the most
	// recent ones), so a title word every article shares costs nothing.
	maxBucket = 64
)

// signature is what clustering knows about one article.
type signature struct {
	min    [minhashSize]uint64
	empty  bool
	title  map[string]bool
	lead   map[string]bool // stems of title and first two sentences
	titleK []string        // title stems and stem bigrams, for the title index
}

func newSignature(stems []string) signature {
	var s signature
	for i := range s.min {
		s.min[i] = math.MaxUint64
	}
	if len(stems) < 2 {
		s.empty = true
		return s
	}
	for i := 0; i+1 < len(stems); i++ {
		h := hashString(stems[i] + " " + stems[i+1])
		for k := range s.min {
			if v := mix(h, uint64(k)); v < s.min[k] {
				s.min[k] = v
			}
		}
	}
	return s
}

func (s *signature) setTitle(st *stemmer, title string, sents []sentence) {
	ts := st.terms(title)
	s.title = setOf(ts)
	s.lead = setOf(ts)
	for _, sn := range sents[:min(2, len(sents))] {
		for _, t := range sn.terms {
			s.lead[t] = true
		}
	}
	for i := range ts {
		s.titleK = append(s.titleK, ts[i])
		if i+1 < len(ts) {
			s.titleK = append(s.titleK, ts[i]+" "+ts[i+1])
		}
	}
}

func hashString(s string) uint64 {
	h := fnv.New64a()
	h.Write([]byte(s))
	return h.Sum64()
}

// mix derives the k-th hash function from one base hash (splitmix64 finaliser).
func mix(h, k uint64) uint64 {
	z := h + (k+1)*0x9e3779b97f4a7c15
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

// sameStory decides whether two articles report the same event: same
// language, published within the window (unknown times are not kept apart),
// and much shared text, or a near-identical title with some shared text, or
// (different outlets only) a lead telling the same facts under a related
// headline.
func (e *Engine) sameStory(a, b *prepared) bool {
	if a.lang != b.lang || !e.inWindow(a, b) {
		return false
	}
	j := a.sig.jaccard(&b.sig)
	if j >= mergeJaccard {
		return true
	}
	tj := setJaccard(a.sig.title, b.sig.title)
	if j >= mergeWeakJaccard && tj >= mergeTitle {
		return true
	}
	crossOutlet := a.Source != "" && b.Source != "" && a.Source != b.Source
	return crossOutlet && tj >= mergeLeadTitle && setJaccard(a.sig.lead, b.sig.lead) >= mergeLead
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

// cluster groups prepared articles (sorted oldest first) into stories. Each
// article joins the cluster of the most similar earlier article among the LSH
// and title-index candidates, or starts a new cluster.
func (e *Engine) cluster(st *stemmer, prep []prepared) [][]prepared {
	owner := make([]int, len(prep)) // article → cluster
	var clusters [][]int            // members, earliest first
	index := map[uint64][]int{}     // band or title key → article indexes
	for i := range prep {
		p := &prep[i]
		p.sig.setTitle(st, p.title, p.sents)
		keys := indexKeys(&p.sig)
		best := e.bestMatch(prep, i, candidates(index, keys), func(j int) *prepared { return &prep[clusters[owner[j]][0]] })
		if best < 0 {
			owner[i] = len(clusters)
			clusters = append(clusters, []int{i})
		} else {
			owner[i] = owner[best]
			clusters[owner[i]] = append(clusters[owner[i]], i)
		}
		for _, k := range keys {
			index[k] = append(index[k], i)
		}
	}
	out := make([][]prepared, len(clusters))
	for ci, members := range clusters {
		for _, i := range members {
			out[ci] = append(out[ci], prep[i])
		}
	}
	return out
}

// indexKeys returns the LSH band keys and title-bigram keys of a signature.
func indexKeys(s *signature) []uint64 {
	var keys []uint64
	if !s.empty {
		for b := 0; b < lshBands; b++ {
			h := uint64(b) + 1
			for r := 0; r < lshRows; r++ {
				h = mix(h^s.min[b*lshRows+r], 0)
			}
			keys = append(keys, h)
		}
	}
	for _, t := range s.titleK {
		keys = append(keys, hashString("t:"+t))
	}
	return keys
}

// candidates returns the distinct earlier articles sharing a key (the
// maxBucket most recent per key).
func candidates(index map[uint64][]int, keys []uint64) []int {
	seen := map[int]bool{}
	var out []int
	for _, k := range keys {
		bucket := index[k]
		for _, j := range bucket[max(0, len(bucket)-maxBucket):] {
			if !seen[j] {
				seen[j] = true
				out = append(out, j)
			}
		}
	}
	return out
}

// bestMatch returns the candidate most similar to article i that is the same
// story, or -1. The window is also checked against the first report of the
// candidate's story, so a chain of similar articles (daily bulletins) cannot
// stretch one story over days.
func (e *Engine) bestMatch(prep []prepared, i int, cands []int, first func(j int) *prepared) int {
	best, bestJ := -1, -1.0
	for _, j := range cands {
		if !e.sameStory(&prep[i], &prep[j]) || !e.inWindow(&prep[i], first(j)) {
			continue
		}
		if sim := prep[i].sig.jaccard(&prep[j].sig); sim > bestJ || (sim == bestJ && j < best) {
			best, bestJ = j, sim
		}
	}
	return best
}
