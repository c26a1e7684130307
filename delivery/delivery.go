// Package delivery turns due subscribers into digest messages and gets them
// to Telegram exactly once: a durable outbox in bbolt, a fan-out of sender
// workers that honour Telegram's error answers, and the cron jobs that drive
// ingestion, the per-minute due-check and pruning.
//
// delivery never imports the Telegram client: it talks to Telegram through
// Sender, which package bot implements. Sender errors are classified with the
// kinds below so the outbox knows whether to wait, retry, move or give up.
package delivery

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// Message is one Telegram text message.
type Message struct {
	ChatID      int64
	Text        string
	ParseMode   string     // "HTML" for digests; "" for plain text
	Interactive bool       // a reply to a user's command: goes ahead of bulk pushes
	Buttons     [][]Button // inline keyboard rows under the message; nil = none
}

// Button is an inline keyboard button that sends Data back to the bot as a
// callback query when tapped (Telegram allows at most 64 bytes of Data).
type Button struct {
	Text string `json:"text"`
	Data string `json:"data"`
}

// Sender delivers one message. Implementations block while rate limits
// require it and classify failures with the error kinds of this package.
type Sender interface {
	Send(ctx context.Context, m Message) error
}

// Error kinds a Sender returns (wrapped; test with errors.Is / errors.As).
var (
	// ErrChatGone means the chat can never receive messages again: the user
	// blocked the bot or was deactivated, or the chat does not exist. The
	// subscriber is marked inactive and the message is not retried.
	ErrChatGone = errors.New("delivery: chat gone")
	// ErrTemporary means a server error (5xx) or a network failure: the same
	// request may succeed later, after a backoff.
	ErrTemporary = errors.New("delivery: temporary failure")
	// ErrRejected means Telegram refused this message for good (a 400 other
	// than "chat not found", e.g. unparsable HTML): retrying cannot help.
	ErrRejected = errors.New("delivery: message rejected")
)

// RetryAfterError is Telegram's 429 answer: nothing may be sent to the chat
// (or by the bot, for the global limit) before After has passed.
type RetryAfterError struct {
	After time.Duration
}

func (e *RetryAfterError) Error() string {
	return fmt.Sprintf("delivery: too many requests, retry after %s", e.After)
}

// MigratedError is Telegram's answer for a group that became a supergroup:
// the message must be sent again to To.
type MigratedError struct {
	To int64
}

func (e *MigratedError) Error() string {
	return fmt.Sprintf("delivery: chat migrated to %d", e.To)
}
