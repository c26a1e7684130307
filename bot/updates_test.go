package bot

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

// runPoll runs Poll until the returned stop function is called; stop waits
// for Poll to return.
func runPoll(t *testing.T, b *Bot) (stop func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- b.Poll(ctx) }()
	return func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("Poll: %v", err)
			}
		case <-time.After(10 * time.Second):
			t.Fatal("Poll did not stop within 10 s")
		}
	}
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestPollConfirmsOnlyAfterHandling(t *testing.T) {
	h := newHarness(t)
	h.bot.now = time.Now
	release := make(chan struct{})
	var once sync.Once
	inHandler := make(chan struct{})
	h.bot.afterHandle = func(u tgbotapi.Update) {
		if u.Message.From.ID == 2 {
			once.Do(func() { close(inHandler) })
			<-release
		}
	}
	for id := int64(1); id <= 3; id++ {
		h.fake.PushText(id, "en", "/help")
	}
	stop := runPoll(t, h.bot)
	<-inHandler
	// Update 1 may be confirmed meanwhile (polling goes on), 2 and 3 not.
	if n := h.fake.Unconfirmed(); n < 2 {
		t.Errorf("while update 2 is being handled, %d updates are unconfirmed, want it and the one after", n)
	}
	close(release)
	waitFor(t, "all updates confirmed", func() bool { return h.fake.Unconfirmed() == 0 })
	stop()
	for id := int64(1); id <= 3; id++ {
		if n := len(h.fake.SentTo(id)); n != 1 {
			t.Errorf("user %d got %d replies, want 1", id, n)
		}
	}
	if h.rec.Calls("deleteWebhook") == nil {
		t.Error("Poll did not call deleteWebhook (leaving webhook mode)")
	}
	for _, c := range h.rec.Calls("getUpdates") {
		if c.Params.Get("limit") != "1" && c.Params.Get("timeout") != "1" { // limit 1: the confirmation at stop
			t.Errorf("getUpdates timeout = %q, want the configured long poll", c.Params.Get("timeout"))
		}
	}
}

// TestKillAndRestartLosesNoUpdate kills the bot in the middle of a batch:
// its context ends and the network to Telegram is dead, so nothing more is
// confirmed. A new bot on the same database then handles the rest: no
// update is lost and at most the updates of the handling window (one when
// updates are handled one at a time) are handled twice.
func TestKillAndRestartLosesNoUpdate(t *testing.T) {
	for _, workers := range []int{1, 3} {
		t.Run(fmt.Sprintf("workers=%d", workers), func(t *testing.T) { killAndRestart(t, workers) })
	}
}

func killAndRestart(t *testing.T, workers int) {
	const n, killAt = 10, 5
	h := newHarness(t, func(c *Config) { c.Workers = workers })
	h.bot.now = time.Now
	for id := int64(1); id <= n; id++ {
		h.fake.PushText(id, "en", "/help")
	}
	ctx, kill := context.WithCancel(context.Background())
	h.bot.afterHandle = func(u tgbotapi.Update) {
		if u.Message.From.ID == killAt {
			h.rec.Intercept("getUpdates", func(w http.ResponseWriter, _ *http.Request) {
				http.Error(w, "connection reset", http.StatusBadGateway)
			})
			kill()
		}
	}
	if err := h.bot.Poll(ctx); err != nil {
		t.Fatal(err)
	}
	// Polling goes on while chats are handled, so a poll before the kill
	// may have confirmed the updates handled by then, never the rest.
	if got := h.fake.Unconfirmed(); got == 0 {
		t.Fatal("after the kill every update is confirmed at Telegram: the kill came too late to test anything")
	}
	h.rec.Intercept("getUpdates", nil)

	restarted := h.restart()
	stop := runPoll(t, restarted)
	waitFor(t, "every update confirmed after the restart", func() bool { return h.fake.Unconfirmed() == 0 })
	stop()
	lost, dups := 0, 0
	for id := int64(1); id <= n; id++ {
		switch got := len(h.fake.SentTo(id)); {
		case got == 0:
			lost++
		case got > 1:
			dups += got - 1
		}
	}
	t.Logf("kills=1 lost=%d duplicates=%d window=%d", lost, dups, workers)
	if lost != 0 || dups > workers {
		t.Errorf("lost=%d duplicates=%d, want 0 lost and at most the %d updates of the window repeated", lost, dups, workers)
	}
}

// restart builds a second bot on the same database and fake API, as a
// restarted process would.
func (h *harness) restart() *Bot {
	h.t.Helper()
	api, err := NewAPI(context.Background(), h.fake.Token(), h.rec.Endpoint(), 5*time.Second)
	if err != nil {
		h.t.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(h.logs, nil))
	return New(api, h.bot.cfg, h.subs, h.digests, log, WithDB(h.db))
}

func TestCleanStopConfirmsHandledUpdates(t *testing.T) {
	h := newHarness(t)
	h.bot.db = nil // no local record: only Telegram's confirmation counts
	h.bot.now = time.Now
	h.fake.PushText(1, "en", "/help")
	// Stop once the handler has returned, not merely once the fake recorded
	// the reply: stopping while the reply's answer is still on its way back
	// cuts the handler short, and such an update is rightly repeated.
	var handled sync.Once
	done := make(chan struct{})
	h.bot.afterHandle = func(tgbotapi.Update) { handled.Do(func() { close(done) }) }
	stop := runPoll(t, h.bot)
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("the update was never handled")
	}
	if got := len(h.fake.SentTo(1)); got != 1 {
		t.Fatalf("%d replies, want 1", got)
	}
	stop()
	if n := h.fake.Unconfirmed(); n != 0 {
		t.Errorf("%d updates unconfirmed after a clean stop, want 0 (a restart would repeat them)", n)
	}
}

func TestPollBacksOffOnErrors(t *testing.T) {
	h := newHarness(t)
	h.bot.now = time.Now
	var calls int
	var mu sync.Mutex
	h.rec.Intercept("getUpdates", func(w http.ResponseWriter, _ *http.Request) {
		mu.Lock()
		calls++
		mu.Unlock()
		w.WriteHeader(http.StatusTooManyRequests)
		_ = json.NewEncoder(w).Encode(map[string]any{"ok": false, "error_code": 429, "description": "Too Many Requests: retry after 1",
			"parameters": map[string]any{"retry_after": 1}})
	})
	stop := runPoll(t, h.bot)
	time.Sleep(1500 * time.Millisecond)
	stop()
	mu.Lock()
	defer mu.Unlock()
	if calls < 1 || calls > 3 {
		t.Errorf("%d getUpdates calls in 1.5 s under retry_after=1, want 2 (no busy loop, no long sleep)", calls)
	}
	if !strings.Contains(h.logs.String(), "retry_in=1s") {
		t.Errorf("retry_after not honoured; logs:\n%s", h.logs.String())
	}
}

func TestRateLimitWarnsOnceAndSparesOthers(t *testing.T) {
	h := newHarness(t, func(c *Config) { c.UserRate, c.UserBurst = 0.5, 3 })
	flooder, other := user{id: 1, lang: "en"}, user{id: 2, lang: "ar"}
	var replies []string
	for range 10 {
		replies = append(replies, h.sayText(flooder, "/help"))
	}
	warnings, answered := 0, 0
	for _, r := range replies {
		switch {
		case strings.Contains(r, "faster than I can answer"):
			warnings++
		case r != "":
			answered++
		}
	}
	if answered != 3 || warnings != 1 {
		t.Errorf("flooder: %d answered, %d warnings; want 3 answered (the burst) and exactly 1 warning", answered, warnings)
	}
	if got := h.sayText(other, "/help"); !strings.Contains(got, "الأوامر") {
		t.Errorf("another user was affected by the flood: %q", got)
	}
	h.clock = h.clock.Add(10 * time.Second)
	if got := h.sayText(flooder, "/help"); !strings.Contains(got, "Commands") {
		t.Errorf("after waiting, the flooder is still refused: %q", got)
	}
	h.clock = h.clock.Add(10 * time.Second)
	for range 5 {
		h.sayText(flooder, "/help")
	}
	if n := strings.Count(h.logsAndReplies(flooder.id), "faster than I can answer"); n != 2 {
		t.Errorf("a second flood after a pause warns again once: %d warnings in total, want 2", n)
	}
}

func (h *harness) logsAndReplies(chatID int64) string {
	var b strings.Builder
	for _, m := range h.fake.SentTo(chatID) {
		fmt.Fprintln(&b, m.Text)
	}
	return b.String()
}

func TestRegisterCommandsFailureIsNotFatal(t *testing.T) {
	h := newHarness(t)
	h.bot.RegisterCommands(context.Background())
	calls := h.rec.Calls("setMyCommands")
	if len(calls) != 3 {
		t.Fatalf("%d setMyCommands calls, want default, en and ar", len(calls))
	}
	if calls[2].Params.Get("language_code") != "ar" || !strings.Contains(calls[2].Params.Get("commands"), "المواضيع") {
		t.Errorf("Arabic menu = %v", calls[2].Params)
	}
	h.rec.Intercept("setMyCommands", func(w http.ResponseWriter, _ *http.Request) { http.Error(w, "no", http.StatusInternalServerError) })
	h.bot.RegisterCommands(context.Background())
	if !strings.Contains(h.logs.String(), "setMyCommands failed") {
		t.Error("a failed setMyCommands was not logged")
	}
}

func TestStoredOffsetExpires(t *testing.T) {
	h := newHarness(t)
	if got := h.bot.loadOffset(); got != 0 {
		t.Fatalf("fresh database offset = %d", got)
	}
	h.bot.markHandled(context.Background(), 76, 77, true)
	if got := h.bot.loadOffset(); got != 77 {
		t.Errorf("offset = %d, want 77", got)
	}
	// Telegram keeps updates 24 h and may restart IDs after a quiet week:
	// an old offset could hide every new update, so it is dropped.
	h.clock = h.clock.Add(25 * time.Hour)
	if got := h.bot.loadOffset(); got != 0 {
		t.Errorf("day-old offset = %d, want 0 (ignored)", got)
	}
}

func TestPanickingHandlerDoesNotStopTheLoop(t *testing.T) {
	h := newHarness(t)
	h.bot.now = time.Now
	h.bot.afterHandle = func(u tgbotapi.Update) {
		if u.Message != nil && u.Message.From.ID == 1 {
			panic("boom")
		}
	}
	h.fake.PushText(1, "en", "/help")
	h.fake.PushText(2, "en", "/help")
	stop := runPoll(t, h.bot)
	waitFor(t, "the next user's reply and all confirmed", func() bool {
		return len(h.fake.SentTo(2)) == 1 && h.fake.Unconfirmed() == 0
	})
	stop()
	if !strings.Contains(h.logs.String(), "update handler panicked") {
		t.Error("the panic was not logged")
	}
}

// TestCommandMenuListsAlertsAndSearch: the menus published by
// setMyCommands (default, English, Arabic) list /alerts and /search, each
// described in the menu's language.
func TestCommandMenuListsAlertsAndSearch(t *testing.T) {
	h := newHarness(t)
	h.bot.RegisterCommands(context.Background())
	want := map[string]map[string]string{
		"":   {"alerts": "Breaking-news alerts", "search": "Search stories"},
		"en": {"alerts": "Breaking-news alerts", "search": "Search stories"},
		"ar": {"alerts": "تنبيهات الأخبار العاجلة", "search": "بحث في الأخبار"},
	}
	calls := h.rec.Calls("setMyCommands")
	if len(calls) != len(want) {
		t.Fatalf("%d setMyCommands calls, want %d", len(calls), len(want))
	}
	for _, c := range calls {
		lang := c.Params.Get("language_code")
		var menu []tgbotapi.BotCommand
		if err := json.Unmarshal([]byte(c.Params.Get("commands")), &menu); err != nil {
			t.Fatalf("%q menu: %v", lang, err)
		}
		got := map[string]string{}
		for _, m := range menu {
			got[m.Command] = m.Description
		}
		for cmd, desc := range want[lang] {
			if got[cmd] != desc {
				t.Errorf("%q menu: /%s described %q, want %q (menu %v)", lang, cmd, got[cmd], desc, menu)
			}
		}
	}
}
