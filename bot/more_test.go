package bot

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"regexp"
	"strings"
	"testing"
	"time"

	"newsdigest/delivery"
	"newsdigest/digest"
	"newsdigest/news"
	"newsdigest/subscriptions"
)

var pageItemRe = regexp.MustCompile(`Glacier\d+`)

// TestDigestMorePagesUntilTheEnd: a reader with 3 stories a digest gets 3
// of 8 and a "More (5)" button (real delivery service, client and fake Bot
// API); pressing it sends the next 3 with "More (2)", then the last 2 and
// the end line, no story twice; a press past the end and one on pages
// that expired are answered so, in the reader's language.
func TestDigestMorePagesUntilTheEnd(t *testing.T) {
	ctx := context.Background()
	h := newHarness(t)
	h.clock = time.Now() // the delivery service reads the real clock
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	api, articles, svc := h.deliveryService(log)
	h.bot = New(api, Config{Token: h.fake.Token(), DefaultTZ: "UTC", PollTimeout: time.Second}, h.subs, svc, log,
		WithDB(h.db), WithDigestPages(svc))
	for _, u := range []user{{6101, "en"}, {6102, "ar"}} {
		h.sayText(u, "/start")
		if _, err := h.subs.Update(ctx, u.id, func(s *subscriptions.Subscriber) error { s.MaxStories = 3; return nil }); err != nil {
			t.Fatal(err)
		}
	}
	subjects := []string{"retreats in the Alps", "feeds a new lake", "loses forty metres", "splits near the summit",
		"slows after a cold spring", "hides a lost village", "gains snow for once", "cracks under a heatwave"}
	var arts []news.Article
	for i, s := range subjects {
		id := fmt.Sprintf("gl%d", i)
		arts = append(arts, news.Article{Article: digest.Article{ID: id, URL: "https://example.org/" + id, Lang: "en",
			Title: fmt.Sprintf("Glacier%d %s", i, s), Text: fmt.Sprintf("Surveyors said glacier number %d %s this year.", i, s),
			Source: "Wire", Published: time.Now().Add(-time.Duration(i+1) * time.Minute)}, Feed: "t"})
	}
	if _, err := articles.Add(ctx, arts); err != nil {
		t.Fatal(err)
	}
	sam := user{6101, "en"}
	seen := pageItemRe.FindAllString(h.sayText(sam, "/digest"), -1)
	label, data := moreOf(h.lastMarkup(sam.id))
	if len(seen) != 3 || label != "More (5)" || len(data) > 64 {
		t.Fatalf("digest showed %v with More button %q %q; want 3 stories and More (5) within 64 bytes", seen, label, data)
	}
	pages := []struct {
		stories int
		button  string
	}{{3, "More (2)"}, {2, ""}}
	var last string
	for i, p := range pages {
		last = data
		h.press(sam, private(sam), 1, last)
		got := joinSent(h.newTo(sam.id))
		items := pageItemRe.FindAllString(got, -1)
		label, data = moreOf(h.lastMarkup(sam.id))
		if len(items) != p.stories || label != p.button || strings.Contains(got, text("en", msgDigestEnd)) != (p.button == "") {
			t.Fatalf("page %d: %v, button %q; want %d stories, button %q, the end line on the last:\n%s", i+1, items, label, p.stories, p.button, got)
		}
		seen = append(seen, items...)
	}
	for i := range subjects {
		if n := strings.Count(strings.Join(seen, " "), fmt.Sprintf("Glacier%d", i)); n != 1 {
			t.Errorf("Glacier%d shown %d times across the digest and its pages, want once", i, n)
		}
	}
	past := last[:strings.LastIndex(last, ":")+1] + "8"
	expired := "m:AAAAAAAAAAAAAAAA:3" // a page set that is not (any longer) stored
	tests := []struct {
		u    user
		data string
		want string
	}{
		{sam, past, text("en", msgDigestNoMore)},
		{sam, expired, text("en", msgDigestMoreExpired)},
		{user{6102, "ar"}, expired, text("ar", msgDigestMoreExpired)},
	}
	for _, tt := range tests {
		h.press(tt.u, private(tt.u), 1, tt.data)
		if got := joinSent(h.newTo(tt.u.id)); got != "" {
			t.Errorf("%s press %q sent %q", tt.u.lang, tt.data, got)
		}
		answers := h.rec.Calls("answerCallbackQuery")
		if got := answers[len(answers)-1].Params.Get("text"); got != tt.want {
			t.Errorf("%s press %q answered %q, want %q", tt.u.lang, tt.data, got, tt.want)
		}
	}
}

// moreOf returns the label and data of the More button in a keyboard.
func moreOf(kb [][2]string) (label, data string) {
	for _, b := range kb {
		if delivery.IsMoreData(b[1]) {
			return b[0], b[1]
		}
	}
	return "", ""
}
