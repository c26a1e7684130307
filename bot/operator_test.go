package bot

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"net/http"
	"strings"
	"syscall"
	"testing"
	"time"
	"unicode/utf16"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"newsdigest/news"
)

// TestEveryTextExists: every message key has a text in both languages (a
// missing one is sent as an empty message, which Telegram refuses).
func TestEveryTextExists(t *testing.T) {
	for _, lang := range []string{"en", "ar"} {
		for k := msgKey(0); k < msgCount; k++ {
			if catalogue(lang)[k] == "" {
				t.Errorf("%s text %d is missing", lang, k)
			}
		}
	}
}

func TestPushNowWithABadChatIDExplainsUsage(t *testing.T) {
	h := newHarness(t)
	admin := user{id: adminID, lang: "en"}
	if got := h.sayText(admin, "/pushnow abc"); !strings.Contains(got, "Usage: /pushnow") {
		t.Errorf("/pushnow abc answered %q, want the usage", got)
	}
	if len(h.ops.pushed) != 0 {
		t.Errorf("/pushnow abc pushed %v", h.ops.pushed)
	}
}

// TestBroadcastFitsInOneMessage: a broadcast longer than one Telegram
// message is refused with the limit, before anything is queued; the
// longest accepted one and its confirmation fit in one message.
func TestBroadcastFitsInOneMessage(t *testing.T) {
	h := newHarness(t)
	admin := user{id: adminID, lang: "en"}
	got := h.sayText(admin, "/broadcast "+strings.Repeat("a", 5000))
	if !strings.Contains(got, "5000 characters long") || !strings.Contains(got, "at most 3900 characters") {
		t.Errorf("a 5,000-character broadcast answered %q, want the length and the limit", got)
	}
	if kb := h.lastMarkup(adminID); len(kb) != 0 {
		t.Errorf("a too long broadcast got a Send button: %v", kb)
	}
	msgs := h.say(admin, private(admin), "/broadcast "+strings.Repeat("b", maxBroadcastUnits))
	if len(msgs) != 1 || len(utf16.Encode([]rune(msgs[0].Text))) > 4096 {
		t.Fatalf("the longest broadcast's confirmation was not one message: %d messages", len(msgs))
	}
	h.press(admin, private(admin), msgs[0].MessageID, button(t, h.lastMarkup(adminID), "Send"))
	if len(h.ops.broadcasts) != 1 || len(h.ops.broadcasts[0]) != maxBroadcastUnits {
		t.Errorf("broadcasts queued: %d", len(h.ops.broadcasts))
	}
}

// TestSubscribeToANearTopicAsks: "/subscribe sports" would add the keyword
// "sports" and narrow every digest; the bot asks whether the topic was
// meant and changes nothing. A quoted word is taken as a keyword, and the
// answer says it is one.
func TestSubscribeToANearTopicAsks(t *testing.T) {
	tests := []struct {
		lang, word, want string
	}{
		{"en", "sports", "Did you mean \u2068Sport\u2069?"},
		{"en", "politic", "Did you mean \u2068Politics\u2069?"},
		{"ar", "الرياضة", "هل تقصد \u2068رياضة\u2069؟"},
	}
	for _, tt := range tests {
		t.Run(tt.word, func(t *testing.T) {
			h := newHarness(t)
			u := user{id: 5, lang: tt.lang}
			h.sayText(u, "/start")
			if got := h.sayText(u, "/subscribe "+tt.word); !strings.Contains(got, tt.want) {
				t.Errorf("/subscribe %s answered %q, want %q", tt.word, got, tt.want)
			}
			if s := h.sub(5); len(s.Include) != 0 || len(s.Topics) != 0 {
				t.Errorf("a near-topic word changed the settings: topics %v, keywords %v", s.Topics, s.Include)
			}
		})
	}
	h := newHarness(t)
	u := user{id: 6, lang: "en"}
	h.sayText(u, "/start")
	got := h.sayText(u, `/subscribe "sports" wealth`)
	if s := h.sub(6); len(s.Include) != 2 {
		t.Fatalf("quoted word and an unrelated word: keywords %v, want both", s.Include)
	}
	if !strings.Contains(got, "Keywords added: \u2068sports\u2069, \u2068wealth\u2069") || !strings.Contains(got, "only stories that mention one of them") {
		t.Errorf("the answer does not say keywords were added and what they do: %q", got)
	}
}

// TestArabicCountsAgree: the noun after a number takes the form Arabic
// grammar asks for.
func TestArabicCountsAgree(t *testing.T) {
	tests := []struct {
		n    int
		want string
	}{
		{1, "خبر واحد"}, {2, "خبران"}, {3, "3 أخبار"}, {5, "5 أخبار"}, {10, "10 أخبار"},
		{11, "11 خبرًا"}, {50, "50 خبرًا"}, {99, "99 خبرًا"}, {100, "100 خبر"}, {102, "102 خبر"},
		{103, "103 أخبار"}, {111, "111 خبرًا"}, {0, "0 خبر"},
	}
	for _, tt := range tests {
		if got := count("ar", tt.n, nounStory); got != tt.want {
			t.Errorf("count(ar, %d) = %q, want %q", tt.n, got, tt.want)
		}
	}
	if got := count("en", 1, nounStory) + ", " + count("en", 5, nounStory); got != "1 story, 5 stories" {
		t.Errorf("English counts: %q", got)
	}
	h := newHarness(t)
	u := user{id: 7, lang: "ar"}
	h.sayText(u, "/start")
	if got := h.sayText(u, "/stories 5"); !strings.Contains(got, "5 أخبار") || strings.Contains(got, "خبرًا") {
		t.Errorf("/stories 5 answered %q, want 5 أخبار", got)
	}
}

// TestArabicInterfaceShowsArabicNames: topic lists and chat types are shown
// by their Arabic names in the Arabic interface.
func TestArabicInterfaceShowsArabicNames(t *testing.T) {
	h := newHarness(t)
	admin := user{id: adminID, lang: "ar"}
	h.sayText(admin, "/start")
	h.fake.SetAdmins(groupID, 3)
	h.say(user{id: 3, lang: "ar"}, group(groupID), "/start@"+botName)
	usage := h.sayText(admin, "/subscribe")
	if !strings.Contains(usage, "سياسة") || strings.Contains(usage, "politics") || strings.Contains(usage, "middle-east") {
		t.Errorf("Arabic /subscribe usage lists %q", usage)
	}
	stats := h.sayText(admin, "/stats")
	for _, want := range []string{"خاصة", "مجموعة كبيرة", "العربية"} {
		if !strings.Contains(stats, want) {
			t.Errorf("Arabic /stats lacks %q:\n%s", want, stats)
		}
	}
	for _, english := range []string{"private", "supergroup", "\u2068ar\u2069"} {
		if strings.Contains(stats, english) {
			t.Errorf("Arabic /stats shows %q:\n%s", english, stats)
		}
	}
}

// TestGoErrorsBecomeSentences: an error reaches the user as a sentence in
// their language, never as Go's message with addresses and call chains.
func TestGoErrorsBecomeSentences(t *testing.T) {
	tests := []struct {
		err  string
		want map[string]string
	}{
		{"news: fetch http://127.0.0.1:9/x: dial tcp 127.0.0.1:9: connect: connection refused",
			map[string]string{"en": "the server refused the connection", "ar": "رفض الخادم الاتصال"}},
		{"news: fetch https://x.example/feed: Get \"https://x.example/feed\": dial tcp: lookup x.example: no such host",
			map[string]string{"en": "name could not be found", "ar": "اسم الخادم"}},
		{"news: fetch http://a/b: context deadline exceeded (Client.Timeout exceeded while awaiting headers)",
			map[string]string{"en": "did not answer in time", "ar": "في الوقت المحدد"}},
		{"news: fetch http://a/b: HTTP 404 Not Found", map[string]string{"en": "HTTP 404", "ar": "HTTP 404"}},
		{"subscriptions: put 5: write /data/newsdigest.db: no space left on device",
			map[string]string{"en": "disk full", "ar": "امتلأ القرص"}},
		{"panic: runtime error: index out of range [3] with length 3",
			map[string]string{"en": "unexpected error", "ar": "خطأ غير متوقع"}},
	}
	for _, tt := range tests {
		for lang, want := range tt.want {
			got := failureSentence(lang, tt.err)
			if !strings.Contains(got, want) || strings.Contains(got, "dial tcp") || strings.Contains(got, "news:") || strings.Contains(got, "127.0.0.1") {
				t.Errorf("%s: %q became %q, want a sentence with %q", lang, tt.err, got, want)
			}
		}
	}
	// As a bot admin sees it: /addfeed of a server that refuses connections.
	h := newHarness(t)
	h.bot.feeds.svc = refusingFeeds{}
	got := h.sayText(user{id: adminID, lang: "en"}, "/addfeed http://127.0.0.1:9/feed")
	waitFor(t, "the fetch answer", func() bool { return len(h.fake.Edits()) > 0 })
	edit := h.fake.Edits()[0].Text
	if strings.Contains(edit, "dial tcp") || !strings.Contains(edit, "the server refused the connection") {
		t.Errorf("/addfeed answered %q then %q", got, edit)
	}
}

// refusingFeeds is a feed service whose fetches fail as a closed port does.
type refusingFeeds struct{ Feeds }

func (refusingFeeds) AddFeed(_ context.Context, u string, topics []string) (news.Feed, bool, error) {
	return news.Feed{URL: u, Topics: topics}, true, nil
}

func (refusingFeeds) FetchFeed(_ context.Context, u string) (news.FeedResult, error) {
	err := fmt.Errorf("news: fetch %s: %w", u, &net.OpError{Op: "dial", Net: "tcp", Err: errors.New("connect: connection refused")})
	return news.FeedResult{URL: u, Status: news.StatusError, Err: err}, nil
}

func (refusingFeeds) RemoveFeed(_ context.Context, u string) (news.Feed, error) {
	return news.Feed{URL: u}, nil
}

// TestWebhookDropsASlowBody: a caller that sends the headers and then
// holds back the body is cut off after the read timeout instead of holding
// a connection for as long as it likes.
func TestWebhookDropsASlowBody(t *testing.T) {
	h := newHarness(t)
	h.bot.webhookReadTimeout = 300 * time.Millisecond
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := h.bot.webhookServer(context.Background(), h.bot.WebhookHandler(context.Background(), "s"))
	go func() { _ = srv.Serve(ln) }()
	defer srv.Close()
	conn, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	fmt.Fprintf(conn, "POST / HTTP/1.1\r\nHost: x\r\n%s: s\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{\"update_id\":", SecretHeader)
	if err := conn.SetReadDeadline(time.Now().Add(20 * time.Second)); err != nil {
		t.Fatal(err)
	}
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		t.Fatal("the server still waits for the body after 20 s: no read timeout")
	}
	if err == nil {
		resp.Body.Close()
		if resp.StatusCode == http.StatusOK {
			t.Fatalf("a body that never arrived was answered %s", resp.Status)
		}
	}
}

// TestBroadcastSurvivesAFailedQueue: the outbox cannot be written when the
// admin confirms; the press is retried and the broadcast queued once, not
// lost as "expired".
func TestBroadcastSurvivesAFailedQueue(t *testing.T) {
	h := newHarness(t)
	h.bot.retryPause = 10 * time.Millisecond
	admin := user{id: adminID, lang: "en"}
	msgs := h.say(admin, private(admin), "/broadcast Maintenance tonight")
	h.ops.failNext = &fs.PathError{Op: "write", Path: "newsdigest.db", Err: syscall.ENOSPC}
	h.fake.PushUpdate(tgbotapi.Update{CallbackQuery: &tgbotapi.CallbackQuery{ID: "send", From: admin.tg(),
		Data: button(t, h.lastMarkup(adminID), "Send"), Message: &tgbotapi.Message{MessageID: msgs[0].MessageID, Chat: private(admin)}}})
	stop := runPoll(t, h.bot)
	waitFor(t, "the press confirmed", func() bool { return h.fake.Unconfirmed() == 0 })
	stop()
	h.ops.mu.Lock()
	defer h.ops.mu.Unlock()
	if len(h.ops.broadcasts) != 1 {
		t.Fatalf("%d broadcasts queued, want 1", len(h.ops.broadcasts))
	}
	if edits := h.fake.Edits(); len(edits) == 0 || !strings.Contains(edits[len(edits)-1].Text, "queued for 3 chats") {
		t.Errorf("the confirmation ends as %+v, want queued", edits)
	}
}
