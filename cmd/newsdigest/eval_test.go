package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

func TestEvalCommand(t *testing.T) {
	var out, progress bytes.Buffer
	err := runEval(context.Background(), []string{"--data", "../../eval/testdata/data"}, nil, &out, &progress)
	if err != nil {
		t.Fatal(err)
	}
	// Off a terminal, progress is plain lines on stderr, never in the report.
	for _, want := range []string{"[1/4] arabic: summaries", "[4/4] english: clustering", "[2/2] en english"} {
		if !strings.Contains(progress.String(), want) {
			t.Errorf("progress lacks %q:\n%s", want, progress.String())
		}
	}
	if strings.Contains(out.String(), "[1/4]") {
		t.Error("progress lines leaked into the report on stdout")
	}
	for _, want := range []string{"== arabic: 4 records", "== english: 2 records", "ROUGE-1", "lead-1", "Clustering", "Topics, leave-one-outlet-out", "Subscriber view (ar"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
}

func TestEvalCommandErrors(t *testing.T) {
	for _, args := range [][]string{{"--data", "../../eval/testdata/none"}, {"--data", "../../eval/testdata/data/other"}, {"extra"}, {"--bogus"}} {
		if err := runEval(context.Background(), args, nil, &bytes.Buffer{}, &bytes.Buffer{}); err == nil {
			t.Errorf("runEval(%v) succeeded", args)
		}
	}
}

func TestEvalMergeCommand(t *testing.T) {
	var out bytes.Buffer
	args := []string{"--data", "../../eval/testdata/merge", "--merge", "--merge-pairs", "../../eval/testdata/merge/pairs.tsv", "--desk-audit", "../../eval/testdata/merge/audit.tsv", "--merge-thresholds", "0.4, 0.5"}
	if err := runEval(context.Background(), args, nil, &out, &bytes.Buffer{}); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"newsdigest eval -merge: 5 labelled pairs", "0.40", "0.50", "(default)", "stories at the default threshold", "desk audit (pairs of mixed-desk stories judged by reading) still in one story: one event 1 of 1, follow-ups 0 of 1, wrong merges 0 of 1; 1 missing"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
	for _, bad := range [][]string{{"--merge", "--merge-thresholds", "0.4,x"}, {"--merge", "--merge-pairs", "../../eval/testdata/none.tsv"}, {"--merge", "--merge-pairs", "../../eval/testdata/merge/pairs.tsv", "--desk-audit", "../../eval/testdata/none.tsv"}} {
		if err := runEval(context.Background(), append([]string{"--data", "../../eval/testdata/merge"}, bad...), nil, &bytes.Buffer{}, &bytes.Buffer{}); err == nil {
			t.Errorf("runEval(%v) succeeded", bad)
		}
	}
}
