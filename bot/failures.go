package bot

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"io/fs"
	"net"
	"syscall"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
	berrors "go.etcd.io/bbolt/errors"

	"newsdigest/delivery"
)

// failure says what a handler's error means for its update.
type failure int

const (
	failNone      failure = iota // it worked
	failPermanent                // it will never work (Telegram said 400/403, a bad command): counts as handled
	failTemporary                // the Bot API may answer next time (5xx, 429, a timeout, a broken connection)
	failStorage                  // the database could not write (full disk, I/O error): retried while it lasts
)

// classify sorts a handler's error. Errors of our own (validation, a subscriber
// not found) are permanent: retrying cannot change them.
func classify(err error) failure {
	if err == nil {
		return failNone
	}
	var te *tgbotapi.Error
	if errors.As(err, &te) {
		if apiTemporary(te) {
			return failTemporary
		}
		return failPermanent
	}
	if isStorageFault(err) {
		return failStorage
	}
	if isTransportFault(err) {
		return failTemporary
	}
	return failPermanent
}

// apiTemporary is the one rule, for handlers and the Sender alike, of a Bot
// API answer that may succeed when repeated: a 429 or any retry_after, a 5xx,
// and an "ok": false without an error code. Every other code (400, 403) is
// Telegram's final word.
func apiTemporary(te *tgbotapi.Error) bool {
	return te.Code == 0 || te.Code == 429 || te.Code >= 500 || te.RetryAfter > 0
}

// isStorageFault reports a failure of the database file itself.
func isStorageFault(err error) bool {
	var pe *fs.PathError
	var errno syscall.Errno
	switch {
	case errors.As(err, &pe), errors.As(err, &errno):
		return true
	case errors.Is(err, berrors.ErrMaxSizeReached), errors.Is(err, berrors.ErrDatabaseNotOpen),
		errors.Is(err, berrors.ErrTimeout), errors.Is(err, berrors.ErrDatabaseReadOnly):
		return true
	}
	return false
}

// isTransportFault reports a Bot API call that got no usable answer: a
// network error, a timeout, a proxy's HTML error page instead of JSON. A
// redacted error is one whose message held the request URL (and so the
// token): only transport errors do.
func isTransportFault(err error) bool {
	var ne net.Error
	var se *json.SyntaxError
	var re *redactedError
	var ra *delivery.RetryAfterError
	return errors.As(err, &ne) || errors.As(err, &se) || errors.As(err, &re) || errors.As(err, &ra) ||
		errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) || errors.Is(err, delivery.ErrTemporary) ||
		errors.Is(err, context.DeadlineExceeded)
}

// noteOutcome logs a failed attempt and tells the readiness check whether
// storage works.
func (b *Bot) noteOutcome(ctx context.Context, j *job, err error, kind failure) {
	switch kind {
	case failStorage:
		b.reportWrite(err)
	case failPermanent:
		if !isCanceled(ctx, err) {
			b.log.ErrorContext(ctx, "update failed", "update", j.u.UpdateID, "err", err)
		}
	}
}

// WriteReporter learns whether the bot's database writes work; /readyz reads
// it (ops.WriteHealth implements it).
type WriteReporter interface {
	RecordWrite(err error)
}

// WithWriteReporter reports every write of the updates loop (the handled
// record) and every storage error of a handler.
func WithWriteReporter(w WriteReporter) Option { return func(b *Bot) { b.writes = w } }

func (b *Bot) reportWrite(err error) {
	if b.writes != nil {
		b.writes.RecordWrite(err)
	}
}

// retryBase is the first pause before an update is tried again.
func (b *Bot) retryBase() time.Duration { return positiveOr(b.retryPause, time.Second) }
