package delivery

import (
	"context"
	"fmt"
	"sync"
	"time"

	"newsdigest/digest"
)

// recentTTL is how long RecentStories reuses the stories it built. Building
// 14 days of stories costs seconds of CPU on a busy store; /search and its
// More button call it at every press, so without reuse a few users (each
// within the flood allowance) could keep both cores busy. Feeds are fetched
// every 15 minutes by default, so a result five minutes old misses little.
const recentTTL = 5 * time.Minute

// recentCache holds the last RecentStories result. Its mutex also makes
// concurrent callers wait for one build instead of each building.
type recentCache struct {
	mu      sync.Mutex
	builtAt time.Time // zero: nothing built yet
	since   time.Time
	stories []digest.Story
}

// RecentStories builds the stories of the articles first seen at or after
// since, newest first, with the digests' engine. A result built less than
// recentTTL ago for a cutoff at most recentTTL earlier is reused.
func (s *Service) RecentStories(ctx context.Context, since time.Time) ([]digest.Story, error) {
	c := &s.recent
	c.mu.Lock()
	defer c.mu.Unlock()
	now := s.cfg.Now()
	if !c.builtAt.IsZero() && now.Sub(c.builtAt) < recentTTL && !since.Before(c.since) && since.Sub(c.since) <= recentTTL {
		return c.stories, nil
	}
	arts, err := s.articles.SinceTime(ctx, since)
	if err != nil {
		return nil, fmt.Errorf("delivery: recent stories: %w", err)
	}
	in := make([]digest.Article, len(arts))
	for i, a := range arts {
		in[i] = a.Article
	}
	c.builtAt, c.since, c.stories = now, since, s.engine.Stories(in)
	return c.stories, nil
}
