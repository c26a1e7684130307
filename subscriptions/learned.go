package subscriptions

import (
	"cmp"
	"fmt"
	"maps"
	"math"
	"slices"
	"time"

	"newsdigest/digest"
)

// Learned is what a chat's 👍 / 👎 taught its ranking: a weight per topic,
// outlet and headline word (digest.Weight* keys; positive = more like
// this). Weights fade with a half-life of LearnedHalfLife, applied on
// read: the stored values held at At. Records written before the field
// existed decode to the zero Learned: nothing learned.
type Learned struct {
	Weights map[string]float64 `json:"w,omitempty"`
	At      time.Time          `json:"at,omitzero"`
}

// Bounds of what feedback can store.
const (
	LearnedHalfLife  = 14 * 24 * time.Hour
	MaxLearnedWeight = 2.0  // per key, either sign: many taps stop here
	MaxLearnedKeys   = 64   // the strongest are kept
	minLearnedWeight = 0.05 // a weight that faded below this is forgotten
)

// Empty reports whether nothing is learned.
func (l Learned) Empty() bool { return len(l.Weights) == 0 }

// WeightsAt returns the weights faded to now, rounded to hundredths (so
// that chats with the same feedback share one selection), without those
// that faded away; nil when none remain.
func (l Learned) WeightsAt(now time.Time) map[string]float64 {
	if len(l.Weights) == 0 {
		return nil
	}
	f := l.fade(now)
	var out map[string]float64
	for k, v := range l.Weights {
		if w := math.Round(v*f*100) / 100; math.Abs(w) >= minLearnedWeight {
			if out == nil {
				out = make(map[string]float64, len(l.Weights))
			}
			out[k] = w
		}
	}
	return out
}

// fade is the factor weights stored at At have decayed by at now (1 for a
// clock that went back).
func (l Learned) fade(now time.Time) float64 {
	age := now.Sub(l.At)
	if age <= 0 {
		return 1
	}
	return math.Exp2(-float64(age) / float64(LearnedHalfLife))
}

// Apply fades the weights to now, adds deltas (digest.FeedbackWeights),
// bounds each weight to ±MaxLearnedWeight, forgets the ones near zero and
// keeps the MaxLearnedKeys strongest. Invalid keys and non-finite deltas
// are ignored.
func (l *Learned) Apply(now time.Time, deltas map[string]float64) {
	f := l.fade(now)
	next := make(map[string]float64, len(l.Weights)+len(deltas))
	for k, v := range l.Weights {
		next[k] = v * f
	}
	for k, d := range deltas {
		if digest.ValidWeightKey(k) && !math.IsNaN(d) && !math.IsInf(d, 0) {
			next[k] = math.Max(-MaxLearnedWeight, math.Min(MaxLearnedWeight, next[k]+d))
		}
	}
	maps.DeleteFunc(next, func(_ string, v float64) bool { return math.Abs(v) < minLearnedWeight })
	if len(next) > MaxLearnedKeys {
		keys := slices.Collect(maps.Keys(next))
		slices.SortFunc(keys, func(a, b string) int { // strongest first, then by key: deterministic
			return cmp.Or(cmp.Compare(math.Abs(next[b]), math.Abs(next[a])), cmp.Compare(a, b))
		})
		for _, k := range keys[MaxLearnedKeys:] {
			delete(next, k)
		}
	}
	l.Weights, l.At = next, now
	if len(next) == 0 {
		*l = Learned{}
	}
}

func (s Subscriber) validateLearned() error {
	if len(s.Learned.Weights) > MaxLearnedKeys {
		return &FieldError{Field: "Learned", Code: CodeTooMany, Value: fmt.Sprint(len(s.Learned.Weights))}
	}
	for k, v := range s.Learned.Weights {
		if !digest.ValidWeightKey(k) {
			return &FieldError{Field: "Learned", Code: CodeFormat, Value: k}
		}
		if math.IsNaN(v) || math.Abs(v) > MaxLearnedWeight {
			return &FieldError{Field: "Learned", Code: CodeRange, Value: fmt.Sprint(v)}
		}
	}
	return nil
}

func cloneLearned(l Learned) Learned {
	l.Weights = maps.Clone(l.Weights)
	return l
}
