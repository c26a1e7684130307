// Command trainmodel trains the topic classifier that the digest package
// embeds. It reads every data set in ../shared/data (or --data) the same way
// (eval.TopicDocs: the record's own topic ID, else its category mapped by
// eval.Topic), trains on all of them together with eval.TrainTopics and
// writes digest/model/topics.model.gz:
//
//	go run ./cmd/trainmodel              # the shipped model: every set
//	go run ./cmd/trainmodel --permissive # only the permissively licensed sets
//
// Run it from the module root; then rebuild so the binary embeds the model.
// Training is deterministic: the same data gives the same bytes.
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
	permissive := fs.Bool("permissive", false, "train only on the permissively licensed corpora (leave out the non-commercial ones)")
	p := eval.DefaultTopicParams()
	fs.IntVar(&p.MinDocs, "min-docs", p.MinDocs, "drop features found in fewer training documents")
	fs.IntVar(&p.MinSources, "min-sources", p.MinSources, "drop features found in fewer outlets (1 or 2)")
	fs.Float64Var(&p.SourceCap, "source-cap", p.SourceCap, "weigh the articles of one outlet and topic as at most this many (0: no cap)")
	fs.Float64Var(&p.Alpha, "alpha", p.Alpha, "additive smoothing")
	fs.Float64Var(&p.Prior, "prior", p.Prior, "weight of the class prior (Arabic, and any language without its own)")
	enPrior := fs.Float64("prior-en", p.LangPriors["en"], "weight of the class prior in English")
	if err := fs.Parse(args); err != nil {
		return err
	}
	p.LangPriors["en"] = *enPrior
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	sets, err := eval.LoadDir(ctx, *data)
	if err != nil {
		return err
	}
	docs, err := eval.TopicDocs(ctx, sets, *permissive)
	if err != nil {
		return err
	}
	model, err := eval.TrainTopics(docs, p)
	if err != nil {
		return err
	}
	temps, err := eval.FitTemperatures(ctx, docs, p)
	if err != nil {
		return err
	}
	for _, lang := range slices.Sorted(maps.Keys(temps)) {
		t := temps[lang]
		model.Langs[lang].Temp = t[0]
		fmt.Fprintf(stdout, "calibration %s: temperature %g (leave-one-outlet-out log-loss %.4f at 1, %.4f at %g)\n", lang, t[0], t[1], t[2], t[0])
	}
	b, err := model.MarshalText()
	if err != nil {
		return err
	}
	if err := os.WriteFile(*out, b, 0o644); err != nil {
		return fmt.Errorf("write model: %w", err)
	}
	fmt.Fprintf(stdout, "trained on %d articles:\n", len(docs))
	for _, line := range eval.Corpora(docs) {
		fmt.Fprintln(stdout, "  "+line)
	}
	fmt.Fprintf(stdout, "per topic: %s\n", describe(docs))
	for _, lang := range slices.Sorted(maps.Keys(model.Langs)) {
		fmt.Fprintf(stdout, "%s: %d features\n", lang, model.Langs[lang].NumFeatures())
	}
	fmt.Fprintf(stdout, "wrote %s (%d bytes)\n", *out, len(b))
	return nil
}

func describe(docs []eval.TopicDoc) string {
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
