package bot

import (
	"context"
	"errors"
	"net/http"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"newsdigest/bot/bottest"
	"newsdigest/delivery"
)

func newTestSender(t *testing.T, fake bottest.Config, cfg SenderConfig, timeout time.Duration) (*Sender, *bottest.Server) {
	t.Helper()
	srv := bottest.New(fake)
	t.Cleanup(srv.Close)
	api, err := tgbotapi.NewBotAPIWithClient(srv.Token(), srv.Endpoint(), &http.Client{Timeout: timeout})
	if err != nil {
		t.Fatalf("client: %v", err)
	}
	cfg.Token = srv.Token()
	return NewSender(api, cfg), srv
}

func TestSenderClassifiesTelegramAnswers(t *testing.T) {
	tests := []struct {
		name  string
		fault bottest.Fault
		check func(error) bool
	}{
		{"blocked", bottest.Fault{Kind: bottest.Blocked}, func(e error) bool { return errors.Is(e, delivery.ErrChatGone) }},
		{"deactivated", bottest.Fault{Kind: bottest.Deactivated}, func(e error) bool { return errors.Is(e, delivery.ErrChatGone) }},
		{"chat not found", bottest.Fault{Kind: bottest.ChatNotFound}, func(e error) bool { return errors.Is(e, delivery.ErrChatGone) }},
		{"migrated", bottest.Fault{Kind: bottest.Migrated, MigrateTo: -100777}, func(e error) bool {
			var m *delivery.MigratedError
			return errors.As(e, &m) && m.To == -100777
		}},
		{"500", bottest.Fault{Kind: bottest.ServerError}, func(e error) bool { return errors.Is(e, delivery.ErrTemporary) }},
		{"502 html page", bottest.Fault{Kind: bottest.ServerError, Code: 502}, func(e error) bool { return errors.Is(e, delivery.ErrTemporary) }},
		{"timeout", bottest.Fault{Kind: bottest.Hang}, func(e error) bool { return errors.Is(e, delivery.ErrTemporary) }},
		{"bad html", bottest.Fault{Kind: bottest.BadHTML}, func(e error) bool { return errors.Is(e, delivery.ErrRejected) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, srv := newTestSender(t, bottest.Config{}, SenderConfig{}, 300*time.Millisecond)
			srv.SetFault(42, tt.fault)
			err := s.Send(context.Background(), delivery.Message{ChatID: 42, Text: "hi"})
			if err == nil || !tt.check(err) {
				t.Fatalf("err = %v, wrong kind", err)
			}
			if strings.Contains(err.Error(), srv.Token()) {
				t.Fatalf("token leaked: %v", err)
			}
		})
	}
}

func TestSenderNeverLeaksTokenOnNetworkErrors(t *testing.T) {
	s, srv := newTestSender(t, bottest.Config{}, SenderConfig{}, time.Second)
	srv.Close()
	err := s.Send(context.Background(), delivery.Message{ChatID: 1, Text: "hi"})
	if !errors.Is(err, delivery.ErrTemporary) {
		t.Fatalf("err = %v, want temporary", err)
	}
	if strings.Contains(err.Error(), srv.Token()) || !strings.Contains(err.Error(), "<token>") {
		t.Fatalf("error not redacted: %v", err)
	}
}

func TestSenderReturnsRetryAfterAndPausesTheChat(t *testing.T) {
	// The sender believes 100/s per chat is fine; Telegram allows 1/s.
	s, srv := newTestSender(t, bottest.Config{PrivateBurst: 1}, SenderConfig{PrivateRate: 100}, time.Second)
	ctx := context.Background()
	if err := s.Send(ctx, delivery.Message{ChatID: 5, Text: "one"}); err != nil {
		t.Fatal(err)
	}
	err := s.Send(ctx, delivery.Message{ChatID: 5, Text: "two"})
	var ra *delivery.RetryAfterError
	if !errors.As(err, &ra) || ra.After < time.Second {
		t.Fatalf("err = %v, want retry after ≥ 1s", err)
	}
	if err := s.Send(ctx, delivery.Message{ChatID: 5, Text: "two"}); err != nil {
		t.Fatalf("after waiting out retry_after: %v", err)
	}
	if got := srv.SentTo(5); len(got) != 2 || got[1].Text != "two" || srv.TooMany() != 1 {
		t.Fatalf("sent %+v with %d 429s, want one, two and a single 429", got, srv.TooMany())
	}
}

// sendAll sends msgs concurrently and returns the errors.
func sendAll(s *Sender, msgs []delivery.Message) []error {
	var wg sync.WaitGroup
	errs := make([]error, len(msgs))
	for i, m := range msgs {
		wg.Go(func() { errs[i] = s.Send(context.Background(), m) })
	}
	wg.Wait()
	return errs
}

func TestSenderStaysWithinTelegramLimits(t *testing.T) {
	tests := []struct {
		name string
		fake bottest.Config
		cfg  SenderConfig
		msgs func(i int) delivery.Message
	}{
		{"one private chat", bottest.Config{PrivateRate: 20, PrivateBurst: 2}, SenderConfig{PrivateRate: 20},
			func(int) delivery.Message { return delivery.Message{ChatID: 9, Text: "x"} }},
		{"one group", bottest.Config{GroupPerMinute: 1200, GroupBurst: 2}, SenderConfig{GroupPerMinute: 1200},
			func(int) delivery.Message { return delivery.Message{ChatID: -9, Text: "x"} }},
		{"many chats", bottest.Config{GlobalRate: 50, GlobalBurst: 3}, SenderConfig{GlobalRate: 50},
			func(i int) delivery.Message { return delivery.Message{ChatID: int64(i + 1), Text: "x"} }},
		{"paid broadcast", bottest.Config{GlobalRate: 5, GlobalBurst: 1, PaidRate: 60}, SenderConfig{PaidBroadcast: true, GlobalRate: 60},
			func(i int) delivery.Message { return delivery.Message{ChatID: int64(i + 1), Text: "x"} }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, srv := newTestSender(t, tt.fake, tt.cfg, 5*time.Second)
			msgs := make([]delivery.Message, 20)
			for i := range msgs {
				msgs[i] = tt.msgs(i)
			}
			for i, err := range sendAll(s, msgs) {
				if err != nil {
					t.Errorf("message %d: %v", i, err)
				}
			}
			if srv.SentCount() != 20 || srv.TooMany() != 0 {
				t.Fatalf("delivered %d with %d 429s, want 20 and none", srv.SentCount(), srv.TooMany())
			}
			if tt.cfg.PaidBroadcast != srv.Sent()[0].Paid {
				t.Fatalf("allow_paid_broadcast = %v, want %v", srv.Sent()[0].Paid, tt.cfg.PaidBroadcast)
			}
		})
	}
}

func TestInteractiveGoesAheadOfBulk(t *testing.T) {
	const inFlight = 4
	s, srv := newTestSender(t, bottest.Config{GlobalRate: 50, GlobalBurst: 10}, SenderConfig{GlobalRate: 50, InFlight: inFlight}, 5*time.Second)
	bulk := make([]delivery.Message, 60)
	for i := range bulk {
		bulk[i] = delivery.Message{ChatID: int64(1000 + i), Text: "bulk"}
	}
	done := make(chan []error)
	go func() { done <- sendAll(s, bulk) }()
	for srv.SentCount() < 5 {
		time.Sleep(5 * time.Millisecond)
	}
	before := srv.SentCount()
	if err := s.Send(context.Background(), delivery.Message{ChatID: 7, Text: "/digest reply", Interactive: true}); err != nil {
		t.Fatal(err)
	}
	for i, err := range <-done {
		if err != nil {
			t.Errorf("bulk %d: %v", i, err)
		}
	}
	got := srv.SentTo(7)
	if len(got) != 1 || got[0].Seq > before+inFlight+2 {
		t.Fatalf("interactive reply accepted at position %d of %d (asked after %d); want right after the bulk requests already on the wire", got[0].Seq, srv.SentCount(), before)
	}
}

func TestSenderConfigFromEnv(t *testing.T) {
	tests := []struct {
		env      string
		wantRate float64
		wantPaid bool
		wantErr  bool
	}{
		{"", 30, false, false},
		{"0", 30, false, false},
		{"1", MaxPaidRate, true, false},
		{"true", MaxPaidRate, true, false},
		{"yes please", 0, false, true},
	}
	for _, tt := range tests {
		cfg, err := SenderConfigFromEnv("tok", func(k string) string {
			if k == EnvPaidBroadcast {
				return tt.env
			}
			return ""
		})
		if (err != nil) != tt.wantErr {
			t.Errorf("%s=%q: err = %v", EnvPaidBroadcast, tt.env, err)
			continue
		}
		if err != nil {
			if !strings.Contains(err.Error(), EnvPaidBroadcast) {
				t.Errorf("error %q does not name the variable", err)
			}
			continue
		}
		if cfg.GlobalRate != tt.wantRate || cfg.PaidBroadcast != tt.wantPaid || cfg.Token != "tok" {
			t.Errorf("%s=%q: %+v", EnvPaidBroadcast, tt.env, cfg)
		}
	}
}

func TestSenderKeepsConnectionsAlive(t *testing.T) {
	srv := bottest.New(bottest.Config{GlobalRate: 2000})
	t.Cleanup(srv.Close)
	// A client as NewAPI builds it: default transport, two idle connections per host.
	api, err := tgbotapi.NewBotAPIWithClient(srv.Token(), srv.Endpoint(), &http.Client{Timeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	s := NewSender(api, SenderConfig{Token: srv.Token(), GlobalRate: 2000, InFlight: 8})
	msgs := make([]delivery.Message, 300)
	for i := range msgs {
		msgs[i] = delivery.Message{ChatID: int64(i + 1), Text: "x"}
	}
	for i, err := range sendAll(s, msgs) {
		if err != nil {
			t.Fatalf("message %d: %v", i, err)
		}
	}
	// Reuse means a handful of connections, not one per message. The bound
	// leaves room for the few a loaded machine opens when a response is
	// read after the next request already dialled (the pool keeps only
	// MaxIdleConnsPerHost idle ones); a client that reconnects opens ~300.
	if n := srv.Connections(); n > 2*(8+interactiveSlots) {
		t.Fatalf("%d connections for 300 messages with 8 in flight; the client reconnects instead of reusing", n)
	}
}

// TestSenderSendsTheKeyboard sends a message with two rows of callback
// buttons: they reach Telegram as reply_markup, row by row, and a message
// without buttons carries none.
func TestSenderSendsTheKeyboard(t *testing.T) {
	s, srv := newTestSender(t, bottest.Config{}, SenderConfig{}, 5*time.Second)
	kb := [][]delivery.Button{{{Text: "More (3)", Data: "m:abc:1"}}, {{Text: "👍", Data: "f:1:+"}, {Text: "👎", Data: "f:1:-"}}}
	ctx := context.Background()
	if err := s.Send(ctx, delivery.Message{ChatID: 42, Text: "<b>digest</b>", ParseMode: "HTML", Buttons: kb}); err != nil {
		t.Fatal(err)
	}
	if err := s.Send(ctx, delivery.Message{ChatID: 42, Text: "plain"}); err != nil {
		t.Fatal(err)
	}
	got := srv.SentTo(42)
	want := [][]bottest.Button{{{Text: "More (3)", Data: "m:abc:1"}}, {{Text: "👍", Data: "f:1:+"}, {Text: "👎", Data: "f:1:-"}}}
	if len(got) != 2 || !reflect.DeepEqual(got[0].Buttons, want) || got[1].Buttons != nil {
		t.Fatalf("sent %+v, want the first with keyboard %v and the second with none", got, want)
	}
}
