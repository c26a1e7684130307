package digest

import "math"

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
// rounds. Nothing is kept between calls, so a source's stream adapts the
// model only for its own articles, and an article's topics depend on its
// source's window as a reader's do on the page around it.
// docs/EVALUATION.md, "Adapting to each outlet", measured the settings
// across outlets (leave one outlet out, the held-out outlet's articles in
// windows of 200).
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
)

// adaptTopics gives the articles of each source with adaptMinArticles
// articles of one language in prep the scores of the model adapted to them
// (the others keep their forms' scores). prep is in the
// call's canonical order (articleBefore), so the sums do not depend on the
// caller's order.
func (e *Engine) adaptTopics(prep []prepared) {
	type group struct{ source, lang string }
	groups := map[group][]int{}
	var order []group
	for i := range prep {
		g := group{prep[i].Source, prep[i].lang}
		if groups[g] == nil {
			order = append(order, g)
		}
		groups[g] = append(groups[g], i)
	}
	for _, g := range order {
		idx := groups[g]
		lm := e.model.sub(g.lang)
		if len(idx) < adaptMinArticles || lm == nil {
			continue
		}
		rows := make([][]int32, len(idx))
		post := make([][]TopicScore, len(idx))
		for j, i := range idx {
			rows[j], post[j] = prep[i].topicEv.rows, prep[i].topicEv.model
		}
		for j, ts := range lm.adapt(rows, post) {
			prep[idx[j]].model = ts
		}
	}
}

// ClassifySource returns the scores an engine's call gives articles of one
// source (their stems, see Terms) in lang: ClassifyTerms's, or, for at
// least adaptMinArticles articles, those of the model adapted to them (see
// adaptTopics). Evaluation scores the classifier with it as the engine
// uses it.
func (m *TopicModel) ClassifySource(lang string, terms [][]string) [][]TopicScore {
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
	return lm.adapt(rows, out)
}

// adapt returns the posteriors of the documents whose feature rows are
// docs (each sorted, once) under the model re-estimated on them, starting
// from their posteriors post under the model (which it does not modify).
func (lm *LangModel) adapt(docs [][]int32, post [][]TopicScore) [][]TopicScore {
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
			if len(ts) == 0 || ts[0].Score < adaptMinScore {
				continue
			}
			for _, s := range ts {
				p[class[s.ID]] = s.Score
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
				logp[l*nc+c] = math.Log((lm.counts[int(r)*nc+c] + delta[l*nc+c] + lm.Alpha) /
					(lm.total[c] + added[c] + lm.Alpha*lm.vocab))
			}
		}
		next := make([][]TopicScore, len(docs))
		for j := range ldocs {
			next[j] = lm.posterior(ldocs[j], logp, sizes)
		}
		out = next
	}
	return out
}
