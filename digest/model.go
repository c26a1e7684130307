package digest

import (
	"bufio"
	"bytes"
	"compress/gzip"
	_ "embed"
	"errors"
	"fmt"
	"io"
	"math"
	"sort"
	"strconv"
	"strings"
)

// topicModelFile is the trained classifier written by `go run ./cmd/trainmodel`
// (gzip-compressed text, see TopicModel.MarshalText).
//
//go:embed model/topics.model.gz
var topicModelFile []byte

// ErrBadModel reports a topic model file that cannot be parsed.
var ErrBadModel = errors.New("digest: bad topic model")

// TopicModel is a multinomial naive Bayes classifier over Boolean stem
// features (a stem counts once per document), one sub-model per language
// because Arabic and English stems never share a vocabulary and mixing them
// would skew each class's word mass by the other language's corpus size.
type TopicModel struct {
	Alpha float64 // additive smoothing
	Prior float64 // weight of the class prior against the tempered likelihood
	Langs map[string]*LangModel
}

// LangModel is the naive Bayes model of one language.
type LangModel struct {
	Classes []string         // topic IDs
	Docs    []float64        // training documents per class
	Counts  map[string][]int // stem → documents of each class containing it
	total   []float64        // per-class feature mass (computed on load)
	vocab   float64
}

// LabeledDoc is one training document.
type LabeledDoc struct {
	Lang, Topic, Text string
}

// TrainTopicModel fits the model. Stems seen in fewer than minDocs documents
// are dropped to keep the embedded file small and the model robust.
func TrainTopicModel(docs []LabeledDoc, minDocs int) (*TopicModel, error) {
	m := &TopicModel{Alpha: 0.1, Prior: 1, Langs: map[string]*LangModel{}}
	for _, d := range docs {
		lm := m.Langs[d.Lang]
		if lm == nil {
			lm = &LangModel{Counts: map[string][]int{}}
			m.Langs[d.Lang] = lm
		}
		lm.add(d.Topic, Terms(d.Text))
	}
	if len(m.Langs) == 0 {
		return nil, fmt.Errorf("%w: no training documents", ErrBadModel)
	}
	for _, lm := range m.Langs {
		lm.prune(minDocs)
		lm.finish()
	}
	return m, nil
}

func (lm *LangModel) classIndex(topic string) int {
	for i, c := range lm.Classes {
		if c == topic {
			return i
		}
	}
	lm.Classes = append(lm.Classes, topic)
	lm.Docs = append(lm.Docs, 0)
	for s, c := range lm.Counts {
		lm.Counts[s] = append(c, 0)
	}
	return len(lm.Classes) - 1
}

func (lm *LangModel) add(topic string, terms []string) {
	ci := lm.classIndex(topic)
	lm.Docs[ci]++
	for t := range setOf(terms) {
		c := lm.Counts[t]
		if c == nil {
			c = make([]int, len(lm.Classes))
			lm.Counts[t] = c
		}
		c[ci]++
	}
}

func (lm *LangModel) prune(minDocs int) {
	for s, c := range lm.Counts {
		n := 0
		for _, v := range c {
			n += v
		}
		if n < minDocs {
			delete(lm.Counts, s)
		}
	}
}

// finish computes the per-class feature mass used by the likelihoods.
func (lm *LangModel) finish() {
	lm.total = make([]float64, len(lm.Classes))
	for _, c := range lm.Counts {
		for i, v := range c {
			lm.total[i] += float64(v)
		}
	}
	lm.vocab = float64(len(lm.Counts))
}

// Classify returns the topic distribution for text in lang, best first, or
// nil when the model has no sub-model for lang. Scores are posteriors of a
// tempered naive Bayes (log-likelihood divided by √n for n known stems) so
// that confidence reflects evidence instead of saturating at 1.
func (m *TopicModel) Classify(lang, text string) []TopicScore {
	lm := m.Langs[lang]
	if lm == nil || len(lm.Classes) == 0 {
		return nil
	}
	var docs float64
	for _, d := range lm.Docs {
		docs += d
	}
	ll := make([]float64, len(lm.Classes))
	n := 0
	for t := range setOf(Terms(text)) {
		c, ok := lm.Counts[t]
		if !ok {
			continue
		}
		n++
		for i := range ll {
			ll[i] += math.Log((float64(c[i]) + m.Alpha) / (lm.total[i] + m.Alpha*lm.vocab))
		}
	}
	temp := math.Max(1, math.Sqrt(float64(n)))
	for i := range ll {
		ll[i] = ll[i]/temp + m.Prior*math.Log(lm.Docs[i]/docs)
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
	sort.SliceStable(s, func(i, j int) bool {
		if s[i].Score != s[j].Score {
			return s[i].Score > s[j].Score
		}
		return s[i].ID < s[j].ID
	})
}

// MarshalText writes the model as gzip-compressed lines:
//
//	alpha 0.1
//	lang ar
//	classes politics world ...
//	docs 12 30 ...
//	<stem> <count per class...>
//
// Languages and stems are sorted so the file is reproducible.
func (m *TopicModel) MarshalText() ([]byte, error) {
	var buf bytes.Buffer
	zw, err := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	if err != nil {
		return nil, fmt.Errorf("digest: model: %w", err)
	}
	w := bufio.NewWriter(zw)
	fmt.Fprintf(w, "alpha %g\nprior %g\n", m.Alpha, m.Prior)
	for _, lang := range sortedKeys(m.Langs) {
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
	fmt.Fprintf(w, "lang %s\nclasses %s\ndocs", lang, strings.Join(lm.Classes, " "))
	for _, d := range lm.Docs {
		fmt.Fprintf(w, " %g", d)
	}
	fmt.Fprintln(w)
	for _, s := range sortedKeys(lm.Counts) {
		fmt.Fprint(w, s)
		for _, v := range lm.Counts[s] {
			fmt.Fprintf(w, " %d", v)
		}
		fmt.Fprintln(w)
	}
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// ParseTopicModel reads a model written by MarshalText. An empty input is an
// empty model (no classifier: topics then come from hints, the gazetteer and
// admin keywords only).
func ParseTopicModel(data []byte) (*TopicModel, error) {
	m := &TopicModel{Alpha: 0.1, Prior: 1, Langs: map[string]*LangModel{}}
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
	for _, lm := range m.Langs {
		lm.finish()
	}
	return m, nil
}

func (m *TopicModel) read(r io.Reader) error {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 1024*1024)
	var lm *LangModel
	for line := 1; sc.Scan(); line++ {
		f := strings.Fields(sc.Text())
		if err := m.readLine(f, &lm); err != nil {
			return fmt.Errorf("%w: line %d: %w", ErrBadModel, line, err)
		}
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("%w: %w", ErrBadModel, err)
	}
	return nil
}

func (m *TopicModel) readLine(f []string, lm **LangModel) error {
	if len(f) < 2 {
		return errors.New("too few fields")
	}
	switch {
	case f[0] == "alpha":
		v, err := strconv.ParseFloat(f[1], 64)
		m.Alpha = v
		return err
	case f[0] == "prior":
		v, err := strconv.ParseFloat(f[1], 64)
		m.Prior = v
		return err
	case f[0] == "lang":
		*lm = &LangModel{Counts: map[string][]int{}}
		m.Langs[f[1]] = *lm
		return nil
	case *lm == nil:
		return errors.New("data before a lang line")
	case f[0] == "classes":
		(*lm).Classes = f[1:]
		return nil
	case f[0] == "docs":
		return parseFloats(f[1:], &(*lm).Docs, len((*lm).Classes))
	}
	counts, err := parseInts(f[1:], len((*lm).Classes))
	(*lm).Counts[f[0]] = counts
	return err
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

func parseInts(f []string, n int) ([]int, error) {
	if len(f) != n {
		return nil, fmt.Errorf("want %d counts, got %d", n, len(f))
	}
	out := make([]int, n)
	for i, s := range f {
		v, err := strconv.Atoi(s)
		if err != nil || v < 0 {
			return nil, fmt.Errorf("bad count %q", s)
		}
		out[i] = v
	}
	return out, nil
}

// EmbeddedModel parses the topic model compiled into the binary.
func EmbeddedModel() (*TopicModel, error) {
	return ParseTopicModel(topicModelFile)
}
