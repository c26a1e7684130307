package bot

import (
	"context"
	"slices"
	"sync"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

// inbox holds the updates received and not yet handled, one queue per chat.
// A chat's updates are handled in order by one goroutine; at most Workers
// chats are handled at once, and a chat whose queue is long (a flooder, a
// group whose replies wait for Telegram's 20-a-minute limit) occupies one of
// those, never the others' turns: there is no shared window of updates.
//
// An update is finished when its handler succeeded or failed for good (a 400
// or 403 from Telegram, a bad command): only then does it count as handled.
// A storage error or a temporary Bot API error (5xx, 429, a timeout) leaves
// it unconfirmed; when polling, the chat's queue tries it again
// after a growing pause, otherwise (webhook) the caller answers Telegram with
// an error so that Telegram sends it again.
type inbox struct {
	b       *Bot
	ctx     context.Context
	polling bool // getUpdates: offsets to confirm and retries here; webhook: Telegram retries
	sem     chan struct{}
	wg      sync.WaitGroup

	mu       sync.Mutex
	chats    map[int64][]*job // chats with a goroutine draining them: what waits behind the update in hand
	inFlight map[int]bool     // update IDs queued or being handled
	ledger   ledger
	progress chan struct{} // closed and replaced whenever an update is finished
}

// job is one update in its chat's queue, with what arrival decided for it.
type job struct {
	u        tgbotapi.Update
	kind     jobKind
	chat     int64
	attempts int
	result   chan outcome // webhook: the request waits for it; nil when polling
}

type jobKind int

const (
	jobHandle   jobKind = iota // handle the update
	jobWarnUser                // the sender is over their allowance: warn once, do nothing else
	jobWarnChat                // the chat is over its allowance: tell it once
	jobDrop                    // over the allowance and already warned: nothing to do
)

// outcome is what became of a job.
type outcome int

const (
	finished   outcome = iota // handled, or failed for good: confirm it
	retryLater                // left unconfirmed: Telegram (or the queue) will try again
	cutShort                  // shutdown stopped it: left unconfirmed for the next run
)

func (b *Bot) newInbox(ctx context.Context, polling bool) *inbox {
	return &inbox{b: b, ctx: ctx, polling: polling, sem: make(chan struct{}, b.cfg.Workers),
		chats: map[int64][]*job{}, inFlight: map[int]bool{}, progress: make(chan struct{})}
}

// acceptAll takes a batch from getUpdates: updates already queued or
// handled are skipped, the others admitted and queued. It returns how many
// were new.
func (in *inbox) acceptAll(updates []tgbotapi.Update) int {
	fresh := 0
	for _, u := range updates {
		if in.accept(u, nil) {
			fresh++
		}
	}
	return fresh
}

// accept queues one update unless it is a repeat (queued, in flight, or
// recorded as handled: a webhook retry, a restart, a repeated getUpdates).
// result, when not nil, receives the outcome; a repeat of a handled update
// sends finished at once.
func (in *inbox) accept(u tgbotapi.Update, result chan outcome) bool {
	in.mu.Lock()
	dup := in.inFlight[u.UpdateID] || in.polling && in.ledger.isDone(u.UpdateID)
	in.mu.Unlock()
	switch {
	case dup:
		reply(result, retryLater) // still in hand: let Telegram ask again later
		return false
	case in.b.wasHandled(u.UpdateID):
		if in.polling {
			in.mu.Lock()
			in.ledger.add(u.UpdateID)
			in.ledger.finish(u.UpdateID)
			in.mu.Unlock()
		}
		reply(result, finished) // handled before: Telegram may stop sending it
		return false
	}
	j := in.b.admit(u)
	j.result = result
	in.mu.Lock()
	in.track(u.UpdateID)
	if j.kind == jobDrop {
		in.mu.Unlock()
		in.finish(j, finished)
		return true
	}
	in.inFlight[u.UpdateID] = true
	q, busy := in.chats[j.chat]
	in.chats[j.chat] = append(q, j)
	in.mu.Unlock()
	if !busy {
		in.wg.Go(func() { in.drain(j.chat) })
	}
	return true
}

// track puts a polled update in the ledger; webhook calls need no offset.
func (in *inbox) track(id int) {
	if in.polling {
		in.ledger.add(id)
	}
}

func reply(result chan outcome, o outcome) {
	if result != nil {
		result <- o
	}
}

// drain handles the chat's queue until it is empty.
func (in *inbox) drain(chat int64) {
	for {
		j, ok := in.head(chat)
		if !ok {
			return
		}
		o := in.attempt(j)
		in.finish(j, o)
		if o == cutShort {
			in.abandon(chat)
			return
		}
	}
}

// head returns the chat's next job without removing it, or frees the chat.
func (in *inbox) head(chat int64) (*job, bool) {
	in.mu.Lock()
	defer in.mu.Unlock()
	q := in.chats[chat]
	if len(q) == 0 {
		delete(in.chats, chat)
		return nil, false
	}
	return q[0], true
}

// attempt runs the job, and with retry runs it again after a pause while it
// fails for a reason that may pass.
func (in *inbox) attempt(j *job) outcome {
	wait := newBackoff(in.b.retryBase(), time.Minute)
	for {
		if in.ctx.Err() != nil {
			return cutShort
		}
		select {
		case in.sem <- struct{}{}:
		case <-in.ctx.Done():
			return cutShort
		}
		err := in.b.run(in.ctx, j)
		<-in.sem
		j.attempts++
		switch kind := classify(err); {
		case err != nil && isCanceled(in.ctx, err):
			return cutShort
		case kind == failNone || kind == failPermanent:
			in.b.noteOutcome(in.ctx, j, err, kind)
			return finished
		case !in.polling:
			in.b.noteOutcome(in.ctx, j, err, kind)
			return retryLater
		case kind == failTemporary && j.attempts >= maxTemporaryAttempts:
			in.b.log.ErrorContext(in.ctx, "update failed too often; giving up", "update", j.u.UpdateID, "attempts", j.attempts, "err", err)
			return finished
		default:
			d := wait.next(retryAfter(err))
			in.b.log.WarnContext(in.ctx, "update failed; will retry", "update", j.u.UpdateID, "attempt", j.attempts, "retry_in", d, "err", err)
			in.b.noteOutcome(in.ctx, j, err, kind)
			sleep(in.ctx, d)
		}
	}
}

// maxTemporaryAttempts bounds the retries of an update failing with
// temporary Bot API errors (about five minutes of growing pauses); storage
// errors are retried for as long as they last, since giving up would lose
// a subscription.
const maxTemporaryAttempts = 10

// finish records the job's outcome: a finished update is marked handled (in
// the database, so a restart skips it) and the confirmable offset advances.
func (in *inbox) finish(j *job, o outcome) {
	in.mu.Lock()
	delete(in.inFlight, j.u.UpdateID)
	if q := in.chats[j.chat]; len(q) > 0 && q[0] == j {
		in.chats[j.chat] = q[1:]
	}
	var offset int
	advanced := false
	if o == finished && in.polling {
		offset, advanced = in.ledger.finish(j.u.UpdateID)
	}
	close(in.progress)
	in.progress = make(chan struct{})
	in.mu.Unlock()
	if o == finished {
		in.b.markHandled(in.ctx, j.u.UpdateID, offset, advanced)
	}
	reply(j.result, o)
}

// abandon drops the chat's queue at shutdown; its updates stay unconfirmed.
func (in *inbox) abandon(chat int64) {
	in.mu.Lock()
	defer in.mu.Unlock()
	for _, j := range in.chats[chat] {
		delete(in.inFlight, j.u.UpdateID)
		reply(j.result, cutShort)
	}
	delete(in.chats, chat)
}

// awaitProgress waits until an update is finished, d passes or ctx ends.
func (in *inbox) awaitProgress(ctx context.Context, d time.Duration) {
	in.mu.Lock()
	ch := in.progress
	in.mu.Unlock()
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ch:
	case <-t.C:
	case <-ctx.Done():
	}
}

// pollLimit is how many updates getUpdates returns at most (Telegram's
// default and maximum): always the oldest unconfirmed ones.
const pollLimit = 100

// pollPause is how long the loop waits for a handler to finish before it
// polls again while Telegram has only updates in hand to give.
const pollPause = 250 * time.Millisecond

// awaitRoom holds the next poll while half of what getUpdates can return
// is unconfirmed updates already received, for at most pollPause: polling
// at once would fetch them again and little else. In a burst this keeps
// polls to one per ~50 new updates instead of one per handled update.
func (in *inbox) awaitRoom(ctx context.Context) {
	deadline := time.Now().Add(pollPause)
	for ctx.Err() == nil {
		in.mu.Lock()
		unconfirmed := len(in.ledger.ids)
		in.mu.Unlock()
		left := time.Until(deadline)
		if unconfirmed < pollLimit/2 || left <= 0 {
			return
		}
		in.awaitProgress(ctx, left)
	}
}

// wait returns when every chat's goroutine has ended (after ctx ended, or
// once the queues are empty).
func (in *inbox) wait() { in.wg.Wait() }

func (in *inbox) confirmed() int {
	in.mu.Lock()
	defer in.mu.Unlock()
	return in.ledger.offset
}

// ledger turns finished update IDs into the offset that confirms them:
// Telegram confirms every update below the offset, so it can only pass the
// longest prefix of finished updates.
type ledger struct {
	ids    []int        // received, not yet below offset, increasing
	done   map[int]bool // finished among ids
	offset int
}

func (l *ledger) add(id int) {
	if id < l.offset {
		return
	}
	i, found := slices.BinarySearch(l.ids, id)
	if !found {
		l.ids = slices.Insert(l.ids, i, id)
	}
}

// isDone reports whether id was finished: below the offset (getUpdates
// returns updates in order, so anything below it was seen and finished) or
// finished beyond it. Polling only: webhook calls arrive in any order.
func (l *ledger) isDone(id int) bool { return id < l.offset || l.done[id] }

// finish marks id finished and returns the offset, and whether it grew.
func (l *ledger) finish(id int) (int, bool) {
	if l.done == nil {
		l.done = map[int]bool{}
	}
	if id < l.offset {
		return l.offset, false
	}
	l.done[id] = true
	n := 0
	for n < len(l.ids) && l.done[l.ids[n]] {
		delete(l.done, l.ids[n])
		n++
	}
	if n == 0 {
		return l.offset, false
	}
	l.offset = l.ids[n-1] + 1
	l.ids = slices.Delete(l.ids, 0, n)
	return l.offset, true
}

func chatOf(u tgbotapi.Update) int64 {
	if c := u.FromChat(); c != nil {
		return c.ID
	}
	return 0
}
