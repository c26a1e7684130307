package bot

import (
	"cmp"
	"context"
	"fmt"
	"html"
	"io"
	"maps"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
	bolt "go.etcd.io/bbolt"

	"newsdigest/digest"
)

// stats shows subscriber counts and, with Ops, delivery figures.
func (b *Bot) stats(ctx context.Context, r request) error {
	st, err := b.subs.Stats(ctx)
	if err != nil {
		return err
	}
	topics := map[string]int{}
	for id, n := range st.ByTopic {
		label := text(r.lang, msgTopicsAll)
		if id != "" {
			label = b.topicLabel(id, r.lang)
		}
		topics[label] += n
	}
	out := text(r.lang, msgStats, st.Total, st.Active, st.Paused, st.Inactive,
		countList(r.lang, relabel(st.ByLang, func(k string) string { return chatTypeLabel(r.lang, k) })), countList(r.lang, topics),
		countList(r.lang, relabel(st.ByType, func(k string) string { return chatTypeLabel(r.lang, k) })))
	if b.ops != nil {
		os, err := b.ops.Status(ctx)
		if err != nil {
			return fmt.Errorf("ops status: %w", err)
		}
		last := text(r.lang, msgNone)
		if !os.LastPush.IsZero() {
			last = stamp(os.LastPush)
		}
		out += text(r.lang, msgStatsOps, os.ArticlesToday, last, os.Pending, os.Failed)
	}
	return b.replyErr(ctx, r, out)
}

// countList renders "ar 3, en 1", largest first, each name isolated.
func countList(lang string, m map[string]int) string {
	if len(m) == 0 {
		return text(lang, msgNone)
	}
	keys := slices.SortedFunc(maps.Keys(m), func(a, b string) int {
		return cmp.Or(cmp.Compare(m[b], m[a]), strings.Compare(a, b))
	})
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = userText(k) + " " + strconv.Itoa(m[k])
	}
	return strings.Join(parts, listSep(lang))
}

// pushNow sends digests now and reports progress in one message edited in
// place. The push runs beside the updates loop so other users are answered
// meanwhile; Poll and ServeWebhook wait for it at shutdown.
func (b *Bot) pushNow(ctx context.Context, r request) error {
	if b.ops == nil {
		return b.replyErr(ctx, r, text(r.lang, msgOpsUnavailable))
	}
	var chats []int64
	if r.args != "" {
		id, err := strconv.ParseInt(strings.Fields(r.args)[0], 10, 64)
		if err != nil {
			return b.replyErr(ctx, r, text(r.lang, msgPushUsage))
		}
		chats = []int64{id}
	}
	msgID, err := b.sendMarkup(ctx, r.chat.ID, text(r.lang, msgPushProgress, 0, len(chats)), nil)
	if err != nil {
		return err
	}
	p := &progress{b: b, chat: r.chat.ID, msgID: msgID, lang: r.lang}
	b.bg.Go(func() { p.finish(ctx, b.ops.PushNow(ctx, chats, func(done, total int) { p.update(ctx, done, total) })) })
	return nil
}

// progress edits the /pushnow message, at most once a second until the end.
type progress struct {
	b     *Bot
	chat  int64
	msgID int
	lang  string

	mu          sync.Mutex
	done, total int
	last        time.Time
}

func (p *progress) update(ctx context.Context, done, total int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.done, p.total = done, total
	now := p.b.now()
	if now.Sub(p.last) < time.Second || done >= total {
		return // the final figure is written by finish
	}
	p.last = now
	p.editLocked(ctx, text(p.lang, msgPushProgress, done, total))
}

func (p *progress) finish(ctx context.Context, err error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if err != nil {
		p.b.log.ErrorContext(ctx, "pushnow failed", "err", err)
		p.editLocked(context.WithoutCancel(ctx), text(p.lang, msgPushFailed, p.done, p.total, failureSentence(p.lang, err.Error())))
		return
	}
	p.editLocked(ctx, text(p.lang, msgPushDone, p.done, p.total))
}

func (p *progress) editLocked(ctx context.Context, html string) {
	if err := p.b.edit(ctx, p.chat, p.msgID, html, nil); err != nil && !isCanceled(ctx, err) {
		p.b.log.WarnContext(ctx, "pushnow progress edit failed", "err", err)
	}
}

// maxBroadcastUnits bounds a broadcast's text (in UTF-16 units, as Telegram
// counts): every subscriber gets it as one message, and the confirmation
// shows it after a line of its own, both within maxMessageUnits. It is
// measured escaped (an & counts 5), as our own length checks count HTML.
const maxBroadcastUnits = 3900

// broadcast shows the message to send with a confirmation button; the text
// is sent escaped, as the admin typed it.
func (b *Bot) broadcast(ctx context.Context, r request) error {
	if b.ops == nil {
		return b.replyErr(ctx, r, text(r.lang, msgOpsUnavailable))
	}
	if r.args == "" {
		return b.replyErr(ctx, r, text(r.lang, msgBroadcastUsage))
	}
	body := html.EscapeString(r.args)
	if n := digest.UTF16Len(body); n > maxBroadcastUnits {
		return b.replyErr(ctx, r, text(r.lang, msgBroadcastTooLong, count(r.lang, n, nounChar), count(r.lang, maxBroadcastUnits, nounChar)))
	}
	id := b.pending.add(r.from.ID, body, b.now())
	n, _ := strconv.ParseInt(id, 10, 64)
	kb := tgbotapi.NewInlineKeyboardMarkup(tgbotapi.NewInlineKeyboardRow(
		tgbotapi.NewInlineKeyboardButtonData(text(r.lang, msgBtnSend), cbData(cbBroadcast, "yes", n)),
		tgbotapi.NewInlineKeyboardButtonData(text(r.lang, msgCancel), cbData(cbBroadcast, "no", n)),
	))
	_, err := b.sendMarkup(ctx, r.chat.ID, text(r.lang, msgBroadcastConfirm, body), &kb)
	return err
}

// onBroadcast handles the confirmation. Only the admin who asked may
// confirm; anyone else gets the same silence as a stale button.
func (b *Bot) onBroadcast(ctx context.Context, c callback) error {
	b.answerCallback(ctx, c.q.ID, "")
	if !b.isBotAdmin(c.q.From) {
		return nil
	}
	body, ok := b.pending.take(strconv.FormatInt(c.target, 10), c.q.From.ID, b.now())
	switch {
	case c.arg != "yes":
		return b.edit(ctx, c.chat.ID, c.msgID, text(c.lang, msgCancelled), nil)
	case !ok:
		return b.edit(ctx, c.chat.ID, c.msgID, text(c.lang, msgBroadcastExpired), nil)
	}
	n, err := b.ops.Broadcast(ctx, body)
	if err != nil {
		// Keep the confirmation: the update is retried on a storage or
		// temporary error, and its retry must find the text again.
		b.pending.restore(strconv.FormatInt(c.target, 10), c.q.From.ID, body, b.now())
		return fmt.Errorf("broadcast: %w", err)
	}
	return b.edit(ctx, c.chat.ID, c.msgID, text(c.lang, msgBroadcastQueued, count(c.lang, n, nounChat)), nil)
}

// backup sends a consistent copy of the database as a document, always to
// the admin's private chat (never into a group). The copy is streamed from
// one read transaction (tx.WriteTo), so writers are not blocked and no
// temporary file is needed.
func (b *Bot) backup(ctx context.Context, r request) error {
	if b.db == nil {
		return b.replyErr(ctx, r, text(r.lang, msgOpsUnavailable))
	}
	pr, pw := io.Pipe()
	defer pr.Close() // unblocks the writer if the upload stops early
	go func() {
		pw.CloseWithError(b.db.View(func(tx *bolt.Tx) error {
			_, err := tx.WriteTo(pw)
			return err
		}))
	}()
	taken := b.now().UTC().Format("20060102T150405Z")
	doc := tgbotapi.NewDocument(r.from.ID, tgbotapi.FileReader{Name: "newsdigest-" + taken + ".db", Reader: pr})
	doc.Caption = text(r.lang, msgBackupCaption, taken)
	doc.ParseMode = tgbotapi.ModeHTML
	if _, err := b.apiFor(ctx).Send(doc); err != nil {
		err = Redact(err, b.cfg.Token)
		b.reply(ctx, r, text(r.lang, msgBackupFailed, failureSentence(r.lang, err.Error())))
		return fmt.Errorf("bot: backup: %w", err)
	}
	return nil
}
