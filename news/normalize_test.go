package news

import (
	"crypto/sha256"
	"encoding/hex"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/mmcdole/gofeed"
)

func TestCanonicalURL(t *testing.T) {
	base, _ := url.Parse("https://News.Example.com/section/")
	tests := []struct {
		raw, want string
		base      *url.URL
	}{
		{raw: "HTTPS://WWW.Example.COM:443/a/b?utm_source=tw&utm_medium=x&id=7#comments", want: "https://www.example.com/a/b?id=7"},
		{raw: "http://example.com:80?fbclid=abc&gclid=def", want: "http://example.com/"},
		{raw: "http://example.com:8080/p?b=2&a=1&utm_term=x", want: "http://example.com:8080/p?b=2&a=1"},
		{raw: "https://example.com/f?ids=1,2&q=a%20b&&", want: "https://example.com/f?ids=1,2&q=a%20b"},
		{raw: "https://example.com/بحث?q=عراق", want: "https://example.com/%D8%A8%D8%AD%D8%AB?q=%D8%B9%D8%B1%D8%A7%D9%82"},
		{raw: "story/42?UTM_Campaign=z", base: base, want: "https://news.example.com/section/story/42"},
		{raw: "//cdn.example.com/x", base: base, want: "https://cdn.example.com/x"},
		{raw: "http://user:pw@example.com/x", want: "http://example.com/x"},
		{raw: "https://ar.example.com/مقال", want: "https://ar.example.com/%D9%85%D9%82%D8%A7%D9%84"},
	}
	for _, tt := range tests {
		got, err := CanonicalURL(tt.raw, tt.base)
		if err != nil || got != tt.want {
			t.Errorf("CanonicalURL(%q) = %q, %v; want %q", tt.raw, got, err, tt.want)
		}
	}
	for _, bad := range []string{"javascript:alert(1)", "mailto:a@b.c", "relative/no/base", "http://", "ftp://x.y/z", "http://[::1"} {
		if got, err := CanonicalURL(bad, nil); err == nil {
			t.Errorf("CanonicalURL(%q) = %q, want an error", bad, got)
		}
	}
}

func TestHTMLToText(t *testing.T) {
	tests := []struct{ in, want string }{
		{"<p>First &amp; best.</p><p>Second&nbsp;para.</p>", "First & best.\nSecond para."},
		{"Line one<br>Line two<br/>  <br>", "Line one\nLine two"},
		{"<div>Kept <b>bold</b> <a href='x'>link</a></div><script>alert(1)</script><style>p{}</style>", "Kept bold link"},
		{"Plain text.\n\nNext paragraph.\nsame paragraph", "Plain text.\nNext paragraph. same paragraph"},
		{"<ul><li>one</li><li>two</li></ul>", "one\ntwo"},
		{"&lt;p&gt;escaped markup&lt;/p&gt;", "<p>escaped markup</p>"},
		{"<p>قال &quot;الوزير&quot; إن</p><p>الخطة</p>", "قال \"الوزير\" إن\nالخطة"},
		{"<p>unclosed <b>tags", "unclosed tags"},
		{"", ""},
	}
	for _, tt := range tests {
		if got := HTMLToText(tt.in); got != tt.want {
			t.Errorf("HTMLToText(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestNormalizeItem(t *testing.T) {
	pub := time.Date(2026, 2, 1, 9, 30, 0, 0, time.FixedZone("+03", 3*3600))
	fi := FeedInfo{URL: "https://wire.example/rss", Title: "The Wire", Link: "https://wire.example/", Language: "en", Topics: []string{"World"}}
	tests := []struct {
		name string
		item gofeed.Item
		want Article
	}{
		{
			name: "link wins as ID, tracking dropped, content preferred over summary",
			item: gofeed.Item{Title: " Quake &amp; tsunami ", Link: "/news/1?utm_source=rss#x", GUID: "g-1",
				Description: "Short.", Content: "<p>A strong quake hit the coast on Monday.</p><p>Officials warned of a tsunami.</p>",
				Categories: []string{"World", "Asia"}, PublishedParsed: &pub},
			want: articleWith("https://wire.example/news/1", "https://wire.example/news/1", "Quake & tsunami",
				"A strong quake hit the coast on Monday.\nOfficials warned of a tsunami.", "", "The Wire", "en", []string{"world", "asia"}, pub.UTC()),
		},
		{
			name: "GUID when there is no link; dateline moved to Place",
			item: gofeed.Item{Title: "Markets", GUID: "tag:wire,2026:7", Description: "LONDON (Reuters) - Stocks rose on Tuesday as investors cheered."},
			want: articleWith("guid:tag:wire,2026:7", "", "Markets", "Stocks rose on Tuesday as investors cheered.", "LONDON", "The Wire", "en", []string{"world"}, time.Time{}),
		},
		{
			name: "dateline as its own paragraph",
			item: gofeed.Item{Title: "Iraq", Link: "https://wire.example/iraq", Content: "<p>بغداد-</p><p>قالت أربعة مصادر عراقية إن العراق يريد.</p><p>فقرة ثانية.</p>"},
			want: articleWith("https://wire.example/iraq", "https://wire.example/iraq", "Iraq", "قالت أربعة مصادر عراقية إن العراق يريد.\nفقرة ثانية.", "بغداد", "The Wire", "ar", []string{"world"}, time.Time{}),
		},
		{
			name: "content hash when there is neither; Arabic detected",
			item: gofeed.Item{Description: "<p>قالت أربعة مصادر عراقية إن العراق يريد أن تبدأ قوات التحالف الانسحاب.</p>"},
			want: articleWith("", "", "", "قالت أربعة مصادر عراقية إن العراق يريد أن تبدأ قوات التحالف الانسحاب.", "", "The Wire", "ar", []string{"world"}, time.Time{}),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := NormalizeItem(&tt.item, fi)
			if !ok {
				t.Fatal("item dropped")
			}
			if tt.want.ID == "" {
				tt.want.ID = "hash:" + got.Hash
			}
			fields := func(a Article) []string {
				return []string{a.ID, a.URL, a.Title, a.Text, a.Place, a.Source, a.Lang, a.Feed, a.Published.String()}
			}
			if g, w := fields(got), fields(tt.want); !slices.Equal(g, w) {
				t.Errorf("got  %q\nwant %q", g, w)
			}
			if !slices.Equal(got.Topics, tt.want.Topics) || got.Hash != ContentHash(got.Title, got.Text) {
				t.Errorf("topics %v hash %q", got.Topics, got.Hash)
			}
		})
	}
	huge := strings.Repeat("<p>"+strings.Repeat("word ", 200)+"</p>", 200) // ≈ 200 KB
	if a, _ := NormalizeItem(&gofeed.Item{Title: "Book", Content: huge}, fi); len(a.Text) > maxTextBytes || len(a.Text) < maxTextBytes/2 || strings.HasSuffix(a.Text, "wor") {
		t.Errorf("huge item text is %d bytes ending %q; want ≤ %d ending on a paragraph", len(a.Text), a.Text[len(a.Text)-10:], maxTextBytes)
	}
	if _, ok := NormalizeItem(&gofeed.Item{Link: "https://x.example/empty"}, fi); ok {
		t.Error("an item with no title and no text was kept")
	}
}

func articleWith(id, u, title, text, place, source, lang string, topics []string, pub time.Time) Article {
	var a Article
	a.ID, a.URL, a.Title, a.Text, a.Place, a.Source, a.Lang, a.Topics, a.Published = id, u, title, text, place, source, lang, topics, pub
	a.Feed = "https://wire.example/rss"
	return a
}

func TestContentHashIgnoresLayout(t *testing.T) {
	a := ContentHash("Quake Hits", "A strong quake\nhit the coast.")
	b := ContentHash("quake  hits", "A strong quake hit\u00a0the coast.")
	c := ContentHash("Quake hits", "A strong quake hit the harbour.")
	if a != b || a == c {
		t.Errorf("hashes: same story %q vs %q, different story %q", a, b, c)
	}
}

// FuzzNormalizeItem: whatever a feed sends, the normaliser returns valid
// UTF-8, tag-free single-line titles, a non-empty ID, and an http(s) URL or
// none; it never panics.
func FuzzNormalizeItem(f *testing.F) {
	f.Add("Title", "<p>Body &amp; more</p>", "https://example.com/a?utm_source=x", "guid-1", "world")
	f.Add("", "بغداد-\nقالت مصادر", "", "", "")
	f.Add("<b>x</b>", "<script>bad()</script>text", "javascript:alert(1)", "", "a,b")
	f.Add("\xff\xfe", "\x00<p\x00>", "http://[::1", "\t", "")
	f.Fuzz(func(t *testing.T, title, body, link, guid, cats string) {
		it := &gofeed.Item{Title: title, Description: body, Content: body + body, Link: link, GUID: guid, Categories: strings.Split(cats, ",")}
		a, ok := NormalizeItem(it, FeedInfo{URL: "https://feed.example/rss", Link: "https://feed.example/"})
		if !ok {
			return
		}
		for _, s := range []string{a.ID, a.URL, a.Title, a.Text, a.Place, a.Source} {
			if !utf8.ValidString(s) {
				t.Fatalf("invalid UTF-8 in %q", s)
			}
		}
		for _, s := range []string{a.Title, a.Text, a.Place, a.Source} {
			if hasControlRune(s) {
				t.Fatalf("control character kept: %q", s)
			}
		}
		checkCaps(t, a)
		if a.ID == "" || a.Hash == "" || strings.Contains(a.Title, "\n") {
			t.Fatalf("bad article: %+v", a)
		}
		if a.URL != "" && !strings.HasPrefix(a.URL, "http://") && !strings.HasPrefix(a.URL, "https://") {
			t.Fatalf("non-http URL %q", a.URL)
		}
		if again, err := CanonicalURL(a.URL, nil); a.URL != "" && (err != nil || again != a.URL) {
			t.Fatalf("canonical URL not stable: %q → %q, %v", a.URL, again, err)
		}
	})
}

func TestContentHashMatchesSimpleDefinition(t *testing.T) {
	// The streaming hash must equal the obvious definition: lower-case,
	// whitespace runs collapsed, title NUL text, SHA-256, first 16 bytes.
	simple := func(title, text string) string {
		norm := func(s string) string { return strings.Join(strings.Fields(strings.ToLower(s)), " ") }
		sum := sha256.Sum256([]byte(norm(title) + "\x00" + norm(text)))
		return hex.EncodeToString(sum[:16])
	}
	long := strings.Repeat("Ab  Cd\n", 2000) // crosses the internal buffer many times
	for _, p := range [][2]string{{"", ""}, {" Title ", "  body\ttext  "}, {"ÀÉ", "قالت\u00a0 مصادر"}, {long, long}} {
		if got, want := ContentHash(p[0], p[1]), simple(p[0], p[1]); got != want {
			t.Errorf("ContentHash(%.20q, %.20q) = %s, want %s", p[0], p[1], got, want)
		}
	}
}

// TestNormalizeItemReadsDatesGofeedLeaves: gofeed leaves a date it cannot
// read unparsed (an RFC 822 date with its "(UTC)" comment, a crawl note);
// the item must keep its time, read by ParseTime, or the merge window is off
// for it. The feeds are parsed by ParseFeed, as the fetcher does.
func TestNormalizeItemReadsDatesGofeedLeaves(t *testing.T) {
	tests := []struct {
		name, feed string
		want       time.Time
	}{
		{"rss comment zone", `<rss version="2.0"><channel><title>T</title><item><title>Storm closes schools</title><link>https://example.com/a</link>` +
			`<pubDate>Sat, 28 Nov 2026 09:00:00 +0000 (UTC)</pubDate></item></channel></rss>`, time.Date(2026, 11, 28, 9, 0, 0, 0, time.UTC)},
		{"rss crawl note", `<rss version="2.0"><channel><title>T</title><item><title>العاصفة تغلق المدارس</title><link>https://example.com/b</link>` +
			`<pubDate>2013-01-30 21:48:02 (crawl time)</pubDate></item></channel></rss>`, time.Date(2013, 1, 30, 21, 48, 2, 0, time.UTC)},
		{"atom updated only", `<feed xmlns="http://www.w3.org/2005/Atom"><title>T</title><entry><title>Storm closes schools</title>` +
			`<link href="https://example.com/c"/><id>c</id><updated>Sat, 28 Nov 2026 10:30:00 +0100 (CET)</updated></entry></feed>`, time.Date(2026, 11, 28, 9, 30, 0, 0, time.UTC)},
		{"unreadable stays undated", `<rss version="2.0"><channel><title>T</title><item><title>Storm closes schools</title><link>https://example.com/d</link>` +
			`<pubDate>soon</pubDate></item></channel></rss>`, time.Time{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			feed, _, err := ParseFeed([]byte(tt.feed), "application/xml")
			if err != nil || len(feed.Items) != 1 {
				t.Fatalf("ParseFeed: %v, %d items", err, len(feed.Items))
			}
			a, ok := NormalizeItem(feed.Items[0], FeedInfoFrom("https://example.com/feed", feed, nil))
			if !ok || !a.Published.Equal(tt.want) {
				t.Errorf("Published = %v (ok %v), want %v", a.Published, ok, tt.want)
			}
		})
	}
}
