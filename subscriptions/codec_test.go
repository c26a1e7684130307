package subscriptions

import (
	"encoding/json"
	"errors"
	"reflect"
	"testing"
	"time"

	"newsdigest/internal/bincodec"
)

// sameSub compares subscribers with their times as instants (a time read
// back may carry another *Location for the same offset) and an empty list
// or map the same as none (JSON's [] and {} read back as nil).
func sameSub(a, b Subscriber) bool {
	for _, s := range []*Subscriber{&a, &b} {
		for _, l := range []*[]string{&s.Topics, &s.Include, &s.Exclude, &s.Times} {
			if len(*l) == 0 {
				*l = nil
			}
		}
		if len(s.Learned.Weights) == 0 {
			s.Learned.Weights = nil
		}
	}
	for _, p := range [][2]*time.Time{{&a.Created, &b.Created}, {&a.Updated, &b.Updated}, {&a.Learned.At, &b.Learned.At}} {
		if !p[0].Equal(*p[1]) {
			return false
		}
		*p[0], *p[1] = time.Time{}, time.Time{}
	}
	return reflect.DeepEqual(a, b)
}

func TestSubscriberRoundTrip(t *testing.T) {
	full := validSub()
	full.ChatID, full.ChatType = -1001234567890, ChatSupergroup
	full.Topics, full.Include, full.Exclude = []string{"economy", "politics"}, []string{"نفط", "oil price"}, []string{"football"}
	full.Times, full.MaxStories, full.StoryLangs = []string{"07:30", "19:30"}, 50, StoriesBoth
	full.Alerts, full.Paused, full.Inactive = true, true, true
	full.Updated = time.Date(2026, 11, 30, 8, 0, 0, 0, time.FixedZone("", 3*3600))
	full.Learned = Learned{Weights: map[string]float64{"topic:economy": 1.5, "source:BBC": -0.25}, At: time.Date(2026, 11, 29, 0, 0, 0, 0, time.UTC)}
	for name, sub := range map[string]Subscriber{"new": validSub(), "everything set": full, "zero": {}} {
		t.Run(name, func(t *testing.T) {
			v := encodeSub(sub)
			got, err := decodeSub(v)
			if err != nil || !sameSub(got, sub) {
				t.Fatalf("decodeSub(encodeSub(%+v)) = %+v, %v", sub, got, err)
			}
			if js, _ := json.Marshal(sub); len(v) >= len(js) {
				t.Errorf("binary record is %d bytes, JSON %d: no smaller", len(v), len(js))
			}
			if st, err := decodeStanding(v); err != nil || st != (Standing{Paused: sub.Paused, Inactive: sub.Inactive}) {
				t.Errorf("decodeStanding = %+v, %v", st, err)
			}
			for cut := 1; cut < len(v); cut += 7 {
				if _, err := decodeSub(v[:len(v)-cut]); !errors.Is(err, bincodec.ErrMalformed) {
					t.Fatalf("record cut by %d bytes: error %v, want ErrMalformed", cut, err)
				}
			}
		})
	}
}

// FuzzDecodeSubscriber feeds arbitrary bytes as a stored subscriber (either
// form): decoding answers an error or a subscriber that survives a round
// trip, never panics.
func FuzzDecodeSubscriber(f *testing.F) {
	sub := validSub()
	sub.Topics, sub.Learned = []string{"economy"}, Learned{Weights: map[string]float64{"topic:economy": 1}}
	f.Add(encodeSub(sub))
	f.Add(encodeSub(Subscriber{}))
	js, _ := json.Marshal(sub)
	f.Add(js)
	f.Add([]byte{recordBinary, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01})
	f.Fuzz(func(t *testing.T, v []byte) {
		got, err := decodeSub(v)
		if err != nil {
			return
		}
		again, err := decodeSub(encodeSub(got))
		if err != nil || !sameSub(got, again) {
			t.Fatalf("round trip changed %+v into %+v (%v)", got, again, err)
		}
	})
}
