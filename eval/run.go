package eval

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strings"

	"newsdigest/digest"
)

// Rouge holds the mean F1 of ROUGE-1, ROUGE-2 and ROUGE-L over a set.
type Rouge struct {
	R1, R2, RL float64
}

// Summarizers compared by Evaluate, in report order.
var summarizerNames = []string{"engine", "lead-1", "lead-1-cut", "lead-3"}

// DatasetReport is the evaluation of one data set.
type DatasetReport struct {
	Name     string
	Records  int
	HeldOut  int
	Langs    map[string]int
	SummaryN int              // held-out records with a reference summary
	Summary  map[string]Rouge // by summarizer name
	Clusters ClusterStats
	BadDates []string // IDs of records whose published date no format reads
}

// Report is one eval run over a folder.
type Report struct {
	Dir      string
	Budget   int
	Datasets []DatasetReport
	Clean    []CleanRow // clean copy per source (eval/clutter.go)
}

// Progress is told after each step of an evaluation (two steps a data
// set: summaries, clustering; topics are evaluated leave-one-outlet-out by
// EvaluateTopics), for a progress bar.
type Progress func(done, total int, step string)

// Evaluate runs the shipped engine (embedded model, default config but for
// the summary budget; ≤ 0 means digest.DefaultSummaryBudget) on every data
// set in dir.
func Evaluate(ctx context.Context, dir string, budget int, progress ...Progress) (Report, error) {
	sets, err := LoadDir(ctx, dir)
	if err != nil {
		return Report{}, err
	}
	return EvaluateSets(ctx, dir, sets, budget, progress...)
}

// EvaluateSets is Evaluate on data sets already loaded from dir, for a
// caller that runs other evaluations on the same records.
func EvaluateSets(ctx context.Context, dir string, sets []Dataset, budget int, progress ...Progress) (Report, error) {
	if budget <= 0 {
		budget = digest.DefaultSummaryBudget
	}
	eng, err := digest.NewEngine(digest.Config{SummaryBudget: budget})
	if err != nil {
		return Report{}, fmt.Errorf("eval: %w", err)
	}
	rep := Report{Dir: dir, Budget: budget}
	steps := stepper{total: 2 * len(sets), report: progress}
	for _, ds := range sets {
		if err := ctx.Err(); err != nil {
			return Report{}, err
		}
		rep.Datasets = append(rep.Datasets, evaluateSet(ds, eng, budget, &steps))
		rep.Clean = append(rep.Clean, CleanCopy(eng, ds.Name, ds.Records)...)
	}
	return rep, nil
}

// stepper counts evaluation steps for the Progress callbacks.
type stepper struct {
	done, total int
	report      []Progress
}

func (s *stepper) step(name string) {
	s.done++
	for _, p := range s.report {
		p(s.done, s.total, name)
	}
}

func evaluateSet(ds Dataset, eng *digest.Engine, budget int, steps *stepper) DatasetReport {
	r := DatasetReport{Name: ds.Name, Records: len(ds.Records), Langs: map[string]int{}}
	sums := map[string]Rouge{}
	for _, rec := range ds.Records {
		r.Langs[rec.Lang]++
		if rec.BadDate != "" {
			r.BadDates = append(r.BadDates, rec.ID)
		}
		if !HeldOut(rec) {
			continue
		}
		r.HeldOut++
		if strings.TrimSpace(rec.Reference) == "" || strings.TrimSpace(rec.Text) == "" {
			continue
		}
		r.SummaryN++
		ref := Tokens(rec.Reference)
		for name, cand := range candidates(rec, budget) {
			s := sums[name]
			toks := Tokens(cand)
			s.R1 += RougeN(toks, ref, 1).F
			s.R2 += RougeN(toks, ref, 2).F
			s.RL += RougeL(toks, ref).F
			sums[name] = s
		}
	}
	steps.step(ds.Name + ": summaries")
	r.Summary = map[string]Rouge{}
	for name, s := range sums {
		n := float64(r.SummaryN)
		r.Summary[name] = Rouge{R1: s.R1 / n, R2: s.R2 / n, RL: s.RL / n}
	}
	r.Clusters = Cluster(eng, ds.Records)
	steps.step(ds.Name + ": clustering")
	return r
}

// Article converts a record to what the engine reads. Categories are NOT
// passed as topic hints: the evaluation measures the classifier alone.
func Article(rec Record) digest.Article {
	return digest.Article{ID: rec.ID, URL: rec.URL, Title: rec.Title, Text: rec.Text, Source: rec.Source,
		Lang: rec.Lang, Published: rec.Published}
}

// HintedArticle is Article with the record's topic hints and its category
// as the feed's hints, as a sectioned feed or an RSS category gives them.
func HintedArticle(rec Record) digest.Article {
	a := Article(rec)
	a.Topics = append(slices.Clip(rec.Hints), rec.Category)
	return a
}

// candidates returns the engine's summary and the lead baselines. Lead-k is
// the first k sentences of the cleaned text (dateline and boilerplate
// removed, split by the engine's segmenter), uncut.
func candidates(rec Record, budget int) map[string]string {
	a := Article(rec)
	clean, _ := digest.CleanText(a.Text)
	sents := digest.Sentences(clean)
	return map[string]string{
		"engine": digest.Summarize(a, budget),
		"lead-1": strings.Join(sents[:min(1, len(sents))], " "),
		// the first sentence held to the engine's budget and cut the same way:
		// the baseline on equal terms
		"lead-1-cut": digest.CutAtClause(strings.Join(sents[:min(1, len(sents))], " "), budget),
		"lead-3":     strings.Join(sents[:min(3, len(sents))], " "),
	}
}

// Write prints the report.
func (rep Report) Write(w io.Writer) {
	fmt.Fprintf(w, "newsdigest eval: data %s; held-out split: %d%% of each data set by text hash (eval.HeldOut); summary budget %d characters\n", rep.Dir, HeldOutPercent, rep.Budget)
	for _, d := range rep.Datasets {
		d.write(w)
	}
	writeCleanCopy(w, rep.Clean)
}

func (d DatasetReport) write(w io.Writer) {
	fmt.Fprintf(w, "\n== %s: %d records (languages %v), %d held out\n", d.Name, d.Records, d.Langs, d.HeldOut)
	if n := len(d.BadDates); n > 0 {
		fmt.Fprintf(w, "warning: %d records have a published date no known format reads (first: %s); they are clustered without a time\n", n, d.BadDates[0])
	}
	if d.SummaryN > 0 {
		fmt.Fprintf(w, "\nSummaries: mean ROUGE F1 on %d held-out records with a reference\n", d.SummaryN)
		fmt.Fprintf(w, "  %-10s %8s %8s %8s\n", "", "ROUGE-1", "ROUGE-2", "ROUGE-L")
		for _, name := range summarizerNames {
			s := d.Summary[name]
			fmt.Fprintf(w, "  %-10s %8.4f %8.4f %8.4f\n", name, s.R1, s.R2, s.RL)
		}
	}
	d.Clusters.write(w)
}
