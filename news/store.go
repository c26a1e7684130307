package news

import (
	"bytes"
	"cmp"
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	bolt "go.etcd.io/bbolt"
)

// Bucket names. Articles are keyed by their ingest sequence number (8 bytes,
// big endian), so bbolt's sorted keys are the ingest-order index and
// "new since P" is a cursor seek plus a forward scan.
var (
	bucketArticles = []byte("news_articles") // seq → JSON Article
	bucketIDs      = []byte("news_ids")      // article ID → seq
	bucketHashes   = []byte("news_hashes")   // content hash → seq
	bucketFetched  = []byte("news_fetched")  // fetched unix-nano ‖ seq → nothing (retention and SinceTime)
	bucketFeeds    = []byte("news_feeds")    // feed URL → JSON Feed
	bucketPruned   = []byte("news_pruned")   // fetched unix-nano ‖ seq → ID NUL hash of a pruned article (tombstone)
)

// pruneChunk bounds the articles one pruning transaction deletes, so pruning
// a large store never holds a huge write transaction (or its pages) at once.
const pruneChunk = 1000

// ErrCorrupt reports a stored record that cannot be decoded.
var ErrCorrupt = errors.New("news: corrupt stored article")

// Store keeps articles in bbolt: deduplicated by ID and content hash, in
// ingest order. It is safe for concurrent use (bbolt serialises writers).
type Store struct {
	db  *bolt.DB
	now func() time.Time
}

// StoreOption configures a Store.
type StoreOption func(*Store)

// WithClock makes the store read time from now (tests pin first-seen times).
func WithClock(now func() time.Time) StoreOption {
	return func(s *Store) { s.now = now }
}

// NewStore creates the store's buckets in db if needed.
func NewStore(ctx context.Context, db *bolt.DB, opts ...StoreOption) (*Store, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("news: open store: %w", err)
	}
	s := &Store{db: db, now: time.Now}
	for _, o := range opts {
		o(s)
	}
	err := db.Update(func(tx *bolt.Tx) error {
		for _, b := range [][]byte{bucketArticles, bucketIDs, bucketHashes, bucketFetched, bucketFeeds, bucketPruned} {
			if _, err := tx.CreateBucketIfNotExists(b); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("news: create buckets: %w", err)
	}
	return s, nil
}

// Add stores the articles not already known by ID or content hash (also
// within arts itself), all in one transaction, and returns those it added
// with Seq, Fetched, Hash, ID and Published filled in. Order is kept: Seq
// follows the order of arts.
func (s *Store) Add(ctx context.Context, arts []Article) ([]Article, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("news: add: %w", err)
	}
	now := s.now().UTC()
	var added []Article
	err := s.db.Update(func(tx *bolt.Tx) error {
		added = added[:0] // a retried transaction starts over
		for _, a := range arts {
			a = a.withDefaults(now)
			ok, err := addOne(tx, &a)
			if err != nil {
				return err
			}
			if ok {
				added = append(added, a)
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("news: add: %w", err)
	}
	return added, nil
}

// addOne stores a unless its ID or hash is known; it reports whether it did.
func addOne(tx *bolt.Tx, a *Article) (bool, error) {
	ids, hashes := tx.Bucket(bucketIDs), tx.Bucket(bucketHashes)
	if ids.Get([]byte(a.ID)) != nil || hashes.Get([]byte(a.Hash)) != nil {
		return false, nil
	}
	arts := tx.Bucket(bucketArticles)
	seq, err := arts.NextSequence()
	if err != nil {
		return false, err
	}
	a.Seq = seq
	data, err := json.Marshal(a)
	if err != nil {
		return false, err
	}
	key := u64(seq)
	for _, put := range []struct {
		b    *bolt.Bucket
		k, v []byte
	}{
		{arts, key, data},
		{ids, []byte(a.ID), key},
		{hashes, []byte(a.Hash), key},
		{tx.Bucket(bucketFetched), fetchedKey(a.Fetched, seq), nil},
	} {
		if err := put.b.Put(put.k, put.v); err != nil {
			return false, err
		}
	}
	return true, nil
}

// Since returns the articles with Seq > after in ascending Seq order, at most
// limit of them (limit ≤ 0 means all).
func (s *Store) Since(ctx context.Context, after uint64, limit int) ([]Article, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("news: since: %w", err)
	}
	var out []Article
	err := s.db.View(func(tx *bolt.Tx) error {
		c := tx.Bucket(bucketArticles).Cursor()
		for k, v := c.Seek(u64(after + 1)); k != nil; k, v = c.Next() {
			if limit > 0 && len(out) >= limit {
				break
			}
			a, err := decodeArticle(v)
			if err != nil {
				return err
			}
			out = append(out, a)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("news: since %d: %w", after, err)
	}
	return out, nil
}

// SinceTime returns the articles first seen at or after t, in ascending Seq
// order.
func (s *Store) SinceTime(ctx context.Context, t time.Time) ([]Article, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("news: since time: %w", err)
	}
	var out []Article
	err := s.db.View(func(tx *bolt.Tx) error {
		arts := tx.Bucket(bucketArticles)
		c := tx.Bucket(bucketFetched).Cursor()
		for k, _ := c.Seek(fetchedKey(t, 0)); k != nil; k, _ = c.Next() {
			a, err := decodeArticle(arts.Get(k[8:]))
			if err != nil {
				return err
			}
			out = append(out, a)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("news: since time: %w", err)
	}
	// Clocks can step back, so fetched order may differ from ingest order.
	slices.SortFunc(out, func(a, b Article) int { return cmp.Compare(a.Seq, b.Seq) })
	return out, nil
}

// LastSeq returns the highest Seq ever assigned (0 for an empty store). It
// never goes back, even after pruning, so it is safe as a delivery cursor.
func (s *Store) LastSeq(ctx context.Context) (uint64, error) {
	if err := ctx.Err(); err != nil {
		return 0, fmt.Errorf("news: last seq: %w", err)
	}
	var seq uint64
	err := s.db.View(func(tx *bolt.Tx) error {
		seq = tx.Bucket(bucketArticles).Sequence()
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("news: last seq: %w", err)
	}
	return seq, nil
}

// Count returns how many articles are stored.
func (s *Store) Count(ctx context.Context) (int, error) {
	if err := ctx.Err(); err != nil {
		return 0, fmt.Errorf("news: count: %w", err)
	}
	var n int
	err := s.db.View(func(tx *bolt.Tx) error {
		n = tx.Bucket(bucketArticles).Stats().KeyN
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("news: count: %w", err)
	}
	return n, nil
}

// Prune deletes the articles first seen before cutoff, walking the
// fetched-time index in chunks of pruneChunk per transaction so it never
// loads the whole store. Their IDs and hashes stay known (as tombstones)
// until ForgetPruned, so an undated item a feed keeps listing is not stored
// again as new the moment its article is pruned; those of seed files stay
// known for good. It returns how many articles it deleted.
func (s *Store) Prune(ctx context.Context, cutoff time.Time) (int, error) {
	n, err := s.drainBefore(ctx, bucketFetched, cutoff, retireArticle)
	if err != nil {
		return n, fmt.Errorf("news: prune: %w", err)
	}
	return n, nil
}

// ForgetPruned drops the tombstones of articles first seen before cutoff:
// after this their IDs and hashes count as new again. It returns how many
// it dropped.
func (s *Store) ForgetPruned(ctx context.Context, cutoff time.Time) (int, error) {
	n, err := s.drainBefore(ctx, bucketPruned, cutoff, forgetTombstone)
	if err != nil {
		return n, fmt.Errorf("news: forget pruned: %w", err)
	}
	return n, nil
}

// drainBefore calls fn for, then deletes, every key of a time-ordered
// bucket (fetchedKey layout) before cutoff, in chunks of pruneChunk keys
// per transaction.
func (s *Store) drainBefore(ctx context.Context, bucket []byte, cutoff time.Time, fn func(tx *bolt.Tx, k, v []byte) error) (int, error) {
	total := 0
	end := fetchedKey(cutoff, 0)
	for {
		if err := ctx.Err(); err != nil {
			return total, err
		}
		n := 0
		err := s.db.Update(func(tx *bolt.Tx) error {
			n = 0
			c := tx.Bucket(bucket).Cursor()
			for k, v := c.First(); k != nil && n < pruneChunk && bytes.Compare(k, end) < 0; k, v = c.First() {
				if err := fn(tx, k, v); err != nil {
					return err
				}
				if err := c.Delete(); err != nil {
					return err
				}
				n++
			}
			return nil
		})
		total += n
		if err != nil || n < pruneChunk {
			return total, err
		}
	}
}

// retireArticle deletes the article a fetched-index key points at and
// records a tombstone (same key → ID NUL hash) for ForgetPruned.
func retireArticle(tx *bolt.Tx, k, _ []byte) error {
	arts := tx.Bucket(bucketArticles)
	v := arts.Get(k[8:])
	if v == nil {
		return nil
	}
	// Only three short fields matter here: decoding the whole article (text,
	// topics) took twice as long and twelve times the memory per pruned one.
	var a struct{ ID, Feed, Hash string }
	if err := json.Unmarshal(v, &a); err != nil {
		return fmt.Errorf("%w: %v", ErrCorrupt, err)
	}
	// Seed files are re-read at every ingest for as long as they exist, so
	// their IDs are never forgotten: no tombstone, the entries stay.
	if a.Feed != SeedsFeed {
		if err := tx.Bucket(bucketPruned).Put(k, []byte(a.ID+"\x00"+a.Hash)); err != nil {
			return err
		}
	}
	return arts.Delete(k[8:])
}

// forgetTombstone removes the ID and hash entries a tombstone names, unless
// they now point at a newer article.
func forgetTombstone(tx *bolt.Tx, k, v []byte) error {
	id, hash, _ := bytes.Cut(v, []byte{0})
	seq := k[8:]
	for _, idx := range []struct{ b, k []byte }{{bucketIDs, id}, {bucketHashes, hash}} {
		b := tx.Bucket(idx.b)
		if bytes.Equal(b.Get(idx.k), seq) {
			if err := b.Delete(idx.k); err != nil {
				return err
			}
		}
	}
	return nil
}

func decodeArticle(v []byte) (Article, error) {
	var a Article
	if v == nil {
		return a, fmt.Errorf("%w: missing record", ErrCorrupt)
	}
	if err := json.Unmarshal(v, &a); err != nil {
		return a, fmt.Errorf("%w: %v", ErrCorrupt, err)
	}
	return a, nil
}

func u64(n uint64) []byte { return binary.BigEndian.AppendUint64(nil, n) }

// fetchedKey sorts by time, then by seq. Times before 1970 clamp to 0.
func fetchedKey(t time.Time, seq uint64) []byte {
	ns := max(t.UnixNano(), 0)
	return binary.BigEndian.AppendUint64(u64(uint64(ns)), seq)
}
