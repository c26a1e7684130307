package news

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/mmcdole/gofeed"

	"newsdigest/digest"
)

// hostileControls are what a hostile or careless source puts in text to
// recolour, retitle or hyperlink a terminal, or to make text read backwards.
var hostileControls = []string{"\x1b", "\u009b", "\u009d", "\a", "\x00", "\u202e", "\u202d", "\u202a", "[31m", "]0;", "8;;"}

func assertNoControls(t *testing.T, what, s string) {
	t.Helper()
	for _, c := range hostileControls {
		if strings.Contains(s, c) {
			t.Errorf("%s keeps %q: %q", what, c, s)
		}
	}
}

// TestSeedsStripControls: seed files lose terminal escapes (CSI, OSC, C1
// forms), other control characters and bidi overrides, as feed items do,
// while the text around them, line breaks and bidi isolates stay.
func TestSeedsStripControls(t *testing.T) {
	txt := "\x1b[31mRed\x1b[0m alert \x1b]0;pwned\a title\n\n" +
		"Text \x1b]8;;http://evil.example\x1b\\link\x1b]8;;\x1b\\ with \u202eoverride\u202c and \u2068isolate\u2069.\n" +
		"Second\x00 paragraph \u009b2J\u009d0;x\u009c done.\n"
	md := "---\ntitle: \"\\e[1mBold\\e[0m front\\u202e matter\"\nsource: \"Wire\\a\"\n---\n" +
		"Body \x1b[2Kline \u202dforced.\n"
	for name, data := range map[string]string{"hostile.txt": txt, "hostile.md": md} {
		a, err := ParseSeed(name, []byte(data))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		for what, s := range map[string]string{"title": a.Title, "text": a.Text, "source": a.Source} {
			assertNoControls(t, name+" "+what, s)
		}
		switch name {
		case "hostile.txt":
			if a.Title != "Red alert title" {
				t.Errorf("txt title = %q", a.Title)
			}
			if want := "Text link with override and \u2068isolate\u2069.\nSecond paragraph  done."; a.Text != want {
				t.Errorf("txt text = %q, want %q", a.Text, want)
			}
		case "hostile.md":
			if a.Title != "Bold front matter" || a.Source != "Wire" || a.Text != "Body line forced." {
				t.Errorf("md seed = title %q, source %q, text %q", a.Title, a.Source, a.Text)
			}
		}
	}
}

// TestFeedItemsStripEscapeSequences: a feed item's title and text lose whole
// escape sequences, not only the ESC byte ("[31m" used to stay).
func TestFeedItemsStripEscapeSequences(t *testing.T) {
	it := &gofeed.Item{Title: "\x1b[31mRed\x1b[0m title \u202eevil", Description: "<p>Body \x1b]8;;http://evil.example\x07link\x1b]8;;\x07 text</p>", Link: "https://news.example/a"}
	a, ok := NormalizeItem(it, FeedInfo{URL: "https://news.example/rss", Title: "\x1b[5mBlinking\x1b[0m Wire"})
	if !ok {
		t.Fatal("item dropped")
	}
	if a.Title != "Red title evil" || a.Text != "Body link text" || a.Source != "Blinking Wire" {
		t.Errorf("item = title %q, text %q, source %q", a.Title, a.Text, a.Source)
	}
}

// hasControlRune reports a character no stored title or text may hold.
func hasControlRune(s string) bool {
	return strings.ContainsFunc(s, func(r rune) bool {
		return (unicode.IsControl(r) && r != '\n' && r != '\t') || (r >= 0x202a && r <= 0x202e)
	})
}

// TestIngestCapsLengths: a 1 MB title, a 5,000-character feed title and a
// 5 KB link are cut at ingest to the digest's caps: the title clipped, the
// source name clipped, the link not kept (the item keeps a GUID identity).
func TestIngestCapsLengths(t *testing.T) {
	long := "https://news.example/" + strings.Repeat("p", 5000)
	it := &gofeed.Item{Title: strings.Repeat("Headline ", 120000), Description: "Body.", Link: long, GUID: "item-1"}
	p, _ := gofeed.NewParser().ParseString(`<rss version="2.0"><channel><title>` + strings.Repeat("Feed ", 1000) + `</title><link>https://news.example/</link></channel></rss>`)
	a, ok := NormalizeItem(it, FeedInfoFrom("https://news.example/rss", p, nil))
	if !ok {
		t.Fatal("item dropped")
	}
	if n := utf8.RuneCountInString(a.Title); n > digest.MaxTitleRunes || !strings.HasSuffix(a.Title, "…") || !strings.HasPrefix(a.Title, "Headline Headline") {
		t.Errorf("title of %d runes: %.40q…", n, a.Title)
	}
	if n := utf8.RuneCountInString(a.Source); n > digest.MaxSourceRunes || !strings.HasPrefix(a.Source, "Feed Feed") {
		t.Errorf("source of %d runes: %.40q", n, a.Source)
	}
	if a.URL != "" || a.ID != "guid:item-1" {
		t.Errorf("over-long link kept: URL %.40q, ID %.40q", a.URL, a.ID)
	}

	seed := "---\ntitle: " + strings.Repeat("Seed title ", 1000) + "\nsource: " + strings.Repeat("Wire ", 1000) + "\nurl: " + long + "\n---\nBody of the seed.\n"
	s, err := ParseSeed("long.md", []byte(seed))
	if err != nil {
		t.Fatal(err)
	}
	if utf8.RuneCountInString(s.Title) > digest.MaxTitleRunes || utf8.RuneCountInString(s.Source) > digest.MaxSourceRunes || s.URL != "" {
		t.Errorf("seed not capped: title %d runes, source %d runes, URL %d bytes", utf8.RuneCountInString(s.Title), utf8.RuneCountInString(s.Source), len(s.URL))
	}
}

// TestHostileFeedMakesAShortDigest: a feed with a 5,000-character title and
// items with 300 KB titles and 5 KB links, fetched over HTTP and ingested,
// gives a digest of at most MaxDigestMessages messages, each story in one,
// where it used to give about 80 messages per item.
func TestHostileFeedMakesAShortDigest(t *testing.T) {
	ctx := context.Background()
	s := newTestStore(t, newFakeClock())
	srv := newFeedServer(t)
	bodies := []string{ // unrelated events, so that they stay six stories
		"The central bank raised interest rates by half a point on Monday.",
		"Heavy rain flooded the river valley and closed two highways.",
		"The national team won the cup final after a late penalty.",
		"Scientists reported a new vaccine trial with promising results.",
		"Parliament passed the budget law after a long night session.",
		"A strong earthquake shook the coastal city before dawn.",
	}
	var items []item
	for i, body := range bodies {
		word := fmt.Sprintf("Story%d ", i)
		items = append(items, item{strings.Repeat(word, 300<<10/len(word)), "https://site.example/" + strings.Repeat(fmt.Sprint(i), 5000),
			body, "Sun, 01 Mar 2026 09:00:00 GMT"})
	}
	srv.set("/hostile.xml", rssDoc(strings.Repeat("Feed ", 1000), items...), 0)
	mustAddFeed(t, s, srv.URL+"/hostile.xml")
	if rep, err := newTestIngester(s, IngesterOptions{}).Run(ctx); err != nil || rep.New != 6 {
		t.Fatalf("ingest = %+v, %v", rep, err)
	}
	arts, err := s.Since(ctx, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	engine, err := digest.NewEngine(digest.Config{})
	if err != nil {
		t.Fatal(err)
	}
	in := make([]digest.Article, len(arts))
	for i, a := range arts {
		in[i] = a.Article
	}
	sel := digest.Select(engine.Stories(in), digest.Prefs{}, time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC))
	msgs := digest.RenderHTML(sel, digest.RenderOptions{Lang: "en"})
	if len(msgs) == 0 || len(msgs) > digest.MaxDigestMessages || len(sel.Stories) != 6 {
		t.Fatalf("%d messages for %d stories, want 1 to %d for 6", len(msgs), len(sel.Stories), digest.MaxDigestMessages)
	}
	t.Logf("%d messages for %d stories", len(msgs), len(sel.Stories))
	shown := 0
	for i := range 6 {
		in := 0
		for _, m := range msgs {
			if strings.Contains(m, fmt.Sprintf("Story%d", i)) {
				in++
			}
		}
		if in > 1 {
			t.Errorf("story %d spans %d messages", i, in)
		}
		shown += in
	}
	if more := fmt.Sprintf("…and %d more", 6-shown); shown < 6 && !strings.Contains(strings.Join(msgs, ""), more) {
		t.Errorf("%d stories shown and no %q line", shown, more)
	}
}

// checkCaps fails when an article is over the digest's length caps.
func checkCaps(t *testing.T, a Article) {
	t.Helper()
	if utf8.RuneCountInString(a.Title) > digest.MaxTitleRunes || utf8.RuneCountInString(a.Source) > digest.MaxSourceRunes || len(a.URL) > digest.MaxLinkBytes {
		t.Fatalf("over the caps: title %d runes, source %d runes, URL %d bytes", utf8.RuneCountInString(a.Title), utf8.RuneCountInString(a.Source), len(a.URL))
	}
}

// FuzzStripControls: whatever the input, the output holds no control
// character but line feed and tab and no bidi override, is stable when
// stripped again, and only removes.
func FuzzStripControls(f *testing.F) {
	f.Add("\x1b[31mRed\x1b[0m \x1b]8;;http://x\x07link\x1b]8;;\x07 \u202eevil\u202c \u2068ok\u2069\n\ttab")
	f.Add("\u009b2J\u009d0;title\u009c \x1bP q \x1b\\ \x1b(B \x1b")
	f.Fuzz(func(t *testing.T, s string) {
		out := StripControls(s)
		if hasControlRune(out) {
			t.Fatalf("StripControls(%q) = %q keeps a control", s, out)
		}
		if again := StripControls(out); again != out {
			t.Fatalf("not stable: %q → %q → %q", s, out, again)
		}
		rest := s // out is s with pieces removed: a byte subsequence of it
		for i := 0; i < len(out); i++ {
			j := strings.IndexByte(rest, out[i])
			if j < 0 {
				t.Fatalf("StripControls(%q) = %q adds byte %#x", s, out, out[i])
			}
			rest = rest[j+1:]
		}
	})
}
