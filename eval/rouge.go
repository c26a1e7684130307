package eval

import "newsdigest/digest"

// ROUGE (Lin, 2004) is computed here because no maintained Go library
// exists. Tokens are digest.Words: normalised (Arabic letter forms unified,
// tashkeel removed, lower-cased), punctuation dropped, stop words kept and
// no stemming — the settings of the original ROUGE-1.5.5 without -m.

// Score is precision, recall and F1 of one comparison.
type Score struct {
	P, R, F float64
}

func prf(overlap, candN, refN int) Score {
	if overlap == 0 || candN == 0 || refN == 0 {
		return Score{}
	}
	p, r := float64(overlap)/float64(candN), float64(overlap)/float64(refN)
	return Score{P: p, R: r, F: 2 * p * r / (p + r)}
}

// Tokens splits text into ROUGE tokens.
func Tokens(text string) []string { return digest.Words(text) }

// RougeN compares n-gram multisets (clipped counts) of a candidate and a
// reference summary.
func RougeN(cand, ref []string, n int) Score {
	cg, rg := ngrams(cand, n), ngrams(ref, n)
	overlap, candN, refN := 0, 0, 0
	for g, c := range cg {
		candN += c
		overlap += min(c, rg[g])
	}
	for _, c := range rg {
		refN += c
	}
	return prf(overlap, candN, refN)
}

func ngrams(toks []string, n int) map[string]int {
	m := map[string]int{}
	for i := 0; i+n <= len(toks); i++ {
		key := toks[i]
		for _, t := range toks[i+1 : i+n] {
			key += "\x00" + t
		}
		m[key]++
	}
	return m
}

// RougeL scores the longest common subsequence of the two token sequences
// (summary-level LCS over the whole texts, β = 1, i.e. the F1).
func RougeL(cand, ref []string) Score {
	return prf(lcs(cand, ref), len(cand), len(ref))
}

// lcs is the classic dynamic programme in O(len(a)·len(b)) time and
// O(len(b)) memory.
func lcs(a, b []string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for i := range a {
		for j := range b {
			switch {
			case a[i] == b[j]:
				cur[j+1] = prev[j] + 1
			case prev[j+1] >= cur[j]:
				cur[j+1] = prev[j+1]
			default:
				cur[j+1] = cur[j]
			}
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
