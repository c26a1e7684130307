package digest

import (
	"fmt"
	"math"
	"slices"
)

// TrainOptions control what a trained model keeps.
type TrainOptions struct {
	// MinDocs drops features seen in fewer training documents (keeps the
	// embedded file small and the model robust).
	MinDocs int
	// MinSources drops features seen in fewer distinct sources: a word only
	// one outlet uses (its name, its bylines, its city) says "this outlet",
	// not "this topic", and misleads on every other outlet. The rule needs
	// at least three training outlets in the language (see needSources):
	// with two, it would keep only the words both share, so the smaller
	// outlet's vocabulary would decide what the bigger one may teach.
	MinSources int
	// SourceCap, when > 0, weighs the documents of one source and topic as
	// at most SourceCap documents, so that a big outlet's habits do not
	// outvote the others'.
	SourceCap float64
}

// TopicTrainer holds a training set with its features interned once, so
// that many models over parts of it (the leave-one-outlet-out folds of the
// evaluation, one per outlet) train in a fraction of the time: naive Bayes
// only counts, and counting integer feature IDs into arrays is cheap.
type TopicTrainer struct {
	opt    TrainOptions
	langs  []string // in order of first document
	byLang map[string]*langTrainer
}

// langTrainer is the training set of one language.
type langTrainer struct {
	names   []string  // feature ID → feature
	sources [][]int32 // feature ID → distinct source IDs, at most three
	docs    []trainDoc
	srcIDs  map[string]int32
	// while interning only:
	index map[string]int32
	df    []int32
	last  []int32 // last document that counted the feature
}

type trainDoc struct {
	topic  string
	source int32
	weight float64
	feats  []int32 // distinct
}

// NewTopicTrainer interns docs. Features that could never be kept (fewer
// than opt.MinDocs documents or opt.MinSources sources in the whole set)
// are dropped at once.
func NewTopicTrainer(docs []LabeledDoc, opt TrainOptions) *TopicTrainer {
	t := &TopicTrainer{opt: opt, byLang: map[string]*langTrainer{}}
	groups := map[[3]string]float64{} // lang, source, topic → documents
	for _, d := range docs {
		groups[[3]string{d.Lang, d.Source, d.Topic}]++
	}
	for i, d := range docs {
		lt := t.byLang[d.Lang]
		if lt == nil {
			lt = &langTrainer{srcIDs: map[string]int32{}, index: map[string]int32{}}
			t.byLang[d.Lang] = lt
			t.langs = append(t.langs, d.Lang)
		}
		td := trainDoc{topic: d.Topic, source: lt.sourceID(d.Source), weight: 1}
		if n := groups[[3]string{d.Lang, d.Source, d.Topic}]; opt.SourceCap > 0 && n > opt.SourceCap {
			td.weight = opt.SourceCap / n
		}
		td.feats = lt.intern(Features(d.terms()), int32(i), td.source)
		lt.docs = append(lt.docs, td)
	}
	for _, lt := range t.byLang {
		// the loosest rule any model may apply: a fold without one source
		lt.compact(opt.MinDocs, needSources(opt.MinSources, len(lt.srcIDs)-1))
	}
	return t
}

func (lt *langTrainer) sourceID(source string) int32 {
	id, ok := lt.srcIDs[source]
	if !ok {
		id = int32(len(lt.srcIDs))
		lt.srcIDs[source] = id
	}
	return id
}

// intern returns the distinct feature IDs of one document (number doc),
// counting document frequencies and sources.
func (lt *langTrainer) intern(feats []string, doc, src int32) []int32 {
	out := make([]int32, 0, len(feats))
	for _, f := range feats {
		id, ok := lt.index[f]
		if !ok {
			id = int32(len(lt.names))
			lt.index[f] = id
			lt.names = append(lt.names, f)
			lt.sources = append(lt.sources, nil)
			lt.df = append(lt.df, 0)
			lt.last = append(lt.last, -1)
		}
		if lt.last[id] == doc {
			continue
		}
		lt.last[id] = doc
		lt.df[id]++
		if len(lt.sources[id]) < 3 && !slices.Contains(lt.sources[id], src) {
			lt.sources[id] = append(lt.sources[id], src)
		}
		out = append(out, id)
	}
	return out
}

// needSources is how many distinct sources a feature needs when a model
// trains on nTrain sources of one language: minSources (at most 2, the
// trainer records no more per feature beyond three), but 1 when fewer than
// three sources train, because then "in two sources" means "in every
// source" and the smallest source (English: BBC's 100 summaries) would veto
// the others' vocabulary. Per-source capping (SourceCap) still keeps a big
// outlet from outvoting the other.
func needSources(minSources, nTrain int) int {
	if nTrain < 3 {
		return min(minSources, 1)
	}
	return min(minSources, 2)
}

// compact drops the features no model could keep (fewer than minDocs
// documents or minSrc sources) and renumbers the rest.
func (lt *langTrainer) compact(minDocs, minSrc int) {
	newID := make([]int32, len(lt.names))
	var names []string
	var sources [][]int32
	for id, name := range lt.names {
		newID[id] = -1
		if int(lt.df[id]) >= minDocs && len(lt.sources[id]) >= minSrc {
			newID[id] = int32(len(names))
			names = append(names, name)
			sources = append(sources, lt.sources[id])
		}
	}
	for i, d := range lt.docs {
		kept := d.feats[:0]
		for _, f := range d.feats {
			if newID[f] >= 0 {
				kept = append(kept, newID[f])
			}
		}
		lt.docs[i].feats = slices.Clip(kept)
	}
	lt.names, lt.sources = names, sources
	lt.index, lt.df, lt.last = nil, nil, nil
}

// TrainTopicModel fits the model with the default hyper-parameters on docs.
func TrainTopicModel(docs []LabeledDoc, opt TrainOptions) (*TopicModel, error) {
	return NewTopicTrainer(docs, opt).Train("")
}

// Train fits a model on every document but those of source leaveOut ("":
// none), with the default hyper-parameters. A language left without
// documents has no sub-model.
func (t *TopicTrainer) Train(leaveOut string) (*TopicModel, error) {
	m := &TopicModel{Langs: map[string]*LangModel{}}
	for _, lang := range t.langs {
		if lm := t.byLang[lang].train(leaveOut, t.opt); lm != nil {
			m.Langs[lang] = lm
		}
	}
	if len(m.Langs) == 0 {
		return nil, fmt.Errorf("%w: no training documents", ErrBadModel)
	}
	return m, nil
}

func (lt *langTrainer) train(leaveOut string, opt TrainOptions) *LangModel {
	out, hasOut := lt.srcIDs[leaveOut]
	lm := &LangModel{Alpha: DefaultAlpha, Prior: DefaultPrior}
	class := map[string]int{}
	for _, d := range lt.docs {
		if _, ok := class[d.topic]; !ok && !(hasOut && d.source == out) {
			class[d.topic] = len(lm.Classes)
			lm.Classes = append(lm.Classes, d.topic)
		}
	}
	if len(lm.Classes) == 0 {
		return nil
	}
	nTrain := len(lt.srcIDs)
	if hasOut {
		nTrain--
	}
	needSrc := needSources(opt.MinSources, nTrain)
	nc := len(lm.Classes)
	lm.Docs = make([]float64, nc)
	counts := make([]float64, len(lt.names)*nc)
	df := make([]int32, len(lt.names))
	for _, d := range lt.docs {
		if hasOut && d.source == out {
			continue
		}
		ci := class[d.topic]
		lm.Docs[ci] += d.weight
		for _, f := range d.feats {
			counts[int(f)*nc+ci] += d.weight
			df[f]++
		}
	}
	lm.building = map[string][]float64{}
	for f, name := range lt.names {
		nsrc := len(lt.sources[f])
		if hasOut && slices.Contains(lt.sources[f], out) {
			nsrc--
		}
		if int(df[f]) < opt.MinDocs || df[f] == 0 || nsrc < needSrc {
			continue
		}
		c := make([]float64, nc)
		for i := range c {
			c[i] = math.Round(counts[f*nc+i]*100) / 100 // what the model file stores
		}
		lm.building[name] = c
	}
	lm.finish()
	return lm
}
