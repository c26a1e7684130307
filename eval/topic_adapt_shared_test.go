package eval

import (
	"context"
	"testing"

	"newsdigest/internal/shareddata"
)

// On the real English outlets (AG News, Ahram Online, BBC), each held out in turn, the classifier adapted to
// the held-out outlet's articles (windows of 200, as a push reads a feed)
// files them better than the model trained without it alone: the other
// outlet's desks use other words for the same topics.
func TestAdaptationLiftsHeldOutOutlets(t *testing.T) {
	sets, err := LoadDir(context.Background(), shareddata.Dir(t))
	if err != nil {
		t.Fatal(err)
	}
	all, err := TopicDocs(context.Background(), sets, false)
	if err != nil {
		t.Fatal(err)
	}
	var docs []TopicDoc // English: AG News, Ahram Online, BBC
	for _, d := range all {
		if d.Lang == "en" {
			docs = append(docs, d)
		}
	}
	p := DefaultTopicParams()
	p.Temps = map[string]float64{"en": 2.5}
	rep, err := EvaluateTopics(context.Background(), docs, TopicOptions{Params: p, Sample: 1000})
	if err != nil {
		t.Fatal(err)
	}
	en := rep.Langs[0]
	adapted, alone := en.Pooled.MacroF1(), en.Unadapted.MacroF1()
	t.Logf("pooled macro-F1: adapted %.4f, model alone %.4f (%d articles)", adapted, alone, en.Total)
	if adapted < alone+0.03 {
		t.Errorf("adapted macro-F1 %.4f, the model alone %.4f: want at least 0.03 more", adapted, alone)
	}
}
