package digest

import (
	"math/bits"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/cespare/xxhash/v2"
)

// Boilerplate is what outlets repeat across their articles: related-story
// teasers, "follow us" lines, photo credits, a trailing block of teasers
// from other stories. It is not content, so the engine drops it before
// summarising, clustering and classifying (Engine.clusters).
//
// It is learned from the stream, per source, not from a hand list: a
// paragraph is boilerplate for a source when it occurs (after Normalize,
// punctuation ignored) in at least BoilerplateMinArticles distinct articles
// of that source published within BoilerplateWindow of each other. Copies of
// one report (the same text, or a near-identical title) count once, so a
// story filed twice or updated under the same headline does not lose its
// lead paragraph. An article is never emptied: if every paragraph is
// repeated, it is kept whole.
//
// Stories and Annotate learn from the articles they are given. A caller
// with a longer history (the store's last days) can build a Boilerplate
// from it with LearnBoilerplate and Add, and Strip articles itself.
type Boilerplate struct {
	seen map[bpKey][]bpArticle // (source, paragraph) → the articles it occurs in
	mem  *bpMemory             // the engine's multi-day memory, read-locked by the caller; nil = none
}

// Learning parameters: "seen in ≥ 3 distinct articles within a week".
const (
	BoilerplateMinArticles = 3
	BoilerplateWindow      = 7 * 24 * time.Hour
	// sameTitle: title word Jaccard at or above which two articles are one report.
	sameTitle = 0.5
)

type bpKey struct {
	source string
	para   uint64
}

// bpArticle is what the learner keeps of one article a paragraph occurs in.
type bpArticle struct {
	text  uint64 // textKey of the whole text: copies count once
	title string // "" for a remembered report (the memory keeps only bits)
	bits  uint64 // titleBits of a remembered report's title (a call's are computed when compared with one)
	at    time.Time
}

func (o bpArticle) titleBits() uint64 {
	if o.title != "" {
		return titleBits(o.title)
	}
	return o.bits
}

// textKey identifies an article's text for the copy rule (32 bits, as the
// multi-day memory keeps it).
func textKey(text string) uint64 { return uint64(uint32(wholeTextHash(text))) }

// wholeTextHash hashes an article's whole text. It is xxHash, not the
// FNV-1a of hashString: FNV takes a multiply per byte, and hashing every
// article's text twice a call (the copy rule and columnTitles) was 3 % of
// a cold Stories; xxHash reads eight bytes a step. Only equality is asked
// of it, within one process.
func wholeTextHash(text string) uint64 { return xxhash.Sum64String(text) }

// titleBits is a title's words as a 64-bit set (a bit per word hash), so
// that the copy rule compares titles without keeping them: two different
// titles of ten words share about one bit by chance.
func titleBits(title string) uint64 {
	var set uint64
	for _, w := range Words(title) {
		set |= 1 << (hashString(w) % 64)
	}
	return set
}

// titleJaccard estimates the word Jaccard of two titles from their bits
// (0 when either has none).
func titleJaccard(a, b uint64) float64 {
	if a == 0 || b == 0 {
		return 0
	}
	return float64(bits.OnesCount64(a&b)) / float64(bits.OnesCount64(a|b))
}

// LearnBoilerplate learns the repeated paragraphs of arts.
func LearnBoilerplate(arts []Article) *Boilerplate {
	b := &Boilerplate{seen: map[bpKey][]bpArticle{}}
	b.Add(arts...)
	return b
}

// Add learns from more articles.
func (b *Boilerplate) Add(arts ...Article) {
	for _, a := range arts {
		b.add(a, paraHashes(a.Text))
	}
}

// add learns one article whose paragraph hashes are known (0: no words).
func (b *Boilerplate) add(a Article, hs []uint64) {
	me := bpArticle{text: textKey(a.Text), title: a.Title, at: a.Published}
	for i, h := range hs {
		if h == 0 || slices.Contains(hs[:i], h) {
			continue // a paragraph repeated inside one article counts once
		}
		k := bpKey{a.Source, h}
		b.seen[k] = append(b.seen[k], me)
	}
}

// learnHashes learns arts whose paragraph hashes (paraHashes) are known,
// so that stripping them (stripHashed) does not hash every paragraph again.
func learnHashes(arts []Article, all [][]uint64) *Boilerplate {
	b := &Boilerplate{seen: map[bpKey][]bpArticle{}}
	for i, a := range arts {
		b.add(a, all[i])
	}
	return b
}

// columnTitles learns, like the paragraphs, the titles that name an
// outlet's column or section rather than a report («راى الاهرام», «وجهة
// نظر», "Opinion"): carried by at least BoilerplateMinArticles articles of
// one source with different texts. Such a title tells a reader nothing and
// makes every one of the column's pieces look alike to merging, so the
// engine treats those articles as untitled (a headline is derived).
func columnTitles(arts []Article) map[bpKey]bool {
	texts := map[bpKey][]uint64{}
	var out map[bpKey]bool
	for _, a := range arts {
		h, ok := titleHash(a.Title)
		if !ok {
			continue
		}
		k := bpKey{a.Source, h}
		seen := texts[k]
		if len(seen) >= BoilerplateMinArticles {
			continue
		}
		if th := wholeTextHash(a.Text); !slices.Contains(seen, th) {
			texts[k] = append(seen, th)
			if len(texts[k]) == BoilerplateMinArticles {
				if out == nil {
					out = map[bpKey]bool{}
				}
				out[k] = true
			}
		}
	}
	return out
}

// titleHash is paraHash of a title without a part number ending it
// («راى الاهرام (2)» is the column «راى الاهرام»).
func titleHash(title string) (uint64, bool) {
	t := strings.TrimSpace(title)
	if i := strings.LastIndexByte(t, '('); i > 0 && strings.HasSuffix(t, ")") && isDigits(t[i+1:len(t)-1]) {
		t = t[:i]
	}
	return paraHash(t)
}

func isDigits(s string) bool {
	return s != "" && strings.Trim(s, "0123456789") == ""
}

// paraHashes hashes each line of text (0 for a line without words).
func paraHashes(text string) []uint64 {
	var hs []uint64
	for p := range strings.SplitSeq(text, "\n") {
		h, _ := paraHash(p)
		hs = append(hs, h)
	}
	return hs
}

// Strip returns a without its boilerplate paragraphs; the paragraphs kept
// are a subsequence of a's, in order. a is returned unchanged when nothing
// is boilerplate or when nothing with a word would be left.
func (b *Boilerplate) Strip(a Article) Article {
	if b == nil || len(b.seen) == 0 && b.mem == nil {
		return a
	}
	return b.stripHashed(a, paraHashes(a.Text))
}

// stripHashed is Strip with a's paragraph hashes known.
func (b *Boilerplate) stripHashed(a Article, hs []uint64) Article {
	if !b.anyRepeated(a.Source, hs) {
		return a
	}
	paras := strings.Split(a.Text, "\n")
	keep := make([]string, 0, len(paras))
	var occ []bpArticle // scratch for repeated
	self := bpArticle{text: textKey(a.Text), title: a.Title, at: a.Published}
	dropped, worded := false, false
	for i, p := range paras {
		if h := hs[i]; h != 0 && b.repeated(bpKey{a.Source, h}, self, &occ) {
			dropped = true
			continue
		}
		keep = append(keep, p)
		worded = worded || strings.ContainsFunc(p, unicode.IsLetter)
	}
	if !dropped || !worded {
		return a
	}
	a.Text = strings.Join(keep, "\n")
	return a
}

// anyRepeated is the cheap test before Strip does any work: does one of
// the paragraphs occur in enough articles at all?
func (b *Boilerplate) anyRepeated(source string, hs []uint64) bool {
	var src uint64
	if b.mem != nil {
		src = hashString(source)
	}
	for _, h := range hs {
		if h == 0 {
			continue
		}
		n := len(b.seen[bpKey{source, h}])
		if b.mem != nil {
			n += b.mem.count(mix(src, h))
		}
		if n >= BoilerplateMinArticles-1 {
			return true
		}
	}
	return false
}

// repeated reports whether the paragraph k occurs in at least
// BoilerplateMinArticles distinct reports within the window of self
// (self counting as one), among the articles learnt in this call and the
// remembered ones. scratch is reused between calls.
func (b *Boilerplate) repeated(k bpKey, self bpArticle, scratch *[]bpArticle) bool {
	occ := b.seen[k]
	if b.mem != nil {
		occ = b.mem.occurrences(memKey(k.source, k.para), append((*scratch)[:0], occ...))
		*scratch = occ
	}
	if len(occ) < BoilerplateMinArticles-1 {
		return false // the common case: a paragraph seen once
	}
	reps := []bpArticle{self}
	words := map[string]map[string]bool{}
	for _, o := range occ {
		if !withinWindow(o.at, self.at) || !distinct(o, reps, words) {
			continue
		}
		if reps = append(reps, o); len(reps) >= BoilerplateMinArticles {
			return true
		}
	}
	return false
}

// withinWindow: an unknown time (zero) is within any window.
func withinWindow(a, b time.Time) bool {
	if a.IsZero() || b.IsZero() {
		return true
	}
	d := a.Sub(b)
	return d <= BoilerplateWindow && d >= -BoilerplateWindow
}

// distinct reports whether o is a report of its own, not a copy or an
// update of one of reps (same text, or titles sharing half their words:
// counted on the words when both titles are known, estimated from their
// bits for a remembered report).
func distinct(o bpArticle, reps []bpArticle, words map[string]map[string]bool) bool {
	set := func(title string) map[string]bool {
		if w, ok := words[title]; ok {
			return w
		}
		w := setOf(Words(title))
		words[title] = w
		return w
	}
	for _, r := range reps {
		j := 0.0
		if o.title != "" && r.title != "" {
			j = setJaccard(set(o.title), set(r.title))
		} else {
			j = titleJaccard(o.titleBits(), r.titleBits())
		}
		if o.text == r.text || j >= sameTitle {
			return false
		}
	}
	return true
}

// folded is foldRune's answer for one rune, and whether the folded rune
// belongs to a word (a letter or digit).
type folded struct {
	r          rune
	keep, word bool
}

// foldTableSize covers ASCII, Latin-1 and the Arabic block, nearly every
// rune of the news the bot reads.
const foldTableSize = 0x700

// foldTable holds foldOf for the runes below foldTableSize, computed once
// from foldRune and the unicode tables and never written again: hashing
// paragraphs asked the unicode tables twice per rune, a quarter of
// stripping's cost.
var foldTable = func() (t [foldTableSize]folded) {
	for r := range rune(foldTableSize) {
		t[r] = foldSlow(r)
	}
	return t
}()

// foldOf is foldRune with the word test, from foldTable where it can.
func foldOf(r rune) folded {
	if r >= 0 && r < foldTableSize {
		return foldTable[r]
	}
	return foldSlow(r)
}

func foldSlow(r rune) folded {
	r2, keep := foldRune(r)
	return folded{r: r2, keep: keep, word: keep && (unicode.IsLetter(r2) || unicode.IsDigit(r2))}
}

// paraHash hashes a paragraph's normalised words (Normalize folding,
// punctuation and spacing ignored) with FNV-1a (fnvAdd's) over the folded runes,
// without building strings; ok is false (and h 0) for a paragraph without
// a letter or digit. Written out rather than via hash/fnv: the interface
// call per rune was a tenth of Stories' time.
func paraHash(p string) (h uint64, ok bool) {
	h = fnvOffset
	gap := false
	for i := 0; i < len(p); {
		r, n := decodeShort(p, i) // as range decodes, without its call per Arabic rune
		if n == 0 {
			r, n = utf8.DecodeRuneInString(p[i:])
		}
		i += n
		f := foldOf(r)
		if !f.keep {
			continue
		}
		if !f.word {
			gap = ok
			continue
		}
		r2 := f.r
		if gap {
			h = (h ^ ' ') * fnvPrime
			gap = false
		}
		h = (h ^ uint64(r2)) * fnvPrime
		ok = true
	}
	if !ok || h == 0 {
		return 0, false
	}
	return h, true
}
