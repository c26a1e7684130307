package bot

import (
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"newsdigest/digest"
	"newsdigest/internal/tgemu"
	"newsdigest/news"
)

// briefingArticles are twelve stories, none of them politics or sport.
func briefingArticles() []news.Article {
	subjects := []struct{ hint, title, text string }{
		{"science", "Telescope finds a comet near Jupiter", "Astronomers spotted a faint comet close to Jupiter's orbit."},
		{"economy", "Bakery chain opens forty stores", "The bakery chain opened forty new stores across the north."},
		{"economy", "Steel maker raises output", "The steel maker raised output at its largest mill."},
		{"economy", "Copper price reaches record high", "Copper traded at a record high on strong factory demand."},
		{"health", "Malaria vaccine trial begins", "Doctors began a large trial of a new malaria vaccine in clinics."},
		{"culture", "Orchestra tours coastal towns", "The national orchestra started a tour of small coastal towns."},
		{"science", "Satellite measures glacier melt", "A new satellite measured how fast mountain glaciers are melting."},
		{"economy", "Airline orders twenty aircraft", "The airline ordered twenty long-range aircraft for new routes."},
		{"science", "Researchers map the ocean floor", "Researchers mapped a wide stretch of the deep ocean floor."},
		{"culture", "Film festival names its winners", "The film festival named its winners on the closing night."},
		{"science", "Geologists study a volcano's eruption", "Geologists collected samples from the volcano's latest eruption."},
		{"economy", "Coffee exports rise in spring", "Coffee exports rose by a fifth in the spring harvest season."},
	}
	var out []news.Article
	for i, s := range subjects {
		id := fmt.Sprintf("brief-%d", i)
		out = append(out, news.Article{Article: digest.Article{ID: id, Title: fmt.Sprintf("S%02d %s", i, s.title), Text: s.text,
			Lang: "en", Source: fmt.Sprintf("Wire %d", i), Topics: []string{s.hint}, URL: "https://example.org/" + id,
			Published: time.Now().Add(-time.Duration(i+1) * time.Minute)}})
	}
	return out
}

var briefRe = regexp.MustCompile(`S\d\d `)

// TestEndToEndFilteredDigest plays the new user of issue 14 against the
// emulator: /start, pick Politics and Sport, /digest → nothing new (no
// story is about them); pick all topics, /digest → the stories arrive
// (ten, the default, and a More (2) button that sends the last two); a
// further /digest → nothing new: no story twice.
func TestEndToEndFilteredDigest(t *testing.T) {
	e := startE2E(t, briefingArticles())
	ctx, emu := e.ctx, e.emu
	u := tgemu.User{ID: 5101, Name: "Nour", LangCode: "en"}
	send := func(text string) []tgemu.BotMessage {
		t.Helper()
		if err := emu.SendCommand(ctx, u, text); err != nil {
			t.Fatal(err)
		}
		return emu.WaitMessages(t, u.ID, 1, 20*time.Second)
	}
	press := func(messageID int, data, edited string) {
		t.Helper()
		if err := emu.SendCallback(ctx, u, messageID, data); err != nil {
			t.Fatal(err)
		}
		if edited != "" {
			waitFor(t, edited, func() bool { return strings.Contains(editedMarkup(t, emu, messageID), edited) })
		}
	}
	welcome := send("/start")
	_, _, markup := welcome[0].Fields()
	press(welcome[0].MessageID, findButton(t, markup, "Politics"), "✅ Politics")
	press(welcome[0].MessageID, findButton(t, markup, "Sport"), "✅ Sport")
	if got := joined(send("/digest")); !strings.Contains(got, text("en", msgNothingNew)) {
		t.Fatalf("/digest with Politics and Sport: %q, want the nothing-new answer", got)
	}
	press(welcome[0].MessageID, findButton(t, markup, text("en", msgTopicsAll)), "✅ "+text("en", msgTopicsAll))
	msgs := send("/digest")
	shown := briefRe.FindAllString(joined(msgs), -1)
	last := msgs[len(msgs)-1]
	_, _, markup = last.Fields()
	if len(shown) != 10 || !strings.Contains(string(markup), "More (2)") {
		t.Fatalf("/digest with all topics showed %d stories, keyboard %s; want 10 and More (2):\n%s", len(shown), markup, joined(msgs))
	}
	data := findButton(t, markup, "More (2)")
	if len(data) > 64 {
		t.Fatalf("More data %q over 64 bytes", data)
	}
	press(last.MessageID, data, "")
	page := joined(emu.WaitMessages(t, u.ID, 1, 20*time.Second))
	shown = append(shown, briefRe.FindAllString(page, -1)...)
	if !strings.Contains(page, text("en", msgDigestEnd)) {
		t.Fatalf("the More page does not end the digest:\n%s", page)
	}
	for i := range 12 {
		if n := strings.Count(strings.Join(shown, "|"), fmt.Sprintf("S%02d ", i)); n != 1 {
			t.Errorf("story S%02d shown %d times in the digest and its page, want once", i, n)
		}
	}
	if got := joined(send("/digest")); !strings.Contains(got, text("en", msgNothingNew)) {
		t.Fatalf("/digest again: %q, want the nothing-new answer", got)
	}
}
