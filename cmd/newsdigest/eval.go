package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"strconv"
	"strings"

	"newsdigest/digest"
	"newsdigest/eval"
)

// runEval evaluates the summariser compiled into this binary on every data
// set found in --data and prints ROUGE against the Lead-1/Lead-3 baselines
// and clustering statistics, then topics leave-one-outlet-out (per outlet,
// pooled, subscriber view, calibration, confusion matrix).
func runEval(ctx context.Context, args []string, _ io.Reader, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("eval", flag.ContinueOnError)
	fs.SetOutput(stderr)
	data := fs.String("data", "../shared/data", "folder of data sets (JSON lines as in ../shared/data)")
	budget := fs.Int("budget", digest.DefaultSummaryBudget, "summary length in characters (the engine's and the lead-1-cut baseline's)")
	topicSample := fs.Int("topic-sample", 0, "leave-one-outlet-out topics: test at most this many articles per outlet (0: all, as in docs/EVALUATION.md)")
	topicWindow := fs.Int("topic-window", eval.DefaultTopicWindow, "leave-one-outlet-out topics: how many of the held-out outlet's articles one engine call sees (the engine adapts the classifier to each source's articles in a call)")
	topicsOnly := fs.Bool("topics-only", false, "run only the leave-one-outlet-out topic evaluation")
	merge := fs.Bool("merge", false, "run the merging benchmark instead: pair precision and recall on the labelled same-event/different-event pairs")
	pairs := fs.String("merge-pairs", eval.MergePairsFile, "labelled pairs for -merge (tab-separated: id_a, id_b, same|diff|related, reason)")
	thresholds := fs.String("merge-thresholds", "0.3,0.35,0.4,0.45,0.5,0.55", "merge score thresholds -merge sweeps, besides the default")
	deskAudit := fs.String("desk-audit", eval.DeskAuditFile, "with -merge: a hand audit of mixed-desk stories as pairs (same|related|diff), counted at the default threshold; \"\" for none")
	deskSample := fs.Int("desk-sample", 0, "with -merge: also print about this many mixed-desk stories (members' outlet, desk, headline) for an audit by reading")
	briefing := fs.Bool("briefing", false, "run the briefing evaluation instead: light leads, one-item sections first, near-duplicates and size of each day's digest, against the previous ranking and layout")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("eval: unexpected argument %q", fs.Arg(0))
	}
	if *briefing {
		rep, err := eval.EvaluateBriefing(ctx, *data, nil)
		if err != nil {
			return err
		}
		rep.Write(stdout)
		return nil
	}
	if *merge {
		return runMergeEval(ctx, *data, *pairs, *deskAudit, *thresholds, *deskSample, stdout)
	}
	// Both evaluations read the same records: load them once.
	sets, err := eval.LoadDir(ctx, *data)
	if err != nil {
		return err
	}
	if !*topicsOnly {
		rep, err := eval.EvaluateSets(ctx, *data, sets, *budget, newProgress(stderr, "evaluating"))
		if err != nil {
			return err
		}
		rep.Write(stdout)
	}
	return runTopicEval(ctx, sets, eval.TopicOptions{Sample: *topicSample, Window: *topicWindow}, stdout, stderr)
}

// runTopicEval prints the leave-one-outlet-out topic evaluation.
func runTopicEval(ctx context.Context, sets []eval.Dataset, opt eval.TopicOptions, stdout, stderr io.Writer) error {
	docs, err := eval.TopicDocs(ctx, sets, false)
	if err != nil {
		return err
	}
	p := eval.DefaultTopicParams()
	model, err := digest.EmbeddedModel()
	if err != nil {
		return err
	}
	p.Temps = map[string]float64{} // the folds are calibrated like the shipped model
	for lang, lm := range model.Langs {
		p.Temps[lang] = lm.Temp
	}
	opt.Params, opt.Progress = p, eval.Progress(newProgress(stderr, "topics, leave-one-outlet-out"))
	rep, err := eval.EvaluateTopics(ctx, docs, opt)
	if err != nil {
		return err
	}
	rep.Write(stdout)
	return nil
}

// runMergeEval is `newsdigest eval -merge`.
func runMergeEval(ctx context.Context, data, pairsPath, auditPath, thresholds string, deskSample int, stdout io.Writer) error {
	var ts []float64
	for _, f := range strings.Split(thresholds, ",") {
		if f = strings.TrimSpace(f); f == "" {
			continue
		}
		t, err := strconv.ParseFloat(f, 64)
		if err != nil || t <= 0 {
			return fmt.Errorf("eval: -merge-thresholds: %q is not a positive number", f)
		}
		ts = append(ts, t)
	}
	pairs, err := eval.LoadMergePairs(pairsPath)
	if err != nil {
		return err
	}
	var audit []eval.MergePair
	if auditPath != "" {
		if audit, err = eval.LoadMergePairs(auditPath); err != nil {
			return err
		}
	}
	rep, err := eval.EvaluateMerge(ctx, data, pairs, ts, deskSample, audit)
	if err != nil {
		return err
	}
	rep.Write(stdout)
	return nil
}
