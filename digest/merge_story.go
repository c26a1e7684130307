package digest

import (
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"
)

// distinctSources lists a story's outlets once each, in the order they first
// reported, each linked to its latest report (members are oldest first). An
// article without an outlet name counts as its own source, by URL.
func distinctSources(c []prepared) []Source {
	var out []Source
	at := map[string]int{}
	for _, a := range c {
		if a.Source == "" && a.URL == "" {
			continue
		}
		key := "u:" + a.URL
		if a.Source != "" {
			key = "s:" + Normalize(strings.TrimSpace(a.Source))
		}
		if i, ok := at[key]; ok {
			if a.URL != "" {
				out[i].URL = a.URL
			}
			continue
		}
		at[key] = len(out)
		out = append(out, Source{Name: a.Source, URL: a.URL})
	}
	return out
}

// bestMember picks the member whose summary speaks best for the story:
// among the bestOf most central leads (mean tf·idf cosine of the head with
// the other members'), the one whose centrality plus summaryQuality is
// highest. Ties go to the earliest report.
func (e *Engine) bestMember(c []prepared) int {
	if len(c) == 1 {
		return 0
	}
	central := make([]float64, len(c))
	order := make([]int, len(c))
	for i := range c {
		order[i] = i
		for j := range c {
			if j != i {
				cos, _ := c[i].doc.cosine(&c[j].doc)
				central[i] += cos / float64(len(c)-1)
			}
		}
	}
	sort.SliceStable(order, func(a, b int) bool { return central[order[a]] > central[order[b]] })
	best, bestScore := -1, 0.0
	for _, i := range order[:min(bestOf, len(order))] {
		score := central[i] + summaryQuality(c[i].summary, e.budget)
		if best < 0 || score > bestScore || score == bestScore && i < best {
			best, bestScore = i, score
		}
	}
	return best
}

// bestOf is how many of a story's most central members bestMember summarises.
const bestOf = 3

// summaryQuality: +0.1 for a summary of 80 runes up to the budget that ends
// as a sentence, −0.1 for one cut with an ellipsis, −0.3 for a fragment.
func summaryQuality(s string, budget int) float64 {
	if budget <= 0 {
		budget = DefaultSummaryBudget
	}
	n := utf8.RuneCountInString(s)
	switch {
	case n < 40:
		return -0.3
	case strings.HasSuffix(s, ellipsis):
		return -0.1
	case n >= 80 && n <= budget:
		return 0.1
	}
	return 0
}

func latestMember(c []prepared) int {
	latest := 0
	for i := range c {
		if !c[i].Published.Before(c[latest].Published) {
			latest = i
		}
	}
	return latest
}

// disputedFigures reports members whose leads give different counts of the
// dead or of the injured ("7 wounded" / "no injuries").
func disputedFigures(c []prepared) bool {
	if len(c) < 2 {
		return false
	}
	seen := map[string]int{}
	for _, a := range c {
		for kind, n := range casualtyFigures(a.doc.lead) {
			if old, ok := seen[kind]; ok && old != n {
				return true
			}
			seen[kind] = n
		}
	}
	return false
}

// Casualty words (normalised) and the figure's place: "after" words follow
// their figure ("15 killed", «15 قتيلا»), "before" words precede it
// («مقتل 15», "killing 15").
var (
	casualtyAfter = map[string]string{
		"killed": "dead", "dead": "dead", "died": "dead", "deaths": "dead", "wounded": "hurt", "injured": "hurt", "injuries": "hurt", "hurt": "hurt",
		"قتيل": "dead", "قتيلا": "dead", "قتلي": "dead", "جريح": "hurt", "جريحا": "hurt", "جرحي": "hurt", "مصاب": "hurt", "مصابا": "hurt", "مصابين": "hurt", "اصابات": "hurt",
	}
	casualtyBefore = map[string]string{"مقتل": "dead", "مصرع": "dead", "وفاه": "dead", "اصابه": "hurt", "killing": "dead", "kills": "dead"}
	// negations make the count zero: "no injuries", «دون وقوع إصابات», «لا قتلى»
	casualtyNone = map[string]bool{"no": true, "without": true, "لا": true, "دون": true, "بدون": true}
	numberWords  = map[string]int{
		"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
		"واحد": 1, "اثنان": 2, "اثنين": 2, "ثلاثه": 3, "اربعه": 4, "خمسه": 5, "سته": 6, "سبعه": 7, "ثمانيه": 8, "تسعه": 9, "عشره": 10,
	}
	casualtyFiller = map[string]bool{"people": true, "persons": true, "were": true, "are": true, "اشخاص": true, "شخصا": true, "اخرين": true, "others": true, "at": true, "least": true, "وقوع": true}
)

// casualtyFigures reads the first count of dead and of injured in
// normalised words (Words).
func casualtyFigures(lead []string) map[string]int {
	words := make([]string, len(lead))
	for i, w := range lead {
		words[i] = dropConjunction(w)
	}
	out := map[string]int{}
	set := func(kind string, n int) {
		if _, ok := out[kind]; !ok {
			out[kind] = n
		}
	}
	for i, w := range words {
		if kind, ok := casualtyAfter[w]; ok {
			if n, ok := figureBefore(words, i); ok {
				set(kind, n)
			}
		}
		if kind, ok := casualtyBefore[w]; ok && i+1 < len(words) {
			if n, ok := figure(words[i+1]); ok {
				set(kind, n)
			}
		}
	}
	return out
}

// figureBefore finds the figure or negation just before words[i], past
// filler words ("12 people were killed", "no one was hurt" is not read).
func figureBefore(words []string, i int) (int, bool) {
	for j := i - 1; j >= 0 && j >= i-3; j-- {
		if n, ok := figure(words[j]); ok {
			return n, true
		}
		if casualtyNone[words[j]] {
			return 0, true
		}
		if !casualtyFiller[words[j]] {
			return 0, false
		}
	}
	return 0, false
}

// dropConjunction removes a glued «و» ("and") from a casualty word or a
// figure: «وإصابة» → «اصابه», «و٧» → "7".
func dropConjunction(w string) string {
	rest, ok := strings.CutPrefix(w, "و")
	if !ok {
		return w
	}
	_, isFig := figure(rest)
	if isFig || casualtyAfter[rest] != "" || casualtyBefore[rest] != "" {
		return rest
	}
	return w
}

func figure(w string) (int, bool) {
	if n, err := strconv.Atoi(w); err == nil {
		return n, true
	}
	n, ok := numberWords[w]
	return n, ok
}
