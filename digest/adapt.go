package digest

import (
	"net/url"
	"slices"
	"strings"
)

// Adapting the classifier to each source of a call.
//
// A model trained on some outlets misreads a new one: its desks write
// with words and names the training outlets did not use, so its sport or
// technology stories score low where the model never learnt those words
// (leave one outlet out, English sport and technology are learnt from a
// few BBC summaries once AG News is held out). The articles one source
// publishes in a push's window are evidence of its own vocabulary. Each
// call re-estimates the model once per source with enough articles there,
// by expectation maximisation on them (Nigam, McCallum, Thrun and Mitchell,
// "Text classification from labeled and unlabeled documents using EM",
// 2000): each article the model is fairly sure of (best topic at least
// adaptMinScore) is counted under each topic by its posterior, beside the
// training counts, and every article of the source is scored again; two
// rounds. A site's stream adapts the model only for its own articles, and
// an article's topics depend on its site's recent articles as a reader's
// do on the page around it: the call's, and up to AdaptWindow with those
// the engine remembers of the site (topic_memory.go); the adapted scores
// are cached between calls (adaptKey). docs/EVALUATION.md, "Adapting to
// each outlet", measured the settings across outlets (leave one outlet
// out, the held-out outlet's articles in windows of 200).
const (
	// adaptMinArticles is how many articles of one source and language a
	// call needs before its model is adapted to them: fewer teach too
	// little and mostly repeat the model's own guesses.
	adaptMinArticles = 30
	// adaptRounds is how many times the counts are re-estimated: a third
	// round lost Arabic macro-F1 (the guesses reinforce themselves).
	adaptRounds = 2
	// adaptMinScore is the best-topic score an article needs to be counted:
	// counting every article by its posterior lost Arabic macro-F1.
	adaptMinScore = 0.5
	// adaptHintWeight is how many training articles an article of the
	// source whose hint names a topic counts as, under that topic: 3 lifted
	// the unhinted articles' macro-F1 most in both languages when a third
	// of each window was hinted (1, 2 and 5 less; 10 lost English).
	adaptHintWeight = 3
)

// adaptTopics gives the articles of each site with adaptMinArticles
// articles of one language in prep, or that many with the site's
// remembered ones (topicMemory), the scores of the model adapted to them
// (the others keep their forms' scores). An article whose feed hint or RSS
// category names one of the model's topics counts under that topic
// whatever the model makes of it (prepared.hints): a site's section feeds and
// categorised items teach the model how the site writes each desk, for
// the articles that come without a hint. prep is in the call's canonical
// order (articleBefore), and the remembered articles follow it in theirs,
// so the sums do not depend on the caller's order.
func (e *Engine) adaptTopics(prep []prepared) {
	groups := map[siteLang][]int{}
	var order []siteLang
	for i := range prep {
		g := siteLangOf(prep[i].Article, prep[i].lang)
		if groups[g] == nil {
			order = append(order, g)
		}
		groups[g] = append(groups[g], i)
	}
	e.topicMem.mu.RLock()
	defer e.topicMem.mu.RUnlock()
	for _, g := range order {
		idx := groups[g]
		lm := e.model.sub(g.lang)
		if lm == nil {
			continue
		}
		mem := e.remembered(g, prep, idx)
		if len(idx)+len(mem) < adaptMinArticles {
			continue
		}
		n := len(idx) + len(mem)
		rows, post, labels := make([][]int32, 0, n), make([][]TopicScore, 0, n), make([]int, 0, n)
		key := adaptKey{h: [2]uint64{hashString(g.lang), hashString(g.lang + "\x00")}}
		add := func(fkey formKey, r []int32, model []TopicScore, hints []string) {
			label := lm.firstClass(hints...)
			rows, post, labels = append(rows, r), append(post, model), append(labels, label)
			key.add(fkey, label)
		}
		for _, i := range idx {
			add(prep[i].fkey, prep[i].topicEv.rows, prep[i].topicEv.model, prep[i].hints)
		}
		for _, a := range mem {
			add(a.fkey, a.rows, a.model, a.hints)
		}
		adapted, ok := e.forms.adaptedScores(key.h)
		if !ok {
			adapted = lm.adapt(rows, post, labels)[:len(idx)]
			e.forms.putAdapted(key.h, adapted)
		}
		for j, ts := range adapted {
			prep[idx[j]].model = ts
		}
	}
}

// adaptKey identifies an adaptation's input: the documents' forms (each a
// function of its stripped article, formCache.key, and so of its feature
// rows and scores), in order, with their labels. adapt is a pure function
// of those, so the scores cached under one key are the scores it would
// compute again: a push a minute after the last, whose window and site
// memories are unchanged, reuses them instead of re-estimating the model.
// An engine that keeps no forms has zero keys and no cache.
type adaptKey struct{ h formKey }

func (k *adaptKey) add(f formKey, label int) {
	k.h[0] = mix(mix(k.h[0], f[0]), uint64(label+1))
	k.h[1] = mix(mix(k.h[1], f[1]), uint64(label+1)^f[0])
}

// remembered is what the adaptation of site g's articles idx of prep reads
// of the site's memory: its latest articles not in the call, up to
// AdaptWindow with the call's. The caller holds the memory's read lock.
func (e *Engine) remembered(g siteLang, prep []prepared, idx []int) []memArticle {
	if len(idx) >= AdaptWindow || len(e.topicMem.sites[g]) == 0 {
		return nil
	}
	in := make(map[uint64]bool, len(idx))
	for _, i := range idx {
		in[hashString(prep[i].key())] = true
	}
	return e.topicMem.recent(g, in, AdaptWindow-len(idx))
}

// siteOf is the outlet an article's adaptation groups it with: its link's
// host without a "www." or mobile prefix (an outlet's section feeds have
// titles of their own but one site), else "" and its source's name.
func siteOf(a Article) (host, source string) {
	// Only the scheme and authority are parsed: unescaping a long
	// percent-encoded Arabic path would cost allocations for nothing.
	link := a.URL
	if i := strings.Index(link, "//"); i >= 0 {
		if j := strings.IndexAny(link[i+2:], "/?#"); j >= 0 {
			link = link[:i+2+j]
		}
	}
	if u, err := url.Parse(link); err == nil && u.Host != "" {
		h := strings.ToLower(u.Hostname())
		for _, p := range []string{"www.", "m.", "amp."} {
			h = strings.TrimPrefix(h, p)
		}
		return h, ""
	}
	return "", a.Source
}

// firstClass is the index in lm's classes of the first of ids that is
// one of them, or -1.
func (lm *LangModel) firstClass(ids ...string) int {
	for _, id := range ids {
		if c := slices.Index(lm.Classes, id); c >= 0 {
			return c
		}
	}
	return -1
}

// ClassifySource returns the scores an engine's call gives articles of one
// source (their stems, see Terms) in lang: ClassifyTerms's, or, for at
// least adaptMinArticles articles, those of the model adapted to them (see
// adaptTopics). labels, when not nil, gives each article's hinted topic
// ("" for none), which the adaptation counts it under as adaptTopics
// counts a feed hint. Evaluation scores the classifier with it as the
// engine uses it.
func (m *TopicModel) ClassifySource(lang string, terms [][]string, labels []string) [][]TopicScore {
	lm := m.sub(lang)
	out := make([][]TopicScore, len(terms))
	if lm == nil {
		return out
	}
	rows := make([][]int32, len(terms))
	for j, t := range terms {
		rows[j] = lm.featureRows(t)
		out[j] = lm.score(rows[j])
	}
	if len(terms) < adaptMinArticles {
		return out
	}
	lab := make([]int, len(terms))
	for j := range lab {
		lab[j] = -1
		if j < len(labels) {
			lab[j] = lm.firstClass(labels[j])
		}
	}
	return lm.adapt(rows, out, lab)
}

// adapt returns the posteriors of the documents whose feature rows are
// docs (each sorted, once) under the model re-estimated on them, starting
// from their posteriors post under the model (which it does not modify).
// A document whose labels entry is a class index (not -1) counts under
// that class alone in every round, as adaptHintWeight training documents.
func (lm *LangModel) adapt(docs [][]int32, post [][]TopicScore, labels []int) [][]TopicScore {
	nc := len(lm.Classes)
	class := make(map[string]int, nc)
	for c, id := range lm.Classes {
		class[id] = c
	}
	// The rows the documents hold, numbered afresh: the re-estimated
	// log-likelihoods are needed for those alone.
	local := make([]int32, len(lm.feats)) // row → its number + 1; 0: not yet numbered
	var rows []int32
	ldocs := make([][]int32, len(docs))
	for j, d := range docs {
		ld := make([]int32, len(d))
		for k, r := range d {
			if local[r] == 0 {
				rows = append(rows, r)
				local[r] = int32(len(rows))
			}
			ld[k] = local[r] - 1
		}
		ldocs[j] = ld
	}
	delta := make([]float64, len(rows)*nc)
	logp := make([]float64, len(rows)*nc)
	sizes, added, p := make([]float64, nc), make([]float64, nc), make([]float64, nc)
	out := post
	for range adaptRounds {
		clear(delta)
		clear(added)
		copy(sizes, lm.Docs)
		for j, ts := range out {
			switch {
			case labels[j] >= 0:
				clear(p)
				p[labels[j]] = adaptHintWeight
			case len(ts) == 0 || ts[0].Score < adaptMinScore:
				continue
			default:
				for _, s := range ts {
					p[class[s.ID]] = s.Score
				}
			}
			for c, v := range p {
				sizes[c] += v
				added[c] += v * float64(len(ldocs[j]))
			}
			for _, l := range ldocs[j] {
				for c, v := range p {
					delta[int(l)*nc+c] += v
				}
			}
		}
		for l, r := range rows {
			for c := range nc {
				logp[l*nc+c] = lm.logLik(lm.counts[int(r)*nc+c]+delta[l*nc+c], lm.total[c]+added[c])
			}
		}
		next := make([][]TopicScore, len(docs))
		for j := range ldocs {
			if labels[j] >= 0 {
				next[j] = lm.withoutOwnHint(rows, ldocs[j], labels[j], logp, delta, added, sizes)
				continue
			}
			next[j] = lm.posterior(ldocs[j], logp, sizes)
		}
		out = next
	}
	return out
}

// withoutOwnHint is the posterior of the document whose local rows are ld,
// counted under class c by its hint, under the re-estimated counts (logp,
// delta, added, sizes, as adapt keeps them) less its own count: a hinted
// article is scored by what the rest of its site teaches, not by its hint,
// so that its text can still overrule a wrong hint (arrangeTopics) however
// many of the site's articles carry the same one. Only class c's
// likelihoods differ from logp's.
func (lm *LangModel) withoutOwnHint(rows, ld []int32, c int, logp, delta, added, sizes []float64) []TopicScore {
	nc := len(lm.Classes)
	own := make([]float64, len(ld)*nc)
	self := make([]int32, len(ld))
	total := lm.total[c] + added[c] - adaptHintWeight*float64(len(ld))
	for k, l := range ld {
		self[k] = int32(k)
		copy(own[k*nc:(k+1)*nc], logp[int(l)*nc:int(l+1)*nc])
		n := lm.counts[int(rows[l])*nc+c] + delta[int(l)*nc+c] - adaptHintWeight
		own[k*nc+c] = lm.logLik(max(n, 0), total)
	}
	docs := slices.Clone(sizes)
	docs[c] -= adaptHintWeight
	return lm.posterior(self, own, docs)
}
