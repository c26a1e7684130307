// Package tgemu runs the telegram-test-api Bot API emulator (an npm package,
// installed in e2e/ by `make test`) for end-to-end tests, and plays Telegram
// users against it.
package tgemu

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// Emulator is a running telegram-test-api server.
type Emulator struct {
	URL    string // http://127.0.0.1:PORT
	Token  string // the bot token tests use
	client *http.Client
}

// Token is a well-formed fake bot token.
const Token = "123456789:AAtestTOKENforTheEmulator_only-0123456789"

// Start launches the emulator and stops it when the test ends. Without node
// the test is skipped; with node but without the npm package installed it
// fails, because `make test` always installs it.
func Start(t testing.TB) *Emulator {
	t.Helper()
	node, err := exec.LookPath("node")
	if err != nil {
		t.Skip("node is not installed: the telegram-test-api end-to-end test needs Node.js")
	}
	dir := e2eDir(t)
	if _, err := os.Stat(filepath.Join(dir, "node_modules", "telegram-test-api")); err != nil {
		t.Fatalf("telegram-test-api is not installed in %s: run `make test` (or `npm ci --prefix e2e`)", dir)
	}
	cmd := exec.Command(node, filepath.Join(dir, "emulator.js"))
	cmd.Dir = dir
	stdin, _ := cmd.StdinPipe()
	stdout, _ := cmd.StdoutPipe()
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatalf("start emulator: %v", err)
	}
	t.Cleanup(func() { _ = stdin.Close(); _ = cmd.Process.Kill(); _ = cmd.Wait() })
	port, err := readPort(stdout)
	if err != nil {
		t.Fatalf("emulator did not start: %v", err)
	}
	return &Emulator{URL: "http://127.0.0.1:" + port, Token: Token, client: &http.Client{Timeout: 10 * time.Second}}
}

func readPort(r interface{ Read([]byte) (int, error) }) (string, error) {
	lines := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(r)
		for sc.Scan() {
			if p, ok := strings.CutPrefix(sc.Text(), "LISTENING "); ok {
				lines <- p
				return
			}
		}
		close(lines)
	}()
	select {
	case p, ok := <-lines:
		if !ok {
			return "", fmt.Errorf("emulator exited before listening")
		}
		return p, nil
	case <-time.After(30 * time.Second):
		return "", fmt.Errorf("no LISTENING line within 30 s")
	}
}

// e2eDir is the repository's e2e/ folder, found from the test's directory.
func e2eDir(t testing.TB) string {
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for dir := wd; ; dir = filepath.Dir(dir) {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return filepath.Join(dir, "e2e")
		}
		if filepath.Dir(dir) == dir {
			t.Fatal("no go.mod above the test directory")
		}
	}
}

// Endpoint is the Bot API URL pattern to give the bot (TELEGRAM_API_ENDPOINT).
func (e *Emulator) Endpoint() string { return e.URL + "/bot%s/%s" }

// User is a simulated Telegram user in a private chat.
type User struct {
	ID       int64
	Name     string
	LangCode string // Telegram language_code, e.g. "ar"
}

func (u User) from() map[string]any {
	return map[string]any{"id": u.ID, "is_bot": false, "first_name": u.Name, "language_code": u.LangCode}
}

func (u User) chat() map[string]any {
	return map[string]any{"id": u.ID, "type": "private", "first_name": u.Name}
}

// SendCommand makes the user send a command such as "/start" to the bot.
func (e *Emulator) SendCommand(ctx context.Context, u User, text string) error {
	cmdLen := len(strings.Fields(text)[0])
	body := map[string]any{
		"botToken": e.Token, "from": u.from(), "chat": u.chat(), "date": time.Now().Unix(), "text": text,
		"entities": []map[string]any{{"offset": 0, "length": cmdLen, "type": "bot_command"}},
	}
	return e.post(ctx, "/sendCommand", body, nil)
}

// SendCallback makes the user press an inline button with callback data on
// the bot's message messageID.
func (e *Emulator) SendCallback(ctx context.Context, u User, messageID int, data string) error {
	body := map[string]any{"botToken": e.Token, "from": u.from(), "data": data,
		"message": map[string]any{"message_id": messageID, "chat": u.chat(), "date": time.Now().Unix()}}
	return e.post(ctx, "/sendCallback", body, nil)
}

// PressButton makes the user press the inline button with callback data
// under the bot's message m. As in Telegram, the press carries the
// message with its keyboard, so the bot can see which button it was.
func (e *Emulator) PressButton(ctx context.Context, u User, m BotMessage, data string) error {
	msg := map[string]any{"message_id": m.MessageID, "chat": u.chat(), "date": time.Now().Unix()}
	if _, _, markup := m.Fields(); len(markup) > 0 {
		var s string
		if json.Unmarshal(markup, &s) == nil { // stored as the JSON string the bot sent
			markup = json.RawMessage(s)
		}
		msg["reply_markup"] = markup
	}
	body := map[string]any{"botToken": e.Token, "from": u.from(), "data": data, "message": msg}
	return e.post(ctx, "/sendCallback", body, nil)
}

// BotMessage is one message the bot sent, as the emulator stored it.
type BotMessage struct {
	MessageID int             `json:"messageId"`
	Message   json.RawMessage `json:"message"`
}

// Fields decodes the stored sendMessage parameters.
func (m BotMessage) Fields() (text, parseMode string, replyMarkup json.RawMessage) {
	var f struct {
		Text        string          `json:"text"`
		ParseMode   string          `json:"parse_mode"`
		ReplyMarkup json.RawMessage `json:"reply_markup"`
	}
	_ = json.Unmarshal(m.Message, &f)
	return f.Text, f.ParseMode, f.ReplyMarkup
}

// Text is the message's text.
func (m BotMessage) Text() string { t, _, _ := m.Fields(); return t }

// TakeMessages returns the bot's messages to chatID not taken before.
func (e *Emulator) TakeMessages(ctx context.Context, chatID int64) ([]BotMessage, error) {
	var resp struct {
		Result []BotMessage `json:"result"`
	}
	err := e.post(ctx, "/getUpdates", map[string]any{"token": e.Token, "chatId": chatID}, &resp)
	return resp.Result, err
}

// WaitMessages collects the bot's new messages to chatID until at least n
// arrived, then keeps listening for quiet so that extra (duplicate) messages
// are caught too. It fails the test if fewer than n arrive within timeout.
func (e *Emulator) WaitMessages(t testing.TB, chatID int64, n int, timeout time.Duration) []BotMessage {
	t.Helper()
	const quiet = 700 * time.Millisecond
	var got []BotMessage
	deadline := time.Now().Add(timeout)
	var lastNew time.Time
	for time.Now().Before(deadline) {
		msgs, err := e.TakeMessages(context.Background(), chatID)
		if err != nil {
			t.Fatalf("emulator getUpdates: %v", err)
		}
		if len(msgs) > 0 {
			got, lastNew = append(got, msgs...), time.Now()
		}
		if len(got) >= n && time.Since(lastNew) >= quiet {
			return got
		}
		time.Sleep(100 * time.Millisecond)
	}
	if len(got) < n {
		t.Fatalf("chat %d: got %d bot messages within %v, want at least %d: %s", chatID, len(got), timeout, n, texts(got))
	}
	return got
}

// Quiet asserts that the bot sends chatID nothing during d.
func (e *Emulator) Quiet(t testing.TB, chatID int64, d time.Duration) {
	t.Helper()
	time.Sleep(d)
	msgs, err := e.TakeMessages(context.Background(), chatID)
	if err != nil {
		t.Fatalf("emulator getUpdates: %v", err)
	}
	if len(msgs) > 0 {
		t.Fatalf("chat %d: want no message, got %d: %s", chatID, len(msgs), texts(msgs))
	}
}

func texts(msgs []BotMessage) string {
	var b strings.Builder
	for _, m := range msgs {
		fmt.Fprintf(&b, "\n--- %q", m.Text())
	}
	return b.String()
}

func (e *Emulator) post(ctx context.Context, path string, body, out any) error {
	buf, err := json.Marshal(body)
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, e.URL+path, bytes.NewReader(buf))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := e.client.Do(req)
	if err != nil {
		return fmt.Errorf("emulator %s: %w", path, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("emulator %s: HTTP %d", path, resp.StatusCode)
	}
	if out == nil {
		return nil
	}
	return json.NewDecoder(resp.Body).Decode(out)
}
