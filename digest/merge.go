package digest

import (
	"cmp"
	"hash/maphash"
	"iter"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Cross-outlet merging: candidate and verify.
//
// Near-copies of one wire are caught by MinHash (cluster.go). Reports of one
// event by different desks are rewrites: they share the event's rare words
// (names, places, figures) in the title and lead more than their phrasing.
// Each article gets a mergeDoc: the distinct terms of its title and first two
// sentences, weighted by inverse document frequency learned from the articles
// of the same call (so "said" and an outlet's stock words weigh little and a
// town's name weighs much), its named entities and its numbers. Candidates
// come from an index of LSH bands, title words and the lead's rarest words;
// each candidate is verified by mergeScore. An article joins a story only
// through strong links (see join), so A~B and B~C cannot chain A and C.

// Merge score weights and thresholds, tuned on the tuning half of the
// labelled pairs in eval/testdata/merge-pairs.tsv (see docs/EVALUATION.md).
const (
	// DefaultMergeThreshold is the score above which two reports by
	// different outlets are one event.
	DefaultMergeThreshold = 0.46
	// sameOutletExtra is added to the threshold for two reports of one
	// outlet: an outlet's templated bulletins (weather, prices, fixtures,
	// quarterly results) share its stock phrasing.
	sameOutletExtra = 0.22
	entityWeight    = 0.06 // per shared named entity, at most maxEntities
	maxEntities     = 3
	numberWeight    = 0.05 // per shared number, at most maxNumbers
	maxNumbers      = 2
	gapWeight       = 0.25 // penalty at the window's edge, linear in the time apart: one event is mostly reported within a day
	// figureConflict is the penalty when each headline carries a figure the
	// other lacks: "1,677 refugees crossed" and "2,628 refugees crossed" are
	// an outlet's daily bulletin on two days, not one event.
	figureConflict = 0.3
	// figureConflictGap: reports further apart than this whose headlines
	// carry different figures are two bulletins («يستقبل 1158 لاجئا في 24
	// ساعة» one day, «1758» the next), never one event, however alike.
	figureConflictGap = 12 * time.Hour
	// crossDayGap and crossDayExtra: a link between reports further apart
	// than a day needs crossDayExtra more score (not a near-copy): what is
	// filed a day later under the same names is mostly the next development
	// (an arrest, then the release; a hearing set, then the ruling), not
	// another desk's report of the same event. Chosen on the tuning half.
	crossDayGap   = 24 * time.Hour
	crossDayExtra = 0.15
	// crossDeskCos: two reports the classifier files under different
	// subjects (the world/middle-east swap aside) are one event only if
	// their heads also share wording: a head cosine of at least this. Below
	// it, shared names and figures are a weak link (a paper's report and the
	// complaint filed over it).
	crossDeskCos = 0.3
	// previewGap: see previewAndOutcome. Outlets re-file an announcement
	// within a few hours; crawl times put an outcome as little as ten hours
	// after the notice of it («غدا.. الحكم على العادلي» / «السجن المشدد 3
	// سنوات للعادلي»).
	previewGap = 6 * time.Hour
	// homePlaceShare and homePlaceMin: see homePlace. 0.07 was chosen by
	// reading every story of the shared data the rule changes (at 0.05 it
	// also took Syria, the big story of 2013's Egyptian papers, for a home
	// place and split the UN's statement on it; at 0.1 Cairo stayed an anchor).
	homePlaceShare = 0.07
	homePlaceMin   = 50
	// weakTitleStems and anchorCos: see anchored.
	weakTitleStems = 2
	anchorCos      = 0.36
	leadKeys       = 6 // rarest lead terms an article is indexed under
	// avgLinkShare and avgMembers: see fitsOnAverage.
	avgLinkShare = 0.75
	avgMembers   = 8
)

// mergeDoc is what the verify step knows about one article.
type mergeDoc struct {
	terms []int32   // sorted distinct term IDs of the head: the first headTerms stems of title and text
	w     []float64 // (1 + log tf)·idf of each term, the vector scaled to unit length
	rare  []bool    // the term is rare in this call (termStats.rare), parallel to terms
	ents  []int32   // sorted term IDs of named entities and gazetteer places in title and lead
	nums  []string  // figures in title and lead
	tnums []string  // figures in the title
	lead  []string  // normalised words of title and first two sentences
}

// cosine returns the tf·idf cosine of two heads and how many rare terms
// they share.
func (a *mergeDoc) cosine(b *mergeDoc) (float64, int) {
	var dot float64
	rare := 0
	for x, y := 0, 0; x < len(a.terms) && y < len(b.terms); {
		switch {
		case a.terms[x] < b.terms[y]:
			x++
		case a.terms[x] > b.terms[y]:
			y++
		default:
			dot += a.w[x] * b.w[y]
			if a.rare[x] {
				rare++
			}
			x++
			y++
		}
	}
	return dot, rare
}

// headTerms is how much of an article the verify step compares: the title
// and about the first two or three sentences. A rewrite keeps the event's
// facts at the top and changes the rest (background, quotes, teasers).
const headTerms = 60

// termStats interns the stems of one call and counts their document
// frequency over the articles' leads.
type termStats struct {
	ids  wordTable // term (by its hash, as the stemmer's words) → its number
	seed maphash.Seed
	df   []int32
	n    int
}

func newTermStats(n int) *termStats {
	return &termStats{ids: newWordTable(4 * n), seed: maphash.MakeSeed(), n: n}
}

// id returns term t's number, giving it one when it is new.
func (ts *termStats) id(t string) int32 {
	h := maphash.String(ts.seed, t)
	if id, ok := ts.ids.get(h); ok {
		return id
	}
	id := int32(len(ts.df))
	ts.ids.put(h, id)
	ts.df = append(ts.df, 0)
	return id
}

// idf is the smoothed inverse document frequency of a term.
func (ts *termStats) idf(id int32) float64 {
	return math.Log(float64(ts.n+1)/float64(ts.df[id]+1)) + 1
}

// rare reports a term few leads of this call share: for Arabic, which has no
// capital letters, a rare word of the lead stands in for a named entity.
func (ts *termStats) rare(id int32) bool {
	return int(ts.df[id]) <= max(2, ts.n/200)
}

// buildMergeDocs computes every article's mergeDoc (into prep[i].doc) from
// its form and returns the call's IDF.
func buildMergeDocs(prep []prepared) *termStats {
	ts := newTermStats(len(prep))
	ids := make([]int32, 0, headTerms) // one head's term IDs, sorted to count them
	for i := range prep {
		p := &prep[i]
		d := &p.doc
		ids = ids[:0]
		for t := range spacedSeq(p.head) {
			ids = append(ids, ts.id(t))
		}
		d.terms, d.w = termCounts(ids)
		for _, id := range d.terms {
			ts.df[id]++
		}
		d.lead = spaced(p.lead)
		for _, e := range p.ents {
			d.ents = append(d.ents, ts.id(e))
		}
		d.ents = slices.Compact(slices.Sorted(slices.Values(d.ents)))
		for _, id := range d.ents {
			ts.df[id]++ // entities' IDs are theirs alone ("e:" prefix): their frequency counts for homePlace
		}
		d.nums, d.tnums = p.nums, p.tnums
	}
	for i := range prep {
		d := &prep[i].doc
		var sum float64
		d.rare = make([]bool, len(d.terms))
		for k, id := range d.terms {
			d.w[k] *= ts.idf(id)
			sum += d.w[k] * d.w[k]
			d.rare[k] = ts.rare(id)
		}
		for k := range d.w {
			d.w[k] /= math.Sqrt(sum)
		}
	}
	return ts
}

// termCounts sorts ids and returns the distinct ones with 1 + log of the
// times each occurs: a head's term frequencies, counted on its sorted IDs
// rather than in a map, as every article's head is counted.
func termCounts(ids []int32) ([]int32, []float64) {
	slices.Sort(ids)
	n := 0
	for k := range ids {
		if k == 0 || ids[k] != ids[k-1] {
			n++
		}
	}
	terms, w := make([]int32, 0, n), make([]float64, 0, n)
	for k := 0; k < len(ids); {
		j := k + 1
		for j < len(ids) && ids[j] == ids[k] {
			j++
		}
		terms, w = append(terms, ids[k]), append(w, 1+math.Log(float64(j-k)))
		k = j
	}
	return terms, w
}

// spacedSeq yields the words of spaced(s) without making the slice.
func spacedSeq(s string) iter.Seq[string] {
	if s == "" {
		return func(func(string) bool) {}
	}
	return strings.SplitSeq(s, " ")
}

// spaced splits a form's space-joined words or stems (which hold no
// space): strings.Fields without its Unicode space tests.
func spaced(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, " ")
}

// leadText is the title and first two sentences as written.
func leadText(title string, sents []sentence) string {
	lead := sents[:min(2, len(sents))]
	n := len(title)
	for _, s := range lead {
		n += 1 + len(s.text)
	}
	var b strings.Builder
	b.Grow(n) // one allocation, not one per part
	b.WriteString(title)
	for _, s := range lead {
		b.WriteString("\n")
		b.WriteString(s.text)
	}
	return b.String()
}

// entities returns the stems of capitalised Latin words that are not stop
// words (names of people, places, bodies) and, from the lead's normalised
// words, gazetteer places, prefixed so that they never collide with plain
// terms.
func entities(st *stemmer, text string, words []string, wids []int32) []string {
	var out []string
	if !hasASCIIUpper(text) { // most Arabic leads: no capitalised word to split for
		text = ""
	}
	for _, w := range strings.FieldsFunc(text, func(r rune) bool { return !unicode.IsLetter(r) && r != '\'' }) {
		r, _ := utf8.DecodeRuneInString(w)
		if r < unicode.MaxASCII && unicode.IsUpper(r) && len(w) >= 2 {
			if n := Normalize(w); !isStopWord(n) {
				out = append(out, "e:"+st.stem(n))
			}
		}
	}
	for i, id := range wids { // the stemmer's entries of words: their places known already
		if p := st.place(st.entries[id]); p != "" {
			if r, _ := utf8.DecodeRuneInString(words[i]); isArabicLetter(r) {
				out = append(out, "e:"+p)
			}
		}
	}
	return out
}

func hasASCIIUpper(s string) bool {
	for i := 0; i < len(s); i++ {
		if 'A' <= s[i] && s[i] <= 'Z' {
			return true
		}
	}
	return false
}

// numbers returns the distinct figures of a text, with Arabic-Indic and
// Persian digits read as Latin ones and thousands separators dropped
// ("1,200" and "١٬٢٠٠" are one figure). A scan of the runes, not Normalize:
// this runs on every article's lead.
func numbers(text string) []string {
	var out []string
	var cur []byte
	flush := func() {
		if len(cur) > 0 {
			out = append(out, strings.TrimLeft(string(cur), "0"))
			cur = cur[:0]
		}
	}
	for _, r := range text {
		switch {
		case r >= '0' && r <= '9':
			cur = append(cur, byte(r))
		case r >= '٠' && r <= '٩':
			cur = append(cur, byte('0'+r-'٠'))
		case r >= '۰' && r <= '۹':
			cur = append(cur, byte('0'+r-'۰'))
		case (r == ',' || r == '٬') && len(cur) > 0:
		default:
			flush()
		}
	}
	flush()
	slices.Sort(out)
	return slices.Compact(out)
}

// mergeScore is the evidence that two articles report one event: tf·idf
// cosine of their heads, plus shared named entities (rare lead words in
// Arabic) and figures, less a penalty growing with the time between them.
// It returns the score and the head cosine.
func (m *merger) mergeScore(i, j int) (float64, float64) {
	a, b := &m.prep[i].doc, &m.prep[j].doc
	cos, rare := a.cosine(b)
	ents := sharedCount(a.ents, b.ents)
	if m.prep[i].lang == "ar" {
		ents += rare
	}
	s := cos + entityWeight*float64(min(ents, maxEntities)) + numberWeight*float64(min(sharedStrings(a.nums, b.nums), maxNumbers))
	if m.figuresConflict(i, j) {
		s -= figureConflict
		if m.prep[i].Source == m.prep[j].Source {
			s -= figureConflict // an outlet's own template, filled in anew
		}
	}
	if pi, pj := m.prep[i].Published, m.prep[j].Published; !pi.IsZero() && !pj.IsZero() && m.window > 0 {
		s -= gapWeight * float64(absDuration(pi.Sub(pj))) / float64(m.window)
	}
	return s, cos
}

// figuresConflict: each headline carries a figure the other lacks ("1677
// refugees in 24 hours" and "2628 refugees in 24 hours"), unless the figures
// are a toll being updated (tollUpdate).
func (m *merger) figuresConflict(i, j int) bool {
	a, b := m.prep[i].doc.tnums, m.prep[j].doc.tnums
	n := sharedStrings(a, b)
	return n < len(a) && n < len(b) && !m.tollUpdate(i, j)
}

// tollUpdate: two headlines whose only differing figures are counts of one
// kind of casualty («مقتل 12 …» and «ارتفاع الحصيلة إلى 15 قتيلا»), filed
// within figureConflictGap and naming a common place or name, report one
// event whose toll moved; the story shows the latest report (see
// Engine.story). Daily tolls of a war a day apart stay apart.
func (m *merger) tollUpdate(i, j int) bool {
	a, b := &m.prep[i], &m.prep[j]
	if !a.Published.IsZero() && !b.Published.IsZero() && absDuration(a.Published.Sub(b.Published)) > figureConflictGap {
		return false
	}
	if sharedCount(a.doc.ents, b.doc.ents) == 0 {
		return false
	}
	ca, cb := m.titleCasualties(i), m.titleCasualties(j)
	differ := false
	for kind, n := range ca {
		if nb, ok := cb[kind]; ok && nb != n {
			differ = true
		}
	}
	return differ && onlyCasualtyFigures(a.doc.tnums, b.doc.tnums, ca) && onlyCasualtyFigures(b.doc.tnums, a.doc.tnums, cb)
}

// titleCasualties is casualtyFigures of article i's headline, read on
// first use and kept: the pairs that ask are those with conflicting figures.
func (m *merger) titleCasualties(i int) map[string]int {
	if m.tcas[i] == nil {
		m.tcas[i] = casualtyFigures(Words(m.prep[i].title))
	}
	return m.tcas[i]
}

// onlyCasualtyFigures: every figure of nums that other lacks is one of the
// casualty counts cas.
func onlyCasualtyFigures(nums, other []string, cas map[string]int) bool {
	for _, n := range nums {
		if _, ok := slices.BinarySearch(other, n); ok {
			continue
		}
		found := false
		for _, c := range cas {
			found = found || strconv.Itoa(c) == n
		}
		if !found {
			return false
		}
	}
	return true
}

// sharedCount counts the elements two sorted, distinct lists share.
func sharedCount[T cmp.Ordered](a, b []T) int {
	n := 0
	for x, y := 0, 0; x < len(a) && y < len(b); {
		switch {
		case a[x] < b[y]:
			x++
		case a[x] > b[y]:
			y++
		default:
			n++
			x++
			y++
		}
	}
	return n
}

func sharedStrings(a, b []string) int {
	n := 0
	for _, s := range a {
		if _, ok := slices.BinarySearch(b, s); ok {
			n++
		}
	}
	return n
}

// merger holds one clustering pass: the articles oldest first (each with
// its mergeDoc), the forgetting candidate index and the stories built so far.
type merger struct {
	e         *Engine
	window    time.Duration
	threshold float64
	prep      []prepared
	ts        *termStats
	index     candIndex
	owner     []int // article → story
	stories   []mergeStory
	seen      []int // candidate dedup: seen[j] == i+1 when j is a candidate of i
	linked    []int // link memo: linked[j] == i+1 when link[j] is strong(i, j)
	link      []strongLink
	subj      []string         // article → its subject (see subject), "" until asked
	tcas      []map[string]int // article → titleCasualties, nil until asked
	// scratch of one article's turn, reused: its candidates, the stories
	// they belong to, and each story's tally (by story; see join)
	cands []int
	order []int
	terms []int32 // mergeKeys' lead terms
	tally []storyTally
}

// strongLink is a memoised result of strong.
type strongLink struct {
	ok    bool
	score float64
}

// strongOnce is strong(i, j) computed once per pair during article i's
// turn: join, the lead check and fitsOnAverage ask about the same members.
func (m *merger) strongOnce(i, j int) (bool, float64) {
	if m.linked[j] != i+1 {
		ok, s := m.strong(i, j)
		m.linked[j], m.link[j] = i+1, strongLink{ok, s}
	}
	return m.link[j].ok, m.link[j].score
}

// newMerger prepares a clustering pass over articles sorted oldest first.
func (e *Engine) newMerger(prep []prepared) *merger {
	ts := buildMergeDocs(prep)
	return &merger{e: e, window: e.window, threshold: e.mergeThreshold, prep: prep, ts: ts,
		index: newCandIndex(len(prep), e.window), owner: make([]int, len(prep)), seen: make([]int, len(prep)),
		linked: make([]int, len(prep)), link: make([]strongLink, len(prep)), subj: make([]string, len(prep)), tcas: make([]map[string]int, len(prep))}
}

// run sweeps the articles oldest first: forget what fell out of the
// window, find candidates, join a story or start one, index the article.
func (m *merger) run() {
	for i := range m.prep {
		m.index.forget(m.prep, m.prep[i].Published)
		keys := m.mergeKeys(i)
		m.add(i, m.join(i, m.candidates(i, keys)))
		m.index.add(i, m.prep[i].Published, keys)
	}
}

// mergeStory is one story being built: members in order (the first is the
// lead, the earliest report) and the earliest known publication time, which
// anchors the window so a chain of daily bulletins cannot stretch a story.
type mergeStory struct {
	members []int
	first   time.Time
}

// strong reports a link strong enough to merge articles i and j: a
// near-copy (MinHash, or one headline with shared text), or a merge score
// above the threshold (higher within one outlet).
func (m *merger) strong(i, j int) (bool, float64) {
	a, b := &m.prep[i], &m.prep[j]
	if a.lang != b.lang || !m.e.inWindow(a, b) {
		return false, 0
	}
	// A near-copy is one event unless its headline's figures differ: a
	// template filled in with new figures (a daily bulletin) shares all of
	// its word pairs with yesterday's (shingles leave figures out).
	conflict := m.figuresConflict(i, j)
	if conflict && !a.Published.IsZero() && !b.Published.IsZero() && absDuration(a.Published.Sub(b.Published)) > figureConflictGap {
		return false, 0
	}
	if m.previewAndOutcome(i, j) {
		return false, 0
	}
	jac := a.sig.jaccard(&b.sig)
	if a.column || b.column {
		// commentary is not a report of the event it discusses: it joins
		// only a copy of itself
		return a.column && b.column && jac >= mergeJaccard, 1 + jac
	}
	if !conflict && (jac >= mergeJaccard || jac >= mergeWeakJaccard && a.sig.headlineJaccard(&b.sig) >= mergeTitle) {
		return true, 1 + jac
	}
	s, cos := m.mergeScore(i, j)
	thr := m.threshold
	if a.Source == "" || b.Source == "" || a.Source == b.Source {
		thr += sameOutletExtra
	}
	if !a.Published.IsZero() && !b.Published.IsZero() && absDuration(a.Published.Sub(b.Published)) > crossDayGap {
		thr += crossDayExtra
	}
	if s >= thr && (cos < crossDeskCos && m.subject(i) != m.subject(j) || cos < anchorCos && !m.anchored(i, j)) {
		return false, s // a weak link across desks, or names without an event
	}
	return s >= thr, s
}

// Headline time words, as stems of the title (signature.title): a headline
// saying "tomorrow" announces what is to happen; one saying "today" or
// "tonight" («اليوم» stems to «يوم») may still be an announcement, filed on
// the day.
var (
	tomorrowStems = []string{"tomorrow", "غدا"}
	todayStems    = []string{"today", "tonight", "ليله", "يوم"}
)

// previewAndOutcome: an announcement («القضاء الإداري ينظر غدا دعوى غلق
// قناة», "court to rule tomorrow") and a report filed previewGap or more
// after it whose headline is no announcement itself (it says neither
// tomorrow nor today: «القضاء الإداري يقضي بغلق القناة») are two items: the
// outcome is news a reader should see, not a copy hidden in the
// announcement's story, however much of the announcement's text it repeats.
func (m *merger) previewAndOutcome(i, j int) bool {
	a, b := &m.prep[i], &m.prep[j]
	if a.Published.IsZero() || b.Published.IsZero() || absDuration(a.Published.Sub(b.Published)) < previewGap {
		return false
	}
	if a.Published.Before(b.Published) {
		a, b = b, a // b is the earlier
	}
	return titleSays(b, tomorrowStems) && !titleSays(a, tomorrowStems) && !titleSays(a, todayStems)
}

// titleSays: the article's headline has one of the stems.
func titleSays(p *prepared, stems []string) bool {
	for _, st := range stems {
		if _, ok := slices.BinarySearch(p.sig.title, st); ok {
			return true
		}
	}
	return false
}

// anchored: a weak link (head cosine under anchorCos) is one event only
// if something of the event itself is common to both reports besides the
// names of the people in it: a figure of the lead, a place of the
// gazetteer, or at least weakTitleStems headline stems. Two developments of
// one day that share only names («جيش فنزويلا يقسم على الولاء لنائب
// الرئيس» / «انتخابات رئاسية فنزويلية خلال شهر», linked by Maduro and
// Chavez) are two stories. anchorCos was chosen on the tuning half: the
// weakest anchorless same-event link there has cosine 0.41, a follow-up
// 0.35 (a new blast in Gao and the attack of the day before).
func (m *merger) anchored(i, j int) bool {
	a, b := &m.prep[i], &m.prep[j]
	if sharedStrings(a.doc.nums, b.doc.nums) > 0 || sharedCount(a.sig.title, b.sig.title) >= weakTitleStems {
		return true
	}
	for _, e := range a.ents {
		if middleEastPlaces[strings.TrimPrefix(e, "e:")] && slices.Contains(b.ents, e) && !m.homePlace(e) {
			return true
		}
	}
	return false
}

// homePlace: place entity e is named in the heads of more than
// homePlaceShare of the call's articles, and of at least homePlaceMin — the
// outlets' own country or capital («القاهره» in Egyptian papers, «الرياض» in
// Saudi ones), which every local report names and which therefore says
// nothing of the event: two cases heard by one Cairo court, two referees'
// courses in Riyadh. In a small call nothing is a home place.
func (m *merger) homePlace(e string) bool {
	df := int(m.ts.df[m.ts.id(e)])
	return df >= homePlaceMin && float64(df) > homePlaceShare*float64(m.ts.n)
}

// subject is the classifier's best topic for article i, with the regions
// (world, middle-east) as one: desks file one region's news under either.
// Computed on first use, for the few links that need it.
func (m *merger) subject(i int) string {
	if m.subj[i] == "" {
		m.subj[i] = "-"
		if ts := m.prep[i].model; len(ts) > 0 { // the classifier's scores in this call (adaptTopics)
			m.subj[i] = ts[0].ID
			if regionTopics[ts[0].ID] {
				m.subj[i] = "region"
			}
		}
	}
	return m.subj[i]
}

// join returns the story article i joins, or -1: the best-scoring story
// among those it is strongly linked to through the story's lead, or through
// at least two members and a third of them. A member linked to one member
// only is not enough, so a story cannot chain into another event.
func (m *merger) join(i int, cands []int) int {
	order := m.order[:0]
	m.tally = byTerm(m.tally, len(m.stories))
	for _, j := range cands {
		si := m.owner[j]
		if !m.inStoryWindow(i, si) {
			continue
		}
		t := &m.tally[si]
		if t.at != i+1 {
			*t = storyTally{at: i + 1}
			order = append(order, si)
		}
		if ok, s := m.strongOnce(i, j); ok {
			t.links++
			t.best = max(t.best, s)
		}
	}
	m.order = order
	best, bestScore := -1, 0.0
	slices.Sort(order)
	for _, si := range order {
		t := m.tally[si]
		members := m.stories[si].members
		leadOK, leadScore := m.strongOnce(i, members[0])
		if !leadOK && (t.links < 2 || 3*t.links < len(members)) || !m.fitsOnAverage(i, members) {
			continue
		}
		if s := max(t.best, leadScore); best < 0 || s > bestScore {
			best, bestScore = si, s
		}
	}
	return best
}

// storyTally is what join counts of one story during article i's turn
// (at == i+1): its members strongly linked to i and the best link.
type storyTally struct {
	at    int
	links int
	best  float64
}

// fitsOnAverage is the complete-link side of joining: the article's mean
// score against the story's lead and its latest members is at least
// avgLinkShare of the threshold, so one strong link to a round-up report
// cannot pull an unrelated event into a story.
func (m *merger) fitsOnAverage(i int, members []int) bool {
	check := members
	if len(check) > avgMembers {
		check = append([]int{members[0]}, members[len(members)-avgMembers+1:]...)
	}
	var sum float64
	for _, j := range check {
		_, s := m.strongOnce(i, j)
		sum += min(s, 1)
	}
	return sum/float64(len(check)) >= avgLinkShare*m.threshold
}

// inStoryWindow: article i was published within the window of the story's
// first dated report.
func (m *merger) inStoryWindow(i, si int) bool {
	t, first := m.prep[i].Published, m.stories[si].first
	return t.IsZero() || first.IsZero() || absDuration(t.Sub(first)) <= m.window
}

func (m *merger) add(i, si int) {
	if si < 0 {
		si = len(m.stories)
		m.stories = append(m.stories, mergeStory{})
	}
	s := &m.stories[si]
	s.members = append(s.members, i)
	if t := m.prep[i].Published; !t.IsZero() && (s.first.IsZero() || t.Before(s.first)) {
		s.first = t
	}
	m.owner[i] = si
}

// candidates returns the distinct earlier articles sharing an index key
// with article i (the maxBucket most recent per key), in the merger's
// scratch: they hold until the next article's turn.
func (m *merger) candidates(i int, keys []uint64) []int {
	out := m.cands[:0]
	for bucket := range m.index.buckets(keys) {
		for _, j := range bucket[max(0, len(bucket)-maxBucket):] {
			if m.seen[j] != i+1 {
				m.seen[j] = i + 1
				out = append(out, j)
			}
		}
	}
	m.cands = out
	return out
}

// mergeKeys are the index keys of article i: LSH bands and title words
// (indexKeys), and its rarest lead terms that some other lead shares.
func (m *merger) mergeKeys(i int) []uint64 {
	keys := indexKeys(&m.prep[i].sig, leadKeys)
	terms := append(m.terms[:0], m.prep[i].doc.terms...)
	terms = slices.DeleteFunc(terms, func(id int32) bool { return m.ts.df[id] < 2 })
	m.terms = terms
	slices.SortFunc(terms, func(a, b int32) int {
		if da, db := m.ts.df[a], m.ts.df[b]; da != db {
			return int(da - db)
		}
		return int(a - b)
	})
	for _, id := range terms[:min(leadKeys, len(terms))] {
		keys = append(keys, uint64(id)<<8|0xa5)
	}
	return keys
}
