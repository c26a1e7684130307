package bot

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"newsdigest/digest"
	"newsdigest/news"
)

// feedbackBatch is three single-outlet English stories an hour apart,
// economy newest (so it leads a digest without feedback: a sport story may
// not lead an all-topics digest), then sport, then health; round makes each
// batch's stories new and distinct.
func feedbackBatch(round int, now time.Time) []news.Article {
	type story struct{ hint, title, text string }
	rounds := [][]story{
		{{"economy", "Central bank raises rates", "The central bank raised interest rates by half a point, citing stubborn inflation.\nMarkets fell."},
			{"sport", "City win the cup final", "City won the cup final on Saturday after a late goal in extra time.\nThe coach praised the players."},
			{"health", "Hospital opens new cancer ward", "The city hospital opened a new cancer ward with forty beds.\nDoctors welcomed the news."}},
		{{"economy", "Copper prices hit a two-year high", "Copper prices rose to their highest level in two years as mines cut output.\nTraders expect more gains."},
			{"sport", "Marathon record falls in Berlin", "A Kenyan runner broke the marathon world record in Berlin on Sunday.\nThousands lined the streets."},
			{"health", "Measles vaccination drive reaches villages", "Health workers reached remote villages in a measles vaccination drive.\nOfficials hope to cover every child."}},
		{{"economy", "Airline posts record quarterly profit", "The national airline reported record profit for the quarter on strong travel demand.\nShares rose."},
			{"sport", "Tennis star retires after injury", "The former world number one announced her retirement after a long knee injury.\nFans paid tribute."},
			{"health", "New clinic cuts waiting times", "A new walk-in clinic halved waiting times for patients in the capital.\nNurses welcomed the change."}},
	}
	var out []news.Article
	for i, s := range rounds[round] {
		id := s.hint + string(rune('a'+round))
		out = append(out, news.Article{Article: digest.Article{ID: id, URL: "https://example.org/" + id, Title: s.title, Text: s.text,
			Lang: "en", Source: "Wire " + s.hint, Topics: []string{s.hint}, Published: now.Add(-time.Duration(i+1) * time.Hour)}, Feed: "t"})
	}
	return out
}

// storyOrder is the topics of a batch's stories in the order a digest's
// text shows their headlines (read from the text, however it is laid out).
func storyOrder(text string, round int) []string {
	var found []string
	pos := map[string]int{}
	for _, a := range feedbackBatch(round, time.Time{}) {
		if i := strings.Index(text, digest.EscapeHTML(a.Title)); i >= 0 {
			found = append(found, a.Topics[0])
			pos[a.Topics[0]] = i
		}
	}
	slices.SortFunc(found, func(a, b string) int { return pos[a] - pos[b] })
	return found
}

// TestFeedbackOnDeliveredDigestReranksNextDigest plays it through the
// real delivery service, the real client and the fake Bot API: two
// readers get the same digest; one taps 👎 Sport under it; the next
// /digest (new stories of the same three topics) puts sport last for her
// and second, as before, for the other; after /settings → reset, her next
// digest is in the original order again.
func TestFeedbackOnDeliveredDigestReranksNextDigest(t *testing.T) {
	ctx := context.Background()
	h := newHarness(t)
	articles := h.withRealDigests()
	add := func(round int) {
		t.Helper()
		if _, err := articles.Add(ctx, feedbackBatch(round, time.Now())); err != nil {
			t.Fatal(err)
		}
	}
	lea, sam := user{id: 7101, lang: "en"}, user{id: 7102, lang: "en"}
	h.sayText(lea, "/start")
	h.sayText(sam, "/start")

	add(0)
	for _, u := range []user{lea, sam} {
		if got := storyOrder(h.sayText(u, "/digest"), 0); !slices.Equal(got, []string{"economy", "sport", "health"}) {
			t.Fatalf("first digest of %d: stories %v", u.id, got)
		}
	}
	kb := h.lastMarkup(lea.id)
	msgs := h.fake.SentTo(lea.id)
	h.press(lea, private(lea), msgs[len(msgs)-1].MessageID, button(t, kb, "👎 Sport"))
	if got := h.lastAnswer(); !strings.Contains(got, "less Sport") {
		t.Fatalf("the tap was answered %q", got)
	}

	add(1)
	if got := storyOrder(h.sayText(lea, "/digest"), 1); !slices.Equal(got, []string{"economy", "health", "sport"}) {
		t.Errorf("after 👎 Sport, the next digest's stories are %v, want sport last", got)
	}
	if got := storyOrder(h.sayText(sam, "/digest"), 1); !slices.Equal(got, []string{"economy", "sport", "health"}) {
		t.Errorf("the other reader's digest changed: %v", got)
	}

	h.sayText(lea, "/settings")
	h.press(lea, private(lea), 1, button(t, h.lastMarkup(lea.id), text("en", msgBtnForget)))
	add(2)
	if got := storyOrder(h.sayText(lea, "/digest"), 2); !slices.Equal(got, []string{"economy", "sport", "health"}) {
		t.Errorf("after the reset: stories %v, want the original order", got)
	}
}
