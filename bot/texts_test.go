package bot

import (
	"regexp"
	"slices"
	"strings"
	"testing"
	"unicode/utf16"
)

// TestCatalogueComplete: every text exists in both languages with the same
// format verbs in the same order, so a message can never show "%!s(MISSING)"
// in one language only.
func TestCatalogueComplete(t *testing.T) {
	verbs := regexp.MustCompile(`%[a-z]`)
	en, ar := catalogue("en"), catalogue("ar")
	if len(en) != len(ar) {
		t.Fatalf("en has %d texts, ar %d", len(en), len(ar))
	}
	for k, e := range en {
		a, ok := ar[k]
		if !ok || a == "" || e == "" {
			t.Errorf("text %d missing or empty (en %q, ar %q)", k, e, a)
			continue
		}
		if ve, va := verbs.FindAllString(e, -1), verbs.FindAllString(a, -1); !slices.Equal(ve, va) {
			t.Errorf("text %d: en verbs %v, ar verbs %v", k, ve, va)
		}
		if n := len(utf16.Encode([]rune(e + a))); n > 4096 {
			t.Errorf("text %d too long for one message", k)
		}
	}
}

func TestUserTextEscapesAndIsolates(t *testing.T) {
	got := userText(`<a href="x">&</a>`)
	if got != "\u2068&lt;a href=&#34;x&#34;&gt;&amp;&lt;/a&gt;\u2069" {
		t.Errorf("userText = %q", got)
	}
	if l := userList("ar", []string{"a", "b"}); !strings.Contains(l, "، ") {
		t.Errorf("Arabic list separator missing: %q", l)
	}
}

func TestCommandMenus(t *testing.T) {
	for _, lang := range []string{"", "en", "ar"} {
		menu := commandMenu(lang)
		for _, c := range menu {
			if c.Command != strings.ToLower(c.Command) || c.Description == "" || len(c.Command) > 32 {
				t.Errorf("%s menu entry %+v", lang, c)
			}
		}
	}
}

func TestCommandMenusMatchRoutes(t *testing.T) {
	b := &Bot{}
	routes := b.routes()
	en, ar := commandMenu("en"), commandMenu("ar")
	if len(en) != len(ar) {
		t.Fatalf("menus differ in length: %d vs %d", len(en), len(ar))
	}
	for i, c := range en {
		if ar[i].Command != c.Command {
			t.Errorf("menu %d: en %s, ar %s", i, c.Command, ar[i].Command)
		}
		if rt, ok := routes[c.Command]; !ok || rt.access == botAdmin {
			t.Errorf("menu lists /%s, which is not a subscriber command", c.Command)
		}
	}
}
