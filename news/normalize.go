package news

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"regexp"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/mmcdole/gofeed"
	"golang.org/x/net/html"

	"newsdigest/digest"
)

// ErrBadURL reports a feed or article URL that cannot be used.
var ErrBadURL = errors.New("news: bad URL")

// maxTopics caps the topic hints kept per article (feeds can carry dozens
// of tags per item).
const maxTopics = 12

// trackingParam reports query parameters that only track the reader and
// make one article look like many.
func trackingParam(name string) bool {
	n := strings.ToLower(name)
	return strings.HasPrefix(n, "utm_") || n == "fbclid" || n == "gclid"
}

// CanonicalURL resolves raw against base (may be nil) and returns the form
// used for identity: http/https only, lower-case scheme and host, no default
// port, no fragment, no user info, no tracking parameters (utm_*, fbclid,
// gclid); other parameters are kept as written.
func CanonicalURL(raw string, base *url.URL) (string, error) {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil {
		return "", fmt.Errorf("%w: %q: %v", ErrBadURL, raw, err)
	}
	if base != nil {
		u = base.ResolveReference(u)
	}
	u.Scheme = strings.ToLower(u.Scheme)
	if u.Scheme != "http" && u.Scheme != "https" {
		return "", fmt.Errorf("%w: %q: want http or https", ErrBadURL, raw)
	}
	if u.Host == "" {
		return "", fmt.Errorf("%w: %q: no host", ErrBadURL, raw)
	}
	u.Host = canonicalHost(u.Scheme, u.Host)
	u.Fragment, u.RawFragment, u.User = "", "", nil
	u.RawQuery = cleanQuery(u.RawQuery)
	if u.Path == "" {
		u.Path = "/"
	}
	return u.String(), nil
}

func canonicalHost(scheme, host string) string {
	host = strings.ToLower(host)
	h, port, err := net.SplitHostPort(host)
	if err != nil {
		return host
	}
	if (scheme == "http" && port == "80") || (scheme == "https" && port == "443") {
		if strings.Contains(h, ":") {
			return "[" + h + "]"
		}
		return h
	}
	return host
}

// cleanQuery drops tracking parameters and keeps every other pair exactly
// as written (order and escaping), since some servers care.
func cleanQuery(raw string) string {
	var kept []string
	for _, pair := range strings.Split(raw, "&") {
		key, _, _ := strings.Cut(pair, "=")
		if k, err := url.QueryUnescape(key); pair == "" || (err == nil && trackingParam(k)) {
			continue
		}
		kept = append(kept, escapeQueryBytes(pair))
	}
	return strings.Join(kept, "&")
}

// escapeQueryBytes percent-encodes what may not appear raw in a query
// (spaces, controls, '#', non-ASCII bytes) and leaves the rest untouched.
func escapeQueryBytes(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c <= ' ' || c >= 0x7f || c == '#' || c == '"' || c == '<' || c == '>' {
			fmt.Fprintf(&b, "%%%02X", c)
			continue
		}
		b.WriteByte(c)
	}
	return b.String()
}

// isBlockTag reports tags that end a paragraph when they open or close.
func isBlockTag(name string) bool {
	switch name {
	case "p", "div", "br", "li", "ul", "ol", "dl", "dt", "dd", "h1", "h2", "h3", "h4", "h5", "h6",
		"blockquote", "pre", "tr", "table", "section", "article", "header", "footer",
		"figure", "figcaption", "hr", "aside", "main", "nav", "address":
		return true
	}
	return false
}

// isSkipTag reports tags whose content no reader sees.
func isSkipTag(name string) bool {
	switch name {
	case "script", "style", "noscript", "iframe", "svg", "template", "object", "head", "title":
		return true
	}
	return false
}

// blankLineRe splits plain-text paragraphs inside HTML text nodes.
var blankLineRe = regexp.MustCompile(`\n[ \t\r\f\v]*\n`)

// HTMLToText turns feed HTML into plain text: tags removed, entities
// decoded, script/style dropped, one paragraph per line ("\n" between
// paragraphs), whitespace inside a paragraph collapsed. Plain text with
// blank lines between paragraphs keeps them too.
//
// Written on x/net/html's tokenizer (which does the parsing and entity
// decoding): html-to-text libraries emit Markdown-ish output with link
// targets, while the digest wants bare paragraphs.
func HTMLToText(s string) string {
	var paras []string
	var cur strings.Builder
	flush := func() {
		if p := collapseSpace(cur.String()); p != "" {
			paras = append(paras, p)
		}
		cur.Reset()
	}
	if !strings.Contains(s, "<") { // no markup: skip the tokenizer (most plain descriptions)
		writeTextToken(&cur, html.UnescapeString(s), flush)
		flush()
		return strings.Join(paras, "\n")
	}
	z := html.NewTokenizer(strings.NewReader(s))
	skip := 0
	for {
		switch tt := z.Next(); tt {
		case html.ErrorToken:
			flush()
			return strings.Join(paras, "\n")
		case html.TextToken:
			if skip == 0 {
				writeTextToken(&cur, string(z.Text()), flush)
			}
		case html.StartTagToken, html.EndTagToken, html.SelfClosingTagToken:
			skip = tagToken(z, tt, skip, flush)
		}
	}
}

// writeTextToken adds text, treating blank lines as paragraph breaks.
func writeTextToken(cur *strings.Builder, text string, flush func()) {
	if !strings.Contains(text, "\n") {
		cur.WriteString(text)
		return
	}
	parts := blankLineRe.Split(text, -1)
	for i, p := range parts {
		if i > 0 {
			flush()
		}
		cur.WriteString(p)
	}
}

// tagToken handles one tag and returns the new skip depth.
func tagToken(z *html.Tokenizer, tt html.TokenType, skip int, flush func()) int {
	name, _ := z.TagName() // lower-cased by the tokenizer; no attribute allocations
	switch {
	case isSkipTag(string(name)) && tt == html.StartTagToken:
		return skip + 1
	case isSkipTag(string(name)) && tt == html.EndTagToken:
		return max(skip-1, 0)
	case isBlockTag(string(name)):
		flush()
	}
	return skip
}

// collapseSpace trims and collapses whitespace runs (including NBSP) to one
// space and drops escape sequences and control characters (StripControls).
func collapseSpace(s string) string {
	var b strings.Builder
	space := false
	for _, r := range StripControls(s) {
		switch {
		case unicode.IsSpace(r):
			space = b.Len() > 0
		case unicode.IsControl(r) || r == utf8.RuneError:
			continue
		default:
			if space {
				b.WriteByte(' ')
				space = false
			}
			b.WriteRune(r)
		}
	}
	return b.String()
}

// FeedInfo is what the normaliser knows about the feed an item came from.
type FeedInfo struct {
	URL      string   // the feed's own URL (Article.Feed)
	Title    string   // feed title: the source name
	Link     string   // the site link, base for relative item links
	Language string   // the feed's declared language, a hint only
	Topics   []string // admin topic hints for the feed
}

// FeedInfoFrom fills FeedInfo from a parsed feed.
func FeedInfoFrom(feedURL string, f *gofeed.Feed, topics []string) FeedInfo {
	fi := FeedInfo{URL: feedURL, Topics: topics}
	if f != nil {
		fi.Title, fi.Link, fi.Language = digest.ClipRunes(collapseSpace(HTMLToText(f.Title)), digest.MaxSourceRunes), f.Link, f.Language
	}
	return fi
}

// NormalizeItem turns one parsed feed item into an Article: plain text,
// canonical URL, stable ID (canonical URL, else GUID, else content hash),
// language, source name, topic hints and content hash. It reports false for
// an item with neither title nor text. Published stays zero when the feed
// gives no date; the store then uses first-seen time.
func NormalizeItem(it *gofeed.Item, fi FeedInfo) (Article, bool) {
	if it == nil {
		return Article{}, false
	}
	var a Article
	a.Feed = fi.URL
	a.Title = digest.ClipRunes(collapseSpace(HTMLToText(it.Title)), digest.MaxTitleRunes)
	a.Text = itemText(it)
	if a.Title == "" && a.Text == "" {
		return Article{}, false
	}
	a.Place, a.Source, a.Text = takeDateline(a.Text)
	a.URL = itemURL(it, fi)
	a.Hash = ContentHash(a.Title, a.Text)
	a.ID = itemID(a, it)
	a.Source = digest.ClipRunes(firstNonEmpty(collapseSpace(fi.Title), a.Source, hostOf(fi.URL)), digest.MaxSourceRunes)
	a.Lang = itemLang(a, fi.Language)
	a.Topics = mergeTopics(fi.Topics, it.Categories)
	a.Published = itemTime(it)
	return a, true
}

// takeDateline moves a dateline opening the text («بغداد-» as its own
// paragraph, or "LONDON (Reuters) - ..." inline) out of it, returning the
// place, the agency and the text without it.
func takeDateline(text string) (place, agency, rest string) {
	first, after, _ := strings.Cut(text, "\n")
	place, agency, inline := splitDateline(first)
	switch {
	case place == "":
		return "", "", text
	case inline != "":
		return place, agency, strings.TrimRight(inline+"\n"+after, "\n")
	case after != "":
		return place, agency, after
	}
	return "", "", text // a lone short line is the text, not a dateline
}

// maxTextBytes caps an article's stored text. Digests read the opening
// sentences and clustering the first paragraphs; a feed that inlines a whole
// book in one item should not bloat every later read of the store.
const maxTextBytes = 64 << 10

// itemText prefers the full content over the summary when it is longer.
func itemText(it *gofeed.Item) string {
	desc, content := HTMLToText(it.Description), HTMLToText(it.Content)
	text := desc
	if utf8.RuneCountInString(content) > utf8.RuneCountInString(desc) {
		text = content
	}
	if len(text) > maxTextBytes {
		text = digest.ClipBytes(text, maxTextBytes)
		if i := strings.LastIndexByte(text, '\n'); i > maxTextBytes/2 {
			text = text[:i] // end on a paragraph
		}
	}
	return text
}

func itemURL(it *gofeed.Item, fi FeedInfo) string {
	base, _ := url.Parse(firstNonEmpty(fi.Link, fi.URL))
	if base != nil && base.Scheme != "http" && base.Scheme != "https" {
		base = nil
	}
	for _, raw := range append([]string{it.Link}, it.Links...) {
		if raw == "" {
			continue
		}
		if u, err := CanonicalURL(raw, base); err == nil && len(u) <= digest.MaxLinkBytes {
			return u // a longer link is no article's address and breaks message splitting
		}
	}
	return ""
}

func itemID(a Article, it *gofeed.Item) string {
	switch {
	case a.URL != "":
		return a.URL
	case collapseSpace(it.GUID) != "":
		return "guid:" + collapseSpace(it.GUID)
	}
	return "hash:" + a.Hash
}

// itemLang detects from the text; the feed's declared language only decides
// when detection cannot (very short or mixed items).
func itemLang(a Article, declared string) string {
	lang := digest.DetectLang(strings.TrimSpace(a.Title + "\n" + digest.ClipBytes(a.Text, langSampleBytes)))
	if lang != "other" {
		return lang
	}
	d := strings.ToLower(declared)
	switch {
	case strings.HasPrefix(d, "ar"):
		return "ar"
	case strings.HasPrefix(d, "en"):
		return "en"
	}
	return lang
}

// langSampleBytes is how much text language detection reads: the opening
// paragraphs decide as well as the whole article, at a fraction of the cost.
const langSampleBytes = 2000

func mergeTopics(lists ...[]string) []string {
	var out []string
	seen := map[string]bool{}
	for _, l := range lists {
		for _, t := range l {
			t = collapseSpace(strings.ToLower(t))
			if t == "" || seen[t] || len(out) >= maxTopics {
				continue
			}
			seen[t] = true
			out = append(out, t)
		}
	}
	return out
}

// itemTime is the item's published time, else its updated time, in UTC;
// the zero time when neither can be read (the store then dates the
// article when it was first seen).
func itemTime(it *gofeed.Item) time.Time {
	for _, d := range []struct {
		parsed *time.Time
		raw    string
	}{{it.PublishedParsed, it.Published}, {it.UpdatedParsed, it.Updated}} {
		if d.parsed != nil {
			return d.parsed.UTC()
		}
		// gofeed leaves a date it cannot read unparsed ("Sat, 28 Nov 2026
		// 09:00:00 +0000 (UTC)", "2013-01-30 21:48:02 (crawl time)"); an
		// undated item would turn the merge window off, so ParseTime,
		// which reads those, has a go.
		if t, err := ParseTime(d.raw); err == nil && !t.IsZero() {
			return t.UTC()
		}
	}
	return time.Time{}
}

func hostOf(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return ""
	}
	return strings.TrimPrefix(strings.ToLower(u.Hostname()), "www.")
}
