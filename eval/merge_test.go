package eval

import (
	"context"
	"errors"
	"strings"
	"testing"

	"newsdigest/digest"
	"newsdigest/internal/shareddata"
)

func TestReadMergePairs(t *testing.T) {
	pairs, err := ReadMergePairs(strings.NewReader("# comment\n\na\tb\tsame\tone event\nc\td\tdiff\n"))
	if err != nil || len(pairs) != 2 || pairs[0] != (MergePair{"a", "b", "same", "one event"}) || pairs[1].Label != LabelDiff {
		t.Fatalf("pairs = %+v, %v", pairs, err)
	}
	for _, bad := range []string{"a\tb\n", "a\tb\tmaybe\n", "\tb\tsame\n"} {
		if _, err := ReadMergePairs(strings.NewReader(bad)); !errors.Is(err, ErrBadPairs) || !strings.Contains(err.Error(), "line 1") {
			t.Errorf("ReadMergePairs(%q) err = %v, want ErrBadPairs naming line 1", bad, err)
		}
	}
}

func TestEvaluateMergeScoresPairsAndDesks(t *testing.T) {
	pairs, err := LoadMergePairs("testdata/merge/pairs.tsv")
	if err != nil {
		t.Fatal(err)
	}
	// the quake pair again, as a follow-up: a related pair in one story
	pairs = append(pairs, MergePair{A: "q2", B: "q1", Label: LabelRelated})
	audit, err := LoadMergePairs("testdata/merge/audit.tsv")
	if err != nil {
		t.Fatal(err)
	}
	rep, err := EvaluateMerge(context.Background(), "testdata/merge", pairs, []float64{digest.DefaultMergeThreshold + 2}, 5, audit)
	if err != nil {
		t.Fatal(err)
	}
	// at the default, the quake's reports are one story; the matches and
	// oil/rates are not
	if want := (DeskAudit{Same: 1, SameMerged: 1, Related: 1, Diff: 1, Missing: 1}); rep.Audit == nil || *rep.Audit != want {
		t.Errorf("desk audit = %+v, want %+v", rep.Audit, want)
	}
	if rep.Pairs != 6 || rep.Scored != 3 || rep.Missing != 1 || len(rep.Runs) != 2 {
		t.Fatalf("report = %+v", rep)
	}
	for k, r := range rep.Runs {
		want := PairCounts{TP: 1, TN: 2}
		if k == 1 { // a threshold nothing reaches
			want = PairCounts{FN: 1, TN: 2}
		}
		var all PairCounts
		for _, h := range []MergeHalf{r.Tune, r.Test} {
			all.TP += h.All.TP
			all.FP += h.All.FP
			all.FN += h.All.FN
			all.TN += h.All.TN
		}
		if all != want {
			t.Errorf("threshold %.2f: counts %+v, want %+v", r.Threshold, all, want)
		}
		// the quake's two reports, also listed as related, are one story at
		// the default; the rail line and the storm never are
		related, merged := r.Tune.Related+r.Test.Related, r.Tune.RelatedMerged+r.Test.RelatedMerged
		if wantMerged := 1 - k; related != 2 || merged != wantMerged {
			t.Errorf("threshold %.2f: related pairs %d, %d of them in one story; want 2, %d", r.Threshold, related, merged, wantMerged)
		}
	}
	if rep.Desks.Merged != 1 || rep.Desks.Mixed != 1 || rep.Desks.Combos["science+world"] != 1 {
		t.Errorf("desks = %+v, want the quake story counted as mixed science+world", rep.Desks)
	}
	if len(rep.Desks.Sample) != 1 || len(rep.Desks.Sample[0].Members) != 2 || !strings.Contains(strings.Join(rep.Desks.Sample[0].Members, "\n"), "BBC science | Strong quake shakes") {
		t.Errorf("desk sample = %+v, want the quake story with its two members' outlet, desk and title", rep.Desks.Sample)
	}
	var out strings.Builder
	rep.Write(&out)
	for _, want := range []string{"6 labelled pairs (3 scored same/diff, 2 related not scored, 1 missing", "(default)", "related pairs (follow-ups, not scored) in one story at the default", "science+world", "[1] science+world (2 articles)", "still in one story: one event 1 of 1, follow-ups 0 of 1, wrong merges 0 of 1; 1 missing"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("report lacks %q:\n%s", want, out.String())
		}
	}
}

// maxAuditFollowUps and maxAuditSplit are the desk audit as the engine
// stands: follow-up pairs still in one story, one-event pairs split.
const (
	maxAuditFollowUps = 7
	maxAuditSplit     = 0
)

// TestMergeTargets checks the target on the test half of the
// labelled pairs: cross-outlet recall ≥ 0.75 at precision ≥ 0.95 (skipped
// without the shared data, in -short and under -race).
func TestMergeTargets(t *testing.T) {
	if testing.Short() || raceOn {
		t.Skip("clusters ~12,000 multi-outlet articles (run without -short and -race)")
	}
	dir := shareddata.Path(t, "news-multi-outlet", "ar")
	pairs, err := LoadMergePairs("../" + MergePairsFile)
	if err != nil {
		t.Fatal(err)
	}
	audit, err := LoadMergePairs("../" + DeskAuditFile)
	if err != nil {
		t.Fatal(err)
	}
	rep, err := EvaluateMerge(context.Background(), dir, pairs, nil, 0, audit)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Missing > 0 || len(rep.Runs) != 1 || rep.Runs[0].Threshold != digest.DefaultMergeThreshold {
		t.Fatalf("report = %+v", rep)
	}
	x := rep.Runs[0].Test.Cross
	if x.Precision() < 0.95 || x.Recall() < 0.75 {
		t.Errorf("test half, cross-outlet: precision %.3f recall %.3f (%+v); targets 0.95 and 0.75", x.Precision(), x.Recall(), x)
	}
	// The hand audit of mixed-desk stories (docs/EVALUATION.md, fourth
	// audit): its follow-ups may not come back into one story, nor may the
	// stories judged one event fall apart more than they did.
	if a := rep.Audit; a.Missing > 0 || a.RelatedMerged > maxAuditFollowUps || a.DiffMerged > 0 || a.Same-a.SameMerged > maxAuditSplit {
		t.Errorf("desk audit %+v: want no pair missing, at most %d follow-up pairs in one story, no wrong merge, at most %d one-event pairs split", *a, maxAuditFollowUps, maxAuditSplit)
	}
}
