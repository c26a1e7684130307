package delivery_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
	bolt "go.etcd.io/bbolt"

	"newsdigest/bot"
	"newsdigest/bot/bottest"
	"newsdigest/delivery"
	"newsdigest/digest"
	"newsdigest/internal/dbtest"
	"newsdigest/news"
	"newsdigest/subscriptions"
)

// clock is a settable time source shared by the stores and the service.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = t
}

// harness is the real delivery path: bbolt file, stores, digest engine,
// bot.Sender with the go-telegram-bot-api client, and the fake Bot API.
type harness struct {
	t        testing.TB
	db       *bolt.DB
	subs     *subscriptions.Store
	articles *news.Store
	engine   *digest.Engine
	srv      *bottest.Server
	sender   *bot.Sender
	clock    *clock
	cfg      delivery.Config
	nextArt  int
}

type options struct {
	fake    bottest.Config
	sender  bot.SenderConfig
	cfg     delivery.Config
	timeout time.Duration // HTTP client timeout
	now     time.Time     // zero: real time
}

func newHarness(t testing.TB, o options) *harness {
	t.Helper()
	h := &harness{t: t, db: dbtest.Open(t), srv: bottest.New(o.fake)}
	t.Cleanup(h.srv.Close)
	now := time.Now
	if !o.now.IsZero() {
		h.clock = &clock{t: o.now}
		now = h.clock.Now
	}
	ctx := context.Background()
	var err error
	if h.subs, err = subscriptions.NewStore(ctx, h.db, subscriptions.WithClock(now)); err != nil {
		t.Fatal(err)
	}
	if h.articles, err = news.NewStore(ctx, h.db, news.WithClock(now)); err != nil {
		t.Fatal(err)
	}
	if h.engine, err = digest.NewEngine(digest.Config{}); err != nil {
		t.Fatal(err)
	}
	h.sender = newSender(t, h.srv, o.sender, o.timeout)
	h.cfg = o.cfg
	h.cfg.Now = now
	if h.cfg.Log == nil {
		h.cfg.Log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	return h
}

func newSender(t testing.TB, srv *bottest.Server, cfg bot.SenderConfig, timeout time.Duration) *bot.Sender {
	t.Helper()
	if timeout == 0 {
		timeout = 5 * time.Second
	}
	// Keep a connection per request in flight: the default transport keeps
	// two idle connections per host and would reconnect for every other send.
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConnsPerHost = 64
	api, err := tgbotapi.NewBotAPIWithClient(srv.Token(), srv.Endpoint(), &http.Client{Timeout: timeout, Transport: tr})
	if err != nil {
		t.Fatalf("bot api: %v", err)
	}
	cfg.Token = srv.Token()
	return bot.NewSender(api, cfg)
}

// service opens a delivery service on the harness database.
func (h *harness) service() *delivery.Service {
	h.t.Helper()
	svc, err := delivery.New(h.db, h.subs, h.articles, h.engine, h.sender, h.cfg)
	if err != nil {
		h.t.Fatal(err)
	}
	return svc
}

// pushTo stores subs (chats 1 to len(subs)), starts a service, pushes to
// them and waits until everything is sent.
func (h *harness) pushTo(subs []subscriptions.Subscriber) {
	h.t.Helper()
	h.put(subs...)
	h.pushNow(ids(1, len(subs))...)
}

// pushNow starts a service, pushes to chats and waits until the outbox is
// drained; it returns the running service and how many digests the push
// queued.
func (h *harness) pushNow(chats ...int64) (*delivery.Service, int) {
	h.t.Helper()
	svc := h.service()
	run(h.t, svc)
	n, err := svc.Push(context.Background(), chats)
	if err != nil {
		h.t.Fatal(err)
	}
	settle(h.t, svc)
	return svc, n
}

// run starts svc.Run; stop ends it gracefully and closes the service.
func run(t testing.TB, svc *delivery.Service) (stop func()) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- svc.Run(ctx) }()
	var once sync.Once
	stop = func() {
		once.Do(func() {
			cancel()
			if err := <-done; err != nil {
				t.Errorf("run: %v", err)
			}
			if err := svc.Close(); err != nil {
				t.Errorf("close: %v", err)
			}
		})
	}
	t.Cleanup(stop)
	return stop
}

// subscribe stores subscribers for the chats (negative = group) with the
// given zone and delivery time.
func (h *harness) subscribe(zone, at string, ids ...int64) {
	h.t.Helper()
	now := time.Now()
	if h.clock != nil {
		now = h.clock.Now()
	}
	subs := make([]subscriptions.Subscriber, len(ids))
	for i, id := range ids {
		typ := subscriptions.ChatPrivate
		if id < 0 {
			typ = subscriptions.ChatGroup
		}
		subs[i] = subscriptions.New(id, typ, "en", now)
		subs[i].TimeZone, subs[i].Times, subs[i].MaxStories = zone, []string{at}, 50
	}
	if err := h.subs.PutMany(context.Background(), subs); err != nil {
		h.t.Fatal(err)
	}
}

var vocabulary = strings.Fields(`harbour council budget railway drought vaccine election tariff
	satellite refinery orchestra glacier festival currency wildfire parliament museum pipeline
	earthquake stadium reservoir hospital bridge vineyard airline telescope monsoon factory
	university copper fishery highway treaty tunnel lottery bakery library cathedral volcano
	marathon embassy ferry courthouse ceasefire pension startup orchard subway carnival`)

// addArticles stores n English articles on unrelated subjects (so each is
// its own story) with summaries of about words words.
func (h *harness) addArticles(n, words int) []news.Article {
	h.t.Helper()
	arts := make([]news.Article, n)
	for i := range arts {
		h.nextArt++
		k := h.nextArt
		r := rand.New(rand.NewPCG(uint64(k), 7))
		var b strings.Builder
		fmt.Fprintf(&b, "Item%d reports", k)
		for range words {
			b.WriteString(" " + vocabulary[r.IntN(len(vocabulary))])
		}
		b.WriteString(".")
		arts[i] = news.Article{Article: digest.Article{
			ID: fmt.Sprintf("art-%d", k), URL: fmt.Sprintf("https://example.com/%d", k),
			Title: fmt.Sprintf("Item%d %s %s", k, vocabulary[k%len(vocabulary)], vocabulary[(k*7)%len(vocabulary)]),
			Text:  b.String(), Source: "Example", Lang: "en",
		}, Feed: "test"}
	}
	added, err := h.articles.Add(context.Background(), arts)
	if err != nil || len(added) != n {
		h.t.Fatalf("add articles: %d added, %v", len(added), err)
	}
	return added
}

// addLongArticles stores n articles with long titles and texts made of
// words no other article uses, so each is its own story.
func (h *harness) addLongArticles(n int) {
	h.t.Helper()
	arts := make([]news.Article, n)
	for i := range arts {
		h.nextArt++
		r := rand.New(rand.NewPCG(uint64(h.nextArt), 11))
		word := func() string {
			b := make([]byte, 6+r.IntN(5))
			for k := range b {
				b[k] = byte('a' + r.IntN(26))
			}
			return string(b)
		}
		var title, text []string
		for range 30 {
			title = append(title, word())
		}
		for range 80 {
			text = append(text, word())
		}
		arts[i] = news.Article{Article: digest.Article{
			ID: fmt.Sprintf("long-%d", h.nextArt), URL: fmt.Sprintf("https://example.com/long/%d", h.nextArt),
			Title: strings.Join(title, " "), Text: strings.Join(text, " ") + ".", Source: "Example", Lang: "en",
		}, Feed: "test"}
	}
	if _, err := h.articles.Add(context.Background(), arts); err != nil {
		h.t.Fatal(err)
	}
}

// waitFor polls cond until it holds or the deadline passes.
func waitFor(t testing.TB, d time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(d)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// settle waits up to 10 s until the outbox is empty.
func settle(t testing.TB, svc *delivery.Service) {
	t.Helper()
	settleWithin(t, svc, 10*time.Second)
}

// settleWithin waits up to d until no record is pending (failed ones may stay).
func settleWithin(t testing.TB, svc *delivery.Service, d time.Duration) {
	t.Helper()
	waitFor(t, d, "the outbox to empty", func() bool {
		st, err := svc.Stats(context.Background())
		return err == nil && st.Pending == 0
	})
}

func ids(from, n int) []int64 {
	out := make([]int64, n)
	for i := range out {
		out[i] = int64(from + i)
	}
	return out
}
