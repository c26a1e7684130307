package eval

import (
	"fmt"
	"io"
	"regexp"
	"sort"
	"strings"

	"newsdigest/digest"
)

// Clean copy: how much wire clutter (datelines, hashtags, URLs) reaches
// readers in summaries and headlines, per source, and how readable the
// headlines derived for untitled articles are. The detectors below are
// written independently of the engine's cleaner (digest/clutter.go) and
// are deliberately broader, so the figures are not the cleaner grading
// itself; the raw lead column shows what they find before cleaning.

// Read-only detector patterns.
var (
	// clutterDateline: a dateline at the start: an agency in parentheses
	// then a dash within the first 80 characters, a capitals place and a
	// spaced dash, or an Arabic place of one or two words (and «، country»)
	// and a dash, which also finds bylines «عين اليوم – جدة». Longer labels
	// before a dash («الجزيرة هذا الصباح - …», a programme's name) are not
	// datelines.
	clutterDateline = []*regexp.Regexp{
		regexp.MustCompile(`^[^.!?؟\n]{0,80}\([^()\n]{1,30}\)\s*[-–—ـ]`),
		regexp.MustCompile(`^\p{Lu}[\p{Lu}.' ]{1,40}(?:,[^\n.]{1,30})?\s[-–—]{1,2}\s`),
		regexp.MustCompile(`^\p{Arabic}+(?:\s\p{Arabic}+)?(?:\s*،[\s\p{Arabic}]{1,40})?(?:\s*[-–—]+|\s+ـ+)(?:\s|$)`),
	}
	clutterHashtag = regexp.MustCompile(`(?:^|[^\p{L}\p{N}_&])#[\p{L}\p{M}]`)
	clutterURL     = regexp.MustCompile(`(?i)https?://|www\.\S|pic\.twitter\.com`)

	// The two headline checks below are, like the clutter detectors,
	// written apart from the engine's headline rules (digest/headline.go's
	// weekday and attribution patterns) on purpose: keep them independent,
	// or the figures grade the engine against itself.
	//
	// speech verbs that open a lead: a headline must not start with one.
	attributionStart = regexp.MustCompile(`(?i)^(?:و|ف)?(?:قال|قالت|أعلن|أعلنت|اعلن|اعلنت|أكد|أكدت|اكد|اكدت|ذكر|ذكرت|أفاد|أفادت|افاد|افادت|صرح|صرحت|أوضح|أوضحت|كشف|كشفت|أشار|أشارت|said|says|announced|told|according to)(?:\s|$)`)
	// a headline ending on a weekday («…، الجمعة», "… on Friday").
	weekdayEnd = regexp.MustCompile(`(?i)(?:الأحد|الاحد|الإثنين|الاثنين|الثلاثاء|الأربعاء|الاربعاء|الخميس|الجمعة|السبت|monday|tuesday|wednesday|thursday|friday|saturday|sunday)[\s.!?؟…»"”']*$`)
	// weekdayName: a weekday that is part of a name, not the day of the
	// report: Friday prayers and sermons, a market day's town («سوق
	// الخميس»), "Good Friday", "Black Wednesday".
	weekdayName = regexp.MustCompile(`(?i)(?:صلاة|صلاه|خطبة|خطبه|سوق|good|black|super)\s+\S+[\s.!?؟…»"”']*$`)
	// attribution-verb words the dateline detector must not mistake for a
	// place («قال الوزير - وهو غاضب - …»).
	speechOpen = regexp.MustCompile(`^(?:و|ف)?(?:قال|قالت|أكد|أكدت|أعلن|أعلنت|ذكر|ذكرت|أفاد|أفادت|إن|أن|كان|كانت)\s`)
)

// HasDateline reports whether s opens with a dateline or byline.
func HasDateline(s string) bool {
	s = strings.TrimSpace(s)
	if speechOpen.MatchString(s) {
		return false
	}
	for _, re := range clutterDateline {
		if re.MatchString(s) {
			return true
		}
	}
	return false
}

// EndsOnWeekday reports whether a headline ends on the day of the report
// («…، الجمعة», "… on Friday"), not on a name holding a weekday («صلاة
// الجمعة», "Black Wednesday").
func EndsOnWeekday(h string) bool {
	return weekdayEnd.MatchString(h) && !weekdayName.MatchString(h)
}

// HasClutter reports a dateline, a hashtag or a raw URL in s.
func HasClutter(s string) bool {
	return HasDateline(s) || clutterHashtag.MatchString(s) || clutterURL.MatchString(s)
}

// CleanRow is the clean-copy figures of one source.
type CleanRow struct {
	Source           string
	N                int // records with text
	RawLead          int // raw first sentences (uncleaned) with clutter
	Summary, Title   int // engine summaries / headlines with clutter
	Derived          int // headlines derived with the title removed
	DerivedEllipsis  int
	DerivedAttrib    int
	DerivedWeekday   int
	DerivedClutter   int
	DerivedTooLong   int // over digest.HeadlineBudget for the language
	SummaryIsHeading int // summaries equal to or contained in their headline
}

// CleanCopy measures one data set's records per source: the engine
// annotates them as it does at push time (boilerplate learned from the
// same records), once as they are and once with every title removed so that
// each headline is derived.
func CleanCopy(eng *digest.Engine, dataset string, recs []Record) []CleanRow {
	bySource := map[string][]Record{}
	for _, r := range recs {
		if strings.TrimSpace(r.Text) == "" {
			continue
		}
		src := dataset
		if r.Source != "" {
			src = dataset + "/" + r.Source
		}
		bySource[src] = append(bySource[src], r)
	}
	names := make([]string, 0, len(bySource))
	for n := range bySource {
		names = append(names, n)
	}
	sort.Strings(names)
	rows := make([]CleanRow, 0, len(names))
	for _, n := range names {
		rows = append(rows, cleanRow(eng, n, bySource[n]))
	}
	return rows
}

func cleanRow(eng *digest.Engine, source string, recs []Record) CleanRow {
	row := CleanRow{Source: source, N: len(recs)}
	arts := make([]digest.Article, len(recs))
	bare := make([]digest.Article, len(recs))
	for i, r := range recs {
		arts[i] = Article(r)
		bare[i] = arts[i]
		bare[i].Title = ""
		if raw := digest.Sentences(r.Text); len(raw) > 0 && HasClutter(raw[0]) {
			row.RawLead++
		}
	}
	for _, a := range eng.Annotate(arts) {
		row.Summary += b2i(HasClutter(a.Summary))
		row.Title += b2i(HasClutter(a.Title))
		row.SummaryIsHeading += b2i(a.Summary != "" && strings.Contains(a.Title, a.Summary))
	}
	for i, a := range eng.Annotate(bare) {
		if a.Title == "" {
			continue
		}
		row.Derived++
		row.DerivedEllipsis += b2i(strings.HasSuffix(a.Title, "…"))
		row.DerivedAttrib += b2i(attributionStart.MatchString(a.Title))
		row.DerivedWeekday += b2i(EndsOnWeekday(a.Title))
		row.DerivedClutter += b2i(HasClutter(a.Title))
		row.DerivedTooLong += b2i(len([]rune(a.Title)) > digest.HeadlineBudget(recs[i].Lang))
	}
	return row
}

// share is a percentage, 0 of nothing.
func share(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return 100 * float64(a) / float64(b)
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// Headline targets of issue 10, checked by HeadlineTargets.
const (
	// MaxEllipsisShare: at most this share of derived headlines end in "…",
	// overall and in every source with at least MinTargetSource of them.
	MaxEllipsisShare = 30.0
	// MinTargetSource: fewer derived headlines than this make a source's
	// share too coarse to hold to the target (one headline is 2.5 points).
	MinTargetSource = 40
)

// HeadlineTargets sums the derived-headline columns of rows and says which
// targets they miss: none may open with an attribution verb or end on a
// weekday, and at most MaxEllipsisShare % may end in "…" overall and per
// source (with at least MinTargetSource derived headlines).
func HeadlineTargets(rows []CleanRow) (total CleanRow, misses []string) {
	total.Source = "all"
	for _, r := range rows {
		total.N += r.N
		total.Derived += r.Derived
		total.DerivedEllipsis += r.DerivedEllipsis
		total.DerivedAttrib += r.DerivedAttrib
		total.DerivedWeekday += r.DerivedWeekday
		if r.Derived >= MinTargetSource && share(r.DerivedEllipsis, r.Derived) > MaxEllipsisShare {
			misses = append(misses, fmt.Sprintf("%s: %.2f%% end in … (> %.0f%%)", r.Source, share(r.DerivedEllipsis, r.Derived), MaxEllipsisShare))
		}
		if r.DerivedAttrib > 0 {
			misses = append(misses, fmt.Sprintf("%s: %d open with an attribution verb", r.Source, r.DerivedAttrib))
		}
		if r.DerivedWeekday > 0 {
			misses = append(misses, fmt.Sprintf("%s: %d end on a weekday", r.Source, r.DerivedWeekday))
		}
	}
	if s := share(total.DerivedEllipsis, total.Derived); s > MaxEllipsisShare {
		misses = append(misses, fmt.Sprintf("all: %.2f%% end in … (> %.0f%%)", s, MaxEllipsisShare))
	}
	return total, misses
}

// writeCleanCopy prints the clean-copy table and the headline targets.
func writeCleanCopy(w io.Writer, rows []CleanRow) {
	if len(rows) == 0 {
		return
	}
	fmt.Fprintf(w, "\n== Clean copy: share with a dateline, hashtag or URL (raw first sentence, engine summary, engine headline),\n")
	fmt.Fprintf(w, "   and headlines derived with the title removed (share ending in …; number opening with an attribution verb, number ending on a weekday; share with clutter, over budget)\n")
	fmt.Fprintf(w, "  %-34s %6s %8s %8s %8s | %6s %8s %7s %7s %8s %8s | %8s\n", "source", "n", "raw%", "summ%", "head%", "deriv", "deriv…%", "attrib", "wkday", "clutter%", "long%", "summ⊆hd%")
	for _, r := range rows {
		fmt.Fprintf(w, "  %-34s %6d %8.2f %8.2f %8.2f | %6d %8.2f %7d %7d %8.2f %8.2f | %8.2f\n", r.Source, r.N,
			share(r.RawLead, r.N), share(r.Summary, r.N), share(r.Title, r.N),
			r.Derived, share(r.DerivedEllipsis, r.Derived), r.DerivedAttrib, r.DerivedWeekday,
			share(r.DerivedClutter, r.Derived), share(r.DerivedTooLong, r.Derived), share(r.SummaryIsHeading, r.N))
	}
	total, misses := HeadlineTargets(rows)
	fmt.Fprintf(w, "  %-34s %6d %8s %8s %8s | %6d %8.2f %7d %7d\n", "all", total.N, "", "", "", total.Derived,
		share(total.DerivedEllipsis, total.Derived), total.DerivedAttrib, total.DerivedWeekday)
	if len(misses) == 0 {
		fmt.Fprintf(w, "headline targets met: none opens with an attribution verb or ends on a weekday; ≤ %.0f%% end in … overall and in every source with ≥ %d derived headlines\n", MaxEllipsisShare, MinTargetSource)
		return
	}
	fmt.Fprintf(w, "headline targets missed:\n")
	for _, m := range misses {
		fmt.Fprintf(w, "  %s\n", m)
	}
}
