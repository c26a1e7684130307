package digest

import (
	"fmt"
	"net/url"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// RenderOptions says for whom a digest is rendered.
type RenderOptions struct {
	Lang     string         // UI language "ar" | "en" (anything else: "en")
	Location *time.Location // subscriber's zone for the header date; nil = UTC
	Now      time.Time      // digest time shown in the header; zero = no date line
}

// MaxMessageUTF16 is Telegram's limit on a message text, in UTF-16 code units.
const MaxMessageUTF16 = 4096

// maxLinks is how many source links a story shows before only counting them.
const maxLinks = 3

// Caps on what one feed item can make of a digest; news applies the same at
// ingest. A real headline is under 200 characters, a source name under 50,
// a link under 300 bytes; a hostile feed's 1 MB title must not become
// hundreds of messages to every subscriber.
const (
	MaxTitleRunes  = 300  // a longer title is clipped, ending in "…"
	MaxSourceRunes = 80   // a longer source name (feed title) is clipped
	MaxLinkBytes   = 2048 // a longer link is not stored, and not linked
	// MaxDigestMessages caps the messages of one digest: the lowest-ranked
	// stories beyond it are counted in the "…and N more" line instead.
	MaxDigestMessages = 5
)

// RenderHTML renders a selection as Telegram-HTML messages (parse_mode HTML),
// each at most MaxMessageUTF16 UTF-16 code units. Messages break between
// stories; a story too long for one message is split without breaking a tag,
// an entity or a surrogate pair. All article text is escaped.
// At most MaxDigestMessages messages are sent: the lowest-ranked stories
// beyond them are counted in the "…and N more" line.
func RenderHTML(sel Selection, o RenderOptions) []string {
	msgs, _ := RenderHTMLCapped(sel, o)
	return msgs
}

// RenderHTMLCapped is RenderHTML that also returns the selection its
// messages show: the stories the message cap dropped are moved to the
// front of Rest (they rank above the ones Select cut), and counted in More.
func RenderHTMLCapped(sel Selection, o RenderOptions) ([]string, Selection) {
	msgs := packBlocks(renderBlocks(sel, o, htmlStyle{}), MaxMessageUTF16)
	for len(msgs) > MaxDigestMessages && len(sel.Stories) > 0 {
		drop := min(max(len(msgs)-MaxDigestMessages, 1), len(sel.Stories)) // a story takes at most one message
		kept := len(sel.Stories) - drop
		sel.Rest = append(slices.Clone(sel.Stories[kept:]), sel.Rest...) // a copy: the caller's Rest is shared
		sel.Stories, sel.More = sel.Stories[:kept], sel.More+drop
		msgs = packBlocks(renderBlocks(sel, o, htmlStyle{}), MaxMessageUTF16)
	}
	return msgs, sel
}

// RenderText renders a selection as plain text for a terminal.
func RenderText(sel Selection, o RenderOptions) string {
	return strings.Join(renderBlocks(sel, o, textStyle{}), "\n\n") + "\n"
}

// style abstracts the two output formats.
type style interface {
	bold(escaped string) string
	text(raw string, isolate bool) string // escape (and isolate) article text
	link(name, href string) string
}

type htmlStyle struct{}

func (htmlStyle) bold(s string) string { return "<b>" + s + "</b>" }
func (htmlStyle) text(s string, isolate bool) string {
	if isolate {
		s = "\u2068" + s + "\u2069"
	}
	return EscapeHTML(s)
}
func (h htmlStyle) link(name, href string) string {
	if !safeURL(href) {
		return name
	}
	return `<a href="` + EscapeHTML(href) + `">` + name + "</a>"
}

// LinkHTML links name (Telegram HTML, already escaped) to href, or returns
// name alone when href is not a safe http(s) link, as the digests do.
func LinkHTML(name, href string) string { return htmlStyle{}.link(name, href) }

type textStyle struct{}

func (textStyle) bold(s string) string         { return s }
func (textStyle) text(s string, _ bool) string { return s }
func (textStyle) link(name, href string) string {
	if !safeURL(href) {
		return name
	}
	return name + " <" + href + ">"
}

// EscapeHTML escapes text for Telegram HTML, which knows only the entities
// &lt; &gt; &amp; and &quot;.
func EscapeHTML(s string) string {
	return htmlEscaper.Replace(s)
}

// htmlEscaper is read-only after init.
var htmlEscaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;")

func safeURL(href string) bool {
	u, err := url.Parse(href)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
}

// renderBlocks returns the header, then per section its heading joined to its
// first story and the other stories, then the "and N more" line and footer.
func renderBlocks(sel Selection, o RenderOptions, st style) []string {
	lang := uiLang(o.Lang)
	blocks := []string{header(o, lang, st)}
	if len(sel.Stories) == 0 {
		blocks = append(blocks, uiText(lang, "empty"))
	}
	for _, sec := range sections(sel.Stories) {
		label := TopicLabel(sec.topic, lang)
		if sec.topic == "" {
			label = uiText(lang, "other")
		}
		heading := "▪️ " + st.bold(st.text(label, false))
		for i, s := range sec.stories {
			b := renderStory(s, lang, st)
			if i == 0 {
				b = heading + "\n\n" + b
			}
			blocks = append(blocks, b)
		}
	}
	if sel.More > 0 {
		blocks = append(blocks, moreText(sel.More, lang))
	}
	return append(blocks, uiText(lang, "footer"))
}

func uiLang(l string) string {
	if l == "ar" {
		return "ar"
	}
	return "en"
}

func header(o RenderOptions, lang string, st style) string {
	loc := o.Location
	if loc == nil {
		loc = time.UTC
	}
	h := "📰 " + st.bold(uiText(lang, "title"))
	if o.Now.IsZero() {
		return h
	}
	return h + "\n" + formatDate(o.Now.In(loc), lang)
}

// storyBudget is the most one story may take, in UTF-16 units: a message
// less room for its section heading, so a story never needs two.
const storyBudget = MaxMessageUTF16 - 256

// maxSummaryRunes caps a summary before the budget is applied (the engine's
// summaries are far shorter; this bounds the work on a hostile one).
const maxSummaryRunes = 1500

// renderStory renders one story: bold title, summary, sources, within
// storyBudget. Fields are clipped first (see capStory); a story still too
// long shows its last sources unlinked, then a shorter summary.
func renderStory(s Story, lang string, st style) string {
	s = capStory(s)
	linked := maxLinks
	for {
		b := storyBlock(s, lang, st, linked)
		switch {
		case UTF16Len(b) <= storyBudget:
			return b
		case linked > 0:
			linked--
		case s.Summary != "":
			s.Summary = ClipRunes(s.Summary, utf8.RuneCountInString(s.Summary)/2)
		default:
			return b // unreachable: capped title and names fit the budget
		}
	}
}

func storyBlock(s Story, lang string, st style, linked int) string {
	dir := uiDir(lang)
	var b strings.Builder
	b.WriteString(st.bold(st.text(s.Title, needsIsolate(s.Title, dir))))
	if OtherLang(s, lang) {
		tag := langTag(s.Lang)
		b.WriteString(" " + st.text(tag, needsIsolate(tag, dir)))
	}
	if s.Summary != "" {
		b.WriteString("\n" + st.text(s.Summary, needsIsolate(s.Summary, dir)))
	}
	if s.Disputed {
		b.WriteString("\n" + st.text(uiText(lang, "disputed"), false))
	}
	if src := renderSources(s.Sources, lang, st, linked); src != "" {
		b.WriteString("\n" + src)
	}
	return b.String()
}

// capStory clips a story's title, summary and source names to their caps
// and unlinks links over MaxLinkBytes, on a copy. News caps them at ingest
// too; this covers stories built any other way.
func capStory(s Story) Story {
	s.Title = ClipRunes(s.Title, MaxTitleRunes)
	s.Summary = ClipRunes(s.Summary, maxSummaryRunes)
	srcs := make([]Source, min(len(s.Sources), maxLinks))
	for i := range srcs {
		src := s.Sources[i]
		if src.Name == "" {
			src.Name = hostOf(src.URL)
		}
		src.Name = ClipRunes(src.Name, MaxSourceRunes)
		if len(src.URL) > MaxLinkBytes {
			src.URL = ""
		}
		srcs[i] = src
	}
	s.Sources = append(srcs, s.Sources[len(srcs):]...) // the rest are only counted
	return s
}

// ClipRunes shortens s to at most n runes, ending the cut with "…" (news
// uses it for the same caps at ingest).
func ClipRunes(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	if n <= 1 {
		return "…"
	}
	cut := 0
	for i := range s {
		if n--; n == 0 {
			cut = i
			break
		}
	}
	return strings.TrimRightFunc(s[:cut], unicode.IsSpace) + "…"
}

// renderSources names the first maxLinks sources (of a story capStory has
// capped), the first linked of them with their links.
func renderSources(srcs []Source, lang string, st style, linked int) string {
	dir := uiDir(lang)
	var parts []string
	for i, s := range srcs {
		if i == maxLinks {
			break
		}
		name := s.Name // capStory named an unnamed source by its host
		part := st.text(name, needsIsolate(name, dir))
		if i < linked {
			part = st.link(part, s.URL)
		}
		parts = append(parts, part)
	}
	out := strings.Join(parts, " · ")
	if len(srcs) > maxLinks {
		out += fmt.Sprintf(" +%d", len(srcs)-maxLinks) // the count stays the outlets' count
	}
	if len(srcs) > 1 {
		out = "🔗 " + sourcesCount(len(srcs), lang) + ": " + out
	}
	return out
}

func hostOf(href string) string {
	if u, err := url.Parse(href); err == nil && u.Host != "" {
		return u.Host
	}
	return href
}

// moreText says "…and 4 more" / «… و4 أخبار أخرى» with Arabic number
// agreement (one, two, 3–10 and 11+ take different forms).
func moreText(n int, lang string) string {
	if lang != "ar" {
		return fmt.Sprintf("…and %d more", n)
	}
	switch {
	case n == 1:
		return "… وخبر آخر"
	case n == 2:
		return "… وخبران آخران"
	case n <= 10:
		return fmt.Sprintf("… و%d أخبار أخرى", n)
	}
	return fmt.Sprintf("… و%d خبرًا آخر", n)
}

// sourcesCount says "3 sources" / «3 مصادر» with Arabic number agreement.
func sourcesCount(n int, lang string) string {
	if lang != "ar" {
		return fmt.Sprintf("%d sources", n)
	}
	switch {
	case n == 2:
		return "مصدران"
	case n <= 10:
		return fmt.Sprintf("%d مصادر", n)
	}
	return fmt.Sprintf("%d مصدرًا", n)
}

// uiDir is the base direction of the UI language: 'R' or 'L'.
func uiDir(lang string) rune {
	if lang == "ar" {
		return 'R'
	}
	return 'L'
}

// needsIsolate reports whether a field's first strong character runs against
// the UI direction (an Arabic title in an English digest, an English source
// name in an Arabic one): such fields are wrapped in U+2068 … U+2069 so their
// punctuation and numbers stay with them.
func needsIsolate(s string, dir rune) bool {
	for _, r := range s {
		switch {
		case unicode.In(r, unicode.Arabic, unicode.Hebrew, unicode.Syriac, unicode.Thaana):
			if unicode.IsLetter(r) {
				return dir != 'R'
			}
		case unicode.IsLetter(r):
			return dir != 'L'
		}
	}
	return false
}

// section is the stories of one topic, in selection order.
type section struct {
	topic   string
	stories []Story
}

// sections groups stories by their best topic; a section appears where its
// highest-ranked story was, so the digest still opens with the top story.
func sections(stories []Story) []section {
	var out []section
	pos := map[string]int{}
	for _, s := range stories {
		t := "" // no topic: the "Other" section
		if len(s.Topics) > 0 {
			t = s.Topics[0].ID
		}
		i, ok := pos[t]
		if !ok {
			i = len(out)
			pos[t] = i
			out = append(out, section{topic: t})
		}
		out[i].stories = append(out[i].stories, s)
	}
	return out
}
