package bot

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"newsdigest/digest"
	"newsdigest/internal/tgemu"
	"newsdigest/news"
)

// TestEndToEndBreakingAlert plays /alerts against the real client, the
// real delivery service and the telegram-test-api emulator: a user turns
// alerts on; three outlets report the Izmir earthquake within the hour
// (delivery's testdata/alerts.json), and the alert arrives once, even
// when the check runs again; a chat without alerts gets none; the
// alerted user's /digest then holds the other story and not the quake.
func TestEndToEndBreakingAlert(t *testing.T) {
	now := time.Date(2026, 12, 1, 11, 0, 0, 0, time.UTC)
	e := startE2EAt(t, nil, func() time.Time { return now })
	emu, ctx, articles, svc := e.emu, e.ctx, e.articles, e.svc
	alerted, other := tgemu.User{ID: 6001, Name: "Sam", LangCode: "en"}, tgemu.User{ID: 6002, Name: "ليلى", LangCode: "ar"}
	send := func(u tgemu.User, text string) string {
		t.Helper()
		if err := emu.SendCommand(ctx, u, text); err != nil {
			t.Fatal(err)
		}
		return joined(emu.WaitMessages(t, u.ID, 1, 20*time.Second))
	}
	send(alerted, "/start")
	send(other, "/start")
	if got := send(alerted, "/alerts on"); !strings.Contains(got, "now <b>on</b>") && !strings.Contains(got, "now on") {
		t.Fatalf("/alerts on: %q", got)
	}
	if got := send(other, "/alerts"); !strings.Contains(got, "متوقفة") {
		t.Fatalf("/alerts (Arabic, off): %q", got)
	}
	addFixture(t, articles, now.Add(-55*time.Minute), "quake-a", "quake-b", "quake-c", "dam-a", "dam-b")
	for range 2 {
		if err := svc.CheckAlerts(ctx); err != nil {
			t.Fatal(err)
		}
	}
	got := emu.WaitMessages(t, alerted.ID, 1, 20*time.Second)
	if len(got) != 1 || !strings.HasPrefix(got[0].Text(), "🚨") || !strings.Contains(got[0].Text(), "Izmir") ||
		!strings.Contains(got[0].Text(), "Wire C") {
		t.Fatalf("want one alert about the Izmir quake from three outlets, got: %s", joined(got))
	}
	if _, mode, _ := got[0].Fields(); mode != "HTML" {
		t.Errorf("alert parse_mode %q, want HTML", mode)
	}
	emu.Quiet(t, other.ID, time.Second)
	digestText := send(alerted, "/digest")
	if strings.Contains(digestText, "Izmir") || !strings.Contains(digestText, "Derna") {
		t.Fatalf("the digest after the alert must hold the Derna story and not the quake:\n%s", digestText)
	}
}

// addFixture stores the reports of delivery's alert fixture whose IDs
// start with one of prefixes, published base + their minute.
func addFixture(t *testing.T, articles *news.Store, base time.Time, prefixes ...string) {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "delivery", "testdata", "alerts.json"))
	if err != nil {
		t.Fatal(err)
	}
	var f []struct {
		ID, Source, Lang, Title, Text string
		Min                           int
	}
	if err := json.Unmarshal(data, &f); err != nil {
		t.Fatal(err)
	}
	var arts []news.Article
	for _, r := range f {
		for _, p := range prefixes {
			if strings.HasPrefix(r.ID, p) {
				arts = append(arts, news.Article{Article: digest.Article{ID: r.ID, URL: "https://example.com/" + r.ID, Title: r.Title,
					Text: r.Text, Source: r.Source, Lang: r.Lang, Published: base.Add(time.Duration(r.Min) * time.Minute)}, Feed: "t"})
			}
		}
	}
	if _, err := articles.Add(context.Background(), arts); err != nil {
		t.Fatal(err)
	}
}
