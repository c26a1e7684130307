package bot

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"newsdigest/subscriptions"
)

// channel links a channel the user administers (and where the bot is an
// administrator) and makes this private chat's commands edit its settings:
// "/channel @name" or "/channel -100…"; "/channel" alone switches back.
func (b *Bot) channel(ctx context.Context, r request) error {
	if !r.chat.IsPrivate() {
		return b.replyErr(ctx, r, text(r.lang, msgChannelPrivateOnly))
	}
	if r.args == "" {
		if _, ok := b.editing.get(r.chat.ID); ok {
			b.editing.set(r.chat.ID, 0)
			return b.replyErr(ctx, r, text(r.lang, msgChannelOff))
		}
		return b.replyErr(ctx, r, text(r.lang, msgChannelUsage))
	}
	name := strings.Fields(r.args)[0]
	id, err := b.resolveChannel(ctx, name)
	if err != nil {
		b.log.InfoContext(ctx, "channel lookup failed", "err", err)
		return b.replyErr(ctx, r, text(r.lang, msgChannelNotFound, userText(name)))
	}
	if problem := b.channelProblem(ctx, r, id, name); problem != "" {
		return b.replyErr(ctx, r, problem)
	}
	if err := b.linkChannel(ctx, r, id); err != nil {
		return err
	}
	b.editing.set(r.chat.ID, id)
	return b.replyErr(ctx, r, text(r.lang, msgChannelLinked, userText(name)))
}

// resolveChannel turns "@name" or a numeric ID into the chat ID.
func (b *Bot) resolveChannel(ctx context.Context, name string) (int64, error) {
	if id, err := strconv.ParseInt(name, 10, 64); err == nil {
		return id, nil
	}
	if !strings.HasPrefix(name, "@") || len(name) < 2 {
		return 0, fmt.Errorf("bot: %q is not @name or a chat ID", name)
	}
	chat, err := b.apiFor(ctx).GetChat(tgbotapi.ChatInfoConfig{ChatConfig: tgbotapi.ChatConfig{SuperGroupUsername: name}})
	if err != nil {
		return 0, fmt.Errorf("bot: getChat %s: %w", name, Redact(err, b.cfg.Token))
	}
	return chat.ID, nil
}

// channelProblem checks both administrator rights; "" when all is well.
func (b *Bot) channelProblem(ctx context.Context, r request, id int64, name string) string {
	b.admins.invalidate(id) // ask Telegram afresh: rights were probably just granted
	ids, err := b.chatAdmins(ctx, id)
	switch {
	case err != nil:
		var tgErr *tgbotapi.Error
		if errors.As(err, &tgErr) && tgErr.Code == 400 {
			return text(r.lang, msgChannelBotNotAdmin, userText(name))
		}
		return text(r.lang, msgChannelNotFound, userText(name))
	case r.from == nil || !ids[r.from.ID]:
		return text(r.lang, msgChannelNotAdmin, userText(name))
	case !ids[b.api.Self.ID]:
		return text(r.lang, msgChannelBotNotAdmin, userText(name))
	}
	return ""
}

// linkChannel creates the channel's subscriber with the user's language and
// the default zone, unless it exists already.
func (b *Bot) linkChannel(ctx context.Context, r request, id int64) error {
	_, err := b.subs.Get(ctx, id)
	if !errors.Is(err, subscriptions.ErrNotFound) {
		return err
	}
	sub := b.newSubscriber(id, subscriptions.ChatChannel, userLang(r.from))
	if err := b.subs.Put(ctx, sub); err != nil {
		return fmt.Errorf("link channel %d: %w", id, err)
	}
	return nil
}
