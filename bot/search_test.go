package bot

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"

	"newsdigest/digest"
	"newsdigest/news"
)

// searchArticles are the stored articles /search runs over; old was first
// seen 20 days before the harness clock, beyond the 14 days searched.
func searchArticles(now time.Time) []news.Article {
	mk := func(id, lang, title, body string, fetched time.Time) news.Article {
		return news.Article{Article: digest.Article{ID: id, Title: title, Text: body, Lang: lang, Source: "Wire " + id,
			URL: "https://example.org/" + id, Published: fetched}, Fetched: fetched}
	}
	recent := now.Add(-2 * time.Hour)
	arts := []news.Article{
		mk("ar-iraq", "ar", "وزير الخارجية يصل إلى العراق في زيارة رسمية", "وصل وزير الخارجية إلى العراق اليوم في زيارة رسمية تستمر يومين.\nوبحث الوزير مع نظيره العلاقات الثنائية.", recent),
		mk("ar-rates", "ar", "البنك المركزي يرفع أسعار الفائدة", "رفع البنك المركزي أسعار الفائدة نصف نقطة بسبب التضخم المرتفع.\nوتراجعت الأسواق.", recent),
		mk("ar-oil", "ar", "أسعار النفط ترتفع والمستثمرون يبحثون عن الفائدة", "ارتفعت أسعار النفط في الأسواق العالمية بينما يبحث المستثمرون عن الفائدة في السندات.\nوقال محللون إن الطلب قوي.", recent),
		mk("en-iraq", "en", "Floods hit northern Iraq", "Heavy floods hit northern Iraq on Monday, displacing thousands of families.\nAid agencies sent tents.", recent),
		mk("en-rates", "en", "Central bank raises interest rates", "The central bank raised interest rates by half a point, citing stubborn inflation.\nMarkets fell.", recent),
		mk("en-mortgage", "en", "Mortgage rates climb as buyers lose interest", "Mortgage rates climbed again this week and buyers lost interest in new homes.\nSales fell.", recent),
		mk("en-old", "en", "Iraq election results announced", "Election officials in Iraq announced the results of the vote.\nTurnout was low.", now.Add(-20*24*time.Hour)),
	}
	harbour := []string{"ferry", "crane", "festival", "storm", "museum", "bridge", "fishing fleet"}
	for i, what := range harbour {
		arts = append(arts, mk(fmt.Sprintf("en-basra-%d", i), "en", fmt.Sprintf("Basra harbour %s story %d", what, i),
			fmt.Sprintf("The %s at the Basra harbour drew attention on day %d.\nOfficials said more on %s later.", what, i, what),
			now.Add(-time.Duration(3+i)*time.Hour)))
	}
	return arts
}

// newSearchHarness is the harness with /search served by the real delivery
// service over the harness's bbolt file and the real digest engine.
func newSearchHarness(t *testing.T) *harness {
	t.Helper()
	h := newHarness(t)
	log := slog.New(slog.NewTextHandler(h.logs, nil))
	api, articles, svc := h.deliveryService(log)
	if _, err := articles.Add(context.Background(), searchArticles(h.clock)); err != nil {
		t.Fatal(err)
	}
	h.bot = New(api, Config{Token: h.fake.Token(), DefaultTZ: "UTC", GroupBurst: 1000}, h.subs, h.digests, log,
		WithSearch(svc), WithClock(func() time.Time { return h.clock }))
	return h
}

func TestSearch(t *testing.T) {
	h := newSearchHarness(t)
	ar, en := user{7001, "ar"}, user{7002, "en"}
	tests := []struct {
		name     string
		u        user
		query    string
		want     []string
		notWant  []string
		wantText msgKey // -1: results
	}{
		{"arabic clitic form", ar, "/search بالعراق", []string{"يصل إلى العراق", `href="https://example.org/ar-iraq"`, "مصدر واحد", "النتائج"}, []string{"أسعار"}, -1},
		{"english", en, "/search iraq", []string{"Floods hit northern Iraq", "(1 source)", "1 story from the last 14 days"}, []string{"election", "interest"}, -1},
		{"quoted phrase", en, `/search "interest rates"`, []string{"Central bank raises interest rates"}, []string{"Mortgage"}, -1},
		{"words without quotes", en, "/search interest rates", []string{"Central bank raises interest rates", "Mortgage rates climb"}, nil, -1},
		{"guillemets", ar, "/search «أسعار الفائدة»", []string{"البنك المركزي يرفع أسعار الفائدة"}, []string{"النفط"}, -1},
		{"no match", en, "/search volcano", []string{"Nothing found for", "volcano"}, nil, msgSearchNone},
		{"no match arabic", ar, "/search بركان", []string{"لا أخبار عن"}, nil, msgSearchNone},
		{"no arguments", en, "/search", []string{text("en", msgSearchUsage)}, nil, msgSearchUsage},
		{"no arguments arabic", ar, "/search", []string{text("ar", msgSearchUsage)}, nil, msgSearchUsage},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := h.sayText(tt.u, tt.query)
			for _, w := range tt.want {
				if !strings.Contains(got, w) {
					t.Errorf("%s: answer lacks %q:\n%s", tt.query, w, got)
				}
			}
			for _, w := range tt.notWant {
				if strings.Contains(got, w) {
					t.Errorf("%s: answer holds %q:\n%s", tt.query, w, got)
				}
			}
			if tt.wantText < 0 && len(h.lastMarkup(tt.u.id)) != 0 {
				t.Errorf("%s: a More button on a single page", tt.query)
			}
		})
	}
}

// TestSearchMore pages through seven results five at a time, newest first,
// until the end, and the button expires after a day.
func TestSearchMore(t *testing.T) {
	h := newSearchHarness(t)
	u := user{7003, "en"}
	first := h.sayText(u, "/search basra")
	if !strings.Contains(first, "7 stories from the last 14 days; the newest 5") {
		t.Fatalf("first page header:\n%s", first)
	}
	for i := range 7 {
		if has := strings.Contains(first, fmt.Sprintf("story %d\u2069", i)); has != (i < 5) {
			t.Errorf("story %d on the first page: %v, want %v (newest first):\n%s", i, has, i < 5, first)
		}
	}
	if strings.Index(first, "story 0\u2069") > strings.Index(first, "story 1\u2069") {
		t.Errorf("not newest first:\n%s", first)
	}
	kb := h.lastMarkup(u.id)
	if len(kb) != 1 || kb[0][0] != "More (2)" || len(kb[0][1]) > 64 {
		t.Fatalf("first page keyboard %q, want one More (2) button within 64 bytes", kb)
	}
	h.press(u, private(u), 1, kb[0][1])
	second := joinSent(h.newTo(u.id))
	if !strings.Contains(second, "6–7 of 7 stories") || !strings.Contains(second, "story 5\u2069") ||
		!strings.Contains(second, "story 6\u2069") || strings.Contains(second, "story 4\u2069") || !strings.Contains(second, "That is all.") {
		t.Fatalf("second page:\n%s", second)
	}
	if kb := h.lastMarkup(u.id); len(kb) != 0 {
		t.Errorf("last page keyboard %q, want none", kb)
	}
	h.clock = h.clock.Add(25 * time.Hour)
	h.press(u, private(u), 1, kb[0][1])
	if got := joinSent(h.newTo(u.id)); got != "" {
		t.Errorf("an expired More sent %q", got)
	}
	answers := h.rec.Calls("answerCallbackQuery")
	if len(answers) == 0 || answers[len(answers)-1].Params.Get("text") != text("en", msgSearchExpired) {
		t.Errorf("expired press answered %v, want %q", answers, text("en", msgSearchExpired))
	}
}

func TestSearchDataRoundTrip(t *testing.T) {
	issued := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)
	d := searchData(5, issued, "«أسعار الفائدة» بغداد")
	off, at, args, ok := parseSearchData(d)
	if !ok || off != 5 || !at.Equal(issued) || args != "«أسعار الفائدة» بغداد" {
		t.Fatalf("round trip of %q: %d %v %q %v", d, off, at, args, ok)
	}
	if d := searchData(5, issued, strings.Repeat("العراق ", 10)); d != "" {
		t.Errorf("a search over 64 bytes got button data %q", d)
	}
	for _, bad := range []string{"q:0:abc:x", "q:x:abc:x", "q:5:!!:x", "q:5:abc: ", "q:5:abc"} {
		if _, _, _, ok := parseSearchData(bad); ok {
			t.Errorf("%q parsed", bad)
		}
	}
}

// FuzzSearchData: forged button data never panics, and what parses
// re-encodes to the same search.
func FuzzSearchData(f *testing.F) {
	f.Add("q:5:htjz0:basra")
	f.Add("q:10:htjz0:«أسعار الفائدة» بغداد")
	f.Add("q:-5:zz:x")
	f.Fuzz(func(t *testing.T, data string) {
		off, issued, args, ok := parseSearchData(data)
		if !ok {
			return
		}
		if off <= 0 || strings.TrimSpace(args) == "" {
			t.Fatalf("%q parsed to offset %d, args %q", data, off, args)
		}
		if d := searchData(off, issued, args); d != "" {
			off2, issued2, args2, ok2 := parseSearchData(d)
			if !ok2 || off2 != off || !issued2.Equal(issued) || args2 != args {
				t.Fatalf("%q → %q does not round-trip", data, d)
			}
		}
	})
}
