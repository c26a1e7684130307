package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"time"

	"newsdigest/digest"
	"newsdigest/news"
	"newsdigest/subscriptions"
)

// pusher builds each subscriber's digest from the articles after its cursor
// and sends it. The durable outbox of the delivery package replaces it.
type pusher struct {
	articles *news.Store
	subs     *subscriptions.Store
	engine   *digest.Engine
	seeds    fs.FS
	send     func(ctx context.Context, chatID int64, html string) error
	log      *slog.Logger
	now      func() time.Time
}

// ingest stores the seed articles (the store drops those it already has).
func (p *pusher) ingest(ctx context.Context) error {
	arts, err := news.LoadSeeds(ctx, p.seeds)
	if err != nil {
		return fmt.Errorf("load seeds: %w", err)
	}
	added, err := p.articles.Add(ctx, arts)
	if err != nil {
		return fmt.Errorf("store seeds: %w", err)
	}
	p.log.InfoContext(ctx, "seeds ingested", "files", len(arts), "new", len(added))
	return nil
}

// PushAll ingests, then sends every active subscriber what is new for it.
func (p *pusher) PushAll(ctx context.Context) error {
	if err := p.ingest(ctx); err != nil {
		return err
	}
	var chats []int64
	err := p.subs.All(ctx, func(s subscriptions.Subscriber) error {
		if !s.Paused && !s.Inactive {
			chats = append(chats, s.ChatID)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("list subscribers: %w", err)
	}
	var errs []error
	for _, id := range chats {
		if _, err := p.SendNow(ctx, id); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// SendNow sends chatID its digest of the articles after its cursor (a new
// subscriber: the last 24 h) and moves the cursor past them.
func (p *pusher) SendNow(ctx context.Context, chatID int64) (int, error) {
	sub, err := p.subs.Get(ctx, chatID)
	if err != nil {
		return 0, err
	}
	arts, err := p.window(ctx, sub)
	if err != nil || len(arts) == 0 {
		return 0, err
	}
	now := p.now()
	in := make([]digest.Article, len(arts))
	for i, a := range arts {
		in[i] = a.Article
	}
	sel := digest.Select(p.engine.Stories(in), digest.Prefs{Topics: sub.Topics, Include: sub.Include, Exclude: sub.Exclude, MaxStories: sub.MaxStories}, now)
	if len(sel.Stories) > 0 {
		loc, _ := time.LoadLocation(sub.TimeZone) // validated on write; nil falls back to UTC
		for _, chunk := range digest.RenderHTML(sel, digest.RenderOptions{Lang: sub.Lang, Location: loc, Now: now}) {
			if err := p.send(ctx, chatID, chunk); err != nil {
				return 0, err
			}
		}
	}
	last := arts[len(arts)-1].Seq
	_, err = p.subs.Update(ctx, chatID, func(s *subscriptions.Subscriber) error {
		s.Cursor, s.LastDigest = max(s.Cursor, last), now
		return nil
	})
	return len(sel.Stories), err
}

func (p *pusher) window(ctx context.Context, sub subscriptions.Subscriber) ([]news.Article, error) {
	if sub.Cursor == 0 {
		return p.articles.SinceTime(ctx, p.now().Add(-24*time.Hour))
	}
	return p.articles.Since(ctx, sub.Cursor, 0)
}
