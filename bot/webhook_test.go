package bot

import (
	"bytes"
	"context"
	"encoding/json"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

func updateJSON(t *testing.T, userID int64, text string) []byte {
	t.Helper()
	data, err := json.Marshal(tgbotapi.Update{UpdateID: 1, Message: &tgbotapi.Message{
		MessageID: 1, From: &tgbotapi.User{ID: userID, LanguageCode: "en"},
		Chat: &tgbotapi.Chat{ID: userID, Type: "private"}, Text: text,
	}})
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func TestWebhookSecret(t *testing.T) {
	tests := []struct {
		name   string
		header string
		set    bool
		body   string
		want   int
		reply  bool
	}{
		{"right secret", "s3cret-token", true, "", http.StatusOK, true},
		{"wrong secret", "s3cret-tokem", true, "", http.StatusUnauthorized, false},
		{"prefix of secret", "s3cret", true, "", http.StatusUnauthorized, false},
		{"empty header", "", true, "", http.StatusUnauthorized, false},
		{"no header", "", false, "", http.StatusUnauthorized, false},
		{"right secret, junk body", "s3cret-token", true, "{not json", http.StatusBadRequest, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t)
			srv := httptest.NewServer(h.bot.WebhookHandler(context.Background(), "s3cret-token"))
			defer srv.Close()
			body := updateJSON(t, 70, "/help")
			if tt.body != "" {
				body = []byte(tt.body)
			}
			req, _ := http.NewRequest(http.MethodPost, srv.URL, bytes.NewReader(body))
			if tt.set {
				req.Header.Set(SecretHeader, tt.header)
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != tt.want {
				t.Errorf("status %d, want %d", resp.StatusCode, tt.want)
			}
			if got := len(h.fake.SentTo(70)) > 0; got != tt.reply {
				t.Errorf("update handled = %v, want %v", got, tt.reply)
			}
		})
	}
}

// TestWebhookModeThenBackToPolling: webhook mode registers the URL with a
// secret_token and serves updates; a later polling run removes the webhook.
func TestWebhookModeThenBackToPolling(t *testing.T) {
	h := newHarness(t, func(c *Config) { c.WebhookURL = "https://bot.example.org/tg/hook" })
	h.bot.now = time.Now
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- h.bot.serveWebhookOn(ctx, ln) }()
	waitFor(t, "setWebhook", func() bool { return len(h.rec.Calls("setWebhook")) == 1 })
	call := h.rec.Calls("setWebhook")[0]
	secret := call.Params.Get("secret_token")
	if call.Params.Get("url") != "https://bot.example.org/tg/hook" || len(secret) < 32 {
		t.Fatalf("setWebhook params = %v", call.Params)
	}
	if h.fake.Webhook() != "https://bot.example.org/tg/hook" {
		t.Errorf("fake API webhook = %q", h.fake.Webhook())
	}
	post := func(path, secret string) int {
		req, _ := http.NewRequest(http.MethodPost, "http://"+ln.Addr().String()+path, bytes.NewReader(updateJSON(t, 71, "/help")))
		req.Header.Set(SecretHeader, secret)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if code := post("/tg/hook", secret); code != http.StatusOK || len(h.fake.SentTo(71)) != 1 {
		t.Errorf("webhook with the registered secret: %d, replies %d", code, len(h.fake.SentTo(71)))
	}
	if code := post("/tg/hook", strings.Repeat("x", len(secret))); code != http.StatusUnauthorized {
		t.Errorf("webhook with another secret: %d", code)
	}
	if code := post("/elsewhere", secret); code != http.StatusNotFound {
		t.Errorf("webhook on another path: %d", code)
	}
	cancel()
	if err := <-done; err != nil {
		t.Errorf("ServeWebhook: %v", err)
	}

	h.bot.cfg.WebhookURL = ""
	stop := runPoll(t, h.bot)
	waitFor(t, "deleteWebhook", func() bool { return len(h.rec.Calls("deleteWebhook")) == 1 })
	stop()
	if h.fake.Webhook() != "" {
		t.Errorf("webhook still set after switching to polling: %q", h.fake.Webhook())
	}
}

// TestWebhookDuringShutdownAsksForRedelivery: an update whose handling was
// cut short by shutdown is answered 503, so Telegram sends it again.
func TestWebhookDuringShutdownAsksForRedelivery(t *testing.T) {
	h := newHarness(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	srv := httptest.NewServer(h.bot.WebhookHandler(ctx, "s"))
	defer srv.Close()
	req, _ := http.NewRequest(http.MethodPost, srv.URL, bytes.NewReader(updateJSON(t, 72, "/help")))
	req.Header.Set(SecretHeader, "s")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusServiceUnavailable {
		t.Errorf("status %d during shutdown, want 503", resp.StatusCode)
	}
}
