package delivery

import (
	"errors"
	"reflect"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"newsdigest/internal/dbtest"
)

// sameRecord compares decoded records, their times as instants: "+00:00"
// decodes in time.Local where TZ is UTC and encodes back as "Z", which
// decodes in time.UTC, the same instant in another *Location.
func sameRecord(a, b record) bool {
	if !a.Created.Equal(b.Created) || !a.NotBefore.Equal(b.NotBefore) {
		return false
	}
	a.Created, a.NotBefore, b.Created, b.NotBefore = time.Time{}, time.Time{}, time.Time{}, time.Time{}
	return reflect.DeepEqual(a, b)
}

// FuzzDecodeRecord feeds arbitrary bytes as a stored outbox record (either
// form: the older JSON or the binary one): the decoder must answer
// ErrCorrupt or a record that survives a round trip through the binary
// form, never panic, so one damaged entry cannot stop delivery of the
// others.
func FuzzDecodeRecord(f *testing.F) {
	f.Add([]byte(`{"chat_id":42,"body":"ab12","parse_mode":"HTML","state":"pending","created":"2026-06-01T08:00:00Z"}`))
	f.Add([]byte(`{"chat_id":-100,"state":"failed","attempts":6,"last_error":"503"}`))
	f.Add([]byte(`{"chat_id":"42"}`))
	f.Add([]byte(`not json`))
	f.Add(encodeRecord(&record{ChatID: -100123, Body: "ab12", ParseMode: "HTML", Interactive: true, State: statePending,
		NotBefore: time.Date(2026, 6, 1, 9, 0, 0, 0, time.FixedZone("", 3*3600)), Attempts: 2, LastError: "503", Created: time.Date(2026, 6, 1, 8, 0, 0, 0, time.UTC)}))
	db := dbtest.Open(f)
	if err := db.Update(createBuckets); err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, v []byte) {
		_ = db.View(func(tx *bolt.Tx) error {
			r, err := decodeRecord(idKey(7), v, tx.Bucket(bucketProgress))
			if err != nil {
				if !errors.Is(err, ErrCorrupt) {
					t.Fatalf("error %v does not wrap ErrCorrupt", err)
				}
				return nil
			}
			r2, err := decodeRecord(idKey(7), encodeRecord(&r), tx.Bucket(bucketProgress))
			if err != nil || !sameRecord(r, r2) {
				t.Fatalf("round trip changed the record: %+v → %+v (%v)", r, r2, err)
			}
			return nil
		})
	})
}
