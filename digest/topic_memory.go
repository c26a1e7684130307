package digest

import (
	"slices"
	"sync"
	"time"
)

// A site's recent articles, remembered for the adaptation.
//
// adaptTopics adapts the classifier to a site's articles in a call, but
// only from adaptMinArticles of them: an alert check reads the last two
// hours, a small feed publishes a dozen reports a day, and a search reads
// what matched, so those calls got unadapted topics, and a small feed's
// digest as well. The ingester has the engine prepare what it stores
// (Prepare); the engine keeps, per site and language, the feature rows,
// scores and hints of the latest AdaptWindow articles prepared there in
// the last week, and a call with fewer of the site's articles than that
// adapts to its own and the site's remembered ones together. A call
// holding AdaptWindow or more reads its own alone, so a busy site's digest
// is unchanged.
const (
	// AdaptWindow is how many of a site's articles an adaptation reads at
	// most with the remembered ones. Leave one outlet out, in calls of 10,
	// English macro-F1 was 0.52 remembering 190, 0.55 with 490 and 0.55
	// with 990 (docs/EVALUATION.md, "A site's memory for small calls");
	// an adaptation after an ingest costs in proportion to it.
	AdaptWindow = 500
	// topicMemoryAge: remembered articles published this long before the
	// newest one prepared are forgotten. A site's words change slowly, and
	// a small feed (a dozen reports a day) needs days to reach
	// adaptMinArticles, so a week, not a digest's window.
	topicMemoryAge = 7 * 24 * time.Hour
	// maxTopicMemory caps the articles remembered across all sites: a few
	// hundred bytes to a few KB each (rows and scores, shared with the form
	// while the form cache holds it), so the memory stays under ~40 MB;
	// when full, a site's new article takes the place of the oldest of the
	// site holding the most, or of its own oldest (sites share it evenly).
	maxTopicMemory = 20_000
)

// siteLang is one site's articles in one language: the adaptation's group.
type siteLang struct{ host, source, lang string }

func siteLangOf(a Article, lang string) siteLang {
	host, source := siteOf(a)
	return siteLang{host, source, lang}
}

// memArticle is one remembered article: its identity (a hash of
// prepared.key), its classifier evidence and hints, and when it was
// published.
type memArticle struct {
	key   uint64
	fkey  formKey // its form's cache key (prepared.fkey)
	at    int64   // unix seconds
	rows  []int32
	model []TopicScore
	hints []string
}

// topicMemory is the engine's per-site memory of recent articles, each
// site's oldest first.
type topicMemory struct {
	mu     sync.RWMutex
	sites  map[siteLang][]memArticle
	n      int   // articles remembered, all sites
	newest int64 // the latest publication time remembered, unix seconds
}

func newTopicMemory() *topicMemory {
	return &topicMemory{sites: map[siteLang][]memArticle{}}
}

// remember keeps the classifier evidence of prep's dated articles (a
// batch Prepare made) and forgets what is older than topicMemoryAge.
// An article remembered before is replaced (its text may have been edited).
func (m *topicMemory) remember(prep []prepared) {
	m.mu.Lock()
	defer m.mu.Unlock()
	now := time.Now().Add(time.Hour).Unix() // a feed's future date must not make the memory forget the present
	for i := range prep {
		p := &prep[i]
		if p.Published.IsZero() || len(p.topicEv.rows) == 0 {
			continue
		}
		at := min(p.Published.Unix(), now)
		m.newest = max(m.newest, at)
		m.add(siteLangOf(p.Article, p.lang), memArticle{key: hashString(p.key()), fkey: p.fkey, at: at,
			rows: p.topicEv.rows, model: p.topicEv.model, hints: p.hints})
	}
	m.forget()
}

// add puts a into its site's list in publication order, keeping the site's
// latest AdaptWindow.
func (m *topicMemory) add(s siteLang, a memArticle) {
	list := m.sites[s]
	if k := slices.IndexFunc(list, func(o memArticle) bool { return o.key == a.key }); k >= 0 {
		list = slices.Delete(list, k, k+1)
		m.n--
	}
	// full: no other site can spare an article, so s's own oldest goes
	full := m.n >= maxTopicMemory && !m.evictFor(s, len(list))
	if full && len(list) == 0 {
		return
	}
	k, _ := slices.BinarySearchFunc(list, a.at, func(o memArticle, at int64) int { return int(o.at - at) })
	list = slices.Insert(list, k, a)
	m.n++
	if full {
		list = slices.Delete(list, 0, 1)
		m.n--
	}
	if over := len(list) - AdaptWindow; over > 0 {
		list = slices.Delete(list, 0, over)
		m.n -= over
	}
	m.sites[s] = list
}

// evictFor makes room in a full memory for one more article of site s,
// which holds have, by dropping the oldest article of the site holding the
// most, when that holds more than have + 1 (sites share the memory evenly).
func (m *topicMemory) evictFor(s siteLang, have int) bool {
	var big siteLang
	most := 0
	for t, list := range m.sites {
		if len(list) > most && t != s {
			big, most = t, len(list)
		}
	}
	if most <= have+1 {
		return false
	}
	m.sites[big] = slices.Delete(m.sites[big], 0, 1)
	m.n--
	return true
}

// forget drops the articles published topicMemoryAge before the newest.
func (m *topicMemory) forget() {
	cut := m.newest - int64(topicMemoryAge/time.Second)
	for s, list := range m.sites {
		k := 0
		for k < len(list) && list[k].at < cut {
			k++
		}
		if k == 0 {
			continue
		}
		m.n -= k
		if k == len(list) {
			delete(m.sites, s)
			continue
		}
		m.sites[s] = slices.Delete(list, 0, k)
	}
}

// recent returns up to n of site s's remembered articles whose keys are
// not in skip, the latest ones, oldest first. The caller holds the read
// lock.
func (m *topicMemory) recent(s siteLang, skip map[uint64]bool, n int) []memArticle {
	list := m.sites[s]
	var out []memArticle
	for k := len(list) - 1; k >= 0 && len(out) < n; k-- {
		if !skip[list[k].key] {
			out = append(out, list[k])
		}
	}
	slices.Reverse(out)
	return out
}
