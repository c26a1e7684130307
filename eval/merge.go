package eval

import (
	"bufio"
	"cmp"
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"maps"
	"os"
	"slices"
	"strings"

	"newsdigest/digest"
)

// MergePairsFile is the labelled pair set shipped with the repository,
// relative to the module root.
const MergePairsFile = "eval/testdata/merge-pairs.tsv"

// DeskAuditFile is the hand audit of mixed-desk stories (the --desk-sample
// stories read at one commit), as pairs of a story's members: same (one
// event), related (a follow-up the story should not hold) or diff (a wrong
// merge). Relative to the module root.
const DeskAuditFile = "eval/testdata/desk-audit.tsv"

// Pair labels: same event, different events, or related (a follow-up or
// another development of one story), which is not scored: a reader could
// want it either way.
const (
	LabelSame    = "same"
	LabelDiff    = "diff"
	LabelRelated = "related"
)

// ErrBadPairs reports a malformed pair file.
var ErrBadPairs = errors.New("eval: bad merge pair file")

// MergePair is one judged pair of articles, by record ID.
type MergePair struct {
	A, B, Label, Reason string
}

// Tuning reports whether the pair is in the tuning half (thresholds are
// chosen there) rather than the test half (figures are reported there).
// The split hashes the two IDs, so it does not move when pairs are added.
func (p MergePair) Tuning() bool {
	a, b := p.A, p.B
	if b < a {
		a, b = b, a
	}
	h := fnv.New32a()
	h.Write([]byte(a + "\t" + b))
	return h.Sum32()%2 == 0
}

// ReadMergePairs parses the tab-separated pair file: id_a, id_b, label and
// an optional reason; blank lines and lines starting with # are skipped.
func ReadMergePairs(r io.Reader) ([]MergePair, error) {
	sc := bufio.NewScanner(r)
	var out []MergePair
	for line := 1; sc.Scan(); line++ {
		text := strings.TrimSpace(sc.Text())
		if text == "" || strings.HasPrefix(text, "#") {
			continue
		}
		f := strings.Split(text, "\t")
		if len(f) < 3 || f[0] == "" || f[1] == "" {
			return nil, fmt.Errorf("%w: line %d: want id_a, id_b, label[, reason] separated by tabs", ErrBadPairs, line)
		}
		p := MergePair{A: f[0], B: f[1], Label: f[2]}
		if len(f) > 3 {
			p.Reason = f[3]
		}
		if p.Label != LabelSame && p.Label != LabelDiff && p.Label != LabelRelated {
			return nil, fmt.Errorf("%w: line %d: label %q is not same, diff or related", ErrBadPairs, line, p.Label)
		}
		out = append(out, p)
	}
	return out, sc.Err()
}

// LoadMergePairs reads a pair file.
func LoadMergePairs(path string) ([]MergePair, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("eval: %w", err)
	}
	defer f.Close()
	return ReadMergePairs(f)
}

// PairCounts is a confusion count over scored pairs: merged or not against
// same event or not.
type PairCounts struct {
	TP, FP, FN, TN int
}

// Precision is the share of merged pairs that are one event.
func (c PairCounts) Precision() float64 { return ratio(c.TP, c.TP+c.FP) }

// Recall is the share of same-event pairs that were merged.
func (c PairCounts) Recall() float64 { return ratio(c.TP, c.TP+c.FN) }

func (c *PairCounts) add(same, merged bool) {
	switch {
	case same && merged:
		c.TP++
	case same:
		c.FN++
	case merged:
		c.FP++
	default:
		c.TN++
	}
}

// MergeHalf is the pair scores of one half of the labelled set: over all
// scored pairs, and over the cross-outlet ones (the target); and how many
// of its related pairs (follow-ups, not scored) ended up in one story.
type MergeHalf struct {
	All, Cross             PairCounts
	Related, RelatedMerged int
}

// MergeRun is the engine at one merge threshold.
type MergeRun struct {
	Threshold  float64
	Tune, Test MergeHalf
}

// MixedDesk counts stories whose members were filed by desks of different
// topics (the data set's "topic" field, Record.Gold).
type MixedDesk struct {
	Stories, Merged, Mixed int
	Combos                 map[string]int // "middle-east+world" → stories
	Examples               []string       // a few mixed stories' titles
	Sample                 []MixedStory   // DeskSample's sample for an audit by reading
}

// MixedStory is one mixed-desk story for an audit: its desk pair and each
// member's outlet, desk and headline.
type MixedStory struct {
	ID, Combo string
	Members   []string // "outlet desk | title" per member
	key       uint32   // the sample's order: FNV of the story ID
}

// DeskAudit is how the stories at the default threshold keep the pairs of
// a hand audit of mixed-desk stories: how many of each verdict's pairs are
// still in one story. A change to merging that splits follow-ups shows as
// fewer related pairs merged; one that splits real stories, as fewer same.
type DeskAudit struct {
	Same, SameMerged       int
	Related, RelatedMerged int
	Diff, DiffMerged       int
	Missing                int // pairs with an article not in the data
}

func (a *DeskAudit) add(p MergePair, merged bool) {
	n, m := &a.Same, &a.SameMerged
	switch p.Label {
	case LabelRelated:
		n, m = &a.Related, &a.RelatedMerged
	case LabelDiff:
		n, m = &a.Diff, &a.DiffMerged
	}
	*n++
	if merged {
		*m++
	}
}

// MergeReport is the merging benchmark.
type MergeReport struct {
	Pairs, Scored, Missing int // labelled pairs; same or diff; whose articles are not in the data
	Sets                   []string
	Runs                   []MergeRun // one per threshold, ascending
	Default                float64    // the engine's threshold (digest.DefaultMergeThreshold)
	Desks                  MixedDesk  // at the default threshold
	Audit                  *DeskAudit // the desk audit's pairs at the default threshold, when given
}

// EvaluateMerge runs the engine's clustering on every data set that holds
// a labelled pair's articles, once per threshold (and once at the default),
// and scores the pairs: merged into one story or not.
//
// deskSample > 0 keeps about that many mixed-desk stories (at least one of
// every desk pair, the rest in proportion to the pairs' counts, chosen by a
// hash of the story ID) in Desks.Sample, for reading. audit, when not nil,
// is a hand audit's pairs (DeskAuditFile), counted in Audit at the default.
func EvaluateMerge(ctx context.Context, dir string, pairs []MergePair, thresholds []float64, deskSample int, audit []MergePair) (MergeReport, error) {
	sets, err := LoadDir(ctx, dir)
	if err != nil {
		return MergeReport{}, err
	}
	wanted := map[string]bool{}
	for _, p := range slices.Concat(pairs, audit) {
		wanted[p.A], wanted[p.B] = true, true
	}
	var used []Dataset
	rep := MergeReport{Pairs: len(pairs), Default: digest.DefaultMergeThreshold}
	for _, ds := range sets {
		for _, r := range ds.Records {
			if wanted[r.ID] {
				used = append(used, ds)
				rep.Sets = append(rep.Sets, ds.Name+"/"+baseName(ds.Path))
				break
			}
		}
	}
	ts := append([]float64(nil), thresholds...)
	if !slices.Contains(ts, rep.Default) {
		ts = append(ts, rep.Default)
	}
	slices.Sort(ts)
	for _, t := range ts {
		if err := ctx.Err(); err != nil {
			return MergeReport{}, err
		}
		eng, err := digest.NewEngine(digest.Config{MergeThreshold: t})
		if err != nil {
			return MergeReport{}, fmt.Errorf("eval: %w", err)
		}
		storyOf, source, stories := storiesOf(eng, used)
		run := MergeRun{Threshold: t}
		rep.Scored, rep.Missing = scorePairs(pairs, storyOf, source, &run)
		rep.Runs = append(rep.Runs, run)
		if t == rep.Default {
			rep.Desks = mixedDesks(stories, used, deskSample)
			if audit != nil {
				rep.Audit = auditPairs(audit, storyOf)
			}
		}
	}
	return rep, nil
}

func baseName(p string) string {
	return p[strings.LastIndexAny(p, `/\`)+1:]
}

// storiesOf clusters each data set on its own and returns each record's
// story ID, source, and the stories.
func storiesOf(eng *digest.Engine, sets []Dataset) (storyOf, source map[string]string, stories []digest.Story) {
	storyOf, source = map[string]string{}, map[string]string{}
	for _, ds := range sets {
		arts := make([]digest.Article, len(ds.Records))
		for i, r := range ds.Records {
			arts[i] = Article(r)
			source[r.ID] = r.Source
		}
		for _, s := range eng.Stories(arts) {
			for _, id := range s.Articles {
				storyOf[id] = ds.Name + "/" + s.ID
			}
			stories = append(stories, s)
		}
	}
	return storyOf, source, stories
}

// scorePairs adds every scored pair to its half and returns how many pairs
// were scored and how many had an article missing from the data.
func scorePairs(pairs []MergePair, storyOf, source map[string]string, run *MergeRun) (scored, missing int) {
	for _, p := range pairs {
		sa, okA := storyOf[p.A]
		sb, okB := storyOf[p.B]
		if !okA || !okB {
			missing++
			continue
		}
		half := &run.Test
		if p.Tuning() {
			half = &run.Tune
		}
		if p.Label == LabelRelated {
			half.Related++
			if sa == sb {
				half.RelatedMerged++
			}
			continue
		}
		scored++
		same, merged := p.Label == LabelSame, sa == sb
		half.All.add(same, merged)
		if source[p.A] != source[p.B] {
			half.Cross.add(same, merged)
		}
	}
	return scored, missing
}

// auditPairs counts the audit's pairs still in one story.
func auditPairs(audit []MergePair, storyOf map[string]string) *DeskAudit {
	a := &DeskAudit{}
	for _, p := range audit {
		sa, okA := storyOf[p.A]
		sb, okB := storyOf[p.B]
		if !okA || !okB {
			a.Missing++
			continue
		}
		a.add(p, sa == sb)
	}
	return a
}

// mixedDesks counts the merged stories whose members come from desks of
// different topics.
func mixedDesks(stories []digest.Story, sets []Dataset, sample int) MixedDesk {
	desk := map[string]string{}
	recs := map[string]*Record{}
	for _, ds := range sets {
		for i, r := range ds.Records {
			desk[r.ID] = r.Gold
			recs[r.ID] = &ds.Records[i]
		}
	}
	md := MixedDesk{Combos: map[string]int{}}
	var mixed []MixedStory
	for _, s := range stories {
		md.Stories++
		if len(s.Articles) < 2 {
			continue
		}
		md.Merged++
		seen := map[string]bool{}
		for _, id := range s.Articles {
			if d := desk[id]; d != "" {
				seen[d] = true
			}
		}
		if len(seen) < 2 {
			continue
		}
		md.Mixed++
		names := slices.Sorted(maps.Keys(seen))
		md.Combos[strings.Join(names, "+")]++
		if sample > 0 {
			mixed = append(mixed, mixedStory(s, strings.Join(names, "+"), recs))
		}
		if len(md.Examples) < 8 {
			md.Examples = append(md.Examples, fmt.Sprintf("%s (%d articles, %s)", s.Title, len(s.Articles), strings.Join(names, "+")))
		}
	}
	md.Sample = deskSample(mixed, md.Combos, sample)
	return md
}

func mixedStory(s digest.Story, combo string, recs map[string]*Record) MixedStory {
	h := fnv.New32a()
	h.Write([]byte(s.ID))
	ms := MixedStory{ID: s.ID, Combo: combo, key: h.Sum32()}
	for _, id := range s.Articles {
		r := recs[id]
		if r == nil {
			continue
		}
		title := r.Title
		if title == "" {
			title = digest.DeriveTitle(Article(*r))
		}
		ms.Members = append(ms.Members, fmt.Sprintf("%s %s %s | %s", r.Published.Format("01-02 15:04"), r.Source, r.Gold, title))
	}
	return ms
}

// deskSample picks about n of the mixed stories: for each desk pair, in
// order of the stories' hashes, its share of n (at least one).
func deskSample(mixed []MixedStory, combos map[string]int, n int) []MixedStory {
	if n <= 0 || len(mixed) == 0 {
		return nil
	}
	slices.SortFunc(mixed, func(a, b MixedStory) int { return cmp.Or(cmp.Compare(a.key, b.key), cmp.Compare(a.ID, b.ID)) })
	quota := map[string]int{}
	for c, k := range combos {
		quota[c] = max(1, (k*n+len(mixed)/2)/len(mixed))
	}
	var out []MixedStory
	for _, m := range mixed {
		if quota[m.Combo] > 0 {
			quota[m.Combo]--
			out = append(out, m)
		}
	}
	slices.SortStableFunc(out, func(a, b MixedStory) int { return cmp.Compare(combos[b.Combo], combos[a.Combo]) })
	return out
}

// Write prints the benchmark.
func (rep MergeReport) Write(w io.Writer) {
	fmt.Fprintf(w, "newsdigest eval -merge: %d labelled pairs (%d scored same/diff, %d related not scored, %d missing from the data) in %s\n",
		rep.Pairs, rep.Scored, rep.Pairs-rep.Scored-rep.Missing, rep.Missing, strings.Join(rep.Sets, ", "))
	fmt.Fprintf(w, "pair precision P and recall R: all scored pairs / cross-outlet pairs only; halves split by the hash of the two IDs\n\n")
	fmt.Fprintf(w, "  %-9s | %-27s | %-27s\n", "", "tuning half", "test half")
	fmt.Fprintf(w, "  %-9s | %6s %6s %6s %6s | %6s %6s %6s %6s\n", "threshold", "P", "R", "P-x", "R-x", "P", "R", "P-x", "R-x")
	for _, r := range rep.Runs {
		mark := ""
		if r.Threshold == rep.Default {
			mark = " (default)"
		}
		fmt.Fprintf(w, "  %-9.2f | %6.3f %6.3f %6.3f %6.3f | %6.3f %6.3f %6.3f %6.3f%s\n", r.Threshold,
			r.Tune.All.Precision(), r.Tune.All.Recall(), r.Tune.Cross.Precision(), r.Tune.Cross.Recall(),
			r.Test.All.Precision(), r.Test.All.Recall(), r.Test.Cross.Precision(), r.Test.Cross.Recall(), mark)
	}
	for _, r := range rep.Runs {
		if r.Threshold == rep.Default {
			t := r.Test
			fmt.Fprintf(w, "\ntest half at the default %.2f: all pairs TP %d FP %d FN %d TN %d; cross-outlet TP %d FP %d FN %d TN %d\n",
				r.Threshold, t.All.TP, t.All.FP, t.All.FN, t.All.TN, t.Cross.TP, t.Cross.FP, t.Cross.FN, t.Cross.TN)
			fmt.Fprintf(w, "related pairs (follow-ups, not scored) in one story at the default: tuning half %d of %d, test half %d of %d\n",
				r.Tune.RelatedMerged, r.Tune.Related, t.RelatedMerged, t.Related)
		}
	}
	d := rep.Desks
	fmt.Fprintf(w, "\nstories at the default threshold: %d, %d with several articles, %d of those from desks of different topics\n", d.Stories, d.Merged, d.Mixed)
	// most stories first, then by name
	combos := slices.SortedFunc(maps.Keys(d.Combos), func(a, b string) int {
		return cmp.Or(cmp.Compare(d.Combos[b], d.Combos[a]), cmp.Compare(a, b))
	})
	for _, c := range combos {
		fmt.Fprintf(w, "  %-30s %d\n", c, d.Combos[c])
	}
	for _, e := range d.Examples {
		fmt.Fprintf(w, "  e.g. %s\n", e)
	}
	if a := rep.Audit; a != nil {
		fmt.Fprintf(w, "desk audit (pairs of mixed-desk stories judged by reading) still in one story: one event %d of %d, follow-ups %d of %d, wrong merges %d of %d; %d missing from the data\n",
			a.SameMerged, a.Same, a.RelatedMerged, a.Related, a.DiffMerged, a.Diff, a.Missing)
	}
	if len(d.Sample) == 0 {
		return
	}
	fmt.Fprintf(w, "\nsample of %d mixed-desk stories for reading (per desk pair in proportion, at least one each; by a hash of the story ID):\n", len(d.Sample))
	for k, m := range d.Sample {
		fmt.Fprintf(w, "\n[%d] %s (%d articles)\n", k+1, m.Combo, len(m.Members))
		for _, line := range m.Members {
			fmt.Fprintf(w, "    %s\n", line)
		}
	}
}
