package delivery

import (
	"errors"
	"strings"
	"testing"
	"time"

	"newsdigest/digest"
	"newsdigest/subscriptions"
)

func TestParseFeedback(t *testing.T) {
	tests := []struct {
		data string
		want Feedback
		ok   bool
	}{
		{"f:d:sport:s0123456789ab", Feedback{Topic: "sport", StoryID: "s0123456789ab"}, true},
		{"f:u:middle-east:s0123456789ab", Feedback{Up: true, Topic: "middle-east", StoryID: "s0123456789ab"}, true},
		{"f:u:economy:", Feedback{Up: true, Topic: "economy"}, true},
		{"f:x:sport:s01", Feedback{}, false},        // unknown direction
		{"f:d:Sport:s01", Feedback{}, false},        // not a topic ID
		{"f:d::s01", Feedback{}, false},             // no topic
		{"f:d:sport", Feedback{}, false},            // too few parts
		{"f:d:sport:s01:extra", Feedback{}, false},  // too many
		{"f:d:sport:s0<script>", Feedback{}, false}, // garbage story reference
		{"f:d:sport:" + strings.Repeat("a", 25), Feedback{}, false},
		{"f:d:" + strings.Repeat("a", 60), Feedback{}, false}, // oversized
		{"q:5:abc:words", Feedback{}, false},                  // another button's
		{"", Feedback{}, false},
		{"\xff\xfe", Feedback{}, false},
	}
	for _, tt := range tests {
		got, err := ParseFeedback(tt.data)
		if (err == nil) != tt.ok || got != tt.want {
			t.Errorf("ParseFeedback(%q) = %+v, %v; want %+v, ok %v", tt.data, got, err, tt.want, tt.ok)
		}
		if err != nil && !errors.Is(err, ErrFeedbackData) {
			t.Errorf("ParseFeedback(%q): %v does not wrap ErrFeedbackData", tt.data, err)
		}
	}
}

// FuzzParseFeedback: any callback data is either refused with
// ErrFeedbackData or is exactly what Data writes for what was read, within
// Telegram's 64 bytes.
func FuzzParseFeedback(f *testing.F) {
	for _, s := range []string{"f:d:sport:s0123456789ab", "f:u:middle-east:", "f::::", "f:d:sport:s0123456789ab:", "p:+sport:5"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, data string) {
		fb, err := ParseFeedback(data)
		if err != nil {
			if !errors.Is(err, ErrFeedbackData) {
				t.Fatalf("%q: %v", data, err)
			}
			return
		}
		if fb.Data() != data || len(data) > 64 || !digest.IsTopicID(fb.Topic) {
			t.Fatalf("%q read as %+v, which writes %q", data, fb, fb.Data())
		}
	})
}

// TestFeedbackDataFitsTelegram: the longest topic ID and story ID the
// parser accepts still fit in 64 bytes.
func TestFeedbackDataFitsTelegram(t *testing.T) {
	f := Feedback{Up: true, Topic: strings.Repeat("a", subscriptions.MaxTopicIDLen), StoryID: strings.Repeat("z", maxStoryIDLen)}
	if d := f.Data(); len(d) > 64 {
		t.Fatalf("%d bytes: %q", len(d), d)
	}
	if _, err := ParseFeedback(f.Data()); err != nil {
		t.Fatal(err)
	}
}

// TestLearnedKey: chats that never pressed a button add nothing to their
// selection key (so they keep sharing one selection); chats with the same
// weights share one; different weights, or the same weights faded further,
// do not.
func TestLearnedKey(t *testing.T) {
	t0 := time.Date(2026, 11, 1, 8, 0, 0, 0, time.UTC)
	plain := subscriptions.New(1, subscriptions.ChatPrivate, "en", t0)
	if k := learnedKey(plain, t0); k != "" {
		t.Fatalf("no feedback: key %q", k)
	}
	a, b, c := plain, plain, plain
	a.Learned.Apply(t0, map[string]float64{"t:sport": -0.6, "s:BBC": -0.3})
	b.Learned.Apply(t0, map[string]float64{"s:BBC": -0.3, "t:sport": -0.6})
	c.Learned.Apply(t0, map[string]float64{"t:sport": 0.6})
	switch {
	case learnedKey(a, t0) == "" || learnedKey(a, t0) != learnedKey(b, t0):
		t.Errorf("same weights: %q vs %q", learnedKey(a, t0), learnedKey(b, t0))
	case learnedKey(a, t0) == learnedKey(c, t0):
		t.Errorf("different weights share %q", learnedKey(a, t0))
	case learnedKey(a, t0) == learnedKey(a, t0.Add(subscriptions.LearnedHalfLife)):
		t.Errorf("faded weights share the key %q", learnedKey(a, t0))
	}
}
