package delivery

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"

	"newsdigest/digest"
	"newsdigest/news"
	"newsdigest/subscriptions"
)

// plan is what one push writes for one chat.
type plan struct {
	rec     record // no messages: nothing to send, only the cursor moves
	cur     cursor
	stories int
}

// window is the articles of one push and the stories built from them once.
type window struct {
	now      time.Time
	stories  []digest.Story
	maxSeq   []uint64    // per story: newest article's Seq
	maxFetch []time.Time // per story: newest article's first-seen time
	head     uint64      // newest Seq loaded
}

// Push writes a digest record for each of the chats that has something new
// and returns how many records it queued. Records are written BatchSize at
// a time, each batch in one transaction together with the chats' cursors,
// and the workers started by Run send them.
func (s *Service) Push(ctx context.Context, chatIDs []int64) (int, error) {
	return s.composeAndEnqueue(ctx, chatIDs, nil)
}

// composeAndEnqueue builds and writes the records of one push. Pushes are
// serialised: two at once would read the same cursors and both send the
// same articles.
func (s *Service) composeAndEnqueue(ctx context.Context, chatIDs []int64, last func(*bolt.Tx) error) (int, error) {
	s.composeMu.Lock()
	defer s.composeMu.Unlock()
	start := time.Now()
	plans, err := s.compose(ctx, chatIDs, false)
	if err != nil {
		return 0, err
	}
	n, err := s.enqueue(ctx, plans, last)
	s.cfg.Metrics.PushDone(time.Since(start))
	return n, err
}

// SendNow sends chatID its digest right away, ahead of any bulk push, and
// returns how many stories it held (0: nothing new since the last digest).
// The digest goes through the outbox like any other, so a crash cannot lose
// or repeat it.
func (s *Service) SendNow(ctx context.Context, chatID int64) (int, error) {
	if _, err := s.subs.Get(ctx, chatID); err != nil {
		return 0, fmt.Errorf("delivery: send now: %w", err)
	}
	s.mu.Lock()
	s.busy[chatID]++ // keep the dispatcher off the record written below
	s.mu.Unlock()
	s.composeMu.Lock()
	plans, err := s.compose(ctx, []int64{chatID}, true)
	if err == nil {
		_, err = s.enqueue(ctx, plans, nil)
	}
	s.composeMu.Unlock()
	if err != nil || len(plans) == 0 || len(plans[0].rec.Messages) == 0 {
		s.release(record{ChatID: chatID}, false)
		return 0, err
	}
	r := plans[0].rec
	s.mu.Lock()
	s.active[r.ID] = true
	s.mu.Unlock()
	if !s.deliver(ctx, ctx, r) {
		return plans[0].stories, fmt.Errorf("delivery: send now to %d: not delivered (queued if it can still go)", chatID)
	}
	return plans[0].stories, nil
}

// compose builds each chat's digest over the union of their windows.
func (s *Service) compose(ctx context.Context, chatIDs []int64, interactive bool) ([]plan, error) {
	subs, err := s.subscribers(ctx, chatIDs, interactive)
	if err != nil || len(subs) == 0 {
		return nil, err
	}
	curs, err := s.cursors(subs)
	if err != nil {
		return nil, err
	}
	w, err := s.loadWindow(ctx, curs)
	if err != nil {
		return nil, err
	}
	cache := map[string]rendered{}
	plans := make([]plan, 0, len(subs))
	for i, sub := range subs {
		if p, ok := s.plan(w, sub, curs[i], interactive, cache); ok {
			plans = append(plans, p)
		}
	}
	return plans, nil
}

// subscribers loads the chats that take digests now (interactive: any
// existing chat, paused or not).
// One read transaction for the whole push (GetMany), not one per chat;
// chats that unsubscribed since they were found due are skipped.
func (s *Service) subscribers(ctx context.Context, chatIDs []int64, interactive bool) ([]subscriptions.Subscriber, error) {
	subs, err := s.subs.GetMany(ctx, chatIDs)
	if err != nil {
		return nil, fmt.Errorf("delivery: push: %w", err)
	}
	if !interactive {
		subs = slices.DeleteFunc(subs, func(sub subscriptions.Subscriber) bool { return !sub.Active() })
	}
	return subs, nil
}

// cursors returns each chat's delivery cursor, kept by delivery in the same
// transaction as the chat's outbox records (0 = new subscriber, or a chat
// that unsubscribed and came back).
func (s *Service) cursors(subs []subscriptions.Subscriber) ([]uint64, error) {
	out := make([]uint64, len(subs))
	err := s.db.View(func(tx *bolt.Tx) error {
		for i, sub := range subs {
			if c, ok := getCursor(tx, sub.ChatID); ok && c.Created.Equal(sub.Created) {
				out[i] = c.Seq
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("delivery: read cursors: %w", err)
	}
	return out, nil
}

// loadWindow loads the articles any of the cursors has not seen (a new
// subscriber: the last NewWindow) and builds the stories once.
func (s *Service) loadWindow(ctx context.Context, curs []uint64) (window, error) {
	w := window{now: s.cfg.Now()}
	arts, err := s.load(ctx, curs, w.now)
	if err != nil || len(arts) == 0 {
		return w, err
	}
	in := make([]digest.Article, len(arts))
	seq := make(map[string]news.Article, len(arts))
	for i, a := range arts {
		in[i] = a.Article
		seq[a.ID] = a
		w.head = max(w.head, a.Seq)
	}
	start := time.Now()
	w.stories = s.engine.Stories(in)
	s.cfg.Metrics.DigestBuilt(time.Since(start))
	w.maxSeq = make([]uint64, len(w.stories))
	w.maxFetch = make([]time.Time, len(w.stories))
	for i, st := range w.stories {
		for _, id := range st.Articles {
			a := seq[id]
			w.maxSeq[i] = max(w.maxSeq[i], a.Seq)
			if a.Fetched.After(w.maxFetch[i]) {
				w.maxFetch[i] = a.Fetched
			}
		}
	}
	return w, nil
}

func (s *Service) load(ctx context.Context, curs []uint64, now time.Time) ([]news.Article, error) {
	oldest, anyNew := uint64(0), false
	for _, c := range curs {
		if c == 0 {
			anyNew = true
		} else if oldest == 0 || c < oldest {
			oldest = c
		}
	}
	var arts []news.Article
	if oldest > 0 {
		a, err := s.articles.Since(ctx, oldest, 0)
		if err != nil {
			return nil, fmt.Errorf("delivery: load articles: %w", err)
		}
		arts = a
	}
	if anyNew {
		a, err := s.articles.SinceTime(ctx, now.Add(-s.cfg.NewWindow))
		if err != nil {
			return nil, fmt.Errorf("delivery: load articles: %w", err)
		}
		arts = append(arts, a...)
	}
	slices.SortFunc(arts, func(a, b news.Article) int { return cmp.Compare(a.Seq, b.Seq) })
	return slices.CompactFunc(arts, func(a, b news.Article) bool { return a.Seq == b.Seq }), nil
}

// plan selects and renders one chat's digest. Chats with the same window
// and preferences share one rendering. ok is false when nothing is new.
func (s *Service) plan(w window, sub subscriptions.Subscriber, cur uint64, interactive bool, cache map[string]rendered) (plan, bool) {
	if w.head <= cur {
		return plan{}, false
	}
	p := plan{
		rec: record{ChatID: sub.ChatID, ParseMode: "HTML", Interactive: interactive, State: statePending, Created: w.now},
		cur: cursor{Seq: w.head, Created: sub.Created},
	}
	key := renderKey(sub, cur)
	r, ok := cache[key]
	if !ok {
		sel := digest.Select(w.eligible(cur, w.now.Add(-s.cfg.NewWindow)), prefs(sub), w.now)
		r.stories = len(sel.Stories)
		if r.stories > 0 {
			loc, _ := subscriptions.LoadZone(sub.TimeZone) // validated on write; nil renders in UTC
			r.msgs = digest.RenderHTML(sel, digest.RenderOptions{Lang: sub.Lang, Location: loc, Now: w.now})
			r.body = bodyKey(r.msgs)
		}
		cache[key] = r
	}
	p.rec.Messages, p.rec.Body, p.stories = r.msgs, r.body, r.stories
	return p, true
}

// rendered is one digest shared by chats with the same window and prefs.
type rendered struct {
	msgs    []string
	body    string // bodyKey(msgs), computed once for every chat sharing it
	stories int
}

// eligible returns the stories with an article newer than the cursor (for a
// new subscriber: first seen after since).
func (w window) eligible(cur uint64, since time.Time) []digest.Story {
	var out []digest.Story
	for i, st := range w.stories {
		if (cur > 0 && w.maxSeq[i] > cur) || (cur == 0 && !w.maxFetch[i].Before(since)) {
			out = append(out, st)
		}
	}
	return out
}

func prefs(sub subscriptions.Subscriber) digest.Prefs {
	return digest.Prefs{Topics: sub.Topics, Include: sub.Include, Exclude: sub.Exclude, MaxStories: sub.MaxStories}
}

func renderKey(sub subscriptions.Subscriber, cur uint64) string {
	return fmt.Sprintf("%d|%s|%s|%s|%d|%s|%s", cur, strings.Join(sub.Topics, ","), strings.Join(sub.Include, "\x00"),
		strings.Join(sub.Exclude, "\x00"), sub.MaxStories, sub.Lang, sub.TimeZone)
}

// enqueue writes the plans BatchSize at a time, one transaction per batch;
// last runs in the final transaction (the due-check's "minute processed").
func (s *Service) enqueue(ctx context.Context, plans []plan, last func(*bolt.Tx) error) (int, error) {
	queued := 0
	for start := 0; start < len(plans) || (start == 0 && last != nil); start += s.cfg.BatchSize {
		batch := plans[start:min(start+s.cfg.BatchSize, len(plans))]
		final := start+s.cfg.BatchSize >= len(plans)
		n, err := s.writeBatch(ctx, batch, final, last)
		if err != nil {
			return queued, err
		}
		queued += n
		s.signal()
	}
	return queued, nil
}

func (s *Service) writeBatch(ctx context.Context, batch []plan, final bool, last func(*bolt.Tx) error) (int, error) {
	if err := ctx.Err(); err != nil {
		return 0, fmt.Errorf("delivery: enqueue: %w", err)
	}
	n := 0
	err := s.db.Update(func(tx *bolt.Tx) error {
		n = 0
		for i := range batch {
			if err := writePlan(tx, &batch[i]); err != nil {
				return err
			}
			if len(batch[i].rec.Messages) > 0 {
				n++
			}
		}
		if final && last != nil {
			return last(tx)
		}
		return nil
	})
	s.commits.Add(1)
	if err != nil {
		return 0, fmt.Errorf("delivery: enqueue: %w", err)
	}
	return n, nil
}

func writePlan(tx *bolt.Tx, p *plan) error {
	if len(p.rec.Messages) > 0 {
		if err := putRecord(tx, &p.rec); err != nil {
			return err
		}
	}
	if p.cur.Seq == 0 {
		return nil // a broadcast moves no cursor
	}
	return putCursor(tx, p.rec.ChatID, p.cur)
}

// Broadcast queues one Telegram-HTML message for each chat through the
// outbox (same limits, retries and exactly-once guarantee as digests) and
// returns how many it queued. Digest cursors are not touched.
func (s *Service) Broadcast(ctx context.Context, chatIDs []int64, html string) (int, error) {
	if html == "" {
		return 0, errors.New("delivery: broadcast: empty message")
	}
	now := s.cfg.Now()
	plans := make([]plan, len(chatIDs))
	for i, id := range chatIDs {
		plans[i].rec = record{ChatID: id, Messages: []string{html}, ParseMode: "HTML", State: statePending, Created: now}
	}
	return s.enqueue(ctx, plans, nil)
}
