package bot

import (
	"context"
	"errors"
	"fmt"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

// Poll runs the long-polling loop until ctx ends.
//
// It does not use the library's GetUpdatesChan: that confirms an update (by
// advancing the offset) before it is handled, so a crash loses it, and it
// ignores retry_after. Here an update is confirmed only by the next
// getUpdates call, after its handler returned; handlers are idempotent, so a
// crash repeats at most the update in flight and loses none.
func (b *Bot) Poll(ctx context.Context) error {
	offset := 0
	backoff := newBackoff(time.Second, 30*time.Second)
	for ctx.Err() == nil {
		start := b.now()
		updates, err := b.getUpdates(offset)
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
		for _, u := range updates {
			b.handle(ctx, u)
			offset = u.UpdateID + 1
		}
		b.idle(ctx, len(updates), b.now().Sub(start))
	}
	return nil
}

func (b *Bot) getUpdates(offset int) ([]tgbotapi.Update, error) {
	cfg := tgbotapi.NewUpdate(offset)
	cfg.Timeout = int(b.cfg.PollTimeout / time.Second)
	cfg.AllowedUpdates = []string{"message", "callback_query", "my_chat_member", "channel_post"}
	updates, err := b.api.GetUpdates(cfg)
	if err != nil {
		return nil, fmt.Errorf("bot: getUpdates: %w", Redact(err, b.cfg.Token))
	}
	return updates, nil
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
