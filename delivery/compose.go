package delivery

import (
	"cmp"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/fnv"
	"slices"
	"strconv"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"

	"newsdigest/digest"
	"newsdigest/news"
	"newsdigest/subscriptions"
)

// plan is what one push writes for one chat: a digest and the cursor that
// moves with it (a broadcast moves none).
type plan struct {
	rec     record
	cur     cursor
	stories int
	more    *morePages // written with the first record that needs it
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
//
// A push to many chats runs in bounded memory: a first pass over the chats
// (BatchSize at a time) reads only their cursors, the stories are built
// once from the articles the oldest of them has not seen, then a second
// pass loads, plans and writes one batch of chats after another, and the
// workers start sending the first batch while the later ones are planned.
func (s *Service) composeAndEnqueue(ctx context.Context, chatIDs []int64, last func(*bolt.Tx) error) (int, error) {
	s.composeMu.Lock()
	defer s.composeMu.Unlock()
	start := time.Now()
	defer func() { s.cfg.Metrics.PushDone(time.Since(start)) }()
	span, err := s.span(ctx, chatIDs)
	if err != nil {
		return 0, err
	}
	w, err := s.loadWindow(ctx, span)
	if err != nil {
		return 0, err
	}
	c := newComposer(s, w, false)
	queued := 0
	err = inBatches(len(chatIDs), s.cfg.BatchSize, last != nil, func(from, to int, final bool) error {
		plans, err := c.plans(ctx, chatIDs[from:to])
		if err != nil {
			return err
		}
		n, err := s.writeBatch(ctx, plans, final, last)
		queued += n
		if err == nil {
			c.committed()
		}
		return err
	})
	return queued, err
}

// committed drops what the renderings and selections written so far
// hold. A rendering's body is durable (bucketBodies, by key), so later
// chats sharing it get a record naming its body and nothing else; a
// selection's stories served only a chat with the same preferences in a
// zone showing another date, which now selects again (once per such
// rendering). Kept, both grew with the distinct preference sets of the
// push (~20 MB at 30,000 chats) and only served the next record's write.
// Prune does not delete bodies while a push composes (composeMu), so a
// named body stays there.
func (c *composer) committed() {
	for k, r := range c.cache {
		if r.msgs != nil {
			r.msgs, r.kbs = nil, nil
			c.cache[k] = r
		}
	}
	for k, cs := range c.selections {
		if len(cs.sel.Stories) > 0 {
			cs.sel.Stories, cs.released = nil, true
			c.selections[k] = cs
		}
	}
}

// inBatches calls fn for consecutive ranges [from, to) of at most size of
// n items, final set on the last; with always set it calls fn once even
// when n is 0 (the due-check's last transaction must run).
func inBatches(n, size int, always bool, fn func(from, to int, final bool) error) error {
	for from := 0; from < n || (from == 0 && always); from += size {
		if err := fn(from, min(from+size, n), from+size >= n); err != nil {
			return err
		}
	}
	return nil
}

// span is what the chats' digests may need: every article after the
// oldest delivery cursor among them, and the last NewWindow if a chat has
// no cursor yet or only one older than NewWindow (a chat whose topics
// matched nothing for a day: nothing before the window is eligible). It reads only delivery's own cursors, in one transaction,
// rather than decoding every due subscriber once more before the stories
// (and so the first message) can be built. A cursor left by an
// earlier subscription of the chat (Prune drops those daily) still counts
// here; plan then treats the chat as new within what was loaded.
func (s *Service) span(ctx context.Context, chatIDs []int64) (windowSpan, error) {
	var sp windowSpan
	if err := ctx.Err(); err != nil {
		return sp, fmt.Errorf("delivery: push: %w", err)
	}
	since := s.cfg.Now().Add(-s.cfg.NewWindow)
	err := s.db.View(func(tx *bolt.Tx) error {
		curs := make([]cursor, 0, len(chatIDs))
		for _, id := range chatIDs {
			c, _ := getCursor(tx, id)
			curs = append(curs, c)
		}
		sp.add(curs, since)
		return nil
	})
	if err != nil {
		return sp, fmt.Errorf("delivery: read cursors: %w", err)
	}
	return sp, nil
}

// windowSpan is what one push must load: every article after oldest, and
// the last NewWindow when a chat is new or its cursor older than that.
type windowSpan struct {
	oldest uint64
	anyNew bool
}

// add widens the span to cover chats at curs; since is the start of the
// NewWindow. A cursor written before cursors carried their time counts as
// old: loading the window is always enough, since nothing older is eligible.
func (sp *windowSpan) add(curs []cursor, since time.Time) {
	for _, c := range curs {
		if c.Seq == 0 || c.At.Before(since) {
			sp.anyNew = true
		} else if sp.oldest == 0 || c.Seq < sp.oldest {
			sp.oldest = c.Seq
		}
	}
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

// compose builds each chat's digest over the union of their windows (the
// few chats of a /digest reply: no batching needed).
func (s *Service) compose(ctx context.Context, chatIDs []int64, interactive bool) ([]plan, error) {
	subs, err := s.subscribers(ctx, chatIDs, interactive)
	if err != nil || len(subs) == 0 {
		return nil, err
	}
	curs, err := s.cursors(subs)
	if err != nil {
		return nil, err
	}
	var sp windowSpan
	sp.add(curs, s.cfg.Now().Add(-s.cfg.NewWindow))
	w, err := s.loadWindow(ctx, sp)
	if err != nil {
		return nil, err
	}
	return newComposer(s, w, interactive).planAll(subs, curs), nil
}

// composer plans the digests of one push, batch after batch, over one
// window of stories. Chats with the same stories to choose from and the
// same preferences share one selection and one rendering.
type composer struct {
	s           *Service
	w           window
	pool        *digest.Pool   // w.stories, prepared once for the push's selections
	scratch     []digest.Story // the array each selection is written to (render keeps none of it)
	picks       []int          // candidates' scratch, reused
	interactive bool
	eligible    map[uint64]eligibleSet     // by cursor
	cache       map[string]rendered        // by eligible set, preferences, language and local date
	selections  map[string]cachedSelection // by eligible set and preferences
	pages       map[string]*morePages      // More page sets by ID (content-addressed)
	blobs       map[string][]storyBlob     // stories of page sets, encoded once, by story ID (each version)
	zones       map[string]*time.Location
	alerts      alertFilter // stories alerted to a chat stay out of its digest (alerts_digest.go)
}

// eligibleSet is the stories a cursor has not seen (indexes into
// w.stories), with a key naming the set (chats with different cursors
// often see the same stories).
type eligibleSet struct {
	idx []int
	key string
}

func newComposer(s *Service, w window, interactive bool) *composer {
	return &composer{s: s, w: w, pool: digest.NewPool(w.stories, w.now), interactive: interactive, eligible: map[uint64]eligibleSet{}, cache: map[string]rendered{},
		selections: map[string]cachedSelection{}, pages: map[string]*morePages{}, blobs: map[string][]storyBlob{}, zones: map[string]*time.Location{}}
}

// plans loads one batch of chats and plans their digests.
func (c *composer) plans(ctx context.Context, chatIDs []int64) ([]plan, error) {
	subs, err := c.s.subscribers(ctx, chatIDs, c.interactive)
	if err != nil || len(subs) == 0 {
		return nil, err
	}
	curs, err := c.s.cursors(subs)
	if err != nil {
		return nil, err
	}
	c.readAlertMarks(subs)
	return c.planAll(subs, curs), nil
}

func (c *composer) planAll(subs []subscriptions.Subscriber, curs []cursor) []plan {
	plans := make([]plan, 0, len(subs))
	for i, sub := range subs {
		if p, ok := c.plan(sub, curs[i].Seq); ok {
			plans = append(plans, p)
		}
	}
	return plans
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
// transaction as the chat's outbox records (zero: a chat that never got a
// digest, or unsubscribed and came back).
func (s *Service) cursors(subs []subscriptions.Subscriber) ([]cursor, error) {
	out := make([]cursor, len(subs))
	err := s.db.View(func(tx *bolt.Tx) error {
		for i, sub := range subs {
			if c, ok := getCursor(tx, sub.ChatID); ok && c.Created.Equal(sub.Created) {
				out[i] = c
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("delivery: read cursors: %w", err)
	}
	return out, nil
}

// loadWindow loads the articles of the span and builds the stories once;
// the articles themselves are dropped once the stories are built.
func (s *Service) loadWindow(ctx context.Context, sp windowSpan) (window, error) {
	w := window{now: s.cfg.Now()}
	arts, err := s.load(ctx, sp, w.now)
	if err != nil || len(arts) == 0 {
		return w, err
	}
	in := make([]digest.Article, len(arts))
	seq := make(map[string]news.Article, len(arts))
	for i, a := range arts {
		in[i] = a.Article
		seq[a.ID] = news.Article{Seq: a.Seq, Fetched: a.Fetched} // no text: kept only for the loop below
		w.head = max(w.head, a.Seq)
	}
	start := time.Now()
	w.stories = s.engine.Stories(in) // the last use of the texts: they can be collected from here on
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

func (s *Service) load(ctx context.Context, sp windowSpan, now time.Time) ([]news.Article, error) {
	var arts []news.Article
	if sp.oldest > 0 {
		a, err := s.articles.Since(ctx, sp.oldest, 0)
		if err != nil {
			return nil, fmt.Errorf("delivery: load articles: %w", err)
		}
		arts = a
	}
	if sp.anyNew {
		a, err := s.articles.SinceTime(ctx, now.Add(-s.cfg.NewWindow))
		if err != nil {
			return nil, fmt.Errorf("delivery: load articles: %w", err)
		}
		arts = append(arts, a...)
	}
	slices.SortFunc(arts, func(a, b news.Article) int { return cmp.Compare(a.Seq, b.Seq) })
	return slices.CompactFunc(arts, func(a, b news.Article) bool { return a.Seq == b.Seq }), nil
}

// plan selects and renders one chat's digest; ok is false when none of
// the stories it has not been shown matches it. Only a digest moves the
// cursor (to the newest article loaded, in the record's transaction): the
// stories a chat was not sent stay eligible until they leave NewWindow, so
// a chat that matched nothing gets them once it changes its topics.
func (c *composer) plan(sub subscriptions.Subscriber, cur uint64) (plan, bool) {
	w := c.w
	if w.head <= cur {
		return plan{}, false
	}
	p := plan{
		rec: record{ChatID: sub.ChatID, ParseMode: "HTML", Interactive: c.interactive, State: statePending, Created: w.now},
		cur: cursor{Seq: w.head, Created: sub.Created, At: w.now},
	}
	el := c.eligibleFor(cur)
	loc := c.zone(sub.TimeZone)
	opts := digest.RenderOptions{Lang: sub.Lang, Location: loc, Now: w.now}
	selKey := selectionKey(el.key, sub) + c.alertKey(sub.ChatID) + learnedKey(sub, w.now)
	key := selKey + "|" + sub.Lang + "|" + localDate(w.now, loc)
	r, ok := c.cache[key]
	if !ok {
		r = c.render(selKey, el, sub, opts)
		c.cache[key] = r
	}
	if r.stories == 0 {
		return plan{}, false
	}
	p.rec.Messages, p.rec.Keyboards, p.rec.Body, p.stories, p.more = r.msgs, r.kbs, r.body, r.stories, r.more
	return p, true
}

// cachedSelection is a selection as the composer keeps it for the rest of
// the push: the stories it shows and the page set of those its cap cut,
// not the cut stories themselves. A day's window leaves about 2,000
// stories in Rest, and a push keeps one selection per distinct set of
// preferences: kept whole, they were 1.2 GB of a 100,000-chat push.
type cachedSelection struct {
	sel      digest.Selection // Rest nil; More still counts it
	dropped  int              // stories the message cap moved from sel.Stories to Rest
	more     *morePages       // nil when the cap cut nothing
	released bool             // sel.Stories dropped once written (see committed): select again
}

// render selects and renders one digest for the chats sharing selKey and
// opts. Chats in another zone (another header date) reuse the selection
// and its page set; only a rendering whose message cap cuts differently
// (a header that packs otherwise, rare) selects again.
func (c *composer) render(selKey string, el eligibleSet, sub subscriptions.Subscriber, opts digest.RenderOptions) rendered {
	if cs, ok := c.selections[selKey]; ok && !cs.released {
		if len(cs.sel.Stories) == 0 {
			return rendered{}
		}
		msgs, shown := digest.RenderHTMLCapped(cs.sel, opts)
		if len(cs.sel.Stories)-len(shown.Stories) == cs.dropped {
			return c.rendering(len(cs.sel.Stories), msgs, shown, cs.more, sub.Lang)
		}
	}
	idx, p := c.candidates(el, sub)
	sel := c.pool.SelectInto(c.scratch, idx, p)
	c.scratch = sel.Stories[:0]
	cs := cachedSelection{sel: digest.Selection{Stories: slices.Clone(sel.Stories), More: sel.More}}
	if len(sel.Stories) == 0 {
		c.selections[selKey] = cs
		return rendered{}
	}
	msgs, shown := digest.RenderHTMLCapped(sel, opts)
	if len(shown.Rest) > 0 {
		cs.more = c.morePagesFor(shown.Rest, sub.Lang, cmp.Or(sub.MaxStories, digest.DefaultMaxStories))
	}
	cs.dropped = len(sel.Stories) - len(shown.Stories)
	if _, ok := c.selections[selKey]; !ok {
		c.selections[selKey] = cs
	}
	return c.rendering(len(sel.Stories), msgs, shown, cs.more, sub.Lang)
}

// rendering is a digest's messages with their keyboards and body key.
func (c *composer) rendering(stories int, msgs []string, shown digest.Selection, more *morePages, lang string) rendered {
	r := rendered{stories: stories, msgs: msgs, more: more}
	data := ""
	if more != nil {
		data = moreData(more.id, 0)
	}
	r.kbs = make(keyboards, len(msgs))
	r.kbs[len(msgs)-1] = digestKeyboard(shown, lang, data)
	r.body = bodyKey(r.msgs, r.kbs)
	return r
}

// eligibleFor returns the stories with an article newer than the cursor
// whose newest article was first seen within NewWindow, computed once per
// cursor.
func (c *composer) eligibleFor(cur uint64) eligibleSet {
	if el, ok := c.eligible[cur]; ok {
		return el
	}
	since := c.w.now.Add(-c.s.cfg.NewWindow)
	var el eligibleSet
	h := fnv.New64a()
	for i := range c.w.stories {
		if c.w.maxSeq[i] > cur && !c.w.maxFetch[i].Before(since) {
			el.idx = append(el.idx, i)
			h.Write(binary.BigEndian.AppendUint32(nil, uint32(i)))
		}
	}
	el.key = strconv.FormatUint(h.Sum64(), 16) + "/" + strconv.Itoa(len(el.idx))
	c.eligible[cur] = el
	return el
}

// candidates returns the eligible stories the chat's keywords allow (as
// indexes into w.stories, valid until the next call) and the preferences
// to select among them with. digest.Select would stem every story's words
// again for each chat with keywords; matching each keyword once per push
// (digest.MatchKeyword, the same test on the same title and summary) and
// handing Select only the stories that pass does that work once.
// Exclusions are then applied; inclusions stay in the preferences because
// they also rank the stories.
func (c *composer) candidates(el eligibleSet, sub subscriptions.Subscriber) ([]int, digest.Prefs) {
	p := prefs(sub)
	p.Exclude, p.Weights = nil, learnedWeights(sub, c.w.now)
	if len(sub.Include)+len(sub.Exclude) == 0 && len(c.alertedStories(sub.ChatID)) == 0 {
		return el.idx, p // most chats: every eligible story (Select only reads it)
	}
	out := c.picks[:0]
	for _, i := range el.idx {
		if c.alerted(sub.ChatID, i) || c.anyMatch(sub.Exclude, i) || (len(sub.Include) > 0 && !c.anyMatch(sub.Include, i)) {
			continue
		}
		out = append(out, i)
	}
	c.picks = out
	return out, p
}

func (c *composer) anyMatch(keywords []string, story int) bool {
	for _, kw := range keywords {
		if m := c.matches(kw); m != nil && m[story] {
			return true
		}
	}
	return false
}

// matches reports for each story of the window whether kw occurs in its
// title or summary (nil: kw has no stems and matches nothing). It is the
// pool's test, the one Select applies to the inclusions it is handed, so
// each story is stemmed once per push for both.
func (c *composer) matches(kw string) []bool { return c.pool.Matches(kw) }

// zone loads a chat's zone once per push (validated on write; nil, for a
// zone that vanished from tzdata, renders in UTC).
func (c *composer) zone(name string) *time.Location {
	loc, ok := c.zones[name]
	if !ok {
		loc, _ = subscriptions.LoadZone(name)
		c.zones[name] = loc
	}
	return loc
}

// localDate is the date a digest's header shows in the chat's zone: chats
// in different zones on the same date share one rendering.
func localDate(now time.Time, loc *time.Location) string {
	if loc == nil {
		loc = time.UTC
	}
	return now.In(loc).Format(time.DateOnly)
}

// digestKeyboard is the inline keyboard under a digest's last message,
// given the selection the messages show and the callback data of its More
// button ("" when the cap cut nothing). The keyboard is stored with the
// messages and shared by every chat with the same rendering: nothing
// chat-specific may go in it.
func digestKeyboard(shown digest.Selection, lang, more string) [][]Button {
	rows := feedbackKeyboard(shown, lang)
	if more != "" {
		rows = append(rows, []Button{{Text: digest.MoreLabel(lang, shown.More), Data: more}})
	}
	return rows
}

// rendered is one digest shared by chats with the same stories and prefs.
type rendered struct {
	msgs    []string
	kbs     keyboards  // per message; the last one's is digestKeyboard
	more    *morePages // the More button's pages; nil when the cap cut nothing
	body    string     // bodyKey(msgs), computed once for every chat sharing it
	stories int
}

func prefs(sub subscriptions.Subscriber) digest.Prefs {
	return digest.Prefs{Topics: sub.Topics, Include: sub.Include, Exclude: sub.Exclude, MaxStories: sub.MaxStories,
		Lang: sub.Lang, StoryLangs: sub.StoryLangs}
}

// selectionKey names what digest.Select depends on: the stories to choose
// from, the chat's topics, keywords and size, and its interface language
// with its story-language setting (which decide which languages' stories
// it gets; its zone only changes the rendering).
func selectionKey(eligible string, sub subscriptions.Subscriber) string {
	return fmt.Sprintf("%s|%s|%s|%s|%d|%s|%s", eligible, strings.Join(sub.Topics, ","), strings.Join(sub.Include, "\x00"),
		strings.Join(sub.Exclude, "\x00"), sub.MaxStories, sub.Lang, sub.StoryLangs)
}

// enqueue writes the plans BatchSize at a time, one transaction per batch;
// last runs in the final transaction (the due-check's "minute processed").
func (s *Service) enqueue(ctx context.Context, plans []plan, last func(*bolt.Tx) error) (int, error) {
	queued := 0
	err := inBatches(len(plans), s.cfg.BatchSize, last != nil, func(from, to int, final bool) error {
		n, err := s.writeBatch(ctx, plans[from:to], final, last)
		queued += n
		return err
	})
	return queued, err
}

func (s *Service) writeBatch(ctx context.Context, batch []plan, final bool, last func(*bolt.Tx) error) (int, error) {
	if err := ctx.Err(); err != nil {
		return 0, fmt.Errorf("delivery: enqueue: %w", err)
	}
	n := 0
	err := s.db.Update(func(tx *bolt.Tx) error {
		n = 0
		written := map[*morePages]bool{} // the chats of a batch mostly share their page sets
		for i := range batch {
			if err := writePlan(tx, &batch[i], s.cfg.Now(), written); err != nil {
				return err
			}
			if batch[i].rec.queued() {
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
	for i := range batch {
		if batch[i].more != nil {
			batch[i].more.committed() // later batches of the push need not write it again
		}
	}
	s.signal() // the workers may start on this batch while the next is planned
	return n, nil
}

// writePlan writes a plan's record, cursor and (unless written, in this
// transaction or an earlier one of the push) its More pages.
func writePlan(tx *bolt.Tx, p *plan, now time.Time, written map[*morePages]bool) error {
	if p.more != nil && !p.more.stored && !written[p.more] {
		if err := putPages(tx, p.more, now); err != nil {
			return err
		}
		written[p.more] = true
	}
	if p.rec.queued() {
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
