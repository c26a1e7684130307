package eval

import (
	"math"
	"testing"
)

// Expected values are computed by hand (see the comment of each case).
func TestRouge(t *testing.T) {
	tests := []struct {
		name       string
		cand, ref  string
		r1, r2, rl Score
	}{
		{
			// unigrams: the×2 cat on mat shared = 5 of 6 each; bigrams: the-cat on-the the-mat = 3 of 5;
			// LCS "the cat on the mat" = 5
			name: "english", cand: "The cat sat on the mat.", ref: "the cat was on the mat",
			r1: Score{5.0 / 6, 5.0 / 6, 5.0 / 6}, r2: Score{0.6, 0.6, 0.6}, rl: Score{5.0 / 6, 5.0 / 6, 5.0 / 6},
		},
		{
			// إن and ان fold together; shared unigrams قالت ان العراق يريد = 4 of 6;
			// bigrams ان-العراق العراق-يريد = 2 of 5; LCS = 4
			name: "arabic", cand: "قالت المصادر إن العراق يريد الانسحاب", ref: "قالت مصادر عراقية إن العراق يريد",
			r1: Score{4.0 / 6, 4.0 / 6, 4.0 / 6}, r2: Score{0.4, 0.4, 0.4}, rl: Score{4.0 / 6, 4.0 / 6, 4.0 / 6},
		},
		{
			// clipping: "the" counts once; P = 1/3, R = 1/2, F = 2·(1/6)/(5/6) = 0.4; no shared bigram;
			// LCS 1
			name: "clipped counts", cand: "the the the", ref: "the cat",
			r1: Score{1.0 / 3, 0.5, 0.4}, r2: Score{}, rl: Score{1.0 / 3, 0.5, 0.4},
		},
		{
			// LCS is order-sensitive where unigrams are not: "b c a" vs "a b c" → LCS "b c" = 2
			name: "order", cand: "b c a", ref: "a b c",
			r1: Score{1, 1, 1}, r2: Score{0.5, 0.5, 0.5}, rl: Score{2.0 / 3, 2.0 / 3, 2.0 / 3},
		},
		{name: "empty candidate", cand: "", ref: "a b", r1: Score{}, r2: Score{}, rl: Score{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, r := Tokens(tt.cand), Tokens(tt.ref)
			check(t, "ROUGE-1", RougeN(c, r, 1), tt.r1)
			check(t, "ROUGE-2", RougeN(c, r, 2), tt.r2)
			check(t, "ROUGE-L", RougeL(c, r), tt.rl)
		})
	}
}

func check(t *testing.T, name string, got, want Score) {
	t.Helper()
	if math.Abs(got.P-want.P) > 1e-9 || math.Abs(got.R-want.R) > 1e-9 || math.Abs(got.F-want.F) > 1e-9 {
		t.Errorf("%s = %+v, want %+v", name, got, want)
	}
}

func TestConfusion(t *testing.T) {
	c := NewConfusion()
	// gold sport ×3 (one predicted world), world ×1, culture ×1 (predicted sport)
	for _, p := range [][2]string{{"sport", "sport"}, {"sport", "sport"}, {"sport", "world"}, {"world", "world"}, {"culture", "sport"}} {
		c.Add(p[0], p[1])
	}
	// sport: tp 2, fp 1, fn 1 → F1 2/3; world: tp 1, fp 1, fn 0 → 2/3; culture: 0
	if got := c.Accuracy(); math.Abs(got-0.6) > 1e-9 {
		t.Errorf("accuracy = %v, want 0.6", got)
	}
	if got, want := c.MacroF1(), (2.0/3+2.0/3+0)/3; math.Abs(got-want) > 1e-9 {
		t.Errorf("macro-F1 = %v, want %v", got, want)
	}
	if got := c.F1("sport"); math.Abs(got-2.0/3) > 1e-9 {
		t.Errorf("F1(sport) = %v", got)
	}
}
