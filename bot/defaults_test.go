package bot

import (
	"context"
	"slices"
	"testing"
)

// TestNewSubscribersGetTheOperatorsDefaults: a chat that subscribes gets
// the configured zone and delivery times until it chooses its own.
func TestNewSubscribersGetTheOperatorsDefaults(t *testing.T) {
	h := newHarness(t, func(c *Config) { c.DefaultTimes = []string{"07:15", "19:00"} })
	u := user{id: 31, lang: "en"}
	h.say(u, private(u), "/start")
	sub, err := h.subs.Get(context.Background(), u.id)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(sub.Times, []string{"07:15", "19:00"}) || sub.TimeZone != "Asia/Baghdad" {
		t.Fatalf("new subscriber: times %v zone %q, want [07:15 19:00] in Asia/Baghdad", sub.Times, sub.TimeZone)
	}
}
