package delivery

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"time"
)

// Outbox records and cursors are stored in a compact binary form, written
// by hand because it is the push's hottest storage path: every due chat's
// cursor is read twice and written once, and every record is written once
// and decoded at least twice (dispatch, then the worker's reload). As JSON
// (~130 and ~100 bytes, with field names and RFC 3339 times) they were a
// fifth of the JSON decoding of a 100,000-chat push and about 20 MiB of
// mapped file pages; the binary forms are about a third of that size and
// decode without reflection. Files written before keep their JSON values:
// a value starting with '{' (or whitespace) is JSON and decodes as before,
// and either form may sit beside the other in one bucket.

// Leading bytes of the binary forms. JSON cannot start with them.
const (
	recordV1 byte = 0x01
	cursorV1 byte = 0x01
)

var errShort = errors.New("truncated or malformed value")

// encodeRecord is r's header in the binary form: version, then chat ID,
// body key, parse mode, flags (interactive), state, not-before, attempts,
// last error and created, each varint or length-prefixed.
func encodeRecord(r *record) []byte {
	b := make([]byte, 0, 64+len(r.Body)+len(r.LastError))
	b = append(b, recordV1)
	b = binary.AppendVarint(b, r.ChatID)
	b = appendString(b, r.Body)
	b = appendString(b, r.ParseMode)
	var flags byte
	if r.Interactive {
		flags |= 1
	}
	b = append(b, flags)
	b = appendString(b, r.State)
	b = appendTime(b, r.NotBefore)
	b = binary.AppendUvarint(b, uint64(max(r.Attempts, 0)))
	b = appendString(b, r.LastError)
	return appendTime(b, r.Created)
}

// parseRecord decodes either stored form of a record header.
func parseRecord(v []byte) (record, error) {
	var r record
	if len(v) == 0 || v[0] != recordV1 {
		err := json.Unmarshal(v, &r)
		return r, err
	}
	d := decoder{b: v[1:]}
	r.ChatID = d.varint()
	r.Body = d.string()
	r.ParseMode = d.string()
	r.Interactive = d.byte()&1 != 0
	r.State = d.string()
	r.NotBefore = d.time()
	r.Attempts = int(min(d.uvarint(), 1<<31-1))
	r.LastError = d.string()
	r.Created = d.time()
	return r, d.done()
}

// encodeCursor is c in the binary form: version, Seq, Created, At.
func encodeCursor(c cursor) []byte {
	b := make([]byte, 0, 48)
	b = append(b, cursorV1)
	b = binary.AppendUvarint(b, c.Seq)
	b = appendTime(b, c.Created)
	return appendTime(b, c.At)
}

// parseCursor decodes either stored form of a cursor.
func parseCursor(v []byte) (cursor, error) {
	var c cursor
	if len(v) == 0 || v[0] != cursorV1 {
		err := json.Unmarshal(v, &c)
		return c, err
	}
	d := decoder{b: v[1:]}
	c.Seq = d.uvarint()
	c.Created = d.time()
	c.At = d.time()
	return c, d.done()
}

func appendString(b []byte, s string) []byte {
	b = binary.AppendUvarint(b, uint64(len(s)))
	return append(b, s...)
}

// appendTime writes t as time's own binary form (exact, the zero time
// included), length-prefixed since its size depends on the zone offset.
func appendTime(b []byte, t time.Time) []byte {
	n := len(b)
	b = append(b, 0)
	b, err := t.AppendBinary(b)
	if err != nil { // an offset time cannot encode (not whole minutes before 1972-ish zones): keep the instant
		b, _ = t.UTC().AppendBinary(b[:n+1])
	}
	b[n] = byte(len(b) - n - 1)
	return b
}

// decoder reads the binary forms; the first failure sticks and done
// reports it, so the field reads need no error checks of their own.
type decoder struct {
	b   []byte
	err error
}

func (d *decoder) fail() { d.err, d.b = errShort, nil }

func (d *decoder) uvarint() uint64 {
	v, n := binary.Uvarint(d.b)
	if n <= 0 {
		d.fail()
		return 0
	}
	d.b = d.b[n:]
	return v
}

func (d *decoder) varint() int64 {
	v, n := binary.Varint(d.b)
	if n <= 0 {
		d.fail()
		return 0
	}
	d.b = d.b[n:]
	return v
}

func (d *decoder) byte() byte {
	if len(d.b) == 0 {
		d.fail()
		return 0
	}
	c := d.b[0]
	d.b = d.b[1:]
	return c
}

func (d *decoder) bytes() []byte {
	n := d.uvarint()
	if n > uint64(len(d.b)) {
		d.fail()
		return nil
	}
	out := d.b[:n]
	d.b = d.b[n:]
	return out
}

func (d *decoder) string() string { return string(d.bytes()) }

func (d *decoder) time() time.Time {
	n := int(d.byte())
	if d.err != nil || n > len(d.b) {
		d.fail()
		return time.Time{}
	}
	var t time.Time
	if err := t.UnmarshalBinary(d.b[:n]); err != nil {
		d.fail()
		return time.Time{}
	}
	d.b = d.b[n:]
	return t
}

// done reports a decoding failure, or bytes left over.
func (d *decoder) done() error {
	if d.err == nil && len(d.b) > 0 {
		return errShort
	}
	return d.err
}
