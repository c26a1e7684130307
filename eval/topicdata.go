package eval

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"

	"newsdigest/digest"
)

// CorpusLicence is what the source of a corpus says about its reuse.
type CorpusLicence struct {
	Licence    string
	Permissive bool // false: non-commercial or research-only terms
}

// corpusLicences lists the licence of every corpus of ../shared/data (by
// corpus name: the record's "corpus" field, else its folder); read-only.
// A corpus not listed is treated as not permissive.
var corpusLicences = map[string]CorpusLicence{
	"ant-jawharafm":     {"Apache-2.0 (+ citation request of the ANT authors)", true},
	"bbc-summaries-100": {"CC0 as stated by the source; repository MIT", true},
	"newscred2013":      {"Apache-2.0 (repository); article texts remain the outlets'", true},
	"asnd2020":          {"no LICENSE file; catalogued as CC BY 4.0", true},
	"saudinewsnet2015":  {"CC BY-NC-SA 4.0, research use", false},
	"agnews-test":       {"AG corpus terms: academic, non-commercial", false},
}

// Licence returns the licence of a corpus.
func Licence(corpus string) CorpusLicence {
	if l, ok := corpusLicences[corpus]; ok {
		return l
	}
	return CorpusLicence{Licence: "unknown", Permissive: false}
}

// TopicDoc is one labelled article for training or evaluating topics:
// its corpus, outlet, language, gold topic and stems (computed once).
type TopicDoc struct {
	Corpus, Outlet, Lang, Topic string
	Rec                         Record
	Terms                       []string
}

// Labeled is the document as digest.TrainTopicModel reads it.
func (d TopicDoc) Labeled() digest.LabeledDoc {
	return digest.LabeledDoc{Lang: d.Lang, Topic: d.Topic, Terms: d.Terms, Source: d.Outlet}
}

// TopicDocs returns every record of the data sets that has a topic (see
// Topic), some text and is Arabic or English (the few ANT records that are
// mostly French are left out), in data-set order. With permissiveOnly, the
// corpora whose licence is not permissive are left out.
func TopicDocs(ctx context.Context, sets []Dataset, permissiveOnly bool) ([]TopicDoc, error) {
	var docs []TopicDoc
	for _, ds := range sets {
		for i, r := range ds.Records {
			if i%1000 == 0 && ctx.Err() != nil {
				return nil, ctx.Err()
			}
			topic := Topic(r)
			if topic == "" || strings.TrimSpace(r.Title+r.Text) == "" || (r.Lang != "ar" && r.Lang != "en") {
				continue
			}
			corpus := r.Corpus
			if corpus == "" {
				corpus = ds.Name
			}
			if permissiveOnly && !Licence(corpus).Permissive {
				continue
			}
			outlet := r.Source
			if outlet == "" {
				outlet = corpus
			}
			docs = append(docs, TopicDoc{Corpus: corpus, Outlet: outlet, Lang: r.Lang, Topic: topic, Rec: r,
				Terms: digest.Terms(r.Title + "\n" + r.Text)})
		}
	}
	if len(docs) == 0 {
		return nil, fmt.Errorf("%w: no record with a topic", ErrNoData)
	}
	return docs, nil
}

// TopicParams are the trainer's settings, the same for the shipped model
// and every leave-one-outlet-out fold.
type TopicParams struct {
	Alpha, Prior float64
	LangPriors   map[string]float64 // Prior for these languages instead
	Temps        map[string]float64 // calibration temperature per language (see FitTemperatures); nil: none
	digest.TrainOptions
}

// DefaultTopicParams were chosen on the leave-one-outlet-out evaluation
// (docs/EVALUATION.md). English weighs no class prior: each English fold
// trains on two outlets that file different topics, so the prior says
// which outlet is missing, not what a story is about (pooled macro-F1
// 0.4237 at 0.1, 0.4399 at 0; Arabic 0.5860 at 0.1, 0.5856 at 0).
// It is a function, not a variable, so that no caller can change the
// defaults (or their map) for every other.
func DefaultTopicParams() TopicParams {
	return TopicParams{Alpha: 0.1, Prior: 0.1, LangPriors: map[string]float64{"en": 0},
		TrainOptions: digest.TrainOptions{MinDocs: 6, MinSources: 2, SourceCap: 400}}
}

// prior is the class prior's weight in lang.
func (p TopicParams) prior(lang string) float64 {
	if v, ok := p.LangPriors[lang]; ok {
		return v
	}
	return p.Prior
}

// TrainTopics trains a model on docs with p.
func TrainTopics(docs []TopicDoc, p TopicParams) (*digest.TopicModel, error) {
	return newTopicTrainer(docs, p).model("")
}

// topicTrainer trains models with p on docs or on all docs but one outlet's.
type topicTrainer struct {
	p TopicParams
	t *digest.TopicTrainer
}

func newTopicTrainer(docs []TopicDoc, p TopicParams) topicTrainer {
	labeled := make([]digest.LabeledDoc, len(docs))
	for i, d := range docs {
		labeled[i] = d.Labeled()
	}
	return topicTrainer{p: p, t: digest.NewTopicTrainer(labeled, p.TrainOptions)}
}

func (tt topicTrainer) model(leaveOut string) (*digest.TopicModel, error) {
	m, err := tt.t.Train(leaveOut)
	if err != nil {
		return nil, err
	}
	for lang, lm := range m.Langs {
		lm.SetAlpha(tt.p.Alpha)
		lm.Prior, lm.Temp = tt.p.prior(lang), tt.p.Temps[lang]
	}
	return m, nil
}

// Corpora names the corpora of docs with their licences and counts, one
// line each, for the trainer's output and the README.
func Corpora(docs []TopicDoc) []string {
	n := map[string]int{}
	for _, d := range docs {
		n[d.Corpus]++
	}
	var out []string
	for _, c := range slices.Sorted(maps.Keys(n)) {
		out = append(out, fmt.Sprintf("%s: %d articles, %s", c, n[c], Licence(c).Licence))
	}
	return out
}
