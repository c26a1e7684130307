package delivery_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"newsdigest/delivery"
	"newsdigest/digest"
	"newsdigest/eval"
	"newsdigest/internal/shareddata"
	"newsdigest/news"
	"newsdigest/subscriptions"
)

// A push selects once per distinct set of preferences, from stories and
// near-duplicate pairs prepared once for the window, and reuses one array
// for every selection. Whatever it shares, each chat must get exactly the
// digest digest.Select and digest.RenderHTML make for it alone: a day of
// reports from six Saudi outlets and an English set (near-duplicates
// among them), chats of every size, language, story-language setting,
// topic choice and keyword, composed in small batches, in zones on two
// dates (the later ones render a selection made for an earlier chat).
func TestPushGivesEachChatItsOwnSelection(t *testing.T) {
	now := time.Date(2026, 12, 1, 7, 0, 0, 0, time.UTC)
	o := fastFake
	o.now, o.cfg = now, delivery.Config{BatchSize: 7}
	h := newHarness(t, o)
	var arts []news.Article
	for _, f := range [][]string{{"news-multi-outlet", "ar", "saudinewsnet2015.jsonl"}, {"news-multi-outlet", "en", "newscred2013.jsonl"}} {
		ds, err := eval.LoadFile(context.Background(), shareddata.Path(t, f...))
		if err != nil {
			t.Fatal(err)
		}
		for i, r := range ds.Records[:min(250, len(ds.Records))] {
			a := eval.Article(r)
			a.Published = now.Add(-time.Duration(i*5) * time.Minute)
			arts = append(arts, news.Article{Article: a, Feed: "t"})
		}
	}
	added, err := h.articles.Add(context.Background(), arts)
	if err != nil {
		t.Fatal(err)
	}
	in := make([]digest.Article, len(added))
	for i, a := range added {
		in[i] = a.Article
	}
	stories := h.engine.Stories(in)
	if len(digest.NearDuplicates(stories)) == 0 {
		t.Fatal("no near-duplicates in the window: the guard is not exercised")
	}
	var subs []subscriptions.Subscriber
	for id := int64(1); id <= 48; id++ {
		v := id % 16 // the chat's preferences; each set three times, in three zones (one a day behind)
		s := subscriptions.New(id, subscriptions.ChatPrivate, []string{"ar", "en"}[v%2], now.Add(-time.Hour))
		s.MaxStories = []int{5, 10, 50}[v%3]
		s.TimeZone = []string{"Asia/Riyadh", "Europe/London", "America/Los_Angeles"}[(id/16)%3]
		switch v % 4 {
		case 1:
			s.Topics = []string{"politics"}
		case 2:
			s.Topics = []string{"economy", "sport"}
		}
		switch v % 8 {
		case 4:
			s.Include = []string{"السعودية"}
		case 5:
			s.Exclude = []string{"Egypt"}
		case 6:
			s.StoryLangs = subscriptions.StoriesBoth
		case 7:
			s.StoryLangs = subscriptions.StoriesOwn
		}
		subs = append(subs, s)
	}
	h.pushTo(subs)
	digests := 0
	for _, s := range subs {
		loc, _ := subscriptions.LoadZone(s.TimeZone)
		p := digest.Prefs{Topics: s.Topics, Include: s.Include, Exclude: s.Exclude, MaxStories: s.MaxStories, Lang: s.Lang, StoryLangs: s.StoryLangs}
		var want []string // a chat nothing matches gets no digest
		if sel := digest.Select(stories, p, now); len(sel.Stories) > 0 {
			want = digest.RenderHTML(sel, digest.RenderOptions{Lang: s.Lang, Location: loc, Now: now})
			digests++
		}
		var got []string
		for _, m := range h.srv.SentTo(s.ChatID) {
			got = append(got, m.Text)
		}
		if !slices.Equal(got, want) {
			t.Errorf("chat %d (%s): the push sent\n%s\nalone it gets\n%s", s.ChatID, describe(s), got, want)
		}
	}
	if digests < len(subs)*3/4 {
		t.Errorf("only %d of %d chats get a digest: the comparison covers too little", digests, len(subs))
	}
}

func describe(s subscriptions.Subscriber) string {
	return fmt.Sprintf("lang %s, %d stories, topics %v, include %v, exclude %v, story languages %q", s.Lang, s.MaxStories, s.Topics, s.Include, s.Exclude, s.StoryLangs)
}
