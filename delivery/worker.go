package delivery

import (
	"context"
	"errors"
	"math/rand/v2"
	"time"

	bolt "go.etcd.io/bbolt"

	"newsdigest/subscriptions"
)

const scanChunk = 256

// dispatch hands ready records to the worker pool until ctx ends. It reads
// new records in ID order from where it stopped, and goes back only for
// records it had to skip (chat busy, deferred) once they may be ready.
func (s *Service) dispatch(ctx context.Context, jobs chan<- task) {
	for {
		from := s.scanStart()
		for from != 0 && ctx.Err() == nil {
			recs, next, err := s.readChunk(from)
			if err != nil {
				s.cfg.Log.ErrorContext(ctx, "delivery: read outbox", "err", err)
				break
			}
			for _, r := range recs {
				s.launch(ctx, jobs, r)
			}
			from = next
		}
		if !s.sleep(ctx) {
			return
		}
	}
}

// work delivers records from jobs until it is closed. A fixed pool rather
// than a goroutine per record keeps grown stacks and bounds memory.
func (s *Service) work(ctx, sendCtx context.Context, jobs <-chan task) {
	for j := range jobs {
		s.advance(ctx, sendCtx, j)
	}
}

// scanStart returns the first record ID worth reading.
func (s *Service) scanStart() uint64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.nextDue.IsZero() && !s.cfg.Now().Before(s.nextDue) {
		s.nextDue = time.Time{}
		s.rescanFrom = 1
	}
	from := s.resumeFrom + 1
	if s.rescanFrom != 0 && s.rescanFrom < from {
		from = s.rescanFrom
	}
	s.rescanFrom = 0
	return from
}

// sleep waits for new work: an enqueue, a freed chat or a deferred record
// coming due. It reports false when ctx ended.
func (s *Service) sleep(ctx context.Context) bool {
	s.mu.Lock()
	wait := time.Minute
	if !s.nextDue.IsZero() {
		wait = min(wait, max(time.Millisecond, s.nextDue.Sub(s.cfg.Now())))
	}
	s.mu.Unlock()
	t := time.NewTimer(wait)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-s.wake:
	case <-t.C:
	}
	return true
}

// readChunk reads up to scanChunk records from ID from on; next is where to
// continue, 0 at the end. The transaction is closed before records are
// handed out, since a long read transaction would block the file's growth.
func (s *Service) readChunk(from uint64) ([]record, uint64, error) {
	var recs []record
	var next uint64
	err := s.db.View(func(tx *bolt.Tx) error {
		c := tx.Bucket(bucketOutbox).Cursor()
		for k, v := c.Seek(idKey(from)); k != nil; k, v = c.Next() {
			if len(recs) == scanChunk {
				next = keyID(k)
				return nil
			}
			r, err := decodeRecord(k, v, tx.Bucket(bucketProgress))
			if err != nil {
				// Skip it: one damaged entry must not hold up every record
				// after it. It stays for an operator (Stats counts it failed).
				s.cfg.Log.Error("delivery: skipping unreadable outbox record", "err", err)
				continue
			}
			recs = append(recs, r)
		}
		return nil
	})
	return recs, next, err
}

// launch hands r to a worker if it is ready, else notes when to look again.
func (s *Service) launch(ctx context.Context, jobs chan<- task, r record) {
	if !s.claim(r) {
		return
	}
	select {
	case jobs <- task{r: r, chat: r.ChatID}:
	case <-ctx.Done():
		s.release(r, true)
	}
}

// claim marks r as taken if it is ready and its chat is free.
func (s *Service) claim(r record) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.resumeFrom = max(s.resumeFrom, r.ID)
	if r.State != statePending || s.active[r.ID] {
		return false
	}
	if r.NotBefore.After(s.cfg.Now()) {
		if s.nextDue.IsZero() || r.NotBefore.Before(s.nextDue) {
			s.nextDue = r.NotBefore
		}
		return false
	}
	if s.busy[r.ChatID] > 0 {
		s.noteSkipped(r.ID)
		return false
	}
	s.active[r.ID] = true
	s.busy[r.ChatID]++
	return true
}

func (s *Service) noteSkipped(id uint64) {
	if s.rescanFrom == 0 || id < s.rescanFrom {
		s.rescanFrom = id
	}
}

// release frees the record and its chat; a record of the same chat that
// was skipped meanwhile gets another look.
func (s *Service) release(r record, wasActive bool) {
	s.mu.Lock()
	if wasActive {
		delete(s.active, r.ID)
	}
	s.busy[r.ChatID]--
	if s.busy[r.ChatID] <= 0 {
		delete(s.busy, r.ChatID)
	}
	s.mu.Unlock()
	s.signal()
}

// advance sends the next message of a claimed record. A record with more
// to send, or one waiting out a 429 or a backoff, goes back to the ready
// queue until its chat may be sent to: it holds neither a worker nor a
// delivery-window slot while it waits, so the bot-wide limit, not the
// chats' own 1/s buckets, bounds a push of multi-message digests.
func (s *Service) advance(ctx, sendCtx context.Context, j task) {
	if !j.loaded {
		var ok bool
		if j.r, ok = s.start(ctx, sendCtx, j.r); !ok {
			s.release(record{ID: j.r.ID, ChatID: j.chat}, true)
			return
		}
		j.loaded = true
	}
	again, wait := s.step(ctx, sendCtx, &j.r, true)
	if !again || j.r.Sent == len(j.r.Messages) || ctx.Err() != nil {
		s.release(record{ID: j.r.ID, ChatID: j.chat}, true)
		return
	}
	s.queueReady(j, time.Now().Add(wait))
}

// start loads the durable state of a record just claimed; ok is false when
// there is nothing to send (gone, parked, not yet due, or the chat no
// longer wants it, in which case the record is dropped).
func (s *Service) start(ctx, sendCtx context.Context, r record) (record, bool) {
	// The dispatcher's copy may predate a worker that finished or deferred
	// the record a moment ago: start from what is durable.
	r, ok := s.reload(r)
	if !ok {
		return r, false
	}
	if !s.wanted(ctx, r) {
		s.drop(sendCtx, r, "subscriber gone, inactive or paused")
		return r, false
	}
	return r, true
}

// deliver sends r's remaining messages in order, waiting between them in
// this goroutine (SendNow's path: a reply is one chat, so nothing else
// waits behind it). ctx ending stops it between messages (the record stays
// pending and resumes at the next start); sendCtx bounds a send already
// started. It reports whether every message went out.
func (s *Service) deliver(ctx, sendCtx context.Context, r record) bool {
	// Release what was claimed (a migration below changes r.ChatID).
	defer s.release(record{ID: r.ID, ChatID: r.ChatID}, true)
	r, ok := s.start(ctx, sendCtx, r)
	if !ok {
		return false
	}
	for r.Sent < len(r.Messages) && ctx.Err() == nil {
		again, wait := s.step(ctx, sendCtx, &r, false)
		if !again || !sleepCtx(ctx, wait) {
			return false
		}
	}
	return r.Sent == len(r.Messages)
}

// reload re-reads r with its messages; ok is false when it is gone,
// parked or not yet due.
func (s *Service) reload(r record) (record, bool) {
	found := false
	err := s.db.View(func(tx *bolt.Tx) error {
		k := idKey(r.ID)
		v := tx.Bucket(bucketOutbox).Get(k)
		if v == nil {
			return nil
		}
		fresh, err := decodeRecord(k, v, tx.Bucket(bucketProgress))
		if err != nil {
			return err
		}
		bd, err := s.body(tx, fresh.Body)
		if err != nil {
			return err
		}
		fresh.Messages, fresh.Keyboards = bd.Messages, bd.Keyboards
		r, found = fresh, true
		return nil
	})
	if err != nil {
		s.cfg.Log.Error("delivery: reload record", "record", r.ID, "err", err)
	}
	return r, found && r.State == statePending && !r.NotBefore.After(s.cfg.Now())
}

// bodyCache is how many decoded bodies the workers keep. A push has a few
// bodies most chats share (the default preferences in each language and
// local date) among hundreds that a handful of chats have (topic and
// keyword sets); least-recently-used eviction keeps the shared ones while
// the rare ones pass through. At most ~16 KB each, 256 bodies bound the
// cache at about 4 MB. (It was a map cleared whenever 64 bodies were in it:
// with ~1,200 distinct bodies in a 30,000-chat push nearly every record's
// messages were decoded again from JSON.)
const bodyCache = 256

// body returns a record's messages and keyboards; the bodies of a push are
// decoded once while in the cache and kept (read-only) for the records
// that share them.
func (s *Service) body(tx *bolt.Tx, key string) (body, error) {
	if bd, ok := s.bodies.Get(key); ok {
		return bd, nil
	}
	bd, err := loadBody(tx, key)
	if err != nil {
		return body{}, err
	}
	s.bodies.Add(key, bd)
	return bd, nil
}

// wanted reports whether the chat should still get r: it may have
// unsubscribed, blocked the bot or paused since r was written.
func (s *Service) wanted(ctx context.Context, r record) bool {
	st, err := s.subs.Standing(ctx, r.ChatID)
	if errors.Is(err, subscriptions.ErrNotFound) {
		return false
	}
	if err != nil {
		return true // cannot tell: sending is the safer mistake
	}
	return !st.Inactive && (r.Interactive || !st.Paused)
}

func (s *Service) drop(ctx context.Context, r record, why string) {
	s.cfg.Log.InfoContext(ctx, "delivery: record dropped", "record", r.ID, "chat", r.ChatID, "why", why)
	if err := s.com.do(ctx, func(tx *bolt.Tx) error { return deleteRecord(tx, r.ID) }); err != nil {
		s.cfg.Log.ErrorContext(ctx, "delivery: drop record", "record", r.ID, "err", err)
	}
}

// step sends the next message of r and handles the answer. It reports
// whether to go on with r and how long to wait first (its chat's bucket, a
// 429's retry_after, a backoff). With paced set, a chat that may not be
// sent to yet is not sent to: the wait is returned before taking a slot of
// the delivery window.
func (s *Service) step(ctx, sendCtx context.Context, r *record, paced bool) (bool, time.Duration) {
	if paced {
		if wait := s.chatWait(r.ChatID); wait > 0 {
			return true, wait
		}
	}
	window := s.window
	if r.Interactive {
		window = s.replies // a /digest reply must not queue behind a push's sends
	}
	select {
	case window <- struct{}{}:
	case <-ctx.Done():
		return false, 0
	}
	err := s.sender.Send(sendCtx, Message{ChatID: r.ChatID, Text: r.Messages[r.Sent], ParseMode: r.ParseMode, Interactive: r.Interactive,
		Buttons: r.Keyboards.of(r.Sent)})
	if err == nil {
		err = s.markSent(sendCtx, r)
		<-window
		if err != nil {
			return false, 0
		}
		return true, s.chatWait(r.ChatID)
	}
	<-window
	return s.handle(ctx, sendCtx, r, err)
}

// chatWait is how long r's chat must wait for its next message, as far as
// the Sender can tell (0 when it cannot: its Send then waits itself). Pacing
// follows the real clock, like the Sender's buckets, not cfg.Now (the
// schedule's clock, which tests set).
func (s *Service) chatWait(chatID int64) time.Duration {
	p, ok := s.sender.(Pacer)
	if !ok {
		return 0
	}
	return max(0, time.Until(p.ReadyAt(chatID)))
}

// markSent makes "message r.Sent went out" durable before the next one.
func (s *Service) markSent(ctx context.Context, r *record) error {
	n, id := r.Sent+1, r.ID
	done := n == len(r.Messages)
	err := s.com.do(ctx, func(tx *bolt.Tx) error { return markSent(tx, id, n, done) })
	if err != nil {
		s.cfg.Log.ErrorContext(ctx, "delivery: mark sent", "record", id, "err", err)
		return err
	}
	r.Sent = n
	s.sent.Add(1)
	return nil
}

// handle reacts to a failed send; it reports whether to try again, and
// after how long.
func (s *Service) handle(ctx, sendCtx context.Context, r *record, err error) (bool, time.Duration) {
	var ra *RetryAfterError
	var mig *MigratedError
	switch {
	case ctx.Err() != nil && (errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)):
		return false, 0
	case errors.As(err, &ra):
		return s.throttled(ctx, sendCtx, r, ra.After)
	case errors.As(err, &mig):
		return s.migrate(sendCtx, r, mig.To), 0
	case errors.Is(err, ErrChatGone):
		s.chatGone(sendCtx, r, err)
		return false, 0
	case errors.Is(err, ErrRejected):
		s.park(sendCtx, r, err)
		return false, 0
	default: // ErrTemporary and anything unclassified
		return s.backoff(ctx, sendCtx, r, err)
	}
}

// throttled waits out a 429 for this record only; a wait beyond the cap
// defers the record (durably) so it is not held in memory for hours.
func (s *Service) throttled(ctx, sendCtx context.Context, r *record, after time.Duration) (bool, time.Duration) {
	s.throttle.Add(1)
	if after <= s.cfg.MaxRetryAfter {
		return true, after
	}
	s.cfg.Log.WarnContext(ctx, "delivery: retry_after above the cap; record deferred", "chat", r.ChatID, "retry_after", after, "cap", s.cfg.MaxRetryAfter)
	s.reschedule(sendCtx, r, s.cfg.Now().Add(after), "")
	return false, 0
}

// backoff returns an exponentially growing, jittered delay after a 5xx or
// a network error, and parks the record once the attempts are used up.
func (s *Service) backoff(ctx, sendCtx context.Context, r *record, err error) (bool, time.Duration) {
	r.Attempts++
	if r.Attempts >= s.cfg.MaxAttempts {
		s.park(sendCtx, r, err)
		return false, 0
	}
	d := min(s.cfg.BackoffMax, s.cfg.BackoffBase<<(r.Attempts-1))
	d = d/2 + rand.N(d/2+1) // jitter: retries of many chats do not arrive together
	s.cfg.Log.InfoContext(ctx, "delivery: temporary failure; backing off", "chat", r.ChatID, "attempt", r.Attempts, "wait", d, "err", err)
	return true, d
}

// park keeps a record as failed (shown in Stats) and stops retrying it.
func (s *Service) park(ctx context.Context, r *record, err error) {
	s.parked.Add(1)
	s.cfg.Log.WarnContext(ctx, "delivery: record parked as failed", "record", r.ID, "chat", r.ChatID, "err", err)
	r.State, r.LastError = stateFailed, err.Error()
	s.persist(ctx, r)
}

func (s *Service) reschedule(ctx context.Context, r *record, at time.Time, why string) {
	r.NotBefore, r.LastError = at, why
	s.persist(ctx, r)
	s.mu.Lock()
	if s.nextDue.IsZero() || at.Before(s.nextDue) {
		s.nextDue = at
	}
	s.noteSkipped(r.ID)
	s.mu.Unlock()
}

// persist rewrites r's header (state, chat, schedule); progress is kept.
func (s *Service) persist(ctx context.Context, r *record) {
	cp := *r
	if err := s.com.do(ctx, func(tx *bolt.Tx) error { return putRecord(tx, &cp) }); err != nil {
		s.cfg.Log.ErrorContext(ctx, "delivery: save record", "record", r.ID, "err", err)
	}
}

// chatGone marks the subscriber inactive and drops the record.
func (s *Service) chatGone(ctx context.Context, r *record, cause error) {
	s.gone.Add(1)
	s.cfg.Log.InfoContext(ctx, "delivery: chat gone; subscriber marked inactive", "chat", r.ChatID, "err", cause)
	_, err := s.subs.Update(ctx, r.ChatID, func(sub *subscriptions.Subscriber) error {
		sub.Inactive = true
		return nil
	})
	if err != nil && !errors.Is(err, subscriptions.ErrNotFound) {
		s.cfg.Log.ErrorContext(ctx, "delivery: mark inactive", "chat", r.ChatID, "err", err)
	}
	if err := s.com.do(ctx, func(tx *bolt.Tx) error { return deleteRecord(tx, r.ID) }); err != nil {
		s.cfg.Log.ErrorContext(ctx, "delivery: drop record", "record", r.ID, "err", err)
	}
}

// migrate moves the subscriber (and its cursor) to the supergroup and sends
// the record there.
func (s *Service) migrate(ctx context.Context, r *record, to int64) bool {
	from := r.ChatID
	if err := s.subs.Move(ctx, from, to); err != nil && !errors.Is(err, subscriptions.ErrNotFound) {
		s.cfg.Log.ErrorContext(ctx, "delivery: move subscriber", "from", from, "to", to, "err", err)
		return false
	}
	s.moved.Add(1)
	s.cfg.Log.InfoContext(ctx, "delivery: group migrated; subscriber moved", "from", from, "to", to)
	r.ChatID = to
	cp := *r
	err := s.com.do(ctx, func(tx *bolt.Tx) error {
		if c, ok := getCursor(tx, from); ok {
			if err := putCursor(tx, to, c); err != nil {
				return err
			}
		}
		if err := moveAlerts(tx, from, to); err != nil {
			return err
		}
		return putRecord(tx, &cp)
	})
	return err == nil
}

func sleepCtx(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}
