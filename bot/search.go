package bot

import (
	"context"
	"fmt"
	"time"

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
)

// searchCmd answers "/search words": the stories of the last 14 days whose
// title or summary holds every word (and every quoted phrase), matched like
// subscriber keywords, newest first.
func (b *Bot) searchCmd(ctx context.Context, r request) error {
	words := splitArgs(r.args)
	if len(words) == 0 {
		return b.replyErr(ctx, r, text(r.lang, msgSearchUsage))
	}
	if b.search == nil {
		return b.replyErr(ctx, r, text(r.lang, msgSearchUnavailable))
	}
	stories, err := b.search.RecentStories(ctx, b.now().Add(-searchPeriod))
	if err != nil {
		b.reply(ctx, r, text(r.lang, msgTryLater))
		return fmt.Errorf("search: %w", err)
	}
	var found []digest.Story
	for _, st := range stories {
		if digest.MatchAll(st.Title+"\n"+st.Summary, words) {
			found = append(found, st)
		}
	}
	if len(found) == 0 {
		return b.replyErr(ctx, r, text(r.lang, msgSearchNone, userList(r.lang, words)))
	}
	for _, part := range digest.SplitHTML(b.searchPage(r.lang, found), digest.MaxMessageUTF16) {
		if err := b.replyErr(ctx, r, part); err != nil {
			return err
		}
	}
	return nil
}

// searchPage renders the first page of results: a count, then one line per
// story (headline linked to its latest report, and how many outlets carry it).
func (b *Bot) searchPage(lang string, found []digest.Story) string {
	shown := found[:min(len(found), searchPage)]
	out := text(lang, msgSearchFound, count(lang, len(found), nounStory))
	if len(shown) < len(found) {
		out = text(lang, msgSearchShowing, count(lang, len(found), nounStory), len(shown))
	}
	for _, st := range shown {
		title := digest.EscapeHTML("\u2068" + digest.ClipRunes(st.Title, searchTitleMax) + "\u2069")
		href := ""
		if len(st.Sources) > 0 {
			href = st.Sources[0].URL
		}
		out += "\n• " + digest.LinkHTML(title, href) + " (" + count(lang, len(st.Sources), nounSource) + ")"
	}
	return out
}
