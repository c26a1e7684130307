package bot

import (
	"context"
	"strings"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

// request is one command as a handler sees it.
type request struct {
	chat    *tgbotapi.Chat
	from    *tgbotapi.User
	command string // lower-case, without "/" and "@botname"
	args    string
	lang    string // the UI language to answer in
}

type handler func(ctx context.Context, r request) error

func (b *Bot) routes() map[string]handler {
	return map[string]handler{
		"start":  b.start,
		"help":   b.help,
		"digest": b.digest,
		"stop":   b.stop,
	}
}

// handle answers one update. Errors are logged, never fatal: one bad update
// must not stop the others.
func (b *Bot) handle(ctx context.Context, u tgbotapi.Update) {
	msg := u.Message
	if msg == nil || msg.Chat == nil {
		return
	}
	cmd, args, ok := parseCommand(msg.Text, b.Username())
	if !ok {
		return
	}
	r := request{chat: msg.Chat, from: msg.From, command: cmd, args: args}
	r.lang = b.chatLang(ctx, msg.Chat.ID, msg.From)
	h, known := b.routes()[cmd]
	if !known {
		h = b.unknown
	}
	if err := h(ctx, r); err != nil && !isCanceled(ctx, err) {
		b.log.ErrorContext(ctx, "command failed", "command", cmd, "chat", msg.Chat.ID, "err", err)
	}
}

// parseCommand splits "/cmd@bot args" into its parts. A command addressed to
// another bot ("/start@otherbot") is not ours.
func parseCommand(text, self string) (cmd, args string, ok bool) {
	if !strings.HasPrefix(text, "/") {
		return "", "", false
	}
	head, args, _ := strings.Cut(text[1:], " ")
	head, target, addressed := strings.Cut(head, "@")
	if addressed && !strings.EqualFold(target, self) {
		return "", "", false
	}
	if head == "" {
		return "", "", false
	}
	return strings.ToLower(head), strings.TrimSpace(args), true
}
