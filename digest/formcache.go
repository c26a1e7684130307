package digest

import (
	"hash/maphash"
	"sync"
)

// formCache keeps the forms (prepare) of the articles the engine saw in its
// last calls, and their paragraph hashes (paraHashes, which boilerplate
// learning reads for every article of every call), so that a push a minute
// after the last one, whose window holds nearly the same articles, does not
// clean, split, stem, summarise and classify each of them again. A form is
// a pure function of the article's own fields once its boilerplate is
// stripped (and of the engine's fixed budget and models), so it is keyed by
// a 128-bit hash of those fields: an article whose text changed, or lost a
// paragraph that became boilerplate, is prepared afresh. Paragraph hashes
// are keyed by a hash of the text as given.
//
// It forgets in two generations (twoGen), so it holds at most 2·limit
// forms and hash lists. It is safe for concurrent use; a nil *formCache
// (limit < 0) keeps nothing.
type formCache struct {
	seeds [2]maphash.Seed

	mu    sync.Mutex
	forms twoGen[*form]
	paras twoGen[[]uint64]
	// adapted holds adaptTopics's scores of a site group's call articles,
	// keyed by adaptKey
	adapted twoGen[[][]TopicScore]
}

// adaptedCacheGroups is how many site groups' adapted scores the cache keeps
// per generation: a push's window and an alert check's for every site of a
// large deployment. Each holds a few hundred bytes a call article.
const adaptedCacheGroups = 256

// formKey is a 128-bit hash of an article's fields.
type formKey [2]uint64

// DefaultPreparedCache is how many articles' prepared forms an engine keeps
// per generation (see Config.PreparedCache): more than a day of the shared
// data's outlets (3,619 articles in the 24 h a first digest covers, in
// BENCHMARKS.md's push).
const DefaultPreparedCache = 4096

func newFormCache(limit int) *formCache {
	if limit < 0 {
		return nil
	}
	if limit == 0 {
		limit = DefaultPreparedCache
	}
	return &formCache{seeds: [2]maphash.Seed{maphash.MakeSeed(), maphash.MakeSeed()},
		forms: newTwoGen[*form](limit), paras: newTwoGen[[]uint64](limit), adapted: newTwoGen[[][]TopicScore](adaptedCacheGroups)}
}

// key hashes what prepare reads of a: title, text, place and language.
func (c *formCache) key(a Article) formKey {
	if c == nil {
		return formKey{}
	}
	return c.hash(a.Title, a.Text, a.Place, a.Lang)
}

func (c *formCache) hash(fields ...string) formKey {
	var k formKey
	var h maphash.Hash
	for i, seed := range c.seeds {
		h.SetSeed(seed)
		for _, s := range fields {
			h.WriteString(s)
			h.WriteByte(0)
		}
		k[i] = h.Sum64()
	}
	return k
}

// get returns the cached form of each key (nil when there is none), taking
// the lock once for the whole call.
func (c *formCache) get(keys []formKey) []*form {
	out := make([]*form, len(keys))
	if c == nil {
		return out
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	for i, k := range keys {
		out[i], _ = c.forms.get(k)
	}
	return out
}

// put stores the forms of keys.
func (c *formCache) put(keys []formKey, forms []*form) {
	if c == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	for i, k := range keys {
		c.forms.put(k, forms[i])
	}
}

// adaptedScores returns the cached adapted scores under k, if any.
func (c *formCache) adaptedScores(k formKey) ([][]TopicScore, bool) {
	if c == nil {
		return nil, false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.adapted.get(k)
}

// putAdapted stores a site group's adapted scores under k.
func (c *formCache) putAdapted(k formKey, scores [][]TopicScore) {
	if c == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.adapted.put(k, scores)
}

// paraHashes returns paraHashes of each article's text, from the cache
// when it has them.
func (c *formCache) paraHashes(arts []Article) [][]uint64 {
	out := make([][]uint64, len(arts))
	if c == nil {
		for i, a := range arts {
			out[i] = paraHashes(a.Text)
		}
		return out
	}
	keys := make([]formKey, len(arts))
	found := make([]bool, len(arts))
	for i, a := range arts {
		keys[i] = c.hash(a.Text)
	}
	c.mu.Lock()
	for i, k := range keys {
		out[i], found[i] = c.paras.get(k)
	}
	c.mu.Unlock()
	for i, a := range arts {
		if !found[i] {
			out[i] = paraHashes(a.Text)
		}
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	for i, k := range keys {
		if !found[i] {
			c.paras.put(k, out[i])
		}
	}
	return out
}

// twoGen is a map that forgets in two generations: entries go into cur,
// and when cur holds limit entries it becomes prev and a new cur starts; an
// entry found in prev moves back to cur. So it holds at most 2·limit
// entries, and one nobody asked for during a whole generation is dropped.
// Written here rather than taken from an LRU package: it is twenty lines,
// and the generations need no per-entry list links. The caller locks.
type twoGen[V any] struct {
	cur, prev map[formKey]V
	limit     int
}

func newTwoGen[V any](limit int) twoGen[V] {
	return twoGen[V]{cur: map[formKey]V{}, prev: map[formKey]V{}, limit: limit}
}

func (g *twoGen[V]) get(k formKey) (V, bool) {
	if v, ok := g.cur[k]; ok {
		return v, true
	}
	v, ok := g.prev[k]
	if ok {
		delete(g.prev, k)
		g.put(k, v)
	}
	return v, ok
}

func (g *twoGen[V]) put(k formKey, v V) {
	if _, ok := g.cur[k]; ok {
		return
	}
	if len(g.cur) >= g.limit {
		g.prev, g.cur = g.cur, make(map[formKey]V, len(g.cur))
	}
	g.cur[k] = v
}
