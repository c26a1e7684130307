package bot

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"newsdigest/delivery"
	"newsdigest/digest"
	"newsdigest/internal/dbtest"
	"newsdigest/internal/tgemu"
	"newsdigest/news"
	"newsdigest/subscriptions"
)

func e2eArticles() []news.Article {
	mk := func(id, lang, title, text, hint string) news.Article {
		return news.Article{Article: digest.Article{ID: id, Title: title, Text: text, Lang: lang, Source: "Test Wire",
			Topics: []string{hint}, URL: "https://example.org/" + id, Published: time.Now().Add(-time.Hour)}}
	}
	return []news.Article{
		mk("en-sport", "en", "City win the cup final", "City won the cup final on Saturday after a late goal in extra time.\nThe coach praised the players.", "sport"),
		mk("en-econ", "en", "Central bank raises rates", "The central bank raised interest rates by half a point, citing stubborn inflation.\nMarkets fell.", "economy"),
		mk("ar-sport", "ar", "الفريق يفوز بكأس البطولة", "فاز الفريق بكأس البطولة مساء السبت بعد هدف متأخر في الوقت الإضافي.\nوأشاد المدرب باللاعبين.", "رياضة"),
		mk("ar-econ", "ar", "البنك المركزي يرفع أسعار الفائدة", "رفع البنك المركزي أسعار الفائدة نصف نقطة بسبب التضخم المرتفع.\nوتراجعت الأسواق.", "اقتصاد"),
	}
}

// e2e is the bot and the real delivery service over one bbolt file,
// polling the telegram-test-api emulator.
type e2e struct {
	emu      *tgemu.Emulator
	ctx      context.Context
	subs     *subscriptions.Store
	articles *news.Store
	svc      *delivery.Service
}

// startE2E starts the emulator, stores arts, and runs the bot (long
// polling) and the delivery service until the test ends; the token must
// never reach the logs.
func startE2E(t *testing.T, arts []news.Article) e2e {
	t.Helper()
	return startE2EAt(t, arts, time.Now)
}

// startE2EAt is startE2E with the store's and the delivery service's clock
// set to clock (the alert test fixes "now").
func startE2EAt(t *testing.T, arts []news.Article, clock func() time.Time) e2e {
	t.Helper()
	emu := tgemu.Start(t)
	ctx, cancel := context.WithCancel(context.Background())
	db := dbtest.Open(t)
	subs, err := subscriptions.NewStore(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	articles, err := news.NewStore(ctx, db, news.WithClock(clock))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := articles.Add(ctx, arts); err != nil {
		t.Fatal(err)
	}
	engine, err := digest.NewEngine(digest.Config{})
	if err != nil {
		t.Fatal(err)
	}
	api, err := NewAPI(ctx, emu.Token, emu.Endpoint(), 10*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	logs := &syncLog{}
	log := slog.New(slog.NewTextHandler(logs, nil))
	// The real delivery service answers /digest, as in production.
	svc, err := delivery.New(db, subs, articles, engine, NewSender(api, SenderConfig{Token: emu.Token}), delivery.Config{Log: log, Now: clock})
	if err != nil {
		t.Fatal(err)
	}
	b := New(api, Config{Token: emu.Token, DefaultTZ: "UTC"}, subs, svc, log, WithDB(db), WithSearch(svc), WithDigestPages(svc))
	b.RegisterCommands(ctx) // the emulator answers 500: logged, not fatal
	done, delivered := make(chan error, 1), make(chan error, 1)
	go func() { done <- b.Poll(ctx) }()
	go func() { delivered <- svc.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := errors.Join(<-done, <-delivered, svc.Close()); err != nil {
			t.Errorf("Poll/delivery: %v", err)
		}
		if strings.Contains(logs.String(), emu.Token) {
			t.Error("token in logs")
		}
	})
	return e2e{emu: emu, ctx: ctx, subs: subs, articles: articles, svc: svc}
}

// TestEndToEndConversation plays a subscriber against the real client and
// the telegram-test-api emulator, in Arabic and in English: /start → topic
// keyboard → toggle a topic by callback → /time → /timezone → /digest, which
// shows only the chosen topic.
func TestEndToEndConversation(t *testing.T) {
	e := startE2E(t, e2eArticles())
	emu, ctx, subs := e.emu, e.ctx, e.subs

	tests := []struct {
		user                         tgemu.User
		sport, wantStory, notStory   string
		greeting, timeReply, zoneSet string
	}{
		{tgemu.User{ID: 5001, Name: "Sam", LangCode: "en"}, "Sport", "cup final", "interest rates", "Welcome", "07:15", "Europe/Berlin"},
		{tgemu.User{ID: 5002, Name: "ليلى", LangCode: "ar"}, "رياضة", "بكأس البطولة", "الفائدة", "أهلًا", "07:15", "Europe/Berlin"},
	}
	for _, tt := range tests {
		t.Run(tt.user.LangCode, func(t *testing.T) {
			send := func(text string) []tgemu.BotMessage {
				t.Helper()
				if err := emu.SendCommand(ctx, tt.user, text); err != nil {
					t.Fatal(err)
				}
				return emu.WaitMessages(t, tt.user.ID, 1, 20*time.Second)
			}
			welcome := send("/start")
			if !strings.Contains(welcome[0].Text(), tt.greeting) {
				t.Fatalf("/start: %q", welcome[0].Text())
			}
			_, _, markup := welcome[0].Fields()
			data := findButton(t, markup, tt.sport)
			if len(data) > 64 {
				t.Fatalf("callback data %q over 64 bytes", data)
			}
			if err := emu.SendCallback(ctx, tt.user, welcome[0].MessageID, data); err != nil {
				t.Fatal(err)
			}
			waitFor(t, "the topic picker edited with ✅", func() bool {
				return strings.Contains(editedMarkup(t, emu, welcome[0].MessageID), "✅ "+tt.sport)
			})
			if got := joined(send("/time 07:15")); !strings.Contains(got, tt.timeReply) {
				t.Fatalf("/time: %q", got)
			}
			if got := joined(send("/timezone europe/berlin")); !strings.Contains(got, tt.zoneSet) {
				t.Fatalf("/timezone: %q", got)
			}
			got := joined(send("/digest"))
			if !strings.Contains(got, tt.wantStory) || strings.Contains(got, tt.notStory) {
				t.Fatalf("/digest must show only the chosen topic (%q, not %q):\n%s", tt.wantStory, tt.notStory, got)
			}
			if got := joined(send("/digest")); !strings.Contains(got, text(tt.user.LangCode, msgNothingNew)) {
				t.Fatalf("second /digest: %q, want the nothing-new answer", got)
			}
			sub, err := subs.Get(ctx, tt.user.ID)
			if err != nil || !slices.Equal(sub.Topics, []string{"sport"}) || !slices.Equal(sub.Times, []string{"07:15"}) ||
				sub.TimeZone != "Europe/Berlin" || sub.Lang != tt.user.LangCode {
				t.Fatalf("stored subscriber %+v, %v", sub, err)
			}
			due, err := subs.Due(ctx, time.Date(2026, 12, 1, 6, 14, 0, 0, time.UTC), time.Date(2026, 12, 1, 6, 15, 0, 0, time.UTC))
			if err != nil || !slices.Contains(due, tt.user.ID) {
				t.Errorf("07:15 Berlin (06:15 UTC in winter) not due: %v, %v", due, err)
			}
		})
	}
}

func joined(msgs []tgemu.BotMessage) string {
	var parts []string
	for _, m := range msgs {
		parts = append(parts, m.Text())
	}
	return strings.Join(parts, "\n")
}

func findButton(t *testing.T, markup json.RawMessage, label string) string {
	t.Helper()
	var kb tgbotapi.InlineKeyboardMarkup
	if err := json.Unmarshal(markup, &kb); err != nil {
		t.Fatalf("reply_markup %s: %v", markup, err)
	}
	for _, row := range kb.InlineKeyboard {
		for _, b := range row {
			if strings.Contains(b.Text, label) && b.CallbackData != nil {
				return *b.CallbackData
			}
		}
	}
	t.Fatalf("no button %q in %s", label, markup)
	return ""
}

// editedMarkup reads the bot's message from the emulator's history, where
// editMessageText updates it in place.
func editedMarkup(t *testing.T, emu *tgemu.Emulator, messageID int) string {
	t.Helper()
	body := strings.NewReader(fmt.Sprintf(`{"token":%q}`, emu.Token))
	resp, err := http.Post(emu.URL+"/getUpdatesHistory", "application/json", body)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out struct {
		Result []struct {
			MessageID int             `json:"messageId"`
			Message   json.RawMessage `json:"message"`
		} `json:"result"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		t.Fatal(err)
	}
	for _, m := range out.Result {
		if m.MessageID == messageID {
			var f struct {
				ReplyMarkup json.RawMessage `json:"reply_markup"`
			}
			_ = json.Unmarshal(m.Message, &f)
			var s string
			if json.Unmarshal(f.ReplyMarkup, &s) == nil { // stored as a JSON string
				return s
			}
			var kb tgbotapi.InlineKeyboardMarkup
			_ = json.Unmarshal(f.ReplyMarkup, &kb)
			var labels []string
			for _, row := range kb.InlineKeyboard {
				for _, b := range row {
					labels = append(labels, b.Text)
				}
			}
			return strings.Join(labels, "|")
		}
	}
	return ""
}
