package digest

import (
	"sync"
	"time"
)

// Boilerplate learned over days, not one push window. A push sees only the
// articles since the oldest cursor (a day, often an hour), too few of one
// outlet for a teaser to appear in three of them. Engine.Learn feeds the
// engine every article as it is stored (the ingest path calls it); the
// engine keeps, per source and paragraph, the hashes of the few articles
// it occurred in, forgets what is older than BoilerplateMemoryDays, and
// Stories and Annotate count those occurrences with the articles they are
// given.

// Memory bounds.
const (
	// BoilerplateMemoryDays: occurrences older than this (before the newest
	// article learnt) are forgotten.
	BoilerplateMemoryDays = 3
	// maxMemoryParagraphs caps the paragraphs remembered once (most of
	// them: a paragraph of news is seen once); when full after forgetting,
	// new ones are not remembered until older ones are forgotten. About
	// 40 bytes each, so the memory stays under ~10 MB.
	maxMemoryParagraphs = 250_000
)

// bpOcc is one occurrence of a paragraph in the memory: which report (its
// text hash and title word bits, for the copy rule of distinct) and when.
type bpOcc struct {
	text  uint32
	title uint64
	at    int64 // unix seconds
}

// bpMemory is the engine's multi-day paragraph memory. Paragraphs seen in
// one report are in once; those seen in several, with at most
// BoilerplateMinArticles occurrences (all the rule asks), in more.
type bpMemory struct {
	mu     sync.RWMutex
	once   map[uint64]bpOcc
	more   map[uint64][]bpOcc
	newest int64 // the latest occurrence learnt, unix seconds
	swept  int64 // newest at the last forgetting pass
}

func newBPMemory() *bpMemory {
	return &bpMemory{once: map[uint64]bpOcc{}, more: map[uint64][]bpOcc{}}
}

// memKey is the memory's key of a source's paragraph.
func memKey(source string, para uint64) uint64 {
	return mix(hashString(source), para)
}

// Learn remembers the paragraphs of newly stored articles for the
// boilerplate rule of later Stories and Annotate calls (see the comment at
// the top of this file). Articles without a publication time are skipped:
// they could never be forgotten. Learning one article twice counts it once.
func (e *Engine) Learn(arts ...Article) {
	m := e.bpMem
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, a := range arts {
		if a.Published.IsZero() {
			continue
		}
		occ := bpOcc{text: uint32(textKey(a.Text)), title: titleBits(a.Title), at: a.Published.Unix()}
		// a feed's date in the future must not make the memory forget the
		// present
		m.newest = max(m.newest, min(occ.at, time.Now().Add(time.Hour).Unix()))
		hs := paraHashes(a.Text)
		for i, h := range hs {
			if h != 0 && !containsHash(hs[:i], h) {
				m.add(memKey(a.Source, h), occ)
			}
		}
	}
	if m.newest-m.swept >= int64(time.Hour/time.Second) || len(m.once) >= maxMemoryParagraphs {
		m.forget()
	}
}

func containsHash(hs []uint64, h uint64) bool {
	for _, x := range hs {
		if x == h {
			return true
		}
	}
	return false
}

// add records one occurrence of a paragraph.
func (m *bpMemory) add(k uint64, occ bpOcc) {
	if list, ok := m.more[k]; ok {
		for _, o := range list {
			if o.text == occ.text {
				return // the same report again
			}
		}
		if len(list) >= BoilerplateMinArticles {
			list = list[1:] // keep the latest: the rule looks around the present
		}
		m.more[k] = append(list, occ)
		return
	}
	if o, ok := m.once[k]; ok {
		if o.text != occ.text {
			delete(m.once, k)
			m.more[k] = []bpOcc{o, occ}
		}
		return
	}
	if len(m.once) < maxMemoryParagraphs {
		m.once[k] = occ
	}
}

// forget drops the occurrences older than BoilerplateMemoryDays before the
// newest one.
func (m *bpMemory) forget() {
	cut := m.newest - int64(BoilerplateMemoryDays*24*time.Hour/time.Second)
	for k, o := range m.once {
		if o.at < cut {
			delete(m.once, k)
		}
	}
	for k, list := range m.more {
		kept := list[:0]
		for _, o := range list {
			if o.at >= cut {
				kept = append(kept, o)
			}
		}
		switch len(kept) {
		case 0:
			delete(m.more, k)
		case 1:
			delete(m.more, k)
			m.once[k] = kept[0]
		default:
			m.more[k] = kept
		}
	}
	m.swept = m.newest
}

// len is how many paragraphs are remembered.
func (m *bpMemory) len() int { return len(m.once) + len(m.more) }

// count is how many remembered reports hold the paragraph.
func (m *bpMemory) count(k uint64) int {
	if list, ok := m.more[k]; ok {
		return len(list)
	}
	if _, ok := m.once[k]; ok {
		return 1
	}
	return 0
}

// occurrences appends the remembered reports of a paragraph to out, as the
// learner of one call records them.
func (m *bpMemory) occurrences(k uint64, out []bpArticle) []bpArticle {
	if list, ok := m.more[k]; ok {
		for _, o := range list {
			out = append(out, o.article())
		}
		return out
	}
	if o, ok := m.once[k]; ok {
		out = append(out, o.article())
	}
	return out
}

func (o bpOcc) article() bpArticle {
	return bpArticle{text: uint64(o.text), bits: o.title, at: time.Unix(o.at, 0)}
}
