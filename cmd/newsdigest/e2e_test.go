package main

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"newsdigest/internal/tgemu"
)

const seedLead = "قالت أربعة مصادر عراقية إن العراق يريد أن تبدأ قوات التحالف"

// syncBuffer collects the service's logs from several goroutines.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// startService runs the whole service against the emulator, with the seeds
// in seedsDir, until the test ends.
func startService(t *testing.T, emu *tgemu.Emulator, seedsDir string) *Main {
	t.Helper()
	return serve(t, emu.Token, []string{
		"TELEGRAM_API_ENDPOINT=" + emu.Endpoint(),
		"NEWSDIGEST_SEEDS_DIR=" + seedsDir,
		"NEWSDIGEST_HTTP_ADDR=127.0.0.1:0",
	})
}

// serve runs the service with the given token and environment (plus a
// fresh database and debug logs) until the test ends, and returns once the
// ingest at start is done. At the end it checks a clean shutdown and that
// the token never reached the logs.
func serve(t *testing.T, token string, env []string) *Main {
	t.Helper()
	m, _ := serveLogged(t, token, env)
	return m
}

// serveLogged is serve that also returns the service's logs.
func serveLogged(t *testing.T, token string, env []string) (*Main, *syncBuffer) {
	t.Helper()
	env = append([]string{"TELEGRAM_BOT_TOKEN=" + token, "NEWSDIGEST_LOG_LEVEL=debug",
		"NEWSDIGEST_DB=" + filepath.Join(t.TempDir(), "service.db")}, env...)
	cfg, _, err := loadConfig("run", env, nil, os.Stderr)
	if err != nil {
		t.Fatal(err)
	}
	logs := &syncBuffer{}
	ctx, cancel := context.WithCancel(context.Background())
	m, err := NewMain(ctx, cfg, slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug})))
	if err != nil {
		cancel()
		t.Fatalf("NewMain: %v", err)
	}
	done := make(chan error, 1)
	go func() { done <- m.Run(ctx) }()
	<-m.firstIngest
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("Run: %v", err)
			}
		case <-time.After(15 * time.Second):
			t.Error("Run did not return within 15 s of shutdown")
		}
		if err := m.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
		if strings.Contains(logs.String(), token) {
			t.Error("the bot token appears in the logs")
		}
	})
	return m, logs
}

func copySeed(t *testing.T, dir string) {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "..", "seeds", "000_683981210742a10c.txt"))
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, dir, "000_683981210742a10c.txt", string(data))
}

func writeFile(t *testing.T, dir, name, content string) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

func joined(msgs []tgemu.BotMessage) string {
	var parts []string
	for _, m := range msgs {
		parts = append(parts, m.Text())
	}
	return strings.Join(parts, "\n")
}

// TestEndToEnd plays a subscriber against the real client and the
// telegram-test-api emulator: subscribe, read the digest, get a scheduled
// push exactly once, unsubscribe and get nothing more.
func TestEndToEnd(t *testing.T) {
	emu := tgemu.Start(t)
	seedsDir := t.TempDir()
	copySeed(t, seedsDir)
	m := startService(t, emu, seedsDir)
	ctx := context.Background()
	user := tgemu.User{ID: 4242, Name: "Layla", LangCode: "ar"}

	if err := emu.SendCommand(ctx, user, "/start"); err != nil {
		t.Fatal(err)
	}
	welcome := joined(emu.WaitMessages(t, user.ID, 1, 20*time.Second))
	if !strings.Contains(welcome, "أهلًا") {
		t.Fatalf("/start from an Arabic user: want an Arabic welcome, got %q", welcome)
	}

	if err := emu.SendCommand(ctx, user, "/digest"); err != nil {
		t.Fatal(err)
	}
	got := joined(emu.WaitMessages(t, user.ID, 1, 20*time.Second))
	if !strings.Contains(got, seedLead) {
		t.Fatalf("/digest: want the seed's lead sentence, got %q", got)
	}
	if strings.Contains(got, "بغداد-") {
		t.Fatalf("/digest: the dateline leaked into the digest: %q", got)
	}

	// The next article is one outlet's English story: Layla asks for
	// stories in both languages with the /settings button (the default
	// leaves such a story out of an Arabic reader's digest).
	chooseBothLanguages(ctx, t, emu, user)

	// A new article arrives; the push sends it exactly once and does not
	// repeat the story the user already read.
	writeFile(t, seedsDir, "001_new.txt", "WASHINGTON (Reuters) -\nThe central bank raised interest rates by half a point on Tuesday, citing stubborn inflation.\nMarkets fell after the announcement.\n")
	push(t, m, user.ID, 1)
	pushed := emu.WaitMessages(t, user.ID, 1, 10*time.Second)
	if len(pushed) != 1 || !strings.Contains(pushed[0].Text(), "central bank raised interest rates") {
		t.Fatalf("push: want exactly one digest with the new article, got %d: %q", len(pushed), joined(pushed))
	}
	if strings.Contains(joined(pushed), seedLead) || strings.Contains(joined(pushed), "WASHINGTON") {
		t.Fatalf("push repeated a story the user already had, or leaked a dateline: %q", joined(pushed))
	}
	push(t, m, user.ID, 0)
	emu.Quiet(t, user.ID, time.Second)

	if err := emu.SendCommand(ctx, user, "/stop"); err != nil {
		t.Fatal(err)
	}
	emu.WaitMessages(t, user.ID, 1, 20*time.Second)
	writeFile(t, seedsDir, "002_later.txt", "LONDON -\nA third story arrives after the user left.\n")
	push(t, m, user.ID, 0)
	emu.Quiet(t, user.ID, time.Second)
}

// push runs what the push job runs for one chat: ingest, then queue the
// chat's digest; it checks how many digests were queued.
func push(t *testing.T, m *Main, chatID int64, want int) {
	t.Helper()
	ctx := context.Background()
	if err := m.ingest(ctx); err != nil {
		t.Fatalf("ingest: %v", err)
	}
	n, err := m.delivery.Push(ctx, []int64{chatID})
	if err != nil || n != want {
		t.Fatalf("push queued %d digests (err %v), want %d", n, err, want)
	}
}

// TestRunWithoutToken is the newcomer's first command, typed in a terminal
// or run from a script: no token, so the digest of the embedded seeds is
// printed and the exit code is 0.
func TestRunWithoutToken(t *testing.T) {
	var stdout, stderr bytes.Buffer
	code := cli(context.Background(), &cliEnv{stdout: &stdout, stderr: &stderr}, nil)
	if code != 0 {
		t.Fatalf("exit code %d, stderr: %s", code, stderr.String())
	}
	if !strings.Contains(stdout.String(), seedLead) || strings.Contains(stdout.String(), "بغداد-") {
		t.Fatalf("want the seed lead without the dateline, got:\n%s", stdout.String())
	}
	if !strings.Contains(stderr.String(), "TELEGRAM_BOT_TOKEN") {
		t.Fatalf("want a hint on how to run the bot, got: %s", stderr.String())
	}
}

// TestRunWithoutTokenWhenRequired: a deployment that needs the bot (the
// container image sets NEWSDIGEST_REQUIRE_TOKEN=1) fails without a token,
// non-zero and saying why, instead of exiting 0 and being restarted forever.
func TestRunWithoutTokenWhenRequired(t *testing.T) {
	var stdout, stderr bytes.Buffer
	env := &cliEnv{environ: []string{"NEWSDIGEST_REQUIRE_TOKEN=1"}, stdout: &stdout, stderr: &stderr}
	code := cli(context.Background(), env, []string{"run"})
	if code == 0 || !strings.Contains(stderr.String(), "TELEGRAM_BOT_TOKEN is not set") {
		t.Fatalf("exit %d, stderr %q", code, stderr.String())
	}
	if stdout.Len() > 0 {
		t.Fatalf("printed the seed digest although a token is required:\n%s", stdout.String())
	}
}

func TestDigestCommandHTML(t *testing.T) {
	var stdout, stderr bytes.Buffer
	args := []string{"digest", "--seeds", filepath.Join("..", "..", "seeds"), "--format", "html"}
	if code := cli(context.Background(), &cliEnv{stdout: &stdout, stderr: &stderr}, args); code != 0 {
		t.Fatalf("exit code %d, stderr: %s", code, stderr.String())
	}
	out := stdout.String()
	if !strings.Contains(out, seedLead) || !strings.Contains(out, "<b>") {
		t.Fatalf("want Telegram HTML with the seed lead, got:\n%s", out)
	}
}

// TestDigestCommandSkipsABadSeed: one seed file that does not parse (not
// UTF-8) is named on stderr and the others' digest is printed, as the
// bot's ingest skips it; a folder with no readable seed at all fails.
func TestDigestCommandSkipsABadSeed(t *testing.T) {
	dir := t.TempDir()
	good := "---\ntitle: Storm closes schools across the north\npublished: \"2013-01-30 21:48:02 (crawl time)\"\n---\n" +
		"Heavy rain closed schools across the north of the country on Wednesday, the ministry said.\n"
	for name, data := range map[string]string{"good.md": good, "bad.txt": "Budget \xff\xfe plan\n"} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(data), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	var stdout, stderr bytes.Buffer
	if code := cli(context.Background(), &cliEnv{stdout: &stdout, stderr: &stderr}, []string{"digest", "--seeds", dir}); code != 0 {
		t.Fatalf("exit code %d, stderr: %s", code, stderr.String())
	}
	if !strings.Contains(stdout.String(), "Storm closes schools") {
		t.Errorf("the good seed's story is missing:\n%s", stdout.String())
	}
	if !strings.Contains(stderr.String(), "bad.txt") {
		t.Errorf("stderr does not name the bad seed: %q", stderr.String())
	}
	if err := os.Remove(filepath.Join(dir, "good.md")); err != nil {
		t.Fatal(err)
	}
	stdout.Reset()
	stderr.Reset()
	if code := cli(context.Background(), &cliEnv{stdout: &stdout, stderr: &stderr}, []string{"digest", "--seeds", dir}); code == 0 || !strings.Contains(stderr.String(), "bad.txt") {
		t.Errorf("only a bad seed: exit %d, stderr %q; want a failure naming it", code, stderr.String())
	}
}

func TestCLIErrors(t *testing.T) {
	tests := []struct {
		name string
		args []string
		env  []string
		code int
		want string
	}{
		{"unknown command", []string{"frobnicate"}, nil, 2, `unknown command "frobnicate"`},
		{"bad format", []string{"digest", "--format", "pdf"}, nil, 1, "--format"},
		{"bad token", nil, []string{"TELEGRAM_BOT_TOKEN=oops"}, 1, "TELEGRAM_BOT_TOKEN"},
		{"bad zone", nil, []string{"NEWSDIGEST_TZ=Mars/Olympus"}, 1, "NEWSDIGEST_TZ"},
		{"bad time", nil, []string{"NEWSDIGEST_DEFAULT_TIMES=25:00"}, 1, "NEWSDIGEST_DEFAULT_TIMES"},
		{"bad ingest period", nil, []string{"NEWSDIGEST_INGEST_EVERY=5s"}, 1, "NEWSDIGEST_INGEST_EVERY"},
		{"bad admins", nil, []string{"NEWSDIGEST_ADMINS=alice"}, 1, "NEWSDIGEST_ADMINS"},
		{"webhook not https", nil, []string{"NEWSDIGEST_WEBHOOK_URL=http://bot.example/hook"}, 1, "NEWSDIGEST_WEBHOOK_URL"},
		{"missing feeds file", nil, []string{"NEWSDIGEST_FEEDS_FILE=/nonexistent/feeds.txt"}, 1, "NEWSDIGEST_FEEDS_FILE"},
		{"bad flag value", []string{"run", "--paid-broadcast", "maybe"}, nil, 1, "NEWSDIGEST_PAID_BROADCAST"},
		{"db folder missing", nil, []string{"NEWSDIGEST_DB=/nonexistent-volume/newsdigest.db"}, 1, "NEWSDIGEST_DB: folder /nonexistent-volume"},
		{"bad endpoint", nil, []string{"TELEGRAM_API_ENDPOINT=ftp://x/%s"}, 1, "TELEGRAM_API_ENDPOINT"},
		{"bad listen address", nil, []string{"NEWSDIGEST_HTTP_ADDR=8080"}, 1, "NEWSDIGEST_HTTP_ADDR"},
		{"bad log level", nil, []string{"NEWSDIGEST_LOG_LEVEL=loud"}, 1, "NEWSDIGEST_LOG_LEVEL"},
		{"alerts cap out of range", nil, []string{"NEWSDIGEST_ALERTS_PER_DAY=100"}, 1, "NEWSDIGEST_ALERTS_PER_DAY"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := cli(context.Background(), &cliEnv{environ: tc.env, stdout: &stdout, stderr: &stderr}, tc.args)
			if code != tc.code || !strings.Contains(stderr.String(), tc.want) {
				t.Fatalf("exit %d (want %d), stderr %q (want %q)", code, tc.code, stderr.String(), tc.want)
			}
		})
	}
}

// TestREADMEListsEveryOption keeps the README's configuration table true:
// every variable with its flag and default.
func TestREADMEListsEveryOption(t *testing.T) {
	readme, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range options() {
		row := "| `" + o.env + "` | `--" + o.flag + "` | "
		if o.def != "" {
			row += "`" + o.def + "`"
		}
		if !strings.Contains(string(readme), row) {
			t.Errorf("README's configuration table lacks the row %q", row)
		}
	}
}

// chooseBothLanguages presses /settings' "Arabic + English" button and
// waits until a fresh /settings shows the choice.
func chooseBothLanguages(ctx context.Context, t *testing.T, emu *tgemu.Emulator, user tgemu.User) {
	t.Helper()
	if err := emu.SendCommand(ctx, user, "/settings"); err != nil {
		t.Fatal(err)
	}
	msg := emu.WaitMessages(t, user.ID, 1, 20*time.Second)[0]
	_, _, markup := msg.Fields()
	var kb struct {
		InlineKeyboard [][]struct {
			Text         string `json:"text"`
			CallbackData string `json:"callback_data"`
		} `json:"inline_keyboard"`
	}
	if err := json.Unmarshal(markup, &kb); err != nil {
		t.Fatalf("/settings keyboard %s: %v", markup, err)
	}
	data := ""
	for _, row := range kb.InlineKeyboard {
		for _, b := range row {
			if strings.Contains(b.CallbackData, "sl=both") {
				data = b.CallbackData
			}
		}
	}
	if data == "" {
		t.Fatalf("/settings has no Arabic + English button: %s", markup)
	}
	if err := emu.SendCallback(ctx, user, msg.MessageID, data); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		if err := emu.SendCommand(ctx, user, "/settings"); err != nil {
			t.Fatal(err)
		}
		if strings.Contains(joined(emu.WaitMessages(t, user.ID, 1, 20*time.Second)), "بالعربية والإنجليزية") {
			return
		}
	}
	t.Fatal("the story-language button did not take effect")
}
