package bot

import (
	"strings"
	"testing"
	"time"
)

// TestAlertsCommand: /alerts shows the setting and how alerts decide,
// /alerts on|off (English or Arabic words) changes it and /settings shows
// it; anything else is answered with the usage in the user's language and
// changes nothing.
func TestAlertsCommand(t *testing.T) {
	h := newHarness(t, func(c *Config) { c.AlertsPerDay = 4 })
	en, ar := user{id: 71, lang: "en"}, user{id: 72, lang: "ar"}
	if got := h.sayText(en, "/alerts on"); !strings.Contains(got, "not subscribed") {
		t.Fatalf("/alerts before /start: %q", got)
	}
	h.sayText(en, "/start")
	h.sayText(ar, "/start")
	steps := []struct {
		u            user
		cmd          string
		want, notHas []string
		on           bool
	}{
		{en, "/alerts", []string{"<b>off</b>", "at most 4 alerts a day", "22:00 and 07:00", "Asia/Baghdad", "/alerts on"}, nil, false},
		{en, "/alerts maybe", []string{"maybe", "/alerts on", "/alerts off"}, []string{"now"}, false},
		{en, "/alerts ON", []string{"now <b>on</b>", "at most 4 alerts a day"}, nil, true},
		{en, "/settings", []string{"Breaking-news alerts: on"}, nil, true},
		{en, "/alerts off", []string{"now <b>off</b>"}, []string{"at most"}, false},
		{en, "/settings", []string{"Breaking-news alerts: off"}, nil, false},
		{ar, "/alerts ربما", []string{"ليس خيارًا لـ /alerts", "ربما"}, nil, false},
		{ar, "/alerts تشغيل", []string{"الآن <b>تعمل</b>", "4 تنبيهات في اليوم", "بين 22:00 و07:00"}, nil, true},
		{ar, "/settings", []string{"تنبيهات الأخبار العاجلة: تعمل"}, nil, true},
	}
	for _, st := range steps {
		h.clock = h.clock.Add(2 * time.Second) // within the flood allowance
		got := h.sayText(st.u, st.cmd)
		for _, w := range st.want {
			if !strings.Contains(got, w) {
				t.Errorf("%s (%s): answer lacks %q:\n%s", st.cmd, st.u.lang, w, got)
			}
		}
		for _, w := range st.notHas {
			if strings.Contains(got, w) {
				t.Errorf("%s (%s): answer has %q:\n%s", st.cmd, st.u.lang, w, got)
			}
		}
		if sub := h.sub(st.u.id); sub.Alerts != st.on {
			t.Errorf("after %s (%s): stored alerts %v, want %v", st.cmd, st.u.lang, sub.Alerts, st.on)
		}
	}
	h.clock = h.clock.Add(time.Minute)
	h.sayText(en, "/pause")
	h.sayText(en, "/alerts on")
	if got := h.sayText(en, "/alerts"); !strings.Contains(got, "paused, and so are alerts") {
		t.Errorf("/alerts while paused does not say alerts wait for /resume: %q", got)
	}
}

// TestGroupAlertsOnlyByAdmins: anyone in a group may read /alerts; only
// its administrators may turn alerts on.
func TestGroupAlertsOnlyByAdmins(t *testing.T) {
	h := newHarness(t)
	admin, member := user{id: 1, lang: "en"}, user{id: 2, lang: "en"}
	h.fake.SetAdmins(groupID, admin.id, botID)
	g := group(groupID)
	h.say(admin, g, "/start")
	if got := joinSent(h.say(member, g, "/alerts on")); !strings.Contains(got, "only this chat's administrators") {
		t.Errorf("member's /alerts on: %q", got)
	}
	if h.sub(groupID).Alerts {
		t.Fatal("a member turned the group's alerts on")
	}
	if got := joinSent(h.say(member, g, "/alerts")); !strings.Contains(got, "<b>off</b>") {
		t.Errorf("member's /alerts: %q", got)
	}
	h.say(admin, g, "/alerts on")
	if !h.sub(groupID).Alerts {
		t.Error("the admin's /alerts on did not turn alerts on")
	}
}

// TestAlertsOffByOperator: with alerts turned off in the configuration,
// /alerts says so and /settings has no alerts line.
func TestAlertsOffByOperator(t *testing.T) {
	h := newHarness(t, func(c *Config) { c.AlertsPerDay = -1 })
	u := user{id: 73, lang: "en"}
	h.sayText(u, "/start")
	if got := h.sayText(u, "/alerts on"); !strings.Contains(got, "not available") {
		t.Errorf("/alerts on with alerts off: %q\n%s", got, h.logs.String())
	}
	if h.sub(u.id).Alerts {
		t.Error("alerts turned on although the operator turned them off")
	}
	if got := h.sayText(u, "/settings"); strings.Contains(got, "alerts") {
		t.Errorf("/settings mentions alerts although they are off: %q", got)
	}
}

// TestSettingsAlertsButton: /settings has a button that turns alerts on
// (then off), redrawing the summary in place; a press delivered twice
// changes nothing the second time.
func TestSettingsAlertsButton(t *testing.T) {
	h := newHarness(t)
	u := user{id: 74, lang: "en"}
	h.sayText(u, "/start")
	msgs := h.say(u, private(u), "/settings")
	on := button(t, h.lastMarkup(u.id), "Turn alerts on")
	h.press(u, private(u), msgs[0].MessageID, on)
	if !h.sub(u.id).Alerts {
		t.Fatal("the alerts button did not turn alerts on")
	}
	edits := h.fake.Edits()
	if last := edits[len(edits)-1]; !strings.Contains(last.Text, "Breaking-news alerts: on") {
		t.Errorf("summary not redrawn with alerts on: %q", last.Text)
	}
	h.press(u, private(u), msgs[0].MessageID, on) // the same press again
	if !h.sub(u.id).Alerts {
		t.Fatal("a repeated 'on' press turned alerts off")
	}
	h.press(u, private(u), msgs[0].MessageID, button(t, h.lastMarkup(u.id), "Turn alerts off"))
	if h.sub(u.id).Alerts {
		t.Fatal("the alerts button did not turn alerts off")
	}
	if n := len(h.newTo(u.id)); n != 0 {
		t.Errorf("the alerts button sent %d new messages instead of editing", n)
	}
}
