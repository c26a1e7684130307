package delivery

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	lru "github.com/hashicorp/golang-lru/v2"
	bolt "go.etcd.io/bbolt"

	"newsdigest/digest"
	"newsdigest/news"
	"newsdigest/subscriptions"
)

// Service owns the outbox and the workers that empty it.
type Service struct {
	db       *bolt.DB
	subs     *subscriptions.Store
	articles *news.Store
	engine   *digest.Engine
	sender   Sender
	cfg      Config
	com      *committer
	window   chan struct{} // bulk sends in flight (handed to Sender, not yet marked sent)
	replies  chan struct{} // the same for interactive replies, so they never wait behind bulk

	tickMu     sync.Mutex // one due-check at a time
	composeMu  sync.Mutex // one push composing at a time
	mu         sync.Mutex
	active     map[uint64]bool // records a worker holds
	busy       map[int64]int   // chats with a record in progress
	resumeFrom uint64          // the dispatcher has seen every record below this ID
	rescanFrom uint64          // a skipped record at or after this ID may be ready now
	nextDue    time.Time       // earliest NotBefore of a deferred record
	wake       chan struct{}
	ready      readyQueue // claimed records waiting for their chat (see pace)
	readyWake  chan struct{}
	bodies     *lru.Cache[string, body] // decoded message bodies by key (bodyCache of them)
	recent     recentCache              // the last RecentStories result (/search)

	commits  atomic.Int64
	sent     atomic.Int64
	gone     atomic.Int64
	moved    atomic.Int64
	throttle atomic.Int64
	parked   atomic.Int64
}

// New opens the delivery state in db (creating its buckets) and starts the
// commit loop. Call Run to deliver on schedule and Close when done.
func New(db *bolt.DB, subs *subscriptions.Store, articles *news.Store, engine *digest.Engine, sender Sender, cfg Config) (*Service, error) {
	if db == nil || subs == nil || articles == nil || engine == nil || sender == nil {
		return nil, errors.New("delivery: new: db, stores, engine and sender are required")
	}
	if err := db.Update(func(tx *bolt.Tx) error { return errors.Join(createBuckets(tx), createAlertBuckets(tx)) }); err != nil {
		return nil, err
	}
	cfg = cfg.withDefaults()
	s := &Service{
		db: db, subs: subs, articles: articles, engine: engine, sender: sender, cfg: cfg,
		window:     make(chan struct{}, cfg.InFlight),
		replies:    make(chan struct{}, 2),
		active:     map[uint64]bool{},
		busy:       map[int64]int{},
		rescanFrom: 1,
		wake:       make(chan struct{}, 1),
		readyWake:  make(chan struct{}, 1),
	}
	var err error
	if s.bodies, err = lru.New[string, body](bodyCache); err != nil {
		return nil, fmt.Errorf("delivery: new: %w", err)
	}
	s.commits.Add(1)
	s.com = newCommitter(db, &s.commits, cfg.CommitEvery)
	return s, nil
}

// Close stops the commit loop after what is queued is durable. Call it after
// Run has returned and before closing the database.
func (s *Service) Close() error {
	s.com.close()
	return nil
}

// Stats is what /stats shows about delivery.
type Stats struct {
	Pending  int       // records waiting to be sent (including deferred)
	Deferred int       // pending records held back by a long retry_after or a backoff
	Failed   int       // records parked after repeated failures or a rejection
	Sent     int64     // messages sent since start
	Gone     int64     // chats found blocked/deleted since start (marked inactive)
	Moved    int64     // groups moved to their supergroup since start
	Throttle int64     // 429 answers since start
	Commits  int64     // bbolt write transactions since start
	LastTick time.Time // the last minute the due-check completed (zero: never)
}

// Stats counts the outbox and reports the counters since start.
func (s *Service) Stats(ctx context.Context) (Stats, error) {
	st := Stats{Sent: s.sent.Load(), Gone: s.gone.Load(), Moved: s.moved.Load(), Throttle: s.throttle.Load(), Commits: s.commits.Load()}
	if err := ctx.Err(); err != nil {
		return st, fmt.Errorf("delivery: stats: %w", err)
	}
	now := s.cfg.Now()
	err := s.db.View(func(tx *bolt.Tx) error {
		st.LastTick = getLastMinute(tx)
		return tx.Bucket(bucketOutbox).ForEach(func(k, v []byte) error {
			r, err := decodeRecord(k, v, tx.Bucket(bucketProgress))
			if err != nil {
				r.State = stateFailed // unreadable: never sent, shown as failed
			}
			st.count(r, now)
			return nil
		})
	})
	if err != nil {
		return st, fmt.Errorf("delivery: stats: %w", err)
	}
	return st, nil
}

func (st *Stats) count(r record, now time.Time) {
	switch {
	case r.State == stateFailed:
		st.Failed++
	case r.NotBefore.After(now):
		st.Pending++
		st.Deferred++
	default:
		st.Pending++
	}
}

// Commits is the number of bbolt write transactions the service made.
func (s *Service) Commits() int64 { return s.commits.Load() }

func (s *Service) signal() {
	select {
	case s.wake <- struct{}{}:
	default:
	}
}
