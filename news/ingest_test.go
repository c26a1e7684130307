package news

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// feedServer serves RSS documents by path, with ETag support, and counts
// requests per path.
type feedServer struct {
	*httptest.Server
	mu     sync.Mutex
	docs   map[string]string // path → body
	status map[string]int    // path → forced status
	hits   map[string]int
}

func newFeedServer(t *testing.T) *feedServer {
	fs := &feedServer{docs: map[string]string{}, status: map[string]int{}, hits: map[string]int{}}
	fs.Server = httptest.NewServer(http.HandlerFunc(fs.serve))
	t.Cleanup(fs.Close)
	return fs
}

func (fs *feedServer) serve(w http.ResponseWriter, r *http.Request) {
	fs.mu.Lock()
	fs.hits[r.URL.Path]++
	doc, code := fs.docs[r.URL.Path], fs.status[r.URL.Path]
	fs.mu.Unlock()
	if code != 0 {
		w.WriteHeader(code)
		return
	}
	etag := fmt.Sprintf(`"%x"`, ContentHash(doc, "")[:12])
	if r.Header.Get("If-None-Match") == etag {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	w.Header().Set("ETag", etag)
	w.Header().Set("Content-Type", "application/rss+xml; charset=utf-8")
	io.WriteString(w, doc)
}

func (fs *feedServer) set(path, doc string, status int) {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	fs.docs[path], fs.status[path] = doc, status
}

func (fs *feedServer) hitCount(path string) int {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	return fs.hits[path]
}

type item struct{ title, link, text, pub string }

func rssDoc(title string, items ...item) string {
	var b strings.Builder
	fmt.Fprintf(&b, `<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>%s</title><link>https://site.example/</link>`, title)
	for _, it := range items {
		fmt.Fprintf(&b, "<item><title>%s</title><link>%s</link><description>%s</description>", it.title, it.link, it.text)
		if it.pub != "" {
			fmt.Fprintf(&b, "<pubDate>%s</pubDate>", it.pub)
		}
		b.WriteString("</item>")
	}
	b.WriteString("</channel></rss>")
	return b.String()
}

func quietLogger() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

func newTestIngester(s *Store, o IngesterOptions) *Ingester {
	o.Fetcher.AllowPrivate = true
	o.Logger = quietLogger()
	return NewIngester(s, o)
}

func mustAddFeed(t *testing.T, s *Store, u string, topics ...string) string {
	t.Helper()
	f, _, err := s.AddFeed(context.Background(), u, topics)
	if err != nil {
		t.Fatalf("AddFeed(%s): %v", u, err)
	}
	return f.URL
}

func TestIngesterStoresNewArticlesThenGets304(t *testing.T) {
	ctx := context.Background()
	clock := newFakeClock()
	s := newTestStore(t, clock)
	srv := newFeedServer(t)
	srv.set("/world.xml", rssDoc("World Wire",
		item{"Quake hits coast", "https://site.example/quake?utm_source=rss", "A strong quake hit the coast.", "Sun, 01 Mar 2026 09:00:00 GMT"},
		item{"Rain floods valley", "https://site.example/rain", "Heavy rain flooded the valley.", "Sun, 01 Mar 2026 08:00:00 GMT"}), 0)
	feedURL := mustAddFeed(t, s, srv.URL+"/world.xml", "World")
	in := newTestIngester(s, IngesterOptions{})

	rep, err := in.Run(ctx)
	if err != nil || rep.OK != 1 || rep.New != 2 {
		t.Fatalf("first run = %+v, %v; want 1 ok feed, 2 new", rep, err)
	}
	arts, _ := s.Since(ctx, 0, 0)
	if got := []string{arts[0].Title, arts[1].Title}; !slices.Equal(got, []string{"Rain floods valley", "Quake hits coast"}) {
		t.Errorf("stored %v, want oldest first", got)
	}
	if a := arts[1]; a.ID != "https://site.example/quake" || a.Feed != feedURL || a.Source != "World Wire" || !slices.Equal(a.Topics, []string{"world"}) {
		t.Errorf("article = %+v", a)
	}
	rep, err = in.Run(ctx)
	if err != nil || rep.NotModified != 1 || rep.New != 0 {
		t.Fatalf("second run = %+v, %v; want 304", rep, err)
	}
	f, _ := s.GetFeed(ctx, feedURL)
	if f.Title != "World Wire" || f.LastResult != "not modified" || f.Articles != 2 || f.LastItems != 2 || f.ETag == "" {
		t.Errorf("feed state = %+v", f)
	}
}

func TestIngesterBackoffThenDisable(t *testing.T) {
	ctx := context.Background()
	clock := newFakeClock()
	s := newTestStore(t, clock)
	srv := newFeedServer(t)
	srv.set("/down.xml", "", http.StatusInternalServerError)
	feedURL := mustAddFeed(t, s, srv.URL+"/down.xml")
	in := newTestIngester(s, IngesterOptions{})
	start := clock.Now()

	wantDelays := []time.Duration{15 * time.Minute, 30 * time.Minute, time.Hour, 2 * time.Hour}
	for i, d := range wantDelays {
		rep, _ := in.Run(ctx)
		f, _ := s.GetFeed(ctx, feedURL)
		if rep.Failed != 1 || f.Errors != i+1 || !f.NextFetch.Equal(clock.Now().Add(d)) {
			t.Fatalf("failure %d: report %+v, feed errors %d next in %s; want next in %s", i+1, rep, f.Errors, f.NextFetch.Sub(clock.Now()), d)
		}
		clock.Advance(d / 2)
		if rep, _ := in.Run(ctx); rep.Skipped != 1 || srv.hitCount("/down.xml") != i+1 {
			t.Fatalf("feed fetched during its backoff: %+v", rep)
		}
		clock.Advance(d / 2)
	}
	var disabledIn []string
	for clock.Now().Sub(start) < DisableAfter+48*time.Hour {
		rep, _ := in.Run(ctx)
		disabledIn = append(disabledIn, rep.NewlyDisabled...)
		f, _ := s.GetFeed(ctx, feedURL)
		if f.NextFetch.Sub(clock.Now()) > BackoffMax {
			t.Fatalf("backoff %s exceeds the cap", f.NextFetch.Sub(clock.Now()))
		}
		clock.Advance(BackoffMax)
	}
	f, _ := s.GetFeed(ctx, feedURL)
	if !f.Disabled || !slices.Equal(disabledIn, []string{feedURL}) {
		t.Fatalf("after 7 days failing: disabled %v, reported %v", f.Disabled, disabledIn)
	}
	if d, _ := s.DisabledFeeds(ctx); len(d) != 1 || !strings.Contains(d[0].Status(clock.Now()), "disabled") {
		t.Errorf("DisabledFeeds = %+v", d)
	}
	hits := srv.hitCount("/down.xml")
	if rep, _ := in.Run(ctx); rep.Skipped != 1 || srv.hitCount("/down.xml") != hits {
		t.Error("a disabled feed was fetched")
	}
	// Re-adding by the admin enables it again; a success clears the errors.
	srv.set("/down.xml", rssDoc("Back", item{"Back online", "https://site.example/back", "It works again.", ""}), 0)
	mustAddFeed(t, s, feedURL)
	if rep, _ := in.Run(ctx); rep.OK != 1 || rep.New != 1 {
		t.Fatalf("re-enabled feed: %+v", rep)
	}
	if f, _ := s.GetFeed(ctx, feedURL); f.Errors != 0 || f.Disabled || !f.FailingSince.IsZero() {
		t.Errorf("state after recovery: %+v", f)
	}
}

func TestIngesterRetryAfterStretchesBackoff(t *testing.T) {
	clock := newFakeClock()
	s := newTestStore(t, clock)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Retry-After", "10800")
		w.WriteHeader(http.StatusServiceUnavailable)
	}))
	defer srv.Close()
	feedURL := mustAddFeed(t, s, srv.URL)
	newTestIngester(s, IngesterOptions{}).Run(context.Background())
	if f, _ := s.GetFeed(context.Background(), feedURL); f.NextFetch.Sub(clock.Now()) != 3*time.Hour {
		t.Errorf("next fetch in %s, want the server's 3h Retry-After", f.NextFetch.Sub(clock.Now()))
	}
}

func TestIngesterDedupsMirrorURLs(t *testing.T) {
	ctx := context.Background()
	s := newTestStore(t, newFakeClock())
	srv := newFeedServer(t)
	story := "Officials said the bridge will reopen next week after repairs."
	srv.set("/a.xml", rssDoc("Outlet A", item{"Bridge to reopen", "https://outlet-a.example/bridge", story, ""}), 0)
	srv.set("/b.xml", rssDoc("Outlet A mirror", item{"Bridge to reopen", "https://mirror.outlet-a.example/2026/bridge?utm_medium=m", "<p>Officials said the bridge will reopen\nnext week after repairs.</p>", ""}), 0)
	mustAddFeed(t, s, srv.URL+"/a.xml")
	mustAddFeed(t, s, srv.URL+"/b.xml")
	rep, err := newTestIngester(s, IngesterOptions{Workers: 1}).Run(ctx)
	if err != nil || rep.OK != 2 || rep.New != 1 {
		t.Fatalf("run = %+v, %v; want 2 feeds ok, 1 article stored", rep, err)
	}
	if n, _ := s.Count(ctx); n != 1 {
		t.Errorf("store holds %d articles, want 1", n)
	}
}

func TestIngesterRetention(t *testing.T) {
	ctx := context.Background()
	clock := newFakeClock()
	s := newTestStore(t, clock)
	srv := newFeedServer(t)
	old := clock.Now().Add(-30 * 24 * time.Hour).Format(time.RFC1123Z)
	srv.set("/f.xml", rssDoc("F",
		item{"Ancient story", "https://site.example/old", "From last month.", old},
		item{"Fresh story", "https://site.example/new", "From today.", ""}), 0)
	mustAddFeed(t, s, srv.URL+"/f.xml")
	in := newTestIngester(s, IngesterOptions{Retention: 14 * 24 * time.Hour})
	if rep, _ := in.Run(ctx); rep.New != 1 {
		t.Fatalf("first run stored %d, want only the fresh story (the old one is past retention)", rep.New)
	}
	clock.Advance(15 * 24 * time.Hour)
	// The feed still lists the undated fresh story: pruned, but not new again.
	srv.set("/f.xml", rssDoc("F",
		item{"Fresh story", "https://site.example/new", "From today.", ""},
		item{"Newer story", "https://site.example/newer", "From two weeks on.", ""}), 0)
	rep, err := in.Run(ctx)
	if err != nil || rep.Pruned != 1 || rep.New != 1 {
		t.Fatalf("run after 15 days = %+v, %v; want 1 pruned, 1 new", rep, err)
	}
	arts, _ := s.Since(ctx, 0, 0)
	if len(arts) != 1 || arts[0].Title != "Newer story" {
		t.Errorf("left %+v", arts)
	}
	// Next pass: the fresh story's article is gone, but its ID is remembered.
	clock.Advance(time.Hour)
	srv.set("/f.xml", rssDoc("F",
		item{"Fresh story", "https://site.example/new", "From today.", ""},
		item{"Newer story", "https://site.example/newer", "From two weeks on.", ""},
		item{"Newest story", "https://site.example/newest", "Just in.", ""}), 0)
	if rep, err := in.Run(ctx); err != nil || rep.OK != 1 || rep.New != 1 {
		t.Fatalf("pass after pruning = %+v, %v; want only the newest story", rep, err)
	}
}

func TestIngesterPicksUpSeedFiles(t *testing.T) {
	ctx := context.Background()
	s := newTestStore(t, newFakeClock())
	dir := t.TempDir()
	write := func(name, body string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	write("a.txt", "بغداد-\nقالت مصادر إن الاجتماع انتهى.")
	in := newTestIngester(s, IngesterOptions{Seeds: SeedsDir(dir)})
	steps := []struct {
		do      func()
		wantNew int
	}{
		{func() {}, 1},
		{func() {}, 0}, // unchanged file: nothing new
		{func() { write("b.md", "---\ntitle: Second\n---\nAnother article.") }, 1},
		{func() {
			write("a.txt", "بغداد-\nقالت مصادر إن الاجتماع انتهى بلا اتفاق.")
		}, 1}, // edited
		{func() { write("broken.md", "---\npublished: never\n---\nx") }, 0},
	}
	for i, st := range steps {
		st.do()
		rep, err := in.Run(ctx)
		if err != nil || rep.SeedsNew != st.wantNew {
			t.Fatalf("step %d: %d new seeds, %v; want %d", i, rep.SeedsNew, err, st.wantNew)
		}
		if i == len(steps)-1 && (rep.SeedErr == nil || !strings.Contains(rep.SeedErr.Error(), "broken.md")) {
			t.Errorf("broken seed not reported: %v", rep.SeedErr)
		}
	}
	arts, _ := s.Since(ctx, 0, 0)
	if arts[0].Feed != SeedsFeed || arts[0].Place != "بغداد" {
		t.Errorf("seed article = %+v", arts[0])
	}
}

func TestIngesterNeverResendsOldSeeds(t *testing.T) {
	ctx := context.Background()
	clock := newFakeClock()
	s := newTestStore(t, clock)
	in := newTestIngester(s, IngesterOptions{Seeds: SeedsDir(""), Retention: 24 * time.Hour})
	if rep, _ := in.Run(ctx); rep.SeedsNew != 1 {
		t.Fatalf("embedded seed not stored: %+v", rep)
	}
	for day := range 10 { // well past retention and RememberFactor × retention
		clock.Advance(24 * time.Hour)
		if rep, err := in.Run(ctx); err != nil || rep.SeedsNew != 0 {
			t.Fatalf("day %d: the unchanged seed came back as new (%+v, %v)", day+1, rep, err)
		}
	}
	if n, _ := s.Count(ctx); n != 0 {
		t.Errorf("the seed article was not pruned: %d stored", n)
	}
}

func TestIngesterBoundsConcurrencyPerHost(t *testing.T) {
	ctx := context.Background()
	s := newTestStore(t, newFakeClock())
	var inFlight, peak atomic.Int32
	release := make(chan struct{})
	handler := func(w http.ResponseWriter, r *http.Request) {
		n := inFlight.Add(1)
		defer inFlight.Add(-1)
		for p := peak.Load(); n > p && !peak.CompareAndSwap(p, n); p = peak.Load() {
		}
		select { // hold the request until several are queued
		case <-release:
		case <-time.After(20 * time.Millisecond):
		}
		io.WriteString(w, rssDoc("T", item{r.URL.Path, "https://site.example" + r.URL.Path, "text " + r.URL.Path, ""}))
	}
	srv := httptest.NewServer(http.HandlerFunc(handler))
	defer srv.Close()
	for i := range 10 {
		mustAddFeed(t, s, fmt.Sprintf("%s/f%d.xml", srv.URL, i))
	}
	rep, err := newTestIngester(s, IngesterOptions{Workers: 8, PerHost: 2}).Run(ctx)
	close(release)
	if err != nil || rep.OK != 10 {
		t.Fatalf("run = %+v, %v", rep, err)
	}
	if p := peak.Load(); p > 2 || p < 1 {
		t.Errorf("peak concurrent requests to one host = %d, want ≤ 2", p)
	}
}

func TestIngesterCancelLeavesFeedsAlone(t *testing.T) {
	s := newTestStore(t, newFakeClock())
	arrived := make(chan struct{}, 10)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		arrived <- struct{}{}
		<-r.Context().Done()
	}))
	defer srv.Close()
	feedURL := mustAddFeed(t, s, srv.URL+"/slow.xml")
	ctx, cancel := context.WithCancel(context.Background())
	go func() { <-arrived; cancel() }()
	rep, err := newTestIngester(s, IngesterOptions{}).Run(ctx)
	if !errors.Is(err, context.Canceled) || len(rep.Feeds) != 1 || rep.Feeds[0].Status != StatusCancelled {
		t.Fatalf("cancelled run = %+v, %v", rep, err)
	}
	if f, _ := s.GetFeed(context.Background(), feedURL); f.Errors != 0 || !f.LastFetch.IsZero() {
		t.Errorf("shutdown counted against the feed: %+v", f)
	}
}

func TestIngesterRunsDoNotOverlap(t *testing.T) {
	s := newTestStore(t, newFakeClock())
	arrived, release := make(chan struct{}), make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		arrived <- struct{}{}
		<-release
		io.WriteString(w, rssDoc("T", item{"Only story", "https://site.example/only", "Text.", ""}))
	}))
	defer srv.Close()
	mustAddFeed(t, s, srv.URL)
	in := newTestIngester(s, IngesterOptions{})
	done := make(chan Report)
	go func() { rep, _ := in.Run(context.Background()); done <- rep }()
	<-arrived
	if _, err := in.Run(context.Background()); !errors.Is(err, ErrIngestRunning) {
		t.Errorf("overlapping Run = %v, want ErrIngestRunning", err)
	}
	close(release)
	if rep := <-done; rep.New != 1 {
		t.Errorf("first run stored %d, want 1", rep.New)
	}
}

func TestIngesterRunFeedRightAfterAdding(t *testing.T) {
	ctx := context.Background()
	s := newTestStore(t, newFakeClock())
	srv := newFeedServer(t)
	srv.set("/new.xml", rssDoc("Fresh Wire", item{"One", "https://site.example/1", "First.", ""}, item{"Two", "https://site.example/2", "Second.", ""}), 0)
	srv.set("/bad.xml", "<html><body>not a feed</body></html>", 0)
	in := newTestIngester(s, IngesterOptions{})
	tests := []struct {
		path   string
		status string
		title  string
		new    int
	}{
		{"/new.xml", StatusOK, "Fresh Wire", 2},
		{"/bad.xml", StatusError, "", 0},
	}
	for _, tt := range tests {
		u := mustAddFeed(t, s, srv.URL+tt.path)
		r, err := in.RunFeed(ctx, u)
		if err != nil || r.Status != tt.status || r.Title != tt.title || r.New != tt.new {
			t.Errorf("RunFeed(%s) = %+v, %v; want %s %q with %d new", tt.path, r, err, tt.status, tt.title, tt.new)
		}
	}
	if r, err := in.RunFeed(ctx, srv.URL+"/never-added.xml"); !errors.Is(err, ErrFeedNotFound) {
		t.Errorf("RunFeed of an unknown feed = %+v, %v", r, err)
	}
	if f, _ := s.GetFeed(ctx, srv.URL+"/bad.xml"); f.Errors != 1 || !strings.Contains(f.LastResult, "could not be parsed") {
		t.Errorf("bad feed state = %+v", f)
	}
}

func TestIngesterFollowsPermanentMovesOnly(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		code      int
		wantMoved bool
	}{{http.StatusMovedPermanently, true}, {http.StatusPermanentRedirect, true}, {http.StatusFound, false}, {http.StatusTemporaryRedirect, false}}
	for _, tt := range tests {
		t.Run(http.StatusText(tt.code), func(t *testing.T) {
			s := newTestStore(t, newFakeClock())
			var oldHits atomic.Int32
			mux := http.NewServeMux()
			mux.HandleFunc("/old.xml", func(w http.ResponseWriter, r *http.Request) {
				oldHits.Add(1)
				http.Redirect(w, r, "/new.xml", tt.code)
			})
			mux.HandleFunc("/new.xml", func(w http.ResponseWriter, r *http.Request) {
				io.WriteString(w, rssDoc("Moved Wire", item{"Story", "https://site.example/s", "Text.", ""}))
			})
			srv := httptest.NewServer(mux)
			defer srv.Close()
			oldURL := mustAddFeed(t, s, srv.URL+"/old.xml", "world")
			in := newTestIngester(s, IngesterOptions{})
			in.Run(ctx)
			in.Run(ctx)
			feeds, _ := s.ListFeeds(ctx)
			wantURL, wantHits := oldURL, int32(2)
			if tt.wantMoved {
				wantURL, wantHits = srv.URL+"/new.xml", 1
			}
			if len(feeds) != 1 || feeds[0].URL != wantURL || !slices.Equal(feeds[0].Topics, []string{"world"}) || oldHits.Load() != wantHits {
				t.Errorf("feeds %+v, old URL hit %d times; want %s (topics kept), %d hits", feeds, oldHits.Load(), wantURL, wantHits)
			}
		})
	}
}

func TestIngesterDiscoversFeedFromSitePage(t *testing.T) {
	ctx := context.Background()
	s := newTestStore(t, newFakeClock())
	mux := http.NewServeMux()
	mux.HandleFunc("/{$}", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		io.WriteString(w, `<!DOCTYPE html><html><head><title>Site</title>
<link rel="stylesheet" href="/s.css"><link rel="alternate" type="application/rss+xml" title="News" href="/rss.xml?utm_source=head">
<link rel="alternate" type="application/atom+xml" href="https://other.example/atom"></head><body><a href="/x">x</a></body></html>`)
	})
	mux.HandleFunc("/rss.xml", func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, rssDoc("Site News", item{"Story", "https://site.example/s", "Text.", ""}))
	})
	mux.HandleFunc("/plain", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		io.WriteString(w, `<html><head><title>No feeds here</title></head><body>hello</body></html>`)
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()
	in := newTestIngester(s, IngesterOptions{})

	site := mustAddFeed(t, s, srv.URL+"/", "world")
	r, err := in.RunFeed(ctx, site)
	if err != nil || r.Status != StatusOK || r.New != 1 || r.MovedTo != srv.URL+"/rss.xml" {
		t.Fatalf("RunFeed(site page) = %+v, %v; want the announced feed fetched and adopted", r, err)
	}
	if f, err := s.GetFeed(ctx, srv.URL+"/rss.xml"); err != nil || !slices.Equal(f.Topics, []string{"world"}) {
		t.Errorf("feed not re-keyed to its discovered URL: %+v, %v", f, err)
	}

	plain := mustAddFeed(t, s, srv.URL+"/plain")
	r, _ = in.RunFeed(ctx, plain)
	var nf *NotFeedError
	if r.Status != StatusError || errors.As(r.Err, &nf) || !errors.Is(r.Err, ErrParse) {
		t.Errorf("page without feed links = %+v; want a plain parse error", r)
	}
}

// Options.Stored is told about exactly the articles each run stored (a
// feed's new items and new seed files, as stored, Seq set), and about
// nothing when a run stores nothing.
func TestIngesterTellsStoredArticles(t *testing.T) {
	ctx := context.Background()
	s := newTestStore(t, newFakeClock())
	srv := newFeedServer(t)
	srv.set("/world.xml", rssDoc("World Wire",
		item{"Quake hits coast", "https://site.example/quake", "A strong quake hit the coast.", "Sun, 01 Mar 2026 09:00:00 GMT"},
		item{"Rain floods valley", "https://site.example/rain", "Heavy rain flooded the valley.", "Sun, 01 Mar 2026 08:00:00 GMT"}), 0)
	mustAddFeed(t, s, srv.URL+"/world.xml")
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "a.txt"), []byte("بغداد-\nقالت مصادر إن الاجتماع انتهى."), 0o600); err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var told []Article
	in := newTestIngester(s, IngesterOptions{Seeds: SeedsDir(dir), Stored: func(arts []Article) {
		mu.Lock()
		defer mu.Unlock()
		told = append(told, arts...)
	}})
	for run, want := range []int{3, 0} {
		mu.Lock()
		told = nil
		mu.Unlock()
		if _, err := in.Run(ctx); err != nil {
			t.Fatal(err)
		}
		mu.Lock()
		var titles []string
		for _, a := range told {
			if a.Seq == 0 || a.Hash == "" {
				t.Errorf("run %d: told an article before it was stored: %+v", run, a)
			}
			titles = append(titles, a.Title+a.Place)
		}
		mu.Unlock()
		if len(titles) != want {
			t.Errorf("run %d: told %q, want %d articles", run, titles, want)
		}
	}
}
