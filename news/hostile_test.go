package news

import (
	"strings"
	"testing"
	"unicode"

	"github.com/mmcdole/gofeed"
)

// hostileControls are what a hostile or careless source puts in text to
// recolour, retitle or hyperlink a terminal, or to make text read backwards.
var hostileControls = []string{"\x1b", "\u009b", "\u009d", "\a", "\x00", "\u202e", "\u202d", "\u202a", "[31m", "]0;", "8;;"}

func assertNoControls(t *testing.T, what, s string) {
	t.Helper()
	for _, c := range hostileControls {
		if strings.Contains(s, c) {
			t.Errorf("%s keeps %q: %q", what, c, s)
		}
	}
}

// TestSeedsStripControls: seed files lose terminal escapes (CSI, OSC, C1
// forms), other control characters and bidi overrides, as feed items do,
// while the text around them, line breaks and bidi isolates stay.
func TestSeedsStripControls(t *testing.T) {
	txt := "\x1b[31mRed\x1b[0m alert \x1b]0;pwned\a title\n\n" +
		"Text \x1b]8;;http://evil.example\x1b\\link\x1b]8;;\x1b\\ with \u202eoverride\u202c and \u2068isolate\u2069.\n" +
		"Second\x00 paragraph \u009b2J\u009d0;x\u009c done.\n"
	md := "---\ntitle: \"\\e[1mBold\\e[0m front\\u202e matter\"\nsource: \"Wire\\a\"\n---\n" +
		"Body \x1b[2Kline \u202dforced.\n"
	for name, data := range map[string]string{"hostile.txt": txt, "hostile.md": md} {
		a, err := ParseSeed(name, []byte(data))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		for what, s := range map[string]string{"title": a.Title, "text": a.Text, "source": a.Source} {
			assertNoControls(t, name+" "+what, s)
		}
		switch name {
		case "hostile.txt":
			if a.Title != "Red alert title" {
				t.Errorf("txt title = %q", a.Title)
			}
			if want := "Text link with override and \u2068isolate\u2069.\nSecond paragraph  done."; a.Text != want {
				t.Errorf("txt text = %q, want %q", a.Text, want)
			}
		case "hostile.md":
			if a.Title != "Bold front matter" || a.Source != "Wire" || a.Text != "Body line forced." {
				t.Errorf("md seed = title %q, source %q, text %q", a.Title, a.Source, a.Text)
			}
		}
	}
}

// TestFeedItemsStripEscapeSequences: a feed item's title and text lose whole
// escape sequences, not only the ESC byte ("[31m" used to stay).
func TestFeedItemsStripEscapeSequences(t *testing.T) {
	it := &gofeed.Item{Title: "\x1b[31mRed\x1b[0m title \u202eevil", Description: "<p>Body \x1b]8;;http://evil.example\x07link\x1b]8;;\x07 text</p>", Link: "https://news.example/a"}
	a, ok := NormalizeItem(it, FeedInfo{URL: "https://news.example/rss", Title: "\x1b[5mBlinking\x1b[0m Wire"})
	if !ok {
		t.Fatal("item dropped")
	}
	if a.Title != "Red title evil" || a.Text != "Body link text" || a.Source != "Blinking Wire" {
		t.Errorf("item = title %q, text %q, source %q", a.Title, a.Text, a.Source)
	}
}

// hasControlRune reports a character no stored title or text may hold.
func hasControlRune(s string) bool {
	return strings.ContainsFunc(s, func(r rune) bool {
		return (unicode.IsControl(r) && r != '\n' && r != '\t') || (r >= 0x202a && r <= 0x202e)
	})
}
