package delivery_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"newsdigest/digest"
	"newsdigest/news"
	"newsdigest/subscriptions"
)

// TestPushHonoursStoryLanguages: chats with different story-language
// settings in one push each get their own selection (the setting is part
// of what chats share a rendering by): "own" gives an English reader no
// Arabic story, "both" every story, the default only the Arabic story two
// outlets carry; other-language stories are labelled («عربي», EN).
func TestPushHonoursStoryLanguages(t *testing.T) {
	h := newHarness(t, fastFake)
	now := time.Now().Add(-time.Hour)
	art := func(id, lang, source, title, text string) news.Article {
		return news.Article{Article: digest.Article{ID: id, URL: "https://example.com/" + id, Title: title, Text: text,
			Lang: lang, Source: source, Published: now}, Feed: "t"}
	}
	const (
		enTitle     = "Glacier retreats faster in the Alps"
		arSingle    = "افتتاح مكتبة جديدة في مدينة الموصل"
		arMulti     = "البنك المركزي يرفع أسعار الفائدة نصف نقطة"
		arMultiText = "رفع البنك المركزي أسعار الفائدة نصف نقطة اليوم بسبب التضخم المرتفع.\nوتراجعت الأسواق بعد القرار."
	)
	arts := []news.Article{
		art("en", "en", "Wire A", enTitle, "The glacier lost forty metres this summer, surveyors said."),
		art("ar1", "ar", "Wire B", arSingle, "افتتحت بلدية الموصل مكتبة عامة جديدة تضم آلاف الكتب.\nوحضر الافتتاح عدد من الطلاب."),
		art("ar2", "ar", "Wire C", arMulti, arMultiText),
		art("ar3", "ar", "Wire D", "المركزي يرفع الفائدة نصف نقطة لمواجهة التضخم",
			"قرر البنك المركزي اليوم رفع أسعار الفائدة نصف نقطة لمواجهة التضخم المرتفع.\nوتراجعت الأسواق عقب القرار."),
	}
	if _, err := h.articles.Add(context.Background(), arts); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		id          int64
		lang, mode  string
		has, hasNot []string
	}{
		{1, "en", subscriptions.StoriesOwn, []string{enTitle}, []string{arSingle, arMulti}},
		{2, "en", subscriptions.StoriesBoth, []string{enTitle, arSingle, arMulti, "«عربي»"}, nil},
		{3, "en", subscriptions.StoriesAuto, []string{enTitle, arMulti, "«عربي»"}, []string{arSingle}},
		{4, "ar", subscriptions.StoriesAuto, []string{arSingle, arMulti}, []string{enTitle}},
		{5, "ar", subscriptions.StoriesBoth, []string{arSingle, arMulti, enTitle, "EN"}, nil},
	}
	var subs []subscriptions.Subscriber
	for _, tt := range tests {
		s := subscriptions.New(tt.id, subscriptions.ChatPrivate, tt.lang, time.Now())
		s.StoryLangs = tt.mode
		subs = append(subs, s)
	}
	h.pushTo(subs)
	for _, tt := range tests {
		var b strings.Builder
		for _, m := range h.srv.SentTo(tt.id) {
			b.WriteString(m.Text + "\n")
		}
		got := b.String()
		for _, w := range tt.has {
			if !strings.Contains(got, w) {
				t.Errorf("chat %d (%s, %q) lacks %q:\n%s", tt.id, tt.lang, tt.mode, w, got)
			}
		}
		for _, w := range tt.hasNot {
			if strings.Contains(got, w) {
				t.Errorf("chat %d (%s, %q) has %q:\n%s", tt.id, tt.lang, tt.mode, w, got)
			}
		}
	}
}
