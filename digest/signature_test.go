package digest

import (
	"math"
	"strings"
	"testing"
)

// signatureReference is the MinHash newSignature computes, written as its
// definition: for each bigram of stems, hashed as one string and mixed,
// each of the 64 hash functions perm(k, ·) keeps its least value.
func signatureReference(stems []string) (mins [minhashSize]uint64, empty bool) {
	for k := range mins {
		mins[k] = math.MaxUint64
	}
	if len(stems) < 2 {
		return mins, true
	}
	for i := 0; i+1 < len(stems); i++ {
		x := mixFinal(hashString(stems[i] + " " + stems[i+1]))
		for k := range mins {
			mins[k] = min(mins[k], perm(k, x))
		}
	}
	return mins, false
}

func checkSignature(t *testing.T, stems []string) {
	t.Helper()
	want, empty := signatureReference(stems)
	if got := newSignature(stems); got.min != want || got.empty != empty {
		t.Fatalf("newSignature(%q) = %x (empty %v), want %x (empty %v)", stems, got.min, got.empty, want, empty)
	}
}

// Story IDs and merges hang on the signature's values: the fast loop must
// give the definition's, bit for bit, on real articles' stems.
func TestSignatureIsTheDefinitionsOnRealArticles(t *testing.T) {
	st := newStemmer()
	for _, f := range []string{"ar/saudinewsnet2015.jsonl", "ar/newscred2013.jsonl", "en/newscred2013.jsonl"} {
		for _, a := range sharedArticles(t, f, 300) {
			checkSignature(t, st.terms(a.Title+"\n"+a.Text))
		}
	}
}

func TestSignatureEdges(t *testing.T) {
	long := strings.Fields(strings.Repeat("كلمة أخرى ثالثة word ", 300)) // more bigrams than the stack buffer
	for _, stems := range [][]string{nil, {"one"}, {"a", "b"}, {"", ""}, {"a", "a", "a"}, long} {
		checkSignature(t, stems)
	}
}

func FuzzSignature(f *testing.F) {
	f.Add("الحكومة تعلن خطة جديدة")
	f.Add("council pass budget council pass")
	f.Add(" \xff\x00 x")
	f.Fuzz(func(t *testing.T, s string) {
		checkSignature(t, strings.Split(s, " "))
	})
}

// The signature estimates the Jaccard similarity of two texts' bigram
// sets, which merging thresholds (mergeJaccard) rest on: with 64
// independent hash functions the estimate's standard error is at most
// 1/16. Over real articles and rewrites of them that keep a share of
// their stems (from near-copies to unrelated texts), the estimates must
// be unbiased and that close; 64 hash functions that ordered the bigrams
// alike would err by a third on average.
func TestSignatureEstimatesJaccard(t *testing.T) {
	st := newStemmer()
	arts := sharedArticles(t, "ar/saudinewsnet2015.jsonl", 240)
	var sumErr, sumAbs float64
	pairs := 0
	for i := 0; i+1 < len(arts); i += 2 {
		a := st.terms(arts[i].Title + "\n" + arts[i].Text)
		other := st.terms(arts[i+1].Title + "\n" + arts[i+1].Text)
		if len(a) < 40 || len(other) < 40 {
			continue
		}
		keep := float64(pairs%10) / 9 // 0, 1/9, …, 1 of a's stems kept
		b := append([]string(nil), a...)
		for k := range b {
			if float64((k*7919)%1000)/1000 >= keep {
				b[k] = other[k%len(other)]
			}
		}
		sa, sb := newSignature(a), newSignature(b)
		err := sa.jaccard(&sb) - bigramJaccard(a, b)
		sumErr += err
		sumAbs += math.Abs(err)
		pairs++
	}
	if pairs < 80 {
		t.Fatalf("only %d pairs", pairs)
	}
	if bias, mae := sumErr/float64(pairs), sumAbs/float64(pairs); math.Abs(bias) > 0.02 || mae > 0.05 {
		t.Fatalf("over %d pairs the estimate errs by %.3f on average (bias %.3f), want ≤ 0.05 (bias ≤ 0.02)", pairs, mae, bias)
	}
}

// bigramJaccard is the exact Jaccard similarity of two texts' sets of
// stem bigrams.
func bigramJaccard(a, b []string) float64 {
	set := func(s []string) map[string]bool {
		m := map[string]bool{}
		for i := 0; i+1 < len(s); i++ {
			m[s[i]+" "+s[i+1]] = true
		}
		return m
	}
	return setJaccard(set(a), set(b))
}
