package delivery

import (
	"encoding/xml"
	"errors"
	"io"
	"strings"
	"testing"

	"newsdigest/digest"
)

// FuzzRenderAlert: whatever a feed put in a story, an alert is one
// Telegram message of three lines at most (🚨 headline, summary,
// sources), well formed (Telegram's HTML subset is XML-shaped: checked
// with encoding/xml), linking only http(s) addresses.
func FuzzRenderAlert(f *testing.F) {
	f.Add("زلزال قوي يضرب إزمير", "ضرب زلزال بقوة 6.8 درجات مدينة إزمير. وانهارت مبان.", "وكالة أ", "https://example.com/a", 3, "ar")
	f.Add("<b>x</b>\nline", strings.Repeat("& 😀 <i>", 3000), "", "javascript:alert(1)", 40, "en")
	f.Fuzz(func(t *testing.T, title, summary, source, url string, n int, lang string) {
		n = 1 + max(n, -n)%60
		st := digest.Story{ID: "s", Title: title, Summary: summary}
		for range n {
			st.Sources = append(st.Sources, digest.Source{Name: source, URL: url})
		}
		m := renderAlert(st, lang)
		if !strings.HasPrefix(m, "🚨 <b>") || strings.Count(m, "\n") > 2 {
			t.Fatalf("not a three-line alert: %.300q", m)
		}
		if u := digest.UTF16Len(m); u > digest.MaxMessageUTF16 {
			t.Fatalf("alert of %d UTF-16 units", u)
		}
		checkWellFormed(t, m)
		if strings.Contains(m, `<a href="`) && !strings.HasPrefix(url, "http://") && !strings.HasPrefix(url, "https://") {
			t.Fatalf("link to %q rendered", url)
		}
	})
}

func checkWellFormed(t *testing.T, m string) {
	t.Helper()
	d := xml.NewDecoder(strings.NewReader("<m>" + m + "</m>"))
	d.Strict = true
	for {
		tok, err := d.Token()
		if errors.Is(err, io.EOF) {
			return
		}
		if err != nil {
			t.Fatalf("not well formed (%v): %.300q", err, m)
		}
		if el, ok := tok.(xml.StartElement); ok && el.Name.Local != "m" && el.Name.Local != "b" && el.Name.Local != "a" {
			t.Fatalf("tag <%s> in an alert: %.300q", el.Name.Local, m)
		}
	}
}
