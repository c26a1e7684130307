package bot

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log"
	"log/slog"
	"mime"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
	bolt "go.etcd.io/bbolt"

	"newsdigest/bot/bottest"
	"newsdigest/delivery"
	"newsdigest/digest"
	"newsdigest/internal/dbtest"
	"newsdigest/news"
	"newsdigest/subscriptions"
)

// apiCall is one Bot API request as the bot made it.
type apiCall struct {
	Method string
	Params url.Values
	Files  map[string][]byte // multipart uploads by field name
}

// recorder sits in front of the fake Bot API and records every request with
// all its parameters (the fake keeps only some of them, e.g. no
// reply_markup and no secret_token). Methods in intercept are answered by
// the test instead of the fake.
type recorder struct {
	srv       *httptest.Server
	mu        sync.Mutex
	calls     []apiCall
	intercept map[string]http.HandlerFunc
}

func newRecorder(t *testing.T, upstream string) *recorder {
	t.Helper()
	target, err := url.Parse(upstream)
	if err != nil {
		t.Fatal(err)
	}
	rec := &recorder{intercept: map[string]http.HandlerFunc{}}
	proxy := httputil.NewSingleHostReverseProxy(target)
	proxy.ErrorLog = log.New(io.Discard, "", 0) // cancelled long polls are expected
	rec.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		method := r.URL.Path[strings.LastIndex(r.URL.Path, "/")+1:]
		call := readCall(r, method)
		rec.mu.Lock()
		rec.calls = append(rec.calls, call)
		h := rec.intercept[method]
		rec.mu.Unlock()
		if h != nil {
			h(w, r)
			return
		}
		proxy.ServeHTTP(w, r)
	}))
	t.Cleanup(rec.srv.Close)
	return rec
}

// readCall parses the request's parameters and puts the body back for the
// proxy.
func readCall(r *http.Request, method string) apiCall {
	body, _ := io.ReadAll(r.Body)
	r.Body = io.NopCloser(bytes.NewReader(body))
	call := apiCall{Method: method, Params: url.Values{}, Files: map[string][]byte{}}
	clone := r.Clone(r.Context())
	clone.Body = io.NopCloser(bytes.NewReader(body))
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	switch {
	case strings.HasPrefix(ct, "multipart/"):
		if clone.ParseMultipartForm(64<<20) == nil {
			call.Params = clone.MultipartForm.Value
			for k, fhs := range clone.MultipartForm.File {
				f, _ := fhs[0].Open()
				call.Files[k], _ = io.ReadAll(f)
				f.Close()
			}
		}
	default:
		if clone.ParseForm() == nil {
			call.Params = clone.PostForm
		}
	}
	return call
}

func (rec *recorder) Endpoint() string { return rec.srv.URL + "/bot%s/%s" }

func (rec *recorder) Calls(method string) []apiCall {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	var out []apiCall
	for _, c := range rec.calls {
		if c.Method == method {
			out = append(out, c)
		}
	}
	return out
}

func (rec *recorder) Intercept(method string, h http.HandlerFunc) {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	rec.intercept[method] = h
}

// fakeDigests stands in for the delivery service's on-demand digest.
type fakeDigests struct {
	mu      sync.Mutex
	stories int
	asked   []int64
}

var _ Digests = (*fakeDigests)(nil)

func (f *fakeDigests) SendNow(_ context.Context, chatID int64) (int, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.asked = append(f.asked, chatID)
	return f.stories, nil
}

// fakeOps records what the admin commands ask of the delivery service.
type fakeOps struct {
	mu         sync.Mutex
	failNext   error // returned by the next Broadcast
	pushed     [][]int64
	broadcasts []string
	pushTotal  int
}

var _ Ops = (*fakeOps)(nil)

func (f *fakeOps) PushNow(_ context.Context, chats []int64, progress func(done, total int)) error {
	f.mu.Lock()
	f.pushed = append(f.pushed, chats)
	total := f.pushTotal
	f.mu.Unlock()
	if len(chats) > 0 {
		total = len(chats)
	}
	for i := 1; i <= total; i++ {
		progress(i, total)
	}
	return nil
}

func (f *fakeOps) Broadcast(_ context.Context, html string) (int, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.failNext; err != nil {
		f.failNext = nil
		return 0, err
	}
	f.broadcasts = append(f.broadcasts, html)
	return 3, nil
}

func (f *fakeOps) Status(context.Context) (OpsStatus, error) {
	return OpsStatus{ArticlesToday: 12, LastPush: time.Date(2026, 11, 28, 8, 0, 0, 0, time.UTC), Pending: 2, Failed: 1}, nil
}

// harness is a bot over a real bbolt file, talking to the fake Bot API
// through the recorder.
// deliveryService starts the real delivery service (the real digest engine
// and sender, a client of its own through the recorder) over the harness's
// bbolt file, and returns that client and the article store it reads.
func (h *harness) deliveryService(log *slog.Logger) (*tgbotapi.BotAPI, *news.Store, *delivery.Service) {
	h.t.Helper()
	ctx := context.Background()
	articles, err := news.NewStore(ctx, h.db)
	if err != nil {
		h.t.Fatal(err)
	}
	engine, err := digest.NewEngine(digest.Config{})
	if err != nil {
		h.t.Fatal(err)
	}
	api, err := NewAPI(ctx, h.fake.Token(), h.rec.Endpoint(), 5*time.Second)
	if err != nil {
		h.t.Fatal(err)
	}
	svc, err := delivery.New(h.db, h.subs, articles, engine, NewSender(api, SenderConfig{Token: h.fake.Token()}), delivery.Config{Log: log})
	if err != nil {
		h.t.Fatal(err)
	}
	h.t.Cleanup(func() { _ = svc.Close() })
	return api, articles, svc
}

// withRealDigests makes the harness's bot answer /digest (and /search)
// with the real delivery service, on the real clock it reads, and returns
// the article store it reads.
func (h *harness) withRealDigests() *news.Store {
	h.t.Helper()
	h.clock = time.Now()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	api, articles, svc := h.deliveryService(log)
	h.bot = New(api, Config{Token: h.fake.Token(), DefaultTZ: "UTC", PollTimeout: time.Second}, h.subs, svc, log,
		WithDB(h.db), WithSearch(svc))
	return articles
}

// subsAndAPI opens the subscriber store in db and a client of the fake Bot
// API, for the tests that build their own bot beside the harness.
func subsAndAPI(t *testing.T, fake *bottest.Server, db *bolt.DB) (*subscriptions.Store, *tgbotapi.BotAPI) {
	t.Helper()
	subs, err := subscriptions.NewStore(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	api, err := NewAPI(context.Background(), fake.Token(), fake.Endpoint(), 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	return subs, api
}

// handle admits and handles one update at once, outside any queue, as the
// inbox does for each update it takes, and logs its failure.
func (b *Bot) handle(ctx context.Context, u tgbotapi.Update) {
	err := b.run(ctx, b.admit(u))
	if err != nil && !isCanceled(ctx, err) {
		b.log.ErrorContext(ctx, "update failed", "update", u.UpdateID, "err", err)
	}
}

type harness struct {
	t       *testing.T
	fake    *bottest.Server
	rec     *recorder
	bot     *Bot
	subs    *subscriptions.Store
	db      *bolt.DB
	digests *fakeDigests
	ops     *fakeOps
	logs    *syncLog
	clock   time.Time
	seen    map[int64]int // messages per chat already returned by newTo
}

const (
	adminID  = int64(900)
	botID    = int64(123456) // bottest's getMe
	botName  = "digest_test_bot"
	groupID  = int64(-100500)
	channelN = int64(-100777)
)

func newHarness(t *testing.T, mutate ...func(*Config)) *harness {
	t.Helper()
	h := &harness{t: t, fake: bottest.New(bottest.Config{PrivateBurst: 1000, GroupBurst: 1000, GlobalBurst: 1000, GlobalRate: 10000, PrivateRate: 1000, GroupPerMinute: 60000}),
		digests: &fakeDigests{}, ops: &fakeOps{pushTotal: 5}, logs: &syncLog{},
		clock: time.Date(2026, 11, 29, 9, 0, 0, 0, time.UTC), seen: map[int64]int{}}
	t.Cleanup(h.fake.Close)
	h.rec = newRecorder(t, h.fake.URL())
	h.db = dbtest.Open(t)
	var err error
	if h.subs, err = subscriptions.NewStore(context.Background(), h.db); err != nil {
		t.Fatal(err)
	}
	api, err := NewAPI(context.Background(), h.fake.Token(), h.rec.Endpoint(), 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	cfg := Config{Token: h.fake.Token(), Admins: []int64{adminID}, DefaultTZ: "Asia/Baghdad", PollTimeout: time.Second,
		GroupBurst: 1000} // the harness clock stands still: a group's allowance never refills
	for _, m := range mutate {
		m(&cfg)
	}
	log := slog.New(slog.NewTextHandler(h.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	h.bot = New(api, cfg, h.subs, h.digests, log, WithOps(h.ops), WithDB(h.db), WithClock(func() time.Time { return h.clock }))
	t.Cleanup(func() {
		if strings.Contains(h.logs.String(), h.fake.Token()) {
			t.Error("the bot token appears in the logs")
		}
	})
	return h
}

// user is a simulated Telegram user.
type user struct {
	id   int64
	lang string
}

func (u user) tg() *tgbotapi.User {
	return &tgbotapi.User{ID: u.id, FirstName: "U", LanguageCode: u.lang}
}

func private(u user) *tgbotapi.Chat { return &tgbotapi.Chat{ID: u.id, Type: "private"} }
func group(id int64) *tgbotapi.Chat { return &tgbotapi.Chat{ID: id, Type: "supergroup", Title: "G"} }

// say delivers a message from u in chat and returns the bot's new messages
// to that chat.
func (h *harness) say(u user, chat *tgbotapi.Chat, text string) []bottest.Sent {
	h.t.Helper()
	h.bot.handle(context.Background(), tgbotapi.Update{Message: &tgbotapi.Message{
		MessageID: 1, From: u.tg(), Chat: chat, Date: int(h.clock.Unix()), Text: text,
	}})
	return h.newTo(chat.ID)
}

// sayText is say for private chats, returning the replies' texts joined.
func (h *harness) sayText(u user, text string) string {
	h.t.Helper()
	return joinSent(h.say(u, private(u), text))
}

// press delivers a button press on the bot's message msgID in chat.
func (h *harness) press(u user, chat *tgbotapi.Chat, msgID int, data string) {
	h.t.Helper()
	h.bot.handle(context.Background(), tgbotapi.Update{CallbackQuery: &tgbotapi.CallbackQuery{
		ID: "cb" + data, From: u.tg(), Data: data,
		Message: &tgbotapi.Message{MessageID: msgID, Chat: chat},
	}})
}

func (h *harness) newTo(chatID int64) []bottest.Sent {
	all := h.fake.SentTo(chatID)
	out := all[h.seen[chatID]:]
	h.seen[chatID] = len(all)
	return out
}

func joinSent(msgs []bottest.Sent) string {
	var parts []string
	for _, m := range msgs {
		parts = append(parts, m.Text)
	}
	return strings.Join(parts, "\n---\n")
}

// lastMarkup returns the inline keyboard of the last sendMessage or
// editMessageText to chatID, as button texts and their callback data.
func (h *harness) lastMarkup(chatID int64) [][2]string {
	h.t.Helper()
	var last string
	for _, c := range h.rec.callsTo(chatID) {
		if c.Method == "sendMessage" || c.Method == "editMessageText" {
			last = c.Params.Get("reply_markup")
		}
	}
	var kb tgbotapi.InlineKeyboardMarkup
	if last != "" {
		if err := json.Unmarshal([]byte(last), &kb); err != nil {
			h.t.Fatalf("reply_markup %q: %v", last, err)
		}
	}
	var out [][2]string
	for _, row := range kb.InlineKeyboard {
		for _, b := range row {
			out = append(out, [2]string{b.Text, deref(b.CallbackData)})
		}
	}
	return out
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

func (rec *recorder) callsTo(chatID int64) []apiCall {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	var out []apiCall
	want := strconv.FormatInt(chatID, 10)
	for _, c := range rec.calls {
		if c.Params.Get("chat_id") == want {
			out = append(out, c)
		}
	}
	return out
}

// button finds the callback data of the button whose text contains label.
func button(t *testing.T, kb [][2]string, label string) string {
	t.Helper()
	for _, b := range kb {
		if strings.Contains(b[0], label) {
			return b[1]
		}
	}
	t.Fatalf("no button %q in %v", label, kb)
	return ""
}

func (h *harness) sub(chatID int64) subscriptions.Subscriber {
	h.t.Helper()
	s, err := h.subs.Get(context.Background(), chatID)
	if err != nil {
		h.t.Fatalf("subscriber %d: %v", chatID, err)
	}
	return s
}

// syncLog collects log output from several goroutines.
type syncLog struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *syncLog) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

func (l *syncLog) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}
