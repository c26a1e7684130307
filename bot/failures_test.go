package bot

import (
	"errors"
	"fmt"
	"testing"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"newsdigest/delivery"
)

// TestHandlerFailuresAreRetriedAsTelegramSays: how a failed update is
// treated decides whether the user gets an answer at all (permanent: never)
// and when (a 429 names its own wait).
func TestHandlerFailuresAreRetriedAsTelegramSays(t *testing.T) {
	tests := []struct {
		name  string
		err   error
		kind  failure
		after time.Duration
	}{
		{"getUpdates 429", &tgbotapi.Error{Code: 429, Message: "Too Many Requests", ResponseParameters: tgbotapi.ResponseParameters{RetryAfter: 7}}, failTemporary, 7 * time.Second},
		{"reply refused with 429 by the Sender", fmt.Errorf("bot: send to chat 1: %w", &delivery.RetryAfterError{After: 3 * time.Second}), failTemporary, 3 * time.Second},
		{"5xx", &tgbotapi.Error{Code: 502, Message: "Bad Gateway"}, failTemporary, 0},
		{"ok false without a code", &tgbotapi.Error{Code: 0, Message: "something"}, failTemporary, 0},
		{"Sender's temporary", fmt.Errorf("x: %w", delivery.ErrTemporary), failTemporary, 0},
		{"400 bad request", &tgbotapi.Error{Code: 400, Message: "Bad Request: message is too long"}, failPermanent, 0},
		{"our own validation", errors.New("subscriptions: invalid subscriber"), failPermanent, 0},
	}
	for _, tt := range tests {
		if got := classify(tt.err); got != tt.kind {
			t.Errorf("%s: classify = %v, want %v", tt.name, got, tt.kind)
		}
		if got := retryAfter(tt.err); got != tt.after {
			t.Errorf("%s: retryAfter = %v, want %v", tt.name, got, tt.after)
		}
	}
}
