package bot

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"newsdigest/digest"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf16"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"newsdigest/internal/dbtest"
	"newsdigest/news"
)

// storeFeeds is Feeds over a real news.Store and Ingester, as the adapter
// in cmd/newsdigest builds it.
type storeFeeds struct {
	*news.Store
	in *news.Ingester
}

var _ Feeds = storeFeeds{}

func (s storeFeeds) FetchFeed(ctx context.Context, feedURL string) (news.FeedResult, error) {
	return s.in.RunFeed(ctx, feedURL)
}

// feedServer serves the fixtures under testdata/feeds: /good.rss is a feed,
// /page.html a web page, /missing a 404.
func feedServer(t *testing.T) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.FileServer(http.Dir("testdata/feeds")))
	t.Cleanup(srv.Close)
	return srv
}

// withFeeds gives the harness's bot a feed store in its own bbolt file,
// fetching with allowPrivate (the test feeds are on loopback).
func (h *harness) withFeeds(allowPrivate bool) *news.Store {
	h.t.Helper()
	store, err := news.NewStore(context.Background(), dbtest.Open(h.t))
	if err != nil {
		h.t.Fatal(err)
	}
	in := news.NewIngester(store, news.IngesterOptions{
		Fetcher: news.FetcherOptions{AllowPrivate: allowPrivate, Timeout: 5 * time.Second},
		Logger:  slog.New(slog.DiscardHandler), Retention: -1,
	})
	WithFeeds(storeFeeds{Store: store, in: in})(h.bot)
	WithPrivateFeeds(allowPrivate)(h.bot)
	WithFileEndpoint(FileEndpoint(h.rec.Endpoint()))(h.bot)
	return store
}

// command sends a command and returns every new text the chat saw: sent
// messages, then, after background work, the edits of those messages.
func (h *harness) command(u user, cmd string) string {
	h.t.Helper()
	h.clock = h.clock.Add(10 * time.Second) // stay under the per-user rate limit
	edits := len(h.fake.Edits())
	out := h.sayText(u, cmd)
	h.bot.bg.Wait()
	for _, e := range h.fake.Edits()[edits:] {
		if e.ChatID == u.id {
			out += "\n---\n" + e.Text
		}
	}
	return out + joinSent(h.newTo(u.id))
}

func feedURLs(t *testing.T, s *news.Store) []string {
	t.Helper()
	feeds, err := s.ListFeeds(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, f := range feeds {
		out = append(out, f.URL)
	}
	return out
}

// TestFeedCommandsAuthorization: each feed command from a bot admin works;
// from anyone else it gets exactly the unknown-command answer and changes
// nothing.
func TestFeedCommandsAuthorization(t *testing.T) {
	srv := feedServer(t)
	good := srv.URL + "/good.rss"
	cmds := []struct {
		cmd   string
		admin map[string]string // lang → substring of the admin's answer
		feeds int               // feeds left after an admin ran it (one exists before)
	}{
		{"/addfeed " + srv.URL + "/page.html", map[string]string{"en": "not added", "ar": "لم يُضف"}, 1},
		{"/addfeed " + srv.URL + "/other.rss politics", map[string]string{"en": "Fetching it now", "ar": "أجلبه الآن"}, 2},
		{"/delfeed 1", map[string]string{"en": "Removed", "ar": "حُذف"}, 0},
		{"/feeds", map[string]string{"en": "<b>Feeds</b> (1)", "ar": "<b>المصادر</b> (1)"}, 1},
		{"/exportfeeds", map[string]string{"en": "", "ar": ""}, 1},
	}
	for _, c := range cmds {
		for _, lang := range []string{"en", "ar"} {
			for _, isAdmin := range []bool{true, false} {
				name := strings.Fields(c.cmd)[0] + "/" + lang + map[bool]string{true: "/admin", false: "/user"}[isAdmin]
				t.Run(name, func(t *testing.T) {
					h := newHarness(t)
					store := h.withFeeds(true)
					if _, _, err := store.AddFeed(context.Background(), good, nil); err != nil {
						t.Fatal(err)
					}
					u := user{id: 77, lang: lang}
					if isAdmin {
						u.id = adminID
					}
					got := h.command(u, c.cmd)
					if !isAdmin {
						if want := text(lang, msgUnknown); got != want {
							t.Fatalf("non-admin %s: %q, want exactly %q", c.cmd, got, want)
						}
						if n := len(feedURLs(t, store)); n != 1 || len(h.rec.Calls("sendDocument")) != 0 {
							t.Fatalf("non-admin %s changed something: %d feeds", c.cmd, n)
						}
						return
					}
					if !strings.Contains(got, c.admin[lang]) {
						t.Errorf("admin %s: %q, want %q", c.cmd, got, c.admin[lang])
					}
					if n := len(feedURLs(t, store)); n != c.feeds {
						t.Errorf("admin %s: %d feeds, want %d", c.cmd, n, c.feeds)
					}
				})
			}
		}
	}
}

// TestAddFeed: the admin learns at once what the feed gave or why it
// failed; feeds that can never work are not kept.
func TestAddFeed(t *testing.T) {
	srv := feedServer(t)
	cases := []struct {
		name         string
		args         string
		allowPrivate bool
		want         []string // substrings of the answer (en)
		kept         bool
		topics       []string
	}{
		{"good feed", srv.URL + "/good.rss politics Sport", true,
			[]string{"works", "أخبار Test &amp; News", "3 items", "new: 3 articles"}, true, []string{"politics", "sport"}},
		{"web page", srv.URL + "/page.html", true, []string{"not added", "not an RSS, Atom or JSON feed"}, false, nil},
		{"404", srv.URL + "/missing.rss", true, []string{"fetching it failed", "HTTP 404 \u2068Not Found\u2069", "/delfeed"}, true, nil},
		{"private address", srv.URL + "/good.rss", false, []string{"not added", "private", "NEWSDIGEST_ALLOW_PRIVATE_FEEDS"}, false, nil},
		{"bad scheme", "ftp://example.org/feed.xml", true, []string{"not a feed address I can use"}, false, nil},
		{"not a URL", "<b>feed</b>", true, []string{"not a feed address I can use", "&lt;b&gt;feed&lt;/b&gt;"}, false, nil},
		{"unknown topic", srv.URL + "/good.rss politics <nope>", true, []string{"&lt;nope&gt;", "is not a topic", "Politics"}, false, nil},
		{"no URL", "", true, []string{"Usage: /addfeed"}, false, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h := newHarness(t)
			store := h.withFeeds(c.allowPrivate)
			admin := user{id: adminID, lang: "en"}
			got := h.command(admin, strings.TrimSpace("/addfeed "+c.args))
			for _, w := range c.want {
				if !strings.Contains(got, w) {
					t.Errorf("answer %q lacks %q", got, w)
				}
			}
			feeds, err := store.ListFeeds(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			if (len(feeds) == 1) != c.kept {
				t.Fatalf("feeds after /addfeed: %+v, kept want %v", feeds, c.kept)
			}
			if c.topics != nil && !slices.Equal(feeds[0].Topics, c.topics) {
				t.Errorf("topics %v, want %v", feeds[0].Topics, c.topics)
			}
		})
	}
}

func TestDelFeedByNumber(t *testing.T) {
	h := newHarness(t)
	store := h.withFeeds(true)
	ctx := context.Background()
	for _, u := range []string{"https://a.example/rss", "https://b.example/rss", "https://c.example/rss"} {
		if _, _, err := store.AddFeed(ctx, u, nil); err != nil {
			t.Fatal(err)
		}
	}
	admin := user{id: adminID, lang: "ar"}
	if got := h.command(admin, "/feeds"); !strings.Contains(got, "2. ") || !strings.Contains(got, "b.example") {
		t.Fatalf("/feeds: %q", got)
	}
	if got := h.command(admin, "/delfeed 2"); !strings.Contains(got, "حُذف") || !strings.Contains(got, "https://b.example/rss") {
		t.Fatalf("/delfeed 2: %q", got)
	}
	if got, want := feedURLs(t, store), []string{"https://a.example/rss", "https://c.example/rss"}; !slices.Equal(got, want) {
		t.Fatalf("feeds %v, want %v", got, want)
	}
	if got := h.command(admin, "/delfeed https://c.example/rss"); !strings.Contains(got, "c.example") {
		t.Fatalf("/delfeed URL: %q", got)
	}
	for _, c := range [][2]string{
		{"/delfeed 7", "لا يوجد مصدر"},
		{"/delfeed", "الاستخدام: /delfeed"},
		{"/delfeed 1 2", "الاستخدام: /delfeed"},
		{"/delfeed <i>x</i>", "&lt;i&gt;x&lt;/i&gt;"},
		{"/delfeed https://z.test", "لا يوجد مصدر"},
		{"/delfeed \u2068https://a.example/rss\u2069", "حُذف"}, // copied from an answer, isolates and all
	} {
		if got := h.command(admin, c[0]); !strings.Contains(got, c[1]) {
			t.Errorf("%s: %q, want %q", c[0], got, c[1])
		}
	}
	if got := feedURLs(t, store); len(got) != 0 {
		t.Fatalf("feeds left: %v", got)
	}
}

// TestListFeedsLocalised: /feeds shows each feed's state in the admin's
// language, from the feed's fields.
func TestListFeedsLocalised(t *testing.T) {
	srv := feedServer(t)
	want := map[string][]string{
		"en": {"<b>Feeds</b> (3)", "1. <b>", "Test &amp; News", "✅ fetched", "3 items in the feed, 3 articles stored",
			"Topics: \u2068Politics\u2069", "⚠️ 1 failed fetch in a row", "HTTP 404", "(no title yet)", "⏳ not fetched yet"},
		"ar": {"<b>المصادر</b> (3)", "1. <b>", "Test &amp; News", "✅ جُلب", "في المصدر 3 عناصر، والمحفوظ 3 مقالات",
			"المواضيع: \u2068سياسة\u2069", "⚠️ محاولة فاشلة واحدة على التوالي", "HTTP 404", "(بلا عنوان بعد)", "⏳ لم يُجلب بعد"},
	}
	for lang, subs := range want {
		t.Run(lang, func(t *testing.T) {
			h := newHarness(t)
			store := h.withFeeds(true)
			admin := user{id: adminID, lang: lang}
			h.command(admin, "/addfeed "+srv.URL+"/good.rss politics")
			h.command(admin, "/addfeed "+srv.URL+"/missing.rss")
			if _, _, err := store.AddFeed(context.Background(), "https://zz.example/never", nil); err != nil {
				t.Fatal(err)
			}
			got := h.command(admin, "/feeds")
			for _, w := range subs {
				if !strings.Contains(got, w) {
					t.Errorf("/feeds in %s lacks %q:\n%s", lang, w, got)
				}
			}
			if lang == "ar" && strings.Contains(got, "errors in a row") {
				t.Errorf("Arabic list shows news.Feed.Status's English:\n%s", got)
			}
		})
	}
}

// TestFeedStateDisabled: a disabled feed says so, with when and why, in
// both languages.
func TestFeedStateDisabled(t *testing.T) {
	f := news.Feed{URL: "https://x.example/rss", Disabled: true, Errors: 40, LastFetch: time.Date(2026, 11, 20, 8, 0, 0, 0, time.UTC),
		DisabledAt: time.Date(2026, 11, 20, 8, 0, 0, 0, time.UTC), FailingSince: time.Date(2026, 11, 13, 7, 0, 0, 0, time.UTC),
		LastResult: "news: unexpected HTTP status 503 <x>"}
	for lang, w := range map[string]string{"en": "⛔ disabled on \u20682026-11-20 08:00 UTC\u2069, failing since \u20682026-11-13 07:00 UTC\u2069",
		"ar": "⛔ معطّل منذ \u20682026-11-20 08:00 UTC\u2069، يفشل منذ \u20682026-11-13 07:00 UTC\u2069"} {
		got := feedState(lang, f, 300)
		if !strings.Contains(got, w) || !strings.Contains(got, "HTTP 503") || strings.Contains(got, "news:") {
			t.Errorf("%s: %q, want %q and the error as a sentence", lang, got, w)
		}
	}
}

// TestListFeedsSplits: a long list arrives in several messages, each within
// Telegram's limit, every feed exactly once and in order.
func TestListFeedsSplits(t *testing.T) {
	h := newHarness(t)
	store := h.withFeeds(true)
	const n = 60
	for i := range n {
		u := fmt.Sprintf("https://feeds%02d.example/%s/rss", i, strings.Repeat("long-path-", 45))
		if _, _, err := store.AddFeed(context.Background(), u, []string{"politics", "economy"}); err != nil {
			t.Fatal(err)
		}
	}
	admin := user{id: adminID, lang: "ar"}
	msgs := h.say(admin, private(admin), "/feeds")
	if len(msgs) < 2 {
		t.Fatalf("%d messages for %d long entries", len(msgs), n)
	}
	all := ""
	for _, m := range msgs {
		if u := len(utf16.Encode([]rune(m.Text))); u > 4096 {
			t.Errorf("message of %d UTF-16 units", u)
		}
		all += m.Text + "\n\n"
	}
	last := -1
	for i := range n {
		entry := strconv.Itoa(i+1) + ". <b>"
		pos := strings.Index(all, "\n"+entry)
		if i == 0 {
			pos = strings.Index(all, entry)
		}
		if pos <= last || strings.Count(all, fmt.Sprintf("feeds%02d.example", i)) != 1 {
			t.Fatalf("feed %d missing, repeated or out of order", i+1)
		}
		last = pos
	}
}

// TestOPMLRoundTrip: /exportfeeds sends an OPML document; sent back to a
// bot with an empty feed list, it restores the same feeds and topics.
func TestOPMLRoundTrip(t *testing.T) {
	ctx := context.Background()
	src := newHarness(t)
	srcStore := src.withFeeds(true)
	want := map[string][]string{
		"https://a.example/rss":          {"politics"},
		"https://b.example/feed?x=1&y=2": {"economy", "sport"},
		"https://c.example/atom":         nil,
	}
	for u, topics := range want {
		if _, _, err := srcStore.AddFeed(ctx, u, topics); err != nil {
			t.Fatal(err)
		}
	}
	admin := user{id: adminID, lang: "en"}
	if got := src.command(admin, "/exportfeeds"); !strings.Contains(got, "Feed list: 3 feeds") {
		t.Fatalf("/exportfeeds caption: %q", got)
	}
	docs := src.rec.Calls("sendDocument")
	if len(docs) != 1 || docs[0].Params.Get("chat_id") != strconv.FormatInt(adminID, 10) {
		t.Fatalf("sendDocument calls: %+v", docs)
	}
	opml := docs[0].Files["document"]
	if !bytes.Contains(opml, []byte("<opml")) {
		t.Fatalf("export is not OPML: %q", opml)
	}

	dst := newHarness(t)
	dstStore := dst.withFeeds(true)
	got := dst.upload(admin, "feeds.opml", "text/x-opml", opml)
	if !strings.Contains(got, "3 added, 0 updated, 0 invalid") {
		t.Fatalf("import answer %q", got)
	}
	feeds, err := dstStore.ListFeeds(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(feeds) != len(want) {
		t.Fatalf("imported %d feeds, want %d", len(feeds), len(want))
	}
	for _, f := range feeds {
		if w, ok := want[f.URL]; !ok || !slices.Equal(f.Topics, w) {
			t.Errorf("imported %s topics %v; want %v (known %v)", f.URL, f.Topics, w, ok)
		}
	}
	if again := dst.upload(admin, "feeds.opml", "", opml); !strings.Contains(again, "0 added, 3 updated") {
		t.Errorf("second import: %q", again)
	}
}

// upload sends a document from u in their private chat and returns the
// bot's answers.
func (h *harness) upload(u user, name, mimeType string, data []byte) string {
	h.t.Helper()
	doc := h.fake.AddFile(name, mimeType, data)
	return h.uploadDoc(u, doc)
}

func (h *harness) uploadDoc(u user, doc tgbotapi.Document) string {
	h.t.Helper()
	h.bot.handle(context.Background(), tgbotapi.Update{Message: &tgbotapi.Message{
		MessageID: 1, From: u.tg(), Chat: private(u), Date: int(h.clock.Unix()), Document: &doc,
	}})
	return joinSent(h.newTo(u.id))
}

// TestOPMLUploadRefusals: what is not a usable OPML upload gets a clear
// answer (or, from a non-admin, none) and imports nothing.
func TestOPMLUploadRefusals(t *testing.T) {
	partial, err := os.ReadFile("testdata/feeds/partial.opml")
	if err != nil {
		t.Fatal(err)
	}
	big := append([]byte(`<?xml version="1.0"?><opml version="2.0"><body>`), bytes.Repeat([]byte(" "), DefaultMaxUpload)...)
	cases := []struct {
		name, file string
		data       []byte
		from       int64
		want       string // "" = no answer at all
		feeds      int
		getFile    bool // the bot downloaded the file
	}{
		{"too large", "big.opml", big, adminID, "up to \u20681 MB\u2069", 0, false},
		{"not opml", "photo.jpg", []byte("\xff\xd8\xff"), adminID, "<i>.opml</i>", 0, false},
		{"not xml", "feeds.opml", []byte("just some words"), adminID, "could not read that file as OPML", 0, true},
		{"partly invalid", "list.xml", partial, adminID, "2 added, 0 updated, 2 invalid", 2, true},
		{"non-admin", "feeds.opml", partial, 77, "", 0, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h := newHarness(t)
			store := h.withFeeds(true)
			got := h.upload(user{id: c.from, lang: "en"}, c.file, "", c.data)
			if c.want == "" && got != "" || !strings.Contains(got, c.want) {
				t.Errorf("answer %q, want %q", got, c.want)
			}
			if n := len(feedURLs(t, store)); n != c.feeds {
				t.Errorf("%d feeds after the upload, want %d", n, c.feeds)
			}
			if d := h.fake.Calls("getFile") > 0; d != c.getFile {
				t.Errorf("downloaded: %v, want %v", d, c.getFile)
			}
		})
	}
}

// TestOPMLUploadRefusesPrivateAddresses: an uploaded list with a loopback or
// private feed is refused up front, naming it, and imports nothing, unless
// the operator allows private feeds.
func TestOPMLUploadRefusesPrivateAddresses(t *testing.T) {
	data := []byte(`<opml version="2.0"><body><outline text="ok" xmlUrl="https://good.example/rss"/>` +
		`<outline text="meta" xmlUrl="http://169.254.169.254/latest/meta-data"/><outline text="nat64" xmlUrl="http://[64:ff9b::7f00:1]/"/></body></opml>`)
	for _, allow := range []bool{false, true} {
		h := newHarness(t)
		store := h.withFeeds(allow)
		got := h.upload(user{id: adminID, lang: "en"}, "feeds.opml", "", data)
		n := len(feedURLs(t, store))
		switch {
		case !allow && (n != 0 || !strings.Contains(got, "Nothing imported") || !strings.Contains(got, "169.254.169.254") || !strings.Contains(got, "64:ff9b::7f00:1")):
			t.Errorf("private feeds refused: answer %q, %d feeds stored, want a refusal naming both and none stored", got, n)
		case allow && (n != 3 || !strings.Contains(got, "3 added")):
			t.Errorf("private feeds allowed: answer %q, %d feeds stored, want 3", got, n)
		}
	}
}

// TestOPMLUploadSizeNotTrusted: a message that announces a small file does
// not get a large one imported: the size getFile reports is checked too.
func TestOPMLUploadSizeNotTrusted(t *testing.T) {
	h := newHarness(t)
	store := h.withFeeds(true)
	WithMaxUpload(100)(h.bot)
	data, err := os.ReadFile("testdata/feeds/partial.opml")
	if err != nil {
		t.Fatal(err)
	}
	doc := h.fake.AddFile("feeds.opml", "", data)
	doc.FileSize = 50 // the message claims less than getFile will report
	got := h.uploadDoc(user{id: adminID, lang: "ar"}, doc)
	if !strings.Contains(got, "كبير جدًا") || !strings.Contains(got, "100 B") {
		t.Errorf("answer %q", got)
	}
	if n := len(feedURLs(t, store)); n != 0 {
		t.Errorf("%d feeds imported from an oversize file", n)
	}
}

func TestFileEndpoint(t *testing.T) {
	for in, want := range map[string]string{
		"":                               tgbotapi.FileEndpoint,
		DefaultEndpoint:                  tgbotapi.FileEndpoint,
		"http://127.0.0.1:8081/bot%s/%s": "http://127.0.0.1:8081/file/bot%s/%s",
	} {
		if got := FileEndpoint(in); got != want {
			t.Errorf("FileEndpoint(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestNotifyDisabledFeeds: every admin hears, in their own language, which
// feeds were disabled.
func TestNotifyDisabledFeeds(t *testing.T) {
	h := newHarness(t, func(c *Config) { c.Admins = []int64{adminID, 901} })
	h.sayText(user{id: 901, lang: "ar"}, "/start")
	urls := []string{"https://dead.example/rss?a=1&b=2", "https://gone.example/feed"}
	if err := h.bot.NotifyDisabledFeeds(context.Background(), urls); err != nil {
		t.Fatal(err)
	}
	en, ar := joinSent(h.newTo(adminID)), joinSent(h.newTo(901))
	if !strings.Contains(en, "Feeds disabled</b> after failing for 7 days") || !strings.Contains(en, "a=1&amp;b=2") || !strings.Contains(en, "gone.example") {
		t.Errorf("English notice %q", en)
	}
	if !strings.Contains(ar, "مصادر معطّلة") || !strings.Contains(ar, "gone.example") {
		t.Errorf("Arabic notice %q", ar)
	}
	if err := h.bot.NotifyAdmins(context.Background(), "<b>hi</b>"); err != nil {
		t.Fatal(err)
	}
	if got := joinSent(h.newTo(901)); got != "<b>hi</b>" {
		t.Errorf("NotifyAdmins sent %q", got)
	}
}

// TestFeedEntryWorstCase: a feed whose every field is long and made of
// characters that grow when escaped still fits one message, in both
// languages, and keeps its number.
func TestFeedEntryWorstCase(t *testing.T) {
	amp := strings.Repeat("&\"<", 700)
	topics := make([]string, 30)
	for i := range topics {
		topics[i] = strings.Repeat("<&>", 30)
	}
	f := news.Feed{URL: "https://x.example/?q=" + amp, Title: amp, Topics: topics, LastResult: amp,
		LastFetch: time.Now(), Errors: 3, FailingSince: time.Now(), NextFetch: time.Now()}
	for _, lang := range []string{"en", "ar"} {
		e := feedEntry(lang, 12345, f)
		if n := digest.UTF16Len(e); n > maxEntryUnits {
			t.Errorf("%s entry is %d UTF-16 units", lang, n)
		}
		if !strings.HasPrefix(e, "12345. <b>") || strings.Contains(e, "\"<") {
			t.Errorf("%s entry lost its number or is not escaped: %.200q", lang, e)
		}
	}
}

// FuzzPackMessages: whatever the entries, as long as each fits a message,
// every message fits and none is empty, and the messages hold the header
// and every non-empty entry exactly once, in order.
func FuzzPackMessages(f *testing.F) {
	f.Add("<b>Feeds</b> (2)", "1. a\nb", "2. ج\nد", 4096)
	f.Add("h", strings.Repeat("x", 60), strings.Repeat("😀", 30), 64)
	f.Fuzz(func(t *testing.T, header, e1, e2 string, limit int) {
		if header == "" {
			t.Skip() // /feeds always has a header
		}
		limit = 64 + abs(limit)%4096
		entries := []string{e1, e2, e1 + e2}
		for _, s := range append(entries, header) {
			if digest.UTF16Len(s) > limit-2 {
				t.Skip()
			}
		}
		msgs := packMessages(header, entries, limit)
		for _, m := range msgs {
			if n := digest.UTF16Len(m); n > limit || m == "" {
				t.Fatalf("message of %d units (limit %d)", n, limit)
			}
		}
		shown := []string{header} // an empty entry shows nothing and takes no separator
		for _, e := range entries {
			if e != "" {
				shown = append(shown, e)
			}
		}
		want := strings.Join(shown, "\n\n")
		got := strings.Join(msgs, "\n\n")
		if got != want {
			t.Fatalf("content changed:\n%q\nwant\n%q", got, want)
		}
	})
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}

// TestOPMLUploadThroughPoll: an admin's OPML document arrives as a real
// update through getUpdates; the bot downloads it through getFile and the
// file endpoint, imports it and lists the new feeds.
func TestOPMLUploadThroughPoll(t *testing.T) {
	h := newHarness(t)
	h.bot.now = time.Now
	store := h.withFeeds(true)
	data, err := os.ReadFile("testdata/feeds/partial.opml")
	if err != nil {
		t.Fatal(err)
	}
	h.fake.PushDocument(adminID, "en", h.fake.AddFile("my feeds.opml", "application/xml", data))
	h.fake.PushText(adminID, "en", "/feeds")
	stop := runPoll(t, h.bot)
	waitFor(t, "two answers", func() bool { return len(h.fake.SentTo(adminID)) >= 2 })
	stop()
	msgs := h.fake.SentTo(adminID)
	if !strings.Contains(msgs[0].Text, "Imported \u2068my feeds.opml\u2069: 2 added, 0 updated, 2 invalid") {
		t.Errorf("import answer %q", msgs[0].Text)
	}
	if !strings.Contains(msgs[1].Text, "good1.example") || !strings.Contains(msgs[1].Text, "Topics: \u2068Sport\u2069") {
		t.Errorf("/feeds after import %q", msgs[1].Text)
	}
	if got := feedURLs(t, store); !slices.Equal(got, []string{"https://good1.example/rss", "https://good2.example/atom"}) {
		t.Errorf("feeds %v", got)
	}
	if strings.Contains(h.logs.String(), "file/bot") {
		t.Error("the file URL (which holds the token) reached the logs")
	}
}

// TestOPMLDownloadFailure: a file Telegram cannot hand out gets a clear
// answer that never shows the token (the file URL contains it).
func TestOPMLDownloadFailure(t *testing.T) {
	for name, setup := range map[string]func(h *harness) tgbotapi.Document{
		"unknown file": func(h *harness) tgbotapi.Document {
			return tgbotapi.Document{FileID: "gone", FileName: "feeds.opml", FileSize: 10}
		},
		"wrong file endpoint": func(h *harness) tgbotapi.Document {
			WithFileEndpoint(h.fake.URL() + "/nowhere/bot%s/%s")(h.bot)
			return h.fake.AddFile("feeds.opml", "", []byte("<opml/>"))
		},
	} {
		t.Run(name, func(t *testing.T) {
			h := newHarness(t)
			store := h.withFeeds(true)
			got := h.uploadDoc(user{id: adminID, lang: "en"}, setup(h))
			if !strings.Contains(got, "could not download that file") || strings.Contains(got, h.fake.Token()) {
				t.Errorf("answer %q", got)
			}
			if n := len(feedURLs(t, store)); n != 0 {
				t.Errorf("%d feeds imported", n)
			}
		})
	}
}
