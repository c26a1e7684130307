package delivery

import (
	"slices"
	"testing"
)

// FuzzParsePageSet feeds arbitrary bytes as a stored More page set (the
// older JSON or the binary form): parsePageSet must refuse them or give a
// set that survives a round trip through the binary form, never panic,
// since a More button reads whatever the database holds.
func FuzzParsePageSet(f *testing.F) {
	f.Add([]byte(`{"lang":"ar","size":5,"stories":["AAECAwQFBgcICQoL"]}`))
	f.Add([]byte(`{"lang":"en","size":-1}`))
	f.Add([]byte{pageSetV1, 2, 'a', 'r', 5, 1, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11})
	f.Add([]byte{pageSetV1, 0, 0, 0xff, 0xff, 0xff, 0xff, 0x0f})
	f.Fuzz(func(t *testing.T, v []byte) {
		set, err := parsePageSet(v)
		if err != nil {
			return
		}
		enc, err := encodePageSet(set)
		if err != nil {
			return // a JSON set naming keys that are not story keys: loadPages finds no such story
		}
		again, err := parsePageSet(enc)
		if err != nil || again.Lang != set.Lang || again.Size != max(set.Size, 0) || !slices.Equal(again.Stories, set.Stories) {
			t.Fatalf("round trip changed the page set: %+v → %+v (%v)", set, again, err)
		}
	})
}
