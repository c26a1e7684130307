package delivery

import (
	"context"
	"fmt"
	"time"

	"newsdigest/digest"
)

// RecentStories builds the stories of the articles first seen at or after
// since, with the engine the digests use, newest first (/search reads them).
func (s *Service) RecentStories(ctx context.Context, since time.Time) ([]digest.Story, error) {
	arts, err := s.articles.SinceTime(ctx, since)
	if err != nil {
		return nil, fmt.Errorf("delivery: recent stories: %w", err)
	}
	in := make([]digest.Article, len(arts))
	for i, a := range arts {
		in[i] = a.Article
	}
	return s.engine.Stories(in), nil
}
