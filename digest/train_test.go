package digest

import "testing"

// TestOneOutletRuleNeedsThreeOutlets: a word only one outlet uses is dropped
// when at least three outlets train, and kept when fewer do (with two, the
// rule would keep only the words both share).
func TestOneOutletRuleNeedsThreeOutlets(t *testing.T) {
	doc := func(source, topic, text string) LabeledDoc {
		return LabeledDoc{Lang: "en", Topic: topic, Text: text, Source: source}
	}
	docs := []LabeledDoc{
		doc("agency", "sport", "The striker scored a goal in the derby."),
		doc("agency", "economy", "The bank raised rates."),
		doc("paper", "sport", "A late goal won the match."),
		doc("paper", "economy", "The bank warned on inflation."),
		doc("radio", "sport", "The coach praised the match."),
		doc("radio", "economy", "Inflation hit the market."),
	}
	stem := func(w string) string { return Terms(w)[0] }
	tests := []struct {
		name       string
		docs       []LabeledDoc
		minSources int
		leaveOut   string
		word       string
		kept       bool
	}{
		{"three outlets drop a one-outlet word", docs, 2, "", "derby", false},
		{"three outlets keep a two-outlet word", docs, 2, "", "goal", true},
		{"a fold of two outlets keeps a one-outlet word", docs, 2, "radio", "derby", true},
		{"a fold of two outlets keeps a word of the other", docs, 2, "paper", "derby", true},
		{"two outlets in all keep a one-outlet word", docs[:4], 2, "", "derby", true},
		{"min-sources 1 keeps every word", docs, 1, "", "derby", true},
		{"a word of the held-out outlet only is never kept", docs, 2, "agency", "derby", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := NewTopicTrainer(tt.docs, TrainOptions{MinDocs: 1, MinSources: tt.minSources}).Train(tt.leaveOut)
			if err != nil {
				t.Fatal(err)
			}
			if _, ok := m.Langs["en"].FeatureCounts(stem(tt.word)); ok != tt.kept {
				t.Errorf("%q kept = %v, want %v", tt.word, ok, tt.kept)
			}
		})
	}
}
