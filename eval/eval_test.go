package eval

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"newsdigest/digest"
	"newsdigest/internal/shareddata"
)

func TestLoadDirFindsBothFormats(t *testing.T) {
	sets, err := LoadDir(context.Background(), "testdata/data")
	if err != nil {
		t.Fatal(err)
	}
	if len(sets) != 2 || sets[0].Name != "arabic" || sets[1].Name != "english" {
		t.Fatalf("data sets = %+v, want arabic and english (the JSON feed file skipped)", sets)
	}
	ar, en := sets[0].Records, sets[1].Records
	if len(ar) != 4 || ar[0].Lang != "ar" || ar[0].Reference == "" || ar[0].Published.IsZero() {
		t.Errorf("arabic records = %+v", ar)
	}
	tests := []struct {
		got, want time.Time
	}{
		{ar[0].Published, time.Date(2017, 1, 20, 20, 43, 0, 0, time.UTC)},
		{ar[1].Published, time.Date(2017, 1, 20, 0, 0, 0, 0, time.UTC)},
		{ar[2].Published, time.Date(2017, 1, 21, 10, 15, 0, 0, time.UTC)},
		{ar[3].Published, time.Time{}},
	}
	for i, tt := range tests {
		if !tt.got.Equal(tt.want) {
			t.Errorf("record %d published %v, want %v", i, tt.got, tt.want)
		}
	}
	b := en[1]
	if b.Lang != "en" || b.Title != "Bank raises interest rates" || b.Reference == "" {
		t.Errorf("english record = %+v", b)
	}
	// paragraphs become lines, sentence lines of one paragraph are joined
	wantText := "The central bank raised interest rates by a quarter point on Thursday.\nMr. Smith, the governor, said inflation was 3.5% in the U.S. last year. Shares fell."
	if b.Text != wantText {
		t.Errorf("english body = %q, want %q", b.Text, wantText)
	}
}

func TestLoadDirErrors(t *testing.T) {
	if _, err := LoadDir(context.Background(), "testdata/data/other"); !errors.Is(err, ErrNoData) {
		t.Errorf("folder without data sets: err = %v, want ErrNoData", err)
	}
	if _, err := LoadDir(context.Background(), "testdata/missing"); err == nil {
		t.Error("missing folder accepted")
	}
	_, err := ReadRecords(context.Background(), strings.NewReader("{\"id\":\"a\",\"text\":\"x\"}\n{broken\n"))
	if err == nil || !strings.Contains(err.Error(), "line 2") {
		t.Errorf("broken line: err = %v, want one naming line 2", err)
	}
}

func TestHeldOutIsStableAndKeepsDuplicatesTogether(t *testing.T) {
	a := Record{ID: "a", Text: "نص  الخبر\nالفقرة الثانية"}
	b := Record{ID: "b", Text: "نص الخبر الفقرة  الثانية"} // same words, other spacing and ID
	if HeldOut(a) != HeldOut(b) {
		t.Error("identical bodies split across train and test")
	}
	n := 0
	for i := range 1000 {
		if HeldOut(Record{Text: strings.Repeat("x ", i+1)}) {
			n++
		}
	}
	if n < 250 || n > 350 {
		t.Errorf("held out %d of 1000, want about %d%%", n, HeldOutPercent)
	}
}

func TestEvaluateSmallSet(t *testing.T) {
	rep, err := Evaluate(context.Background(), "testdata/data", 0)
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	rep.Write(&out)
	for _, want := range []string{"== arabic: 4 records", "== english: 2 records", "Clustering (all 4 records", "identical-text pairs merged: 1/1"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("report lacks %q:\n%s", want, out.String())
		}
	}
}

// TestEmbeddedModelKnowsEveryOutlet checks that the shipped model was
// trained on every set of the shared data (skipped without it): on a sample
// of each outlet's articles (training data, so this is no quality figure:
// those come from EvaluateTopics) it finds the outlet's topics.
func TestEmbeddedModelKnowsEveryOutlet(t *testing.T) {
	dir := shareddata.Dir(t)
	sets, err := LoadDir(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	model, err := digest.EmbeddedModel()
	if err != nil {
		t.Fatal(err)
	}
	per := map[string]int{}
	conf := map[string]*Confusion{"ar": NewConfusion(), "en": NewConfusion()}
	for _, ds := range sets {
		for _, r := range ds.Records {
			if Topic(r) == "" || (r.Lang != "ar" && r.Lang != "en") || per[r.Source+ds.Name] >= 30 {
				continue
			}
			per[r.Source+ds.Name]++
			pred := "none"
			if ts := model.Classify(r.Lang, r.Title+"\n"+r.Text); len(ts) > 0 {
				pred = ts[0].ID
			}
			conf[r.Lang].Add(Topic(r), pred)
		}
	}
	for lang, c := range conf {
		if f1 := c.MacroF1(); f1 < 0.6 {
			t.Errorf("%s: embedded model macro-F1 %.3f on its own training outlets", lang, f1)
		}
	}
}
