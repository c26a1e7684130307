package delivery_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"newsdigest/digest"
	"newsdigest/news"
	"newsdigest/subscriptions"
)

// Chats are composed in batches and share renderings by preferences; each
// still gets exactly the stories its own keywords, topics and size allow.
func TestPushHonoursEachChatsPreferencesAcrossBatches(t *testing.T) {
	o := fastFake
	o.cfg.BatchSize = 3 // several compose batches for 10 chats
	h := newHarness(t, o)
	arts := []news.Article{
		{Article: digest.Article{ID: "g", Title: "Glacier retreats faster in the Alps", Text: "The glacier lost forty metres this summer, surveyors said.", Lang: "en", Source: "A"}, Feed: "t"},
		{Article: digest.Article{ID: "b", Title: "Council approves the harbour budget", Text: "The council approved the budget for the harbour on Monday.", Lang: "en", Source: "B"}, Feed: "t"},
		{Article: digest.Article{ID: "r", Title: "Railway strike ends after talks", Text: "Railway workers return on Friday after the talks ended the strike.", Lang: "en", Source: "C"}, Feed: "t"},
	}
	if _, err := h.articles.Add(context.Background(), arts); err != nil {
		t.Fatal(err)
	}
	kinds := []struct {
		edit        func(*subscriptions.Subscriber)
		has, hasNot []string
	}{
		{func(s *subscriptions.Subscriber) { s.Include = []string{"glacier"} }, []string{"Glacier"}, []string{"harbour", "Railway"}},
		{func(s *subscriptions.Subscriber) { s.Exclude = []string{"glacier"} }, []string{"harbour", "Railway"}, []string{"Glacier"}},
		{func(s *subscriptions.Subscriber) { s.Include = []string{"railway"}; s.Exclude = []string{"strike"} }, nil, []string{"Railway"}},
		{func(s *subscriptions.Subscriber) {
			s.Lang, s.TimeZone, s.StoryLangs = "ar", "Asia/Baghdad", subscriptions.StoriesBoth // English stories in an Arabic digest
		}, []string{"Glacier", "harbour", "Railway"}, nil},
		{func(s *subscriptions.Subscriber) { s.Include = []string{"railway", "budget"} }, []string{"harbour", "Railway"}, []string{"Glacier"}},
	}
	var subs []subscriptions.Subscriber
	for id := int64(1); id <= 10; id++ {
		s := subscriptions.New(id, subscriptions.ChatPrivate, "en", time.Now())
		kinds[id%int64(len(kinds))].edit(&s)
		subs = append(subs, s)
	}
	if err := h.subs.PutMany(context.Background(), subs); err != nil {
		t.Fatal(err)
	}
	svc := h.service()
	run(t, svc)
	// Chats 2 and 7 want railway news without the strike: nothing is left.
	if n, err := svc.Push(context.Background(), ids(1, 10)); err != nil || n != 8 {
		t.Fatalf("Push = %d, %v; want 8 records", n, err)
	}
	settle(t, svc)
	for id := int64(1); id <= 10; id++ {
		k := kinds[id%int64(len(kinds))]
		got := h.srv.SentTo(id)
		if k.has == nil {
			if len(got) != 0 {
				t.Errorf("chat %d got %d messages, want none", id, len(got))
			}
			continue
		}
		if len(got) != 1 {
			t.Fatalf("chat %d got %d messages, want its digest", id, len(got))
		}
		for _, w := range k.has {
			if !strings.Contains(got[0].Text, w) {
				t.Errorf("chat %d's digest lacks %q:\n%s", id, w, got[0].Text)
			}
		}
		for _, w := range k.hasNot {
			if strings.Contains(got[0].Text, w) {
				t.Errorf("chat %d's digest has %q:\n%s", id, w, got[0].Text)
			}
		}
	}
	if ar := h.srv.SentTo(3)[0].Text; !strings.ContainsRune(ar, 'ا') {
		t.Errorf("the Arabic chat's digest has no Arabic labels:\n%s", ar)
	}
}
