package digest

import (
	"maps"
	"slices"
	"strings"
)

// Read-only tables (never written after package init).
var (
	// hintTopics maps normalised feed/RSS category words to taxonomy IDs.
	hintTopics = map[string]string{
		"politics": "politics", "politic": "politics", "political": "politics", "election": "politics", "elections": "politics",
		"سياسه": "politics", "سياسي": "politics",
		"world": "world", "international": "world", "internationalnews": "world", "global": "world", "دوليه": "world", "عالم": "world", "العالم": "world",
		"middle-east": "middle-east", "middleeast": "middle-east", "mideast": "middle-east", "الشرق": "middle-east",
		"economy": "economy", "business": "economy", "finance": "economy", "markets": "economy", "money": "economy", "اقتصاد": "economy", "مال": "economy",
		"sport": "sport", "sports": "sport", "football": "sport", "soccer": "sport", "رياضه": "sport",
		"technology": "technology", "tech": "technology", "science-and-technology": "technology", "تكنولوجيا": "technology", "تقنيه": "technology",
		"culture": "culture", "entertainment": "culture", "arts": "culture", "art": "culture", "music": "culture", "film": "culture", "ثقافه": "culture", "فن": "culture", "فنون": "culture",
		"health": "health", "medicine": "health", "صحه": "health",
		"science": "science", "environment": "science", "space": "science", "علوم": "science", "علم": "science",
		"society": "society", "مجتمع": "society",
	}

	// middleEastPlaces is the gazetteer behind the middle-east topic: countries,
	// capitals and big cities of the Levant, the Gulf, Iraq, Iran, Turkey,
	// Egypt and Yemen, in Arabic and English, stemmed at first use. The
	// Maghreb (Tunisia, Algeria, Morocco, Libya) is left out on purpose: it is
	// usually filed as North Africa, and the Tunisian Arabic corpus would
	// otherwise tag its local news as middle-east.
	middleEastPlaces = wordSet(`
		العراق بغداد البصره الموصل اربيل كردستان سوريا سوريه دمشق حلب ادلب لبنان بيروت الاردن عمان
		فلسطين فلسطيني غزه الضفه القدس رامالله اسرائيل اسرائيلي السعوديه الرياض جده مكه الامارات
		دبي ابوظبي قطر الدوحه الكويت البحرين المنامه اليمن صنعاء عدن الحوثي الحوثيين ايران طهران تركيا
		انقره اسطنبول مصر القاهره الاسكندريه سلطنه مسقط حماس حزبالله
		iraq iraqi baghdad basra mosul erbil kurdistan syria syrian damascus aleppo idlib lebanon
		lebanese beirut jordan amman palestine palestinian gaza jerusalem israel israeli saudi
		riyadh jeddah mecca emirates uae dubai dhabi qatar doha kuwait bahrain yemen sanaa aden
		houthi houthis iran iranian tehran turkey turkish ankara istanbul egypt egyptian cairo
		alexandria oman muscat hamas hezbollah mideast`)
)

// lexiconTopics are the taxonomy topics no shared data set labels (so the
// classifier never predicts them): they are found by a small bilingual
// lexicon of unambiguous words instead, matched on stems in the title and
// lead (see lexiconScore).
var lexiconTopics = map[string]string{
	"health": `صحه الصحه مستشفي المستشفي مستشفيات طبيب اطباء الاطباء مرض الامراض وباء فيروس لقاح التلقيح
		سرطان السكري كورونا الصحة العالمية hospital hospitals doctor doctors patients disease diseases
		virus vaccine vaccines vaccination cancer diabetes nhs epidemic pandemic medicine medical health`,
	"science": `علماء العلماء باحثون الباحثين الفضاء ناسا كوكب كواكب مجره فلكي الاحتباس
		scientist scientists researchers nasa space planet planets galaxy astronomers
		physics biology fossil species telescope`,
}

// compileLexicon stems the lexicon words, in topic order.
func compileLexicon() []extraTopic {
	var out []extraTopic
	for _, id := range slices.Sorted(maps.Keys(lexiconTopics)) {
		t := extraTopic{id: id}
		seen := map[string]bool{}
		for _, w := range strings.Fields(lexiconTopics[id]) {
			if st := keywordStems(w); len(st) == 1 && !seen[st[0]] {
				seen[st[0]] = true
				t.keywords = append(t.keywords, st)
			}
		}
		out = append(out, t)
	}
	return out
}

// lexiconScore counts distinct lexicon stems in the title (double) and lead:
// two make the topic plausible (0.5), four likely (0.7).
func lexiconScore(t extraTopic, titleStems, leadStems map[string]bool) float64 {
	n := 0
	for _, kw := range t.keywords {
		if titleStems[kw[0]] {
			n += 2
		} else if leadStems[kw[0]] {
			n++
		}
	}
	switch {
	case n >= 4:
		return 0.7
	case n >= 2:
		return 0.5
	}
	return 0
}

// hintTopic is the package-level hintTopic, plus the engine's admin topic IDs.
func (e *Engine) hintTopic(hint string) string {
	if id := hintTopic(hint); id != "" {
		return id
	}
	h := strings.TrimSpace(strings.ToLower(hint))
	for _, t := range e.extra {
		if t.id == h {
			return h
		}
	}
	return ""
}

// hintTopic maps one topic hint (an admin feed topic, an RSS category, a
// dataset category) to a topic ID, or "" when it names none of ours.
func hintTopic(hint string) string {
	h := strings.Trim(Normalize(strings.TrimSpace(hint)), " .#")
	if IsTopicID(h) && TopicLabel(h, "en") != h {
		return h
	}
	if t, ok := hintTopics[h]; ok {
		return t
	}
	for _, w := range Words(h) {
		if t, ok := hintTopics[w]; ok {
			return t
		}
		if t, ok := hintTopics[strings.TrimPrefix(w, "ال")]; ok {
			return t
		}
	}
	return ""
}

// middleEastScore counts gazetteer places in the title (weighted double) and
// the lead of an article, and turns the count into a confidence.
func middleEastScore(title, lead string) float64 {
	n := 2*countPlaces(title) + countPlaces(lead)
	switch {
	case n >= 4:
		return 0.9
	case n >= 2:
		return 0.6
	}
	return 0
}

func countPlaces(s string) int {
	n := 0
	for _, w := range Words(s) {
		if middleEastPlaces[w] || middleEastPlaces[stripArabicPrefix(w)] {
			n++
		}
	}
	return n
}

// stripArabicPrefix removes one conjunction or preposition glued to a place
// name («والعراق», «بغزه», «لسوريا») so the gazetteer matches its bare form.
func stripArabicPrefix(w string) string {
	for _, p := range []string{"وال", "بال", "فال", "كال", "لل", "و", "ب", "ل", "ف"} {
		if rest, ok := strings.CutPrefix(w, p); ok && len([]rune(rest)) >= 3 {
			if middleEastPlaces[rest] {
				return rest
			}
			if middleEastPlaces["ال"+rest] {
				return "ال" + rest
			}
		}
	}
	return w
}

// topicThreshold is the confidence a topic needs to be kept beside the best one.
const topicThreshold = 0.3

// topics combines, for a story, the classifier on the lead article, the feed
// hints of every article (noisy-OR with confidence 0.8: a feed's own section
// is strong evidence, not proof; a hint may also name an admin topic), the
// middle-east gazetteer, the health/science lexicon and admin keyword topics
// (certain when a keyword matches). The best topic is always kept; others
// need topicThreshold.
func (e *Engine) topics(st *stemmer, c []prepared) []TopicScore {
	lead := c[0]
	score := map[string]float64{}
	for _, ts := range e.model.ClassifyTerms(lead.lang, lead.stems) {
		score[ts.ID] = ts.Score
	}
	for _, a := range c {
		for _, h := range a.Topics {
			if id := e.hintTopic(h); id != "" {
				score[id] = 1 - (1-score[id])*(1-0.8)
			}
		}
	}
	leadText := leadSentences(lead.sents, 3)
	if me := middleEastScore(lead.title, leadText); me > score["middle-east"] {
		score["middle-east"] = me
	}
	titleStems, leadStems := setOf(st.stemAll(Words(lead.title))), setOf(st.stemAll(Words(leadText)))
	for _, t := range e.lex {
		if s := lexiconScore(t, titleStems, leadStems); s > score[t.id] {
			score[t.id] = s
		}
	}
	if len(e.extra) > 0 {
		texts := clusterStems(st, c) // once for all admin topics, not once per topic
		for _, t := range e.extra {
			if matchesAny(texts, t.keywords) {
				score[t.id] = 1
			}
		}
	}
	return keepTopics(score)
}

func keepTopics(score map[string]float64) []TopicScore {
	all := make([]TopicScore, 0, len(score))
	for id, s := range score {
		if s > 0 {
			all = append(all, TopicScore{ID: id, Score: s})
		}
	}
	sortScores(all)
	out := all[:0]
	for i, ts := range all {
		if i == 0 || ts.Score >= topicThreshold {
			out = append(out, ts)
		}
	}
	return regionFirst(out)
}

// regionFirst lists middle-east before world when both are kept: the region
// refines "world", so a digest files such a story under Middle East.
func regionFirst(ts []TopicScore) []TopicScore {
	if len(ts) < 2 || ts[0].ID != "world" {
		return ts
	}
	for i, t := range ts {
		if t.ID == "middle-east" {
			copy(ts[1:i+1], ts[:i])
			ts[0] = t
			break
		}
	}
	return ts
}

func leadSentences(sents []sentence, n int) string {
	parts := make([]string, 0, n)
	for _, s := range sents[:min(n, len(sents))] {
		parts = append(parts, s.text)
	}
	return strings.Join(parts, "\n")
}

// clusterStems returns the stems of each article of the cluster (title and
// text, stop words kept so that phrase keywords keep their shape).
func clusterStems(st *stemmer, c []prepared) [][]string {
	out := make([][]string, len(c))
	for i, a := range c {
		out[i] = st.stemAll(Words(a.text()))
	}
	return out
}

// matchesAny reports whether any article of the cluster (its stems, see
// clusterStems) contains any of the stemmed keywords.
func matchesAny(texts [][]string, keywords [][]string) bool {
	for _, stems := range texts {
		for _, kw := range keywords {
			if containsSeq(stems, kw) {
				return true
			}
		}
	}
	return false
}
