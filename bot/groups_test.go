package bot

import (
	"context"
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

func TestGroupAdminChecks(t *testing.T) {
	admin, member := user{id: 11, lang: "en"}, user{id: 12, lang: "ar"}
	tests := []struct {
		name    string
		who     user
		cmd     string
		want    string // reply substring
		changes bool   // the group's times change
	}{
		{"admin sets time", admin, "/time 06:00", "06:00", true},
		{"admin with @botname", admin, "/time@" + botName + " 06:00", "06:00", true},
		{"admin with @BotName any case", admin, "/time@Digest_Test_Bot 06:00", "06:00", true},
		{"member refused", member, "/time 06:00", "administrators", false},
		{"member refused with @botname", member, "/time@" + botName + " 06:00", "administrators", false},
		{"member may read settings", member, "/settings", "Settings", false},
		{"member may ask for help", member, "/help", "Commands", false},
		{"other bot's command ignored", admin, "/time@other_bot 06:00", "", false},
		{"unknown without @ is silent", member, "/frobnicate", "", false},
		{"unknown with @ answered", member, "/frobnicate@" + botName, "I don't know", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t)
			h.fake.SetAdmins(groupID, admin.id, botID)
			h.say(admin, group(groupID), "/start")
			got := joinSent(h.say(tt.who, group(groupID), tt.cmd))
			if tt.want == "" && got != "" || !strings.Contains(got, tt.want) {
				t.Errorf("%s: reply %q, want %q", tt.cmd, got, tt.want)
			}
			if changed := !slices.Equal(h.sub(groupID).Times, []string{"08:00"}); changed != tt.changes {
				t.Errorf("%s: times changed = %v, want %v", tt.cmd, changed, tt.changes)
			}
		})
	}
}

func TestGroupStartByMemberRefused(t *testing.T) {
	h := newHarness(t)
	h.fake.SetAdmins(groupID, 1)
	got := joinSent(h.say(user{id: 2, lang: "ar"}, group(groupID), "/start"))
	if !strings.Contains(got, "مشرفوها") {
		t.Errorf("member /start in a group: %q, want the Arabic refusal", got)
	}
	if _, err := h.subs.Get(context.Background(), groupID); err == nil {
		t.Error("a member subscribed the group")
	}
}

func TestGroupAnonymousAdmin(t *testing.T) {
	h := newHarness(t)
	h.fake.SetAdmins(groupID, 1)
	h.bot.handle(context.Background(), tgbotapi.Update{Message: &tgbotapi.Message{
		From: &tgbotapi.User{ID: 1087968824, FirstName: "Group", UserName: "GroupAnonymousBot"}, SenderChat: group(groupID),
		Chat: group(groupID), Text: "/start",
	}})
	if _, err := h.subs.Get(context.Background(), groupID); err != nil {
		t.Errorf("an anonymous admin (writing as the group) could not subscribe it: %v", err)
	}
}

func TestAdminListIsCachedBriefly(t *testing.T) {
	h := newHarness(t)
	admin := user{id: 11, lang: "en"}
	h.fake.SetAdmins(groupID, admin.id)
	h.say(admin, group(groupID), "/start")
	for _, cmd := range []string{"/time 06:00", "/timezone UTC", "/pause", "/resume"} {
		h.say(admin, group(groupID), cmd)
	}
	if n := len(h.rec.Calls("getChatAdministrators")); n != 1 {
		t.Errorf("getChatAdministrators called %d times for 5 commands within the TTL, want 1", n)
	}
	// Demoted: after the TTL the bot asks again and refuses.
	h.fake.SetAdmins(groupID)
	h.clock = h.clock.Add(3 * time.Minute)
	got := joinSent(h.say(admin, group(groupID), "/time 07:00"))
	if !strings.Contains(got, "administrators") || len(h.rec.Calls("getChatAdministrators")) != 2 {
		t.Errorf("after the TTL a demoted admin got %q", got)
	}
}

func TestAdminCheckFailureIsPolite(t *testing.T) {
	h := newHarness(t)
	h.rec.Intercept("getChatAdministrators", func(w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(http.StatusBadRequest)
		_ = json.NewEncoder(w).Encode(map[string]any{"ok": false, "error_code": 400, "description": "Bad Request: chat not found"})
	})
	got := joinSent(h.say(user{id: 1, lang: "en"}, group(groupID), "/start"))
	if !strings.Contains(got, "could not check") {
		t.Errorf("reply %q, want the could-not-check answer", got)
	}
}

func TestTopicKeyboardTogglesInPlace(t *testing.T) {
	for _, lang := range []string{"en", "ar"} {
		t.Run(lang, func(t *testing.T) {
			h := newHarness(t)
			u := user{id: 20, lang: lang}
			welcome := h.say(u, private(u), "/start")
			kb := h.lastMarkup(20)
			for _, b := range kb {
				if len(b[1]) > 64 || b[1] == "" {
					t.Errorf("callback data %q: %d bytes", b[1], len(b[1]))
				}
			}
			politics := kb[0][1]
			h.press(u, private(u), welcome[0].MessageID, politics)
			if got := h.sub(20).Topics; !slices.Equal(got, []string{"politics"}) {
				t.Fatalf("topics after one tap = %v", got)
			}
			edits := h.fake.Edits()
			if len(edits) != 1 || edits[0].MessageID != welcome[0].MessageID {
				t.Fatalf("want the picker edited in place once, got %+v", edits)
			}
			if kb := h.lastMarkup(20); !strings.HasPrefix(kb[0][0], "✅") || strings.HasPrefix(kb[1][0], "✅") {
				t.Errorf("after the tap the keyboard is %v", kb)
			}
			if len(h.newTo(20)) != 0 {
				t.Error("a tap sent a new message instead of editing")
			}
			h.press(u, private(u), welcome[0].MessageID, politics) // the same press again (a double tap, a replay): still on
			if got := h.sub(20).Topics; !slices.Equal(got, []string{"politics"}) {
				t.Fatalf("topics after the same press twice = %v: a repeated press undid itself", got)
			}
			h.press(u, private(u), welcome[0].MessageID, h.lastMarkup(20)[0][1]) // tap the redrawn ✅ button: off
			if got := h.sub(20).Topics; len(got) != 0 {
				t.Errorf("topics after tapping the chosen topic = %v", got)
			}
			if n := len(h.fake.Answers()); n != 3 {
				t.Errorf("%d callback answers, want 3 (every tap answered)", n)
			}
		})
	}
}

// TestForgedCallbackRefused: a button press carrying another chat's ID (a
// modified client can send any data) must not change that chat.
func TestForgedCallbackRefused(t *testing.T) {
	h := newHarness(t)
	victim, attacker := user{id: 30, lang: "en"}, user{id: 31, lang: "en"}
	h.sayText(victim, "/start")
	h.sayText(attacker, "/start")
	h.press(attacker, private(attacker), 1, cbData(cbTopic, "sport", victim.id))
	h.press(attacker, private(attacker), 1, cbData(cbStop, "yes", victim.id))
	if s := h.sub(victim.id); len(s.Topics) != 0 {
		t.Errorf("forged press changed the victim: %+v", s)
	}
	h.fake.SetAdmins(groupID, 1)
	h.say(user{id: 1, lang: "en"}, group(groupID), "/start")
	h.press(attacker, group(groupID), 1, cbData(cbStop, "yes", groupID))
	h.sub(groupID) // still there
}

func TestSettingsButtons(t *testing.T) {
	h := newHarness(t)
	u := user{id: 40, lang: "en"}
	h.sayText(u, "/start")
	msgs := h.say(u, private(u), "/settings")
	h.press(u, private(u), msgs[0].MessageID, button(t, h.lastMarkup(40), "Pause"))
	if !h.sub(40).Paused {
		t.Fatal("Pause button did not pause")
	}
	h.press(u, private(u), msgs[0].MessageID, button(t, h.lastMarkup(40), "Resume"))
	h.press(u, private(u), msgs[0].MessageID, button(t, h.lastMarkup(40), "العربية"))
	if s := h.sub(40); s.Paused || s.Lang != "ar" {
		t.Fatalf("after Resume and the language button: %+v", s)
	}
	edits := h.fake.Edits()
	if last := edits[len(edits)-1]; !strings.Contains(last.Text, "الإعدادات") {
		t.Errorf("summary not redrawn in Arabic: %q", last.Text)
	}
	h.press(u, private(u), msgs[0].MessageID, button(t, h.lastMarkup(40), "إلغاء الاشتراك"))
	if !h.sub(40).Paused {
		t.Error("the unsubscribe button did not stop the digests at once")
	}
	h.press(u, private(u), msgs[0].MessageID, button(t, h.lastMarkup(40), "نعم، احذف"))
	if _, err := h.subs.Get(context.Background(), 40); err == nil {
		t.Error("confirmed unsubscribe kept the data")
	}
	if n := len(h.newTo(40)); n != 0 {
		t.Errorf("settings buttons sent %d new messages instead of editing", n)
	}
}

func TestMembershipAndMigration(t *testing.T) {
	h := newHarness(t)
	u := user{id: 50, lang: "en"}
	h.sayText(u, "/start")
	member := func(status string) {
		h.bot.handle(context.Background(), tgbotapi.Update{MyChatMember: &tgbotapi.ChatMemberUpdated{
			Chat: *private(u), From: *u.tg(), NewChatMember: tgbotapi.ChatMember{User: &tgbotapi.User{ID: botID}, Status: status},
		}})
	}
	member("kicked")
	if !h.sub(50).Inactive {
		t.Error("a user who blocked the bot is still active")
	}
	member("member")
	if h.sub(50).Inactive {
		t.Error("a user who unblocked the bot is still inactive")
	}
	h.fake.SetAdmins(-50, 1)
	h.say(user{id: 1, lang: "en"}, &tgbotapi.Chat{ID: -50, Type: "group"}, "/start")
	h.bot.handle(context.Background(), tgbotapi.Update{Message: &tgbotapi.Message{
		Chat: &tgbotapi.Chat{ID: -50, Type: "group"}, MigrateToChatID: -100050,
	}})
	if s := h.sub(-100050); s.ChatType != "supergroup" {
		t.Errorf("migrated group = %+v", s)
	}
}

func TestChannelSetup(t *testing.T) {
	owner, stranger := user{id: 60, lang: "en"}, user{id: 61, lang: "en"}
	tests := []struct {
		name   string
		who    user
		admins []int64
		arg    string
		want   string
		linked bool
	}{
		{"not admin", stranger, []int64{owner.id, botID}, "-100777", "Only an administrator", false},
		{"bot not admin", owner, []int64{owner.id}, "-100777", "make me an administrator", false},
		{"by id", owner, []int64{owner.id, botID}, "-100777", "is set up", true},
		{"by name", owner, []int64{owner.id, botID}, "@news_channel", "is set up", true},
		{"unknown name", owner, []int64{owner.id, botID}, "@nope", "cannot find", false},
		{"no arg", owner, nil, "", "Usage: /channel", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t)
			h.fake.SetAdmins(channelN, tt.admins...)
			h.rec.Intercept("getChat", func(w http.ResponseWriter, r *http.Request) {
				if r.FormValue("chat_id") != "@news_channel" {
					w.WriteHeader(http.StatusBadRequest)
					_ = json.NewEncoder(w).Encode(map[string]any{"ok": false, "error_code": 400, "description": "Bad Request: chat not found"})
					return
				}
				_ = json.NewEncoder(w).Encode(map[string]any{"ok": true, "result": map[string]any{"id": channelN, "type": "channel", "title": "News"}})
			})
			got := h.sayText(tt.who, strings.TrimSpace("/channel "+tt.arg))
			if !strings.Contains(got, tt.want) {
				t.Fatalf("reply %q, want %q", got, tt.want)
			}
			_, err := h.subs.Get(context.Background(), channelN)
			if (err == nil) != tt.linked {
				t.Fatalf("channel subscriber exists = %v, want %v", err == nil, tt.linked)
			}
			if !tt.linked {
				return
			}
			// Commands in the private chat now change the channel.
			h.sayText(tt.who, "/time 05:00")
			if got := h.sub(channelN).Times; !slices.Equal(got, []string{"05:00"}) {
				t.Errorf("channel times = %v after /time in the owner's chat", got)
			}
			if _, err := h.subs.Get(context.Background(), tt.who.id); err == nil {
				t.Error("the owner's own chat got subscribed by editing the channel")
			}
			h.sayText(tt.who, "/channel")
			if got := h.sayText(tt.who, "/time 06:00"); !strings.Contains(got, "/start") {
				t.Errorf("after /channel off, /time should apply to the private chat (not subscribed): %q", got)
			}
		})
	}
}

func TestChannelEditingStopsWhenDemoted(t *testing.T) {
	h := newHarness(t)
	owner := user{id: 60, lang: "en"}
	h.fake.SetAdmins(channelN, owner.id, botID)
	h.sayText(owner, "/channel -100777")
	h.fake.SetAdmins(channelN, botID)
	h.clock = h.clock.Add(time.Hour)
	h.sayText(owner, "/time 05:00")
	if got := h.sub(channelN).Times; !slices.Equal(got, []string{"08:00"}) {
		t.Errorf("a demoted owner changed the channel: %v", got)
	}
}
