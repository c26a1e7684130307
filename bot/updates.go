package bot

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

// allowedUpdates are the update kinds the bot handles.
func allowedUpdates() []string { return []string{"message", "callback_query", "my_chat_member"} }

// Run receives updates until ctx ends: through a webhook when WebhookURL is
// set, otherwise by long polling.
func (b *Bot) Run(ctx context.Context) error {
	if b.cfg.WebhookURL != "" {
		return b.ServeWebhook(ctx)
	}
	return b.Poll(ctx)
}

// Poll runs the long-polling loop until ctx ends.
//
// It does not use the library's GetUpdatesChan: that confirms an update (by
// advancing the offset) before it is handled, so a crash loses it, and it
// ignores retry_after. Here an update is confirmed only by a later
// getUpdates call, after its handler returned, and the confirming offset is
// recorded in the database (WithDB) after each update; handlers are
// idempotent, so a crash repeats at most the update in flight and loses
// none. At a clean stop the handled updates are also confirmed to Telegram.
func (b *Bot) Poll(ctx context.Context) error {
	b.leaveWebhook(ctx)
	api := b.apiFor(ctx)
	offset := b.loadOffset()
	backoff := newBackoff(time.Second, 30*time.Second)
	for ctx.Err() == nil {
		start := b.now()
		updates, err := b.getUpdates(api, offset, b.cfg.PollTimeout)
		if err != nil {
			if isCanceled(ctx, err) {
				break
			}
			wait := backoff.next(retryAfter(err))
			b.log.WarnContext(ctx, "getUpdates failed", "err", err, "retry_in", wait)
			sleep(ctx, wait)
			continue
		}
		backoff.reset()
		b.touch()
		offset = b.handleBatch(ctx, updates, offset)
		b.idle(ctx, len(updates), b.now().Sub(start))
	}
	b.bg.Wait()
	b.confirm(ctx, offset)
	return nil
}

// handleBatch handles a batch of updates through a sliding window of
// b.cfg.Workers updates: update i starts only once every update before
// i-Workers is handled. Each chat's updates run in order on one goroutine;
// other chats go on meanwhile. It returns the offset that confirms the
// longest fully handled prefix; that offset is recorded as it advances, so a
// crash repeats at most the Workers updates of the window and never skips
// one. An update whose handler was cut short by shutdown is left unconfirmed
// and handled again after the restart.
//
// Updates are handled concurrently because a reply may wait for its chat's
// flood-limit bucket (about 1 message/s): one user's second command must not
// hold up everybody else's.
func (b *Bot) handleBatch(ctx context.Context, updates []tgbotapi.Update, offset int) int {
	w := newWindow(updates, offset, b.cfg.Workers)
	var wg sync.WaitGroup
	for i := range updates {
		if !w.await(ctx, i) {
			break
		}
		if w.enqueue(i) {
			wg.Go(func() { b.drainChat(ctx, w, i) })
		}
	}
	wg.Wait()
	return w.confirmed()
}

// drainChat handles update i, then the updates of the same chat queued
// behind it, in order.
func (b *Bot) drainChat(ctx context.Context, w *window, i int) {
	for ok := true; ok; i, ok = w.next(ctx, i) {
		if b.handle(ctx, w.updates[i]) {
			w.abandon(i)
			return
		}
		if off, advanced := w.finish(i); advanced {
			if err := b.saveOffset(off); err != nil {
				b.log.WarnContext(ctx, "could not record the updates offset", "err", err)
			}
		}
	}
}

// window tracks which updates of a batch are queued, in flight and handled.
type window struct {
	mu      sync.Mutex
	cond    *sync.Cond
	updates []tgbotapi.Update
	done    []bool
	queued  map[int64][]int // per chat with an update in flight: its updates waiting behind it
	first   int             // index of the first update not yet handled
	offset  int
	size    int
}

func newWindow(updates []tgbotapi.Update, offset, size int) *window {
	w := &window{updates: updates, done: make([]bool, len(updates)), queued: map[int64][]int{}, offset: offset, size: max(1, size)}
	w.cond = sync.NewCond(&w.mu)
	return w
}

// await blocks until update i is inside the window; false once ctx ended.
func (w *window) await(ctx context.Context, i int) bool {
	stop := context.AfterFunc(ctx, func() { w.mu.Lock(); w.cond.Broadcast(); w.mu.Unlock() })
	defer stop()
	w.mu.Lock()
	defer w.mu.Unlock()
	for ctx.Err() == nil && i >= w.first+w.size {
		w.cond.Wait()
	}
	return ctx.Err() == nil
}

// enqueue reports whether update i needs a goroutine of its own; otherwise
// it waits behind its chat's update in flight.
func (w *window) enqueue(i int) bool {
	chat, ok := chatOf(w.updates[i])
	if !ok {
		return true
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if q, busy := w.queued[chat]; busy {
		w.queued[chat] = append(q, i)
		return false
	}
	w.queued[chat] = []int{}
	return true
}

// next returns the chat's next queued update after i, or frees the chat.
func (w *window) next(ctx context.Context, i int) (int, bool) {
	chat, ok := chatOf(w.updates[i])
	if !ok {
		return 0, false
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	q := w.queued[chat]
	if len(q) == 0 || ctx.Err() != nil {
		delete(w.queued, chat)
		return 0, false
	}
	w.queued[chat] = q[1:]
	return q[0], true
}

// finish marks update i handled and reports the new confirmable offset when
// the handled prefix grew.
func (w *window) finish(i int) (int, bool) {
	w.mu.Lock()
	defer w.mu.Unlock()
	defer w.cond.Broadcast()
	w.done[i] = true
	start := w.first
	for w.first < len(w.done) && w.done[w.first] {
		w.first++
	}
	if w.first == start {
		return w.offset, false
	}
	w.offset = w.updates[w.first-1].UpdateID + 1
	return w.offset, true
}

// abandon frees update i's chat without marking it handled (shutdown).
func (w *window) abandon(i int) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if chat, ok := chatOf(w.updates[i]); ok {
		delete(w.queued, chat)
	}
	w.cond.Broadcast()
}

func (w *window) confirmed() int {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.offset
}

func chatOf(u tgbotapi.Update) (int64, bool) {
	if c := u.FromChat(); c != nil {
		return c.ID, true
	}
	return 0, false
}

// confirm tells Telegram the handled updates are done, with a short context
// of its own since the loop's is already cancelled.
func (b *Bot) confirm(ctx context.Context, offset int) {
	if offset == 0 {
		return
	}
	cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	cfg := tgbotapi.NewUpdate(offset)
	cfg.Limit = 1 // the answer is not handled: it stays unconfirmed for the next run
	if _, err := b.apiFor(cctx).GetUpdates(cfg); err != nil {
		b.log.WarnContext(ctx, "could not confirm the last updates; they will be handled again", "offset", offset, "err", Redact(err, b.cfg.Token))
	}
}

func (b *Bot) getUpdates(api *tgbotapi.BotAPI, offset int, timeout time.Duration) ([]tgbotapi.Update, error) {
	cfg := tgbotapi.NewUpdate(offset)
	cfg.Timeout = int(timeout / time.Second)
	cfg.AllowedUpdates = allowedUpdates()
	updates, err := api.GetUpdates(cfg)
	if err != nil {
		return nil, fmt.Errorf("bot: getUpdates: %w", Redact(err, b.cfg.Token))
	}
	return updates, nil
}

// leaveWebhook removes a webhook left by an earlier webhook-mode run:
// Telegram refuses getUpdates while one is set. Updates queued meanwhile are
// kept (drop_pending_updates is not set).
func (b *Bot) leaveWebhook(ctx context.Context) {
	if _, err := b.apiFor(ctx).Request(tgbotapi.DeleteWebhookConfig{}); err != nil && !isCanceled(ctx, err) {
		b.log.WarnContext(ctx, "deleteWebhook failed", "err", Redact(err, b.cfg.Token))
	}
}

// idle keeps an empty poll that came back early from spinning the CPU: the
// real Bot API holds an empty long poll for the whole timeout, but some
// servers (and the test emulator) answer at once.
func (b *Bot) idle(ctx context.Context, n int, took time.Duration) {
	const minPoll = 250 * time.Millisecond
	if n == 0 && took < minPoll {
		sleep(ctx, minPoll-took)
	}
}

// retryAfter extracts Telegram's retry_after from a 429 answer.
func retryAfter(err error) time.Duration {
	var tgErr *tgbotapi.Error
	if errors.As(err, &tgErr) && tgErr.RetryAfter > 0 {
		return time.Duration(tgErr.RetryAfter) * time.Second
	}
	return 0
}

func sleep(ctx context.Context, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
	case <-t.C:
	}
}

// backoff doubles a wait up to a cap; a server-given wait takes precedence.
type backoff struct{ base, max, cur time.Duration }

func newBackoff(base, max time.Duration) *backoff { return &backoff{base: base, max: max} }

func (b *backoff) next(serverWait time.Duration) time.Duration {
	if serverWait > 0 {
		return serverWait
	}
	switch {
	case b.cur == 0:
		b.cur = b.base
	case b.cur < b.max:
		b.cur = min(2*b.cur, b.max)
	}
	return b.cur
}

func (b *backoff) reset() { b.cur = 0 }

// decodeUpdate reads one update as Telegram posts it to a webhook.
func decodeUpdate(data []byte) (tgbotapi.Update, error) {
	var u tgbotapi.Update
	if err := json.Unmarshal(data, &u); err != nil {
		return tgbotapi.Update{}, fmt.Errorf("bot: decode update: %w", err)
	}
	return u, nil
}
