package news

import (
	"bytes"
	"context"
	"errors"
	"os"
	"slices"
	"strings"
	"testing"

	"golang.org/x/text/encoding/charmap"
)

func feedURLs(fs []Feed) []string {
	var out []string
	for _, f := range fs {
		out = append(out, f.URL)
	}
	return out
}

func TestFeedManagement(t *testing.T) {
	ctx := context.Background()
	s := newTestStore(t, newFakeClock())
	f, created, err := s.AddFeed(ctx, "HTTPS://Feeds.Example.com/world.xml#top", []string{"World", "politics"})
	if err != nil || !created || f.URL != "https://feeds.example.com/world.xml" || !slices.Equal(f.Topics, []string{"world", "politics"}) {
		t.Fatalf("AddFeed = %+v, %v, %v", f, created, err)
	}
	if _, created, _ := s.AddFeed(ctx, "https://feeds.example.com/world.xml", nil); created {
		t.Error("adding the same feed twice created a second one")
	}
	if f, _ := s.GetFeed(ctx, "https://feeds.example.com/world.xml"); !slices.Equal(f.Topics, []string{"world", "politics"}) {
		t.Errorf("re-adding without topics dropped them: %v", f.Topics)
	}
	mustAddFeed(t, s, "https://a.example/rss")
	mustAddFeed(t, s, "https://z.example/rss")
	list, _ := s.ListFeeds(ctx)
	want := []string{"https://a.example/rss", "https://feeds.example.com/world.xml", "https://z.example/rss"}
	if !slices.Equal(feedURLs(list), want) {
		t.Fatalf("ListFeeds = %v, want %v", feedURLs(list), want)
	}
	// /delfeed 2 removes the second listed; /delfeed URL the named one.
	if gone, err := s.RemoveFeed(ctx, "2"); err != nil || gone.URL != want[1] {
		t.Fatalf("RemoveFeed(2) = %+v, %v", gone, err)
	}
	if gone, err := s.RemoveFeed(ctx, "HTTPS://Z.example/rss"); err != nil || gone.URL != want[2] {
		t.Fatalf("RemoveFeed(URL) = %+v, %v", gone, err)
	}
	for _, ref := range []string{"5", "https://nope.example/", "0"} {
		if _, err := s.RemoveFeed(ctx, ref); !errors.Is(err, ErrFeedNotFound) {
			t.Errorf("RemoveFeed(%q) = %v, want ErrFeedNotFound", ref, err)
		}
	}
	for _, bad := range []string{"ftp://x.example/f", "not a url", "javascript:alert(1)"} {
		if _, _, err := s.AddFeed(ctx, bad, nil); !errors.Is(err, ErrBadURL) {
			t.Errorf("AddFeed(%q) = %v, want ErrBadURL", bad, err)
		}
	}
}

func TestFeedStatusLine(t *testing.T) {
	now := newFakeClock().Now()
	tests := []struct {
		f    Feed
		want string
	}{
		{Feed{}, "not fetched yet"},
		{Feed{LastFetch: now, LastOK: now.Add(-30 * 60e9), LastItems: 20, Articles: 55}, "ok 30m ago, 20 items, 55 articles stored"},
		{Feed{LastFetch: now, Errors: 3, NextFetch: now.Add(3600e9), LastResult: "HTTP 500"}, "3 errors in a row, retry in 1h0m: HTTP 500"},
		{Feed{LastFetch: now, Errors: 1, NextFetch: now.Add(15 * 60e9), LastResult: "HTTP 404 Not Found"}, "1 error, retry in 15m: HTTP 404 Not Found"},
		{Feed{LastFetch: now, LastOK: now}, "ok 0m ago, 0 items, 0 articles stored"},
	}
	for _, tt := range tests {
		if got := tt.f.Status(now); got != tt.want {
			t.Errorf("Status = %q, want %q", got, tt.want)
		}
	}
}

func TestParseFeedList(t *testing.T) {
	specs, err := ParseFeedList("https://a.example/rss world, https://b.example/atom\n# comment\n\nhttps://c.example/feed.json economy Markets")
	if err != nil {
		t.Fatal(err)
	}
	got := []string{}
	for _, s := range specs {
		got = append(got, s.URL+" "+strings.Join(s.Topics, "+"))
	}
	want := []string{"https://a.example/rss world", "https://b.example/atom ", "https://c.example/feed.json economy+markets"}
	if !slices.Equal(got, want) {
		t.Errorf("ParseFeedList = %q, want %q", got, want)
	}
	specs, err = ParseFeedList("https://q.example/feed?ids=1,2 world,tech , https://r.example/rss")
	if err != nil || len(specs) != 2 || specs[0].URL != "https://q.example/feed?ids=1,2" || !slices.Equal(specs[0].Topics, []string{"world", "tech"}) {
		t.Errorf("comma inside a URL: %+v, %v", specs, err)
	}
	specs, err = ParseFeedList("https://ok.example/rss, gopher://bad.example/,,")
	if !errors.Is(err, ErrBadURL) || len(specs) != 1 {
		t.Errorf("bad entry: %v, %d specs; want ErrBadURL and the good one kept", err, len(specs))
	}
}

func TestSeedFeedsOnlyOnFirstStart(t *testing.T) {
	ctx := context.Background()
	s := newTestStore(t, newFakeClock())
	specs, _ := ParseFeedList("https://a.example/rss,https://b.example/rss")
	if n, err := s.SeedFeeds(ctx, specs); n != 2 || err != nil {
		t.Fatalf("first start added %d, %v", n, err)
	}
	s.RemoveFeed(ctx, "https://a.example/rss")
	if n, _ := s.SeedFeeds(ctx, specs); n != 0 {
		t.Errorf("second start re-added %d feeds the admin removed", n)
	}
}

func TestOPMLRoundTrip(t *testing.T) {
	ctx := context.Background()
	src := newTestStore(t, newFakeClock())
	data, err := os.ReadFile("testdata/subscriptions.opml")
	if err != nil {
		t.Fatal(err)
	}
	res, err := src.ImportOPML(ctx, bytes.NewReader(data))
	if !errors.Is(err, ErrOPML) || !strings.Contains(err.Error(), "javascript:") {
		t.Errorf("import error = %v, want the bad outline named", err)
	}
	if res.Added != 4 {
		t.Fatalf("imported %+v, want 4 added", res)
	}
	byURL := map[string][]string{}
	feeds, _ := src.ListFeeds(ctx)
	for _, f := range feeds {
		byURL[f.URL] = f.Topics
	}
	wantTopics := map[string][]string{
		"https://www.aljazeera.net/rss":         {"arabic", "سياسة"},
		"https://feeds.bbci.co.uk/news/rss.xml": {"english", "world", "uk"},
		"https://example.com/tech.xml":          {"english", "tech"},
		"https://loose.example/feed":            nil,
	}
	for u, want := range wantTopics {
		if got, ok := byURL[u]; !ok || !slices.Equal(got, want) {
			t.Errorf("%s topics = %v (present %v), want %v", u, got, ok, want)
		}
	}
	var out bytes.Buffer
	if err := src.ExportOPML(ctx, &out); err != nil {
		t.Fatal(err)
	}
	dst := newTestStore(t, newFakeClock())
	if res, err := dst.ImportOPML(ctx, &out); err != nil || res.Added != 4 {
		t.Fatalf("re-import = %+v, %v", res, err)
	}
	again, _ := dst.ListFeeds(ctx)
	for i := range feeds {
		if again[i].URL != feeds[i].URL || !slices.Equal(again[i].Topics, feeds[i].Topics) {
			t.Errorf("round trip changed %+v into %+v", feeds[i], again[i])
		}
	}
}

func TestParseOPMLRejectsGarbage(t *testing.T) {
	for _, doc := range []string{"", "not xml at all", "<html><body>hi</body></html>"} {
		if _, err := ParseOPML(strings.NewReader(doc)); !errors.Is(err, ErrOPML) {
			t.Errorf("ParseOPML(%q) = %v, want ErrOPML", doc, err)
		}
	}
}

func TestParseOPMLLegacyEncoding(t *testing.T) {
	doc := `<?xml version="1.0" encoding="windows-1256"?><opml version="1.0"><body>` +
		`<outline text="أخبار"><outline text="x" xmlUrl="https://ar.example/rss"/></outline></body></opml>`
	enc, err := charmap.Windows1256.NewEncoder().String(doc)
	if err != nil {
		t.Fatal(err)
	}
	specs, err := ParseOPML(strings.NewReader(enc))
	if err != nil || len(specs) != 1 || !slices.Equal(specs[0].Topics, []string{"أخبار"}) {
		t.Errorf("windows-1256 OPML = %+v, %v; want the Arabic folder as topic", specs, err)
	}
}

// TestAddFeedsKeepsThoseBeforeAFailure: a list is added in one transaction,
// but a bad entry still keeps the feeds before it and stops the rest, as
// adding them one by one did.
func TestAddFeedsKeepsThoseBeforeAFailure(t *testing.T) {
	ctx := context.Background()
	s := newTestStore(t, newFakeClock())
	mustAddFeed(t, s, "https://old.example/rss")
	specs := []FeedSpec{{URL: "https://old.example/rss"}, {URL: "https://a.example/rss"}, {URL: "gopher://bad.example/"}, {URL: "https://b.example/rss"}}
	res, err := s.AddFeeds(ctx, specs)
	if !errors.Is(err, ErrBadURL) || res != (ImportResult{Added: 1, Updated: 1}) {
		t.Errorf("AddFeeds = %+v, %v; want 1 added, 1 updated and ErrBadURL", res, err)
	}
	feeds, _ := s.ListFeeds(ctx)
	if urls, want := feedURLs(feeds), []string{"https://a.example/rss", "https://old.example/rss"}; !slices.Equal(urls, want) {
		t.Errorf("stored %v, want %v", urls, want)
	}
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	if res, err := s.AddFeeds(cancelled, []FeedSpec{{URL: "https://c.example/rss"}}); !errors.Is(err, context.Canceled) || res.Added != 0 {
		t.Errorf("cancelled AddFeeds = %+v, %v", res, err)
	}
}
