package delivery

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"newsdigest/digest"
	"newsdigest/subscriptions"
)

// Feedback buttons. The last message of a digest carries one row for each
// of the first feedbackRows topics it shows (digest.FeedbackTargets):
//
//	[👍 Economy] [👎 Economy]
//
// Their callback data names the topic and the first story shown with it,
// "f:<u|d>:<topic>:<story ID>", at most 1+1+1+1+32+1+24 = 61 bytes. It holds
// nothing about the chat: the keyboard is stored with the digest's shared
// body, and the bot knows the chat from the press.
const (
	FeedbackPrefix = "f:"
	feedbackRows   = 3
	maxStoryIDLen  = 24
)

// ErrFeedbackData is wrapped by ParseFeedback for callback data that is not
// a feedback button's.
var ErrFeedbackData = errors.New("delivery: not a feedback button")

// Feedback is one press of a feedback button.
type Feedback struct {
	Up      bool   // 👍; false is 👎
	Topic   string // the row's topic ID
	StoryID string // the first story shown with the topic ("" when unknown)
}

// Data is the button's callback data.
func (f Feedback) Data() string {
	return FeedbackPrefix + pick(f.Up, "u", "d") + ":" + f.Topic + ":" + f.StoryID
}

func pick[T any](cond bool, yes, no T) T {
	if cond {
		return yes
	}
	return no
}

// ParseFeedback reads a feedback button's callback data.
func ParseFeedback(data string) (Feedback, error) {
	if len(data) > 64 {
		return Feedback{}, fmt.Errorf("%w: %d bytes", ErrFeedbackData, len(data))
	}
	parts := strings.Split(data, ":")
	if len(parts) != 4 || parts[0]+":" != FeedbackPrefix {
		return Feedback{}, fmt.Errorf("%w: %q", ErrFeedbackData, data)
	}
	f := Feedback{Up: parts[1] == "u", Topic: parts[2], StoryID: parts[3]}
	switch {
	case parts[1] != "u" && parts[1] != "d":
		return Feedback{}, fmt.Errorf("%w: direction %q", ErrFeedbackData, parts[1])
	case !digest.IsTopicID(f.Topic):
		return Feedback{}, fmt.Errorf("%w: topic %q", ErrFeedbackData, f.Topic)
	case !validStoryID(f.StoryID):
		return Feedback{}, fmt.Errorf("%w: story %q", ErrFeedbackData, f.StoryID)
	}
	return f, nil
}

// validStoryID accepts "" and short ASCII letters and digits (digest's
// story IDs are "s" and 12 hex digits).
func validStoryID(id string) bool {
	if len(id) > maxStoryIDLen {
		return false
	}
	for _, c := range []byte(id) {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}

// feedbackKeyboard is the 👍 / 👎 rows under a digest's last message, in
// the digest's language, one per topic of shown (at most feedbackRows).
func feedbackKeyboard(shown digest.Selection, lang string) [][]Button {
	var rows [][]Button
	for _, t := range digest.FeedbackTargets(shown, feedbackRows) {
		if len(t.StoryID) > maxStoryIDLen {
			t.StoryID = "" // cannot happen with digest's IDs; the topic alone still works
		}
		label := digest.TopicLabel(t.Topic, lang)
		up := Feedback{Up: true, Topic: t.Topic, StoryID: t.StoryID}
		down := Feedback{Topic: t.Topic, StoryID: t.StoryID}
		rows = append(rows, []Button{{Text: "👍 " + label, Data: up.Data()}, {Text: "👎 " + label, Data: down.Data()}})
	}
	return rows
}

// learnedWeights is the chat's learned weights as of now, for
// digest.Prefs.Weights (nil for the many chats that never pressed one).
func learnedWeights(sub subscriptions.Subscriber, now time.Time) map[string]float64 {
	return sub.Learned.WeightsAt(now)
}

// learnedKey is the part of a chat's selection key its feedback adds:
// empty for chats without any, which so keep sharing one selection per
// eligible set; the faded, rounded weights in key order otherwise (NUL
// and SOH separate them: digest.ValidWeightKey refuses control characters).
func learnedKey(sub subscriptions.Subscriber, now time.Time) string {
	if sub.Learned.Empty() {
		return ""
	}
	w := learnedWeights(sub, now)
	var b strings.Builder
	for _, k := range slices.Sorted(maps.Keys(w)) {
		b.WriteString("\x00")
		b.WriteString(k)
		b.WriteString("\x01")
		b.WriteString(strconv.FormatFloat(w[k], 'f', 2, 64))
	}
	return b.String()
}
