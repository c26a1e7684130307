package main

import (
	"context"

	"newsdigest/bot"
	"newsdigest/news"
)

// feedAdmin lets bot admins manage feeds from Telegram: the store keeps the
// list (its methods serve bot.Feeds as they are), the ingester fetches a
// feed at once after /addfeed.
type feedAdmin struct {
	*news.Store
	ingester *news.Ingester
}

var _ bot.Feeds = feedAdmin{}

func (a feedAdmin) FetchFeed(ctx context.Context, feedURL string) (news.FeedResult, error) {
	return a.ingester.RunFeed(ctx, feedURL)
}
