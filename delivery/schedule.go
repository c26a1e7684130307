package delivery

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"time"

	"github.com/robfig/cron/v3"
	bolt "go.etcd.io/bbolt"
)

// Run delivers until ctx ends: it catches up on slots missed while the
// process was down, then runs the cron jobs (due-check every minute, ingest
// every IngestEvery, pruning) and the outbox workers. When ctx ends it stops
// taking work, lets sends already on the wire finish (up to Shutdown) and
// returns once their results are durable.
func (s *Service) Run(ctx context.Context) error {
	c, err := s.cron(ctx)
	if err != nil {
		return err
	}
	sendCtx, cancelSends := context.WithCancel(context.WithoutCancel(ctx))
	defer cancelSends()
	jobs := make(chan task)
	var workers sync.WaitGroup
	for range s.cfg.Workers {
		workers.Go(func() { s.work(ctx, sendCtx, jobs) })
	}
	dispatched := make(chan struct{})
	go func() {
		defer close(dispatched)
		var feeders sync.WaitGroup
		feeders.Go(func() { s.dispatch(ctx, jobs) })
		feeders.Go(func() { s.pace(ctx, jobs) })
		feeders.Wait()
		close(jobs)
	}()
	if err := s.Tick(ctx); err != nil {
		s.cfg.Log.ErrorContext(ctx, "delivery: catch-up failed", "err", err)
	}
	c.Start()
	<-ctx.Done()
	<-c.Stop().Done()
	<-dispatched
	s.drain(&workers, cancelSends)
	return nil
}

// drain waits for in-flight sends, cancelling them after cfg.Shutdown. The
// Bot API client cannot always abort a request on the wire, so after one
// more second drain gives up on stragglers: their messages were not
// recorded as sent and may go again at the next start.
func (s *Service) drain(workers *sync.WaitGroup, cancel context.CancelFunc) {
	done := make(chan struct{})
	go func() { workers.Wait(); close(done) }()
	select {
	case <-done:
		return
	case <-time.After(s.cfg.Shutdown):
	}
	s.cfg.Log.Warn("delivery: shutdown deadline reached; cancelling sends in flight", "deadline", s.cfg.Shutdown)
	cancel()
	select {
	case <-done:
	case <-time.After(time.Second):
		s.cfg.Log.Warn("delivery: sends still in flight at shutdown; they may be repeated at the next start")
	}
}

// job is one cron entry.
type job struct {
	spec, name string
	fn         func(context.Context) error
}

func (s *Service) cron(ctx context.Context) (*cron.Cron, error) {
	logger := cronLogger{s.cfg.Log}
	// Recover must sit inside SkipIfStillRunning: robfig's skip wrapper
	// hands its token back only when the job returns, so a panic escaping
	// it would silence the job for good.
	c := cron.New(cron.WithLocation(time.UTC), cron.WithLogger(logger),
		cron.WithChain(cron.SkipIfStillRunning(logger), cron.Recover(logger)))
	jobs := []job{{"* * * * *", "due-check", s.Tick}, {"* * * * *", "alerts", s.CheckAlerts}, {s.cfg.PruneSpec, "prune", s.Prune}}
	if s.cfg.Ingest != nil {
		jobs = append(jobs, job{"@every " + s.cfg.IngestEvery.String(), "ingest", s.cfg.Ingest})
	}
	for _, j := range jobs {
		if _, err := c.AddFunc(j.spec, func() {
			if err := j.fn(ctx); err != nil && ctx.Err() == nil {
				s.cfg.Log.ErrorContext(ctx, "delivery: job failed", "job", j.name, "err", err)
			}
		}); err != nil {
			return nil, fmt.Errorf("delivery: schedule %s %q: %w", j.name, j.spec, err)
		}
	}
	return c, nil
}

// Tick queues the digests of every chat due since the last processed minute
// up to now (at most Grace back), and records the minute in the same
// transaction as the last batch, so a slot is queued once even across a
// crash. The minute cron job and the catch-up at start both call it.
func (s *Service) Tick(ctx context.Context) error {
	s.tickMu.Lock() // the catch-up and the cron job must not queue one slot twice
	defer s.tickMu.Unlock()
	now := s.cfg.Now().UTC().Truncate(time.Minute)
	var last time.Time
	if err := s.db.View(func(tx *bolt.Tx) error { last = getLastMinute(tx); return nil }); err != nil {
		return fmt.Errorf("delivery: tick: %w", err)
	}
	if last.IsZero() {
		last = now.Add(-time.Minute) // first start: only the current minute is due
	}
	from := last
	if floor := now.Add(-s.cfg.Grace); from.Before(floor) {
		s.cfg.Log.WarnContext(ctx, "delivery: down longer than the grace window; older slots skipped", "since", last, "grace", s.cfg.Grace)
		from = floor
	}
	if !now.After(from) {
		return nil
	}
	ids, err := s.subs.Due(ctx, from, now)
	if err != nil {
		return fmt.Errorf("delivery: tick: %w", err)
	}
	n, err := s.composeAndEnqueue(ctx, ids, func(tx *bolt.Tx) error { return putLastMinute(tx, now) })
	if n > 0 || len(ids) > 0 {
		s.cfg.Log.InfoContext(ctx, "delivery: due-check", "from", from, "to", now, "due", len(ids), "queued", n)
	}
	return err
}

// Prune removes failed records older than Retention and cursors of chats
// that unsubscribed.
func (s *Service) Prune(ctx context.Context) error {
	cutoff := s.cfg.Now().Add(-s.cfg.Retention)
	var oldIDs []uint64
	var chats []int64
	err := s.db.View(func(tx *bolt.Tx) error {
		if err := tx.Bucket(bucketOutbox).ForEach(func(k, v []byte) error {
			r, err := decodeRecord(k, v, tx.Bucket(bucketProgress))
			if err == nil && r.State == stateFailed && r.Created.Before(cutoff) {
				oldIDs = append(oldIDs, r.ID)
			}
			return nil // an undecodable record is left for an operator to inspect
		}); err != nil {
			return err
		}
		return tx.Bucket(bucketCursors).ForEach(func(k, _ []byte) error {
			chats = append(chats, chatFromKey(k))
			return nil
		})
	})
	if err != nil {
		return fmt.Errorf("delivery: prune: %w", err)
	}
	gone, err := s.unsubscribed(ctx, chats)
	if err != nil {
		return err
	}
	if err := s.pruneAlerts(ctx); err != nil {
		return err
	}
	return s.pruneWrite(ctx, oldIDs, gone)
}

// unsubscribed returns the chats that have no subscriber, read in one
// transaction (GetMany skips unknown chats).
func (s *Service) unsubscribed(ctx context.Context, chats []int64) ([]int64, error) {
	subs, err := s.subs.GetMany(ctx, chats)
	if err != nil {
		return nil, fmt.Errorf("delivery: prune: %w", err)
	}
	known := make(map[int64]bool, len(subs))
	for _, sub := range subs {
		known[sub.ChatID] = true
	}
	return slices.DeleteFunc(chats, func(id int64) bool { return known[id] }), nil
}

func (s *Service) pruneWrite(ctx context.Context, ids []uint64, chats []int64) error {
	// A push's later records name bodies its earlier ones wrote (and may
	// have sent and deleted already): no pruning of bodies mid-push.
	s.composeMu.Lock()
	defer s.composeMu.Unlock()
	bodies, pages := 0, 0
	err := s.db.Update(func(tx *bolt.Tx) error {
		for _, id := range ids {
			if err := deleteRecord(tx, id); err != nil {
				return err
			}
		}
		for _, id := range chats {
			if err := tx.Bucket(bucketCursors).Delete(chatKey(id)); err != nil {
				return err
			}
		}
		var err error
		if bodies, err = pruneBodies(tx); err != nil {
			return err
		}
		pages, err = prunePages(tx, s.cfg.Now())
		return err
	})
	s.commits.Add(1)
	if err != nil {
		return fmt.Errorf("delivery: prune: %w", err)
	}
	s.cfg.Log.InfoContext(ctx, "delivery: pruned", "failed_records", len(ids), "cursors", len(chats), "bodies", bodies, "more_pages", pages)
	return nil
}

// cronLogger sends robfig/cron's log lines to slog.
type cronLogger struct{ log *slog.Logger }

func (l cronLogger) Info(msg string, kv ...any) { l.log.Debug("cron: "+msg, kv...) }
func (l cronLogger) Error(err error, msg string, kv ...any) {
	l.log.Error("cron: "+msg, append(kv, "err", err)...)
}
