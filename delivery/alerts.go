package delivery

import (
	"bytes"
	"context"
	"encoding/json"
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

// Breaking-news alerts. A story is breaking when alertOutlets distinct
// outlets reported it within alertSpan of each other, and the report that
// made it so is at most alertFresh old. Report times are the outlets' own
// publication times, capped at when we first saw the article (a feed's
// clock ahead of ours), and the first-seen time for an undated article:
// first-seen times bunch at every ingest (every feed of one pass shares
// its minute) and at a feed's first fetch, when a day-old story told by
// three outlets would look as if it broke that minute.
const (
	alertOutlets = 3
	alertSpan    = time.Hour
	alertFresh   = time.Hour
	// alertLookback is how far back (first seen) the check loads articles:
	// a report counts only if its time is within alertSpan+alertFresh of
	// now, and that time is never after its first-seen time.
	alertLookback = alertSpan + alertFresh
	// Quiet hours, in the subscriber's zone: [quietFrom, quietTo).
	quietFrom, quietTo = 22, 7
	// alertKeep is how long events and "sent to" marks are kept: a digest
	// leaves an alerted story out while its mark lasts.
	alertKeep = 48 * time.Hour
	// DefaultAlertsPerDay is Config.AlertsPerDay's default.
	DefaultAlertsPerDay = 3
)

var (
	bucketAlertEvents = []byte("delivery_alert_events") // event ID → alertEvent JSON
	bucketAlertSent   = []byte("delivery_alert_sent")   // chat key ‖ event ID → unix seconds queued
	bucketAlertDays   = []byte("delivery_alert_days")   // chat key → alertDay JSON
	keyAlertSeq       = []byte("alert_seq")             // in bucketMeta: the article Seq the last check covered
)

// alertEvent is one breaking story, found once: later checks that see the
// same story (any article in common) extend it instead of alerting again.
// Done is set once every chat that takes alerts was considered; a check
// that finds an event not done (a crash mid-way) goes on with it, the
// "sent" marks keeping the chats already served from a second alert.
type alertEvent struct {
	At       time.Time `json:"at"`
	Articles []string  `json:"articles"`
	Done     bool      `json:"done,omitempty"`
}

// alertDay counts the alerts a chat was sent on one local date.
type alertDay struct {
	Day string `json:"day"` // YYYY-MM-DD in the chat's zone
	N   int    `json:"n"`
}

func createAlertBuckets(tx *bolt.Tx) error {
	for _, b := range [][]byte{bucketAlertEvents, bucketAlertSent, bucketAlertDays} {
		if _, err := tx.CreateBucketIfNotExists(b); err != nil {
			return fmt.Errorf("delivery: create bucket %s: %w", b, err)
		}
	}
	return nil
}

// CheckAlerts sends the breaking-news alerts due now. The per-minute cron
// job calls it; when no article arrived since the last check (and no
// check was cut short) it costs two small reads. Otherwise it builds the
// stories of the last alertLookback and, only for a breaking story not
// seen before, walks the chats in the alerts index: each that the story
// matches (its topics, keywords and story languages, as its digest would
// pick them), outside its quiet hours and under its daily cap, gets one
// outbox record, written in the same transaction as the marks that it was
// sent and the day's count, so a crash neither loses nor repeats it.
func (s *Service) CheckAlerts(ctx context.Context) error {
	if s.cfg.AlertsPerDay < 0 {
		return nil
	}
	head, err := s.articles.LastSeq(ctx)
	if err != nil {
		return fmt.Errorf("delivery: alerts: %w", err)
	}
	var last uint64
	var pending bool
	if err := s.db.View(func(tx *bolt.Tx) error {
		last, pending = getAlertSeq(tx), anyPendingEvent(tx)
		return nil
	}); err != nil {
		return fmt.Errorf("delivery: alerts: %w", err)
	}
	if head == last && !pending {
		return nil
	}
	now := s.cfg.Now()
	stories, byID, err := s.alertStories(ctx, now)
	if err != nil {
		return err
	}
	s.composeMu.Lock() // a digest composed meanwhile must see the alerts' marks
	defer s.composeMu.Unlock()
	todo, err := s.findBreaking(now, head, stories, byID)
	if err != nil || len(todo) == 0 {
		return err
	}
	n, err := s.sendAlerts(ctx, now, todo)
	s.cfg.Metrics.Alerted(len(todo), n)
	s.cfg.Log.InfoContext(ctx, "delivery: breaking-news alerts", "stories", len(todo), "queued", n)
	return err
}

// breaking is a story to alert about, the event it is, and the newest
// Seq among its articles (a digest whose cursor reached it showed the
// story as it breaks).
type breaking struct {
	id    string
	story digest.Story
	seq   uint64
}

// alertStories builds the stories of the articles first seen in the last
// alertLookback, with the articles by ID (outside composeMu: a push due
// meanwhile need not wait for it).
func (s *Service) alertStories(ctx context.Context, now time.Time) ([]digest.Story, map[string]news.Article, error) {
	arts, err := s.articles.SinceTime(ctx, now.Add(-alertLookback))
	if err != nil {
		return nil, nil, fmt.Errorf("delivery: alerts: %w", err)
	}
	byID := make(map[string]news.Article, len(arts))
	in := make([]digest.Article, len(arts))
	for i, a := range arts {
		in[i], byID[a.ID] = a.Article, a
	}
	if len(in) == 0 {
		return nil, byID, nil
	}
	return s.engine.Stories(in), byID, nil
}

// findBreaking records new breaking stories as events (and grows known
// ones), and returns those still to be sent, with the check's article
// head, in one transaction.
func (s *Service) findBreaking(now time.Time, head uint64, stories []digest.Story, byID map[string]news.Article) ([]breaking, error) {
	var todo []breaking
	err := s.db.Update(func(tx *bolt.Tx) error {
		todo = nil
		events, err := loadEvents(tx)
		if err != nil {
			return err
		}
		todo, err = matchEvents(tx, events, stories, byID, now)
		if err != nil {
			return err
		}
		return putAlertSeq(tx, head)
	})
	s.commits.Add(1)
	if err != nil {
		return nil, fmt.Errorf("delivery: alerts: %w", err)
	}
	return todo, nil
}

// matchEvents ties each breaking story to its event (new or known) and
// writes what changed; pending events whose story is no longer breaking,
// or gone from the window, are closed unsent (a late alert is no alert).
func matchEvents(tx *bolt.Tx, events map[string]alertEvent, stories []digest.Story, byID map[string]news.Article, now time.Time) ([]breaking, error) {
	owner := map[string]string{} // article ID → event ID
	for id, ev := range events {
		for _, a := range ev.Articles {
			owner[a] = id
		}
	}
	var todo []breaking
	seen := map[string]bool{}
	for _, st := range stories {
		if len(st.Sources) < alertOutlets {
			continue
		}
		at, ok := breaksAt(st, byID)
		if !ok || now.Sub(at) > alertFresh || at.After(now) {
			continue
		}
		id := eventOf(st, owner)
		ev, known := events[id]
		if !known {
			id, ev = st.ID, alertEvent{At: now}
		}
		if seen[id] {
			continue // two window stories of one event: the first speaks for it
		}
		seen[id] = true
		grown := union(ev.Articles, st.Articles)
		if !known || len(grown) != len(ev.Articles) {
			ev.Articles = grown
			if err := putEvent(tx, id, ev); err != nil {
				return nil, err
			}
		}
		if !ev.Done {
			todo = append(todo, breaking{id, st, newestSeq(st, byID)})
		}
	}
	for id, ev := range events {
		if !ev.Done && !seen[id] {
			ev.Done = true
			if err := putEvent(tx, id, ev); err != nil {
				return nil, err
			}
		}
	}
	return todo, nil
}

// breaksAt is the time of the report that first made alertOutlets
// distinct outlets within alertSpan; ok is false if that never happened.
func breaksAt(st digest.Story, byID map[string]news.Article) (time.Time, bool) {
	type report struct {
		at     time.Time
		outlet string
	}
	var reps []report
	for _, id := range st.Articles {
		if a, ok := byID[id]; ok {
			reps = append(reps, report{reportTime(a), outletKey(a)})
		}
	}
	slices.SortFunc(reps, func(a, b report) int { return a.at.Compare(b.at) })
	for j, r := range reps {
		outlets := map[string]bool{}
		for _, o := range reps[:j+1] {
			if !o.at.Before(r.at.Add(-alertSpan)) {
				outlets[o.outlet] = true
			}
		}
		if len(outlets) >= alertOutlets {
			return r.at, true
		}
	}
	return time.Time{}, false
}

// reportTime is when an outlet reported an article: its publication time,
// but never after we first saw it, and the first-seen time when undated.
func reportTime(a news.Article) time.Time {
	if a.Published.IsZero() || a.Published.After(a.Fetched) {
		return a.Fetched
	}
	return a.Published
}

// outletKey names an article's outlet as the engine counts Story.Sources
// (digest's distinctSources): the normalised source name, else the URL.
func outletKey(a news.Article) string {
	if name := strings.TrimSpace(a.Source); name != "" {
		return "s:" + digest.Normalize(name)
	}
	return "u:" + a.URL
}

func newestSeq(st digest.Story, byID map[string]news.Article) uint64 {
	var seq uint64
	for _, id := range st.Articles {
		seq = max(seq, byID[id].Seq)
	}
	return seq
}

// eventOf is the event a story shares an article with, or "".
func eventOf(st digest.Story, owner map[string]string) string {
	for _, a := range st.Articles {
		if id, ok := owner[a]; ok {
			return id
		}
	}
	return ""
}

func union(a, b []string) []string {
	out := slices.Clone(a)
	for _, x := range b {
		if !slices.Contains(out, x) {
			out = append(out, x)
		}
	}
	return out
}

// sendAlerts considers every chat of the alerts index, BatchSize at a
// time, for the breaking stories, writes each batch's records with their
// marks in one transaction, and then closes the events.
func (s *Service) sendAlerts(ctx context.Context, now time.Time, todo []breaking) (int, error) {
	ids, err := s.subs.AlertChats(ctx)
	if err != nil {
		return 0, fmt.Errorf("delivery: alerts: %w", err)
	}
	c, el := s.alertComposer(now, todo)
	queued := 0
	err = inBatches(len(ids), s.cfg.BatchSize, true, func(from, to int, final bool) error {
		subs, err := s.subscribers(ctx, ids[from:to], false)
		if err != nil {
			return err
		}
		n, err := s.writeAlerts(ctx, c, el, todo, subs, final)
		queued += n
		return err
	})
	return queued, err
}

// alertComposer plans alerts as compose plans digests, over a window of
// the breaking stories alone.
func (s *Service) alertComposer(now time.Time, todo []breaking) (*composer, eligibleSet) {
	w := window{now: now, stories: make([]digest.Story, len(todo))}
	el := eligibleSet{idx: make([]int, len(todo)), key: "alerts"}
	for i, b := range todo {
		w.stories[i], el.idx[i] = b.story, i
		el.key += "/" + b.id
	}
	c := newComposer(s, w, false)
	c.alerts = alertFilter{loaded: true} // sent marks are checked in each batch's own transaction
	return c, el
}

// writeAlerts writes one batch of chats' alerts; the final batch also
// closes the events.
func (s *Service) writeAlerts(ctx context.Context, c *composer, el eligibleSet, todo []breaking, subs []subscriptions.Subscriber, final bool) (int, error) {
	if err := ctx.Err(); err != nil {
		return 0, fmt.Errorf("delivery: alerts: %w", err)
	}
	perDay := positiveOr(s.cfg.AlertsPerDay, DefaultAlertsPerDay)
	n := 0
	err := s.db.Update(func(tx *bolt.Tx) error {
		n = 0
		for _, sub := range subs {
			if !sub.Alerts {
				continue // a stale index entry (see subscriptions.AlertChats)
			}
			k, err := c.alertChat(tx, el, todo, sub, perDay)
			if err != nil {
				return err
			}
			n += k
		}
		if final {
			return closeEvents(tx, todo)
		}
		return nil
	})
	s.commits.Add(1)
	if err != nil {
		return 0, fmt.Errorf("delivery: alerts: %w", err)
	}
	if n > 0 {
		s.signal()
	}
	return n, nil
}

// alertChat writes the alerts one chat gets now: the breaking stories its
// digest would pick, none in its quiet hours, at most perDay a local day.
// A story not sent (quiet hours, cap) gets no mark, so the chat's next
// digest still carries it.
func (c *composer) alertChat(tx *bolt.Tx, el eligibleSet, todo []breaking, sub subscriptions.Subscriber, perDay int) (int, error) {
	loc := c.zone(sub.TimeZone)
	if loc == nil {
		loc = time.UTC
	}
	local := c.w.now.In(loc)
	if h := local.Hour(); h >= quietFrom || h < quietTo {
		return 0, nil
	}
	day := getAlertDay(tx, sub.ChatID, local.Format(time.DateOnly))
	if day.N >= perDay {
		return 0, nil
	}
	n := 0
	for _, st := range c.alertMatches(el, sub) {
		i := slices.IndexFunc(todo, func(b breaking) bool { return b.story.ID == st.ID })
		if i < 0 || tx.Bucket(bucketAlertSent).Get(sentKey(sub.ChatID, todo[i].id)) != nil {
			continue // sent before a crash cut the last check short
		}
		if cur, ok := getCursor(tx, sub.ChatID); ok && cur.Created.Equal(sub.Created) && cur.Seq >= todo[i].seq {
			continue // a digest sent since it broke (the same minute) already led with it
		}
		rec := record{ChatID: sub.ChatID, Messages: []string{renderAlert(st, sub.Lang)}, ParseMode: "HTML", State: statePending, Created: c.w.now}
		if err := putRecord(tx, &rec); err != nil {
			return n, err
		}
		if err := tx.Bucket(bucketAlertSent).Put(sentKey(sub.ChatID, todo[i].id), idKey(uint64(c.w.now.Unix()))); err != nil {
			return n, fmt.Errorf("delivery: alert mark: %w", err)
		}
		n++
		if day.N++; day.N >= perDay {
			break
		}
	}
	if n == 0 {
		return 0, nil
	}
	return n, putAlertDay(tx, sub.ChatID, day)
}

// alertMatches is what the chat's digest would pick among the breaking
// stories (compose's candidates and digest.Select: topics, keywords,
// story languages), best first; shared by chats with the same preferences.
func (c *composer) alertMatches(el eligibleSet, sub subscriptions.Subscriber) []digest.Story {
	sub.MaxStories = len(el.idx) // every match, not a digest's worth
	key := "alert|" + selectionKey(el.key, sub)
	cs, ok := c.selections[key]
	if !ok {
		cs.sel = c.pool.Select(c.candidates(el, sub)) // MaxStories covers every match: Rest is empty
		c.selections[key] = cs
	}
	return cs.sel.Stories
}

func closeEvents(tx *bolt.Tx, todo []breaking) error {
	for _, b := range todo {
		ev, ok := getEvent(tx, b.id)
		if !ok {
			continue
		}
		ev.Done = true
		if err := putEvent(tx, b.id, ev); err != nil {
			return err
		}
	}
	return nil
}

func sentKey(chatID int64, eventID string) []byte { return append(chatKey(chatID), eventID...) }

func getAlertSeq(tx *bolt.Tx) uint64 {
	if v := tx.Bucket(bucketMeta).Get(keyAlertSeq); len(v) == 8 {
		return keyID(v)
	}
	return 0
}

func putAlertSeq(tx *bolt.Tx, seq uint64) error {
	return tx.Bucket(bucketMeta).Put(keyAlertSeq, idKey(seq))
}

func anyPendingEvent(tx *bolt.Tx) bool {
	pending := false
	_ = tx.Bucket(bucketAlertEvents).ForEach(func(_, v []byte) error {
		var ev alertEvent
		if json.Unmarshal(v, &ev) == nil && !ev.Done {
			pending = true
			return errStop
		}
		return nil
	})
	return pending
}

var errStop = errors.New("stop")

// loadEvents reads the events; an unreadable one is skipped (it can only
// cost a repeated alert for its story, never block the others).
func loadEvents(tx *bolt.Tx) (map[string]alertEvent, error) {
	out := map[string]alertEvent{}
	err := tx.Bucket(bucketAlertEvents).ForEach(func(k, v []byte) error {
		var ev alertEvent
		if json.Unmarshal(v, &ev) == nil {
			out[string(k)] = ev
		}
		return nil
	})
	return out, err
}

func getEvent(tx *bolt.Tx, id string) (alertEvent, bool) {
	var ev alertEvent
	v := tx.Bucket(bucketAlertEvents).Get([]byte(id))
	return ev, v != nil && json.Unmarshal(v, &ev) == nil
}

func putEvent(tx *bolt.Tx, id string, ev alertEvent) error {
	v, err := json.Marshal(ev)
	if err != nil {
		return fmt.Errorf("delivery: encode alert event: %w", err)
	}
	return tx.Bucket(bucketAlertEvents).Put([]byte(id), v)
}

// getAlertDay is the chat's count for the local date day (0 on a new day).
func getAlertDay(tx *bolt.Tx, chatID int64, day string) alertDay {
	var d alertDay
	v := tx.Bucket(bucketAlertDays).Get(chatKey(chatID))
	if v == nil || json.Unmarshal(v, &d) != nil || d.Day != day {
		return alertDay{Day: day}
	}
	return d
}

func putAlertDay(tx *bolt.Tx, chatID int64, d alertDay) error {
	v, err := json.Marshal(d)
	if err != nil {
		return fmt.Errorf("delivery: encode alert count: %w", err)
	}
	return tx.Bucket(bucketAlertDays).Put(chatKey(chatID), v)
}

// pruneAlerts forgets events, sent marks and day counts older than
// alertKeep (Prune runs it daily): a digest may carry such a story again.
func (s *Service) pruneAlerts(ctx context.Context) error {
	cutoff := s.cfg.Now().Add(-alertKeep)
	err := s.db.Update(func(tx *bolt.Tx) error {
		return errors.Join(
			deleteWhere(tx.Bucket(bucketAlertEvents), func(v []byte) bool {
				var ev alertEvent
				return json.Unmarshal(v, &ev) != nil || ev.At.Before(cutoff)
			}),
			deleteWhere(tx.Bucket(bucketAlertSent), func(v []byte) bool {
				return len(v) != 8 || time.Unix(int64(keyID(v)), 0).Before(cutoff)
			}),
			deleteWhere(tx.Bucket(bucketAlertDays), func(v []byte) bool {
				var d alertDay
				if json.Unmarshal(v, &d) != nil {
					return true
				}
				day, err := time.Parse(time.DateOnly, d.Day)
				return err != nil || day.Before(cutoff.Add(-24*time.Hour))
			}),
		)
	})
	s.commits.Add(1)
	if err != nil {
		return fmt.Errorf("delivery: prune alerts: %w", err)
	}
	return ctx.Err()
}

// deleteWhere deletes the keys of b whose value old reports as expired.
func deleteWhere(b *bolt.Bucket, old func(v []byte) bool) error {
	var gone [][]byte
	_ = b.ForEach(func(k, v []byte) error { // the callback never fails
		if old(v) {
			gone = append(gone, slices.Clone(k))
		}
		return nil
	})
	for _, k := range gone {
		if err := b.Delete(k); err != nil {
			return err
		}
	}
	return nil
}

// moveAlerts carries a group's alert marks and day count over to the
// supergroup it became (in migrate's transaction, with its cursor), so
// the supergroup's digest still leaves out what the group was alerted to.
func moveAlerts(tx *bolt.Tx, from, to int64) error {
	sent := tx.Bucket(bucketAlertSent)
	prefix := chatKey(from)
	var keys, vals [][]byte
	c := sent.Cursor()
	for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
		keys, vals = append(keys, slices.Clone(k)), append(vals, slices.Clone(v))
	}
	for i, k := range keys {
		if err := sent.Put(append(chatKey(to), k[len(prefix):]...), vals[i]); err != nil {
			return fmt.Errorf("delivery: move alert marks: %w", err)
		}
		if err := sent.Delete(k); err != nil {
			return fmt.Errorf("delivery: move alert marks: %w", err)
		}
	}
	days := tx.Bucket(bucketAlertDays)
	if v := days.Get(prefix); v != nil {
		if err := days.Put(chatKey(to), slices.Clone(v)); err != nil {
			return fmt.Errorf("delivery: move alert count: %w", err)
		}
		return days.Delete(prefix)
	}
	return nil
}
