package delivery_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	bolt "go.etcd.io/bbolt"

	"newsdigest/bot/bottest"
	"newsdigest/delivery"
	"newsdigest/digest"
	"newsdigest/metrics"
	"newsdigest/news"
	"newsdigest/subscriptions"
)

// Headlines of testdata/alerts.json's stories, as the engine titles them.
const (
	quakeTitle  = "Izmir"     // Wire A, B, C (and E): breaking
	damTitle    = "Derna"     // Wire A, B: two outlets only
	fireTitle   = "Baiji"     // three reports, all Wire D
	ferryTitle  = "Zanzibar"  // Wire A, B, C
	bridgeTitle = "Genoa"     // Wire A, B, C
	strikeTitle = "Rotterdam" // Wire A, B, C
	alertMark   = "🚨"
)

// fixture is testdata/alerts.json: reports of a few events by outlets
// "Wire A"…"Wire E", each published min minutes after a base time.
type fixture []struct {
	ID, Source, Lang, Title, Text string
	Min                           int
}

func loadFixture(t testing.TB) fixture {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "alerts.json"))
	if err != nil {
		t.Fatal(err)
	}
	var f fixture
	if err := json.Unmarshal(b, &f); err != nil {
		t.Fatal(err)
	}
	return f
}

// addReports stores the fixture's articles whose IDs start with one of
// prefixes, published base + their minute, first seen now (the clock).
func (h *harness) addReports(f fixture, base time.Time, prefixes ...string) {
	h.t.Helper()
	var arts []news.Article
	for _, r := range f {
		for _, p := range prefixes {
			if strings.HasPrefix(r.ID, p) {
				arts = append(arts, news.Article{Article: digest.Article{ID: r.ID, URL: "https://example.com/" + r.ID, Title: r.Title,
					Text: r.Text, Source: r.Source, Lang: r.Lang, Published: base.Add(time.Duration(r.Min) * time.Minute)}, Feed: "t"})
			}
		}
	}
	if _, err := h.articles.Add(context.Background(), arts); err != nil {
		h.t.Fatal(err)
	}
}

// alertSub is a subscriber with alerts on (unless off is set) in zone.
func alertSub(id int64, lang, zone string, change func(*subscriptions.Subscriber)) subscriptions.Subscriber {
	s := subscriptions.New(id, subscriptions.ChatPrivate, lang, time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC))
	s.TimeZone, s.Alerts, s.MaxStories = zone, true, 50
	if change != nil {
		change(&s)
	}
	return s
}

func (h *harness) put(subs ...subscriptions.Subscriber) {
	h.t.Helper()
	if err := h.subs.PutMany(context.Background(), subs); err != nil {
		h.t.Fatal(err)
	}
}

func (h *harness) check(svc *delivery.Service) {
	h.t.Helper()
	if err := svc.CheckAlerts(context.Background()); err != nil {
		h.t.Fatal(err)
	}
	settle(h.t, svc)
}

// alertsTo returns the alerts chat received so far.
func (h *harness) alertsTo(chat int64) []string {
	var out []string
	for _, m := range h.srv.SentTo(chat) {
		if strings.HasPrefix(m.Text, alertMark) {
			out = append(out, m.Text)
		}
	}
	return out
}

func (h *harness) wantAlerts(chat int64, titles ...string) {
	h.t.Helper()
	got := h.alertsTo(chat)
	if len(got) != len(titles) {
		h.t.Fatalf("chat %d got %d alerts, want %d (%v):\n%s", chat, len(got), len(titles), titles, strings.Join(got, "\n---\n"))
	}
	for i, title := range titles {
		if !strings.Contains(got[i], title) {
			h.t.Errorf("chat %d alert %d is not about %q:\n%s", chat, i, title, got[i])
		}
	}
}

// TestAlertFiresOnceForAThreeOutletStory: a story three outlets carried
// within the hour reaches, once, the chats with alerts on that it
// matches: not the chat with alerts off, not the sport-only chat nor the
// chat whose keyword it lacks; two outlets, or three reports of one
// outlet, alert nobody. A fourth outlet joining later, and checks with
// nothing new, send nothing more.
func TestAlertFiresOnceForAThreeOutletStory(t *testing.T) {
	now := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
	reg := prometheus.NewRegistry()
	h := newHarness(t, options{fake: fastFake.fake, sender: fastFake.sender, now: now, cfg: delivery.Config{Metrics: metrics.New(reg)}})
	f := loadFixture(t)
	h.put(
		alertSub(1, "en", "UTC", nil),
		alertSub(2, "en", "UTC", func(s *subscriptions.Subscriber) { s.Alerts = false }),
		alertSub(3, "en", "UTC", func(s *subscriptions.Subscriber) { s.Topics = []string{"sport"} }),
		alertSub(4, "en", "UTC", func(s *subscriptions.Subscriber) { s.Include = []string{"football"} }),
		alertSub(5, "ar", "Asia/Baghdad", func(s *subscriptions.Subscriber) {
			s.Include = []string{"izmir"}
			s.StoryLangs = subscriptions.StoriesBoth
		}),
	)
	h.addReports(f, now.Add(-55*time.Minute), "quake-a", "quake-b", "quake-c", "dam-", "fire-")
	svc := h.service()
	run(t, svc)
	h.check(svc)
	h.wantAlerts(1, quakeTitle)
	h.wantAlerts(5, quakeTitle)
	for _, id := range []int64{2, 3, 4} {
		h.wantAlerts(id)
	}
	got := h.alertsTo(1)[0]
	for _, w := range []string{"Sources: ", "Wire A", "Wire B", "Wire C", `href="https://example.com/quake-`} {
		if !strings.Contains(got, w) {
			t.Errorf("the alert lacks %q:\n%s", w, got)
		}
	}
	if strings.Count(got, "\n") != 2 {
		t.Errorf("an alert is headline, one summary line and the sources; got:\n%s", got)
	}
	if ar := h.alertsTo(5)[0]; !strings.Contains(ar, "المصادر: ") {
		t.Errorf("the Arabic chat's alert is not labelled in Arabic:\n%s", ar)
	}
	h.check(svc) // nothing new
	h.clock.Set(now.Add(10 * time.Minute))
	h.addReports(f, now.Add(-55*time.Minute), "quake-e")
	h.check(svc)
	h.wantAlerts(1, quakeTitle)
	h.wantAlerts(5, quakeTitle)
	for name, want := range map[string]float64{"newsdigest_breaking_stories_total": 1, "newsdigest_alerts_queued_total": 2} {
		if got := counter(t, reg, name); got != want {
			t.Errorf("%s = %g, want %g", name, got, want)
		}
	}
}

func counter(t *testing.T, reg *prometheus.Registry, name string) float64 {
	t.Helper()
	families, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range families {
		if f.GetName() == name {
			return f.GetMetric()[0].GetCounter().GetValue()
		}
	}
	t.Fatalf("no metric %s", name)
	return 0
}

// TestAlertRespectsQuietHours: at 20:30 UTC it is 23:30 in Baghdad and
// 15:30 in New York: only the New York chat gets the alert. The Baghdad
// chat does not get it later either (a late alert is dropped, not
// delayed), and its next digest carries the story instead.
func TestAlertRespectsQuietHours(t *testing.T) {
	now := time.Date(2026, 12, 1, 20, 30, 0, 0, time.UTC)
	h := newHarness(t, options{fake: fastFake.fake, sender: fastFake.sender, now: now})
	f := loadFixture(t)
	h.put(alertSub(1, "en", "Asia/Baghdad", nil), alertSub(2, "en", "America/New_York", nil),
		alertSub(3, "en", "Asia/Tokyo", nil)) // 05:30 in Tokyo: quiet too
	h.addReports(f, now.Add(-50*time.Minute), "quake-a", "quake-b", "quake-c")
	svc := h.service()
	run(t, svc)
	h.check(svc)
	h.wantAlerts(2, quakeTitle)
	h.wantAlerts(1)
	h.wantAlerts(3)
	h.clock.Set(time.Date(2026, 12, 2, 4, 5, 0, 0, time.UTC)) // 07:05 in Baghdad
	h.addReports(f, now.Add(-50*time.Minute), "quake-e")
	h.check(svc)
	h.wantAlerts(1)
	if _, err := svc.Push(context.Background(), []int64{1}); err != nil {
		t.Fatal(err)
	}
	settle(t, svc)
	if got := h.srv.SentTo(1); len(got) != 1 || !strings.Contains(got[0].Text, quakeTitle) {
		t.Errorf("the quiet chat's digest does not carry the story it was not alerted to: %v", got)
	}
}

// TestAlertDailyCap: with a cap of 2, three breaking stories in one
// morning bring two alerts; the third waits for the digest. On the next
// local day the count starts again.
func TestAlertDailyCap(t *testing.T) {
	now := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	h := newHarness(t, options{fake: fastFake.fake, sender: fastFake.sender, now: now, cfg: delivery.Config{AlertsPerDay: 2}})
	f := loadFixture(t)
	h.put(alertSub(1, "en", "Asia/Baghdad", nil)) // 12:00 there
	svc := h.service()
	run(t, svc)
	h.addReports(f, now.Add(-45*time.Minute), "quake-a", "quake-b", "quake-c")
	h.check(svc)
	h.clock.Set(now.Add(30 * time.Minute))
	h.addReports(f, now.Add(-15*time.Minute), "ferry-")
	h.check(svc)
	h.clock.Set(now.Add(time.Hour))
	h.addReports(f, now.Add(15*time.Minute), "bridge-")
	h.check(svc)
	h.wantAlerts(1, quakeTitle, ferryTitle)
	next := time.Date(2026, 12, 2, 9, 0, 0, 0, time.UTC)
	h.clock.Set(next)
	h.addReports(f, next.Add(-40*time.Minute), "strike-")
	h.check(svc)
	h.wantAlerts(1, quakeTitle, ferryTitle, strikeTitle)
}

// TestAlertedStoryLeftOutOfTheNextDigest: the chat alerted to the quake
// gets a digest of the other stories; the chat with alerts off gets the
// quake in its digest.
func TestAlertedStoryLeftOutOfTheNextDigest(t *testing.T) {
	now := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
	h := newHarness(t, options{fake: fastFake.fake, sender: fastFake.sender, now: now})
	f := loadFixture(t)
	h.put(alertSub(1, "en", "UTC", nil), alertSub(2, "en", "UTC", func(s *subscriptions.Subscriber) { s.Alerts = false }))
	h.addReports(f, now.Add(-55*time.Minute), "quake-a", "quake-b", "quake-c", "dam-")
	svc := h.service()
	run(t, svc)
	h.check(svc)
	h.wantAlerts(1, quakeTitle)
	h.clock.Set(now.Add(10 * time.Minute))
	h.addReports(f, now.Add(-55*time.Minute), "quake-e") // the story grows after the alert
	if _, err := svc.Push(context.Background(), []int64{1, 2}); err != nil {
		t.Fatal(err)
	}
	settle(t, svc)
	digestOf := func(chat int64) string {
		var b strings.Builder
		for _, m := range h.srv.SentTo(chat) {
			if !strings.HasPrefix(m.Text, alertMark) {
				b.WriteString(m.Text + "\n")
			}
		}
		return b.String()
	}
	if d := digestOf(1); strings.Contains(d, quakeTitle) || !strings.Contains(d, damTitle) {
		t.Errorf("alerted chat's digest must hold the dam story and not the quake:\n%s", d)
	}
	if d := digestOf(2); !strings.Contains(d, quakeTitle) || !strings.Contains(d, damTitle) {
		t.Errorf("the chat without alerts must get both stories in its digest:\n%s", d)
	}
}

// TestAlertSurvivesRestart: alerts queued and not yet sent when the
// process stops go out after the restart, once; checking again after
// each reopen of the database file sends nothing more.
func TestAlertSurvivesRestart(t *testing.T) {
	now := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
	h := newHarness(t, options{fake: fastFake.fake, sender: fastFake.sender, now: now})
	path := filepath.Join(t.TempDir(), "alerts.db")
	h.reopen(path)
	f := loadFixture(t)
	h.put(alertSub(1, "en", "UTC", nil), alertSub(2, "ar", "Asia/Baghdad", nil))
	h.addReports(f, now.Add(-55*time.Minute), "quake-a", "quake-b", "quake-c")
	svc := h.service() // not running: the records stay queued
	if err := svc.CheckAlerts(context.Background()); err != nil {
		t.Fatal(err)
	}
	if err := svc.Close(); err != nil {
		t.Fatal(err)
	}
	for round := range 2 {
		h.reopen(path)
		h.clock.Set(now.Add(time.Duration(round+1) * 5 * time.Minute))
		h.addReports(f, now.Add(-55*time.Minute), "quake-e", "dam-") // new articles: the check runs in full
		svc := h.service()
		stop := run(t, svc)
		h.check(svc)
		stop()
		h.wantAlerts(1, quakeTitle)
		h.wantAlerts(2, quakeTitle)
	}
}

// reopen closes the harness's database (if it is path) and opens path
// afresh with new stores, as a restarted process would.
func (h *harness) reopen(path string) {
	h.t.Helper()
	if h.db.Path() == path {
		if err := h.db.Close(); err != nil {
			h.t.Fatal(err)
		}
	}
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: time.Second})
	if err != nil {
		h.t.Fatal(err)
	}
	h.t.Cleanup(func() { _ = db.Close() })
	ctx := context.Background()
	h.db = db
	if h.subs, err = subscriptions.NewStore(ctx, db, subscriptions.WithClock(h.clock.Now)); err != nil {
		h.t.Fatal(err)
	}
	if h.articles, err = news.NewStore(ctx, db, news.WithClock(h.clock.Now)); err != nil {
		h.t.Fatal(err)
	}
}

// TestAlertNeedsThreeOutletsWithinAnHourJustNow: three outlets whose
// reports are spread over two hours, or three within an hour that was
// the day before (a feed fetched late, a first fetch), alert nobody;
// three within an hour whose third came 45 minutes ago do.
func TestAlertNeedsThreeOutletsWithinAnHourJustNow(t *testing.T) {
	now := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
	h := newHarness(t, options{fake: fastFake.fake, sender: fastFake.sender, now: now})
	f := loadFixture(t)
	h.put(alertSub(1, "en", "UTC", nil))
	svc := h.service()
	run(t, svc)
	// quake: a at -110 min, b at -70, c at -10: no hour holds all three.
	h.addReports(f, now.Add(-110*time.Minute), "quake-a")
	h.addReports(f, now.Add(-90*time.Minute), "quake-b")
	h.addReports(f, now.Add(-50*time.Minute), "quake-c")
	// strike: 0, 10, 20 minutes after 13:00 the day before.
	h.addReports(f, now.Add(-21*time.Hour), "strike-")
	h.check(svc)
	h.wantAlerts(1)
	// ferry: a at -100 min, b at -50, c at -45: the hour before c holds all three.
	h.clock.Set(now.Add(time.Minute))
	h.addReports(f, now.Add(-99*time.Minute), "ferry-a")
	h.addReports(f, now.Add(-59*time.Minute), "ferry-b")
	h.addReports(f, now.Add(-74*time.Minute), "ferry-c")
	h.check(svc)
	h.wantAlerts(1, ferryTitle)
}

// TestAlertFollowsAGroupToItsSupergroup: a group that became a supergroup
// gets its alert there, and the supergroup's digest leaves the story out.
func TestAlertFollowsAGroupToItsSupergroup(t *testing.T) {
	now := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
	h := newHarness(t, options{fake: fastFake.fake, sender: fastFake.sender, now: now})
	f := loadFixture(t)
	h.put(alertSub(-7, "en", "UTC", func(s *subscriptions.Subscriber) { s.ChatType = subscriptions.ChatGroup }))
	h.srv.SetFault(-7, bottest.Fault{Kind: bottest.Migrated, MigrateTo: -1007})
	h.addReports(f, now.Add(-55*time.Minute), "quake-a", "quake-b", "quake-c", "dam-")
	svc := h.service()
	run(t, svc)
	h.check(svc)
	h.wantAlerts(-7)
	h.wantAlerts(-1007, quakeTitle)
	if _, err := svc.Push(context.Background(), []int64{-1007}); err != nil {
		t.Fatal(err)
	}
	settle(t, svc)
	var digestText string
	for _, m := range h.srv.SentTo(-1007)[1:] {
		digestText += m.Text
	}
	if strings.Contains(digestText, quakeTitle) || !strings.Contains(digestText, damTitle) {
		t.Errorf("the supergroup's digest must hold the dam story and not the quake it was alerted to:\n%s", digestText)
	}
}

// TestNoAlertForAStoryJustSentInADigest: a chat whose digest went out
// after the story broke (its delivery time fell in the same minute as the
// check) is not alerted to it again; a chat without that digest is.
func TestNoAlertForAStoryJustSentInADigest(t *testing.T) {
	now := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
	h := newHarness(t, options{fake: fastFake.fake, sender: fastFake.sender, now: now})
	f := loadFixture(t)
	h.put(alertSub(1, "en", "UTC", nil), alertSub(2, "en", "UTC", nil))
	h.addReports(f, now.Add(-55*time.Minute), "quake-a", "quake-b", "quake-c")
	svc := h.service()
	run(t, svc)
	if _, err := svc.Push(context.Background(), []int64{1}); err != nil {
		t.Fatal(err)
	}
	settle(t, svc)
	if got := h.srv.SentTo(1); len(got) != 1 || !strings.Contains(got[0].Text, quakeTitle) {
		t.Fatalf("chat 1's digest: %v", got)
	}
	h.check(svc)
	h.wantAlerts(1)
	h.wantAlerts(2, quakeTitle)
}
