package digest

import (
	"math"
	"strings"
	"testing"
)

// signatureReference is the MinHash newSignature computes, written as its
// definition: for each bigram of stems, hashed as one string, each of the
// 64 hash functions mix(·, k) keeps its least value.
func signatureReference(stems []string) (mins [minhashSize]uint64, empty bool) {
	for k := range mins {
		mins[k] = math.MaxUint64
	}
	if len(stems) < 2 {
		return mins, true
	}
	for i := 0; i+1 < len(stems); i++ {
		h := hashString(stems[i] + " " + stems[i+1])
		for k := range mins {
			mins[k] = min(mins[k], mix(h, uint64(k)))
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
