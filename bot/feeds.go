package bot

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"path"
	"strconv"
	"strings"
	"time"
	"unicode"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"newsdigest/digest"
	"newsdigest/news"
)

// Feeds is the feed list bot admins manage from Telegram (/addfeed,
// /delfeed, /feeds, OPML import and /exportfeeds). An adapter in
// cmd/newsdigest implements it over *news.Store and *news.Ingester; without
// it those commands answer that they are not available.
type Feeds interface {
	// AddFeed subscribes to a feed or, when it exists, replaces its topics
	// and re-enables it; it reports whether the feed is new.
	AddFeed(ctx context.Context, rawURL string, topics []string) (news.Feed, bool, error)
	// FetchFeed fetches one subscribed feed now, ignoring its backoff; a
	// failing feed is in the result, the error is for an unknown feed.
	FetchFeed(ctx context.Context, feedURL string) (news.FeedResult, error)
	// RemoveFeed deletes a feed by URL or by its number in ListFeeds order.
	RemoveFeed(ctx context.Context, urlOrNumber string) (news.Feed, error)
	// ListFeeds returns every feed in the order /feeds numbers them.
	ListFeeds(ctx context.Context) ([]news.Feed, error)
	// ImportOPML adds the feeds of an OPML document; bad outlines are
	// reported in the error after the good ones are stored.
	ImportOPML(ctx context.Context, r io.Reader) (news.ImportResult, error)
	// ExportOPML writes every feed as an OPML document.
	ExportOPML(ctx context.Context, w io.Writer) error
}

// DefaultMaxUpload caps an uploaded OPML file: a list of a thousand feeds is
// about 200 KB, so anything beyond a megabyte is a mistake or an attack.
const DefaultMaxUpload = 1 << 20

// feedAdmin is the Bot's feed-management part (see WithFeeds).
type feedAdmin struct {
	svc          Feeds
	fileEndpoint string // fmt pattern (token, file path) of Bot API file downloads
	maxUpload    int64
	allowPrivate bool // NEWSDIGEST_ALLOW_PRIVATE_FEEDS: OPML uploads may name private hosts
}

// WithFileEndpoint sets where uploaded files are downloaded from, a pattern
// like "https://api.telegram.org/file/bot%s/%s" (token, file path). The
// library's File.Link always points at api.telegram.org, so a bot talking to
// another Bot API server must say where its files are; see FileEndpoint.
func WithFileEndpoint(pattern string) Option {
	return func(b *Bot) { b.feeds.fileEndpoint = pattern }
}

// WithMaxUpload caps the size of an uploaded OPML file (default
// DefaultMaxUpload).
func WithMaxUpload(n int64) Option { return func(b *Bot) { b.feeds.maxUpload = n } }

// WithPrivateFeeds lets an uploaded OPML file name feeds on loopback and
// private addresses (NEWSDIGEST_ALLOW_PRIVATE_FEEDS=1); by default such an
// upload is refused before anything is imported.
func WithPrivateFeeds(allow bool) Option { return func(b *Bot) { b.feeds.allowPrivate = allow } }

// FileEndpoint derives the file-download pattern from a Bot API endpoint
// pattern ("http://host/bot%s/%s" → "http://host/file/bot%s/%s").
func FileEndpoint(apiEndpoint string) string {
	if apiEndpoint == "" || apiEndpoint == DefaultEndpoint {
		return tgbotapi.FileEndpoint
	}
	if i := strings.LastIndex(apiEndpoint, "/bot%s/%s"); i >= 0 {
		return apiEndpoint[:i] + "/file/bot%s/%s"
	}
	return tgbotapi.FileEndpoint
}

// addFeed subscribes to a feed, then fetches it once in the background and
// edits the answer with what came back, so the admin knows at once whether
// the address works while other users are still answered.
func (b *Bot) addFeed(ctx context.Context, r request) error {
	if b.feeds.svc == nil {
		return b.replyErr(ctx, r, text(r.lang, msgOpsUnavailable))
	}
	fields := argFields(r.args)
	if len(fields) == 0 {
		return b.replyErr(ctx, r, text(r.lang, msgAddFeedUsage, b.topicNames(r.lang)))
	}
	topics, bad := b.feedTopics(fields[1:])
	if bad != "" {
		return b.replyErr(ctx, r, text(r.lang, msgFeedUnknownTopic, userText(bad), b.topicNames(r.lang)))
	}
	f, created, err := b.feeds.svc.AddFeed(ctx, fields[0], topics)
	if errors.Is(err, news.ErrBadURL) || errors.Is(err, news.ErrScheme) {
		return b.replyErr(ctx, r, text(r.lang, msgFeedBadURL, userText(clip(fields[0], 300))))
	}
	if err != nil {
		return fmt.Errorf("add feed: %w", err)
	}
	key := msgFeedAdded
	if !created {
		key = msgFeedUpdated
	}
	msgID, err := b.sendMarkup(ctx, r.chat.ID, text(r.lang, key, userText(clip(f.URL, 500))), nil)
	if err != nil {
		return err
	}
	b.bg.Go(func() { b.checkNewFeed(ctx, r, f, created, msgID) })
	return nil
}

// argFields splits command arguments, dropping the Unicode isolates our own
// answers wrap values in: an admin who copies a URL from /feeds gets them
// along, and they are not part of the URL.
func argFields(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool { return unicode.IsSpace(r) || r == '\u2068' || r == '\u2069' })
}

// feedTopics resolves topic words (IDs or labels) to topic IDs; it returns
// the first word that is no topic.
func (b *Bot) feedTopics(words []string) ([]string, string) {
	var ids []string
	for _, w := range words {
		for _, part := range strings.Split(w, ",") {
			if part == "" {
				continue
			}
			id := b.resolveTopic(part)
			if id == "" {
				return nil, part
			}
			ids = append(ids, id)
		}
	}
	return ids, ""
}

// checkNewFeed fetches a feed just added and edits the answer. A new feed
// that can never work (a private address, not a feed at all) is removed
// again, so a typo does not linger in the list failing every day.
func (b *Bot) checkNewFeed(ctx context.Context, r request, f news.Feed, created bool, msgID int) {
	res, err := b.feeds.svc.FetchFeed(ctx, f.URL)
	if err != nil {
		res = news.FeedResult{URL: f.URL, Status: news.StatusError, Err: err}
	}
	html := b.fetchAnswer(ctx, r.lang, f, res, created)
	if err := b.edit(ctx, r.chat.ID, msgID, html, nil); err != nil && !isCanceled(ctx, err) {
		b.log.WarnContext(ctx, "addfeed answer failed", "err", err)
	}
}

func (b *Bot) fetchAnswer(ctx context.Context, lang string, f news.Feed, res news.FeedResult, created bool) string {
	feedURL := userText(clip(cmp.Or(res.MovedTo, f.URL), 500))
	if res.Err == nil {
		title := userText(clip(cmp.Or(res.Title, f.Title, f.URL), 200))
		out := text(lang, msgFeedFetchOK, feedURL, title, count(lang, res.Items, nounItem), count(lang, res.New, nounArticle))
		if res.Status == news.StatusNotModified {
			out = text(lang, msgFeedNotModified, feedURL)
		}
		if res.MovedTo != "" {
			out += text(lang, msgFeedMoved, userText(clip(res.MovedTo, 500)))
		}
		return out
	}
	why := fetchReason(lang, res.Err)
	if created && permanentFailure(res.Err) {
		if _, err := b.feeds.svc.RemoveFeed(ctx, f.URL); err == nil {
			return text(lang, msgFeedRefused, feedURL, why)
		}
	}
	return text(lang, msgFeedFetchFailed, feedURL, why, feedURL)
}

// permanentFailure reports a fetch error that retrying will not fix.
func permanentFailure(err error) bool {
	return errors.Is(err, news.ErrPrivateAddress) || errors.Is(err, news.ErrParse) || errors.Is(err, news.ErrScheme)
}

// fetchReason says in the admin's language why a fetch failed.
func fetchReason(lang string, err error) string {
	var nf *news.NotFeedError
	var st *news.HTTPStatusError
	switch {
	case errors.Is(err, news.ErrPrivateAddress):
		return text(lang, msgWhyPrivate)
	case errors.As(err, &nf) && len(nf.Alternates) > 0:
		return text(lang, msgWhyNotFeedAlt, userList(lang, clipAll(nf.Alternates[:min(len(nf.Alternates), 5)], 200)))
	case errors.Is(err, news.ErrParse):
		return text(lang, msgWhyNotFeed)
	case errors.As(err, &st):
		return text(lang, msgWhyHTTP, st.Code, userText(http.StatusText(st.Code)))
	case errors.Is(err, news.ErrTooLarge):
		return text(lang, msgWhyTooLarge)
	case errors.Is(err, news.ErrTooManyRedirects):
		return text(lang, msgWhyRedirects)
	case errors.Is(err, news.ErrScheme):
		return text(lang, msgWhyScheme)
	}
	return failureSentence(lang, err.Error())
}

// delFeed removes a feed by URL or by its number in /feeds.
func (b *Bot) delFeed(ctx context.Context, r request) error {
	if b.feeds.svc == nil {
		return b.replyErr(ctx, r, text(r.lang, msgOpsUnavailable))
	}
	fields := argFields(r.args)
	if len(fields) != 1 {
		return b.replyErr(ctx, r, text(r.lang, msgDelFeedUsage))
	}
	f, err := b.feeds.svc.RemoveFeed(ctx, fields[0])
	switch {
	case errors.Is(err, news.ErrFeedNotFound), errors.Is(err, news.ErrBadURL), errors.Is(err, news.ErrScheme):
		return b.replyErr(ctx, r, text(r.lang, msgFeedNotFound, userText(clip(fields[0], 300))))
	case err != nil:
		return fmt.Errorf("remove feed: %w", err)
	}
	return b.replyErr(ctx, r, text(r.lang, msgFeedRemoved, userText(clip(f.URL, 500))))
}

// listFeeds shows every feed with its state, numbered as /delfeed N counts,
// in as many messages as Telegram's length limit needs.
func (b *Bot) listFeeds(ctx context.Context, r request) error {
	if b.feeds.svc == nil {
		return b.replyErr(ctx, r, text(r.lang, msgOpsUnavailable))
	}
	feeds, err := b.feeds.svc.ListFeeds(ctx)
	if err != nil {
		return fmt.Errorf("list feeds: %w", err)
	}
	if len(feeds) == 0 {
		return b.replyErr(ctx, r, text(r.lang, msgFeedsEmpty))
	}
	entries := make([]string, len(feeds))
	for i, f := range feeds {
		f.Topics = b.topicLabels(r.lang, f.Topics)
		entries[i] = feedEntry(r.lang, i+1, f)
	}
	for _, m := range packMessages(text(r.lang, msgFeedsHeader, len(feeds)), entries, maxMessageUnits) {
		if err := b.replyErr(ctx, r, m); err != nil {
			return err
		}
	}
	return nil
}

// maxMessageUnits is Telegram's message length limit in UTF-16 code units.
// Counting the HTML source is conservative: tags and entities only shrink
// when Telegram parses them.
const maxMessageUnits = 4096

// maxEntryUnits leaves room for the list header in the first message.
const maxEntryUnits = maxMessageUnits - 200

// feedEntry renders one feed of /feeds. Titles, URLs, topics and errors
// are clipped so that even escaped worst cases ("&" becomes "&amp;") fit in
// one message; an entry still too long is redrawn with tighter clips.
func feedEntry(lang string, n int, f news.Feed) string {
	e := feedEntryClipped(lang, n, f, 1)
	if digest.UTF16Len(e) > maxEntryUnits {
		e = feedEntryClipped(lang, n, f, 4)
	}
	return e
}

// feedEntryClipped renders an entry with every clip length divided by d.
func feedEntryClipped(lang string, n int, f news.Feed, d int) string {
	title := text(lang, msgFeedNoTitle)
	if f.Title != "" {
		title = userText(clip(f.Title, 200/d))
	}
	out := text(lang, msgFeedEntry, n, title, userText(clip(f.URL, 400/d)))
	if len(f.Topics) > 0 {
		topics := clipAll(f.Topics[:min(len(f.Topics), 12/d)], 40)
		out += "\n" + text(lang, msgFeedTopics, userList(lang, topics))
	}
	return out + "\n" + feedState(lang, f, 300/d)
}

// feedState is the localised counterpart of news.Feed.Status, built from
// the feed's fields (Status itself is English only); the last error is
// clipped to errRunes.
func feedState(lang string, f news.Feed, errRunes int) string {
	lastErr := clip(failureSentence(lang, f.LastResult), errRunes)
	switch {
	case f.Disabled:
		return text(lang, msgFeedDisabled, stamp(f.DisabledAt), stamp(f.FailingSince), lastErr)
	case f.LastFetch.IsZero():
		return text(lang, msgFeedNever)
	case f.Errors > 0:
		return text(lang, msgFeedFailing, count(lang, f.Errors, nounFailedFetch), stamp(f.FailingSince), stamp(f.NextFetch), lastErr)
	}
	return text(lang, msgFeedOK, stamp(f.LastOK), count(lang, f.LastItems, nounItem), count(lang, f.Articles, nounArticle))
}

// stamp shows a time in UTC, isolated so that it reads left to right inside
// Arabic text.
func stamp(t time.Time) string {
	if t.IsZero() {
		return userText("—")
	}
	return userText(t.UTC().Format("2006-01-02 15:04 UTC"))
}

// packMessages joins header and entries (blank line between) into messages
// of at most limit UTF-16 units, never splitting an entry.
func packMessages(header string, entries []string, limit int) []string {
	var out []string
	cur, n := header, digest.UTF16Len(header)
	for _, e := range entries {
		if e == "" {
			continue // nothing to show; at a boundary it would start an empty message
		}
		en := digest.UTF16Len(e)
		if n+2+en > limit && cur != "" {
			out = append(out, cur)
			cur, n = "", 0
		}
		if cur != "" {
			cur += "\n\n"
			n += 2
		}
		cur += e
		n += en
	}
	return append(out, cur)
}

// clip shortens s to at most n runes, marking the cut with "…".
func clip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

// clipAll clips each string (in a copy).
func clipAll(ss []string, n int) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = clip(s, n)
	}
	return out
}

// exportFeeds sends the feed list as an OPML document to the admin's
// private chat, as /backup does.
func (b *Bot) exportFeeds(ctx context.Context, r request) error {
	if b.feeds.svc == nil {
		return b.replyErr(ctx, r, text(r.lang, msgOpsUnavailable))
	}
	feeds, err := b.feeds.svc.ListFeeds(ctx)
	if err != nil {
		return fmt.Errorf("export feeds: %w", err)
	}
	var buf bytes.Buffer // a feed list is small: no need to stream it
	if err := b.feeds.svc.ExportOPML(ctx, &buf); err != nil {
		return fmt.Errorf("export feeds: %w", err)
	}
	name := "newsdigest-feeds-" + b.now().UTC().Format("20060102") + ".opml"
	doc := tgbotapi.NewDocument(r.from.ID, tgbotapi.FileBytes{Name: name, Bytes: buf.Bytes()})
	doc.Caption = text(r.lang, msgExportCaption, count(r.lang, len(feeds), nounFeed))
	doc.ParseMode = tgbotapi.ModeHTML
	if _, err := b.apiFor(ctx).Send(doc); err != nil {
		err = Redact(err, b.cfg.Token)
		b.reply(ctx, r, text(r.lang, msgExportFailed, failureSentence(r.lang, err.Error())))
		return fmt.Errorf("bot: export feeds: %w", err)
	}
	return nil
}

// handleDocument imports an OPML file a bot admin sends in a private chat.
// Documents from anyone else, or in groups, are not ours to read: they are
// ignored without an answer.
func (b *Bot) handleDocument(ctx context.Context, msg *tgbotapi.Message) error {
	if !msg.Chat.IsPrivate() || !b.isBotAdmin(msg.From) {
		return nil
	}
	r := request{chat: msg.Chat, from: msg.From, addressed: true, target: msg.Chat.ID,
		lang: b.chatLang(ctx, msg.Chat.ID, msg.From)}
	return b.importOPML(ctx, r, msg.Document)
}

func (b *Bot) importOPML(ctx context.Context, r request, doc *tgbotapi.Document) error {
	maxBytes := b.maxUpload()
	switch {
	case b.feeds.svc == nil:
		return b.replyErr(ctx, r, text(r.lang, msgOpsUnavailable))
	case !isOPMLName(doc.FileName, doc.MimeType):
		return b.replyErr(ctx, r, text(r.lang, msgOPMLNotOPML))
	case int64(doc.FileSize) > maxBytes:
		return b.replyErr(ctx, r, text(r.lang, msgOPMLTooLarge, userText(sizeText(maxBytes))))
	}
	data, err := b.download(ctx, doc.FileID, maxBytes)
	if errors.Is(err, errFileTooLarge) {
		return b.replyErr(ctx, r, text(r.lang, msgOPMLTooLarge, userText(sizeText(maxBytes))))
	}
	if err != nil {
		b.reply(ctx, r, text(r.lang, msgOPMLFailed, failureSentence(r.lang, err.Error())))
		return err
	}
	if refused := b.privateFeeds(ctx, data); len(refused) > 0 {
		return b.replyErr(ctx, r, text(r.lang, msgOPMLPrivate, userList(r.lang, clipAll(refused[:min(len(refused), 10)], 200))))
	}
	res, err := b.feeds.svc.ImportOPML(ctx, bytes.NewReader(data))
	if err != nil && res.Added+res.Updated == 0 && countInvalid(err) == 0 {
		return b.replyErr(ctx, r, text(r.lang, msgOPMLBad, userText(clip(err.Error(), 300))))
	}
	out := text(r.lang, msgOPMLImported, userText(clip(doc.FileName, 100)), res.Added, res.Updated, countInvalid(err))
	if err != nil {
		out += "\n" + userText(clip(err.Error(), 600))
	}
	return b.replyErr(ctx, r, out)
}

// privateFeeds lists the feeds of an OPML upload on private addresses, the
// check /addfeed's first fetch makes, unless the operator allows them.
func (b *Bot) privateFeeds(ctx context.Context, data []byte) []string {
	if b.feeds.allowPrivate {
		return nil
	}
	specs, _ := news.ParseOPML(bytes.NewReader(data)) // bad outlines are the import's to report
	urls := make([]string, len(specs))
	for i, sp := range specs {
		urls[i] = sp.URL
	}
	var pe *news.PrivateFeedsError
	if errors.As(news.CheckFeedHosts(ctx, urls...), &pe) {
		return pe.URLs
	}
	return nil
}

// sizeText shows a byte count the way people read file sizes.
func sizeText(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return strconv.FormatInt(n>>20, 10) + " MB"
	case n >= 1<<10:
		return strconv.FormatInt(n>>10, 10) + " KB"
	}
	return strconv.FormatInt(n, 10) + " B"
}

func (b *Bot) maxUpload() int64 { return positiveOr(b.feeds.maxUpload, DefaultMaxUpload) }

// isOPMLName accepts .opml and .xml files, or an OPML/XML MIME type when
// the client sent no usable name.
func isOPMLName(name, mimeType string) bool {
	switch strings.ToLower(path.Ext(name)) {
	case ".opml", ".xml":
		return true
	case "":
		return strings.Contains(mimeType, "opml") || strings.HasSuffix(mimeType, "/xml")
	}
	return false
}

// countInvalid counts the bad outlines an import reported: ImportOPML
// wraps them, joined, under news.ErrOPML. A document that could not be read
// at all counts zero (nothing was an outline).
func countInvalid(err error) int {
	if err == nil || !errors.Is(err, news.ErrOPML) {
		return 0
	}
	multi, ok := err.(interface{ Unwrap() []error })
	if !ok {
		return 0 // "news: bad OPML document: <syntax error>": nothing parsed
	}
	n := 0
	for _, e := range multi.Unwrap() {
		if e == news.ErrOPML {
			continue
		}
		if j, ok := e.(interface{ Unwrap() []error }); ok {
			n += len(j.Unwrap())
		} else {
			n++
		}
	}
	return n
}

// errFileTooLarge reports an upload over the size cap.
var errFileTooLarge = errors.New("bot: file exceeds the upload limit")

// download fetches an uploaded file through getFile and the file endpoint,
// reading at most limit bytes. The file URL contains the bot token, so
// neither the URL nor an error holding it ever reaches a log or a reply.
func (b *Bot) download(ctx context.Context, fileID string, limit int64) ([]byte, error) {
	api := b.apiFor(ctx)
	f, err := api.GetFile(tgbotapi.FileConfig{FileID: fileID})
	if err != nil {
		return nil, fmt.Errorf("bot: getFile: %w", Redact(err, b.cfg.Token))
	}
	if int64(f.FileSize) > limit {
		return nil, errFileTooLarge
	}
	pattern := cmp.Or(b.feeds.fileEndpoint, tgbotapi.FileEndpoint)
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, fmt.Sprintf(pattern, b.cfg.Token, f.FilePath), nil)
	if err != nil {
		return nil, fmt.Errorf("bot: file download: %w", Redact(err, b.cfg.Token))
	}
	resp, err := api.Client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("bot: file download: %w", Redact(err, b.cfg.Token))
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("bot: file download: HTTP %d", resp.StatusCode)
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, limit+1))
	if err != nil {
		return nil, fmt.Errorf("bot: file download: %w", Redact(err, b.cfg.Token))
	}
	if int64(len(data)) > limit {
		return nil, errFileTooLarge
	}
	return data, nil
}

// NotifyAdmins sends one Telegram-HTML message to every bot admin's
// private chat. A failure for one admin does not stop the others; all
// failures are returned together.
func (b *Bot) NotifyAdmins(ctx context.Context, html string) error {
	var errs []error
	for _, id := range b.cfg.Admins {
		if err := b.SendHTML(ctx, id, html); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// NotifyDisabledFeeds tells every bot admin, in their language, which
// feeds an ingest run disabled (news.Report.NewlyDisabled).
func (b *Bot) NotifyDisabledFeeds(ctx context.Context, urls []string) error {
	if len(urls) == 0 {
		return nil
	}
	lines := make([]string, len(urls))
	for i, u := range urls {
		lines[i] = "• " + userText(clip(u, 500))
	}
	days := int(news.DisableAfter.Hours() / 24)
	var errs []error
	for _, id := range b.cfg.Admins {
		lang := b.chatLang(ctx, id, nil)
		for _, m := range packMessages(text(lang, msgDisabledFeeds, count(lang, days, nounDay)), lines, maxMessageUnits) {
			if err := b.SendHTML(ctx, id, m); err != nil {
				errs = append(errs, err)
				break
			}
		}
	}
	return errors.Join(errs...)
}
