package delivery

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"newsdigest/digest"
)

// Caps of an alert: it is meant to be read on a lock screen.
const (
	alertTitleRunes   = 200
	alertSummaryRunes = 220
	alertLinks        = 5 // sources linked by name; the rest are counted
)

// renderAlert is a breaking-news alert in Telegram HTML: 🚨, the headline,
// a one-line summary and the outlets carrying it, each linked to its
// report. Article text is escaped and isolated (an English headline in an
// Arabic chat neither flips nor drags its neighbours). The labels are
// delivery's own: digest's interface texts serve the digest layout.
func renderAlert(st digest.Story, lang string) string {
	var b strings.Builder
	b.WriteString("🚨 <b>" + isolate(digest.ClipRunes(oneLine(st.Title), alertTitleRunes)) + "</b>")
	if line := summaryLine(st); line != "" {
		b.WriteString("\n" + isolate(line))
	}
	names := make([]string, 0, alertLinks)
	for _, src := range st.Sources {
		if name := oneLine(src.Name); name != "" && len(names) < alertLinks {
			names = append(names, digest.LinkHTML(isolate(digest.ClipRunes(name, digest.MaxSourceRunes)), linkable(src.URL)))
		}
	}
	sep, label, more := ", ", "Sources: ", " and %d more"
	if lang == "ar" {
		sep, label, more = "، ", "المصادر: ", " و%d غيرها"
	}
	b.WriteString("\n" + label + strings.Join(names, sep))
	if extra := len(st.Sources) - len(names); extra > 0 {
		b.WriteString(strings.Replace(more, "%d", strconv.Itoa(extra), 1))
	}
	return b.String()
}

// summaryLine is the summary's first sentence, clipped; "" when it only
// repeats the headline.
func summaryLine(st digest.Story) string {
	sents := digest.Sentences(st.Summary)
	if len(sents) == 0 {
		return ""
	}
	line := digest.ClipRunes(oneLine(sents[0]), alertSummaryRunes)
	if digest.Normalize(line) == digest.Normalize(st.Title) {
		return ""
	}
	return line
}

// oneLine joins s's words with single spaces: an alert is three lines.
// Invalid UTF-8 (which Telegram refuses) becomes U+FFFD; control
// characters go.
func oneLine(s string) string {
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) && !unicode.IsSpace(r) {
			return -1
		}
		return r
	}, strings.ToValidUTF8(s, "\uFFFD"))
	return strings.Join(strings.Fields(s), " ")
}

// linkable is href, or "" (no link) when it is not valid UTF-8, which
// digest.LinkHTML does not check.
func linkable(href string) string {
	if !utf8.ValidString(href) || strings.ContainsFunc(href, unicode.IsControl) {
		return ""
	}
	return href
}

func isolate(s string) string { return digest.EscapeHTML("\u2068" + s + "\u2069") }
