package bot

import (
	"slices"
	"strings"
	"testing"
	"time"

	"newsdigest/internal/tgemu"
)

// TestEndToEndFeedbackReranks plays two readers against the real client
// and the telegram-test-api emulator: both get the same first digest; one
// taps 👎 Sport under it (the button is marked ✅ in place); her next
// /digest puts sport last, while the other reader's still shows it second.
func TestEndToEndFeedbackReranks(t *testing.T) {
	e := startE2E(t, feedbackBatch(0, time.Now()))
	emu, ctx := e.emu, e.ctx
	lea, sam := tgemu.User{ID: 5101, Name: "Lea", LangCode: "en"}, tgemu.User{ID: 5102, Name: "Sam", LangCode: "en"}
	send := func(u tgemu.User, text string) []tgemu.BotMessage {
		t.Helper()
		if err := emu.SendCommand(ctx, u, text); err != nil {
			t.Fatal(err)
		}
		return emu.WaitMessages(t, u.ID, 1, 20*time.Second)
	}
	digests := map[int64][]tgemu.BotMessage{}
	for _, u := range []tgemu.User{lea, sam} {
		send(u, "/start")
		digests[u.ID] = send(u, "/digest")
		if got := storyOrder(joined(digests[u.ID]), 0); !slices.Equal(got, []string{"economy", "sport", "health"}) {
			t.Fatalf("first digest of %d: stories %v", u.ID, got)
		}
	}
	under := digests[lea.ID][len(digests[lea.ID])-1]
	_, _, markup := under.Fields()
	data := findButton(t, markup, "👎 Sport")
	if err := emu.PressButton(ctx, lea, under, data); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the pressed button marked ✅", func() bool {
		return strings.Contains(editedMarkup(t, emu, under.MessageID), "✅ 👎 Sport")
	})

	if _, err := e.articles.Add(ctx, feedbackBatch(1, time.Now())); err != nil {
		t.Fatal(err)
	}
	if got := storyOrder(joined(send(lea, "/digest")), 1); !slices.Equal(got, []string{"economy", "health", "sport"}) {
		t.Errorf("after 👎 Sport: stories %v, want sport last", got)
	}
	if got := storyOrder(joined(send(sam, "/digest")), 1); !slices.Equal(got, []string{"economy", "sport", "health"}) {
		t.Errorf("the other reader's digest changed: %v", got)
	}
}
