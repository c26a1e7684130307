package digest

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"
)

// Engine turns articles into stories. It holds only read-only configuration
// and the embedded topic model, so one Engine may serve many goroutines.
type Engine struct {
	budget int
	window time.Duration
	// mergeThreshold: merge score above which two outlets' reports are one event
	mergeThreshold float64
	extra          []extraTopic
	lex            []extraTopic     // lexicon topics the classifier has no training data for
	lexIndex       map[string][]int // lexicon stem → indices into lex (lexiconIndex)
	model          *TopicModel
	bpMem          *bpMemory    // paragraphs of the articles learnt over the last days (Learn)
	topicMem       *topicMemory // each site's latest prepared articles, for the adaptation (Prepare)
	forms          *formCache   // the prepared forms of the last calls' articles
}

// extraTopic is an admin-defined topic: an ID and its keywords, pre-stemmed.
type extraTopic struct {
	id       string
	keywords [][]string
}

// NewEngine validates cfg, fills defaults and loads the embedded topic model.
func NewEngine(cfg Config) (*Engine, error) {
	if cfg.SummaryBudget < 0 || cfg.MergeWindow < 0 || cfg.MergeThreshold < 0 {
		return nil, fmt.Errorf("%w: negative SummaryBudget, MergeWindow or MergeThreshold", ErrBadConfig)
	}
	e := &Engine{budget: cfg.SummaryBudget, window: cfg.MergeWindow, bpMem: newBPMemory(), topicMem: newTopicMemory(), forms: newFormCache(cfg.PreparedCache)}
	if e.budget == 0 {
		e.budget = DefaultSummaryBudget
	}
	if e.window == 0 {
		e.window = DefaultMergeWindow
	}
	e.mergeThreshold = cfg.MergeThreshold
	if e.mergeThreshold == 0 {
		e.mergeThreshold = DefaultMergeThreshold
	}
	extra, err := compileExtraTopics(cfg.ExtraTopics)
	if err != nil {
		return nil, err
	}
	e.extra = extra
	e.lex = compileLexicon()
	e.lexIndex = lexiconIndex(e.lex)
	e.model = cfg.TopicModel
	if e.model == nil {
		model, err := EmbeddedModel()
		if err != nil {
			return nil, err
		}
		e.model = model
	}
	return e, nil
}

// compileExtraTopics checks admin topic IDs and stems their keywords, in ID order.
func compileExtraTopics(m map[string][]string) ([]extraTopic, error) {
	ids := make([]string, 0, len(m))
	for id := range m {
		if !IsTopicID(id) {
			return nil, fmt.Errorf("%w: topic ID %q must be lowercase ASCII letters, digits or hyphens", ErrBadConfig, id)
		}
		ids = append(ids, id)
	}
	sort.Strings(ids)
	out := make([]extraTopic, 0, len(ids))
	for _, id := range ids {
		t := extraTopic{id: id}
		for _, kw := range m[id] {
			if st := keywordStems(kw); len(st) > 0 {
				t.keywords = append(t.keywords, st)
			}
		}
		if len(t.keywords) == 0 {
			return nil, fmt.Errorf("%w: topic %q has no usable keyword", ErrBadConfig, id)
		}
		out = append(out, t)
	}
	return out, nil
}

// form is what the engine derives from one article's own fields (title,
// text, place and language, once boilerplate and column titles are gone):
// made once by prepare and never changed afterwards, so the engine's cache
// (formCache) hands the same form to later calls. The sentences, words and
// stems it is made from are scratch, dropped once it is made.
type form struct {
	title   string    // the cleaned title, or one derived from the lead
	lang    string    // the article's language, or the detected one
	summary string    // the article's own summary (the engine's budget)
	memo    storyMemo // what selection derives from title and summary, for a story this article speaks for
	sig     signature // MinHash of the text and the title's stems
	head    string    // the first headTerms stems of title and text, space-separated: what merging compares
	lead    string    // normalised words of the title and first two sentences, space-separated
	ents    []string  // named entities and places of the lead (entities)
	nums    []string  // figures in title and lead
	tnums   []string  // figures in the title
	topicEv articleTopics
}

// prepared is an article of one call with its form, its position in the
// caller's slice and what merging derives within the call (IDF weights).
type prepared struct {
	Article
	*form
	index int      // position in the caller's slice
	doc   mergeDoc // what merging compared, kept to pick a story's best lead
	// column: the article's title was its column's name (columnTitles):
	// commentary, which merging keeps out of reports' stories
	column bool
	// model is the classifier's scores of the article in this call: its
	// form's, or those of the model adapted to its source's articles in the
	// call (adaptTopics)
	model []TopicScore
	// hints are the topic IDs its feed hints and RSS categories name
	// (hintTopics), resolved once per call for the adaptation and topics
	hints []string
	// fkey is its form's cache key (formCache.key of the stripped
	// article): what its form, and so its classifier evidence, is a
	// function of; zero when the engine keeps no forms
	fkey formKey
}

// key identifies an article for story IDs: its ID, or else its URL or
// content, so articles without IDs still get distinct, stable stories.
func (p prepared) key() string {
	switch {
	case p.ID != "":
		return p.ID
	case p.URL != "":
		return p.URL
	}
	return p.title + "\n" + p.Text
}

// prepare derives an article's form: its text is cleaned, split into
// sentences, words and stems once, and everything later steps read
// (summary, headline, signature, merge head and lead, topic evidence) is
// made from those, which are then dropped.
func (e *Engine) prepare(st *stemmer, a Article) *form {
	sents, paras := articleParagraphs(a)
	sents = stemSentences(st, sents)
	f := &form{title: CleanTitle(a.Title), lang: a.Lang}
	if f.title == "" {
		f.title = titleFromSentences(sents)
	}
	if f.lang == "" {
		f.lang = DetectLang(f.title + "\n" + a.Text)
	}
	head := newHeadline(st, f.title)
	titleWords, titleTerms := head.words, head.terms
	tids := textTerms(st, head, a.Text, sents, paras)
	stems := st.stemsOf(tids)
	f.sig = newSignature(stems)
	f.sig.setTitle(titleTerms)
	f.head = strings.Join(stems[:min(headTerms, len(stems))], " ") // stems and words hold no space
	summary, summaryWords := summarizeHeaded(st, sents, a.Title, head, e.budget)
	f.summary, f.memo = summary, newStoryMemo(head, summary, summaryWords)
	lead := leadText(f.title, sents)
	nl := len(titleWords)
	for _, s := range sents[:min(2, len(sents))] {
		nl += len(s.words)
	}
	// Words(lead), from the words of its lines, and their entries, in the
	// stemmer's scratch: the lead's words are joined and its names taken
	lw := append(slices.Grow(st.leadWords[:0], nl), titleWords...)
	lwids := append(slices.Grow(st.leadWids[:0], nl), head.wids...)
	for _, s := range sents[:min(2, len(sents))] {
		lw, lwids = append(lw, s.words...), append(lwids, s.wids...)
	}
	f.lead = strings.Join(lw, " ")
	f.ents = entities(st, lead, lw, lwids)
	st.leadWords, st.leadWids = lw, lwids
	f.nums, f.tnums = numbers(lead), numbers(f.title)
	f.topicEv = e.articleTopics(st, f.lang, tids, head.wids, sents, f.title, a.Text)
	return f
}

// textTerms is the numbers of st.terms(title + "\n" + text), the stems
// of the whole text as given (clutter included), where head is the
// title's headline. When the cleaned paragraphs are text's own lines
// (articleParagraphs), a line the cleaning left unchanged has the words
// of its sentences, already stemmed: sentence ends fall between words, so
// the line's words are its sentences' words in turn. Only the lines the
// cleaning changed or dropped are split again.
func textTerms(st *stemmer, head headline, text string, sents []sentence, paras []cleanPara) []int32 {
	var wids []int32 // the re-split lines' entries, not needed
	if paras == nil {
		_, tids := st.appendWordIDs(wids, slices.Clone(head.tids), Words(text))
		return tids
	}
	n := len(head.tids)
	for _, sn := range sents {
		n += len(sn.tids)
	}
	// n+n/4: room for the changed lines split again
	tids := append(make([]int32, 0, n+n/4), head.tids...)
	p, s, i := 0, 0, -1 // the next paragraph, the first sentence not yet passed, the line
	for line := range strings.SplitSeq(text, "\n") {
		i++
		own, start := p < len(paras) && paras[p].line == i, s
		if own {
			for s < len(sents) && sents[s].para == p {
				s++
			}
			p++
		}
		if !own || paras[p-1].text != line {
			wids, tids = st.appendWordIDs(wids[:0], tids, Words(line))
			continue
		}
		for _, sn := range sents[start:s] {
			tids = append(tids, sn.tids...)
		}
	}
	return tids
}

// Stories clusters near-duplicate articles, then summarises and classifies
// each cluster. The result is ordered newest first (ties by story ID), and is
// the same for the same input in any order.
func (e *Engine) Stories(arts []Article) []Story {
	st := stemmerFor(len(arts))
	clusters := e.clusters(st, arts)
	stories := make([]Story, 0, len(clusters))
	for _, c := range clusters {
		stories = append(stories, e.story(c))
	}
	sort.SliceStable(stories, func(i, j int) bool {
		if !stories[i].Published.Equal(stories[j].Published) {
			return stories[i].Published.After(stories[j].Published)
		}
		return stories[i].ID < stories[j].ID
	})
	return stories
}

// clusters prepares the articles, orders them oldest first, adapts the
// classifier to each source's articles (adaptTopics) and groups them.
// Each source's repeated paragraphs (boilerplate, learned from arts and
// from what Learn was given over the last days) are dropped first, so they reach neither summaries nor clustering nor topics.
func (e *Engine) clusters(st *stemmer, arts []Article) [][]prepared {
	prep := e.prepareAll(st, arts)
	sort.SliceStable(prep, func(i, j int) bool { return articleBefore(prep[i], prep[j]) })
	e.adaptTopics(prep)
	return e.cluster(prep)
}

// prepareAll strips each article's boilerplate and column titles
// (stripAll) and prepares it, taking each form from the engine's cache
// when it holds it. Each article's classifier scores are its form's until
// adaptTopics adapts them to the call.
func (e *Engine) prepareAll(st *stemmer, arts []Article) []prepared {
	prep, keys := e.stripAll(arts)
	forms := e.forms.get(keys)
	for i := range prep {
		if forms[i] == nil {
			forms[i] = e.prepare(st, prep[i].Article)
		}
		prep[i].form, prep[i].model, prep[i].fkey = forms[i], forms[i].topicEv.model, keys[i]
		prep[i].hints = e.hintTopics(prep[i].Topics)
	}
	e.forms.put(keys, forms)
	return prep
}

// stripAll strips each article's boilerplate (learnt from arts and the
// engine's memory of the last days, which is read-locked meanwhile) and
// column titles, and returns the stripped articles with their cache keys.
func (e *Engine) stripAll(arts []Article) ([]prepared, []formKey) {
	hashes := e.forms.paraHashes(arts)
	bp := learnHashes(arts, hashes)
	e.bpMem.mu.RLock()
	defer e.bpMem.mu.RUnlock()
	if e.bpMem.len() > 0 {
		bp.mem = e.bpMem
	}
	columns := columnTitles(arts)
	prep := make([]prepared, len(arts))
	keys := make([]formKey, len(arts))
	for i, a := range arts {
		column := false
		if h, ok := titleHash(a.Title); ok && columns[bpKey{a.Source, h}] {
			a.Title, column = "", true // a column's name, not a headline
		}
		prep[i] = prepared{Article: bp.stripHashed(a, hashes[i]), index: i, column: column}
		keys[i] = e.forms.key(prep[i].Article)
	}
	return prep, keys
}

// Prepare makes the forms of arts ahead of the next Stories (the ingester
// calls it, after Learn, with the articles it has just stored), so that
// preparing an article is done once at ingest and not on a push's
// critical path. A push whose window strips an article differently (its
// other articles show other repeated paragraphs) prepares that one again:
// forms are keyed by the stripped article, so a wrong one is never used.
// The engine also remembers each site's latest articles for the
// adaptation of later calls that hold few of them (topic_memory.go); an
// engine that keeps no forms (Config.PreparedCache < 0) prepares arts for
// that alone.
func (e *Engine) Prepare(arts ...Article) {
	if len(arts) == 0 {
		return
	}
	e.topicMem.remember(e.prepareAll(stemmerFor(len(arts)), arts))
}

// Ready reports how many of arts a Stories call now would find prepared
// (Prepare, or an earlier call, made their forms and the cache still holds
// them): what the next push will not prepare again.
func (e *Engine) Ready(arts []Article) int {
	if e.forms == nil {
		return 0
	}
	_, keys := e.stripAll(arts)
	n := 0
	for _, f := range e.forms.get(keys) {
		if f != nil {
			n++
		}
	}
	return n
}

// Annotation is what the engine derives for one article.
type Annotation struct {
	Lang    string
	Title   string       // the article's title, or one derived from its lead
	Summary string       // the article's own summary
	Topics  []TopicScore // the article's own topics, best first
	Story   string       // ID of the story the article was merged into
}

// Annotate returns, in input order, each article's language, title,
// summary, topics and story ID — the same engine and model as Stories.
func (e *Engine) Annotate(arts []Article) []Annotation {
	out := make([]Annotation, len(arts))
	st := stemmerFor(len(arts))
	for _, c := range e.clusters(st, arts) {
		id := storyID(c[0].key())
		for _, p := range c {
			out[p.index] = Annotation{Lang: p.lang, Title: p.title, Summary: p.summary, Topics: e.topics([]prepared{p}), Story: id}
		}
	}
	return out
}

// articleBefore orders articles oldest first, then by ID, so clustering and
// story IDs do not depend on input order.
func articleBefore(a, b prepared) bool {
	if !a.Published.Equal(b.Published) {
		return a.Published.Before(b.Published)
	}
	if ka, kb := a.key(), b.key(); ka != kb {
		return ka < kb
	}
	return a.index < b.index
}

// story builds one Story from a cluster whose first member is the earliest
// report, which names it, so that the story keeps its ID when later reports
// join. Its title and summary come from the best-written member (see
// bestMember), or from the latest report when the members disagree on a
// figure; its sources are its distinct outlets.
func (e *Engine) story(c []prepared) Story {
	s := Story{ID: storyID(c[0].key()), Lang: c[0].lang, Sources: distinctSources(c)}
	for _, a := range c {
		s.Articles = append(s.Articles, a.ID)
		if a.Published.After(s.Published) {
			s.Published = a.Published
		}
		if !a.Published.IsZero() && (s.FirstReported.IsZero() || a.Published.Before(s.FirstReported)) {
			s.FirstReported = a.Published
		}
	}
	s.LatestURL = c[latestMember(c)].URL
	pick := e.bestMember(c)
	if s.Disputed = disputedFigures(c); s.Disputed {
		pick = latestMember(c)
	}
	s.Title, s.Summary, s.memo = c[pick].title, c[pick].summary, c[pick].memo
	s.Topics = e.topics(c)
	return s
}

// storyID is a short stable ID derived from the earliest article's key.
func storyID(articleID string) string {
	return fmt.Sprintf("s%012x", hashString(articleID)&0xffffffffffff)
}
