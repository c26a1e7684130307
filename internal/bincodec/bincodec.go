// Package bincodec holds the few primitives of the compact binary records
// the stores keep on their hottest paths (delivery's outbox records and
// cursors, subscriptions' subscribers): varints, length-prefixed strings
// and times. It is written by hand because the records are tiny and fixed:
// encoding/json spends most of its time on field names and reflection
// there, and a schema library (protobuf, msgpack) would bring a code
// generator or reflection back for a dozen fields.
package bincodec

import (
	"encoding/binary"
	"errors"
	"math"
	"time"
)

// ErrMalformed reports a value that is truncated or does not parse.
var ErrMalformed = errors.New("truncated or malformed value")

// AppendString appends s, length-prefixed.
func AppendString(b []byte, s string) []byte {
	b = binary.AppendUvarint(b, uint64(len(s)))
	return append(b, s...)
}

// AppendStrings appends a count, then each string.
func AppendStrings(b []byte, ss []string) []byte {
	b = binary.AppendUvarint(b, uint64(len(ss)))
	for _, s := range ss {
		b = AppendString(b, s)
	}
	return b
}

// AppendTime appends t in time's own binary form (exact, the zero time
// included), length-prefixed since its size depends on the zone offset. A
// time whose offset that form cannot hold keeps its instant, in UTC.
func AppendTime(b []byte, t time.Time) []byte {
	n := len(b)
	b = append(b, 0)
	b, err := t.AppendBinary(b)
	if err != nil {
		b, _ = t.UTC().AppendBinary(b[:n+1])
	}
	b[n] = byte(len(b) - n - 1)
	return b
}

// AppendFloat appends f's IEEE 754 bits.
func AppendFloat(b []byte, f float64) []byte {
	return binary.BigEndian.AppendUint64(b, math.Float64bits(f))
}

// AppendBool appends 1 or 0.
func AppendBool(b []byte, v bool) []byte {
	if v {
		return append(b, 1)
	}
	return append(b, 0)
}

// Decoder reads what the Append functions wrote, in order. The first
// failure sticks (later reads return zero values) and Done reports it, so
// a record's decoder needs no error check per field.
type Decoder struct {
	b   []byte
	err error
}

// NewDecoder reads b.
func NewDecoder(b []byte) *Decoder { return &Decoder{b: b} }

func (d *Decoder) fail() { d.err, d.b = ErrMalformed, nil }

// Uvarint reads an unsigned varint.
func (d *Decoder) Uvarint() uint64 {
	v, n := binary.Uvarint(d.b)
	if n <= 0 {
		d.fail()
		return 0
	}
	d.b = d.b[n:]
	return v
}

// Varint reads a signed varint.
func (d *Decoder) Varint() int64 {
	v, n := binary.Varint(d.b)
	if n <= 0 {
		d.fail()
		return 0
	}
	d.b = d.b[n:]
	return v
}

// Int reads an unsigned varint as a non-negative int, capped at MaxInt32.
func (d *Decoder) Int() int { return int(min(d.Uvarint(), math.MaxInt32)) }

// Byte reads one byte.
func (d *Decoder) Byte() byte {
	if len(d.b) == 0 {
		d.fail()
		return 0
	}
	c := d.b[0]
	d.b = d.b[1:]
	return c
}

// Bool reads what AppendBool wrote; any byte but 0 and 1 is malformed.
func (d *Decoder) Bool() bool {
	switch d.Byte() {
	case 0:
		return false
	case 1:
		return true
	}
	d.fail()
	return false
}

func (d *Decoder) next(n uint64) []byte {
	if n > uint64(len(d.b)) {
		d.fail()
		return nil
	}
	out := d.b[:n]
	d.b = d.b[n:]
	return out
}

// Bytes reads the next n bytes as they are (a slice of the input).
func (d *Decoder) Bytes(n uint64) []byte { return d.next(n) }

// String reads a length-prefixed string.
func (d *Decoder) String() string { return string(d.next(d.Uvarint())) }

// Strings reads what AppendStrings wrote (nil for none).
func (d *Decoder) Strings() []string {
	n := d.Uvarint()
	if n > uint64(len(d.b)) { // each string takes a byte at least
		d.fail()
		return nil
	}
	var out []string
	for range n {
		out = append(out, d.String())
	}
	if d.err != nil {
		return nil
	}
	return out
}

// Time reads what AppendTime wrote.
func (d *Decoder) Time() time.Time {
	raw := d.next(uint64(d.Byte()))
	var t time.Time
	if d.err != nil || t.UnmarshalBinary(raw) != nil {
		d.fail()
		return time.Time{}
	}
	return t
}

// Float reads what AppendFloat wrote.
func (d *Decoder) Float() float64 {
	raw := d.next(8)
	if d.err != nil {
		return 0
	}
	return math.Float64frombits(binary.BigEndian.Uint64(raw))
}

// Done reports a failure, or bytes left over.
func (d *Decoder) Done() error {
	if d.err == nil && len(d.b) > 0 {
		return ErrMalformed
	}
	return d.err
}
