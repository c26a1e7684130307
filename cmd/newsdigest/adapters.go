package main

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"newsdigest/bot"
	"newsdigest/delivery"
	"newsdigest/metrics"
	"newsdigest/news"
	"newsdigest/subscriptions"
)

// meteredSender counts what the sender's answers mean for operators.
type meteredSender struct {
	next    delivery.Sender
	metrics *metrics.Metrics
}

var _ delivery.Sender = meteredSender{}

func (s meteredSender) Send(ctx context.Context, m delivery.Message) error {
	err := s.next.Send(ctx, m)
	var retry *delivery.RetryAfterError
	var moved *delivery.MigratedError
	switch {
	case err == nil:
		s.metrics.Sent()
	case errors.As(err, &retry):
		s.metrics.RateLimited(retry.After)
		s.metrics.Failed("rate_limited")
	case errors.As(err, &moved):
		s.metrics.Failed("migrated")
	case errors.Is(err, delivery.ErrChatGone):
		s.metrics.Failed("chat_gone")
	case errors.Is(err, delivery.ErrRejected):
		s.metrics.Failed("rejected")
	case errors.Is(err, context.Canceled):
	default:
		s.metrics.Failed("temporary")
	}
	return err
}

// opsAdapter gives the bot's admin commands the delivery service.
type opsAdapter struct {
	delivery *delivery.Service
	subs     *subscriptions.Store
	articles *news.Store
	now      func() time.Time
}

var _ bot.Ops = opsAdapter{}

// PushNow queues the digests, then reports progress as the outbox drains
// until every queued record is out or ctx ends.
// Chats named explicitly must be subscribers: pushing to an unknown chat
// sends nothing, and reporting success would mislead the operator.
func (a opsAdapter) PushNow(ctx context.Context, chatIDs []int64, progress func(done, total int)) error {
	if len(chatIDs) == 0 {
		var err error
		if chatIDs, err = a.activeChats(ctx); err != nil {
			return err
		}
	} else if err := a.known(ctx, chatIDs); err != nil {
		return err
	}
	before, err := a.delivery.Stats(ctx)
	if err != nil {
		return err
	}
	total, err := a.delivery.Push(ctx, chatIDs)
	if err != nil {
		return err
	}
	return a.follow(ctx, before.Pending, total, progress)
}

func (a opsAdapter) follow(ctx context.Context, base, total int, progress func(done, total int)) error {
	tick := time.NewTicker(time.Second)
	defer tick.Stop()
	for {
		st, err := a.delivery.Stats(ctx)
		if err != nil {
			return err
		}
		done := min(total, max(0, total-(st.Pending-base)))
		progress(done, total)
		if done == total {
			return nil
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-tick.C:
		}
	}
}

func (a opsAdapter) Broadcast(ctx context.Context, html string) (int, error) {
	chats, err := a.activeChats(ctx)
	if err != nil {
		return 0, err
	}
	return a.delivery.Broadcast(ctx, chats, html)
}

func (a opsAdapter) Status(ctx context.Context) (bot.OpsStatus, error) {
	st, err := a.delivery.Stats(ctx)
	if err != nil {
		return bot.OpsStatus{}, err
	}
	y, mo, d := a.now().Date()
	today, err := a.articles.SinceTime(ctx, time.Date(y, mo, d, 0, 0, 0, 0, a.now().Location()))
	if err != nil {
		return bot.OpsStatus{}, fmt.Errorf("articles today: %w", err)
	}
	return bot.OpsStatus{ArticlesToday: len(today), LastPush: st.LastTick, Pending: st.Pending, Failed: st.Failed}, nil
}

func (a opsAdapter) activeChats(ctx context.Context) ([]int64, error) {
	var chats []int64
	err := a.subs.All(ctx, func(s subscriptions.Subscriber) error {
		if !s.Paused && !s.Inactive {
			chats = append(chats, s.ChatID)
		}
		return nil
	})
	return chats, err
}

// known fails naming the chats that would get nothing: not subscribers,
// paused, or gone (blocked the bot, chat deleted).
func (a opsAdapter) known(ctx context.Context, chatIDs []int64) error {
	subs, err := a.subs.GetMany(ctx, chatIDs)
	if err != nil {
		return err
	}
	found := map[int64]subscriptions.Subscriber{}
	for _, s := range subs {
		found[s.ChatID] = s
	}
	var problems []string
	for _, id := range chatIDs {
		s, ok := found[id]
		switch {
		case !ok:
			problems = append(problems, fmt.Sprintf("chat %d is not a subscriber", id))
		case s.Inactive:
			problems = append(problems, fmt.Sprintf("chat %d has blocked the bot or is gone", id))
		case s.Paused:
			problems = append(problems, fmt.Sprintf("chat %d has paused its digests", id))
		}
	}
	if len(problems) > 0 {
		return fmt.Errorf("%s (nothing was sent)", strings.Join(problems, "; "))
	}
	return nil
}
