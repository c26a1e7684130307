// Command trainmodel trains the topic classifier that the digest package
// embeds. It reads the data sets in ../shared/data (or --data), keeps the
// training part of the reproducible split (eval.HeldOut says which records
// are held out), maps categories to topics with eval.CategoryTopics and
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
	"os"
	"os/signal"
	"sort"
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

// trainingDocs returns the records of the training split that have a
// mapped topic and some text.
func trainingDocs(ctx context.Context, dir string) ([]digest.LabeledDoc, error) {
	sets, err := eval.LoadDir(ctx, dir)
	if err != nil {
		return nil, err
	}
	var docs []digest.LabeledDoc
	for _, ds := range sets {
		for _, r := range ds.Records {
			topic := eval.Topic(r)
			if topic == "" || eval.HeldOut(r) || strings.TrimSpace(r.Text) == "" {
				continue
			}
			docs = append(docs, digest.LabeledDoc{Lang: r.Lang, Topic: topic, Text: r.Title + "\n" + r.Text})
		}
	}
	return docs, nil
}

func describe(docs []digest.LabeledDoc) string {
	n := map[string]int{}
	for _, d := range docs {
		n[d.Lang+"/"+d.Topic]++
	}
	keys := make([]string, 0, len(n))
	for k := range n {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("%s %d", k, n[k])
	}
	return strings.Join(parts, ", ")
}
