package delivery

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	bolt "go.etcd.io/bbolt"
)

// committer applies small outbox writes in group commits, at most one
// transaction (one fsync) per interval: whatever arrived since the previous
// commit goes into the next one. A write that comes after a quiet spell is
// committed at once, so a lone /digest reply is not delayed; under a push
// the marks of about interval × rate messages share each fsync. bbolt's
// Batch is not used: it commits after MaxBatchDelay or MaxBatchSize calls,
// whichever comes first, so a full batch triggers an fsync however recent
// the last one was, and it re-runs every function of a failed batch alone
// inside Batch's own retry (here a failed group is retried op by op once).
type committer struct {
	db       *bolt.DB
	ops      chan commitOp
	done     chan struct{}
	commits  *atomic.Int64
	interval time.Duration

	mu     sync.RWMutex // held for reading while queueing, so close cannot race a send
	closed bool
}

// ErrClosed is returned for writes after the service was closed (a send
// that outlived the shutdown deadline): the message may be sent again at
// the next start.
var ErrClosed = errors.New("delivery: service closed")

type commitOp struct {
	fn  func(*bolt.Tx) error
	res chan error
}

const maxGroup = 4096

func newCommitter(db *bolt.DB, commits *atomic.Int64, interval time.Duration) *committer {
	c := &committer{db: db, ops: make(chan commitOp, maxGroup), done: make(chan struct{}), commits: commits, interval: interval}
	go c.loop()
	return c
}

// do runs fn in a group commit and waits until it is durable.
func (c *committer) do(ctx context.Context, fn func(*bolt.Tx) error) error {
	op := commitOp{fn: fn, res: make(chan error, 1)}
	c.mu.RLock()
	if c.closed {
		c.mu.RUnlock()
		return ErrClosed
	}
	select {
	case c.ops <- op:
	case <-ctx.Done():
		c.mu.RUnlock()
		return fmt.Errorf("delivery: commit: %w", ctx.Err())
	}
	c.mu.RUnlock()
	// Once queued the write happens; wait for it even if ctx ends, so the
	// caller never believes a durable mark was lost.
	return <-op.res
}

// close commits what is queued and stops the loop.
func (c *committer) close() {
	c.mu.Lock()
	if !c.closed {
		c.closed = true
		close(c.ops)
	}
	c.mu.Unlock()
	<-c.done
}

func (c *committer) loop() {
	defer close(c.done)
	var last time.Time
	for first := range c.ops {
		// Let the interval since the previous commit pass; sends keep
		// queueing meanwhile and join this group.
		if wait := c.interval - time.Since(last); wait > 0 {
			time.Sleep(wait)
		}
		last = time.Now()
		group := []commitOp{first}
	drain:
		for len(group) < maxGroup {
			select {
			case op, ok := <-c.ops:
				if !ok {
					break drain
				}
				group = append(group, op)
			default:
				break drain
			}
		}
		c.commit(group)
	}
}

// commit applies a group in one transaction; if that fails, each op gets
// its own so one bad write cannot fail the others.
func (c *committer) commit(group []commitOp) {
	err := c.db.Update(func(tx *bolt.Tx) error {
		for _, op := range group {
			if err := op.fn(tx); err != nil {
				return err
			}
		}
		return nil
	})
	c.commits.Add(1)
	if err == nil || len(group) == 1 {
		for _, op := range group {
			op.res <- err
		}
		return
	}
	for _, op := range group {
		op.res <- c.db.Update(op.fn)
		c.commits.Add(1)
	}
}
