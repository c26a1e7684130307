package news

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net/url"
	"os"
	"slices"
	"sync"
	"time"

	"golang.org/x/sync/errgroup"
	"golang.org/x/sync/semaphore"

	"newsdigest/seeds"
)

// Ingest defaults.
const (
	DefaultWorkers   = 8
	DefaultPerHost   = 2
	DefaultRetention = 14 * 24 * time.Hour
	// RememberFactor: a pruned article's ID and hash stay known this many
	// retention periods after it was first seen, so feeds that keep listing
	// undated items do not bring them back as new.
	RememberFactor = 4
)

// Feed result statuses in a Report.
const (
	StatusOK          = "ok"
	StatusNotModified = "not modified"
	StatusError       = "error"
	StatusCancelled   = "cancelled"
)

// IngesterOptions configures an Ingester; the zero value means the defaults
// and no seeds.
type IngesterOptions struct {
	Fetcher   FetcherOptions
	Workers   int           // concurrent fetches; default DefaultWorkers
	PerHost   int           // concurrent fetches per host; default DefaultPerHost
	Retention time.Duration // articles first seen longer ago are pruned; 0 = DefaultRetention, < 0 = keep all
	Seeds     fs.FS         // seed files re-read every run; nil = none (see SeedsDir)
	Logger    *slog.Logger  // default slog.Default()
	// Progress, if set, is called after each feed, one call at a time.
	Progress func(done, total int, r FeedResult)
	// Stored, if set, is called with the articles each commit stored (a
	// feed's new items, the new seed files), once they are durable, from
	// the worker that committed them: it must be safe for concurrent use.
	// The digest engine learns an outlet's boilerplate from it
	// (digest.Engine.Learn).
	Stored func(arts []Article)
}

// Ingester runs one ingest pass: seeds folder, every due feed, pruning.
// Run it from a cron job; a Run that finds the previous one still going
// returns ErrIngestRunning at once.
type Ingester struct {
	store   *Store
	fetch   *Fetcher
	o       IngesterOptions
	running sync.Mutex // held for a whole Run: a slow pass makes the next tick skip, not overlap
}

// ErrIngestRunning is returned by Run while another Run of the same
// Ingester is still going (a cron tick that came too soon).
var ErrIngestRunning = errors.New("news: an ingest run is already in progress")

// FeedResult is what happened to one feed in a run.
type FeedResult struct {
	URL      string
	Title    string
	Status   string // StatusOK, StatusNotModified, StatusError, StatusCancelled
	Items    int    // items in the document
	New      int    // articles stored
	Err      error
	Duration time.Duration
	Disabled bool   // this failure disabled the feed (failing for DisableAfter)
	MovedTo  string // the feed redirected permanently here; it is now stored under this URL
}

// Report summarises a run.
type Report struct {
	Started       time.Time
	Duration      time.Duration
	Feeds         []FeedResult // due feeds, in ListFeeds order
	Skipped       int          // feeds not due (backoff) or disabled
	OK            int          // 200 and parsed
	NotModified   int          // 304
	Failed        int
	New           int      // articles stored from feeds
	SeedsNew      int      // articles stored from the seeds folder
	SeedErr       error    // seed files that could not be read (the rest were stored)
	Pruned        int      // articles removed by retention
	NewlyDisabled []string // URLs of feeds disabled in this run: tell the admins
}

// SeedsDir returns the seeds folder to read: dir on disk, or the seed files
// embedded in the binary when dir is empty.
func SeedsDir(dir string) fs.FS {
	if dir == "" {
		return seeds.FS
	}
	return os.DirFS(dir)
}

// NewIngester builds an Ingester on store.
func NewIngester(store *Store, o IngesterOptions) *Ingester {
	o.Workers = cmp.Or(max(o.Workers, 0), DefaultWorkers)
	o.PerHost = cmp.Or(max(o.PerHost, 0), DefaultPerHost)
	o.Retention = cmp.Or(o.Retention, DefaultRetention)
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	return &Ingester{store: store, fetch: NewFetcher(o.Fetcher), o: o}
}

// Run reads the seeds folder, fetches every due feed through the worker
// pool, stores new articles and prunes old ones. A failing feed is recorded
// in its state and the Report, not returned as an error; Run returns an
// error only when the store fails or ctx ends (with the partial Report).
func (in *Ingester) Run(ctx context.Context) (Report, error) {
	if !in.running.TryLock() {
		return Report{}, ErrIngestRunning
	}
	defer in.running.Unlock()
	rep := Report{Started: in.store.now().UTC()}
	if err := in.ingestSeeds(ctx, &rep); err != nil {
		return rep, err
	}
	feeds, err := in.store.ListFeeds(ctx)
	if err != nil {
		return rep, err
	}
	due := slices.DeleteFunc(feeds, func(f Feed) bool { return !f.Due(rep.Started) })
	rep.Skipped = len(feeds) - len(due)
	gc := newGroupCommitter(in.store)
	rep.Feeds = in.fetchAll(ctx, gc, due)
	gc.close()
	in.tally(&rep)
	if err := ctx.Err(); err != nil {
		return in.finish(rep), fmt.Errorf("news: ingest: %w", err)
	}
	if in.o.Retention > 0 {
		rep.Pruned, err = in.prune(ctx, rep.Started)
	}
	return in.finish(rep), err
}

// prune deletes articles past retention and forgets their IDs after
// RememberFactor times as long.
func (in *Ingester) prune(ctx context.Context, now time.Time) (int, error) {
	n, err := in.store.Prune(ctx, now.Add(-in.o.Retention))
	if err != nil {
		return n, err
	}
	_, err = in.store.ForgetPruned(ctx, now.Add(-RememberFactor*in.o.Retention))
	return n, err
}

func (in *Ingester) finish(rep Report) Report {
	rep.Duration = in.store.now().Sub(rep.Started)
	in.o.Logger.Info("ingest done", "feeds", len(rep.Feeds), "ok", rep.OK, "not_modified", rep.NotModified,
		"failed", rep.Failed, "skipped", rep.Skipped, "new", rep.New, "seeds_new", rep.SeedsNew, "pruned", rep.Pruned)
	return rep
}

// ingestSeeds stores new or changed seed files. Unreadable files are logged
// and reported; they never stop the feeds.
func (in *Ingester) ingestSeeds(ctx context.Context, rep *Report) error {
	if in.o.Seeds == nil {
		return nil
	}
	arts, serr := LoadSeeds(ctx, in.o.Seeds)
	if serr != nil {
		rep.SeedErr = serr
		in.o.Logger.Warn("seed files skipped", "err", serr)
	}
	added, err := in.store.Add(ctx, arts)
	rep.SeedsNew = len(added)
	in.stored(added)
	return err
}

// stored tells Options.Stored about newly stored articles.
func (in *Ingester) stored(arts []Article) {
	if in.o.Stored != nil && len(arts) > 0 {
		in.o.Stored(arts)
	}
}

func (in *Ingester) tally(rep *Report) {
	for _, r := range rep.Feeds {
		rep.New += r.New
		switch r.Status {
		case StatusOK:
			rep.OK++
		case StatusNotModified:
			rep.NotModified++
		case StatusError:
			rep.Failed++
		}
		if r.Disabled {
			rep.NewlyDisabled = append(rep.NewlyDisabled, r.URL)
		}
	}
}

// fetchAll fetches feeds with at most Workers at once and PerHost per host.
func (in *Ingester) fetchAll(ctx context.Context, gc *groupCommitter, feeds []Feed) []FeedResult {
	results := make([]FeedResult, len(feeds))
	hosts := map[string]*semaphore.Weighted{}
	for _, f := range feeds {
		if h := hostKey(f.URL); hosts[h] == nil {
			hosts[h] = semaphore.NewWeighted(int64(in.o.PerHost))
		}
	}
	var mu sync.Mutex // serialises Progress and the disabled list
	done := 0
	var g errgroup.Group
	g.SetLimit(in.o.Workers)
	for i, f := range feeds {
		if ctx.Err() != nil {
			results[i] = FeedResult{URL: f.URL, Title: f.Title, Status: StatusCancelled, Err: ctx.Err()}
			continue
		}
		g.Go(func() error {
			results[i] = in.fetchOne(ctx, gc, f, hosts[hostKey(f.URL)])
			mu.Lock()
			defer mu.Unlock()
			done++
			if in.o.Progress != nil {
				in.o.Progress(done, len(feeds), results[i])
			}
			return nil
		})
	}
	_ = g.Wait() // workers never return errors; results carry them
	return results
}

func hostKey(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return raw
	}
	return u.Host
}

// fetchOne fetches, normalises and stores one feed and records its state.
func (in *Ingester) fetchOne(ctx context.Context, gc *groupCommitter, f Feed, host *semaphore.Weighted) FeedResult {
	r := FeedResult{URL: f.URL, Title: f.Title}
	if err := host.Acquire(ctx, 1); err != nil {
		r.Status, r.Err = StatusCancelled, err
		return r
	}
	start := time.Now()
	res, err := in.fetchOrDiscover(ctx, f)
	host.Release(1)
	r.Duration = time.Since(start)
	if ctx.Err() != nil {
		// Our own shutdown is not the feed's fault: leave its state alone.
		r.Status, r.Err = StatusCancelled, ctx.Err()
		return r
	}
	if err != nil {
		return in.recordFailure(gc, f, r, err)
	}
	return in.recordSuccess(gc, f, r, res)
}

// fetchOrDiscover fetches the feed; when its URL is a web page announcing
// feeds, it fetches the first announced feed instead and reports it as the
// feed's new home (MovedTo), so an admin may subscribe by site address.
func (in *Ingester) fetchOrDiscover(ctx context.Context, f Feed) (FetchResult, error) {
	res, err := in.fetch.Fetch(ctx, f.URL, f.ETag, f.LastModified)
	var nf *NotFeedError
	if !errors.As(err, &nf) {
		return res, err
	}
	alt, aerr := in.fetch.Fetch(ctx, nf.Alternates[0], "", "")
	if aerr != nil {
		return res, fmt.Errorf("%w; the linked feed failed too: %w", err, aerr)
	}
	alt.MovedTo = firstNonEmpty(alt.MovedTo, alt.URL)
	return alt, nil
}

func (in *Ingester) recordFailure(gc *groupCommitter, f Feed, r FeedResult, ferr error) FeedResult {
	r.Status, r.Err = StatusError, ferr
	var disabled bool
	_, err := gc.commit(f.URL, "", nil, func(st *Feed, _ int) {
		disabled = st.recordFailure(in.store.now().UTC(), ferr)
	})
	in.o.Logger.Warn("feed failed", "feed", f.URL, "err", ferr, "disabled", disabled)
	if err != nil && !errors.Is(err, ErrFeedNotFound) {
		r.Err = errors.Join(ferr, err)
	}
	if r.Disabled = disabled; disabled {
		r.Err = fmt.Errorf("%w (feed disabled after failing for %d days)", r.Err, int(DisableAfter.Hours()/24))
	}
	return r
}

func (in *Ingester) recordSuccess(gc *groupCommitter, f Feed, r FeedResult, res FetchResult) FeedResult {
	r.Status = StatusNotModified
	var arts []Article
	if !res.NotModified {
		r.Status = StatusOK
		r.Items = len(res.Feed.Items)
		r.Title = firstNonEmpty(FeedInfoFrom(f.URL, res.Feed, nil).Title, r.Title) // cleaned and capped as the articles' source
		arts = in.articles(f, res)
	}
	r.MovedTo = res.MovedTo
	added, err := gc.commit(f.URL, res.MovedTo, arts, func(st *Feed, n int) {
		st.recordSuccess(in.store.now().UTC(), res, r.Items, n)
	})
	r.New = len(added)
	in.stored(added)
	if err != nil && !errors.Is(err, ErrFeedNotFound) {
		r.Status, r.Err = StatusError, err
	}
	in.o.Logger.Debug("feed fetched", "feed", f.URL, "status", r.Status, "items", r.Items, "new", r.New, "charset", res.Charset)
	return r
}

// articles normalises a parsed feed's items, oldest first so Seq follows
// publication order, dropping items older than the retention window (they
// would come back after being pruned).
func (in *Ingester) articles(f Feed, res FetchResult) []Article {
	fi := FeedInfoFrom(f.URL, res.Feed, f.Topics)
	cutoff := time.Time{}
	if in.o.Retention > 0 {
		cutoff = in.store.now().Add(-in.o.Retention)
	}
	var arts []Article
	for _, it := range res.Feed.Items {
		a, ok := NormalizeItem(it, fi)
		if ok && (a.Published.IsZero() || !a.Published.Before(cutoff)) {
			arts = append(arts, a)
		}
	}
	slices.SortStableFunc(arts, func(a, b Article) int { return a.Published.Compare(b.Published) })
	return arts
}

// RunFeed fetches one subscribed feed now, ignoring its backoff: after
// /addfeed the bot can tell the admin at once whether the feed works (title,
// items, or the error). The outcome is recorded like in Run. The error is
// for an unknown feed or an ended ctx; a failing feed is in the result.
func (in *Ingester) RunFeed(ctx context.Context, feedURL string) (FeedResult, error) {
	f, err := in.store.GetFeed(ctx, feedURL)
	if err != nil {
		return FeedResult{}, err
	}
	gc := newGroupCommitter(in.store)
	defer gc.close()
	r := in.fetchOne(ctx, gc, f, semaphore.NewWeighted(1))
	if r.Status == StatusCancelled {
		return r, fmt.Errorf("news: fetch %s: %w", f.URL, r.Err)
	}
	return r, nil
}
