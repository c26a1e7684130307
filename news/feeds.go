package news

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"
)

// Feed-management errors.
var (
	ErrFeedNotFound = errors.New("news: no such feed")
)

// Backoff policy for failing feeds.
const (
	BackoffBase    = 15 * time.Minute   // first retry delay; doubles per consecutive error
	BackoffMax     = 24 * time.Hour     // cap on the delay
	DisableAfter   = 7 * 24 * time.Hour // a feed failing this long is disabled
	maxResultChars = 300                // stored LastResult is trimmed to this
)

// Feed is one subscribed feed and its fetch state, kept in bbolt.
type Feed struct {
	URL          string
	Title        string   // from the feed itself, once fetched
	Topics       []string // admin topic hints, added to each article's Topics
	ETag         string
	LastModified string
	Added        time.Time
	LastFetch    time.Time // last attempt
	LastOK       time.Time // last success (200 or 304)
	LastResult   string    // "ok", "not modified" or the error
	LastItems    int       // items in the last parsed document
	Articles     int       // articles stored from this feed, all time
	Errors       int       // consecutive failures
	FailingSince time.Time // first failure of the current streak
	NextFetch    time.Time // not fetched before this (backoff); zero = due
	Disabled     bool      // failed for DisableAfter; re-add to enable
	DisabledAt   time.Time
}

// Due reports whether the feed should be fetched at now.
func (f Feed) Due(now time.Time) bool {
	return !f.Disabled && !now.Before(f.NextFetch)
}

// Status is a one-line summary for admins (/feeds, `newsdigest feeds list`).
func (f Feed) Status(now time.Time) string {
	switch {
	case f.Disabled:
		return fmt.Sprintf("disabled since %s after failing for %d days: %s", f.DisabledAt.UTC().Format(time.DateTime), int(DisableAfter.Hours()/24), f.LastResult)
	case f.LastFetch.IsZero():
		return "not fetched yet"
	case f.Errors == 1:
		return fmt.Sprintf("1 error, retry in %s: %s", roundDur(f.NextFetch.Sub(now)), f.LastResult)
	case f.Errors > 1:
		return fmt.Sprintf("%d errors in a row, retry in %s: %s", f.Errors, roundDur(f.NextFetch.Sub(now)), f.LastResult)
	}
	return fmt.Sprintf("ok %s ago, %d items, %d articles stored", roundDur(now.Sub(f.LastOK)), f.LastItems, f.Articles)
}

// roundDur shows whole minutes ("0m" rather than "0s" for just now).
func roundDur(d time.Duration) string {
	d = max(d, 0).Round(time.Minute)
	if d < time.Hour {
		return fmt.Sprintf("%dm", int(d.Minutes()))
	}
	return strings.TrimSuffix(d.String(), "0s")
}

// recordSuccess updates the state after a 200 or 304.
func (f *Feed) recordSuccess(now time.Time, res FetchResult, items, added int) {
	f.LastFetch, f.LastOK = now, now
	f.ETag, f.LastModified = res.ETag, res.LastModified
	f.Errors, f.FailingSince, f.NextFetch = 0, time.Time{}, time.Time{}
	f.LastResult = "ok"
	if res.NotModified {
		f.LastResult = "not modified"
	} else {
		f.LastItems = items
	}
	if res.Feed != nil && res.Feed.Title != "" {
		f.Title = collapseSpace(HTMLToText(res.Feed.Title))
	}
	f.Articles += added
}

// recordFailure applies exponential backoff (BackoffBase·2^(n-1), capped at
// BackoffMax, at least the server's Retry-After) and disables the feed once
// it has failed for DisableAfter. It reports whether this call disabled it.
func (f *Feed) recordFailure(now time.Time, err error) bool {
	f.LastFetch = now
	f.LastResult = trimRunes(err.Error(), maxResultChars)
	f.Errors++
	if f.FailingSince.IsZero() {
		f.FailingSince = now
	}
	f.NextFetch = now.Add(backoff(f.Errors, err))
	if now.Sub(f.FailingSince) >= DisableAfter && !f.Disabled {
		f.Disabled, f.DisabledAt = true, now
		return true
	}
	return false
}

func backoff(errs int, err error) time.Duration {
	d := BackoffMax
	if errs < 20 { // 2^20 · 15 min is far past the cap
		d = min(BackoffBase<<(errs-1), BackoffMax)
	}
	var se *HTTPStatusError
	if errors.As(err, &se) && se.RetryAfter > d {
		d = min(se.RetryAfter, BackoffMax)
	}
	return d
}

func trimRunes(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

// FeedURL validates and normalises a feed URL given by an admin: http or
// https, a host, lower-case scheme and host, no fragment. Query parameters
// are kept (some feeds need them).
func FeedURL(raw string) (string, error) {
	return CanonicalURL(raw, nil)
}

// AddFeed subscribes to a feed, or, when it exists, replaces its topic hints
// (if topics is non-empty) and re-enables it with a clean error count. It
// reports whether the feed is new.
func (s *Store) AddFeed(ctx context.Context, rawURL string, topics []string) (Feed, bool, error) {
	u, err := addableFeedURL(ctx, rawURL)
	if err != nil {
		return Feed{}, false, fmt.Errorf("news: add feed: %w", err)
	}
	var f Feed
	var created bool
	err = s.db.Update(func(tx *bolt.Tx) error {
		f, created, err = s.addFeedTx(tx, u, topics)
		return err
	})
	if err != nil {
		return Feed{}, false, fmt.Errorf("news: add feed: %w", err)
	}
	return f, created, nil
}

// addableFeedURL is the checks before AddFeed's write: a valid URL (in
// canonical form) and a live ctx.
func addableFeedURL(ctx context.Context, rawURL string) (string, error) {
	u, err := FeedURL(rawURL)
	if err != nil {
		return "", err
	}
	return u, ctx.Err()
}

// addFeedTx is AddFeed's write inside tx, for the canonical URL u. A failure
// leaves tx as it was, so AddFeeds can keep the feeds before it.
func (s *Store) addFeedTx(tx *bolt.Tx, u string, topics []string) (Feed, bool, error) {
	topics = mergeTopics(topics)
	var f Feed
	created := false
	err := updateFeedTx(tx, u, func(cur *Feed, exists bool) error {
		if !exists {
			*cur = Feed{URL: u, Added: s.now().UTC()}
			created = true
		}
		if len(topics) > 0 {
			cur.Topics = topics
		}
		cur.Disabled, cur.DisabledAt, cur.Errors, cur.FailingSince, cur.NextFetch = false, time.Time{}, 0, time.Time{}, time.Time{}
		f = *cur
		return nil
	})
	return f, created, err
}

// RemoveFeed deletes a feed given by URL or by its 1-based number in
// ListFeeds order (what /feeds shows). Its stored articles stay until
// retention prunes them.
func (s *Store) RemoveFeed(ctx context.Context, urlOrNumber string) (Feed, error) {
	if err := ctx.Err(); err != nil {
		return Feed{}, fmt.Errorf("news: remove feed: %w", err)
	}
	var f Feed
	err := s.db.Update(func(tx *bolt.Tx) error {
		key, err := resolveFeedKey(tx, urlOrNumber)
		if err != nil {
			return err
		}
		b := tx.Bucket(bucketFeeds)
		if f, err = decodeFeed(b.Get(key)); err != nil {
			return err
		}
		return b.Delete(key)
	})
	if err != nil {
		return Feed{}, fmt.Errorf("news: remove feed %q: %w", urlOrNumber, err)
	}
	return f, nil
}

// resolveFeedKey finds the bucket key for a URL or a 1-based list number.
func resolveFeedKey(tx *bolt.Tx, ref string) ([]byte, error) {
	b := tx.Bucket(bucketFeeds)
	ref = strings.TrimSpace(ref)
	if n, err := strconv.Atoi(ref); err == nil {
		i := 0
		c := b.Cursor()
		for k, _ := c.First(); k != nil; k, _ = c.Next() {
			if i++; i == n {
				return k, nil
			}
		}
		return nil, fmt.Errorf("%w: number %d (there are %d feeds)", ErrFeedNotFound, n, i)
	}
	for _, cand := range []string{ref, canonicalOr(ref)} {
		if b.Get([]byte(cand)) != nil {
			return []byte(cand), nil
		}
	}
	return nil, ErrFeedNotFound
}

func canonicalOr(raw string) string {
	if u, err := FeedURL(raw); err == nil {
		return u
	}
	return raw
}

// ListFeeds returns every feed in URL order (the numbering /delfeed N uses).
func (s *Store) ListFeeds(ctx context.Context) ([]Feed, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("news: list feeds: %w", err)
	}
	var out []Feed
	err := s.db.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketFeeds).ForEach(func(_, v []byte) error {
			f, err := decodeFeed(v)
			out = append(out, f)
			return err
		})
	})
	if err != nil {
		return nil, fmt.Errorf("news: list feeds: %w", err)
	}
	return out, nil
}

// GetFeed returns one feed by URL.
func (s *Store) GetFeed(ctx context.Context, rawURL string) (Feed, error) {
	if err := ctx.Err(); err != nil {
		return Feed{}, fmt.Errorf("news: get feed: %w", err)
	}
	var f Feed
	err := s.db.View(func(tx *bolt.Tx) error {
		key, err := resolveFeedKey(tx, rawURL)
		if err != nil {
			return err
		}
		f, err = decodeFeed(tx.Bucket(bucketFeeds).Get(key))
		return err
	})
	if err != nil {
		return Feed{}, fmt.Errorf("news: get feed %q: %w", rawURL, err)
	}
	return f, nil
}

// DisabledFeeds returns the feeds disabled for failing too long, so the bot
// can remind admins (the Ingester's Report lists those disabled in a run).
func (s *Store) DisabledFeeds(ctx context.Context) ([]Feed, error) {
	all, err := s.ListFeeds(ctx)
	if err != nil {
		return nil, err
	}
	var out []Feed
	for _, f := range all {
		if f.Disabled {
			out = append(out, f)
		}
	}
	return out, nil
}

// SeedFeeds adds specs only when no feed has ever been configured (first
// start from NEWSDIGEST_FEEDS or a feeds file); later starts leave the
// admin's list alone. It returns how many it added.
func (s *Store) SeedFeeds(ctx context.Context, specs []FeedSpec) (int, error) {
	feeds, err := s.ListFeeds(ctx)
	if err != nil || len(feeds) > 0 {
		return 0, err
	}
	res, err := s.AddFeeds(ctx, specs)
	return res.Added, err
}

// updateFeedTx runs fn on the feed stored under key and writes the result
// back.
func updateFeedTx(tx *bolt.Tx, key string, fn func(f *Feed, exists bool) error) error {
	b := tx.Bucket(bucketFeeds)
	var f Feed
	v := b.Get([]byte(key))
	if v != nil {
		var err error
		if f, err = decodeFeed(v); err != nil {
			return err
		}
	}
	if err := fn(&f, v != nil); err != nil {
		return err
	}
	data, err := json.Marshal(f)
	if err != nil {
		return err
	}
	return b.Put([]byte(key), data)
}

func decodeFeed(v []byte) (Feed, error) {
	var f Feed
	if v == nil {
		return f, ErrFeedNotFound
	}
	if err := json.Unmarshal(v, &f); err != nil {
		return f, fmt.Errorf("%w: feed record: %v", ErrCorrupt, err)
	}
	return f, nil
}
