package bot

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
)

// TestAdminCommandsAuthorization: every bot-admin command, from an admin
// and from anyone else, in both languages. A non-admin must get exactly the
// unknown-command answer, so the commands cannot even be discovered.
func TestAdminCommandsAuthorization(t *testing.T) {
	cmds := []struct {
		cmd   string
		admin map[string]string // lang → reply substring for the admin
		done  func(h *harness) bool
	}{
		{"/stats", map[string]string{"en": "Subscribers</b>: 2", "ar": "المشتركون</b>: 2"}, func(*harness) bool { return true }},
		{"/pushnow", map[string]string{"en": "Pushing digests", "ar": "جارٍ إرسال"}, func(h *harness) bool { return h.pushes() == 1 }},
		{"/pushnow 42", map[string]string{"en": "of 1", "ar": "من 1"}, func(h *harness) bool { return h.pushes() == 1 }},
		{"/broadcast Hello <all>", map[string]string{"en": "Hello &lt;all&gt;", "ar": "Hello &lt;all&gt;"}, func(h *harness) bool { return h.pending() == 1 }},
		{"/backup", map[string]string{"en": "", "ar": ""}, func(h *harness) bool { return len(h.rec.Calls("sendDocument")) == 1 }},
	}
	for _, c := range cmds {
		for _, lang := range []string{"en", "ar"} {
			for _, isAdmin := range []bool{true, false} {
				name := strings.Fields(c.cmd)[0] + "/" + lang + map[bool]string{true: "/admin", false: "/user"}[isAdmin]
				t.Run(name, func(t *testing.T) {
					h := newHarness(t)
					u := user{id: 77, lang: lang}
					if isAdmin {
						u.id = adminID
					}
					h.sayText(u, "/start")
					h.sayText(user{id: 42, lang: "en"}, "/start")
					got := h.sayText(u, c.cmd)
					h.bot.bg.Wait()
					if !isAdmin {
						if want := text(lang, msgUnknown); got != want {
							t.Fatalf("non-admin %s: %q, want exactly the unknown-command answer %q", c.cmd, got, want)
						}
						if h.pushes()+h.pending()+len(h.rec.Calls("sendDocument")) != 0 {
							t.Fatalf("non-admin %s did something", c.cmd)
						}
						return
					}
					if !strings.Contains(got, c.admin[lang]) {
						t.Errorf("admin %s: %q, want %q", c.cmd, got, c.admin[lang])
					}
					if !c.done(h) {
						t.Errorf("admin %s had no effect", c.cmd)
					}
				})
			}
		}
	}
}

func (h *harness) pushes() int {
	h.ops.mu.Lock()
	defer h.ops.mu.Unlock()
	return len(h.ops.pushed)
}

func (h *harness) pending() int {
	h.bot.pending.mu.Lock()
	defer h.bot.pending.mu.Unlock()
	return len(h.bot.pending.m)
}

func TestPushNowEditsOneMessage(t *testing.T) {
	h := newHarness(t)
	admin := user{id: adminID, lang: "en"}
	msgs := h.say(admin, private(admin), "/pushnow")
	h.bot.bg.Wait()
	if len(msgs) != 1 {
		t.Fatalf("/pushnow sent %d messages, want 1 progress message", len(msgs))
	}
	edits := h.fake.Edits()
	if len(edits) == 0 {
		t.Fatal("progress message never edited")
	}
	for _, e := range edits {
		if e.MessageID != msgs[0].MessageID {
			t.Errorf("edit of message %d, want only %d", e.MessageID, msgs[0].MessageID)
		}
	}
	if last := edits[len(edits)-1].Text; last != "Push finished: 5 of 5." {
		t.Errorf("final progress %q", last)
	}
	if got := h.newTo(adminID); len(got) != 0 {
		t.Errorf("extra messages: %v", got)
	}
}

func TestBroadcastConfirmation(t *testing.T) {
	h := newHarness(t)
	admin, other := user{id: adminID, lang: "en"}, user{id: 5, lang: "en"}
	msgs := h.say(admin, private(admin), "/broadcast <b>Maintenance</b> tonight")
	kb := h.lastMarkup(adminID)
	send := button(t, kb, "Send")
	h.press(other, private(admin), msgs[0].MessageID, send) // not the admin: ignored
	if len(h.ops.broadcasts) != 0 {
		t.Fatal("a non-admin confirmed a broadcast")
	}
	h.press(admin, private(admin), msgs[0].MessageID, send)
	if !slices.Equal(h.ops.broadcasts, []string{"&lt;b&gt;Maintenance&lt;/b&gt; tonight"}) {
		t.Fatalf("broadcasts = %q, want the escaped text once", h.ops.broadcasts)
	}
	h.press(admin, private(admin), msgs[0].MessageID, send) // double tap
	if len(h.ops.broadcasts) != 1 {
		t.Fatal("a second tap sent the broadcast again")
	}
	edits := h.fake.Edits()
	if !strings.Contains(edits[0].Text, "queued for 3 chats") || !strings.Contains(edits[1].Text, "expired") {
		t.Errorf("edits = %+v", edits)
	}
	// Cancel, and expiry after the TTL.
	msgs = h.say(admin, private(admin), "/broadcast again")
	h.press(admin, private(admin), msgs[0].MessageID, button(t, h.lastMarkup(adminID), "Cancel"))
	msgs = h.say(admin, private(admin), "/broadcast later")
	h.clock = h.clock.Add(pendingTTL + time.Minute)
	h.press(admin, private(admin), msgs[0].MessageID, button(t, h.lastMarkup(adminID), "Send"))
	if len(h.ops.broadcasts) != 1 {
		t.Errorf("cancelled or expired broadcasts were sent: %q", h.ops.broadcasts)
	}
}

// TestBackupIsAConsistentDatabase opens the document the bot uploaded as a
// bbolt file and finds the subscribers in it.
func TestBackupIsAConsistentDatabase(t *testing.T) {
	h := newHarness(t)
	admin := user{id: adminID, lang: "en"}
	h.sayText(admin, "/start")
	h.sayText(user{id: 42, lang: "ar"}, "/start")
	h.fake.SetAdmins(groupID, adminID)
	h.say(admin, group(groupID), "/backup") // in a group: the file still goes to the admin's private chat
	docs := h.rec.Calls("sendDocument")
	if len(docs) != 1 || docs[0].Params.Get("chat_id") != "900" {
		t.Fatalf("sendDocument calls = %d, to %v", len(docs), docs)
	}
	path := filepath.Join(t.TempDir(), "backup.db")
	if err := os.WriteFile(path, docs[0].Files["document"], 0o600); err != nil {
		t.Fatal(err)
	}
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: time.Second, ReadOnly: true})
	if err != nil {
		t.Fatalf("backup is not a bbolt file: %v", err)
	}
	defer db.Close()
	// Read-only: NewStore would need a write transaction, so read the bucket.
	err = db.View(func(tx *bolt.Tx) error {
		b := tx.Bucket([]byte("subscriptions.subscribers"))
		if b == nil || b.Stats().KeyN != 2 {
			t.Errorf("backup does not hold the 2 subscribers")
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestStatsFigures(t *testing.T) {
	h := newHarness(t)
	admin := user{id: adminID, lang: "en"}
	h.sayText(admin, "/start")
	h.sayText(user{id: 1, lang: "ar"}, "/start")
	h.sayText(user{id: 1, lang: "ar"}, "/subscribe politics")
	h.sayText(user{id: 2, lang: "en"}, "/start")
	h.sayText(user{id: 2, lang: "en"}, "/pause")
	got := h.sayText(admin, "/stats")
	for _, want := range []string{"Subscribers</b>: 3 (active 2, paused 1, blocked 0)", "Politics\u2069 1", "Articles today: 12", "2026-11-28 08:00 UTC", "failed: 1"} {
		if !strings.Contains(got, want) {
			t.Errorf("/stats lacks %q:\n%s", want, got)
		}
	}
}

func TestAdminCommandsWithoutOps(t *testing.T) {
	h := newHarness(t)
	h.bot.ops, h.bot.db = nil, nil
	admin := user{id: adminID, lang: "en"}
	for _, cmd := range []string{"/pushnow", "/broadcast hi", "/backup"} {
		if got := h.sayText(admin, cmd); got != text("en", msgOpsUnavailable) {
			t.Errorf("%s without ops: %q", cmd, got)
		}
	}
	if got := h.sayText(admin, "/stats"); !strings.Contains(got, "Subscribers") || strings.Contains(got, "Delivery") {
		t.Errorf("/stats without ops: %q", got)
	}
}

func TestParseAdmins(t *testing.T) {
	tests := []struct {
		in   string
		want []int64
		ok   bool
	}{
		{"", nil, true}, {"1", []int64{1}, true}, {"1, 22 ;333", []int64{1, 22, 333}, true},
		{"abc", nil, false}, {"-5", nil, false}, {"1,,2", []int64{1, 2}, true},
	}
	for _, tt := range tests {
		got, err := ParseAdmins(tt.in)
		if (err == nil) != tt.ok || !slices.Equal(got, tt.want) {
			t.Errorf("ParseAdmins(%q) = %v, %v", tt.in, got, err)
		}
	}
}
