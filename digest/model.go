package digest

import (
	"bufio"
	"bytes"
	"compress/gzip"
	_ "embed"
	"errors"
	"fmt"
	"io"
	"maps"
	"math"
	"slices"
	"strconv"
	"strings"
	"sync"
)

// topicModelFile is the trained classifier written by `go run ./cmd/trainmodel`
// (gzip-compressed text, see TopicModel.MarshalText).
//
//go:embed model/topics.model.gz
var topicModelFile []byte

// ErrBadModel reports a topic model file that cannot be parsed.
var ErrBadModel = errors.New("digest: bad topic model")

// TopicModel is a multinomial naive Bayes classifier over Boolean features
// (a feature counts once per document: stems and pairs of adjacent stems,
// see Features), one sub-model per language because Arabic and English
// stems never share a vocabulary and mixing them would skew each class's
// feature mass by the other language's corpus size. It is trained on many
// outlets at once (TrainTopicModel keeps outlet-specific words from
// dominating); naive Bayes reached the cross-outlet figures in
// docs/EVALUATION.md and trains in milliseconds, which the
// leave-one-outlet-out evaluation (one model per outlet) needs.
type TopicModel struct {
	Langs map[string]*LangModel
}

// LangModel is the naive Bayes model of one language.
type LangModel struct {
	Alpha   float64   // additive smoothing; change it with SetAlpha (the logs depend on it)
	Prior   float64   // weight of the class prior against the tempered likelihood
	Temp    float64   // calibration temperature: scores are softmax(log-posterior / Temp); 0 or 1 = none
	Classes []string  // topic IDs
	Docs    []float64 // training documents per class (weighted)
	// feats are the features in sorted order, their names slices of one
	// string, and counts holds at row*len(Classes)+class the weighted
	// documents of each class containing feature row (see FeatureCounts).
	// A map of a slice per feature cost the shipped model 12 MiB more of
	// live heap in every process, for the trainer's and the file's sake.
	feats  []string
	counts []float64
	// building is the features of a model being read or trained, by name,
	// until finish packs them into feats and counts.
	building map[string][]float64
	total    []float64 // per-class feature mass (computed by finish)
	vocab    float64
	// rows numbers the features in sorted order and logp holds, at
	// row*len(Classes)+class, each feature's log-likelihood in each class
	// (both made by finish): classifying an article looks its features up
	// once and adds precomputed logs in row order, which is sorted feature
	// order, so the sums are the same bits as adding math.Log of the counts
	// feature by feature in sorted order.
	rows map[string]featRow
	logp []float64
	// pairs holds the row of each pair feature "a_b" under the keys of a
	// and b (featRow.key), for callers that know their terms' featRows
	// already (featureRowsOf): a table of two numbers instead of a string
	// built and hashed per adjacent pair. It is a wordTable under
	// mixFinal(pairKey), a bijection, so a slot's hash is the pair itself
	// and a look-up reads one slot where a map read its control word and
	// its slot.
	pairs wordTable
}

// featRow is what the model knows of a string: its row when it is a
// feature, whether it ends a pair feature ("b" of "a_b"), and a one-word
// Bloom filter of the strings that can follow it in one (the bits
// pairBit of each b for which "a_b" is a feature), so that a pair is
// looked up only when both halves can make one. Most adjacent stems make
// no pair feature; a begin/end flag alone let 65 % of the look-ups of a
// day of ANT miss, each a cache miss or two in a map of 40,000 pairs.
type featRow struct {
	row      int32
	key      int32  // the string's number among all rows' keys (pairKey)
	partners uint64 // pairBit of every b that follows it in a pair "a_b"; 0: it begins none
	known    bool   // row is a feature's
	right    bool   // it ends a pair feature
}

// pairs reports whether a and b may make a pair feature "a_b": when false
// they make none; when true the pairs map says.
func (a featRow) pairs(b featRow) bool { return b.right && a.partners&pairBit(b.key) != 0 }

// pairBit is key's bit in a featRow's partners (Fibonacci hashing onto 64 bits).
func pairBit(key int32) uint64 { return 1 << (uint32(key) * 0x9e3779b1 >> 26) }

// Default hyper-parameters; cmd/trainmodel chooses per language by
// cross-validation.
const (
	DefaultAlpha = 0.1
	DefaultPrior = 1.0
)

// LabeledDoc is one training document. Terms, when set, are its stems (see
// Terms) and spare the trainer stemming Text again. Source is the outlet it
// came from, for TrainOptions.MinSources and SourceCap.
type LabeledDoc struct {
	Lang, Topic, Text string
	Terms             []string
	Source            string
}

func (d LabeledDoc) terms() []string {
	if d.Terms != nil {
		return d.Terms
	}
	return Terms(d.Text)
}

// Features returns the classifier's features of a stem sequence: every stem
// and every pair of adjacent stems ("central_bank"), which carry phrases
// that transfer across outlets better than their words alone.
func Features(terms []string) []string {
	out := make([]string, 0, 2*len(terms))
	out = append(out, terms...)
	for i := 1; i < len(terms); i++ {
		out = append(out, terms[i-1]+"_"+terms[i])
	}
	return out
}

// NumFeatures is how many features the model knows.
func (lm *LangModel) NumFeatures() int { return len(lm.feats) }

// FeatureCounts returns the weighted documents of each class (in Classes'
// order) that contain feature f, and whether the model knows f. The slice
// is the model's own: do not modify it.
func (lm *LangModel) FeatureCounts(f string) ([]float64, bool) {
	e, ok := lm.rows[f]
	if !ok || !e.known {
		return nil, false
	}
	nc := len(lm.Classes)
	return lm.counts[int(e.row)*nc : int(e.row+1)*nc : int(e.row+1)*nc], true
}

// pack moves the features being built into feats and counts, sorted by
// name (one order: the same totals in every process), the names copied
// into one string so that they keep neither the file's lines nor the
// trainer's vocabulary alive.
func (lm *LangModel) pack() {
	if lm.building == nil {
		return
	}
	names := slices.Sorted(maps.Keys(lm.building))
	var b strings.Builder
	for _, f := range names {
		b.WriteString(f)
	}
	all := b.String()
	nc := len(lm.Classes)
	lm.feats, lm.counts = make([]string, len(names)), make([]float64, 0, len(names)*nc)
	for r, f := range names {
		lm.feats[r], all = all[:len(f)], all[len(f):]
		lm.counts = append(lm.counts, lm.building[f]...)
	}
	lm.building = nil
}

// finish computes the per-class feature mass used by the likelihoods.
func (lm *LangModel) finish() {
	lm.pack()
	feats := lm.feats
	nc := len(lm.Classes)
	lm.total = make([]float64, nc)
	for r := range feats {
		for i, v := range lm.counts[r*nc : (r+1)*nc] {
			lm.total[i] += v
		}
	}
	lm.vocab = float64(len(feats))
	lm.rows = make(map[string]featRow, len(feats))
	lm.logp = make([]float64, len(feats)*nc)
	for r, f := range feats {
		lm.rows[f] = featRow{row: int32(r), known: true}
		for i, c := range lm.counts[r*nc : (r+1)*nc] {
			lm.logp[r*nc+i] = lm.logLik(c, lm.total[i])
		}
	}
	var pairFeats []string
	for _, f := range feats {
		if a, b, ok := strings.Cut(f, "_"); ok && !strings.Contains(b, "_") {
			if _, ok := lm.rows[a]; !ok {
				lm.rows[a] = featRow{} // a begins a pair: it needs a key
			}
			e := lm.rows[b]
			e.right = true
			lm.rows[b] = e
			pairFeats = append(pairFeats, f)
		}
	}
	for k, f := range slices.Sorted(maps.Keys(lm.rows)) {
		e := lm.rows[f]
		e.key = int32(k)
		lm.rows[f] = e
	}
	lm.pairs = newWordTable(len(pairFeats))
	for _, f := range pairFeats {
		a, b, _ := strings.Cut(f, "_")
		ea, eb := lm.rows[a], lm.rows[b]
		ea.partners |= pairBit(eb.key)
		lm.rows[a] = ea
		lm.pairs.put(mixFinal(pairKey(ea, eb)), lm.rows[f].row)
	}
}

func pairKey(a, b featRow) uint64 { return uint64(uint32(a.key))<<32 | uint64(uint32(b.key)) }

// SetAlpha changes the smoothing of a model already trained or read, and
// the precomputed logs with it.
func (lm *LangModel) SetAlpha(alpha float64) {
	if alpha != lm.Alpha {
		lm.Alpha = alpha
		lm.finish()
	}
}

// featureRows returns the model's rows of the features of terms (see
// Features) that it knows, sorted and each once. Pairs are looked up from a
// reused buffer rather than built as strings: most pairs are unknown.
func (lm *LangModel) featureRows(terms []string) []int32 {
	rows := make([]int32, 0, 2*len(terms))
	var pair []byte
	var prev featRow
	for i, t := range terms {
		e := lm.rows[t]
		if e.known {
			rows = append(rows, e.row)
		}
		if i > 0 && prev.pairs(e) {
			pair = append(append(append(pair[:0], terms[i-1]...), '_'), t...)
			if p := lm.rows[string(pair)]; p.known {
				rows = append(rows, p.row)
			}
		}
		prev = e
	}
	slices.Sort(rows)
	return slices.Compact(rows)
}

// Classify returns the topic distribution for text in lang, best first, or
// nil when the model has no sub-model for lang.
func (m *TopicModel) Classify(lang, text string) []TopicScore {
	return m.ClassifyTerms(lang, Terms(text))
}

// ClassifyTerms is Classify on stems already computed with Terms. Scores
// are posteriors of a tempered naive Bayes (log-likelihood divided by √n
// for n known features) so that confidence reflects evidence instead of
// saturating at 1 as plain naive Bayes does on long texts, then divided by
// the calibration temperature that cmd/trainmodel fits on
// leave-one-outlet-out predictions, so that a score of 0.7 is right about
// 70% of the time on an outlet the model never saw.
func (m *TopicModel) ClassifyTerms(lang string, terms []string) []TopicScore {
	lm := m.sub(lang)
	if lm == nil {
		return nil
	}
	// Sorted and deduplicated rather than a set: adding the logs in map
	// order made the scores differ in their last bits from call to call.
	return lm.score(lm.featureRows(terms))
}

// sub is the sub-model of lang, or nil when there is none that can
// classify (no classes).
func (m *TopicModel) sub(lang string) *LangModel {
	if lm := m.Langs[lang]; lm != nil && len(lm.Classes) > 0 {
		return lm
	}
	return nil
}

// featureRowsOf is featureRows for the terms numbered tids by st
// (stemmer.appendWordTerms): the same rows, with each distinct stem's
// featRow looked up once per stemmer instead of once per occurrence.
func (lm *LangModel) featureRowsOf(st *stemmer, tids []int32) []int32 {
	rows := make([]int32, 0, 2*len(tids))
	seen := st.scratch()
	var prev featRow
	for i, t := range tids {
		e := st.featRowOf(lm, t)
		if e.known && seen[t] == 0 { // a repeated stem adds its row once: fewer rows to sort
			seen[t] = 1
			rows = append(rows, e.row)
		}
		if i > 0 && prev.pairs(e) {
			if r, ok := lm.pairs.get(mixFinal(pairKey(prev, e))); ok {
				rows = append(rows, r)
			}
		}
		prev = e
	}
	for _, t := range tids {
		seen[t] = 0
	}
	slices.Sort(rows)
	return slices.Clip(slices.Compact(rows))
}

// score is the tempered, calibrated posterior of the features rows
// (sorted, each once).
func (lm *LangModel) score(rows []int32) []TopicScore {
	return lm.posterior(rows, lm.logp, lm.Docs)
}

// logLik is the smoothed log-likelihood of a feature counted n times in a
// class whose features are counted total times (additive smoothing by
// Alpha over the vocabulary).
func (lm *LangModel) logLik(n, total float64) float64 {
	return math.Log((n + lm.Alpha) / (total + lm.Alpha*lm.vocab))
}

// posterior is score with the log-likelihoods of feature r in each class
// at logp[r*len(Classes):] and the class sizes docs: the model's own, or
// those of the model adapted to a source (adapt), whose rows are numbered
// afresh.
func (lm *LangModel) posterior(rows []int32, logp, docs []float64) []TopicScore {
	nc := len(lm.Classes)
	ll := make([]float64, nc)
	n := len(rows)
	for _, r := range rows {
		for i, v := range logp[int(r)*nc : int(r+1)*nc] {
			ll[i] += v
		}
	}
	var all float64
	for _, d := range docs {
		all += d
	}
	temp := math.Max(1, math.Sqrt(float64(n)))
	for i := range ll {
		ll[i] = ll[i]/temp + lm.Prior*math.Log(docs[i]/all)
		if lm.Temp > 0 {
			ll[i] /= lm.Temp
		}
	}
	return softmaxScores(lm.Classes, ll)
}

func softmaxScores(classes []string, ll []float64) []TopicScore {
	maxLL := math.Inf(-1)
	for _, v := range ll {
		maxLL = math.Max(maxLL, v)
	}
	var sum float64
	out := make([]TopicScore, len(ll))
	for i, v := range ll {
		out[i] = TopicScore{ID: classes[i], Score: math.Exp(v - maxLL)}
		sum += out[i].Score
	}
	for i := range out {
		out[i].Score /= sum
	}
	sortScores(out)
	return out
}

func sortScores(s []TopicScore) {
	slices.SortStableFunc(s, func(a, b TopicScore) int {
		switch {
		case a.Score > b.Score:
			return -1
		case a.Score < b.Score:
			return 1
		}
		return strings.Compare(a.ID, b.ID)
	})
}

// MarshalText writes the model as gzip-compressed lines, per language:
//
//	lang ar
//	alpha 0.1
//	prior 1
//	temp 2.5           (optional)
//	classes politics world ...
//	docs 12 30 ...
//	w <feature> <weighted documents per class...>
//
// Stem lines carry the "w" tag so that a stem spelled like a directive
// ("lang", "prior", "alpha") cannot be mistaken for one.
// Languages and stems are sorted so the file is reproducible.
func (m *TopicModel) MarshalText() ([]byte, error) {
	var buf bytes.Buffer
	zw, err := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	if err != nil {
		return nil, fmt.Errorf("digest: model: %w", err)
	}
	w := bufio.NewWriter(zw)
	for _, lang := range slices.Sorted(maps.Keys(m.Langs)) {
		m.Langs[lang].write(w, lang)
	}
	if err := w.Flush(); err != nil {
		return nil, fmt.Errorf("digest: model: %w", err)
	}
	if err := zw.Close(); err != nil {
		return nil, fmt.Errorf("digest: model: %w", err)
	}
	return buf.Bytes(), nil
}

func (lm *LangModel) write(w io.Writer, lang string) {
	fmt.Fprintf(w, "lang %s\nalpha %g\nprior %g\n", lang, lm.Alpha, lm.Prior)
	if lm.Temp > 0 {
		fmt.Fprintf(w, "temp %g\n", lm.Temp)
	}
	fmt.Fprintf(w, "classes %s\ndocs", strings.Join(lm.Classes, " "))
	for _, d := range lm.Docs {
		fmt.Fprintf(w, " %g", d)
	}
	fmt.Fprintln(w)
	nc := len(lm.Classes)
	for r, s := range lm.feats {
		fmt.Fprint(w, "w ", s)
		for _, v := range lm.counts[r*nc : (r+1)*nc] {
			fmt.Fprintf(w, " %s", strconv.FormatFloat(v, 'f', -1, 64))
		}
		fmt.Fprintln(w)
	}
}

// ParseTopicModel reads a model written by MarshalText. An empty input is an
// empty model (no classifier: topics then come from hints, the gazetteer and
// admin keywords only).
func ParseTopicModel(data []byte) (*TopicModel, error) {
	m := &TopicModel{Langs: map[string]*LangModel{}}
	if len(data) == 0 {
		return m, nil
	}
	zr, err := gzip.NewReader(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrBadModel, err)
	}
	if err := m.read(zr); err != nil {
		return nil, err
	}
	for lang, lm := range m.Langs {
		if len(lm.Classes) == 0 || len(lm.Docs) != len(lm.Classes) {
			return nil, fmt.Errorf("%w: language %s lacks classes or docs", ErrBadModel, lang)
		}
		lm.finish()
	}
	return m, nil
}

func (m *TopicModel) read(r io.Reader) error {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 1024*1024)
	var lm *LangModel
	for line := 1; sc.Scan(); line++ {
		if err := m.readLine(strings.Fields(sc.Text()), &lm); err != nil {
			return fmt.Errorf("%w: line %d: %w", ErrBadModel, line, err)
		}
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("%w: %w", ErrBadModel, err)
	}
	return nil
}

func (m *TopicModel) readLine(f []string, cur **LangModel) error {
	if len(f) < 2 {
		return errors.New("too few fields")
	}
	if f[0] == "lang" {
		*cur = &LangModel{Alpha: DefaultAlpha, Prior: DefaultPrior, building: map[string][]float64{}}
		m.Langs[f[1]] = *cur
		return nil
	}
	lm := *cur
	if lm == nil {
		return errors.New("data before a lang line")
	}
	switch f[0] {
	case "alpha":
		return parseParam(f, &lm.Alpha)
	case "temp":
		return parseParam(f, &lm.Temp)
	case "prior":
		return parseParam(f, &lm.Prior)
	case "classes":
		lm.Classes = f[1:]
		return nil
	case "docs":
		return parseFloats(f[1:], &lm.Docs, len(lm.Classes))
	case "w":
		if _, dup := lm.building[f[1]]; dup {
			return fmt.Errorf("feature %q twice", f[1])
		}
		counts, err := parseCounts(f[2:], len(lm.Classes))
		lm.building[f[1]] = counts
		return err
	}
	return fmt.Errorf("unknown line %q", f[0])
}

func parseParam(f []string, out *float64) error {
	v, err := strconv.ParseFloat(f[1], 64)
	if err != nil || v < 0 || len(f) != 2 {
		return fmt.Errorf("bad %s %q", f[0], strings.Join(f[1:], " "))
	}
	*out = v
	return nil
}

func parseFloats(f []string, out *[]float64, n int) error {
	if len(f) != n {
		return fmt.Errorf("want %d values, got %d", n, len(f))
	}
	for _, s := range f {
		v, err := strconv.ParseFloat(s, 64)
		if err != nil || v <= 0 {
			return fmt.Errorf("bad document count %q", s)
		}
		*out = append(*out, v)
	}
	return nil
}

func parseCounts(f []string, n int) ([]float64, error) {
	if len(f) != n {
		return nil, fmt.Errorf("want %d counts, got %d", n, len(f))
	}
	out := make([]float64, n)
	for i, s := range f {
		v, err := strconv.ParseFloat(s, 64)
		if err != nil || v < 0 || math.IsInf(v, 0) || math.IsNaN(v) {
			return nil, fmt.Errorf("bad count %q", s)
		}
		out[i] = v
	}
	return out, nil
}

// EmbeddedModel returns the topic model compiled into the binary, parsed
// once per process (the file holds some 170,000 features: parsing it for
// every engine would cost each one a second). The model is shared: callers
// must not modify it.
func EmbeddedModel() (*TopicModel, error) {
	return embeddedModel()
}

// embeddedModel is set once at package initialisation and never replaced;
// the sync.OnceValues makes the first call parse and every other call wait
// for and share that result. It is a read-only cache of the embedded file,
// not mutable state: the parsed model is never written after parsing.
var embeddedModel = sync.OnceValues(func() (*TopicModel, error) {
	return ParseTopicModel(topicModelFile)
})
