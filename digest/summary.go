package digest

import (
	"cmp"
	"math"
	"slices"
	"strings"
	"unicode"
)

const ellipsis = "…"

// Summarize returns an extractive summary of the article: one or two of its
// sentences, chosen by position, centrality and title overlap (see
// scoreSentences and pickSentences), in document order, within budget runes
// (≤ 0 means DefaultSummaryBudget). A sentence longer than the budget is cut
// at a clause boundary (or else a word boundary) and marked with an
// ellipsis; a word is never cut. The dateline is never part of the summary.
func Summarize(a Article, budget int) string {
	st := newStemmer()
	return summarizeSentences(st, stemSentences(st, articleSentences(a)), a.Title, budget)
}

// summarizeSentences is Summarize on sentences already split and stemmed.
func summarizeSentences(st *stemmer, sents []sentence, title string, budget int) string {
	summary, _ := summarizeHeaded(st, sents, title, newHeadline(st, headlineOf(title, sents)), budget)
	return summary
}

// headline is the headline shown with an article (headlineOf) with its
// words and stems: prepare splits it once for the summary, the story memo,
// the signature, merging and topics.
type headline struct {
	text  string
	words []string // Words(text)
	terms []string // the stems of its content words (stemmer.appendTerms)
	wids  []int32  // the stemmer's entries of words
	tids  []int32  // the stemmer's numbers of terms
}

func newHeadline(st *stemmer, text string) headline {
	words := Words(text)
	h := headline{text: text, words: words}
	h.terms, h.wids, h.tids = st.appendWordTerms(nil, make([]int32, 0, len(words)), nil, words)
	return h
}

// summarizeHeaded is summarizeSentences when the headline shown above the
// summary is known; title is the article's own. It also returns the
// summary's words (Words), which the story memo reads.
func summarizeHeaded(st *stemmer, sents []sentence, title string, head headline, budget int) (summary string, words []string) {
	if budget <= 0 {
		budget = DefaultSummaryBudget
	}
	if len(sents) == 0 {
		return "", nil
	}
	titleTerms := head.tids
	if title != head.text {
		titleTerms = newHeadline(st, title).tids
	}
	scores := scoreSentences(st, sents, titleTerms)
	if !dropRepeats(sents, scores, head) {
		return "", nil // every sentence is already in the headline
	}
	picked, cut := pickSentences(sents, scores, budget)
	if cut {
		summary = CutAtClause(sents[picked[0]].text, budget)
		return summary, Words(summary)
	}
	return joinSentences(sents, picked)
}

// joinSentences is the picked sentences' text, joined by spaces, and its
// words. The text is a copy: a sentence is a substring of its article's
// text (Sentences), which a prepared form must not keep alive. Sentence
// ends fall between words, so the words are the sentences' words in turn.
func joinSentences(sents []sentence, picked []int) (string, []string) {
	if len(picked) == 1 {
		s := sents[picked[0]]
		return strings.Clone(s.text), s.words
	}
	a, b := sents[picked[0]], sents[picked[1]]
	return a.text + " " + b.text, slices.Concat(a.words, b.words)
}

// headlineOf is the headline shown with an article: its title without
// clutter, or else one derived from its lead.
func headlineOf(title string, sents []sentence) string {
	if head := CleanTitle(title); head != "" {
		return head
	}
	return titleFromSentences(sents)
}

// dropRepeats applies the rule that a summary must not repeat its headline:
// a sentence whose words all appear, in order and together, in the
// headline (the article's title, or the one derived from its lead) says
// nothing the reader has not read; it is excluded (score -1) and the summary
// moves on to the next sentence. A lead that was shortened into the
// headline is longer than it and stays. It reports whether a sentence is
// left that can stand as the summary: once one was dropped, a fragment of
// under four words («وكيف تتجنبه») cannot. head is the headline (headlineOf).
func dropRepeats(sents []sentence, scores []float64, head headline) bool {
	if head.text == "" {
		return true
	}
	dropped := false
	for i, s := range sents {
		if len(s.text) > 2*len(head.text)+16 {
			continue // too long to fit in the headline: skip the comparison
		}
		if w := s.words; len(w) > 0 && ContainsRun(head.words, w) {
			scores[i], dropped = -1, true
		}
	}
	if !dropped {
		return true
	}
	for _, sc := range scores {
		if sc > 0 {
			return true
		}
	}
	return false
}

// sentence is one sentence, the paragraph it belongs to, its words and
// its stems.
type sentence struct {
	text  string
	para  int
	words []string // Words(text), filled by stemSentences
	wids  []int32  // the stemmer's entries of words, filled by stemSentences
	tids  []int32  // the stemmer's numbers of the stems of Terms(text), filled by stemSentences
}

// stemSentences splits every sentence into words and stems once, for the
// summary, the headline test, topics and the clustering lead alike.
// The words of all the sentences share one array, and so do their
// numbers (each sentence's capped to its own): the stemmer's scratch,
// reused by its next article, since a slice per sentence cost an
// allocation or more for every sentence of every article. The results
// are read while the article is prepared and must not be kept. The
// stems themselves are st.stems[t], read by those that need the strings.
func stemSentences(st *stemmer, sents []sentence) []sentence {
	words := st.sentWords[:0]
	for i := range sents {
		from := len(words)
		words = appendWords(words, sents[i].text)
		sents[i].words = words[from:len(words):len(words)]
	}
	st.sentWords = words
	n := len(words)
	wids, tids := slices.Grow(st.sentWids[:0], n), slices.Grow(st.sentTids[:0], n)
	for i := range sents {
		from, wfrom := len(tids), len(wids)
		wids, tids = st.appendWordIDs(wids, tids, sents[i].words)
		sents[i].tids = tids[from:len(tids):len(tids)]
		sents[i].wids = wids[wfrom:len(wids):len(wids)]
	}
	st.sentWids, st.sentTids = wids, tids
	return sents
}

// articleSentences cleans the text (dateline, boilerplate) and splits it
// into sentences, remembering paragraphs.
func articleSentences(a Article) []sentence {
	sents, _ := articleParagraphs(a)
	return sents
}

// articleParagraphs is articleSentences that also returns the cleaned
// paragraphs (sentence.para indexes them) and the line of a.Text each was
// cleaned from, when those are a's own lines (see cleanLines), or else nil.
func articleParagraphs(a Article) ([]sentence, []cleanPara) {
	text := a.Text
	if a.Place != "" {
		text = strings.TrimLeft(strings.TrimPrefix(strings.TrimSpace(text), a.Place), " -–—\n")
	}
	kept, from, _ := cleanLines(text)
	var out []sentence
	var split []string // one paragraph's sentences, its array reused for the next
	for p, para := range kept {
		split = appendSentences(split[:0], para)
		for _, s := range split {
			out = append(out, sentence{text: s, para: p})
		}
	}
	if a.Place != "" || strings.ContainsAny(text, "\r") || strings.Contains(text, "://") {
		return out, nil
	}
	paras := make([]cleanPara, len(kept))
	for p := range kept {
		paras[p] = cleanPara{text: kept[p], line: from[p]}
	}
	return out, paras
}

// cleanPara is a cleaned paragraph and the line of the text it came from.
type cleanPara struct {
	text string
	line int
}

// scoreSentences ranks sentences for a news summary. News puts the event in
// the lead, so position dominates (1/(1+i)); centrality (cosine of the
// sentence's stems with the rest of the article) and overlap with the title
// let a later sentence win only when the lead is off-topic (a quote, a
// teaser). Fragments of fewer than four words score zero.
// titleTerms are the numbers of the article's title's stems (headline.tids),
// given by st, which numbered the sentences' stems too.
func scoreSentences(st *stemmer, sents []sentence, titleTerms []int32) []float64 {
	ts := numberTerms(st, sents, titleTerms)
	scores := make([]float64, len(sents))
	for i, s := range sents {
		if !hasFields(s.text, 4) {
			continue
		}
		central, overlap := ts.measures(i)
		scores[i] = 1/float64(1+i) + 0.3*central + 0.3*overlap
	}
	return scores
}

// sentenceTerms is an article's sentence terms, each distinct term given a
// number: every article's sentences are scored, and counting in a slice
// indexed by those numbers costs a fraction of a map per sentence.
type sentenceTerms struct {
	ids    [][]int32   // per sentence, the numbers of its terms
	counts []termCount // per number
	docSq  float64     // the sum of the squared counts in the whole text
	titleN int         // the title's distinct terms
}

// sentTermsScratch is the memory numberTerms reuses from one article to
// the next.
type sentTermsScratch struct {
	flat   []int32
	ids    [][]int32
	counts []termCount
}

// termCount is what scoring knows of one distinct term.
type termCount struct {
	doc     float64 // its count in the whole text
	own     float64 // scratch of measures: its count in one sentence, zero between calls
	inTitle bool    // the title has it
}

// numberTerms numbers the distinct terms of sents in order of first
// appearance and counts them. The stemmer numbered every stem already;
// its scratch st.local maps those numbers to this article's, and is
// zeroed again before returning. The result lives in st.sentTerms, valid
// until the next call.
func numberTerms(st *stemmer, sents []sentence, titleTerms []int32) sentenceTerms {
	total := 0
	for _, s := range sents {
		total += len(s.tids)
	}
	num := st.scratch()
	// in the stemmer's scratch: scoring reads them once, and an
	// article's own slices were a tenth of the bytes a cold Stories
	// allocated
	sc := &st.sentTerms
	flat := slices.Grow(sc.flat[:0], total)
	ts := sentenceTerms{ids: slices.Grow(sc.ids[:0], len(sents))[:len(sents)], counts: slices.Grow(sc.counts[:0], total)}
	for i, s := range sents {
		from := len(flat)
		for _, t := range s.tids {
			id := num[t] - 1
			if id < 0 {
				id = int32(len(ts.counts))
				num[t] = id + 1
				ts.counts = append(ts.counts, termCount{})
			}
			ts.counts[id].doc++
			flat = append(flat, id)
		}
		ts.ids[i] = flat[from:len(flat):len(flat)]
	}
	for _, c := range ts.counts {
		ts.docSq += c.doc * c.doc
	}
	for i, t := range titleTerms {
		if slices.Contains(titleTerms[:i], t) {
			continue // a title has a few terms: no set needed
		}
		ts.titleN++
		if id := num[t] - 1; id >= 0 {
			ts.counts[id].inTitle = true
		}
	}
	for _, s := range sents {
		for _, t := range s.tids {
			num[t] = 0
		}
	}
	sc.flat, sc.ids, sc.counts = flat, ts.ids, ts.counts
	return ts
}

// measures returns sentence i's centrality, the cosine between its term
// counts and the counts of the rest of the text, and its overlap, the share
// of the title's terms it contains. The rest's squared norm is docSq
// corrected for the sentence's own terms, so a sentence costs its own
// terms, not the text's vocabulary; counts are whole numbers, so the float
// sums are exact in any order.
func (ts *sentenceTerms) measures(i int) (centrality, overlap float64) {
	ids := ts.ids[i]
	for _, id := range ids {
		ts.counts[id].own++
	}
	var dot, na float64
	nb := ts.docSq
	shared := 0
	for _, id := range ids {
		t := &ts.counts[id]
		c := t.own
		if c == 0 {
			continue // a repeat of a term already counted
		}
		t.own = 0
		rest := t.doc - c
		dot += c * rest
		na += c * c
		nb += rest*rest - t.doc*t.doc
		if t.inTitle {
			shared++
		}
	}
	if na != 0 && nb != 0 {
		centrality = dot / math.Sqrt(na*nb)
	}
	if ts.titleN > 0 {
		overlap = float64(shared) / float64(ts.titleN)
	}
	return centrality, overlap
}

func setOf(ts []string) map[string]bool {
	m := make(map[string]bool, len(ts))
	for _, t := range ts {
		m[t] = true
	}
	return m
}

// hasFields reports whether s has at least n fields (see strings.Fields),
// counting no further: every sentence of every article is asked whether it
// is a fragment, and strings.Fields would allocate the words to count them.
func hasFields(s string, n int) bool {
	count, inField := 0, false
	for _, r := range s {
		switch {
		case unicode.IsSpace(r):
			inField = false
		case !inField:
			inField = true
			count++
		}
		if count >= n {
			return true
		}
	}
	return count >= n
}

// shortLead: a sentence of fewer runes is too short to say what happened
// on its own ("The wage talks have collapsed."). 60 (a fifth of the default
// budget) was chosen on the training split of the shared data (see
// docs/EVALUATION.md); it does not scale with the budget, so a larger
// budget does not turn one-sentence leads into two-sentence summaries.
const shortLead = 60

// pickSentences takes the best sentence and, if both fit the budget, the
// next best one, and returns their indices in document order. A digest
// reader wants one sentence, so the second must earn its place: it
// continues the same paragraph (a lede paragraph is one unit of news), or
// the first is short. A best sentence longer than the budget is to be cut
// (cut is true).
func pickSentences(sents []sentence, scores []float64, budget int) (picked []int, cut bool) {
	order := make([]int, len(sents))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(scores[b], scores[a]) }) // best first
	best := order[0]
	n := runeLen(sents[best].text)
	if n > budget {
		return []int{best}, true
	}
	short := n < shortLead
	for _, i := range order[1:] {
		if scores[i] < 0 {
			break // excluded sentences sort last
		}
		if scores[i] > 0 && (short || sents[i].para == sents[best].para) && n+1+runeLen(sents[i].text) <= budget {
			return []int{min(i, best), max(i, best)}, false
		}
	}
	return []int{best}, false
}

func runeLen(s string) int { return len([]rune(s)) }

// CutAtClause shortens s to at most budget runes including a trailing
// ellipsis. It cuts after the last clause mark (، ؛ , ; : or a dash) in the
// second half of the budget, else at the last space; a word is never split
// unless s has no space at all within the budget.
func CutAtClause(s string, budget int) string {
	rs := []rune(s)
	if len(rs) <= budget {
		return s
	}
	limit := budget - 1 // room for the ellipsis
	if limit < 1 {
		return ellipsis
	}
	if cut := lastClauseMark(rs, limit); cut > limit/2 {
		return strings.TrimSpace(strings.TrimRight(string(rs[:cut]), "،؛,;:—–- ")) + ellipsis
	}
	for i := limit; i > 0; i-- {
		if unicode.IsSpace(rs[i]) {
			return strings.TrimRight(string(rs[:i]), "،؛,;:—–- ") + ellipsis
		}
	}
	return string(rs[:limit]) + ellipsis
}

// lastClauseMark returns the index just after the last clause mark that is
// followed by a space, within rs[:limit], or -1.
func lastClauseMark(rs []rune, limit int) int {
	for i := limit - 1; i > 0; i-- {
		if strings.ContainsRune("،؛,;:", rs[i]) && i+1 < len(rs) && unicode.IsSpace(rs[i+1]) {
			return i + 1
		}
		if (rs[i] == '—' || rs[i] == '–') && unicode.IsSpace(rs[i-1]) {
			return i
		}
	}
	return -1
}
