package eval

import (
	"bytes"
	"context"
	"maps"
	"strings"
	"testing"

	"newsdigest/digest"
)

func TestTopicCeiling(t *testing.T) {
	doc := func(outlet, topic string) TopicDoc { return TopicDoc{Outlet: outlet, Lang: "ar", Topic: topic} }
	tests := []struct {
		name               string
		docs               []TopicDoc
		alone              map[string]string
		unfolded, foldedTo float64
	}{
		{"every topic in two outlets", []TopicDoc{doc("A", "sport"), doc("B", "sport"), doc("A", "economy"), doc("B", "economy")},
			map[string]string{}, 1, 1},
		{"health in one outlet", []TopicDoc{doc("A", "sport"), doc("B", "sport"), doc("A", "economy"), doc("B", "economy"), doc("C", "health")},
			map[string]string{"health": "C"}, 2.0 / 3, 2.0 / 3},
		{"regions split between outlets fold into one learnable class",
			[]TopicDoc{doc("A", "sport"), doc("B", "sport"), doc("A", "world"), doc("B", "middle-east")},
			map[string]string{"world": "A", "middle-east": "B"}, 1.0 / 3, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := topicCeiling(tt.docs)
			if !maps.Equal(c.OneOutlet, tt.alone) {
				t.Errorf("topics of one outlet %v, want %v", c.OneOutlet, tt.alone)
			}
			if diff := c.Unfolded - tt.unfolded; diff > 1e-9 || diff < -1e-9 {
				t.Errorf("unfolded ceiling %.4f, want %.4f", c.Unfolded, tt.unfolded)
			}
			if diff := c.Folded - tt.foldedTo; diff > 1e-9 || diff < -1e-9 {
				t.Errorf("folded ceiling %.4f, want %.4f", c.Folded, tt.foldedTo)
			}
		})
	}
}

// The ceiling bounds what the evaluation prints: culture is outlet D's
// alone, so its F1 is 0 and the pooled macro-F1 is at most 2/3.
func TestCeilingBoundsLeaveOneOutletOut(t *testing.T) {
	p := TopicParams{Alpha: 0.1, Prior: 1, TrainOptions: digest.TrainOptions{MinDocs: 1, MinSources: 2}}
	rep, err := EvaluateTopics(context.Background(), looDocs(), TopicOptions{Params: p})
	if err != nil {
		t.Fatal(err)
	}
	en := rep.Langs[0]
	if en.Ceiling.OneOutlet["culture"] != "D" || len(en.Ceiling.OneOutlet) != 1 {
		t.Fatalf("topics of one outlet %v, want culture (D)", en.Ceiling.OneOutlet)
	}
	if got := en.Pooled.MacroF1(); got > en.Ceiling.Unfolded+1e-9 {
		t.Errorf("pooled macro-F1 %.4f above its ceiling %.4f", got, en.Ceiling.Unfolded)
	}
	var out bytes.Buffer
	rep.Write(&out)
	if want := "ceiling (en): topics only one outlet labels, so no fold trains on them: culture (D); macro-F1 at most 0.6667 unfolded, 0.6667 folded"; !strings.Contains(out.String(), want) {
		t.Errorf("report lacks %q:\n%s", want, out.String())
	}
}
