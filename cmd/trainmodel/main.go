// Command trainmodel trains the topic classifier that the digest package
// embeds. It reads the data sets in ../shared/data (or --data), keeps the
// training part of the reproducible split (eval.HeldOut says which records
// are held out), maps categories to topics with eval.Topic and
// writes digest/model/topics.model.gz:
//
//	go run ./cmd/trainmodel
//
// Run it from the module root; then rebuild so the binary embeds the model.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"maps"
	"os"
	"os/signal"
	"slices"
	"strings"

	"newsdigest/digest"
	"newsdigest/eval"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	err := run(ctx, os.Args[1:], os.Stdout)
	stop()
	if errors.Is(err, flag.ErrHelp) {
		return
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "trainmodel:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("trainmodel", flag.ContinueOnError)
	data := fs.String("data", "../shared/data", "folder of data sets (JSON lines, formats of ../shared/data)")
	out := fs.String("out", "digest/model/topics.model.gz", "model file to write")
	minDocs := fs.Int("min-docs", 3, "drop stems found in fewer training documents")
	if err := fs.Parse(args); err != nil {
		return err
	}
	docs, err := trainingDocs(ctx, *data)
	if err != nil {
		return err
	}
	model, err := digest.TrainTopicModel(docs, *minDocs)
	if err != nil {
		return err
	}
	for _, lang := range slices.Sorted(maps.Keys(model.Langs)) {
		lm := model.Langs[lang]
		best, err := selectParams(lang, docs, *minDocs, stdout)
		if err != nil {
			return err
		}
		lm.Alpha, lm.Prior = best.alpha, best.prior
	}
	b, err := model.MarshalText()
	if err != nil {
		return err
	}
	if err := os.WriteFile(*out, b, 0o644); err != nil {
		return fmt.Errorf("write model: %w", err)
	}
	fmt.Fprintf(stdout, "trained on %d documents (%s); wrote %s (%d bytes)\n", len(docs), describe(docs), *out, len(b))
	return nil
}

// params is one point of the hyper-parameter grid.
type params struct{ alpha, prior float64 }

// grid: additive smoothing, and the weight of the class prior (1 = plain
// naive Bayes; lower helps small topics, which macro-F1 counts alike).
var grid = []params{{0.05, 0.3}, {0.05, 1}, {0.1, 0.3}, {0.1, 1}, {0.3, 0.3}, {0.3, 1}, {1, 0.3}, {1, 1}}

// cvFolds is the number of cross-validation folds over the training split.
const cvFolds = 5

// selectParams picks smoothing and prior weight for one language by 5-fold
// cross-validation on the training documents only (the held-out split stays
// unseen), maximising macro-F1.
func selectParams(lang string, docs []digest.LabeledDoc, minDocs int, w io.Writer) (params, error) {
	var own []digest.LabeledDoc
	for _, d := range docs {
		if d.Lang == lang {
			own = append(own, d)
		}
	}
	best, bestScore := grid[0], -1.0
	for _, p := range grid {
		f1, err := crossValidate(own, minDocs, p)
		if err != nil {
			return params{}, err
		}
		fmt.Fprintf(w, "cv %s alpha=%-4g prior=%-3g macro-F1 %.4f\n", lang, p.alpha, p.prior, f1)
		if f1 > bestScore {
			best, bestScore = p, f1
		}
	}
	fmt.Fprintf(w, "chosen for %s: alpha=%g prior=%g\n", lang, best.alpha, best.prior)
	return best, nil
}

// crossValidate returns the macro-F1 of p over the folds (document i is in
// fold i mod cvFolds).
func crossValidate(docs []digest.LabeledDoc, minDocs int, p params) (float64, error) {
	conf := eval.NewConfusion()
	for fold := range cvFolds {
		var train, test []digest.LabeledDoc
		for i, d := range docs {
			if i%cvFolds == fold {
				test = append(test, d)
			} else {
				train = append(train, d)
			}
		}
		m, err := digest.TrainTopicModel(train, minDocs)
		if err != nil {
			return 0, err
		}
		for _, lm := range m.Langs {
			lm.Alpha, lm.Prior = p.alpha, p.prior
		}
		for _, d := range test {
			conf.Add(d.Topic, bestSubject(m.ClassifyTerms(d.Lang, d.Terms)))
		}
	}
	return conf.MacroF1(), nil
}

// bestSubject mirrors eval.PredictTopic on precomputed stems.
func bestSubject(ts []digest.TopicScore) string {
	for _, t := range ts {
		if t.ID != "middle-east" {
			return t.ID
		}
	}
	return "none"
}

// trainingDocs returns the records of the training split that have a
// mapped topic, some text, and are Arabic or English (the few ANT records
// that are mostly French are left out), with their stems computed once.
func trainingDocs(ctx context.Context, dir string) ([]digest.LabeledDoc, error) {
	sets, err := eval.LoadDir(ctx, dir)
	if err != nil {
		return nil, err
	}
	var docs []digest.LabeledDoc
	for _, ds := range sets {
		for _, r := range ds.Records {
			topic := eval.Topic(r)
			if topic == "" || eval.HeldOut(r) || strings.TrimSpace(r.Text) == "" || (r.Lang != "ar" && r.Lang != "en") {
				continue
			}
			text := r.Title + "\n" + r.Text
			docs = append(docs, digest.LabeledDoc{Lang: r.Lang, Topic: topic, Text: text, Terms: digest.Terms(text)})
		}
	}
	return docs, nil
}

func describe(docs []digest.LabeledDoc) string {
	n := map[string]int{}
	for _, d := range docs {
		n[d.Lang+"/"+d.Topic]++
	}
	keys := slices.Sorted(maps.Keys(n))
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("%s %d", k, n[k])
	}
	return strings.Join(parts, ", ")
}
