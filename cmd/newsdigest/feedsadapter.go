package main

import (
	"context"
	"io"

	"newsdigest/bot"
	"newsdigest/news"
)

// feedAdmin lets bot admins manage feeds from Telegram: the store keeps the
// list, the ingester fetches a feed at once after /addfeed.
type feedAdmin struct {
	store    *news.Store
	ingester *news.Ingester
}

var _ bot.Feeds = feedAdmin{}

func (a feedAdmin) AddFeed(ctx context.Context, rawURL string, topics []string) (news.Feed, bool, error) {
	return a.store.AddFeed(ctx, rawURL, topics)
}

func (a feedAdmin) FetchFeed(ctx context.Context, feedURL string) (news.FeedResult, error) {
	return a.ingester.RunFeed(ctx, feedURL)
}

func (a feedAdmin) RemoveFeed(ctx context.Context, urlOrNumber string) (news.Feed, error) {
	return a.store.RemoveFeed(ctx, urlOrNumber)
}

func (a feedAdmin) ListFeeds(ctx context.Context) ([]news.Feed, error) {
	return a.store.ListFeeds(ctx)
}

func (a feedAdmin) ImportOPML(ctx context.Context, r io.Reader) (news.ImportResult, error) {
	return a.store.ImportOPML(ctx, r)
}

func (a feedAdmin) ExportOPML(ctx context.Context, w io.Writer) error {
	return a.store.ExportOPML(ctx, w)
}
