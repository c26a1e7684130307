package delivery

import (
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"fmt"

	"newsdigest/internal/bincodec"
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

// encodeRecord is r's header in the binary form: version, then chat ID,
// body key, parse mode, flags (interactive), state, not-before, attempts,
// last error and created, each varint or length-prefixed.
func encodeRecord(r *record) []byte {
	b := make([]byte, 0, 64+len(r.Body)+len(r.LastError))
	b = append(b, recordV1)
	b = binary.AppendVarint(b, r.ChatID)
	b = bincodec.AppendString(b, r.Body)
	b = bincodec.AppendString(b, r.ParseMode)
	var flags byte
	if r.Interactive {
		flags |= 1
	}
	b = append(b, flags)
	b = bincodec.AppendString(b, r.State)
	b = bincodec.AppendTime(b, r.NotBefore)
	b = binary.AppendUvarint(b, uint64(max(r.Attempts, 0)))
	b = bincodec.AppendString(b, r.LastError)
	return bincodec.AppendTime(b, r.Created)
}

// parseRecord decodes either stored form of a record header.
func parseRecord(v []byte) (record, error) {
	var r record
	if len(v) == 0 || v[0] != recordV1 {
		err := json.Unmarshal(v, &r)
		return r, err
	}
	d := bincodec.NewDecoder(v[1:])
	r.ChatID = d.Varint()
	r.Body = d.String()
	r.ParseMode = d.String()
	r.Interactive = d.Byte()&1 != 0
	r.State = d.String()
	r.NotBefore = d.Time()
	r.Attempts = d.Int()
	r.LastError = d.String()
	r.Created = d.Time()
	return r, d.Done()
}

// encodeCursor is c in the binary form: version, Seq, Created, At.
func encodeCursor(c cursor) []byte {
	b := make([]byte, 0, 48)
	b = append(b, cursorV1)
	b = binary.AppendUvarint(b, c.Seq)
	b = bincodec.AppendTime(b, c.Created)
	return bincodec.AppendTime(b, c.At)
}

// parseCursor decodes either stored form of a cursor.
func parseCursor(v []byte) (cursor, error) {
	var c cursor
	if len(v) == 0 || v[0] != cursorV1 {
		err := json.Unmarshal(v, &c)
		return c, err
	}
	d := bincodec.NewDecoder(v[1:])
	c.Seq = d.Uvarint()
	c.Created = d.Time()
	c.At = d.Time()
	return c, d.Done()
}

// pageSetV1 leads the binary form of a More page set.
const pageSetV1 byte = 0x01

// storyKeyBytes is the size of a page story's key before base64
// (storyBlob: 12 bytes of its SHA-256).
const storyKeyBytes = 12

// encodePageSet is set in the binary form: version, language, page size,
// then the story keys as their 12 raw bytes each. A push writes one page
// set per distinct rendering (some 1,500 at 100,000 chats), each naming
// every story its cap cut, often 600: as JSON, with quoted base64 keys,
// they were 17 MB of the database and of the pages a push maps.
func encodePageSet(set pageSet) ([]byte, error) {
	b := make([]byte, 0, 16+len(set.Lang)+storyKeyBytes*len(set.Stories))
	b = append(b, pageSetV1)
	b = bincodec.AppendString(b, set.Lang)
	b = binary.AppendUvarint(b, uint64(max(set.Size, 0)))
	b = binary.AppendUvarint(b, uint64(len(set.Stories)))
	for _, key := range set.Stories {
		raw, err := base64.RawURLEncoding.DecodeString(key)
		if err != nil || len(raw) != storyKeyBytes {
			return nil, fmt.Errorf("delivery: page story key %q is not %d bytes of base64", key, storyKeyBytes)
		}
		b = append(b, raw...)
	}
	return b, nil
}

// parsePageSet decodes either stored form of a page set (JSON: written
// before the binary form).
func parsePageSet(v []byte) (pageSet, error) {
	var set pageSet
	if len(v) == 0 || v[0] != pageSetV1 {
		err := json.Unmarshal(v, &set)
		return set, err
	}
	d := bincodec.NewDecoder(v[1:])
	set.Lang = d.String()
	set.Size = d.Int()
	n := d.Uvarint()
	if n > uint64(len(v)) { // each key takes 12 bytes
		return pageSet{}, bincodec.ErrMalformed
	}
	raw := d.Bytes(n * storyKeyBytes)
	if err := d.Done(); err != nil {
		return pageSet{}, err
	}
	set.Stories = make([]string, n)
	for i := range set.Stories {
		set.Stories[i] = base64.RawURLEncoding.EncodeToString(raw[i*storyKeyBytes : (i+1)*storyKeyBytes])
	}
	return set, nil
}
