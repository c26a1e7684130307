package bottest

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

func newClient(t *testing.T, s *Server, timeout time.Duration) *tgbotapi.BotAPI {
	t.Helper()
	bot, err := tgbotapi.NewBotAPIWithClient(s.Token(), s.Endpoint(), &http.Client{Timeout: timeout})
	if err != nil {
		t.Fatalf("client: %v", err)
	}
	return bot
}

func start(t *testing.T, cfg Config) (*Server, *tgbotapi.BotAPI) {
	t.Helper()
	s := New(cfg)
	t.Cleanup(s.Close)
	return s, newClient(t, s, 5*time.Second)
}

func TestRecordsAcceptedMessagesInOrder(t *testing.T) {
	s, bot := start(t, Config{})
	for i, chat := range []int64{1, 2, 3} {
		m := tgbotapi.NewMessage(chat, strings.Repeat("x", i+1))
		m.ParseMode = "HTML"
		got, err := bot.Send(m)
		if err != nil {
			t.Fatalf("send %d: %v", chat, err)
		}
		if got.Chat.ID != chat || got.MessageID != 1 {
			t.Errorf("reply = chat %d id %d, want chat %d id 1", got.Chat.ID, got.MessageID, chat)
		}
	}
	sent := s.Sent()
	if len(sent) != 3 {
		t.Fatalf("recorded %d messages, want 3", len(sent))
	}
	for i, m := range sent {
		if m.Seq != i+1 || m.ChatID != int64(i+1) || m.Text != strings.Repeat("x", i+1) || m.ParseMode != "HTML" {
			t.Errorf("sent[%d] = %+v", i, m)
		}
	}
}

func TestAcceptsJSONBodies(t *testing.T) {
	s, _ := start(t, Config{})
	body, _ := json.Marshal(map[string]any{"chat_id": 42, "text": "سلام", "parse_mode": "HTML"})
	resp, err := http.Post(s.URL()+"/bot"+s.Token()+"/sendMessage", "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if got := s.SentTo(42); len(got) != 1 || got[0].Text != "سلام" || got[0].ParseMode != "HTML" {
		t.Fatalf("SentTo(42) = %+v, want the JSON message", got)
	}
}

func TestRejectsWrongTokenAndBadText(t *testing.T) {
	s, bot := start(t, Config{})
	if _, err := tgbotapi.NewBotAPIWithClient("1:wrong", s.Endpoint(), http.DefaultClient); err == nil {
		t.Error("wrong token accepted")
	}
	if _, err := bot.Send(tgbotapi.NewMessage(1, strings.Repeat("ع", 4097))); err == nil {
		t.Error("4097-character message accepted")
	}
	if _, err := bot.Send(tgbotapi.NewMessage(1, strings.Repeat("😀", 2048))); err != nil {
		t.Errorf("4096 UTF-16 units rejected: %v", err)
	}
	if s.SentCount() != 1 {
		t.Errorf("recorded %d messages, want 1", s.SentCount())
	}
}

// floodTest sends n messages at once and reports how many Telegram refused.
func flood(t *testing.T, bot *tgbotapi.BotAPI, n int, chat func(i int) int64, paid bool) (ok, refused int) {
	t.Helper()
	for i := range n {
		p := tgbotapi.Params{"chat_id": "0", "text": "x"}
		p.AddNonZero64("chat_id", chat(i))
		if paid {
			p["allow_paid_broadcast"] = "true"
		}
		_, err := bot.MakeRequest("sendMessage", p)
		var te *tgbotapi.Error
		switch {
		case err == nil:
			ok++
		case errors.As(err, &te) && te.Code == 429 && te.RetryAfter >= 1 && strings.HasPrefix(te.Message, "Too Many Requests: retry after"):
			refused++
		default:
			t.Fatalf("send %d: %v", i, err)
		}
	}
	return ok, refused
}

func TestFloodLimits(t *testing.T) {
	tests := []struct {
		name      string
		cfg       Config
		chat      func(int) int64
		paid      bool
		wantOK    int
		wantRefus int
	}{
		{"private chat about 1/s", Config{}, func(int) int64 { return 7 }, false, 3, 7},
		{"group 20/min", Config{GroupBurst: 2}, func(int) int64 { return -100 }, false, 2, 8},
		{"bot overall", Config{GlobalRate: 5, GlobalBurst: 4}, func(i int) int64 { return int64(i + 1) }, false, 4, 6},
		{"paid broadcast lifts the bot limit", Config{GlobalRate: 5, GlobalBurst: 4}, func(i int) int64 { return int64(i + 1) }, true, 10, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, bot := start(t, tt.cfg)
			ok, refused := flood(t, bot, 10, tt.chat, tt.paid)
			if ok != tt.wantOK || refused != tt.wantRefus {
				t.Errorf("accepted %d refused %d, want %d and %d", ok, refused, tt.wantOK, tt.wantRefus)
			}
			if s.TooMany() != refused || s.SentCount() != ok {
				t.Errorf("server counted 429s=%d sent=%d, want %d and %d", s.TooMany(), s.SentCount(), refused, ok)
			}
		})
	}
}

func TestFaults(t *testing.T) {
	tests := []struct {
		fault    Fault
		wantCode int
		check    func(*tgbotapi.Error) bool
	}{
		{Fault{Kind: Blocked}, 403, func(e *tgbotapi.Error) bool { return strings.Contains(e.Message, "blocked") }},
		{Fault{Kind: Deactivated}, 403, func(e *tgbotapi.Error) bool { return strings.Contains(e.Message, "deactivated") }},
		{Fault{Kind: ChatNotFound}, 400, func(e *tgbotapi.Error) bool { return strings.Contains(e.Message, "chat not found") }},
		{Fault{Kind: BadHTML}, 400, func(e *tgbotapi.Error) bool { return strings.Contains(e.Message, "parse entities") }},
		{Fault{Kind: Migrated, MigrateTo: -1009}, 400, func(e *tgbotapi.Error) bool { return e.MigrateToChatID == -1009 }},
		{Fault{Kind: ServerError, Code: 503}, 503, func(e *tgbotapi.Error) bool { return true }},
	}
	for _, tt := range tests {
		s, bot := start(t, Config{})
		s.SetFault(5, tt.fault)
		_, err := bot.Send(tgbotapi.NewMessage(5, "hi"))
		var te *tgbotapi.Error
		if !errors.As(err, &te) || te.Code != tt.wantCode || !tt.check(te) {
			t.Errorf("fault %+v: err = %#v, want code %d", tt.fault, err, tt.wantCode)
		}
		if s.SentCount() != 0 {
			t.Errorf("fault %+v: message recorded", tt.fault)
		}
	}
}

func TestFaultTimesThenRecovers(t *testing.T) {
	s, bot := start(t, Config{PrivateBurst: 10})
	s.SetFault(5, Fault{Kind: ServerError, Code: 502, Times: 2})
	var errs int
	for range 3 {
		if _, err := bot.Send(tgbotapi.NewMessage(5, "hi")); err != nil {
			errs++
		}
	}
	if errs != 2 || s.SentCount() != 1 {
		t.Fatalf("errors=%d sent=%d, want 2 failures then 1 delivery", errs, s.SentCount())
	}
}

func TestHangUntilClientGivesUpAndLatency(t *testing.T) {
	s := New(Config{})
	t.Cleanup(s.Close)
	bot := newClient(t, s, 200*time.Millisecond)
	s.SetFault(5, Fault{Kind: Hang})
	if _, err := bot.Send(tgbotapi.NewMessage(5, "hi")); err == nil {
		t.Fatal("hanging request returned without error")
	}
	s.SetFault(6, Fault{Kind: Latency, Delay: 50 * time.Millisecond})
	begin := time.Now()
	if _, err := bot.Send(tgbotapi.NewMessage(6, "hi")); err != nil {
		t.Fatalf("slow request: %v", err)
	}
	if time.Since(begin) < 50*time.Millisecond || len(s.SentTo(6)) != 1 {
		t.Fatal("latency fault did not delay or lost the message")
	}
	if len(s.SentTo(5)) != 0 {
		t.Fatal("hung message recorded")
	}
}

func TestGetUpdatesHonoursOffsetAndTimeout(t *testing.T) {
	s, bot := start(t, Config{})
	first := s.PushText(10, "ar", "/start")
	s.PushText(10, "ar", "/digest")
	ups, err := bot.GetUpdates(tgbotapi.UpdateConfig{Offset: 0, Limit: 1})
	if err != nil || len(ups) != 1 || ups[0].UpdateID != first || !ups[0].Message.IsCommand() || ups[0].Message.Command() != "start" {
		t.Fatalf("first poll = %+v, %v", ups, err)
	}
	ups, _ = bot.GetUpdates(tgbotapi.UpdateConfig{Offset: first + 1})
	if len(ups) != 1 || ups[0].Message.Text != "/digest" || s.Unconfirmed() != 1 {
		t.Fatalf("after confirming the first: %+v, unconfirmed %d", ups, s.Unconfirmed())
	}
	go func() {
		time.Sleep(100 * time.Millisecond)
		s.PushText(11, "en", "hello")
	}()
	ups, _ = bot.GetUpdates(tgbotapi.UpdateConfig{Offset: ups[0].UpdateID + 1, Timeout: 5})
	if len(ups) != 1 || ups[0].Message.Text != "hello" {
		t.Fatalf("long poll = %+v, want the update pushed while waiting", ups)
	}
}

func TestOtherMethods(t *testing.T) {
	s, bot := start(t, Config{})
	s.SetAdmins(-5, 1, 2)
	s.SetMember(-5, 3, "left")
	admins, err := bot.GetChatAdministrators(tgbotapi.ChatAdministratorsConfig{ChatConfig: tgbotapi.ChatConfig{ChatID: -5}})
	if err != nil || len(admins) != 2 || admins[1].User.ID != 2 || !admins[0].IsAdministrator() {
		t.Errorf("admins = %+v, %v", admins, err)
	}
	m, err := bot.GetChatMember(tgbotapi.GetChatMemberConfig{ChatConfigWithUser: tgbotapi.ChatConfigWithUser{ChatID: -5, UserID: 3}})
	if err != nil || m.Status != "left" {
		t.Errorf("member = %+v, %v", m, err)
	}
	if _, err := bot.Request(tgbotapi.NewSetMyCommands(tgbotapi.BotCommand{Command: "digest", Description: "digest now"})); err != nil || !strings.Contains(string(s.Commands()), "digest") {
		t.Errorf("setMyCommands: %v, stored %s", err, s.Commands())
	}
	if _, err := bot.Request(tgbotapi.NewEditMessageText(1, 9, "new")); err != nil || len(s.Edits()) != 1 || s.Edits()[0].Text != "new" {
		t.Errorf("edit: %v %+v", err, s.Edits())
	}
	if _, err := bot.Request(tgbotapi.NewCallback("cb1", "ok")); err != nil || s.Answers()[0] != "cb1" {
		t.Errorf("answerCallbackQuery: %v %v", err, s.Answers())
	}
	if _, err := bot.Request(tgbotapi.DeleteWebhookConfig{}); err != nil {
		t.Errorf("deleteWebhook: %v", err)
	}
	doc := tgbotapi.NewDocument(1, tgbotapi.FileBytes{Name: "stats.csv", Bytes: []byte("a,b\n")})
	doc.Caption = "stats"
	if _, err := bot.Send(doc); err != nil || s.SentTo(1)[0].Document != "stats.csv" || s.SentTo(1)[0].Text != "stats" {
		t.Errorf("sendDocument: %v %+v", err, s.SentTo(1))
	}
}
