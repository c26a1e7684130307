package eval

import (
	"cmp"
	"context"
	"fmt"
	"hash/fnv"
	"io"
	"maps"
	"math"
	"slices"
	"strings"
	"time"

	"newsdigest/digest"
)

// TopicOptions limit the leave-one-outlet-out evaluation.
type TopicOptions struct {
	Params TopicParams
	// Sample, when > 0, tests at most Sample articles of each outlet (every
	// k-th, deterministic) for a quick run; the documented figures use 0.
	Sample int
	// Window is how many of a held-out outlet's articles one engine call
	// sees (0: DefaultTopicWindow): the engine adapts the classifier to
	// each source's articles in a call, so the figures depend on how many
	// arrive together. The outlet's articles are shuffled (deterministically)
	// first: several data sets list them by desk, and a window of one desk
	// is no day's news.
	Window int
	// Progress is told after each fold.
	Progress Progress
}

// DefaultTopicWindow is TopicOptions.Window's default: a mid-sized outlet's
// articles in the 48 h a push reads (the shared data's busiest outlets
// file 45–60 a day; a national outlet's full feed, 100–300).
const DefaultTopicWindow = 200

// TopicReport is the leave-one-outlet-out evaluation of topics: for each
// language, one model per outlet trained on all the other outlets of that
// language and tested on that outlet.
type TopicReport struct {
	Params TopicParams
	Sample int
	Window int // articles of the held-out outlet per engine call
	Langs  []LangTopics
}

// LangTopics is the evaluation of one language.
type LangTopics struct {
	Lang    string
	Outlets []OutletTopics
	Pooled  *Confusion // every outlet's test articles: best topic against gold
	Folded  *Confusion // the same with world and middle-east as one class
	// Unadapted and UnadaptedFolded are Pooled and Folded by the model
	// trained without the outlet alone, not adapted to its articles.
	Unadapted, UnadaptedFolded *Confusion
	// PartHinted is Pooled over the articles left unhinted when every
	// hintEvery-th article of each window carries its category as a hint
	// (a site's section feeds or categorised items, which the adaptation
	// counts under their topics); PartPlain the same articles with none
	// hinted.
	PartHinted, PartPlain *Confusion
	// Small is Pooled when the outlet's articles arrive in calls of
	// smallCall (an alert check's two hours, a small feed's day), each
	// adapted with the digest.AdaptWindow-smallCall articles before it in
	// the outlet's stream, as the engine remembers a site's latest
	// articles; without that memory such a call is not adapted (Unadapted).
	Small *Confusion
	// SmallMemory is the subscriber view of the same calls through an
	// engine that prepared each call's articles first, as the ingester has
	// it prepare what it stores (so it remembers the outlet's earlier
	// ones); SmallAlone through an engine that prepared nothing.
	SmallMemory, SmallAlone DeskView
	// Plain is the subscriber view with topics from the text alone; Hinted
	// the same with each article's own category (and any topic hints of its
	// record) given as its feed's hints, as a sectioned feed or an RSS
	// category gives them (HintedArticle).
	Plain, Hinted DeskView
	Total         int     // articles tested
	Ceiling       Ceiling // the best any classifier could reach, given who labels what
	// Reliability buckets the classifier's best score: articles and how
	// many of them it got right, per bucket of reliabilityEdges.
	Reliability [len(reliabilityEdges)][2]int
}

// reliabilityEdges are the lower bounds of the score buckets.
var reliabilityEdges = [...]float64{0, 0.4, 0.6, 0.8, 0.9}

func (lt *LangTopics) addReliability(score float64, right bool) {
	b := 0
	for i, e := range reliabilityEdges {
		if score >= e {
			b = i
		}
	}
	lt.Reliability[b][0]++
	if right {
		lt.Reliability[b][1]++
	}
}

// OutletTopics is one fold: the outlet held out and how its articles fared.
type OutletTopics struct {
	Outlet, Corpus string
	Conf           *Confusion
}

// DeskStats is the subscriber view of one topic: what a subscriber to it
// receives of the engine's topics (the multi-label set of Story.Topics:
// classifier, gazetteer and lexicon, no feed hints).
type DeskStats struct {
	Desk      int // articles whose gold topic (the outlet's desk) it is
	DeskCarry int // of those, carrying the topic at all
	Carry     int // articles carrying it
	CarryOwn  int // of those, from its own desk
}

// DeskView is one subscriber view: each topic's DeskStats, and how many
// articles have their desk's topic first (the section they are filed under).
type DeskView struct {
	Desks map[string]*DeskStats
	First int
}

func newDeskView() DeskView { return DeskView{Desks: map[string]*DeskStats{}} }

// Recall is the share of the desk's articles a subscriber receives.
func (d DeskStats) Recall() float64 { return ratio(d.DeskCarry, d.Desk) }

// Precision is the share of the articles received that belong to the desk.
func (d DeskStats) Precision() float64 { return ratio(d.CarryOwn, d.Carry) }

func ratio(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}

// regionsFolded is world and middle-east as one class.
const regionsFolded = "world+me"

// fold maps world and middle-east to one class.
func fold(topic string) string {
	if digest.IsRegionTopic(topic) {
		return regionsFolded
	}
	return topic
}

// EvaluateTopics runs the leave-one-outlet-out evaluation over docs.
func EvaluateTopics(ctx context.Context, docs []TopicDoc, opt TopicOptions) (TopicReport, error) {
	if opt.Window <= 0 {
		opt.Window = DefaultTopicWindow
	}
	rep := TopicReport{Params: opt.Params, Sample: opt.Sample, Window: opt.Window}
	byLang := map[string][]TopicDoc{}
	for _, d := range docs {
		byLang[d.Lang] = append(byLang[d.Lang], d)
	}
	folds, done := 0, 0
	for _, ds := range byLang {
		folds += len(outlets(ds))
	}
	trainer := newTopicTrainer(docs, opt.Params) // features interned once for every fold
	for _, lang := range slices.Sorted(maps.Keys(byLang)) {
		lt := LangTopics{Lang: lang, Pooled: NewConfusion(), Folded: NewConfusion(), Unadapted: NewConfusion(), UnadaptedFolded: NewConfusion(),
			PartHinted: NewConfusion(), PartPlain: NewConfusion(), Small: NewConfusion(),
			SmallMemory: newDeskView(), SmallAlone: newDeskView(),
			Plain: newDeskView(), Hinted: newDeskView(),
			Ceiling: topicCeiling(byLang[lang])}
		for _, o := range outlets(byLang[lang]) {
			if err := ctx.Err(); err != nil {
				return TopicReport{}, err
			}
			ot, err := evaluateOutlet(trainer, byLang[lang], o, opt, &lt)
			if err != nil {
				return TopicReport{}, err
			}
			lt.Outlets = append(lt.Outlets, ot)
			done++
			if opt.Progress != nil {
				opt.Progress(done, folds, lang+" "+o)
			}
		}
		rep.Langs = append(rep.Langs, lt)
	}
	return rep, nil
}

// outlets lists the outlets of docs, sorted.
func outlets(docs []TopicDoc) []string {
	seen := map[string]bool{}
	for _, d := range docs {
		seen[d.Outlet] = true
	}
	return slices.Sorted(maps.Keys(seen))
}

// evaluateOutlet trains without outlet o, tests on o and adds the results
// to lt.
func evaluateOutlet(trainer topicTrainer, docs []TopicDoc, o string, opt TopicOptions, lt *LangTopics) (OutletTopics, error) {
	var test []TopicDoc
	for _, d := range docs {
		if d.Outlet == o {
			test = append(test, d)
		}
	}
	ot := OutletTopics{Outlet: o, Corpus: test[0].Corpus, Conf: NewConfusion()}
	if len(test) == len(docs) {
		return ot, nil // nothing left to train on
	}
	test = sample(test, opt.Sample)
	model, err := trainer.model(o)
	if err != nil {
		return ot, err
	}
	engines := make([]*digest.Engine, 4) // plain and hinted windows, small calls remembering and alone
	for i := range engines {
		if engines[i], err = digest.NewEngine(digest.Config{TopicModel: model}); err != nil {
			return ot, fmt.Errorf("eval: %w", err)
		}
	}
	s := newOutletStream(shuffled(test))
	for lo := 0; lo < len(test); lo += opt.Window {
		evaluateWindow(engines[0], engines[1], model, s, lo, min(lo+opt.Window, len(test)), ot, lt)
	}
	evaluateSmallCalls(model, s, lt)
	evaluateSmallCallsByEngine(engines[2], engines[3], s, lt)
	return ot, nil
}

// evaluateSmallCallsByEngine annotates the outlet's stream s in calls of
// smallCall through two engines: remembering prepares each call's
// articles first, as the ingester has the service's engine prepare what it
// stores, and so remembers the outlet's earlier ones; alone prepares
// nothing.
func evaluateSmallCallsByEngine(remembering, alone *digest.Engine, s outletStream, lt *LangTopics) {
	for lo := 0; lo < len(s.docs); lo += smallCall {
		hi := min(lo+smallCall, len(s.docs))
		remembering.Prepare(s.arts[lo:hi]...)
		for i, ann := range remembering.Annotate(s.arts[lo:hi]) {
			lt.SmallMemory.add(s.docs[lo+i].Topic, ann.Topics)
		}
		for i, ann := range alone.Annotate(s.arts[lo:hi]) {
			lt.SmallAlone.add(s.docs[lo+i].Topic, ann.Topics)
		}
	}
}

// smallCall is how many of a site's articles a small call holds in the
// Small view: fewer than the engine adapts to alone.
const smallCall = 10

// evaluateSmallCalls scores the outlet's stream s in calls of smallCall, each
// adapted together with the articles before it, up to digest.AdaptWindow
// in all: what the engine's memory of the site's latest articles adds to
// a call (digest/topic_memory.go).
func evaluateSmallCalls(model *digest.TopicModel, s outletStream, lt *LangTopics) {
	for lo := 0; lo < len(s.docs); lo += smallCall {
		hi := min(lo+smallCall, len(s.docs))
		for i, ts := range s.classify(model, lo, hi, false) {
			lt.Small.Add(s.docs[lo+i].Topic, best(ts))
		}
	}
}

// evaluateWindow tests one engine call's worth of an outlet's articles,
// the stream's [lo, hi), as the service's engine sees it: the calls'
// articles prepared first, as the ingester has the engine prepare what it
// stores, so each call is adapted with the outlet's latest earlier articles
// beside its own, up to digest.AdaptWindow (the site memory). plain and
// hinted are the remembering engines of the plain and the hinted
// subscriber views; s is the outlet's stream.
func evaluateWindow(plain, hinted *digest.Engine, model *digest.TopicModel, s outletStream, lo, hi int, ot OutletTopics, lt *LangTopics) {
	test := s.docs[lo:hi]
	hinted.Prepare(s.hinted[lo:hi]...)
	for i, ann := range hinted.Annotate(s.hinted[lo:hi]) {
		lt.Hinted.add(test[i].Topic, ann.Topics)
	}
	scores := s.classify(model, lo, hi, false)
	for i, ts := range s.classify(model, lo, hi, true) {
		if s.labels[lo+i] == "" {
			lt.PartHinted.Add(test[i].Topic, best(ts))
			lt.PartPlain.Add(test[i].Topic, best(scores[i]))
		}
	}
	plain.Prepare(s.arts[lo:hi]...)
	for i, ann := range plain.Annotate(s.arts[lo:hi]) {
		d := test[i]
		pred, alone := best(scores[i]), best(model.ClassifyTerms(d.Lang, d.Terms))
		if ts := scores[i]; len(ts) > 0 {
			lt.addReliability(ts[0].Score, pred == d.Topic)
		}
		ot.Conf.Add(d.Topic, pred)
		lt.Pooled.Add(d.Topic, pred)
		lt.Folded.Add(fold(d.Topic), fold(pred))
		lt.Unadapted.Add(d.Topic, alone)
		lt.UnadaptedFolded.Add(fold(d.Topic), fold(alone))
		lt.Total++
		lt.Plain.add(d.Topic, ann.Topics)
	}
}

// outletStream is a held-out outlet's articles in the order a site
// publishes them (shuffled: several data sets list them by desk), as
// the engine is given them: dated a minute apart in that order (the site
// memory keeps a site's latest) and grouped by their outlet (their source,
// no link), plain and with their categories as feed hints (HintedArticle);
// with each one's stems and, for the partly hinted view, every
// hintEvery-th one's category as its label.
type outletStream struct {
	docs         []TopicDoc
	arts, hinted []digest.Article
	terms        [][]string
	labels       []string
}

// classify is what ClassifySource gives the stream's articles [lo, hi)
// in one call, adapted with the articles before them the engine's memory
// would hold (up to digest.AdaptWindow in all); labelled gives the
// partly hinted view's labels.
func (s outletStream) classify(model *digest.TopicModel, lo, hi int, labelled bool) [][]digest.TopicScore {
	from := min(lo, max(0, hi-digest.AdaptWindow))
	var labels []string
	if labelled {
		labels = s.labels[from:hi]
	}
	return model.ClassifySource(s.docs[0].Lang, s.terms[from:hi], labels)[lo-from:]
}

func newOutletStream(test []TopicDoc) outletStream {
	start := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
	s := outletStream{docs: test, arts: make([]digest.Article, len(test)), hinted: make([]digest.Article, len(test)),
		terms: make([][]string, len(test)), labels: make([]string, len(test))}
	for i, d := range test {
		plain, hinted := Article(d.Rec), HintedArticle(d.Rec)
		for _, a := range []*digest.Article{&plain, &hinted} {
			a.URL, a.Source = "", d.Outlet
			a.Published = start.Add(time.Duration(i) * time.Minute)
		}
		s.arts[i], s.hinted[i] = plain, hinted
		s.terms[i] = d.Terms
		if i%hintEvery == 0 {
			s.labels[i] = d.Topic
		}
	}
	return s
}

// hintEvery: every hintEvery-th article of a window is hinted in the
// PartHinted view, a third of a site's articles coming from its section
// feeds or with an RSS category.
const hintEvery = 3

// best is the ID of the best of ts, or "none".
func best(ts []digest.TopicScore) string {
	if len(ts) == 0 {
		return "none"
	}
	return ts[0].ID
}

// shuffled returns docs in an order fixed by a hash of each record, not by
// the data set's listing.
func shuffled(docs []TopicDoc) []TopicDoc {
	type keyed struct {
		key uint64
		doc TopicDoc
	}
	ks := make([]keyed, len(docs))
	for i, d := range docs {
		h := fnv.New64a()
		h.Write([]byte(d.Rec.ID + "\n" + d.Rec.Title + "\n" + d.Rec.Text))
		ks[i] = keyed{h.Sum64(), d}
	}
	slices.SortStableFunc(ks, func(a, b keyed) int { return cmp.Compare(a.key, b.key) })
	out := make([]TopicDoc, len(ks))
	for i, k := range ks {
		out[i] = k.doc
	}
	return out
}

// add counts one article of desk gold that carries topics.
func (v *DeskView) add(gold string, topics []digest.TopicScore) {
	if len(topics) > 0 && topics[0].ID == gold {
		v.First++
	}
	stats := func(id string) *DeskStats {
		if v.Desks[id] == nil {
			v.Desks[id] = &DeskStats{}
		}
		return v.Desks[id]
	}
	stats(gold).Desk++
	if digest.IsRegionTopic(gold) {
		stats(regionsFolded).Desk++
	}
	anyRegion := false
	for _, ts := range topics {
		if digest.IsRegionTopic(ts.ID) && !anyRegion {
			anyRegion = true
			s := stats(regionsFolded)
			s.Carry++
			if digest.IsRegionTopic(gold) {
				s.CarryOwn++
				s.DeskCarry++
			}
		}
		s := stats(ts.ID)
		s.Carry++
		if ts.ID == gold {
			s.CarryOwn++
			stats(gold).DeskCarry++
		}
	}
}

// sample keeps every k-th document so that at most n remain (n ≤ 0: all).
func sample(docs []TopicDoc, n int) []TopicDoc {
	if n <= 0 || len(docs) <= n {
		return docs
	}
	out := make([]TopicDoc, 0, n)
	for i := range n {
		out = append(out, docs[i*len(docs)/n])
	}
	return out
}

// Write prints the report.
func (rep TopicReport) Write(w io.Writer) {
	p := rep.Params
	fmt.Fprintf(w, "\n== Topics, leave-one-outlet-out: per language, one model per outlet trained on every other outlet (alpha %g, prior %g%s, min-docs %d, min-sources %d, source-cap %g, temperatures %v)",
		p.Alpha, p.Prior, langPriors(p.LangPriors), p.MinDocs, p.MinSources, p.SourceCap, p.Temps)
	fmt.Fprintf(w, "; the held-out outlet's articles in windows of %d, one engine call each", rep.Window)
	if rep.Sample > 0 {
		fmt.Fprintf(w, "; SAMPLE of at most %d test articles per outlet", rep.Sample)
	}
	fmt.Fprintln(w)
	for _, lt := range rep.Langs {
		lt.write(w)
	}
}

// langPriors describes per-language priors (", en 0"), "" when none.
func langPriors(m map[string]float64) string {
	var b strings.Builder
	for _, lang := range slices.Sorted(maps.Keys(m)) {
		fmt.Fprintf(&b, ", %s %g", lang, m[lang])
	}
	return b.String()
}

func (lt LangTopics) write(w io.Writer) {
	fmt.Fprintf(w, "\n-- %s: %d test articles from %d outlets\n", lt.Lang, lt.Total, len(lt.Outlets))
	fmt.Fprintf(w, "  %-22s %-18s %6s %8s %8s\n", "outlet held out", "corpus", "n", "accuracy", "macro-F1")
	for _, o := range lt.Outlets {
		fmt.Fprintf(w, "  %-22s %-18s %6d %8.4f %8.4f\n", o.Outlet, o.Corpus, o.Conf.Total(), o.Conf.Accuracy(), o.Conf.MacroF1())
	}
	fmt.Fprintf(w, "  pooled (%s): accuracy %.4f, macro-F1 %.4f unfolded; world+middle-east folded: accuracy %.4f, macro-F1 %.4f\n",
		lt.Lang, lt.Pooled.Accuracy(), lt.Pooled.MacroF1(), lt.Folded.Accuracy(), lt.Folded.MacroF1())
	fmt.Fprintf(w, "  the same without adapting to the outlet's articles (the model trained without it alone): macro-F1 %.4f unfolded, %.4f folded\n",
		lt.Unadapted.MacroF1(), lt.UnadaptedFolded.MacroF1())
	fmt.Fprintf(w, "  a third of each window hinted (its category, as a site's section feeds or RSS categories give it), the other articles: accuracy %.4f, macro-F1 %.4f (none hinted: %.4f, %.4f)\n",
		lt.PartHinted.Accuracy(), lt.PartHinted.MacroF1(), lt.PartPlain.Accuracy(), lt.PartPlain.MacroF1())
	fmt.Fprintf(w, "  calls of %d articles (an alert's two hours, a small feed's day), adapted with the %d before them as the engine remembers a site's latest: accuracy %.4f, macro-F1 %.4f (not remembered, unadapted: %.4f, %.4f)\n",
		smallCall, digest.AdaptWindow-smallCall, lt.Small.Accuracy(), lt.Small.MacroF1(), lt.Unadapted.Accuracy(), lt.Unadapted.MacroF1())
	fmt.Fprintf(w, "  the same calls through the engine, each prepared first as the ingester has it prepare what it stores: first topic is the desk's %.4f (an engine that remembers nothing: %.4f; the windows of the subscriber view: %.4f)\n",
		ratio(lt.SmallMemory.First, lt.Total), ratio(lt.SmallAlone.First, lt.Total), ratio(lt.Plain.First, lt.Total))
	lt.Ceiling.write(w, lt.Lang)
	fmt.Fprintf(w, "\n  Subscriber view (%s; engine topics, no feed hints): desk = articles of that gold topic\n", lt.Lang)
	lt.Plain.write(w, lt.Total)
	fmt.Fprintf(w, "\n  Subscriber view (%s; engine topics, each article's category as its feed hint, as a sectioned feed or an RSS category gives it)\n", lt.Lang)
	lt.Hinted.write(w, lt.Total)
	fmt.Fprintf(w, "\n  Calibration (%s): the classifier's best score against how often it is right\n", lt.Lang)
	for i, e := range reliabilityEdges {
		hi := 1.0
		if i+1 < len(reliabilityEdges) {
			hi = reliabilityEdges[i+1]
		}
		r := lt.Reliability[i]
		fmt.Fprintf(w, "  score %.1f–%.1f: %6d articles, right %.3f\n", e, hi, r[0], ratio(r[1], r[0]))
	}
	fmt.Fprintf(w, "\n  Confusion (%s, pooled, unfolded):\n", lt.Lang)
	lt.Pooled.Write(w)
}

// write prints the view's table over total articles and its first-topic share.
func (v DeskView) write(w io.Writer, total int) {
	fmt.Fprintf(w, "  %-12s %6s %14s %14s %14s\n", "topic", "desk", "desk carrying", "carrying: own", "on all")
	for _, id := range slices.Sorted(maps.Keys(v.Desks)) {
		d := v.Desks[id]
		fmt.Fprintf(w, "  %-12s %6d %14.3f %14.3f %14.3f\n", id, d.Desk, d.Recall(), d.Precision(), ratio(d.Carry, total))
	}
	fmt.Fprintf(w, "  first topic is the desk's: %.4f\n", ratio(v.First, total))
}

// temperatures are the calibration temperatures FitTemperatures tries.
var temperatures = []float64{1, 1.25, 1.5, 1.75, 2, 2.5, 3, 3.5, 4, 5}

// FitTemperatures chooses, per language, the calibration temperature that
// minimises the log-loss of leave-one-outlet-out predictions (each outlet
// classified by a model trained without it), so that scores mean the same
// on outlets the model never saw. It returns the temperature and the
// log-loss before (temperature 1) and after, per language.
func FitTemperatures(ctx context.Context, docs []TopicDoc, p TopicParams) (map[string][3]float64, error) {
	trainer := newTopicTrainer(docs, p)
	byOutlet := map[string][]TopicDoc{}
	for _, d := range docs {
		byOutlet[d.Outlet] = append(byOutlet[d.Outlet], d)
	}
	loss := map[string][]float64{} // lang → summed log-loss per temperature
	n := map[string]int{}
	for _, o := range slices.Sorted(maps.Keys(byOutlet)) {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		model, err := trainer.model(o)
		if err != nil {
			return nil, err
		}
		for _, d := range sample(byOutlet[o], 500) {
			lm := model.Langs[d.Lang]
			if lm == nil {
				continue
			}
			if loss[d.Lang] == nil {
				loss[d.Lang] = make([]float64, len(temperatures))
			}
			n[d.Lang]++
			for i, t := range temperatures {
				lm.Temp = t
				loss[d.Lang][i] += logLoss(model.ClassifyTerms(d.Lang, d.Terms), d.Topic)
			}
		}
	}
	out := map[string][3]float64{}
	for lang, l := range loss {
		best := 0
		for i := range l {
			if l[i] < l[best] {
				best = i
			}
		}
		out[lang] = [3]float64{temperatures[best], l[0] / float64(n[lang]), l[best] / float64(n[lang])}
	}
	return out, nil
}

// logLoss is −log of the score given to the gold topic (floored, so that
// a topic the fold never saw costs a bounded amount).
func logLoss(ts []digest.TopicScore, gold string) float64 {
	for _, t := range ts {
		if t.ID == gold {
			return -math.Log(max(t.Score, 1e-4))
		}
	}
	return -math.Log(1e-4)
}
