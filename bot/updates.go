package bot

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"newsdigest/delivery"
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
// ignores retry_after. Here every update goes into its chat's queue at once
// (see inbox) and polling goes on while chats are handled, so one chat's
// backlog never holds up another's. The offset Telegram sees advances past
// the longest prefix of handled updates; updates handled beyond it are
// recorded in the database (WithDB), so after a crash or a restart an update
// is neither lost nor handled twice. At a clean stop the handled updates are
// also confirmed to Telegram.
func (b *Bot) Poll(ctx context.Context) error {
	b.leaveWebhook(ctx)
	api := b.apiFor(ctx)
	in := b.newInbox(ctx, true)
	in.ledger.offset = b.loadOffset()
	backoff := newBackoff(time.Second, 30*time.Second)
	for ctx.Err() == nil {
		in.awaitRoom(ctx)
		start := b.now()
		updates, err := b.getUpdates(api, in.confirmed(), b.cfg.PollTimeout)
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
		if fresh := in.acceptAll(updates); fresh == 0 && len(updates) > 0 {
			// Telegram answers at once with what is not confirmed yet:
			// wait for a handler to finish instead of asking again at once.
			in.awaitProgress(ctx, pollPause)
		}
		b.idle(ctx, len(updates), b.now().Sub(start))
	}
	in.wait()
	b.bg.Wait()
	b.confirm(ctx, in.confirmed())
	return nil
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

// retryAfter extracts Telegram's retry_after from a 429 answer: the raw
// client error of a getUpdates call, or the delivery.RetryAfterError the
// Sender makes of a handler's reply that Telegram refused, so a handler is
// retried when Telegram allows it and not on a growing backoff.
func retryAfter(err error) time.Duration {
	var tgErr *tgbotapi.Error
	if errors.As(err, &tgErr) && tgErr.RetryAfter > 0 {
		return time.Duration(tgErr.RetryAfter) * time.Second
	}
	var ra *delivery.RetryAfterError
	if errors.As(err, &ra) && ra.After > 0 {
		return ra.After
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
