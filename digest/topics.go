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
		"middle east": "middle-east", "الشرق الاوسط": "middle-east", "العالم العربي": "middle-east", "عربي": "middle-east", "عربيه": "middle-east", "arab": "middle-east",
		"economy": "economy", "business": "economy", "finance": "economy", "markets": "economy", "money": "economy", "اقتصاد": "economy", "مال": "economy", "اقتصادي": "economy", "اعمال": "economy",
		"sport": "sport", "sports": "sport", "football": "sport", "soccer": "sport", "رياضه": "sport", "رياضي": "sport", "كره": "sport",
		"technology": "technology", "tech": "technology", "science-and-technology": "technology", "تكنولوجيا": "technology", "تقنيه": "technology",
		"culture": "culture", "entertainment": "culture", "arts": "culture", "art": "culture", "music": "culture", "film": "culture", "ثقافه": "culture", "فن": "culture", "فنون": "culture",
		"health": "health", "medicine": "health", "صحه": "health",
		"science": "science", "environment": "science", "space": "science", "علوم": "science", "علم": "science",
		"society": "society", "مجتمع": "society",
		// the desks a society section gathers: local news, courts, crime,
		// accidents, schools («حوادث», «محليات», "Crime", "Education")
		"local": "society", "crime": "society", "accidents": "society", "accident": "society", "courts": "society",
		"cases": "society", "education": "society", "investigations": "society", "lifestyle": "society",
		"حوادث": "society", "محليات": "society", "محلي": "society", "محليه": "society", "تعليم": "society", "قضايا": "society", "جريمه": "society", "تحقيقات": "society",
		// regions named by continent or by the Gulf
		"africa": "world", "asia": "world", "europe": "world", "americas": "world", "دولي": "world", "عالمي": "world", "عالميه": "world", "اوروبا": "world", "افريقيا": "world", "اسيا": "world",
		"gulf": "middle-east", "الخليج": "middle-east", "خليجي": "middle-east", "خليجيه": "middle-east", "mena": "middle-east",
		"latin america": "world", "الامريكيتان": "world",
		"ترفيه": "culture", "books": "culture", "كتب": "culture", "اسواق": "economy", "gaming": "technology",
		"ثقافي": "culture", "ثقافيه": "culture", "celebrity": "culture", "مشاهير": "culture", "cinema": "culture", "movies": "culture", "سينما": "culture",
		"league": "sport", "world cup": "sport", "arab league": "middle-east", "tennis": "sport", "cricket": "sport", "olympics": "sport", "الدوري": "sport", "دوري": "sport",
		// "science and technology" sections file technology (one section of
		// both: its first word alone would say science)
		"علوم وتكنولوجيا": "technology", "science and technology": "technology", "science & technology": "technology", "sci-tech": "technology",
	}

	// middleEastPlaces is the gazetteer behind the middle-east topic: countries,
	// capitals and big cities of the Levant, the Gulf, Iraq, Iran, Turkey,
	// Egypt and Yemen, in Arabic and English, with the adjective and plural
	// forms of their peoples (see demonyms). The Maghreb (Tunisia, Algeria,
	// Morocco, Libya) is left out on purpose: it is usually filed as North
	// Africa, and the Tunisian Arabic corpus would otherwise tag its local
	// news as middle-east.
	middleEastPlaces = gazetteer(`
		العراق بغداد البصره الموصل اربيل كردستان سوريا سوريه دمشق حلب ادلب لبنان بيروت الاردن عمان
		فلسطين غزه الضفه القدس رامالله اسرائيل السعوديه الرياض جده مكه الامارات
		دبي ابوظبي قطر الدوحه الكويت البحرين المنامه اليمن صنعاء عدن الحوثي الحوثيين ايران طهران تركيا
		انقره اسطنبول مصر القاهره الاسكندريه سلطنه مسقط حماس حزبالله الخليج
		iraq baghdad basra mosul erbil kurdistan syria damascus aleppo idlib lebanon
		beirut jordan amman palestine gaza jerusalem israel saudi
		riyadh jeddah mecca emirates uae dubai dhabi qatar doha kuwait bahrain yemen sanaa aden
		houthi houthis iran tehran turkey turkish ankara istanbul egypt cairo
		alexandria oman muscat hamas hezbollah mideast lebanese kurdish`,
		// Arabic nisba stems: each gives X, الX, Xه, الXه, Xين, الXين, Xون, الXون
		`عراقي سوري لبناني اردني فلسطيني اسرائيلي سعودي اماراتي قطري كويتي بحريني يمني ايراني تركي
		مصري عماني خليجي حوثي كردي`,
		// English demonyms: each gives X and Xs
		`iraqi syrian jordanian palestinian israeli emirati qatari kuwaiti bahraini yemeni
		iranian turk egyptian omani kurd`)
)

// lexiconTopics are the taxonomy topics the shared data sets label thinly
// or not at all (so the classifier misses or never predicts them): a small
// bilingual lexicon of unambiguous words finds them beside the classifier,
// matched on stems in the title and lead (see lexiconScores).
var lexiconTopics = map[string]string{
	"health": `صحه الصحه مستشفي المستشفي مستشفيات طبيب اطباء الاطباء مرض الامراض وباء فيروس لقاح التلقيح
		سرطان السكري كورونا الصحة العالمية التدخين المدخنين دواء الادويه ادويه جراحيه الجراحه
		الصحيه الكوليرا الملاريا الايدز الانفلونزا السمنه الكوليسترول الزهايمر الادمان فيتامين
		hospital hospitals doctor doctors patients disease diseases
		virus vaccine vaccines vaccination cancer diabetes nhs epidemic pandemic medicine medical health`,
	"science": `علماء العلماء باحثون الباحثين الفضاء ناسا كوكب كواكب مجره فلكي الاحتباس
		scientist scientists researchers nasa space planet planets galaxy astronomers
		physics biology fossil species telescope`,
	// technology is labelled, but thinly (Arabic: 347 articles from few
	// outlets), so the classifier misses much of it on outlets it never
	// saw; words that only a technology story uses back it up. Social
	// networks are left out (politics stories quote posts on them), and so
	// are words with an everyday sense: «تطبيق» (applying a law), «هاتفي»
	// (a phone call), «ذكي» (a name), «معالجه» (handling), "chip".
	"technology": `تكنولوجيا التكنولوجيا تقنيه التقنيه التقنيات الهواتف الذكيه الحاسوب الكمبيوتر حواسيب
		البرمجيات برمجيات الانترنت الاصطناعي روبوت قراصنه سيبراني
		مايكروسوفت جوجل ايفون اندرويد سامسونج هواوي رقائق
		smartphone smartphones iphone android software microsoft google apple samsung huawei intel
		computer computers laptop processor broadband internet hackers hacked cyber cyberattack
		app apps robot robots technology tech web website websites browser email phishing password
		passwords spam spyware download downloads wireless wifi linux ibm yahoo ebay nokia motorola xbox playstation
		nintendo ipod itunes pc pcs chipmaker semiconductor semiconductors telecom telecoms gadget
		gadgets server servers silicon startup programmer programmers encryption`,
	// sport is labelled richly in Arabic (17 outlets; the classifier finds
	// 0.95 of a held-out outlet's sport desk) but, in English, by one
	// outlet's US sports of 2004 (AG News) and 20 British summaries, so a
	// model trained without AG News files cricket, rugby and tennis under
	// world. English words only, each naming a game, its players or its
	// rounds and nothing else: "league" (the Arab League), "cup", "goal",
	// "match", "season", "coach" (a bus), "player" (a key player in a
	// crisis) and club names that are cities are left out.
	"sport": `football soccer basketball baseball cricket rugby tennis golf hockey
		nba nfl mlb nhl fifa uefa pga olympic olympics paralympic athlete athletes
		quarterback touchdown touchdowns playoff playoffs innings pitcher striker goalkeeper midfielder
		semifinal semifinals quarterfinal quarterfinals wimbledon sports tournament championship
		championships medal medals ncaa wnba lpga atp wta boxing batsman batsmen linebacker
		unseeded jockey jockeys inning`,
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

// lexiconIndex maps each lexicon stem to the lexicon topics (indices into
// lex) that list it.
func lexiconIndex(lex []extraTopic) map[string][]int {
	idx := map[string][]int{}
	for k, t := range lex {
		for _, kw := range t.keywords {
			idx[kw[0]] = append(idx[kw[0]], k)
		}
	}
	return idx
}

// lexiconScores counts, per lexicon topic, its distinct stems among the
// title's (double) and the lead's lexicon hits (sorted sets): two make the
// topic plausible (0.5), four likely (0.7).
func (e *Engine) lexiconScores(titleHits, leadHits []string) []float64 {
	n := make([]int, len(e.lex))
	for _, s := range titleHits {
		for _, k := range e.lexIndex[s] {
			n[k] += 2
		}
	}
	for _, s := range leadHits {
		if _, inTitle := slices.BinarySearch(titleHits, s); inTitle {
			continue
		}
		for _, k := range e.lexIndex[s] {
			n[k]++
		}
	}
	out := make([]float64, len(e.lex))
	for k, c := range n {
		switch {
		case c >= 4:
			out[k] = 0.7
		case c >= 2:
			out[k] = 0.5
		}
	}
	return out
}

// hintTopics is the topic ID each of hints names (hintTopic), in order,
// leaving out those that name none.
func (e *Engine) hintTopics(hints []string) []string {
	var ids []string
	for _, h := range hints {
		if id := e.hintTopic(h); id != "" {
			ids = append(ids, id)
		}
	}
	return ids
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
	words := Words(h)
	for i, w := range words {
		if i+1 < len(words) { // a two-word name first: "Middle East & Africa"
			if t, ok := hintTopics[w+" "+words[i+1]]; ok {
				return t
			}
		}
		if t, ok := hintTopics[w]; ok {
			return t
		}
		if t, ok := hintTopics[strings.TrimPrefix(w, "ال")]; ok {
			return t
		}
	}
	return ""
}

// gazetteer builds the middle-east word set from place names, Arabic nisba
// adjectives (given without the article: «عراقي» also yields «العراقي»,
// «العراقيه», «العراقيين», «العراقيون») and English demonyms ("Iraqi" also
// yields "Iraqis"), all normalised.
func gazetteer(places, arabicNisbas, englishDemonyms string) map[string]bool {
	out := wordSet(places)
	for _, w := range strings.Fields(Normalize(arabicNisbas)) {
		for _, suffix := range []string{"", "ه", "ين", "ون"} {
			out[w+suffix], out["ال"+w+suffix] = true, true
		}
	}
	for _, w := range strings.Fields(Normalize(englishDemonyms)) {
		out[w], out[w+"s"] = true, true
	}
	return out
}

// middleEastScore turns the gazetteer places counted in an article's title
// (weighted double) and lead into a confidence that adds to the
// classifier's (noisy-OR): one mention in the title alone is not enough
// for the region, several are.
func middleEastScore(titlePlaces, leadPlaces int) float64 {
	n := 2*titlePlaces + leadPlaces
	switch {
	case n >= 4:
		return 0.7
	case n >= 2:
		return 0.4
	}
	return 0
}

// countPlaces counts the gazetteer places among words (see Words).
func countPlaces(words []string) int {
	n := 0
	for _, w := range words {
		if placeOf(w) != "" {
			n++
		}
	}
	return n
}

// placesAndLexicon counts the gazetteer places among words and appends
// the stems of its lexicon words to hits. The stemmer remembers each
// word's stem and place for the call: the prefix look-ups
// (stripArabicPrefix) were a fifth of topic scoring.
func (e *Engine) placesAndLexicon(st *stemmer, wids []int32, hits []string) (int, []string) {
	n := 0
	for _, w := range wids {
		l := st.entries[w]
		if l.place != 0 {
			n++
		}
		if st.inLexicon(e, l.term) {
			hits = append(hits, st.stems[l.term])
		}
	}
	return n, hits
}

// sortedSet sorts ss in place and drops repeats.
func sortedSet(ss []string) []string {
	slices.Sort(ss)
	return slices.Compact(ss)
}

// placeOf returns the gazetteer place w names, bare or with a glued
// prefix, or "". (stripArabicPrefix returns w itself unless a stripped
// form is a place.)
func placeOf(w string) string {
	if p := stripArabicPrefix(w); middleEastPlaces[p] {
		return p
	}
	return ""
}

// stripArabicPrefix removes a conjunction and/or preposition glued to a place
// name («والعراق», «بغزه», «لسوريا», «وبالمصريين») so the gazetteer matches its bare form.
func stripArabicPrefix(w string) string {
	for _, p := range []string{"وبال", "ولل", "فبال", "وال", "بال", "فال", "كال", "لل", "وب", "ول", "و", "ب", "ل", "ف"} {
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

// Topic selection constants. The classifier's scores are calibrated
// posteriors (see TopicModel.ClassifyTerms), so one threshold serves every
// topic.
const (
	// topicThreshold is the confidence a subject needs to be kept beside
	// the section topic (see subjectThreshold for Arabic).
	topicThreshold = 0.2
	// arabicTopicThreshold is topicThreshold for Arabic: 0.15 brings the
	// subscriber view's society and technology desks (whose stories other
	// outlets file as politics or culture) over 0.80 carrying with every
	// topic under 40% of articles. English keeps 0.2: at 0.15 economy would
	// be on 42% of English articles (its folds train on two outlets, and AG
	// News' technology and business overlap); docs/EVALUATION.md, "Topics
	// across outlets".
	arabicTopicThreshold = 0.15
	// regionThreshold is the confidence middle-east needs to be kept beside
	// a subject (higher: a passing mention of a place is no region). Its
	// score adds the gazetteer's to the classifier's, and Egypt's papers
	// name Egypt in most local stories: at 0.4 middle-east was on 39 % of
	// Arabic articles.
	regionThreshold = 0.5
	// worldThreshold is the same for world, whose score is the classifier's
	// alone (no gazetteer adds to it): at 0.5 only 0.413 of the Arabic and
	// 0.352 of the English world desks' stories carried world; at 0.4, 0.479
	// and 0.472, with the share of world-tagged stories from a world desk
	// 0.858 and 0.704. docs/EVALUATION.md, "Topics across outlets".
	worldThreshold = 0.4
	// subjectFloor is the confidence the best subject needs to become the
	// section topic ahead of a region: below it the story is filed by region.
	subjectFloor = 0.1
	// hintConfidence is what a feed's own section or an RSS category adds
	// (noisy-OR) to its topic: strong evidence, not proof.
	hintConfidence = 0.9
	// clearText is the classifier confidence in another subject, with the
	// hinted subject below clearAgainst, at which the text overrides a hint.
	clearText    = 0.9
	clearAgainst = 0.02
)

// subjectThreshold is the confidence a subject needs in lang to be kept
// beside the section topic.
func subjectThreshold(lang string) float64 {
	if lang == "ar" {
		return arabicTopicThreshold
	}
	return topicThreshold
}

// regionThresholdOf is the confidence region id needs to be kept beside a
// subject.
func regionThresholdOf(id string) float64 {
	if id == "world" {
		return worldThreshold
	}
	return regionThreshold
}

// regionTopics say where a story happened; every other topic (built-in,
// lexicon or admin) says what it is about.
var regionTopics = map[string]bool{"middle-east": true, "world": true}

// IsRegionTopic reports whether id names a region (middle-east, world)
// rather than a subject.
func IsRegionTopic(id string) bool { return regionTopics[id] }

// topicEvidence is what topic selection weighs for one story.
type topicEvidence struct {
	score  map[string]float64 // combined confidence per topic
	model  map[string]float64 // the classifier's own posterior
	hinted map[string]bool    // topics named by a feed hint or RSS category
	lang   string             // the lead article's language (see subjectThreshold)
}

// articleTopics is the topic evidence an article gives when it leads a
// story, derived once with its form (prepare): the classifier's scores on
// its stems, the middle-east gazetteer and health/science/sport/technology
// lexicon scores of its title and lead, and which admin topics' keywords it contains.
type articleTopics struct {
	model []TopicScore // ClassifyTerms on the stems of title and text
	rows  []int32      // the classifier's features of those stems (featureRows), for adaptTopics
	me    float64      // middleEastScore of the title and first three sentences
	lex   []float64    // lexiconScores: per lexicon topic, in Engine.lex order
	extra []bool       // per admin topic, in Engine.extra order: a keyword occurs in title or text
}

// articleTopics derives an article's topic evidence from its stems, its
// title's words and its sentences; admin keywords are matched on its title
// and text with stop words kept.
func (e *Engine) articleTopics(st *stemmer, lang string, tids, titleWids []int32, sents []sentence, title, text string) articleTopics {
	var ev articleTopics
	if lm := e.model.sub(lang); lm != nil {
		ev.rows = lm.featureRowsOf(st, tids)
		ev.model = lm.score(ev.rows)
	}
	// The gazetteer and the lexicon read the title and the first three
	// sentences, whose words are split already: one stemmer look-up each
	// answers both.
	titlePlaces, titleHits := e.placesAndLexicon(st, titleWids, nil)
	leadPlaces, leadHits := 0, []string(nil)
	for _, s := range sents[:min(3, len(sents))] {
		var n int
		n, leadHits = e.placesAndLexicon(st, s.wids, leadHits)
		leadPlaces += n
	}
	ev.me = middleEastScore(titlePlaces, leadPlaces)
	ev.lex = e.lexiconScores(sortedSet(titleHits), sortedSet(leadHits))
	if len(e.extra) > 0 {
		texts := [][]string{st.stemAll(Words(title + "\n" + text))} // once for all admin topics, not once per topic
		for _, t := range e.extra {
			ev.extra = append(ev.extra, matchesAny(texts, t.keywords))
		}
	}
	return ev
}

// topics combines, for a story, the classifier on the lead article, the feed
// hints of every article (a hint may also name an admin topic), the
// middle-east gazetteer, the health/science/sport/technology lexicon and admin
// keyword topics (certain when a keyword matches in any article), then
// arranges them with arrangeTopics. The per-article parts come from the
// articles' forms.
func (e *Engine) topics(c []prepared) []TopicScore {
	lead := c[0].topicEv
	ev := topicEvidence{score: map[string]float64{}, model: map[string]float64{}, hinted: map[string]bool{}, lang: c[0].lang}
	for _, ts := range c[0].model {
		ev.score[ts.ID], ev.model[ts.ID] = ts.Score, ts.Score
	}
	for _, a := range c {
		for _, id := range a.hints {
			if !ev.hinted[id] {
				ev.hinted[id] = true
				ev.score[id] = 1 - (1-ev.score[id])*(1-hintConfidence)
			}
		}
	}
	if me := lead.me; me > 0 {
		ev.score["middle-east"] = 1 - (1-ev.score["middle-east"])*(1-me)
	}
	for k, t := range e.lex {
		if s := lead.lex[k]; s > ev.score[t.id] {
			ev.score[t.id] = s
		}
	}
	for k, t := range e.extra {
		if slices.ContainsFunc(c, func(p prepared) bool { return p.topicEv.extra[k] }) {
			ev.score[t.id] = 1
		}
	}
	return arrangeTopics(ev)
}

// arrangeTopics keeps at most one region and, when one applies, at least
// one subject, and puts the section subject first: a region never displaces
// a subject as the topic a digest files the story under. A hinted subject is
// the section unless the text clearly says otherwise (another subject at
// clearText while the classifier gives the hinted one under clearAgainst).
func arrangeTopics(ev topicEvidence) []TopicScore {
	subjects := make([]TopicScore, 0, len(ev.score))
	region := TopicScore{}
	for id, s := range ev.score {
		switch {
		case s <= 0:
		case !regionTopics[id]:
			subjects = append(subjects, TopicScore{ID: id, Score: s})
		case betterRegion(TopicScore{ID: id, Score: s}, region, ev.hinted):
			region = TopicScore{ID: id, Score: s}
		}
	}
	sortScores(subjects)
	if len(subjects) == 0 && region.ID == "" {
		return nil
	}
	out := make([]TopicScore, 0, 3) // a section subject, a region, a second subject
	if i := sectionSubject(subjects, ev); i >= 0 {
		out = append(out, subjects[i])
		subjects = slices.Delete(subjects, i, i+1)
	}
	if region.ID != "" && (len(out) == 0 || region.Score >= regionThresholdOf(region.ID) || ev.hinted[region.ID]) {
		out = append(out, region)
	}
	for _, ts := range subjects {
		if ts.Score >= subjectThreshold(ev.lang) {
			out = append(out, ts)
		}
	}
	if len(out) == 0 { // only weak subjects and no region: keep the best
		out = append(out, subjects[0])
	}
	return out
}

// betterRegion prefers a hinted region, then middle-east once it reaches
// regionThreshold (it refines world), then the higher score.
func betterRegion(a, b TopicScore, hinted map[string]bool) bool {
	if b.ID == "" {
		return true
	}
	if hinted[a.ID] != hinted[b.ID] {
		return hinted[a.ID]
	}
	me := a
	if b.ID == "middle-east" {
		me = b
	}
	if me.ID == "middle-east" && me.Score >= regionThreshold {
		return a.ID == "middle-east"
	}
	return a.Score > b.Score
}

// sectionSubject returns the index in subjects (sorted best first) of the
// section subject, or -1 when none is strong enough to file the story by.
func sectionSubject(subjects []TopicScore, ev topicEvidence) int {
	if len(subjects) == 0 {
		return -1
	}
	for i, ts := range subjects {
		if !ev.hinted[ts.ID] {
			continue
		}
		if best := subjects[0]; !ev.hinted[best.ID] && ev.model[best.ID] >= clearText && ev.model[ts.ID] < clearAgainst {
			return 0 // the text clearly says otherwise
		}
		return i
	}
	if subjects[0].Score >= subjectFloor {
		return 0
	}
	return -1
}

// matchesAny reports whether any of the texts (their stems, stop words
// kept so that phrase keywords keep their shape) contains any of the
// stemmed keywords.
func matchesAny(texts [][]string, keywords [][]string) bool {
	for _, stems := range texts {
		for _, kw := range keywords {
			if ContainsRun(stems, kw) {
				return true
			}
		}
	}
	return false
}
