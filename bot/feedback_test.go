package bot

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"newsdigest/delivery"
	"newsdigest/digest"
)

// feedbackKeyboard is a digest's last-message keyboard as delivery builds
// it: one 👍 / 👎 row per section.
func feedbackKeyboard(lang string, rows ...delivery.Feedback) *tgbotapi.InlineKeyboardMarkup {
	var kb tgbotapi.InlineKeyboardMarkup
	for _, f := range rows {
		up, down := f, f
		up.Up, down.Up = true, false
		label := digest.TopicLabel(f.Topic, lang)
		kb.InlineKeyboard = append(kb.InlineKeyboard, tgbotapi.NewInlineKeyboardRow(
			tgbotapi.NewInlineKeyboardButtonData("👍 "+label, up.Data()),
			tgbotapi.NewInlineKeyboardButtonData("👎 "+label, down.Data())))
	}
	return &kb
}

// pressOn presses the button with data on message msgID, whose keyboard
// is kb (Telegram sends the message's keyboard with the press).
func (h *harness) pressOn(u user, chat *tgbotapi.Chat, msgID int, kb *tgbotapi.InlineKeyboardMarkup, data string) {
	h.t.Helper()
	h.bot.handle(context.Background(), tgbotapi.Update{CallbackQuery: &tgbotapi.CallbackQuery{
		ID: "cb" + data, From: u.tg(), Data: data,
		Message: &tgbotapi.Message{MessageID: msgID, Chat: chat, ReplyMarkup: kb},
	}})
}

// lastAnswer is the toast of the last answerCallbackQuery.
func (h *harness) lastAnswer() string {
	h.t.Helper()
	calls := h.rec.Calls("answerCallbackQuery")
	if len(calls) == 0 {
		h.t.Fatal("no callback answered")
	}
	return calls[len(calls)-1].Params.Get("text")
}

// lastMarkupEdit is the keyboard of the last editMessageReplyMarkup.
func (h *harness) lastMarkupEdit() (tgbotapi.InlineKeyboardMarkup, bool) {
	h.t.Helper()
	var kb tgbotapi.InlineKeyboardMarkup
	calls := h.rec.Calls("editMessageReplyMarkup")
	if len(calls) == 0 {
		return kb, false
	}
	if err := json.Unmarshal([]byte(calls[len(calls)-1].Params.Get("reply_markup")), &kb); err != nil {
		h.t.Fatal(err)
	}
	return kb, true
}

// fakeSearch is the stored stories a feedback press looks its story up in.
type fakeSearch struct{ stories []digest.Story }

func (f fakeSearch) RecentStories(context.Context, time.Time) ([]digest.Story, error) {
	return f.stories, nil
}

// TestFeedbackPressLearnsForThatChat: 👎 under a digest is acknowledged
// in place (a toast naming the topic, the button marked ✅), lowers that
// chat's weights for the topic and for the outlets and headline words of
// the section's story, and nobody else's; pressing the marked button again
// changes nothing; 👍 on the same row then takes the mark.
func TestFeedbackPressLearnsForThatChat(t *testing.T) {
	story := digest.Story{ID: "s00000000abcd", Title: "City win the cup final", Topics: []digest.TopicScore{{ID: "sport", Score: 0.9}},
		Sources: []digest.Source{{Name: "Wire A"}, {Name: "Wire B"}}}
	h := newHarness(t)
	h.bot.search = fakeSearch{[]digest.Story{story}}
	sam, lea := user{id: 71, lang: "en"}, user{id: 72, lang: "en"}
	h.sayText(sam, "/start")
	h.sayText(lea, "/start")
	kb := feedbackKeyboard("en", delivery.Feedback{Topic: "sport", StoryID: story.ID}, delivery.Feedback{Topic: "economy"})
	down := delivery.Feedback{Topic: "sport", StoryID: story.ID}.Data()

	h.pressOn(sam, private(sam), 9, kb, down)
	if got := h.lastAnswer(); !strings.Contains(got, "less Sport") {
		t.Errorf("toast %q, want it to say less Sport", got)
	}
	w := h.sub(sam.id).Learned.WeightsAt(h.clock)
	for _, k := range []string{"t:sport", "s:Wire A", "s:Wire B", "w:" + digest.Stem("final")} {
		if w[k] >= 0 {
			t.Errorf("after 👎: %s = %v, want negative (%v)", k, w[k], w)
		}
	}
	if other := h.sub(lea.id).Learned; !other.Empty() {
		t.Errorf("another chat learned %v", other.Weights)
	}
	marked, ok := h.lastMarkupEdit()
	if !ok || marked.InlineKeyboard[0][1].Text != "✅ 👎 Sport" || marked.InlineKeyboard[0][0].Text != "👍 Sport" || marked.InlineKeyboard[1][1].Text != "👎 Economy" {
		t.Fatalf("keyboard after the press: %+v", marked.InlineKeyboard)
	}

	h.pressOn(sam, private(sam), 9, &marked, down) // the marked button again
	if got := h.lastAnswer(); got != text("en", msgFeedbackAlready) {
		t.Errorf("second press answered %q", got)
	}
	if again := h.sub(sam.id).Learned.WeightsAt(h.clock); again["t:sport"] != w["t:sport"] {
		t.Errorf("second press moved sport %v → %v", w["t:sport"], again["t:sport"])
	}

	up := delivery.Feedback{Up: true, Topic: "sport", StoryID: story.ID}.Data()
	h.pressOn(sam, private(sam), 9, &marked, up)
	if kb2, _ := h.lastMarkupEdit(); kb2.InlineKeyboard[0][0].Text != "✅ 👍 Sport" || kb2.InlineKeyboard[0][1].Text != "👎 Sport" {
		t.Errorf("after 👍 on the same row: %+v", kb2.InlineKeyboard[0])
	}
	if got := h.sub(sam.id).Learned; !got.Empty() {
		t.Errorf("👎 then 👍 on the same story: %v, want nothing learned", got.Weights)
	}
}

// TestFeedbackBadDataAnsweredClearly: forged, garbled, oversized or stale
// feedback data is answered with a clear toast in the chat's language and
// changes nothing.
func TestFeedbackBadDataAnsweredClearly(t *testing.T) {
	h := newHarness(t)
	for _, u := range []user{{id: 81, lang: "en"}, {id: 82, lang: "ar"}} {
		lang := u.lang
		h.sayText(u, "/start")
		tests := []struct {
			data string
			want msgKey
		}{
			{"f:d:sport", msgFeedbackBad},
			{"f:z:sport:s1", msgFeedbackBad},
			{"f:d:sp<o>rt:s1", msgFeedbackBad},
			{"f:d:sport:" + strings.Repeat("x", 60), msgFeedbackBad},
			{"f:\xff\xfe", msgFeedbackBad},
			{"f:d:astrology:s1", msgFeedbackTopicGone}, // well-formed, but no such topic
		}
		for _, tt := range tests {
			h.pressOn(u, private(u), 3, nil, tt.data)
			if got := h.lastAnswer(); got != text(lang, tt.want) {
				t.Errorf("%s %q: answered %q, want %q", lang, tt.data, got, text(lang, tt.want))
			}
		}
		if l := h.sub(u.id).Learned; !l.Empty() {
			t.Errorf("%s: bad presses learned %v", lang, l.Weights)
		}
	}
}

// TestFeedbackInGroupsIsForAdmins: in a group only administrators may
// steer the group's digest; a member's press is refused and changes
// nothing.
func TestFeedbackInGroupsIsForAdmins(t *testing.T) {
	h := newHarness(t)
	admin, member := user{id: 501, lang: "en"}, user{id: 502, lang: "en"}
	h.fake.SetAdmins(groupID, admin.id)
	h.say(admin, group(groupID), "/start@"+botName)
	data := delivery.Feedback{Topic: "sport"}.Data()
	h.pressOn(member, group(groupID), 4, nil, data)
	if got := h.lastAnswer(); got != text("en", msgAdminsOnly) {
		t.Errorf("member's press answered %q", got)
	}
	if l := h.sub(groupID).Learned; !l.Empty() {
		t.Fatalf("member's press learned %v", l.Weights)
	}
	h.pressOn(admin, group(groupID), 4, nil, data)
	if w := h.sub(groupID).Learned.WeightsAt(h.clock); w["t:sport"] >= 0 {
		t.Errorf("admin's press: %v", w)
	}
}

// TestSettingsShowsAndResetsLearned: /settings says what feedback taught,
// in either language, with a reset button; pressing it forgets it all.
func TestSettingsShowsAndResetsLearned(t *testing.T) {
	h := newHarness(t)
	for _, tt := range []struct {
		u          user
		none, more string
		less       string
	}{
		{user{id: 61, lang: "en"}, "Learned from your 👍/👎: nothing yet", "more \u2068Health\u2069", "less \u2068Sport\u2069"},
		{user{id: 62, lang: "ar"}, "ما تعلّمته من 👍/👎: لا شيء بعد", "المزيد من \u2068صحة\u2069", "أقل من \u2068رياضة\u2069"},
	} {
		h.sayText(tt.u, "/start")
		if got := h.sayText(tt.u, "/settings"); !strings.Contains(got, tt.none) {
			t.Errorf("%s before feedback: %q", tt.u.lang, got)
		}
		if kb := h.lastMarkup(tt.u.id); strings.Contains(joinButtons(kb), text(tt.u.lang, msgBtnForget)) {
			t.Errorf("%s: reset button with nothing learned: %v", tt.u.lang, kb)
		}
		h.pressOn(tt.u, private(tt.u), 5, nil, delivery.Feedback{Topic: "sport"}.Data())
		h.pressOn(tt.u, private(tt.u), 5, nil, delivery.Feedback{Up: true, Topic: "health"}.Data())
		got := h.sayText(tt.u, "/settings")
		if !strings.Contains(got, tt.more) || !strings.Contains(got, tt.less) {
			t.Errorf("%s settings after feedback: %q, want %q and %q", tt.u.lang, got, tt.more, tt.less)
		}
		forget := button(t, h.lastMarkup(tt.u.id), text(tt.u.lang, msgBtnForget))
		h.press(tt.u, private(tt.u), 6, forget)
		if l := h.sub(tt.u.id).Learned; !l.Empty() {
			t.Errorf("%s after reset: %v", tt.u.lang, l.Weights)
		}
		if got := h.lastAnswer(); got != text(tt.u.lang, msgForgotten) {
			t.Errorf("%s reset answered %q", tt.u.lang, got)
		}
		edits := h.fake.Edits()
		if last := edits[len(edits)-1]; !strings.Contains(last.Text, tt.none) {
			t.Errorf("%s settings after reset: %q", tt.u.lang, last.Text)
		}
	}
}

func joinButtons(kb [][2]string) string {
	var b strings.Builder
	for _, btn := range kb {
		b.WriteString(btn[0] + "|")
	}
	return b.String()
}

var _ Searcher = fakeSearch{}

// answeredFirst is a story store that notes whether the press was already
// answered when the story was looked up.
type answeredFirst struct {
	h        *harness
	answered *int
}

func (a answeredFirst) RecentStories(context.Context, time.Time) ([]digest.Story, error) {
	*a.answered = len(a.h.rec.Calls("answerCallbackQuery"))
	return nil, nil
}

// TestFeedbackAnsweredBeforeTheStoryLookup: the toast goes out before the
// (possibly slow) look-up of the story, so the button's spinner stops at
// once; a press in a chat that is not subscribed says so and stores
// nothing.
func TestFeedbackAnsweredBeforeTheStoryLookup(t *testing.T) {
	h := newHarness(t)
	answered := -1
	h.bot.search = answeredFirst{h, &answered}
	u := user{id: 73, lang: "ar"}
	h.sayText(u, "/start")
	before := len(h.rec.Calls("answerCallbackQuery"))
	h.pressOn(u, private(u), 2, nil, delivery.Feedback{Topic: "sport", StoryID: "s0000000000ff"}.Data())
	if answered != before+1 {
		t.Errorf("answers when the story was looked up: %d, want %d (the press answered first)", answered, before+1)
	}
	if got := h.lastAnswer(); got != text("ar", msgFeedbackDown, "رياضة") {
		t.Errorf("toast %q", got)
	}
	if w := h.sub(u.id).Learned.WeightsAt(h.clock); w["t:sport"] >= 0 {
		t.Errorf("weights %v", w)
	}

	stranger := user{id: 74, lang: "en"}
	h.pressOn(stranger, private(stranger), 2, nil, delivery.Feedback{Topic: "sport"}.Data())
	if got := h.lastAnswer(); got != text("en", msgNotSubscribed) {
		t.Errorf("unsubscribed chat's press answered %q", got)
	}
	if _, err := h.subs.Get(context.Background(), stranger.id); err == nil {
		t.Error("a press subscribed the chat")
	}
}
