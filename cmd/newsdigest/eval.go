package main

import (
	"context"
	"flag"
	"fmt"
	"io"

	"newsdigest/digest"
	"newsdigest/eval"
)

// runEval evaluates the summariser and topic classifier compiled into this
// binary on every data set found in --data and prints ROUGE against the
// Lead-1/Lead-3 baselines, topic accuracy, macro-F1, confusion matrices and
// clustering statistics.
func runEval(ctx context.Context, args []string, _ io.Reader, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("eval", flag.ContinueOnError)
	fs.SetOutput(stderr)
	data := fs.String("data", "../shared/data", "folder of data sets (JSON lines as in ../shared/data)")
	budget := fs.Int("budget", digest.DefaultSummaryBudget, "summary length in characters (the engine's and the lead-1-cut baseline's)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("eval: unexpected argument %q", fs.Arg(0))
	}
	rep, err := eval.Evaluate(ctx, *data, *budget, newProgress(stderr, "evaluating"))
	if err != nil {
		return err
	}
	rep.Write(stdout)
	return nil
}
