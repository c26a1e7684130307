package news

import (
	"encoding/json"
	"errors"
	"time"

	bolt "go.etcd.io/bbolt"
)

// commitReq is one feed's outcome waiting to be written: its new articles
// and a change to its state.
type commitReq struct {
	feedURL string
	movedTo string // the feed's new URL after permanent redirects, or ""
	arts    []Article
	update  func(f *Feed, added int)
	done    chan commitResult
}

type commitResult struct {
	added []Article // as stored (Seq, Fetched, Hash filled in)
	err   error
}

// groupCommitter writes feed outcomes from many workers in shared
// transactions: whatever is queued when a commit starts goes into it. Each
// bbolt commit costs an fsync, so one commit per feed made a 200-feed pass
// of 304s wait on 200 fsyncs; bbolt's own Batch does the same grouping but
// waits up to its MaxBatchDelay first, and that setting belongs to the
// shared DB. One committer lives for one Ingester.Run.
type groupCommitter struct {
	s    *Store
	reqs chan commitReq
	quit chan struct{}
}

func newGroupCommitter(s *Store) *groupCommitter {
	g := &groupCommitter{s: s, reqs: make(chan commitReq), quit: make(chan struct{})}
	go g.loop()
	return g
}

// commit queues a feed outcome and waits until it is durable; it returns
// the articles it added. A feed removed meanwhile gets ErrFeedNotFound and
// its articles are dropped.
func (g *groupCommitter) commit(feedURL, movedTo string, arts []Article, update func(f *Feed, added int)) ([]Article, error) {
	r := commitReq{feedURL: feedURL, movedTo: movedTo, arts: arts, update: update, done: make(chan commitResult, 1)}
	g.reqs <- r
	res := <-r.done
	return res.added, res.err
}

// close stops the loop once every caller of commit has returned.
func (g *groupCommitter) close() { close(g.quit) }

func (g *groupCommitter) loop() {
	for {
		select {
		case r := <-g.reqs:
			g.write(append([]commitReq{r}, g.drain()...))
		case <-g.quit:
			return
		}
	}
}

// drain takes every request already waiting, without blocking.
func (g *groupCommitter) drain() []commitReq {
	var batch []commitReq
	for {
		select {
		case r := <-g.reqs:
			batch = append(batch, r)
		default:
			return batch
		}
	}
}

// write applies a batch in one transaction. Per-feed problems (a removed
// feed) answer only that request; a storage error fails the whole batch.
func (g *groupCommitter) write(batch []commitReq) {
	results := make([]commitResult, len(batch))
	now := g.s.now().UTC()
	err := g.s.db.Update(func(tx *bolt.Tx) error {
		for i, r := range batch {
			added, err := applyFetch(tx, now, r)
			if err != nil {
				added = nil
			}
			if err != nil && !errors.Is(err, ErrFeedNotFound) {
				return err
			}
			results[i] = commitResult{added: added, err: err}
		}
		return nil
	})
	for i, r := range batch {
		if err != nil {
			results[i] = commitResult{err: err}
		}
		r.done <- results[i]
	}
}

// applyFetch stores one feed's new articles and state inside tx and
// returns the articles it added.
func applyFetch(tx *bolt.Tx, now time.Time, r commitReq) ([]Article, error) {
	if tx.Bucket(bucketFeeds).Get([]byte(r.feedURL)) == nil {
		return nil, ErrFeedNotFound
	}
	var added []Article
	for _, a := range r.arts {
		a = a.withDefaults(now)
		ok, err := addOne(tx, &a)
		if err != nil {
			return nil, err
		}
		if ok {
			added = append(added, a)
		}
	}
	err := updateFeedTx(tx, r.feedURL, func(f *Feed, _ bool) error {
		r.update(f, len(added))
		return nil
	})
	if err != nil || r.movedTo == "" {
		return added, err
	}
	return added, moveFeedTx(tx, r.feedURL, r.movedTo)
}

// moveFeedTx re-keys a feed that moved permanently, keeping its state and
// topics. If the new URL is already subscribed, the old entry just goes.
func moveFeedTx(tx *bolt.Tx, from, to string) error {
	to, err := FeedURL(to)
	if err != nil || to == from {
		return nil // keep fetching the old URL rather than fail the commit
	}
	b := tx.Bucket(bucketFeeds)
	if b.Get([]byte(to)) == nil {
		f, err := decodeFeed(b.Get([]byte(from)))
		if err != nil {
			return err
		}
		f.URL = to
		data, err := json.Marshal(f)
		if err != nil {
			return err
		}
		if err := b.Put([]byte(to), data); err != nil {
			return err
		}
	}
	return b.Delete([]byte(from))
}
