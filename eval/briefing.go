package eval

import (
	"cmp"
	"context"
	"fmt"
	"hash/fnv"
	"io"
	"math"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"newsdigest/digest"
)

// BriefingSets are the dated news-multi-outlet sets a day's digest can be
// built from (the others carry no publication times).
var BriefingSets = []string{"ar/newscred2013.jsonl", "ar/saudinewsnet2015.jsonl", "en/newscred2013.jsonl"}

// Phone-screen bounds for a digest of the default 10 stories: visible
// characters (tags removed) and lines, about what a phone shows without
// scrolling at the default font.
const (
	PhoneChars = 1600
	PhoneLines = 25
)

// briefingMinArticles skips the crawl's sparse first and last days.
const briefingMinArticles = 20

// BriefingHeldOut reports whether a day of a set is held out: the ranking
// and layout were tuned on the other days only. Split by an FNV hash of
// set and date, 30 % as for articles.
func BriefingHeldOut(set, day string) bool {
	h := fnv.New32a()
	h.Write([]byte(set + "\t" + day))
	return h.Sum32()%100 < HeldOutPercent
}

// BriefingVariant is one ranking and layout over the digests of a split.
type BriefingVariant struct {
	Name                      string
	Digests                   int
	SportLeadTopic            int // lead's engine topic is sport
	SportLeadDesk             int // lead's articles were filed by a sport desk (the data's label)
	ServiceLead               int // lead is a service piece (digest.ServiceKind)
	OneItemFirst              int // the first section under a heading holds a single story
	NearDup                   int // digests with a pair digest.NearDuplicates finds
	Full                      int // digests of the full 10 stories
	FitsPhone                 int // of those, within PhoneChars and PhoneLines
	Chars, Lines              []int
	DupExamples, LeadExamples []string
}

// BriefingSplit is the two variants over the days of one split.
type BriefingSplit struct {
	Days              int
	Baseline, Shipped BriefingVariant
}

// BriefingReport is `newsdigest eval --briefing`.
type BriefingReport struct {
	Sets          []string
	Tune, HeldOut BriefingSplit
}

// EvaluateBriefing builds, for every day of the dated sets, the morning
// digest (06:00 UTC the next day) of a subscriber who chose all topics,
// from that day's articles, once with the previous ranking and layout
// (baseline) and once with the shipped ones, and counts what readers
// faulted.
// sets are paths under news-multi-outlet (nil: BriefingSets).
func EvaluateBriefing(ctx context.Context, dir string, sets []string) (BriefingReport, error) {
	if sets == nil {
		sets = BriefingSets
	}
	eng, err := digest.NewEngine(digest.Config{})
	if err != nil {
		return BriefingReport{}, fmt.Errorf("eval: %w", err)
	}
	rep := BriefingReport{}
	rep.Tune.Baseline.Name, rep.Tune.Shipped.Name = "baseline", "shipped"
	rep.HeldOut.Baseline.Name, rep.HeldOut.Shipped.Name = "baseline", "shipped"
	for _, rel := range sets {
		ds, err := LoadFile(ctx, filepath.Join(dir, "news-multi-outlet", rel))
		if err != nil {
			return BriefingReport{}, err
		}
		rep.Sets = append(rep.Sets, rel)
		for _, day := range byDay(ds.Records) {
			if err := ctx.Err(); err != nil {
				return BriefingReport{}, err
			}
			split := &rep.Tune
			if BriefingHeldOut(rel, day.date) {
				split = &rep.HeldOut
			}
			split.Days++
			briefDay(eng, day, split)
		}
	}
	return rep, nil
}

type dayRecords struct {
	date string
	recs []Record
}

// byDay groups dated records by UTC day, in date order, skipping sparse days.
func byDay(recs []Record) []dayRecords {
	at := map[string][]Record{}
	for _, r := range recs {
		if !r.Published.IsZero() {
			d := r.Published.UTC().Format(time.DateOnly)
			at[d] = append(at[d], r)
		}
	}
	var out []dayRecords
	for d, rs := range at {
		if len(rs) >= briefingMinArticles {
			out = append(out, dayRecords{d, rs})
		}
	}
	slices.SortFunc(out, func(a, b dayRecords) int { return cmp.Compare(a.date, b.date) })
	return out
}

// briefDay builds one day's digest both ways and adds it to the split.
func briefDay(eng *digest.Engine, day dayRecords, split *BriefingSplit) {
	arts := make([]digest.Article, len(day.recs))
	desk := map[string]string{}
	for i, r := range day.recs {
		arts[i] = Article(r)
		desk[r.ID] = r.Gold
	}
	d, _ := time.Parse(time.DateOnly, day.date)
	now := d.Add(30 * time.Hour) // 06:00 the next morning
	lang := day.recs[0].Lang
	stories := eng.Stories(arts)
	base := baselineSelect(stories, now)
	split.Baseline.add(day.date, base, oldLayout(base, lang), oldOneItemFirst(base), desk)
	sel := digest.Select(stories, digest.Prefs{Lang: lang}, now)
	text := plainHTML(strings.Join(digest.RenderHTML(sel, digest.RenderOptions{Lang: lang, Now: now}), "\n\n"))
	split.Shipped.add(day.date, sel.Stories, text, newOneItemFirst(text), desk)
}

// add counts one digest.
func (v *BriefingVariant) add(date string, shown []digest.Story, text string, oneItemFirst bool, desk map[string]string) {
	v.Digests++
	if len(shown) == 0 {
		return
	}
	lead := shown[0]
	if len(lead.Topics) > 0 && lead.Topics[0].ID == "sport" {
		v.SportLeadTopic++
	}
	if deskOf(lead, desk) == "sport" {
		v.SportLeadDesk++
	}
	if digest.ServiceKind(lead) != "" {
		v.ServiceLead++
	}
	if lightLead(lead, desk) && len(v.LeadExamples) < 4 {
		v.LeadExamples = append(v.LeadExamples, fmt.Sprintf("%s %s", date, clip(lead.Title, 70)))
	}
	if oneItemFirst {
		v.OneItemFirst++
	}
	if dups := digest.NearDuplicates(shown); len(dups) > 0 {
		v.NearDup++
		if len(v.DupExamples) < 4 {
			p := dups[0]
			v.DupExamples = append(v.DupExamples, fmt.Sprintf("%s %s | %s", date, clip(shown[p[0]].Title, 55), clip(shown[p[1]].Title, 55)))
		}
	}
	if len(shown) == digest.DefaultMaxStories {
		v.Full++
		chars, lines := utf8.RuneCountInString(text), strings.Count(text, "\n")+1
		v.Chars, v.Lines = append(v.Chars, chars), append(v.Lines, lines)
		if chars <= PhoneChars && lines <= PhoneLines {
			v.FitsPhone++
		}
	}
}

func lightLead(s digest.Story, desk map[string]string) bool {
	return deskOf(s, desk) == "sport" || (len(s.Topics) > 0 && s.Topics[0].ID == "sport") || digest.ServiceKind(s) != ""
}

// deskOf is the desk most of a story's articles were filed under.
func deskOf(s digest.Story, desk map[string]string) string {
	n := map[string]int{}
	best := ""
	for _, id := range s.Articles {
		d := desk[id]
		n[d]++
		if n[d] > n[best] || (n[d] == n[best] && d < best) {
			best = d
		}
	}
	return best
}

func clip(s string, n int) string { return digest.ClipRunes(strings.ReplaceAll(s, "\n", " "), n) }

// baselineSelect is the ranking before the briefing (an all-topics
// subscriber without keywords): log2(1+outlets) + 1.5·0.5^(age/24h), the
// first 10, no lead rule, no duplicate guard.
func baselineSelect(stories []digest.Story, now time.Time) []digest.Story {
	score := func(s digest.Story) float64 {
		v := math.Log2(1 + float64(len(s.Sources)))
		if !s.Published.IsZero() {
			v += 1.5 * math.Pow(0.5, math.Max(0, now.Sub(s.Published).Hours())/24)
		}
		return v
	}
	out := slices.Clone(stories)
	sort.SliceStable(out, func(i, j int) bool {
		if a, b := score(out[i]), score(out[j]); a != b {
			return a > b
		}
		return out[i].ID < out[j].ID
	})
	return out[:min(len(out), digest.DefaultMaxStories)]
}

// oldLayout is the visible text of the previous layout, rebuilt from the
// same stories: header (title, date), then by topic in order of first
// appearance a heading and every story in full (headline, summary, source
// line), the "…and N more" line and the footer. Its size is what the
// briefing is compared with.
func oldLayout(stories []digest.Story, lang string) string {
	var b strings.Builder
	b.WriteString("📰 News digest\nTuesday 1 December 2026")
	for _, sec := range topicGroups(stories) {
		b.WriteString("\n\n▪️ " + digest.TopicLabel(sec[0], lang))
		for _, s := range sec[1:] {
			b.WriteString("\n\n" + s)
		}
	}
	b.WriteString("\n\n…and 5 more\n\n⚙️ Topics, keywords and times: /settings")
	return b.String()
}

// topicGroups returns, per best topic in order of first appearance, the
// topic then each story's full block as the old layout showed it.
func topicGroups(stories []digest.Story) [][]string {
	var out [][]string
	at := map[string]int{}
	for _, s := range stories {
		t := ""
		if len(s.Topics) > 0 {
			t = s.Topics[0].ID
		}
		i, ok := at[t]
		if !ok {
			i, at[t] = len(out), len(out)
			out = append(out, []string{t})
		}
		out[i] = append(out[i], fullBlock(s))
	}
	return out
}

func fullBlock(s digest.Story) string {
	block := s.Title + "\n" + s.Summary
	var names []string
	for i, src := range s.Sources {
		if i == 3 {
			break
		}
		names = append(names, src.Name)
	}
	if len(s.Sources) > 1 {
		return block + fmt.Sprintf("\n🔗 %d sources: %s", len(s.Sources), strings.Join(names, " · "))
	}
	return block + "\n" + strings.Join(names, " · ")
}

// oldOneItemFirst: in the old layout the first section was the top story's
// topic; it held one story when no other story shared that topic.
func oldOneItemFirst(stories []digest.Story) bool {
	groups := topicGroups(stories)
	return len(groups) > 0 && len(groups[0]) == 2
}

// newOneItemFirst reads the rendered briefing: the first section under a
// heading (after the top story) holds one story line.
func newOneItemFirst(text string) bool {
	i := strings.Index(text, "▪️ ")
	if i < 0 {
		return false
	}
	sec, _, _ := strings.Cut(text[i:], "\n\n")
	return strings.Count(sec, "\n• ") == 1
}

var tagRe = regexp.MustCompile(`<[^>]*>`)

// plainHTML is what a reader sees of Telegram HTML: tags removed, entities
// unescaped.
func plainHTML(m string) string {
	return strings.NewReplacer("&lt;", "<", "&gt;", ">", "&quot;", `"`, "&amp;", "&").Replace(tagRe.ReplaceAllString(m, ""))
}

// Write prints the report.
func (r BriefingReport) Write(w io.Writer) {
	fmt.Fprintf(w, "newsdigest eval --briefing: the morning digest (06:00 UTC) of each day's articles for a subscriber with all topics, from %s\n", strings.Join(r.Sets, ", "))
	fmt.Fprintf(w, "days split by an FNV hash of set and date (eval.BriefingHeldOut, %d%% held out); days with fewer than %d articles skipped\n", HeldOutPercent, briefingMinArticles)
	fmt.Fprintf(w, "baseline: the ranking and layout before the briefing (layout rebuilt from the same stories); shipped: digest.Select + digest.RenderHTML\n")
	fmt.Fprintf(w, "phone screen: a 10-story digest within %d visible characters and %d lines\n", PhoneChars, PhoneLines)
	for _, part := range []struct {
		name string
		s    BriefingSplit
	}{{"tuning days", r.Tune}, {"held-out days", r.HeldOut}} {
		fmt.Fprintf(w, "\n== %s: %d\n", part.name, part.s.Days)
		fmt.Fprintf(w, "  %-9s %7s %11s %10s %9s %10s %9s %11s %14s %14s\n", "variant", "digests", "sport(top)", "sport(desk)", "service", "1-item 1st", "near-dup", "fits phone", "chars p50/max", "lines p50/max")
		for _, v := range []BriefingVariant{part.s.Baseline, part.s.Shipped} {
			fmt.Fprintf(w, "  %-9s %7d %11s %10s %9s %10s %9s %11s %14s %14s\n", v.Name, v.Digests,
				outOf(v.SportLeadTopic, v.Digests), outOf(v.SportLeadDesk, v.Digests), outOf(v.ServiceLead, v.Digests),
				outOf(v.OneItemFirst, v.Digests), outOf(v.NearDup, v.Digests), outOf(v.FitsPhone, v.Full), spread(v.Chars), spread(v.Lines))
		}
		for _, v := range []BriefingVariant{part.s.Baseline, part.s.Shipped} {
			for _, e := range v.LeadExamples {
				fmt.Fprintf(w, "  %s light lead: %s\n", v.Name, e)
			}
			for _, e := range v.DupExamples {
				fmt.Fprintf(w, "  %s near-duplicates: %s\n", v.Name, e)
			}
		}
	}
}

func outOf(n, of int) string {
	return fmt.Sprintf("%d/%d", n, of)
}

// spread is "median/max".
func spread(xs []int) string {
	if len(xs) == 0 {
		return "-"
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	return fmt.Sprintf("%d/%d", s[len(s)/2], s[len(s)-1])
}
