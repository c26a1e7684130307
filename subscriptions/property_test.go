package subscriptions

import (
	"context"
	"errors"
	"math/rand/v2"
	"slices"
	"testing"
	"time"
)

// TestIndexesAgreeWithScan applies random operation sequences and checks
// after every step that the topic and due indexes hold exactly what a full
// scan of the subscribers implies, and that Due agrees with the oracle.
func TestIndexesAgreeWithScan(t *testing.T) {
	for seed := range uint64(4) {
		t.Run("", func(t *testing.T) {
			r := rand.New(rand.NewPCG(seed, 2026))
			s, db := newStore(t)
			for step := range 150 {
				op := r.IntN(len(propOps))
				if err := propOps[op].fn(s, r); err != nil && !expectedErr(err) {
					t.Fatalf("seed %d step %d %s: %v", seed, step, propOps[op].name, err)
				}
				checkIndexes(t, db)
				if t.Failed() {
					t.Fatalf("seed %d step %d: indexes disagree after %s", seed, step, propOps[op].name)
				}
				if step%10 == 0 {
					checkDueAgainstOracle(t, s, r)
				}
			}
		})
	}
}

func expectedErr(err error) bool {
	return errors.Is(err, ErrNotFound) || errors.Is(err, ErrInvalid)
}

var propZones = []string{"UTC", "Europe/Berlin", "America/New_York", "Asia/Baghdad", "Asia/Kolkata"}
var propTopics = []string{"politics", "economy", "sport", "tech"}
var propTimes = []string{"00:00", "02:30", "08:00", "12:15", "23:59"}

type propOp struct {
	name string
	fn   func(*Store, *rand.Rand) error
}

var propOps = []propOp{
	{"put", func(s *Store, r *rand.Rand) error { return s.Put(context.Background(), randomSub(r)) }},
	{"put invalid", func(s *Store, r *rand.Rand) error {
		sub := randomSub(r)
		sub.TimeZone = "Bad/Zone"
		return s.Put(context.Background(), sub)
	}},
	{"update", func(s *Store, r *rand.Rand) error {
		repl := randomSub(r)
		_, err := s.Update(context.Background(), randomChat(r), func(sub *Subscriber) error {
			switch r.IntN(4) {
			case 0:
				sub.Topics = repl.Topics
			case 1:
				sub.Times, sub.TimeZone = repl.Times, repl.TimeZone
			case 2:
				sub.Paused = !sub.Paused
			default:
				sub.Inactive = !sub.Inactive
			}
			return nil
		})
		return err
	}},
	{"delete", func(s *Store, r *rand.Rand) error { return s.Delete(context.Background(), randomChat(r)) }},
	{"move", func(s *Store, r *rand.Rand) error {
		return s.Move(context.Background(), randomChat(r), randomChat(r)-1000)
	}},
}

func randomChat(r *rand.Rand) int64 { return int64(r.IntN(8)+1) * []int64{1, -1}[r.IntN(2)] }

func randomSub(r *rand.Rand) Subscriber {
	sub := New(randomChat(r), ChatPrivate, []string{"ar", "en"}[r.IntN(2)], t0)
	sub.TimeZone = propZones[r.IntN(len(propZones))]
	sub.Topics = pick(r, propTopics)
	if times := pick(r, propTimes); len(times) > 0 {
		sub.Times = times
	}
	sub.Paused = r.IntN(5) == 0
	return sub
}

func pick(r *rand.Rand, from []string) []string {
	var out []string
	for _, x := range from {
		if r.IntN(3) == 0 {
			out = append(out, x)
		}
	}
	return out
}

func checkDueAgainstOracle(t *testing.T, s *Store, r *rand.Rand) {
	t.Helper()
	from := utc(3, 1, 0, 0).Add(time.Duration(r.IntN(300*24*60)) * time.Minute)
	to := from.Add(time.Duration(1+r.IntN(600)) * time.Minute)
	var want []int64
	_ = s.All(context.Background(), func(sub Subscriber) error {
		if sub.Active() && len(oracleDue(t, sub, from, to)) > 0 {
			want = append(want, sub.ChatID)
		}
		return nil
	})
	got, err := s.Due(context.Background(), from, to)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got, want) {
		t.Fatalf("Due(%v, %v) = %v, oracle over a full scan = %v", from, to, got, want)
	}
}
