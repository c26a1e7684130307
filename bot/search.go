package bot

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"newsdigest/digest"
)

// Searcher builds the stored stories of a period with the digests' engine.
// The delivery service implements it; without it /search answers that it
// is not available.
type Searcher interface {
	// RecentStories returns the stories of the articles first seen at or
	// after since, newest first.
	RecentStories(ctx context.Context, since time.Time) ([]digest.Story, error)
}

// WithSearch enables /search.
func WithSearch(s Searcher) Option { return func(b *Bot) { b.search = s } }

const (
	searchPeriod   = 14 * 24 * time.Hour // how far back /search looks
	searchPage     = 5                   // results per answer
	searchTitleMax = 200                 // runes of a result's headline
	searchTTL      = 24 * time.Hour      // how long a "More" button works
	// cbSearch buttons carry the whole search, so they survive a restart:
	// "q:<offset>:<issued, unix minutes, base 36>:<the /search arguments>".
	// A search too long for that gets no button, only its count.
	cbSearch = "q"
)

// searchCmd answers "/search words": the stories of the last 14 days whose
// title or summary holds every word (and every quoted phrase), matched like
// subscriber keywords, newest first.
func (b *Bot) searchCmd(ctx context.Context, r request) error {
	if len(splitArgs(r.args)) == 0 {
		return b.replyErr(ctx, r, text(r.lang, msgSearchUsage))
	}
	if b.search == nil {
		return b.replyErr(ctx, r, text(r.lang, msgSearchUnavailable))
	}
	now := b.now()
	found, err := b.searchStories(ctx, r.args, now)
	if err != nil {
		b.reply(ctx, r, text(r.lang, msgTryLater))
		return err
	}
	if len(found) == 0 {
		return b.replyErr(ctx, r, text(r.lang, msgSearchNone, userList(r.lang, splitArgs(r.args))))
	}
	return b.sendSearchPage(ctx, r.chat.ID, r.lang, found, 0, searchData(searchPage, now, r.args))
}

// searchStories returns the stories of the period before now that hold
// every argument, newest first.
func (b *Bot) searchStories(ctx context.Context, args string, now time.Time) ([]digest.Story, error) {
	words := splitArgs(args)
	stories, err := b.search.RecentStories(ctx, now.Add(-searchPeriod))
	if err != nil {
		return nil, fmt.Errorf("search: %w", err)
	}
	var found []digest.Story
	for _, st := range stories {
		if digest.MatchAll(st.Title+"\n"+st.Summary, words) {
			found = append(found, st)
		}
	}
	return found, nil
}

// sendSearchPage sends the results from offset on, with a "More (N)"
// button when some remain and the search fits in a button (next: the
// button's data, or "" for none).
func (b *Bot) sendSearchPage(ctx context.Context, chatID int64, lang string, found []digest.Story, offset int, next string) error {
	end := min(len(found), offset+searchPage)
	var kb *tgbotapi.InlineKeyboardMarkup
	if end < len(found) && next != "" {
		m := tgbotapi.NewInlineKeyboardMarkup(tgbotapi.NewInlineKeyboardRow(
			tgbotapi.NewInlineKeyboardButtonData(digest.MoreLabel(lang, len(found)-end), next)))
		kb = &m
	}
	return b.sendParts(ctx, chatID, digest.SplitHTML(searchPageText(lang, found, offset, end), digest.MaxMessageUTF16), kb)
}

// sendParts sends messages in order, the keyboard (if any) under the last.
func (b *Bot) sendParts(ctx context.Context, chatID int64, parts []string, kb *tgbotapi.InlineKeyboardMarkup) error {
	for i, part := range parts {
		var markup *tgbotapi.InlineKeyboardMarkup
		if i == len(parts)-1 {
			markup = kb
		}
		if _, err := b.sendMarkup(ctx, chatID, part, markup); err != nil {
			return err
		}
	}
	return nil
}

// searchPageText renders found[offset:end]: a count, then one line per
// story (headline linked to a report, and how many outlets carry it).
func searchPageText(lang string, found []digest.Story, offset, end int) string {
	var out string
	switch {
	case offset > 0:
		out = text(lang, msgSearchRange, offset+1, end, count(lang, len(found), nounStory))
	case end < len(found):
		out = text(lang, msgSearchShowing, count(lang, len(found), nounStory), end)
	default:
		out = text(lang, msgSearchFound, count(lang, len(found), nounStory))
	}
	for _, st := range found[offset:end] {
		title := digest.EscapeHTML("\u2068" + digest.ClipRunes(st.Title, searchTitleMax) + "\u2069")
		href := ""
		if len(st.Sources) > 0 {
			href = st.Sources[0].URL
		}
		out += "\n• " + digest.LinkHTML(title, href) + " (" + count(lang, len(st.Sources), nounSource) + ")"
	}
	if end == len(found) && offset > 0 {
		out += "\n" + text(lang, msgSearchEnd)
	}
	return out
}

// searchData is a More button's callback data, or "" when the search does
// not fit in Telegram's 64 bytes.
func searchData(offset int, issued time.Time, args string) string {
	d := cbSearch + ":" + strconv.Itoa(offset) + ":" + strconv.FormatInt(issued.Unix()/60, 36) + ":" + args
	if len(d) > maxCallback {
		return ""
	}
	return d
}

// parseSearchData reads searchData; ok is false for anything else.
func parseSearchData(data string) (offset int, issued time.Time, args string, ok bool) {
	parts := strings.SplitN(data, ":", 4)
	if len(parts) != 4 || parts[0] != cbSearch {
		return 0, time.Time{}, "", false
	}
	offset, err1 := strconv.Atoi(parts[1])
	mins, err2 := strconv.ParseInt(parts[2], 36, 64)
	if err1 != nil || err2 != nil || offset <= 0 || strings.TrimSpace(parts[3]) == "" {
		return 0, time.Time{}, "", false
	}
	return offset, time.Unix(mins*60, 0), parts[3], true
}

// onSearchMore answers a "More" press: the next page of the same search,
// run again over the stored stories, as a new message; after 24 h the
// button answers that it expired.
func (b *Bot) onSearchMore(ctx context.Context, q *tgbotapi.CallbackQuery, lang string) error {
	offset, issued, args, ok := parseSearchData(q.Data)
	now := b.now()
	switch {
	case !ok || b.search == nil:
		b.answerCallback(ctx, q.ID, "")
		return nil
	case now.Sub(issued) > searchTTL:
		b.answerCallback(ctx, q.ID, text(lang, msgSearchExpired))
		return nil
	}
	found, err := b.searchStories(ctx, args, now)
	if err != nil {
		b.answerCallback(ctx, q.ID, text(lang, msgTryLater))
		return err
	}
	if offset >= len(found) {
		b.answerCallback(ctx, q.ID, text(lang, msgSearchNoMore))
		return nil
	}
	b.answerCallback(ctx, q.ID, "")
	return b.sendSearchPage(ctx, q.Message.Chat.ID, lang, found, offset, searchData(offset+searchPage, issued, args))
}
