package digest

import (
	"hash/maphash"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	snowball "github.com/blevesearch/snowballstem"
	"github.com/blevesearch/snowballstem/arabic"
	"github.com/blevesearch/snowballstem/english"
)

// Normalize folds text for matching only (never for display): Arabic
// tashkeel, tatweel and Quranic marks are dropped, alef forms become ا,
// ى becomes ي and ة becomes ه, Arabic-Indic digits become ASCII, invisible
// format characters (bidi marks, ZWJ...) are dropped, and letters are
// lower-cased.
func Normalize(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		if r2, keep := foldRune(r); keep {
			b.WriteRune(r2)
		}
	}
	return b.String()
}

// foldRune maps one rune for matching; keep is false for runes to drop.
func foldRune(r rune) (out rune, keep bool) {
	switch {
	case r >= 0x064B && r <= 0x065F, r == 0x0670, r == 0x0640, r >= 0x06D6 && r <= 0x06ED:
		return 0, false // tashkeel, superscript alef, tatweel, Quranic annotation marks
	case r == 'أ', r == 'إ', r == 'آ', r == 'ٱ':
		return 'ا', true
	case r == 'ى', r == 'ی': // alef maqsura; Farsi yeh typed on Persian keyboards
		return 'ي', true
	case r == 'ک':
		return 'ك', true
	case r == 'ة':
		return 'ه', true
	case r >= '٠' && r <= '٩':
		return '0' + (r - '٠'), true
	case r >= '۰' && r <= '۹':
		return '0' + (r - '۰'), true
	case unicode.Is(unicode.Cf, r):
		return 0, false // bidi marks, ZWNJ/ZWJ, BOM: invisible, never part of a word
	}
	return unicode.ToLower(r), true
}

// isArabicLetter reports letters of the Arabic script blocks.
func isArabicLetter(r rune) bool {
	return unicode.Is(unicode.Arabic, r) && unicode.IsLetter(r)
}

// Words splits text into normalised word tokens (letters and digits, with
// inner apostrophes and hyphens dropped at the boundary; non-spacing marks
// stay inside a word). It keeps stop words. It is Normalize and a split at
// every rune that is neither a letter, a digit nor a non-spacing mark, in
// one pass that folds each rune through foldTable (foldOf) instead of
// asking the unicode tables for it twice, and copies the runs of runes
// that fold to themselves as they are; TestWordsEveryRune and FuzzWords
// hold it to that two-pass definition.
func Words(s string) []string { return appendWords([]string{}, s) }

// appendWords appends Words(s) to dst: callers that split many texts whose
// words they drop soon after (an article's sentences) reuse one array.
func appendWords(dst []string, s string) []string {
	var b strings.Builder
	b.Grow(len(s))
	var room [64]wordSpan // a sentence's words, on the stack
	spans := room[:0]
	start := -1 // where the word being read starts in the normalised text, or -1
	from := 0   // s[from:i] is kept as it is and not yet written to b
	for i := 0; i < len(s); {
		r, n := decodeShort(s, i)
		if n == 0 {
			r, n = utf8.DecodeRuneInString(s[i:])
		}
		f := foldOf(r)
		at := b.Len() + i - from // the rune's place in the normalised text
		// most runes are their own fold: they are copied in runs, which
		// spares a write per rune; one folded, dropped or invalid ends
		// the run and is written (or not) alone
		own := f.keep && f.r == r && (n > 1 || r != utf8.RuneError)
		if !own {
			b.WriteString(s[from:i])
			from = i + n
		}
		i += n
		if !f.keep {
			continue
		}
		if f.word || inWordMark(f.r) {
			if start < 0 {
				start = at
			}
		} else if start >= 0 {
			spans = append(spans, wordSpan{start, at})
			start = -1
		}
		if !own {
			b.WriteRune(f.r)
		}
	}
	b.WriteString(s[from:])
	if start >= 0 {
		spans = append(spans, wordSpan{start, b.Len()})
	}
	norm := b.String()
	dst = slices.Grow(dst, len(spans))
	for _, sp := range spans {
		dst = append(dst, norm[sp.start:sp.end])
	}
	return dst
}

// decodeShort decodes ASCII and the two-byte runes (U+0080–U+07FF,
// nearly all of Arabic copy) of s at i, and returns n = 0 for anything
// else, which the caller decodes with utf8.DecodeRuneInString(s[i:]). The
// scans of every article's text (Words, paraHash, hasInvisible) call it
// per rune: it is small enough to be inlined, where a decoder with the
// general path inside is not (its call per Arabic rune was 3 % of a cold
// Stories), and the library's general path for two-byte runes cost more
// than the rest of Words.
func decodeShort(s string, i int) (r rune, n int) {
	b := s[i]
	switch {
	case b < utf8.RuneSelf:
		return rune(b), 1
	case b >= 0xC2 && b <= 0xDF && i+1 < len(s) && s[i+1]&0xC0 == 0x80:
		return rune(b&0x1F)<<6 | rune(s[i+1]&0x3F), 2
	}
	return 0, 0
}

// wordSpan is where a word lies in a normalised text.
type wordSpan struct{ start, end int }

// inWordMark reports a non-spacing mark, which Words keeps inside a word
// (no such mark lies below U+0300).
func inWordMark(r rune) bool {
	return r >= 0x300 && unicode.Is(unicode.Mn, r)
}

// Stem returns the Snowball stem of one normalised word, choosing the
// stemmer by script. Arabic words first lose a conjunction و/ف glued to the
// article ال (Snowball's Arabic stemmer leaves «والعراق» whole).
func Stem(word string) string {
	if word == "" {
		return word
	}
	first, size := utf8.DecodeRuneInString(word)
	if isArabicLetter(first) {
		// و and ف are two bytes, as are ا and ل: «وال…» of five runes or more
		if rest := word[size:]; (first == 'و' || first == 'ف') && (strings.HasPrefix(rest, "ال") || strings.HasPrefix(rest, "لل")) && utf8.RuneCountInString(word) >= 5 {
			word = rest
		}
		env := snowball.NewEnv(word)
		arabic.Stem(env)
		return env.Current()
	}
	if first < unicode.MaxASCII && unicode.IsLetter(first) {
		env := snowball.NewEnv(strings.ReplaceAll(word, "’", "'"))
		english.Stem(env)
		return env.Current()
	}
	return word
}

// Terms returns the stems of the content words of s: normalised, stop words
// removed, stemmed. This is the feature space of matching, clustering and
// topic classification.
func Terms(s string) []string {
	return newStemmer().terms(s)
}

// stemmer memoises Stem for the duration of one engine call: news vocabulary
// is Zipfian, so most words repeat and Snowball (a third of the engine's
// time before this cache) runs once per distinct word. It lives per call,
// not per package, so the engine keeps no mutable shared state.
type stemmer struct {
	words   wordTable    // word (by hash) → its entry
	recent  []recentWord // a direct-mapped memo in front of words (see lookup); nil = none
	seed    maphash.Seed // of the words' hashes
	entries []stemmed
	termIDs wordTable   // stem (by hash, as words) → its term; read only when a word is new
	stems   []string    // by term
	feats   []termFeats // one per model asked (see featRowOf)
	lexOf   *Engine     // whose lexicon lex answers
	lex     []uint8     // by term: 0 not asked, 1 not in lexOf's lexicon, 2 in it
	places  []string    // gazetteer places named so far (stemmed.place is an index + 1)
	local   []int32     // scratch by term for one article's counting (see scratch), 0 between uses
	strs    []string    // scratch of stemsOf
	// scratch of stemSentences: the words, word entries and terms of one
	// article's sentences, which prepare reads and drops (no form keeps
	// the slices; the next article's sentences overwrite them)
	sentWords          []string
	sentWids, sentTids []int32
	// scratch of prepare: the lead's words and entries (see sentWords)
	leadWords []string
	leadWids  []int32
	// scratch of numberTerms
	sentTerms sentTermsScratch
}

// stemmed is what the stemmer remembers of a word, in a few bytes since
// there is one per distinct word of the call: its stem's number (term;
// the stem is stems[term]), whether it is a stop word or a number,
// which terms leave out, or has no stem (content is false then; one
// look-up answers all), and the gazetteer place it names, bare or with a
// glued prefix («والعراق» names «العراق»; see placeOf), as its index into
// places plus one (0: none).
type stemmed struct {
	term    int32
	place   int32
	content bool
}

// termFeats is the featRows of the stems in one topic model, looked up
// the first time the classifier asks for a stem (featRowOf). Words are
// looked up in a map once per occurrence anyway; the stem's number then
// spares the classifier, the lexicon and summary scoring a string map
// look-up of their own per word. Only stemmers that classify pay for it
// (a push's pools stem headlines for keywords and never do).
type termFeats struct {
	lm    *LangModel
	rows  []featRow // by term
	asked []bool    // by term: rows[t] was looked up
}

// wordTable numbers strings by their 64-bit hashes: an open-addressing
// table (linear probing, at most half full) of hashes and numbers. It is
// the stemmer's dictionary of words and of stems, the merger's of terms,
// and the classifier's of pairs (keyed by a bijection of the pair, so
// exactly). It keeps the hash, not the word: a map of the words
// compared each word found with its key, whose bytes lie in whichever
// article the word first came from, and that read and the map's own two
// were a cache miss each on a day's articles (the map's look-ups were a
// twelfth of a cold Stories). Two words share a hash once in 2^64 pairs:
// among the 100,000 distinct words of a day's call, one wrongly stemmed
// word in three billion calls, a push a minute for six thousand years.
// Written here rather than taken from a library because it is a few
// lines and no maintained Go hash table takes a caller's hash.
type wordTable struct {
	slots []wordSlot // a power of two of them
	n     int        // slots filled
}

type wordSlot struct {
	h uint64
	i int32 // the entry + 1; 0: an empty slot
}

func newWordTable(n int) wordTable {
	size := 16
	for size < 2*n {
		size *= 2
	}
	return wordTable{slots: make([]wordSlot, size)}
}

// get returns the number filed under hash h.
func (t *wordTable) get(h uint64) (int32, bool) {
	sl := t.slot(h)
	return sl.i - 1, sl.i != 0
}

// slot returns the slot of hash h: its own, or the empty one it would fill.
func (t *wordTable) slot(h uint64) *wordSlot {
	mask := uint64(len(t.slots) - 1)
	for k := h & mask; ; k = (k + 1) & mask {
		if sl := &t.slots[k]; sl.i == 0 || sl.h == h {
			return sl
		}
	}
}

// put files entry i under hash h, which is not in the table.
func (t *wordTable) put(h uint64, i int32) {
	if 2*(t.n+1) > len(t.slots) {
		old := t.slots
		t.slots = make([]wordSlot, 2*len(old))
		for _, sl := range old {
			if sl.i != 0 {
				*t.slot(sl.h) = sl
			}
		}
	}
	*t.slot(h) = wordSlot{h: h, i: i + 1}
	t.n++
}

// recentWord is one slot of the stemmer's memo of recent words: the
// word's hash (as in wordTable) and its entry with what the entry says,
// so that a look-up answered here reads this slot alone, without the
// entries array's cache miss.
type recentWord struct {
	h     uint64
	i     int32 // the entry + 1; 0: an empty slot
	entry stemmed
}

// recentSlots is the size of the memo (a power of two; a call on fewer
// than 128 articles has a smaller one): 8,192 slots of 24 bytes (192 KiB)
// stay in the core's L2 cache, while the words table of a call on a day's
// articles holds 100,000 words and more, each look-up in it a cache miss.
// News text is mostly its few thousand commonest words, so most look-ups
// end in the memo (77 % on a day of ANT; 66 % at 2,048 slots).
const recentSlots = 8192

func newStemmer() *stemmer { return stemmerFor(0) }

// stemmerFor is a stemmer sized for a call on n articles (a few distinct
// new words each), so its cache is not rebuilt over and over as it grows.
func stemmerFor(n int) *stemmer {
	size := min(8*n, 1<<17)
	s := &stemmer{
		words:   newWordTable(size),
		seed:    maphash.MakeSeed(),
		entries: make([]stemmed, 0, size),
		termIDs: newWordTable(size / 2),
		stems:   make([]string, 0, size/2),
	}
	if n > 0 { // a stemmer for one keyword or headline would not fill it
		slots := 256 // a few articles' words (Engine.Prepare of an ingest's batch)
		for slots < recentSlots && slots < 64*n {
			slots *= 2
		}
		s.recent = make([]recentWord, slots)
	}
	return s
}

// entry returns the number of w's entry, stemming w when it is new.
func (s *stemmer) entry(w string) int32 {
	i, _ := s.lookup(w)
	return i
}

// lookup returns the number of w's entry and the entry, stemming w when
// it is new.
func (s *stemmer) lookup(w string) (int32, stemmed) {
	h := maphash.String(s.seed, w)
	var slot *recentWord
	if s.recent != nil {
		slot = &s.recent[h&uint64(len(s.recent)-1)]
		if slot.h == h && slot.i != 0 {
			return slot.i - 1, slot.entry
		}
	}
	i, ok := s.words.get(h)
	if !ok {
		i = s.add(w)
		s.words.put(h, i)
	}
	if slot != nil {
		*slot = recentWord{h: h, i: i + 1, entry: s.entries[i]}
	}
	return i, s.entries[i]
}

// add gives new word w its entry, stemming it; the caller files it in
// words.
func (s *stemmer) add(w string) int32 {
	stem := Stem(w)
	e := stemmed{term: s.termOf(stem), content: stem != "" && !isStopWord(w) && !isNumber(w)}
	if p := placeOf(w); p != "" {
		s.places = append(s.places, p)
		e.place = int32(len(s.places))
	}
	i := int32(len(s.entries))
	s.entries = append(s.entries, e)
	return i
}

// place is the place e names, or "".
func (s *stemmer) place(e stemmed) string {
	if e.place == 0 {
		return ""
	}
	return s.places[e.place-1]
}

// termOf returns the number of stem, giving it one when it is new.
func (s *stemmer) termOf(stem string) int32 {
	h := maphash.String(s.seed, stem)
	if t, ok := s.termIDs.get(h); ok {
		return t
	}
	t := int32(len(s.stems))
	s.termIDs.put(h, t)
	s.stems = append(s.stems, stem)
	return t
}

// stemsOf returns the stems of terms tids in the stemmer's scratch,
// which holds them until the next call: an article's stems are read once,
// to sign it, and a slice of them per article was a tenth of the bytes a
// cold Stories allocates.
func (s *stemmer) stemsOf(tids []int32) []string {
	s.strs = s.strs[:0]
	for _, t := range tids {
		s.strs = append(s.strs, s.stems[t])
	}
	return s.strs
}

// scratch returns a slice with one zero per term numbered so far, for
// marking an article's terms; the caller zeroes what it marked.
func (s *stemmer) scratch() []int32 {
	s.local = byTerm(s.local, len(s.stems))
	return s.local
}

// byTerm returns xs lengthened with zero values to n (one per term
// numbered so far). Grow's new room is zeroed, and callers write only
// below the length, so the room past it is zero too.
func byTerm[T any](xs []T, n int) []T {
	if len(xs) >= n {
		return xs
	}
	return slices.Grow(xs, n-len(xs))[:n]
}

// featRowOf is lm's featRow of term t (lm.rows[stem]), looked up once per
// model.
func (s *stemmer) featRowOf(lm *LangModel, t int32) featRow {
	var f *termFeats
	for i := range s.feats {
		if s.feats[i].lm == lm {
			f = &s.feats[i]
			break
		}
	}
	if f == nil {
		s.feats = append(s.feats, termFeats{lm: lm})
		f = &s.feats[len(s.feats)-1]
	}
	f.rows, f.asked = byTerm(f.rows, len(s.stems)), byTerm(f.asked, len(s.stems))
	if !f.asked[t] {
		f.rows[t], f.asked[t] = lm.rows[s.stems[t]], true
	}
	return f.rows[t]
}

// inLexicon reports whether e's lexicon has term t, looked up once per
// engine.
func (s *stemmer) inLexicon(e *Engine, t int32) bool {
	if s.lexOf != e {
		s.lexOf, s.lex = e, nil
	}
	s.lex = byTerm(s.lex, len(s.stems))
	if s.lex[t] == 0 {
		s.lex[t] = 1
		if _, ok := e.lexIndex[s.stems[t]]; ok {
			s.lex[t] = 2
		}
	}
	return s.lex[t] == 2
}

func (s *stemmer) stem(w string) string {
	_, e := s.lookup(w)
	return s.stems[e.term]
}

func (s *stemmer) stemAll(words []string) []string {
	out := make([]string, len(words))
	for i, w := range words {
		out[i] = s.stem(w)
	}
	return out
}

func (s *stemmer) terms(text string) []string {
	words := Words(text)
	return s.appendTerms(words[:0], words)
}

// appendTerms appends to out the stems of the content words among words
// (normalised, see Words): stop words and numbers left out. out may share
// words' array from its start: it never gets ahead of the word it reads.
func (s *stemmer) appendTerms(out, words []string) []string {
	for _, w := range words {
		if _, e := s.lookup(w); e.content {
			out = append(out, s.stems[e.term])
		}
	}
	return out
}

// appendWordTerms is appendTerms that also appends each word's entry to
// wids (one per word) and each term's number to tids (one per term).
func (s *stemmer) appendWordTerms(out []string, wids, tids []int32, words []string) ([]string, []int32, []int32) {
	from := len(tids)
	wids, tids = s.appendWordIDs(wids, tids, words)
	for _, t := range tids[from:] {
		out = append(out, s.stems[t])
	}
	return out, wids, tids
}

// appendWordIDs is appendWordTerms without the stems: the entries and
// the terms' numbers only (stems[t] is term t's stem).
func (s *stemmer) appendWordIDs(wids, tids []int32, words []string) ([]int32, []int32) {
	for _, w := range words {
		i, e := s.lookup(w)
		wids = append(wids, i)
		if e.content {
			tids = append(tids, e.term)
		}
	}
	return wids, tids
}

func isNumber(w string) bool {
	for _, r := range w {
		if !unicode.IsDigit(r) {
			return false
		}
	}
	return true
}

// DetectLang tells Arabic from English from anything else by script first
// (Arabic letters vs Latin letters), then Persian/Urdu by the letters Arabic
// lacks and other Latin-script languages (French...) by the share of
// English stop words, so those come out as "other".
func DetectLang(text string) string {
	var arabicN, latinN, persianN int
	for _, r := range text {
		switch {
		case isArabicLetter(r):
			arabicN++
			if strings.ContainsRune("پچژگکیۀےںہٹڈڑ", r) {
				persianN++
			}
		case r < 0x250 && unicode.IsLetter(r):
			latinN++
		}
	}
	if arabicN == 0 && latinN == 0 {
		return "other"
	}
	if arabicN >= latinN {
		// Arabic news prose can have few stop words (lists, results tables),
		// so the script decides, unless letters Arabic lacks show up together
		// with Persian/Urdu function words (Arabic typed on a Persian keyboard
		// has the letters but not the words).
		if persianN*50 > arabicN && pickByStopWords(Words(text), persianStopWords, "fa") == "fa" {
			return "other"
		}
		return "ar"
	}
	return pickByStopWords(Words(text), englishStopWords, "en")
}

// pickByStopWords returns lang when enough of the words are its stop words.
// Very short texts (titles) pass on script alone.
func pickByStopWords(words []string, stops map[string]bool, lang string) string {
	if len(words) < 6 {
		return lang
	}
	n := 0
	for _, w := range words {
		if stops[w] {
			n++
		}
	}
	if n*100 >= len(words)*12 { // news prose has 15–40 % stop words; a foreign text a few
		return lang
	}
	return "other"
}
