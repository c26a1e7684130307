package delivery

import (
	"strconv"
	"strings"

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
	b.WriteString("🚨 <b>" + isolate(digest.ClipRunes(st.Title, alertTitleRunes)) + "</b>")
	if line := summaryLine(st); line != "" {
		b.WriteString("\n" + isolate(line))
	}
	names := make([]string, 0, min(len(st.Sources), alertLinks))
	for _, src := range st.Sources[:min(len(st.Sources), alertLinks)] {
		names = append(names, digest.LinkHTML(isolate(digest.ClipRunes(src.Name, digest.MaxSourceRunes)), src.URL))
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
	line := digest.ClipRunes(strings.TrimSpace(sents[0]), alertSummaryRunes)
	if digest.Normalize(line) == digest.Normalize(st.Title) {
		return ""
	}
	return line
}

func isolate(s string) string { return digest.EscapeHTML("\u2068" + s + "\u2069") }
