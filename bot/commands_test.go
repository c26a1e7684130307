package bot

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"newsdigest/subscriptions"
)

func TestStartSubscribesInTheUsersLanguage(t *testing.T) {
	tests := []struct {
		lang, wantLang, greeting string
	}{
		{"ar", "ar", "أهلًا"}, {"ar-EG", "ar", "أهلًا"}, {"en", "en", "Welcome"}, {"de", "en", "Welcome"}, {"", "en", "Welcome"},
	}
	for _, tt := range tests {
		t.Run(tt.lang, func(t *testing.T) {
			h := newHarness(t)
			u := user{id: 42, lang: tt.lang}
			got := h.sayText(u, "/start")
			if !strings.Contains(got, tt.greeting) {
				t.Fatalf("/start reply = %q, want %q", got, tt.greeting)
			}
			sub := h.sub(42)
			if sub.Lang != tt.wantLang || sub.TimeZone != "Asia/Baghdad" || sub.ChatType != "private" {
				t.Errorf("subscriber = %+v", sub)
			}
			kb := h.lastMarkup(42)
			if len(kb) < len(h.bot.cfg.Topics) {
				t.Errorf("welcome keyboard has %d buttons, want a button per topic", len(kb))
			}
		})
	}
}

func TestStartDeepLinkSelectsTopics(t *testing.T) {
	h := newHarness(t)
	u := user{id: 7, lang: "en"}
	h.sayText(u, "/start politics_sport_nonsense")
	if got := h.sub(7).Topics; !slices.Equal(got, []string{"politics", "sport"}) {
		t.Errorf("topics after deep link = %v, want [politics sport]", got)
	}
	kb := h.lastMarkup(7)
	if !strings.HasPrefix(kb[0][0], "✅") {
		t.Errorf("first button %q should carry ✅ (politics chosen)", kb[0][0])
	}
}

// TestCommands plays one command after /start and checks the reply and the
// stored result, in both languages.
func TestCommands(t *testing.T) {
	long := strings.Repeat("ك", subscriptions.MaxKeywordLen+1)
	tests := []struct {
		name  string
		lang  string
		cmd   string
		reply string                                // substring of the reply
		check func(s subscriptions.Subscriber) bool // the stored subscriber afterwards
	}{
		{"time en", "en", "/time 7:30 19:00", "07:30\u2069, \u206819:00", func(s subscriptions.Subscriber) bool { return slices.Equal(s.Times, []string{"07:30", "19:00"}) }},
		{"time ar digits", "ar", "/time ٠٦:٤٥", "06:45", func(s subscriptions.Subscriber) bool { return slices.Equal(s.Times, []string{"06:45"}) }},
		{"time sorted dedup", "en", "/time 19:00, 07:00 19:00", "07:00\u2069, \u206819:00", func(s subscriptions.Subscriber) bool { return slices.Equal(s.Times, []string{"07:00", "19:00"}) }},
		{"time bad", "en", "/time 25:00", "is not a time", unchangedTimes},
		{"time bad ar", "ar", "/time غدًا", "ليس وقتًا صالحًا", unchangedTimes},
		{"time html escaped", "en", "/time <b>8</b>", "&lt;b&gt;8&lt;/b&gt;", unchangedTimes},
		{"time usage", "en", "/time", "Usage: /time", unchangedTimes},
		{"time too many", "en", "/time " + manyTimes(25), "At most 24", unchangedTimes},
		{"zone", "en", "/timezone Europe/Berlin", "Europe/Berlin", func(s subscriptions.Subscriber) bool { return s.TimeZone == "Europe/Berlin" }},
		{"zone lower", "ar", "/timezone africa/cairo", "Africa/Cairo", func(s subscriptions.Subscriber) bool { return s.TimeZone == "Africa/Cairo" }},
		{"zone arabic city", "ar", "/timezone بغداد", "Asia/Baghdad", func(s subscriptions.Subscriber) bool { return s.TimeZone == "Asia/Baghdad" }},
		{"zone offset", "en", "/timezone +03:00", "Etc/GMT-3", func(s subscriptions.Subscriber) bool { return s.TimeZone == "Etc/GMT-3" }},
		{"zone bad", "en", "/timezone Mars/Olympus", "not a time zone I know", func(s subscriptions.Subscriber) bool { return s.TimeZone == "Asia/Baghdad" }},
		{"zone bad ar", "ar", "/timezone <script>", "&lt;script&gt;", func(s subscriptions.Subscriber) bool { return s.TimeZone == "Asia/Baghdad" }},
		{"lang to ar", "en", "/lang ar", "بالعربية", func(s subscriptions.Subscriber) bool { return s.Lang == "ar" }},
		{"lang to en", "ar", "/lang English", "English", func(s subscriptions.Subscriber) bool { return s.Lang == "en" }},
		{"lang bad", "en", "/lang fr", "Usage: /lang", func(s subscriptions.Subscriber) bool { return s.Lang == "en" }},
		{"subscribe topic and words", "en", `/subscribe politics iraq -football "oil price"`, "Politics",
			func(s subscriptions.Subscriber) bool {
				return slices.Equal(s.Topics, []string{"politics"}) && slices.Equal(s.Include, []string{"iraq", "oil price"}) && slices.Equal(s.Exclude, []string{"football"})
			}},
		{"subscribe arabic label", "ar", "/subscribe رياضة «النفط العراقي»", "رياضة",
			func(s subscriptions.Subscriber) bool {
				return slices.Equal(s.Topics, []string{"sport"}) && slices.Equal(s.Include, []string{"النفط العراقي"})
			}},
		{"subscribe too long", "ar", "/subscribe " + long, "الحد الأقصى 64 حرفًا", func(s subscriptions.Subscriber) bool { return len(s.Include) == 0 }},
		{"subscribe too many", "en", "/subscribe " + manyWords(51), "At most 50 keywords", func(s subscriptions.Subscriber) bool { return len(s.Include) == 0 }},
		{"subscribe usage", "en", "/subscribe", "Usage: /subscribe", func(s subscriptions.Subscriber) bool { return len(s.Topics) == 0 }},
		{"subscribe html", "en", "/subscribe <i>x</i>", "&lt;i&gt;x&lt;/i&gt;", func(s subscriptions.Subscriber) bool { return slices.Equal(s.Include, []string{"<i>x</i>"}) }},
		{"keywords empty", "en", "/keywords", "Keywords: none", func(s subscriptions.Subscriber) bool { return len(s.Include) == 0 }},
		{"stories", "en", "/stories 5", "at most 5", func(s subscriptions.Subscriber) bool { return s.MaxStories == 5 }},
		{"stories arabic digits", "ar", "/stories ١٢", "12", func(s subscriptions.Subscriber) bool { return s.MaxStories == 12 }},
		{"stories out of range", "en", "/stories 99", "from 1 to 50", func(s subscriptions.Subscriber) bool { return s.MaxStories == 0 }},
		{"stories not a number", "ar", "/stories كثير", "من 1 إلى 50", func(s subscriptions.Subscriber) bool { return s.MaxStories == 0 }},
		{"pause", "en", "/pause", "paused", func(s subscriptions.Subscriber) bool { return s.Paused }},
		{"pause ar", "ar", "/pause", "أوقفتَ", func(s subscriptions.Subscriber) bool { return s.Paused }},
		{"settings", "en", "/settings", "Time zone: \u2068Asia/Baghdad\u2069", func(s subscriptions.Subscriber) bool { return !s.Paused }},
		{"settings ar", "ar", "/settings", "المنطقة الزمنية", func(s subscriptions.Subscriber) bool { return !s.Paused }},
		{"unknown", "en", "/frobnicate", "I don't know that command", func(s subscriptions.Subscriber) bool { return true }},
		{"unknown ar", "ar", "/frobnicate", "لا أعرف هذا الأمر", func(s subscriptions.Subscriber) bool { return true }},
		{"help", "en", "/help", "/timezone", func(s subscriptions.Subscriber) bool { return true }},
		{"help ar", "ar", "/help", "المنطقة الزمنية", func(s subscriptions.Subscriber) bool { return true }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t)
			u := user{id: 42, lang: tt.lang}
			h.sayText(u, "/start")
			got := h.sayText(u, tt.cmd)
			if !strings.Contains(got, tt.reply) {
				t.Errorf("%s: reply %q does not contain %q", tt.cmd, got, tt.reply)
			}
			for _, raw := range []string{"<b>8", "<script>", "<i>x"} {
				if strings.Contains(got, raw) {
					t.Errorf("%s: user text echoed unescaped: %q", tt.cmd, got)
				}
			}
			if !tt.check(h.sub(42)) {
				t.Errorf("%s: stored subscriber %+v", tt.cmd, h.sub(42))
			}
		})
	}
}

func unchangedTimes(s subscriptions.Subscriber) bool { return slices.Equal(s.Times, []string{"08:00"}) }

func manyTimes(n int) string {
	var out []string
	for i := range n {
		out = append(out, fmt.Sprintf("%02d:%02d", i%24, i/24*30))
	}
	return strings.Join(out, " ")
}

func manyWords(n int) string {
	var out []string
	for i := range n {
		out = append(out, "w"+string(rune('a'+i%26))+string(rune('a'+i/26)))
	}
	return strings.Join(out, " ")
}

func TestUnsubscribeAndKeywordsClear(t *testing.T) {
	h := newHarness(t)
	u := user{id: 5, lang: "en"}
	h.sayText(u, "/start")
	h.sayText(u, "/subscribe politics economy iraq syria -football")
	h.sayText(u, "/unsubscribe economy syria -football")
	s := h.sub(5)
	if !slices.Equal(s.Topics, []string{"politics"}) || !slices.Equal(s.Include, []string{"iraq"}) || len(s.Exclude) != 0 {
		t.Fatalf("after /unsubscribe: %+v", s)
	}
	// Excluding a word that was included moves it.
	h.sayText(u, "/subscribe -iraq")
	if s := h.sub(5); len(s.Include) != 0 || !slices.Equal(s.Exclude, []string{"iraq"}) {
		t.Fatalf("after /subscribe -iraq: %+v", s)
	}
	if got := h.sayText(u, "/keywords clear"); !strings.Contains(got, "Excluded: none") {
		t.Errorf("/keywords clear answered %q", got)
	}
	if s := h.sub(5); len(s.Include)+len(s.Exclude) != 0 {
		t.Errorf("keywords left after clear: %+v", s)
	}
}

func TestCommandsBeforeStartAskToSubscribe(t *testing.T) {
	for _, cmd := range []string{"/time 08:00", "/timezone UTC", "/topics", "/settings", "/digest", "/pause", "/stop", "/lang ar", "/subscribe x"} {
		h := newHarness(t)
		got := h.sayText(user{id: 3, lang: "en"}, cmd)
		if !strings.Contains(got, "/start") {
			t.Errorf("%s before /start: %q, want a pointer to /start", cmd, got)
		}
		if _, err := h.subs.Get(t.Context(), 3); err == nil {
			t.Errorf("%s before /start created a subscriber", cmd)
		}
	}
}

func TestDigestCommand(t *testing.T) {
	h := newHarness(t)
	u := user{id: 8, lang: "ar"}
	h.sayText(u, "/start")
	if got := h.sayText(u, "/digest"); !strings.Contains(got, "لا جديد") {
		t.Errorf("/digest with nothing new: %q", got)
	}
	h.digests.stories = 3
	if got := h.sayText(u, "/digest"); got != "" {
		t.Errorf("/digest with stories: the digest service sends them; the bot added %q", got)
	}
	if !slices.Equal(h.digests.asked, []int64{8, 8}) {
		t.Errorf("digest asked for %v", h.digests.asked)
	}
}

func TestStopNeedsConfirmation(t *testing.T) {
	for _, lang := range []string{"en", "ar"} {
		t.Run(lang, func(t *testing.T) {
			h := newHarness(t)
			u := user{id: 9, lang: lang}
			h.sayText(u, "/start")
			stopThen := func(label msgKey) {
				t.Helper()
				msgs := h.say(u, private(u), "/stop")
				if !h.sub(9).Paused {
					t.Fatal("/stop did not stop the digests at once")
				}
				h.press(u, private(u), msgs[0].MessageID, button(t, h.lastMarkup(9), text(lang, label)))
			}
			stopThen(msgCancel)
			if h.sub(9).Paused {
				t.Error("cancel after /stop left the digests paused")
			}
			h.sayText(u, "/pause")
			stopThen(msgCancel)
			if !h.sub(9).Paused {
				t.Error("cancel after /stop resumed digests the user had paused before")
			}
			stopThen(msgYesDelete)
			if _, err := h.subs.Get(t.Context(), 9); err == nil {
				t.Fatal("subscriber still stored after confirmed /stop")
			}
			edits := h.fake.Edits()
			if len(edits) != 3 || !strings.Contains(edits[2].Text, "/start") {
				t.Errorf("edits after cancel, cancel, confirm = %+v", edits)
			}
		})
	}
}

// TestRepliesAreRTLSafe: values that can hold Latin text inside an Arabic
// sentence are wrapped in Unicode isolates.
func TestRepliesAreRTLSafe(t *testing.T) {
	h := newHarness(t)
	u := user{id: 10, lang: "ar"}
	h.sayText(u, "/start")
	got := h.sayText(u, "/timezone Europe/Berlin")
	if !strings.Contains(got, "\u2068Europe/Berlin\u2069") {
		t.Errorf("zone not isolated in the Arabic reply: %q", got)
	}
	if !utf8.ValidString(got) {
		t.Error("reply is not valid UTF-8")
	}
}
