package bot

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
	bolt "go.etcd.io/bbolt"
	berrors "go.etcd.io/bbolt/errors"

	"newsdigest/bot/bottest"
	"newsdigest/internal/dbtest"
	"newsdigest/ops"
)

// paced is a bot whose replies wait for Telegram's real per-chat limits
// (about one message a second in a private chat), as in production.
type paced struct {
	fake *bottest.Server
	bot  *Bot
}

func newPaced(t *testing.T, mutate func(*Config)) paced {
	t.Helper()
	// Burst 2: the sender paces exactly one a second; network jitter may
	// bring two a little closer at the fake.
	fake := bottest.New(bottest.Config{GlobalRate: 1000, PrivateRate: 1, PrivateBurst: 2})
	t.Cleanup(fake.Close)
	db := dbtest.Open(t)
	subs, api := subsAndAPI(t, fake, db)
	cfg := Config{Token: fake.Token(), PollTimeout: time.Second}
	if mutate != nil {
		mutate(&cfg)
	}
	b := New(api, cfg, subs, nil, slog.New(slog.DiscardHandler),
		WithDB(db), WithLimiter(NewSender(api, SenderConfig{Token: fake.Token(), GlobalRate: 1000})))
	return paced{fake: fake, bot: b}
}

// TestFlooderDoesNotDelayOthers: 30 /help in a few milliseconds from one
// user. The flood guard counts them as they arrive, so the flooder gets the
// burst answered and one warning, nothing more; and another user's /help,
// sent after all 30, is answered before the flooder's second (paced) reply,
// not behind the flood.
func TestFlooderDoesNotDelayOthers(t *testing.T) {
	const burst = 3
	p := newPaced(t, func(c *Config) { c.UserBurst = burst })
	const flooder, other = int64(601), int64(602)
	for range 30 {
		p.fake.PushText(flooder, "en", "/help")
	}
	p.fake.PushText(other, "en", "/help")
	stop := runPoll(t, p.bot)
	waitFor(t, "every update confirmed", func() bool { return p.fake.Unconfirmed() == 0 })
	stop()
	fl, ot := p.fake.SentTo(flooder), p.fake.SentTo(other)
	answers, warnings := countContaining(fl, "Commands"), countContaining(fl, "faster than I can answer")
	if answers != burst || warnings != 1 {
		t.Errorf("flooder got %d answers and %d warnings, want %d and exactly 1", answers, warnings, burst)
	}
	if len(ot) == 1 {
		before := 0
		for _, m := range fl {
			if m.Seq < ot[0].Seq {
				before++
			}
		}
		t.Logf("flood=30 answered=%d warnings=%d other_reply_after_flooder_messages=%d", answers, warnings, before)
	}
	if len(ot) != 1 || len(fl) < 2 || ot[0].Seq > fl[1].Seq {
		t.Fatalf("the other user's reply (%d messages) came after the flooder's second: it waited behind the flood", len(ot))
	}
}

// TestGroupOverItsAllowanceIsToldOnce: members of a group, each within
// their own allowance, together send more commands than Telegram lets the
// bot answer there. The group's allowance is counted as they arrive: the
// burst is answered, the group is told once, the rest ignored, and a
// private user is not affected. When the allowance refills the group is
// answered again.
func TestGroupOverItsAllowanceIsToldOnce(t *testing.T) {
	h := newHarness(t, func(c *Config) { c.GroupBurst = 3 })
	g := group(groupID)
	var got []bottest.Sent
	for round := range 2 {
		for id := int64(1); id <= 3; id++ {
			got = append(got, h.say(user{id: 40 + id, lang: "en"}, g, fmt.Sprintf("/help@%s %d", botName, round))...)
		}
	}
	helps, notices := countContaining(got, "Commands"), countContaining(got, "faster than Telegram lets me answer in a group")
	if helps != 3 || notices != 1 {
		t.Errorf("group got %d answers and %d notices for 6 commands, want 3 and 1", helps, notices)
	}
	if reply := h.sayText(user{id: 49, lang: "en"}, "/help"); !strings.Contains(reply, "Commands") {
		t.Errorf("a private user was refused because of the group: %q", reply)
	}
	h.clock = h.clock.Add(3 * time.Second) // 20 a minute: one more
	if reply := joinSent(h.say(user{id: 41, lang: "en"}, g, "/help@"+botName)); !strings.Contains(reply, "Commands") {
		t.Errorf("after the allowance refilled the group is still ignored: %q", reply)
	}
}

// TestRestartDoesNotRedoUpdatesHandledBeyondThePrefix: the first update's
// reply hangs, so Telegram's offset cannot move past it, while four later
// updates are handled. The bot is then killed (nothing more reaches
// Telegram). After the restart only the hung update is handled again.
func TestRestartDoesNotRedoUpdatesHandledBeyondThePrefix(t *testing.T) {
	h := newHarness(t)
	h.bot.now = time.Now
	h.fake.SetFault(1, bottest.Fault{Kind: bottest.Hang})
	for id := int64(1); id <= 5; id++ {
		h.fake.PushText(id, "en", "/help")
	}
	ctx, kill := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- h.bot.Poll(ctx) }()
	waitFor(t, "updates 2–5 handled and recorded", func() bool {
		for id := 2; id <= 5; id++ {
			if !h.bot.recent.has(id) {
				return false
			}
		}
		return true
	})
	h.rec.Intercept("getUpdates", func(w http.ResponseWriter, _ *http.Request) {
		http.Error(w, "connection reset", http.StatusBadGateway)
	})
	kill()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if n := h.fake.Unconfirmed(); n != 5 {
		t.Fatalf("%d updates unconfirmed at Telegram after the kill, want 5 (the offset could not pass update 1)", n)
	}
	h.rec.Intercept("getUpdates", nil)
	h.fake.ClearFault(1)

	stop := runPoll(t, h.restart())
	waitFor(t, "every update confirmed after the restart", func() bool { return h.fake.Unconfirmed() == 0 })
	stop()
	for id := int64(1); id <= 5; id++ {
		if n := len(h.fake.SentTo(id)); n != 1 {
			t.Errorf("user %d got %d replies, want exactly 1", id, n)
		}
	}
}

// TestReplayedUpdateIsHandledOnce: Telegram repeats a webhook call it got no
// answer to, and a restarted bot may see an update again. Each is answered
// 200 and changes nothing the second time, also after a restart.
func TestReplayedUpdateIsHandledOnce(t *testing.T) {
	h := newHarness(t)
	u := user{id: 77, lang: "en"}
	h.sayText(u, "/start")
	msgID := h.fake.SentTo(77)[0].MessageID
	press, err := json.Marshal(tgbotapi.Update{UpdateID: 5001, CallbackQuery: &tgbotapi.CallbackQuery{
		ID: "cb1", From: u.tg(), Data: button(t, h.lastMarkup(77), "Politics"),
		Message: &tgbotapi.Message{MessageID: msgID, Chat: private(u)},
	}})
	if err != nil {
		t.Fatal(err)
	}
	post := func(b *Bot) {
		t.Helper()
		srv := httptest.NewServer(b.WebhookHandler(context.Background(), "s"))
		defer srv.Close()
		req, _ := http.NewRequest(http.MethodPost, srv.URL, bytes.NewReader(press))
		req.Header.Set(SecretHeader, "s")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("status %d, want 200", resp.StatusCode)
		}
	}
	post(h.bot)
	post(h.bot)
	restarted := h.restart()
	restarted.now = h.bot.now // the same (test) clock as the handled record's
	post(restarted)
	if got := h.sub(77).Topics; !slices.Equal(got, []string{"politics"}) {
		t.Errorf("topics after one press delivered three times = %v, want [politics]", got)
	}
	if n := len(h.fake.Answers()); n != 1 {
		t.Errorf("the press was answered %d times, want once", n)
	}
}

// TestOldTopicButtonsStillWork: pickers sent before the buttons carried the
// state have "t:ID:chat" buttons. A press does what the button showed
// (✅ → off, otherwise on), so pressing one twice does not undo itself.
func TestOldTopicButtonsStillWork(t *testing.T) {
	h := newHarness(t)
	u := user{id: 78, lang: "en"}
	h.sayText(u, "/start")
	data := "t:politics:78"
	pressOld := func(label string) {
		kb := tgbotapi.NewInlineKeyboardMarkup(tgbotapi.NewInlineKeyboardRow(tgbotapi.NewInlineKeyboardButtonData(label, data)))
		h.bot.handle(context.Background(), tgbotapi.Update{CallbackQuery: &tgbotapi.CallbackQuery{
			ID: "old", From: u.tg(), Data: data, Message: &tgbotapi.Message{MessageID: 1, Chat: private(u), ReplyMarkup: &kb},
		}})
	}
	pressOld("Politics")
	pressOld("Politics")
	if got := h.sub(78).Topics; !slices.Equal(got, []string{"politics"}) {
		t.Fatalf("after two presses of an old unchosen button topics = %v, want [politics]", got)
	}
	pressOld("✅ Politics")
	pressOld("✅ Politics")
	if got := h.sub(78).Topics; len(got) != 0 {
		t.Errorf("after two presses of an old chosen button topics = %v, want none", got)
	}
}

// TestReplyLostTo502IsRetried: one 502 from Telegram on a reply leaves the
// update unconfirmed and it is tried again, so the user is answered; a 403
// (the user blocked the bot) counts as handled and is not retried.
func TestReplyLostTo502IsRetried(t *testing.T) {
	h := newHarness(t)
	h.bot.now = time.Now
	h.bot.retryPause = 10 * time.Millisecond
	h.fake.SetFault(1, bottest.Fault{Kind: bottest.ServerError, Code: http.StatusBadGateway, Times: 1})
	h.fake.SetFault(2, bottest.Fault{Kind: bottest.Blocked})
	h.fake.PushText(1, "en", "/help")
	h.fake.PushText(2, "en", "/help")
	stop := runPoll(t, h.bot)
	waitFor(t, "all confirmed", func() bool { return h.fake.Unconfirmed() == 0 })
	stop()
	if n := len(h.fake.SentTo(1)); n != 1 {
		t.Errorf("after one 502 the user got %d replies, want 1 (retried)", n)
	}
	sends := 0
	for _, c := range h.rec.callsTo(2) {
		if c.Method == "sendMessage" {
			sends++
		}
	}
	if sends != 1 {
		t.Errorf("%d sends to a chat that blocked the bot, want 1 (403 is final)", sends)
	}
}

// TestFullDiskLosesNoStart: while the database cannot grow, /start cannot
// subscribe anyone: those updates stay unconfirmed and are retried, nobody
// is told they are subscribed, and the readiness check reports the failing
// writes. Once there is room again every user is subscribed and welcomed
// exactly once, and the check recovers.
func TestFullDiskLosesNoStart(t *testing.T) {
	const users = 20
	h := newHarness(t)
	h.bot.now = time.Now
	h.bot.retryPause = 20 * time.Millisecond
	health := &ops.WriteHealth{}
	h.bot.writes = health
	free := fillDisk(t, h.db)
	for id := int64(1); id <= users; id++ {
		h.fake.PushText(1000+id, "en", "/start")
	}
	stop := runPoll(t, h.bot)
	waitFor(t, "failing writes reported", func() bool { return health.Check().Run(context.Background()) != nil })
	if n := h.fake.Unconfirmed(); n == 0 {
		t.Fatal("every /start was confirmed while the disk was full")
	}
	for id := int64(1001); id <= 1000+users; id++ {
		if len(h.fake.SentTo(id)) > 0 {
			if _, err := h.subs.Get(context.Background(), id); err != nil {
				t.Errorf("user %d was welcomed but is not subscribed: %v", id, err)
			}
		}
	}
	if err := health.Check().Run(context.Background()); !strings.Contains(err.Error(), "failed in a row") {
		t.Errorf("readiness says %v", err)
	}
	free()
	waitFor(t, "every /start confirmed once there is room", func() bool { return h.fake.Unconfirmed() == 0 })
	stop()
	for id := int64(1001); id <= 1000+users; id++ {
		if _, err := h.subs.Get(context.Background(), id); err != nil {
			t.Errorf("user %d never subscribed: %v", id, err)
		}
		if n := len(h.fake.SentTo(id)); n != 1 {
			t.Errorf("user %d welcomed %d times, want once", id, n)
		}
	}
	if err := health.Check().Run(context.Background()); err != nil {
		t.Errorf("readiness after recovery: %v", err)
	}
}

// fillDisk makes the database file unable to grow, as on a full disk, and
// fills its free pages; the returned func makes room again.
func fillDisk(t *testing.T, db *bolt.DB) (free func()) {
	t.Helper()
	info, err := os.Stat(db.Path())
	if err != nil {
		t.Fatal(err)
	}
	// MaxSize is read by writers only: set it inside a write transaction.
	setMax := func(n int) {
		if err := db.Update(func(*bolt.Tx) error { db.MaxSize = n; return nil }); err != nil {
			t.Fatal(err)
		}
	}
	setMax(int(info.Size()))
	for i := 0; ; i++ {
		err := db.Update(func(tx *bolt.Tx) error {
			bk, err := tx.CreateBucketIfNotExists([]byte("filler"))
			if err != nil {
				return err
			}
			return bk.Put(updateKey(i), make([]byte, 2048))
		})
		if errors.Is(err, berrors.ErrMaxSizeReached) {
			break
		}
		if err != nil || i > 100_000 {
			t.Fatalf("filling the database: %v after %d writes", err, i)
		}
	}
	return func() {
		setMax(0)
		if err := db.Update(func(tx *bolt.Tx) error { return tx.DeleteBucket([]byte("filler")) }); err != nil {
			t.Fatal(err)
		}
	}
}

// countContaining counts the messages whose text contains s.
func countContaining(msgs []bottest.Sent, s string) int {
	n := 0
	for _, m := range msgs {
		if strings.Contains(m.Text, s) {
			n++
		}
	}
	return n
}

// TestWebhookAsksForARetryOnATemporaryFailure: in webhook mode a reply
// lost to a 502 is answered 503, so Telegram sends the update again; the
// repeat is handled (the user is answered once) and answered 200.
func TestWebhookAsksForARetryOnATemporaryFailure(t *testing.T) {
	h := newHarness(t)
	h.fake.SetFault(81, bottest.Fault{Kind: bottest.ServerError, Code: http.StatusBadGateway, Times: 1})
	srv := httptest.NewServer(h.bot.WebhookHandler(context.Background(), "s"))
	defer srv.Close()
	post := func() int {
		t.Helper()
		req, _ := http.NewRequest(http.MethodPost, srv.URL, bytes.NewReader(updateJSON(t, 81, "/help")))
		req.Header.Set(SecretHeader, "s")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if code := post(); code != http.StatusServiceUnavailable {
		t.Fatalf("a reply lost to a 502 answered %d, want 503 (send it again)", code)
	}
	if code := post(); code != http.StatusOK {
		t.Fatalf("Telegram's repeat answered %d, want 200", code)
	}
	if code := post(); code != http.StatusOK || len(h.fake.SentTo(81)) != 1 {
		t.Fatalf("a third delivery answered %d; the user got %d replies, want exactly 1", code, len(h.fake.SentTo(81)))
	}
}
