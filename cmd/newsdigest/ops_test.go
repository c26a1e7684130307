package main

import (
	"bytes"
	"context"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"newsdigest/bot/bottest"
	"newsdigest/ops"
)

// freeAddr reserves a loopback port for the ops listener.
func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

// runningService starts the service against the fake Bot API and returns
// the environment an operator's second command would use.
func runningService(t *testing.T, extraEnv ...string) ([]string, *bottest.Server) {
	t.Helper()
	api := bottest.New(bottest.Config{})
	t.Cleanup(api.Close)
	env := append([]string{
		"TELEGRAM_BOT_TOKEN=" + api.Token(),
		"TELEGRAM_API_ENDPOINT=" + api.Endpoint(),
		"NEWSDIGEST_DB=" + filepath.Join(t.TempDir(), "ops.db"),
		"NEWSDIGEST_HTTP_ADDR=" + freeAddr(t),
	}, extraEnv...)
	serve(t, api.Token(), env)
	waitHealthy(t, env)
	return env, api
}

func waitHealthy(t *testing.T, env []string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		var out, errb bytes.Buffer
		if cli(context.Background(), &cliEnv{environ: env, stdout: &out, stderr: &errb}, []string{"healthcheck"}) == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("service never became healthy: %s", errb.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func runCLI(env []string, args ...string) (int, string, string) {
	var out, errb bytes.Buffer
	code := cli(context.Background(), &cliEnv{environ: env, stdout: &out, stderr: &errb}, args)
	return code, out.String(), errb.String()
}

func TestOperatorCommandsWhileRunning(t *testing.T) {
	env, api := runningService(t)

	if code, out, errOut := runCLI(env, "healthcheck", "--path", "/readyz"); code != 0 || !strings.Contains(out, "healthy") {
		t.Fatalf("healthcheck /readyz: exit %d, %q %q", code, out, errOut)
	}

	dst := filepath.Join(t.TempDir(), "backup.db")
	code, out, errOut := runCLI(env, "backup", dst)
	if code != 0 || !strings.Contains(out, "verified") {
		t.Fatalf("backup while running: exit %d, %q %q", code, out, errOut)
	}
	if err := ops.Verify(dst); err != nil {
		t.Fatalf("backup is not a sound database: %v", err)
	}

	start := time.Now()
	code, _, errOut = runCLI(env, "run")
	if code == 0 || !strings.Contains(errOut, "another newsdigest process holds the database") {
		t.Fatalf("second process: exit %d, stderr %q", code, errOut)
	}
	if took := time.Since(start); took > 7*time.Second {
		t.Fatalf("second process took %v to give up, want about 5 s", took)
	}

	api.PushText(4242, "ar", "/start")
	waitSubscribed(t, api, 4242)
	code, out, errOut = runCLI(env, "push", "--chat", "4242")
	if code != 0 || !strings.Contains(out, "push done") || !strings.Contains(errOut, "[1/1] digests sent") {
		t.Fatalf("push: exit %d, stdout %q, stderr %q", code, out, errOut)
	}
	if got := api.SentTo(4242); len(got) < 2 || !strings.Contains(got[len(got)-1].Text, seedLead) {
		t.Fatalf("after the manual push chat 4242 has %d messages, the last without the seed's lead", len(got))
	}

	if code, _, errOut := runCLI(env, "restore", dst); code == 0 || !strings.Contains(errOut, "stop it") {
		t.Fatalf("restore while running: exit %d, stderr %q", code, errOut)
	}
}

func TestConfigRedactsToken(t *testing.T) {
	token := "987654321:AAHsecretPartThatMustNeverShow_123"
	code, out, errOut := runCLI([]string{"TELEGRAM_BOT_TOKEN=" + token, "NEWSDIGEST_TZ=Asia/Baghdad"}, "config")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if strings.Contains(out, "AAHsecret") || !strings.Contains(out, "TELEGRAM_BOT_TOKEN=987654321:<redacted>") {
		t.Fatalf("token not redacted:\n%s", out)
	}
	for _, want := range []string{"NEWSDIGEST_TZ=Asia/Baghdad", "NEWSDIGEST_DB=./newsdigest.db", "NEWSDIGEST_HTTP_ADDR=127.0.0.1:8080"} {
		if !strings.Contains(out, want) {
			t.Errorf("config output lacks %q:\n%s", want, out)
		}
	}
}

func TestHealthcheckFailsWhenNothingRuns(t *testing.T) {
	code, _, errOut := runCLI([]string{"NEWSDIGEST_HTTP_ADDR=" + freeAddr(t)}, "healthcheck")
	if code == 0 || !strings.Contains(errOut, "unhealthy") {
		t.Fatalf("healthcheck with nothing running: exit %d, %q", code, errOut)
	}
}

// TestMetricsCountWhatUsersDo scrapes /metrics after a user's commands
// went through the real updates loop and sender.
func TestMetricsCountWhatUsersDo(t *testing.T) {
	env, api := runningService(t)
	// Arabic: the seed is one outlet's Arabic story, which an English
	// reader's default story-language setting leaves out.
	api.PushText(777, "ar", "/start")
	api.PushText(777, "ar", "/help")
	api.PushText(777, "ar", "/frobnicate")
	api.PushText(777, "ar", "/digest")
	wants := []string{
		`newsdigest_commands_total{command="start"} 1`,
		`newsdigest_commands_total{command="help"} 1`,
		`newsdigest_commands_total{command="unknown"} 1`,
		`newsdigest_commands_total{command="digest"} 1`,
		"newsdigest_updates_handled_total 4",
		`newsdigest_subscribers{state="active"} 1`,
		"newsdigest_outbox_pending 0",
		"newsdigest_digest_build_seconds_count 1",
		"newsdigest_messages_sent_total 1",
		`newsdigest_ingest_items_total{feed="seeds"} 1`,
	}
	// The sent counter moves before the outbox record is deleted: poll
	// until every figure settled rather than reading one scrape.
	var missing []string
	deadline := time.Now().Add(15 * time.Second)
	for {
		body := scrape(t, env)
		missing = missing[:0]
		for _, want := range wants {
			if !strings.Contains(body, want) {
				missing = append(missing, want)
			}
		}
		if len(missing) == 0 || time.Now().After(deadline) {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	for _, want := range missing {
		t.Errorf("/metrics lacks %q", want)
	}
}

func scrape(t *testing.T, env []string) string {
	t.Helper()
	var addr string
	for _, kv := range env {
		if v, ok := strings.CutPrefix(kv, "NEWSDIGEST_HTTP_ADDR="); ok {
			addr = v
		}
	}
	resp, err := http.Get("http://" + addr + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return string(b)
}

// waitMessages waits until chatID got n messages.
func waitMessages(t *testing.T, api *bottest.Server, chatID int64, n int) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for len(api.SentTo(chatID)) < n {
		if time.Now().After(deadline) {
			t.Fatalf("chat %d got %d messages, want %d", chatID, len(api.SentTo(chatID)), n)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// waitSubscribed waits until the bot answered chatID's /start.
func waitSubscribed(t *testing.T, api *bottest.Server, chatID int64) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for len(api.SentTo(chatID)) == 0 {
		if time.Now().After(deadline) {
			t.Fatalf("chat %d was never answered", chatID)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// TestExtraTopics: an operator defines a topic as keywords; a subscriber
// picks it and gets only the stories that match it.
func TestExtraTopics(t *testing.T) {
	seeds := t.TempDir()
	writeFile(t, seeds, "a.txt", "Bread prices\nThe price of bread rose again in Tunis markets this week.\n")
	writeFile(t, seeds, "b.txt", "Water returns\nThe water supply in Gaza returned after three weeks, officials said.\n")
	_, api := runningService(t, "NEWSDIGEST_SEEDS_DIR="+seeds, "NEWSDIGEST_EXTRA_TOPICS=gaza=غزة|Gaza; bread=bread")
	api.PushText(55, "en", "/start")
	waitSubscribed(t, api, 55)
	api.PushText(55, "en", "/subscribe gaza")
	api.PushText(55, "en", "/digest")
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		for _, m := range api.SentTo(55) {
			if strings.Contains(m.Text, "Water returns") || strings.Contains(m.Text, "water supply in Gaza") {
				if strings.Contains(m.Text, "bread") {
					t.Fatalf("the digest for topic gaza holds the bread story:\n%s", m.Text)
				}
				return
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("no digest with the Gaza story; chat got: %v", api.SentTo(55))
}

func TestExtraTopicsConfigErrors(t *testing.T) {
	for _, v := range []string{"Gaza=x", "politics=x", "gaza", "gaza=|"} {
		code, _, errOut := runCLI([]string{"NEWSDIGEST_EXTRA_TOPICS=" + v}, "config")
		if code == 0 || !strings.Contains(errOut, "NEWSDIGEST_EXTRA_TOPICS") {
			t.Errorf("%q: exit %d, stderr %q", v, code, errOut)
		}
	}
}

// TestConfigRedactsEverySecret: secrets without a public part are hidden
// whole; the token keeps only the bot's public numeric ID.
func TestConfigRedactsEverySecret(t *testing.T) {
	code, out, errOut := runCLI([]string{"NEWSDIGEST_WEBHOOK_SECRET=hook-secret-value"}, "config", "--token", "987654321:AAHsecretPartThatMustNeverShow_123")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	for _, leak := range []string{"hook-secret", "AAHsecret"} {
		if strings.Contains(out, leak) {
			t.Errorf("config prints %q:\n%s", leak, out)
		}
	}
	if !strings.Contains(out, "NEWSDIGEST_WEBHOOK_SECRET=<redacted>\n") || !strings.Contains(out, "TELEGRAM_BOT_TOKEN=987654321:<redacted>\n") {
		t.Errorf("want both secrets shown as redacted:\n%s", out)
	}
}

// TestHealthcheckPaths: a path without its slash is accepted, an unknown
// one is refused with a message, never a panic.
func TestHealthcheckPaths(t *testing.T) {
	env, _ := runningService(t)
	if code, out, errOut := runCLI(env, "healthcheck", "--path", "readyz"); code != 0 || !strings.Contains(out, "healthy") {
		t.Fatalf("healthcheck --path readyz: exit %d, %q %q", code, out, errOut)
	}
	if code, _, errOut := runCLI(env, "healthcheck", "--path", "http://evil.example/"); code == 0 || !strings.Contains(errOut, "/healthz or /readyz") {
		t.Fatalf("healthcheck with a URL as path: exit %d, %q", code, errOut)
	}
}

// TestOpsCommandsFindAPickedPort: with NEWSDIGEST_HTTP_ADDR=127.0.0.1:0 the
// service writes the port it got beside the database (0600) and the ops
// commands use it; at shutdown the file goes away. With "off" they say so.
func TestOpsCommandsFindAPickedPort(t *testing.T) {
	api := bottest.New(bottest.Config{})
	t.Cleanup(api.Close)
	db := filepath.Join(t.TempDir(), "picked.db")
	env := []string{"TELEGRAM_BOT_TOKEN=" + api.Token(), "TELEGRAM_API_ENDPOINT=" + api.Endpoint(),
		"NEWSDIGEST_DB=" + db, "NEWSDIGEST_HTTP_ADDR=127.0.0.1:0"}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan int, 1)
	go func() {
		done <- cli(ctx, &cliEnv{environ: env, stdout: io.Discard, stderr: io.Discard}, []string{"run"})
	}()
	waitHealthy(t, env)
	assertPrivateFile(t, db+".ops-addr")
	if code, out, errOut := runCLI(env, "push", "--all"); code != 0 || !strings.Contains(out, "push done") {
		t.Fatalf("push --all on a picked port: exit %d, %q %q", code, out, errOut)
	}
	cancel()
	if code := <-done; code != 0 {
		t.Fatalf("run exited %d", code)
	}
	if _, err := os.Stat(db + ".ops-addr"); !os.IsNotExist(err) {
		t.Fatalf("the ops address file outlived the service: %v", err)
	}

	off := []string{"NEWSDIGEST_DB=" + db, "NEWSDIGEST_HTTP_ADDR=off"}
	for _, args := range [][]string{{"healthcheck"}, {"push", "--all"}} {
		if code, _, errOut := runCLI(off, args...); code == 0 || !strings.Contains(errOut, "NEWSDIGEST_HTTP_ADDR is off") {
			t.Errorf("%v with the ops listener off: exit %d, %q", args, code, errOut)
		}
	}
}

// TestPushNeedsATarget: a bare number (--chat forgotten) or nothing at all
// pushes to nobody; an unknown chat is reported, not counted as sent.
func TestPushNeedsATarget(t *testing.T) {
	env, api := runningService(t)
	api.PushText(4242, "en", "/start")
	waitSubscribed(t, api, 4242)
	api.PushText(4343, "en", "/start")
	waitSubscribed(t, api, 4343)
	welcomed := len(api.SentTo(4343))
	api.PushText(4343, "en", "/pause")
	waitMessages(t, api, 4343, welcomed+1)
	before := len(api.SentTo(4242))
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"push", "4242"}, "unexpected arguments"},
		{[]string{"push"}, "--all"},
		{[]string{"push", "--all", "--chat", "4242"}, "not both"},
		{[]string{"push", "--chat", "99999"}, "chat 99999 is not a subscriber"},
		{[]string{"push", "--chat", "4343"}, "chat 4343 has paused its digests"},
	}
	for _, tc := range tests {
		if code, out, errOut := runCLI(env, tc.args...); code == 0 || !strings.Contains(errOut, tc.want) {
			t.Errorf("%v: exit %d, stdout %q, stderr %q (want %q)", tc.args, code, out, errOut, tc.want)
		}
	}
	if got := len(api.SentTo(4242)); got != before {
		t.Fatalf("refused pushes sent %d messages to chat 4242", got-before)
	}
}
