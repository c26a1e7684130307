package delivery

import (
	"errors"
	"fmt"
	"testing"
	"time"
)

// The outbox decides what to do from the kind of a Sender error even after
// the sender wrapped it with context, so the kinds must survive wrapping.
func TestErrorKindsSurviveWrapping(t *testing.T) {
	tests := []struct {
		name  string
		err   error
		check func(error) bool
	}{
		{"chat gone", fmt.Errorf("send: %w", ErrChatGone), func(e error) bool { return errors.Is(e, ErrChatGone) }},
		{"temporary", fmt.Errorf("send: %w", ErrTemporary), func(e error) bool { return errors.Is(e, ErrTemporary) }},
		{"retry after", fmt.Errorf("send: %w", &RetryAfterError{After: 3 * time.Second}), func(e error) bool {
			var ra *RetryAfterError
			return errors.As(e, &ra) && ra.After == 3*time.Second
		}},
		{"migrated", fmt.Errorf("send: %w", &MigratedError{To: -1001}), func(e error) bool {
			var m *MigratedError
			return errors.As(e, &m) && m.To == -1001
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if !tt.check(tt.err) {
				t.Fatalf("%v: kind lost after wrapping", tt.err)
			}
		})
	}
}
