package digest

import (
	"math"
	"slices"
	"strings"
	"time"
)

// A briefing opens with news: a sports result or a service piece (weather,
// prayer times, horoscopes, a market ticker) is light, and does not lead a
// digest unless the subscriber chose its topic. Readers of a blind test
// faulted the digest for exactly such leads.

// serviceRule matches a service piece by its headline: one of any, and
// (when with is set) one of with. Phrases are Normalize'd word sequences.
type serviceRule struct {
	kind      string
	any, with [][]string
}

func newServiceRule(kind string, any, with []string) serviceRule {
	split := func(ps []string) [][]string {
		out := make([][]string, len(ps))
		for i, p := range ps {
			out[i] = strings.Fields(p)
		}
		return out
	}
	return serviceRule{kind: kind, any: split(any), with: split(with)}
}

// serviceRules are the service pieces the shared data shows (Saudi index
// closes, weather-office forecasts) and the ones feeds commonly carry.
// Written by hand: the product decides what a briefing leads with. A
// market word alone is news ("bourse loses 5bn after clashes"); a ticker
// is a market word with a move. Read-only after package initialisation.
var serviceRules = []serviceRule{
	newServiceRule("weather", []string{"الطقس", "طقس", "طقسا", "حاله الجو", "weather", "forecast"}, nil),
	newServiceRule("weather", []string{"الارصاد", "درجات الحراره"}, []string{"تتوقع", "توقعات", "امطار", "رياح", "سحب", "حار", "حارا", "معتدل", "غبار", "الرطوبه"}),
	newServiceRule("prayer", []string{"مواقيت الصلاه", "اوقات الصلاه", "موعد الاذان", "امساكيه", "prayer times"}, nil),
	newServiceRule("horoscope", []string{"الابراج", "برجك", "حظك اليوم", "horoscope", "horoscopes"}, nil),
	newServiceRule("market", []string{"مؤشر", "المؤشر", "سوق الاسهم", "السوق الماليه", "البورصه", "الاسهم", "اسعار الذهب", "سعر الذهب", "اسعار العملات", "سعر الدولار", "سعر صرف",
		"stocks", "shares", "index", "dow", "nasdaq", "ftse", "nikkei", "gold", "dollar", "oil prices"},
		[]string{"يغلق", "يرتفع", "يتراجع", "ينخفض", "يختتم", "يستهل", "ارتفاع", "تراجع", "انخفاض", "نقطه", "نقاط", "مستوى", "يربح", "يخسر", "مكاسب", "خسائر",
			"close", "closes", "closed", "rise", "rises", "fall", "falls", "gain", "gains", "drop", "drops", "higher", "lower", "points", "edge", "edges", "slip", "slips"}),
}

// ServiceKind names the service piece a story is ("weather", "prayer",
// "horoscope", "market"), or "" for news.
func ServiceKind(s Story) string {
	if m, ok := s.memoized(); ok {
		return m.service
	}
	return serviceKindOf(s.Title)
}

func serviceKindOf(title string) string { return serviceKindOfWords(Words(title)) }

// serviceKindOfWords is serviceKindOf of a title's words (Words).
func serviceKindOfWords(words []string) string {
	for _, r := range serviceRules {
		if hasPhrase(words, r.any) && (len(r.with) == 0 || hasPhrase(words, r.with)) {
			return r.kind
		}
	}
	return ""
}

func hasPhrase(words []string, phrases [][]string) bool {
	for _, p := range phrases {
		if ContainsRun(words, p) {
			return true
		}
	}
	return false
}

// lightFor reports whether a story is too light to lead p's digest: a
// sport or service piece whose topic the subscriber did not choose.
func lightFor(s Story, p Prefs) bool {
	topic := ""
	if len(s.Topics) > 0 {
		topic = s.Topics[0].ID
	}
	if topic != "" && slices.Contains(p.Topics, topic) {
		return false
	}
	return topic == "sport" || ServiceKind(s) != ""
}

// servicePenalty is taken off a service piece's score (unless its topic
// was chosen): a ticker or forecast should not push news into "…and N
// more", and a several-outlet one still shows.
const servicePenalty = 2.0

// leadFirst moves the best-ranked story that is not light to the front,
// when the first is light.
func leadFirst(ranked []Story, p Prefs) {
	if len(ranked) == 0 || !lightFor(ranked[0], p) {
		return
	}
	for i, s := range ranked {
		if !lightFor(s, p) {
			copy(ranked[1:i+1], ranked[:i])
			ranked[0] = s
			return
		}
	}
}

// Near duplicates: the merger keeps two reports apart when in doubt (its
// precision matters more than recall), so the same event can still reach a
// digest twice. At selection time a stricter, cheaper test catches what is
// left: two stories in one language within a day whose headline-and-lead
// words overlap this much are one event, and only the better-covered one
// is shown.
const (
	dupOverlap  = 0.6 // shared words / words of the shorter story
	dupMinWords = 4   // shared words at least
	dupWindow   = 24 * time.Hour
)

// dupWords is the distinct content words of a story's headline and
// summary, not stemmed (near-duplicates share their wording), as sorted
// 64-bit hashes: every selection compares each of its first stories with
// the ones before it, and a merge of two short sorted integer slices is
// what keeps that within a push's budget (string sets were a third of a
// 100,000-chat push's CPU). The engine makes them once per story (storyMemo).
func dupWords(s Story) []uint64 {
	if m, ok := s.memoized(); ok {
		return m.dup
	}
	return dupHashes(s.Title, s.Summary)
}

func dupHashes(title, summary string) []uint64 {
	return dupHashesOf(Words(title + "\n" + summary))
}

// dupHashesOf is dupHashes of words split already: the title's and the
// summary's (Words; the newline between them ends a word).
func dupHashesOf(words ...[]string) []uint64 {
	n := 0
	for _, ws := range words {
		n += len(ws)
	}
	if n == 0 {
		return nil
	}
	out := make([]uint64, 0, n)
	for _, ws := range words {
		for _, w := range ws {
			if !isStopWord(w) { // a stop word or a single letter
				out = append(out, hashString(w))
			}
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// nearDuplicate reports whether a and b (with their dupWords) tell the same
// event in the same words.
func nearDuplicate(a, b *Story, wa, wb []uint64) bool {
	if a.Lang != b.Lang {
		return false
	}
	if !a.Published.IsZero() && !b.Published.IsZero() && math.Abs(float64(a.Published.Sub(b.Published))) > float64(dupWindow) {
		return false
	}
	need := max(dupMinWords, int(math.Ceil(dupOverlap*float64(min(len(wa), len(wb))))))
	if min(len(wa), len(wb)) < need {
		return false
	}
	return sharedCount(wa, wb) >= need
}

// NearDuplicates reports the pairs (i, j), i < j, of stories that the
// selection-time guard takes for one event (the eval counts them).
func NearDuplicates(stories []Story) [][2]int {
	words := make([][]uint64, len(stories))
	for i, s := range stories {
		words[i] = dupWords(s)
	}
	var out [][2]int
	for j := range stories {
		for i := range j {
			if nearDuplicate(&stories[i], &stories[j], words[i], words[j]) {
				out = append(out, [2]int{i, j})
			}
		}
	}
	return out
}
