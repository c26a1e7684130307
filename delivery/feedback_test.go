package delivery_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"newsdigest/bot/bottest"
	"newsdigest/delivery"
	"newsdigest/digest"
	"newsdigest/news"
	"newsdigest/subscriptions"
)

// feedbackArticles are three single-outlet stories an hour apart: economy
// newest, so it leads a digest without feedback (a sport story may not lead
// an all-topics digest), then sport, then health.
func feedbackArticles(now time.Time) []news.Article {
	art := func(id, hint, source, title, text string, age time.Duration) news.Article {
		return news.Article{Article: digest.Article{ID: id, URL: "https://example.com/" + id, Title: title, Text: text,
			Lang: "en", Source: source, Topics: []string{hint}, Published: now.Add(-age)}, Feed: "t"}
	}
	return []news.Article{
		art("sport", "sport", "Wire A", "City win the cup final", "City won the cup final on Saturday after a late goal in extra time.\nThe coach praised the players.", 2*time.Hour),
		art("econ", "economy", "Wire B", "Central bank raises rates", "The central bank raised interest rates by half a point, citing stubborn inflation.\nMarkets fell.", time.Hour),
		art("health", "health", "Wire C", "Hospital opens new cancer ward", "The city hospital opened a new cancer ward with forty beds.\nDoctors welcomed the news.", 3*time.Hour),
	}
}

// sectionOrder is the topics of feedbackArticles in the order a chat's
// digest shows their headlines (read from the text, however it is laid
// out).
func sectionOrder(h *harness, chatID int64) []string {
	var text strings.Builder
	for _, m := range h.srv.SentTo(chatID) {
		text.WriteString(m.Text)
	}
	var found []string
	pos := map[string]int{}
	for _, a := range feedbackArticles(time.Time{}) {
		if i := strings.Index(text.String(), a.Title); i >= 0 {
			found = append(found, a.Topics[0])
			pos[a.Topics[0]] = i
		}
	}
	slices.SortFunc(found, func(a, b string) int { return pos[a] - pos[b] })
	return found
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
		{1, subscriptions.Learned{}, "economy,sport,health"},
		{2, tap(now, "sport", false), "economy,health,sport"},
		{3, tap(now, "health", true), "health,economy,sport"},
		{4, tap(now.Add(-6*subscriptions.LearnedHalfLife), "sport", false), "economy,sport,health"},
		{5, subscriptions.Learned{}, "economy,sport,health"},
	}
	var subs []subscriptions.Subscriber
	for _, tt := range tests {
		s := subscriptions.New(tt.id, subscriptions.ChatPrivate, "en", now)
		s.Learned = tt.learned
		subs = append(subs, s)
	}
	h.pushTo(subs)
	for _, tt := range tests {
		if got := strings.Join(sectionOrder(h, tt.id), ","); got != tt.want {
			t.Errorf("chat %d: sections %s, want %s", tt.id, got, tt.want)
		}
	}
}

// TestDigestCarriesFeedbackButtons: a digest's last message (and only it)
// has a 👍 / 👎 row per section, in the digest's order and language; each
// button's data is within 64 bytes, names its section's topic and first
// story, and holds nothing of the chat: two chats with the same digest get
// the same keyboard.
func TestDigestCarriesFeedbackButtons(t *testing.T) {
	now := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	h := newHarness(t, options{now: now})
	if _, err := h.articles.Add(context.Background(), feedbackArticles(now)); err != nil {
		t.Fatal(err)
	}
	var subs []subscriptions.Subscriber
	for _, lang := range []string{"en", "en", "ar"} {
		s := subscriptions.New(int64(len(subs)+1), subscriptions.ChatPrivate, lang, now)
		s.StoryLangs = subscriptions.StoriesBoth // the Arabic reader gets the English stories too
		subs = append(subs, s)
	}
	h.pushTo(subs)
	last := func(chatID int64) bottest.Sent {
		sent := h.srv.SentTo(chatID)
		if len(sent) == 0 {
			t.Fatalf("chat %d got no digest", chatID)
		}
		for _, m := range sent[:len(sent)-1] {
			if len(m.Buttons) > 0 {
				t.Errorf("chat %d: buttons under a message before the last: %v", chatID, m.Buttons)
			}
		}
		return sent[len(sent)-1]
	}
	en := last(1)
	wantTopics := []string{"economy", "sport", "health"}
	if len(en.Buttons) != len(wantTopics) {
		t.Fatalf("last message's keyboard %v, want a row per section", en.Buttons)
	}
	for i, row := range en.Buttons {
		label := digest.TopicLabel(wantTopics[i], "en")
		if len(row) != 2 || row[0].Text != "👍 "+label || row[1].Text != "👎 "+label {
			t.Fatalf("row %d: %v, want 👍/👎 %s", i, row, label)
		}
		for j, b := range row {
			f, err := delivery.ParseFeedback(b.Data)
			if err != nil || len(b.Data) > 64 || f.Topic != wantTopics[i] || f.Up != (j == 0) || f.StoryID == "" {
				t.Errorf("button %q: %+v, %v", b.Data, f, err)
			}
		}
	}
	if other := last(2); !slices.EqualFunc(other.Buttons, en.Buttons, slices.Equal) {
		t.Errorf("chat 2's keyboard %v differs from chat 1's %v", other.Buttons, en.Buttons)
	}
	if ar := last(3); len(ar.Buttons) == 0 || ar.Buttons[0][1].Text != "👎 "+digest.TopicLabel("economy", "ar") {
		t.Errorf("Arabic digest's keyboard: %v", ar.Buttons)
	}
}
