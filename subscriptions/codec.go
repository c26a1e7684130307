package subscriptions

import (
	"encoding/binary"
	"encoding/json"
	"fmt"
	"maps"
	"slices"

	bolt "go.etcd.io/bbolt"

	"newsdigest/internal/bincodec"
)

// Records are stored in a compact binary form since schema v2: a push
// decodes every due subscriber and checks each one's standing again before
// sending, and as JSON (~220 bytes: field names, two RFC 3339 times) the
// records were the largest part of the file a push reads and a visible
// share of its CPU. The form is, after the leading recordBinary byte: the
// flags (so Standing reads one byte), chat ID, chat type, language, topics,
// include, exclude, zone, times, max stories, story languages, created,
// updated, then the learned weights (count, key and value pairs in key
// order) and their time. Records written as JSON (v1 files, and v1 test
// fixtures) still decode: a value not starting with recordBinary is JSON.
const recordBinary byte = 0x01

// Flag bits of a binary record.
const (
	flagAlerts byte = 1 << iota
	flagPaused
	flagInactive
)

func encodeSub(sub Subscriber) []byte {
	b := make([]byte, 0, 96)
	b = append(b, recordBinary, subFlags(sub))
	b = binary.AppendVarint(b, sub.ChatID)
	b = bincodec.AppendString(b, sub.ChatType)
	b = bincodec.AppendString(b, sub.Lang)
	b = bincodec.AppendStrings(b, sub.Topics)
	b = bincodec.AppendStrings(b, sub.Include)
	b = bincodec.AppendStrings(b, sub.Exclude)
	b = bincodec.AppendString(b, sub.TimeZone)
	b = bincodec.AppendStrings(b, sub.Times)
	b = binary.AppendVarint(b, int64(sub.MaxStories))
	b = bincodec.AppendString(b, sub.StoryLangs)
	b = bincodec.AppendTime(b, sub.Created)
	b = bincodec.AppendTime(b, sub.Updated)
	keys := slices.Sorted(maps.Keys(sub.Learned.Weights))
	b = binary.AppendUvarint(b, uint64(len(keys)))
	for _, k := range keys {
		b = bincodec.AppendString(b, k)
		b = bincodec.AppendFloat(b, sub.Learned.Weights[k])
	}
	return bincodec.AppendTime(b, sub.Learned.At)
}

func subFlags(sub Subscriber) byte {
	var f byte
	for _, bit := range []struct {
		on   bool
		flag byte
	}{{sub.Alerts, flagAlerts}, {sub.Paused, flagPaused}, {sub.Inactive, flagInactive}} {
		if bit.on {
			f |= bit.flag
		}
	}
	return f
}

func decodeSub(v []byte) (Subscriber, error) {
	var sub Subscriber
	if len(v) == 0 || v[0] != recordBinary {
		if err := json.Unmarshal(v, &sub); err != nil {
			return Subscriber{}, fmt.Errorf("decode: %w", err)
		}
		return sub, nil
	}
	d := bincodec.NewDecoder(v[1:])
	flags := d.Byte()
	sub.Alerts, sub.Paused, sub.Inactive = flags&flagAlerts != 0, flags&flagPaused != 0, flags&flagInactive != 0
	sub.ChatID = d.Varint()
	sub.ChatType = d.String()
	sub.Lang = d.String()
	sub.Topics = d.Strings()
	sub.Include = d.Strings()
	sub.Exclude = d.Strings()
	sub.TimeZone = d.String()
	sub.Times = d.Strings()
	sub.MaxStories = int(d.Varint())
	sub.StoryLangs = d.String()
	sub.Created = d.Time()
	sub.Updated = d.Time()
	if n := d.Uvarint(); n > 0 && n <= uint64(len(v)) {
		sub.Learned.Weights = make(map[string]float64, n)
		for range n {
			k := d.String()
			sub.Learned.Weights[k] = d.Float()
		}
	} else if n > 0 {
		return Subscriber{}, fmt.Errorf("decode: %w", bincodec.ErrMalformed)
	}
	sub.Learned.At = d.Time()
	if err := d.Done(); err != nil {
		return Subscriber{}, fmt.Errorf("decode: %w", err)
	}
	return sub, nil
}

// decodeStanding reads only the flags of a stored record.
func decodeStanding(v []byte) (Standing, error) {
	if len(v) >= 2 && v[0] == recordBinary {
		return Standing{Paused: v[1]&flagPaused != 0, Inactive: v[1]&flagInactive != 0}, nil
	}
	var st Standing
	if err := json.Unmarshal(v, &st); err != nil {
		return Standing{}, fmt.Errorf("decode: %w", err)
	}
	return st, nil
}

// migrateV1toV2 rewrites every JSON record in the binary form. A record
// that does not decode is left as it was: reading it fails as it did, and
// the file still opens.
func migrateV1toV2(tx *bolt.Tx) error {
	b := bucket(tx, bucketSubs)
	type rewrite struct{ k, v []byte }
	var todo []rewrite
	err := b.ForEach(func(k, v []byte) error {
		if len(v) > 0 && v[0] == recordBinary {
			return nil
		}
		sub, err := decodeSub(v)
		if err != nil {
			return nil // left for an operator, see above
		}
		todo = append(todo, rewrite{append([]byte(nil), k...), encodeSub(sub)})
		return nil
	})
	if err != nil {
		return err
	}
	for _, r := range todo {
		if err := b.Put(r.k, r.v); err != nil {
			return fmt.Errorf("rewrite %d: %w", chatFromKey(r.k), err)
		}
	}
	return nil
}
