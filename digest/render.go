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
// Its stories are clipped to the display caps (see capStory).
func RenderHTMLCapped(sel Selection, o RenderOptions) ([]string, Selection) {
	sel.Stories = capStories(sel.Stories) // once, not on every re-render below
	msgs := packPieces(renderBlocks(sel, o, htmlStyle{}), MaxMessageUTF16)
	for len(msgs) > MaxDigestMessages && len(sel.Stories) > 0 {
		drop := min(max(len(msgs)-MaxDigestMessages, 1), len(sel.Stories)) // a story takes at most one message
		kept := len(sel.Stories) - drop
		sel.Rest = append(slices.Clone(sel.Stories[kept:]), sel.Rest...) // a copy: the caller's Rest is shared
		sel.Stories, sel.More = sel.Stories[:kept], sel.More+drop
		msgs = packPieces(renderBlocks(sel, o, htmlStyle{}), MaxMessageUTF16)
	}
	return msgs, sel
}

// RenderText renders a selection as plain text for a terminal.
func RenderText(sel Selection, o RenderOptions) string {
	var b strings.Builder
	for i, p := range renderBlocks(sel, o, textStyle{}) {
		if i > 0 {
			b.WriteString(p.sep())
		}
		b.WriteString(p.text)
	}
	return b.String() + "\n"
}

// piece is a block of a digest: a paragraph, or a line that follows the
// previous one directly (tight: a story line of a section).
type piece struct {
	text  string
	tight bool
}

func (p piece) sep() string {
	if p.tight {
		return "\n"
	}
	return "\n\n"
}

// packPieces fills messages of at most limit UTF-16 units with pieces, in
// order, breaking only between pieces; a piece longer than a message is
// split by SplitHTML.
func packPieces(pieces []piece, limit int) []string {
	var msgs []string
	cur, curLen := "", 0
	for _, p := range pieces {
		pl, sl := UTF16Len(p.text), len(p.sep())
		switch {
		case pl > limit:
			if cur != "" {
				msgs = append(msgs, cur)
			}
			msgs = append(msgs, SplitHTML(p.text, limit)...)
			cur, curLen = "", 0
		case cur == "":
			cur, curLen = p.text, pl
		case curLen+sl+pl <= limit:
			cur, curLen = cur+p.sep()+p.text, curLen+sl+pl
		default:
			msgs = append(msgs, cur)
			cur, curLen = p.text, pl
		}
	}
	if cur != "" {
		msgs = append(msgs, cur)
	}
	return msgs
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

// renderBlocks lays a selection out as a briefing: the header (title, date,
// "10 stories from 7 outlets"), the top story in full (bold headline,
// summary, linked sources), then the other stories one line each in
// sections (see sections), the "…and N more" line and the footer.
func renderBlocks(sel Selection, o RenderOptions, st style) []piece {
	lang := uiLang(o.Lang)
	pieces := []piece{{text: header(sel.Stories, o, lang, st)}}
	if len(sel.Stories) == 0 {
		pieces = append(pieces, piece{text: uiText(lang, "empty")})
	} else {
		pieces = append(pieces, piece{text: renderStory(sel.Stories[0], lang, st)})
		pieces = append(pieces, sectionLines(sel.Stories[1:], lang, st)...)
	}
	return append(pieces, piece{text: closing(sel.More, lang)})
}

// closing is the "…and N more" line (when stories were cut) and the footer.
func closing(more int, lang string) string {
	if more > 0 {
		return moreText(more, lang) + "\n" + uiText(lang, "footer")
	}
	return uiText(lang, "footer")
}

// sectionLines renders stories one line each, grouped in sections under a
// heading, the sections on consecutive lines (the heading's mark sets them
// apart, and a blank line each would cost the screen three or four lines).
// A heading is one piece with its section's first story, so a message
// never ends on a heading.
func sectionLines(stories []Story, lang string, st style) []piece {
	var out []piece
	for _, sec := range sections(stories) {
		label := TopicLabel(sec.topic, lang)
		if sec.topic == "" {
			label = uiText(lang, "other")
		}
		heading := "▪️ " + st.bold(st.text(label, false))
		for i, s := range sec.stories {
			line := storyLine(s, lang, st)
			if i == 0 {
				line = heading + "\n" + line
			}
			out = append(out, piece{text: line, tight: len(out) > 0})
		}
	}
	return out
}

// storyLine is a story on one line: "• headline" linked to its latest
// report, the other-language label, and "· 3 sources" when several outlets
// carry it (in the UI direction, so it needs no isolate).
func storyLine(s Story, lang string, st style) string {
	s = capStory(s)
	dir := uiDir(lang)
	line := "• " + st.link(st.text(s.Title, needsIsolate(s.Title, dir)), latestURL(s))
	if OtherLang(s, lang) {
		tag := langTag(s.Lang)
		line += " " + st.text(tag, needsIsolate(tag, dir))
	}
	if n := len(s.Sources); n > 1 {
		line += " · " + sourcesCount(n, lang)
	}
	return line
}

// latestURL is the link of a story's newest report: Story.LatestURL, else
// the first source with a safe link (a story built without the engine).
func latestURL(s Story) string {
	if safeURL(s.LatestURL) && len(s.LatestURL) <= MaxLinkBytes {
		return s.LatestURL
	}
	for _, src := range s.Sources {
		if safeURL(src.URL) {
			return src.URL
		}
	}
	return ""
}

// RenderMoreHTML renders the later pages of a digest (the More button's):
// stories one line each in sections, as in RenderHTML but with no header
// and no footer, in at most MaxDigestMessages messages of at most
// MaxMessageUTF16 UTF-16 units. Stories beyond that (only hostile feeds'
// kilobyte links get there with a page of ten) are counted in an
// "…and N more" line.
func RenderMoreHTML(stories []Story, o RenderOptions) []string {
	lang := uiLang(o.Lang)
	stories = capStories(stories)
	render := func(shown []Story, more int) []string {
		pieces := sectionLines(shown, lang, htmlStyle{})
		if more > 0 {
			pieces = append(pieces, piece{text: moreText(more, lang)})
		}
		return packPieces(pieces, MaxMessageUTF16)
	}
	msgs := render(stories, 0)
	for n := len(stories); len(msgs) > MaxDigestMessages && n > 1; {
		n--
		msgs = render(stories[:n], len(stories)-n)
	}
	return msgs
}

func uiLang(l string) string {
	if l == "ar" {
		return "ar"
	}
	return "en"
}

// header is the title and date on one line, then how many stories from how
// many distinct outlets the digest shows.
func header(stories []Story, o RenderOptions, lang string, st style) string {
	loc := o.Location
	if loc == nil {
		loc = time.UTC
	}
	h := "📰 " + st.bold(uiText(lang, "title"))
	if !o.Now.IsZero() {
		h += " · " + formatDate(o.Now.In(loc), lang)
	}
	if len(stories) == 0 {
		return h
	}
	return h + "\n" + countLine(len(stories), outletCount(stories), lang)
}

// outletCount is how many distinct outlets (by normalised name, or host for
// an unnamed one) the stories come from.
func outletCount(stories []Story) int {
	seen := map[string]bool{}
	for _, s := range stories {
		for _, src := range s.Sources {
			name := strings.TrimSpace(src.Name)
			if name == "" {
				name = hostOf(src.URL)
			}
			seen[Normalize(name)] = true
		}
	}
	return len(seen)
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

// capStories applies capStory to each story, on a copy.
func capStories(stories []Story) []Story {
	out := make([]Story, len(stories))
	for i, s := range stories {
		out[i] = capStory(s)
	}
	return out
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

// sections groups stories by their best topic. Sections with several
// stories come first, in the order of their best story; the stories that
// would make a section of their own, and those without a topic, are
// gathered at the end under "Other news". A heading over a single line
// costs a phone-screen line for one story, and a lone story heading the
// digest reads as if it mattered most (readers faulted exactly that), so a
// one-story section never opens it; rank order still holds inside each
// section, and the top story is shown above all sections.
func sections(stories []Story) []section {
	topicOf := func(s Story) string {
		if len(s.Topics) > 0 {
			return s.Topics[0].ID
		}
		return "" // no topic: "Other news"
	}
	size := map[string]int{}
	for _, s := range stories {
		size[topicOf(s)]++
	}
	var out []section
	pos := map[string]int{}
	other := section{}
	for _, s := range stories {
		t := topicOf(s)
		if t == "" || size[t] == 1 {
			other.stories = append(other.stories, s)
			continue
		}
		i, ok := pos[t]
		if !ok {
			i = len(out)
			pos[t] = i
			out = append(out, section{topic: t})
		}
		out[i].stories = append(out[i].stories, s)
	}
	if len(other.stories) > 0 {
		out = append(out, other)
	}
	return out
}
