package subscriptions

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"newsdigest/digest"
	"newsdigest/internal/dbtest"
)

var learnedT0 = time.Date(2026, 11, 1, 8, 0, 0, 0, time.UTC)

// TestLearnedDecaysWithHalfLife: a weight reads half as strong one
// half-life later and a quarter two later (the clock is passed in, no
// sleeping), and is forgotten once it fades below the floor.
func TestLearnedDecaysWithHalfLife(t *testing.T) {
	var l Learned
	l.Apply(learnedT0, map[string]float64{"t:sport": -0.8, "t:economy": 0.4})
	tests := []struct {
		after       time.Duration
		sport, econ float64
	}{
		{0, -0.8, 0.4},
		{LearnedHalfLife, -0.4, 0.2},
		{2 * LearnedHalfLife, -0.2, 0.1},
		{4 * LearnedHalfLife, -0.05, 0}, // 0.025 faded away
		{-time.Hour, -0.8, 0.4},         // a clock that went back does not grow them
	}
	for _, tt := range tests {
		w := l.WeightsAt(learnedT0.Add(tt.after))
		if w["t:sport"] != tt.sport || w["t:economy"] != tt.econ {
			t.Errorf("after %v: %v, want sport %v economy %v", tt.after, w, tt.sport, tt.econ)
		}
	}
	if w := l.WeightsAt(learnedT0.Add(10 * LearnedHalfLife)); w != nil {
		t.Errorf("after ten half-lives: %v, want nothing left", w)
	}
}

// TestLearnedApplyFadesThenAdds: a tap a half-life after the first adds to
// the faded weight, not to the stored one.
func TestLearnedApplyFadesThenAdds(t *testing.T) {
	var l Learned
	l.Apply(learnedT0, map[string]float64{"t:sport": -0.6})
	l.Apply(learnedT0.Add(LearnedHalfLife), map[string]float64{"t:sport": -0.6})
	if got := l.WeightsAt(learnedT0.Add(LearnedHalfLife))["t:sport"]; got != -0.9 {
		t.Errorf("sport = %v, want -0.9 (-0.3 faded + -0.6)", got)
	}
}

// TestLearnedBounded: a hundred taps stop at ±MaxLearnedWeight; keys past
// MaxLearnedKeys drop the weakest; invalid keys and non-finite deltas are
// ignored; a weight tapped back to zero is forgotten.
func TestLearnedBounded(t *testing.T) {
	var l Learned
	for range 100 {
		l.Apply(learnedT0, map[string]float64{"t:sport": -0.6, "t:economy": 0.6})
	}
	if w := l.WeightsAt(learnedT0); w["t:sport"] != -MaxLearnedWeight || w["t:economy"] != MaxLearnedWeight {
		t.Errorf("after 100 taps: %v, want ±%v", w, MaxLearnedWeight)
	}
	for i := range 2 * MaxLearnedKeys {
		l.Apply(learnedT0, map[string]float64{fmt.Sprintf("w:word%03d", i): 0.1 + float64(i)/1000})
	}
	w := l.WeightsAt(learnedT0)
	if len(w) != MaxLearnedKeys || w["t:sport"] == 0 || w["w:word000"] != 0 || w[fmt.Sprintf("w:word%03d", 2*MaxLearnedKeys-1)] == 0 {
		t.Errorf("%d keys kept (want %d, the strongest): sport %v, weakest word %v", len(w), MaxLearnedKeys, w["t:sport"], w["w:word000"])
	}
	before := len(l.Weights)
	l.Apply(learnedT0, map[string]float64{"bad": 1, "t:Sport": 1, "t:sport": math.NaN(), "t:economy": math.Inf(1)})
	if len(l.Weights) != before || l.Weights["t:economy"] != MaxLearnedWeight {
		t.Errorf("bad deltas changed the weights: %d keys (was %d), economy %v", len(l.Weights), before, l.Weights["t:economy"])
	}
	var once Learned
	once.Apply(learnedT0, map[string]float64{"t:sport": -0.6})
	once.Apply(learnedT0, map[string]float64{"t:sport": 0.6})
	if !once.Empty() || !once.At.IsZero() {
		t.Errorf("👎 then 👍: %+v, want nothing learned", once)
	}
}

// TestLearnedStoredAndReset: weights written through Update survive a
// reopen of the file; resetting stores nothing learned; another chat's
// record is untouched.
func TestLearnedStoredAndReset(t *testing.T) {
	ctx := context.Background()
	db := dbtest.Open(t)
	s, err := NewStore(ctx, db, WithClock(func() time.Time { return learnedT0 }))
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range []int64{1, 2} {
		if err := s.Put(ctx, New(id, ChatPrivate, "en", learnedT0)); err != nil {
			t.Fatal(err)
		}
	}
	deltas := map[string]float64{"t:sport": -0.6, "s:BBC": -0.3, "w:derbi": -0.2}
	if _, err := s.Update(ctx, 1, func(x *Subscriber) error { x.Learned.Apply(learnedT0, deltas); return nil }); err != nil {
		t.Fatal(err)
	}
	s2, err := NewStore(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	got, err := s2.Get(ctx, 1)
	if err != nil {
		t.Fatal(err)
	}
	if w := got.Learned.WeightsAt(learnedT0); len(w) != 3 || w["t:sport"] != -0.6 || !got.Learned.At.Equal(learnedT0) {
		t.Fatalf("after reopen: %+v", got.Learned)
	}
	if other, _ := s2.Get(ctx, 2); !other.Learned.Empty() {
		t.Errorf("chat 2 learned %v from chat 1's taps", other.Learned.Weights)
	}
	if _, err := s2.Update(ctx, 1, func(x *Subscriber) error { x.Learned = Learned{}; return nil }); err != nil {
		t.Fatal(err)
	}
	var raw []byte
	_ = db.View(func(tx *bolt.Tx) error { raw = append(raw, bucket(tx, bucketSubs).Get(chatKey(1))...); return nil })
	if got, _ := s2.Get(ctx, 1); !got.Learned.Empty() || bytes.Contains(raw, []byte(`"learned"`)) {
		t.Errorf("after reset: %+v, stored %s", got.Learned, raw)
	}
}

// TestStoredBeforeLearnedDecodesToNothing: a record written before
// feedback existed (testdata, as that version wrote it) reads as nothing
// learned and can learn.
func TestStoredBeforeLearnedDecodesToNothing(t *testing.T) {
	ctx := context.Background()
	const id = 424242
	s, _ := storeWithOld(t, "v1-before-story-langs.json", id)
	sub, err := s.Get(ctx, id)
	if err != nil || !sub.Learned.Empty() || sub.Validate() != nil {
		t.Fatalf("old record: %+v, %v, validate %v", sub.Learned, err, sub.Validate())
	}
	got, err := s.Update(ctx, id, func(x *Subscriber) error {
		x.Learned.Apply(learnedT0, digest.FeedbackWeights(nil, "sport", true))
		return nil
	})
	if err != nil || got.Learned.WeightsAt(learnedT0)["t:sport"] <= 0 || got.MaxStories != 5 {
		t.Fatalf("learning on an old record: %+v, %v", got, err)
	}
}

// TestInvalidLearnedRefusedAndRepaired: Put refuses weights it would not
// write itself (nothing stored); repair drops them and keeps the rest.
func TestInvalidLearnedRefusedAndRepaired(t *testing.T) {
	ctx := context.Background()
	s, err := NewStore(ctx, dbtest.Open(t))
	if err != nil {
		t.Fatal(err)
	}
	many := map[string]float64{}
	for i := range MaxLearnedKeys + 1 {
		many[fmt.Sprintf("w:w%d", i)] = 0.5
	}
	tests := []struct {
		name    string
		weights map[string]float64
		code    string
	}{
		{"unknown kind", map[string]float64{"x:sport": 1}, CodeFormat},
		{"bad topic", map[string]float64{"t:Sport!": 1}, CodeFormat},
		{"too strong", map[string]float64{"t:sport": 2.5}, CodeRange},
		{"too many", many, CodeTooMany},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sub := New(9, ChatPrivate, "ar", learnedT0)
			sub.TimeZone = "Asia/Baghdad"
			sub.Learned = Learned{Weights: tt.weights, At: learnedT0}
			var fe *FieldError
			if err := s.Put(ctx, sub); !errors.As(err, &fe) || fe.Field != "Learned" || fe.Code != tt.code {
				t.Fatalf("Put: %v, want a Learned %s error", err, tt.code)
			}
			if _, err := s.Get(ctx, 9); !errors.Is(err, ErrNotFound) {
				t.Fatalf("refused subscriber stored: %v", err)
			}
			if got := repair(sub); !got.Learned.Empty() || got.Validate() != nil || got.TimeZone != "Asia/Baghdad" {
				t.Fatalf("repair: %+v, %v", got, got.Validate())
			}
		})
	}
}

// FuzzLearnedApply: whatever a story holds (a feed's title and outlet
// name) and however far apart the taps are, what Apply stores validates,
// so a press can never leave a subscriber that Update refuses to save.
func FuzzLearnedApply(f *testing.F) {
	f.Add("sport", "Wire A", "City win the cup final", true, int64(3))
	f.Add("middle-east", "الجزيرة", "انسحاب القوات من العراق", false, int64(24*30))
	f.Add("Bad Topic", "a\x00b", "\xff\xfe", false, int64(-5))
	f.Fuzz(func(t *testing.T, topic, source, title string, up bool, hours int64) {
		story := digest.Story{ID: "s1", Title: title, Topics: []digest.TopicScore{{ID: topic, Score: 0.9}},
			Sources: []digest.Source{{Name: source}, {Name: source + " 2"}}}
		sub := New(1, ChatPrivate, "en", learnedT0)
		sub.Learned.Apply(learnedT0, digest.FeedbackWeights(&story, topic, up))
		later := learnedT0.Add(time.Duration(hours%(24*365*10)) * time.Hour)
		sub.Learned.Apply(later, digest.FeedbackWeights(&story, topic, !up))
		for range 20 {
			sub.Learned.Apply(later, digest.FeedbackWeights(&story, topic, up))
		}
		if err := sub.Validate(); err != nil {
			t.Fatalf("after the taps the subscriber does not validate: %v (%v)", err, sub.Learned.Weights)
		}
		for k, v := range sub.Learned.WeightsAt(later) {
			if math.Abs(v) > MaxLearnedWeight || !digest.ValidWeightKey(k) {
				t.Fatalf("weight %q = %v", k, v)
			}
		}
	})
}
