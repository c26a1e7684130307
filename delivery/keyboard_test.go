package delivery

import (
	"reflect"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
)

// TestRecordsCarryTheirKeyboards writes a record whose last message has a
// keyboard and one stored the way bodies were before keyboards existed (a
// bare JSON array): both are sent, the keyboard under its own message only.
func TestRecordsCarryTheirKeyboards(t *testing.T) {
	sender := &recordingSender{}
	svc, db, _ := serviceOver(t, sender, 1, 2)
	defer svc.Close()
	kb := [][]Button{{{Text: "More (4)", Data: "m:x:1"}}}
	withKB := record{ChatID: 1, Messages: []string{"one", "two"}, Keyboards: keyboards{nil, kb}, State: statePending, Created: time.Now()}
	plain := record{ChatID: 1, Messages: []string{"one", "two"}, State: statePending, Created: time.Now()}
	old := record{ChatID: 2, Body: "oldbody", State: statePending, Created: time.Now()}
	err := db.Update(func(tx *bolt.Tx) error {
		if err := tx.Bucket(bucketBodies).Put([]byte("oldbody"), []byte(`["from before keyboards"]`)); err != nil {
			return err
		}
		for _, r := range []*record{&withKB, &plain, &old} {
			if err := putRecord(tx, r); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if withKB.Body == plain.Body {
		t.Fatal("the same messages with and without a keyboard share one body")
	}
	runUntilSent(t, svc, sender, 5)
	got := map[int64][]Message{}
	for _, m := range sender.messages() {
		got[m.ChatID] = append(got[m.ChatID], m)
	}
	if c1 := got[1]; len(c1) != 4 || c1[0].Buttons != nil || !reflect.DeepEqual(c1[1].Buttons, kb) || c1[2].Buttons != nil || c1[3].Buttons != nil {
		t.Fatalf("chat 1 got %+v, want the keyboard under the second message of the first record only", c1)
	}
	if c2 := got[2]; len(c2) != 1 || c2[0].Text != "from before keyboards" || c2[0].Buttons != nil {
		t.Fatalf("chat 2 got %+v, want the old body's message without keyboard", c2)
	}
}

// TestBodyDecodesEitherForm reads stored bodies in both forms and rejects
// what has no message.
func TestBodyDecodesEitherForm(t *testing.T) {
	kb := keyboards{nil, {{{Text: "More (2)", Data: "m:k:1"}}}}
	tests := []struct {
		name string
		v    string
		want body
		ok   bool
	}{
		{"array (before keyboards)", `["a","b"]`, body{Messages: []string{"a", "b"}}, true},
		{"object", `{"messages":["a","b"],"keyboards":[null,[[{"text":"More (2)","data":"m:k:1"}]]]}`, body{Messages: []string{"a", "b"}, Keyboards: kb}, true},
		{"empty array", `[]`, body{}, false},
		{"object without messages", `{"keyboards":[]}`, body{}, false},
		{"garbage", `{"messages":`, body{}, false},
		{"nothing", ``, body{}, false},
	}
	for _, tt := range tests {
		got, ok := decodeBody([]byte(tt.v))
		if ok != tt.ok || (ok && !reflect.DeepEqual(got, tt.want)) {
			t.Errorf("%s: decodeBody = %+v, %v; want %+v, %v", tt.name, got, ok, tt.want, tt.ok)
		}
	}
}
