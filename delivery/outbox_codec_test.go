package delivery

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"slices"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"newsdigest/digest"
	"newsdigest/news"
)

// A database written before records and cursors were binary keeps working:
// its JSON records are delivered and its JSON cursors still say what a chat
// has seen, beside values written in the new form.
func TestOutboxWrittenAsJSONStillDelivers(t *testing.T) {
	ctx := context.Background()
	sender := &recordingSender{}
	svc, db, articles := serviceOver(t, sender, 1, 2)
	if _, err := articles.Add(ctx, []news.Article{{Article: digest.Article{ID: "a", Title: "Harbour reopens", Text: "The harbour reopened on Monday.", Lang: "en"}}}); err != nil {
		t.Fatal(err)
	}
	head, err := articles.LastSeq(ctx)
	if err != nil {
		t.Fatal(err)
	}
	sub2, err := svc.subs.Get(ctx, 2)
	if err != nil {
		t.Fatal(err)
	}
	old := record{ChatID: 1, Body: "oldbody", ParseMode: "HTML", State: statePending, Created: time.Now().UTC()}
	err = db.Update(func(tx *bolt.Tx) error {
		rec, _ := json.Marshal(old)
		cur, _ := json.Marshal(cursor{Seq: head, Created: sub2.Created, At: time.Now()})
		msgs, _ := json.Marshal([]string{"<b>from the old outbox</b>"})
		for _, put := range []struct{ bucket, k, v []byte }{
			{bucketOutbox, idKey(1), rec}, {bucketBodies, []byte("oldbody"), msgs}, {bucketCursors, chatKey(2), cur},
		} {
			if err := tx.Bucket(put.bucket).Put(put.k, put.v); err != nil {
				return err
			}
		}
		_, err := tx.Bucket(bucketOutbox).NextSequence() // as putRecord did when it wrote ID 1
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if n, err := svc.Push(ctx, []int64{1, 2}); err != nil || n != 1 {
		t.Fatalf("Push = %d, %v; want 1 (chat 2's JSON cursor has seen the article)", n, err)
	}
	runUntilSent(t, svc, sender, 2)
	defer svc.Close()
	msgs := sender.messages()
	if len(msgs) != 2 || msgs[0].ChatID != 1 || msgs[1].ChatID != 1 || msgs[0].Text != "<b>from the old outbox</b>" {
		t.Fatalf("sent %+v; want chat 1's old record, then its new digest", msgs)
	}
	if st, err := svc.Stats(ctx); err != nil || st.Pending != 0 || st.Failed != 0 {
		t.Fatalf("Stats = %+v, %v; want the outbox empty", st, err)
	}
}

func TestRecordAndCursorRoundTrip(t *testing.T) {
	riyadh := time.FixedZone("", 3*3600)
	recs := map[string]record{
		"zero":    {},
		"pending": {ChatID: 42, Body: "0123456789abcdef0123456789abcdef", ParseMode: "HTML", State: statePending, Created: time.Date(2026, 6, 1, 8, 0, 0, 0, time.UTC)},
		"group interactive deferred": {ChatID: -1001234567890, Body: "k", Interactive: true, State: statePending,
			NotBefore: time.Date(2026, 6, 1, 9, 30, 0, 5, riyadh), Attempts: 3, LastError: "retry_after 7200s", Created: time.Date(2026, 6, 1, 8, 0, 0, 0, riyadh)},
		"failed": {ChatID: 7, State: stateFailed, Attempts: 6, LastError: "Bad Request: can't parse entities «»", Created: time.Unix(0, 0)},
	}
	for name, r := range recs {
		t.Run(name, func(t *testing.T) {
			v := encodeRecord(&r)
			got, err := parseRecord(v)
			if err != nil || !sameRecord(r, got) {
				t.Fatalf("parseRecord(encodeRecord(%+v)) = %+v, %v", r, got, err)
			}
			js, _ := json.Marshal(r)
			if len(v) >= len(js) {
				t.Errorf("binary record is %d bytes, JSON %d: no smaller", len(v), len(js))
			}
			if _, err := parseRecord(v[:len(v)-1]); err == nil {
				t.Error("a truncated record decoded")
			}
		})
	}
	for name, c := range map[string]cursor{
		"zero": {},
		"full": {Seq: 1 << 40, Created: time.Date(2026, 5, 1, 0, 0, 0, 0, riyadh), At: time.Date(2026, 6, 1, 8, 0, 0, 0, time.UTC)},
		"old":  {Seq: 12, Created: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)},
	} {
		t.Run("cursor "+name, func(t *testing.T) {
			got, err := parseCursor(encodeCursor(c))
			if err != nil || got.Seq != c.Seq || !got.Created.Equal(c.Created) || !got.At.Equal(c.At) || got.At.IsZero() != c.At.IsZero() {
				t.Fatalf("parseCursor(encodeCursor(%+v)) = %+v, %v", c, got, err)
			}
			if _, err := parseCursor(append(encodeCursor(c), 0)); err == nil {
				t.Error("a cursor with trailing bytes decoded")
			}
		})
	}
}

func TestPageSetRoundTrip(t *testing.T) {
	key := func(i byte) string {
		return base64.RawURLEncoding.EncodeToString([]byte{i, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11})
	}
	many := make([]string, 600)
	for i := range many {
		many[i] = key(byte(i))
	}
	for name, set := range map[string]pageSet{
		"none":    {Lang: "en", Size: 10},
		"one":     {Lang: "ar", Size: 5, Stories: []string{key(9)}},
		"a day's": {Lang: "ar", Size: 50, Stories: many},
	} {
		t.Run(name, func(t *testing.T) {
			v, err := encodePageSet(set)
			if err != nil {
				t.Fatal(err)
			}
			got, err := parsePageSet(v)
			if err != nil || got.Lang != set.Lang || got.Size != set.Size || !slices.Equal(got.Stories, set.Stories) {
				t.Fatalf("parsePageSet(encodePageSet(%+v)) = %+v, %v", set, got, err)
			}
			js, _ := json.Marshal(set)
			if len(set.Stories) > 0 && len(v) > len(js)*2/3 {
				t.Errorf("binary page set is %d bytes, JSON %d: not a third smaller", len(v), len(js))
			}
			if len(set.Stories) > 0 {
				if _, err := parsePageSet(v[:len(v)-1]); err == nil {
					t.Error("a truncated page set decoded")
				}
			}
			if _, err := parsePageSet(append(v, 0)); err == nil {
				t.Error("a page set with trailing bytes decoded")
			}
		})
	}
	if _, err := encodePageSet(pageSet{Lang: "en", Size: 5, Stories: []string{"not-a-story-key"}}); err == nil {
		t.Error("a key that is not 12 bytes of base64 was encoded")
	}
	old, _ := json.Marshal(pageSet{Lang: "en", Size: 5, Stories: []string{key(1), key(2)}})
	if got, err := parsePageSet(old); err != nil || len(got.Stories) != 2 || got.Stories[1] != key(2) {
		t.Errorf("a JSON page set (written before the binary form) = %+v, %v", got, err)
	}
}
