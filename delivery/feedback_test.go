package delivery_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"newsdigest/digest"
	"newsdigest/news"
	"newsdigest/subscriptions"
)

// feedbackArticles are three single-outlet stories an hour apart: sport
// newest, so it leads a digest without feedback, then economy, then health.
func feedbackArticles(now time.Time) []news.Article {
	art := func(id, hint, source, title, text string, age time.Duration) news.Article {
		return news.Article{Article: digest.Article{ID: id, URL: "https://example.com/" + id, Title: title, Text: text,
			Lang: "en", Source: source, Topics: []string{hint}, Published: now.Add(-age)}, Feed: "t"}
	}
	return []news.Article{
		art("sport", "sport", "Wire A", "City win the cup final", "City won the cup final on Saturday after a late goal in extra time.\nThe coach praised the players.", time.Hour),
		art("econ", "economy", "Wire B", "Central bank raises rates", "The central bank raised interest rates by half a point, citing stubborn inflation.\nMarkets fell.", 2*time.Hour),
		art("health", "health", "Wire C", "Hospital opens new cancer ward", "The city hospital opened a new cancer ward with forty beds.\nDoctors welcomed the news.", 3*time.Hour),
	}
}

// sectionOrder is the topics of a chat's digest sections, in order.
func sectionOrder(h *harness, chatID int64) []string {
	var text strings.Builder
	for _, m := range h.srv.SentTo(chatID) {
		text.WriteString(m.Text)
	}
	type at struct {
		topic string
		pos   int
	}
	var found []at
	for _, topic := range []string{"sport", "economy", "health"} {
		if i := strings.Index(text.String(), "▪️ <b>"+digest.TopicLabel(topic, "en")+"</b>"); i >= 0 {
			found = append(found, at{topic, i})
		}
	}
	slices.SortFunc(found, func(a, b at) int { return a.pos - b.pos })
	out := make([]string, len(found))
	for i, f := range found {
		out[i] = f.topic
	}
	return out
}

// TestPushRanksByEachChatsFeedback: in one push, the chat that pressed 👎
// on sport gets sport last, the one that pressed 👍 on health gets health
// first, and the chat that pressed nothing gets the plain order: one
// chat's feedback changes no other chat's digest. A 👎 a few half-lives
// old has faded and no longer moves sport.
func TestPushRanksByEachChatsFeedback(t *testing.T) {
	now := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	h := newHarness(t, options{now: now})
	if _, err := h.articles.Add(context.Background(), feedbackArticles(now)); err != nil {
		t.Fatal(err)
	}
	tap := func(at time.Time, topic string, up bool) subscriptions.Learned {
		var l subscriptions.Learned
		l.Apply(at, digest.FeedbackWeights(nil, topic, up))
		return l
	}
	tests := []struct {
		id      int64
		learned subscriptions.Learned
		want    string
	}{
		{1, subscriptions.Learned{}, "sport,economy,health"},
		{2, tap(now, "sport", false), "economy,health,sport"},
		{3, tap(now, "health", true), "health,sport,economy"},
		{4, tap(now.Add(-6*subscriptions.LearnedHalfLife), "sport", false), "sport,economy,health"},
		{5, subscriptions.Learned{}, "sport,economy,health"},
	}
	var subs []subscriptions.Subscriber
	for _, tt := range tests {
		s := subscriptions.New(tt.id, subscriptions.ChatPrivate, "en", now)
		s.Learned = tt.learned
		subs = append(subs, s)
	}
	if err := h.subs.PutMany(context.Background(), subs); err != nil {
		t.Fatal(err)
	}
	svc := h.service()
	run(t, svc)
	if _, err := svc.Push(context.Background(), ids(1, len(tests))); err != nil {
		t.Fatal(err)
	}
	settle(t, svc)
	for _, tt := range tests {
		if got := strings.Join(sectionOrder(h, tt.id), ","); got != tt.want {
			t.Errorf("chat %d: sections %s, want %s", tt.id, got, tt.want)
		}
	}
}
