package delivery

import (
	"strings"
	"testing"
)

func TestMoreDataRoundTrip(t *testing.T) {
	for _, off := range []int{0, 1, 10, 999_999} {
		d := moreData("AbCdEfGhIjKl-_01", off)
		id, got, ok := parseMoreData(d)
		if !ok || id != "AbCdEfGhIjKl-_01" || got != off || len(d) > maxMoreData || !IsMoreData(d) {
			t.Errorf("%q: %q %d %v", d, id, got, ok)
		}
	}
	for _, bad := range []string{"", "m:", "m:short:0", "m:AbCdEfGhIjKl-_01", "m:AbCdEfGhIjKl-_01:-1", "m:AbCdEfGhIjKl-_01:01",
		"m:AbCdEfGhIjKl-_01:1:2", "q:AbCdEfGhIjKl-_01:1", "m:AbCdEfGhIjKl-_0!:1", "m:AbCdEfGhIjKl-_01:" + strings.Repeat("9", 60)} {
		if _, _, ok := parseMoreData(bad); ok {
			t.Errorf("%q parsed", bad)
		}
	}
}

// FuzzMoreData: forged button data never panics; what parses is within
// Telegram's 64 bytes and re-encodes to the same data.
func FuzzMoreData(f *testing.F) {
	f.Add("m:AbCdEfGhIjKl-_01:0")
	f.Add("m:AbCdEfGhIjKl-_01:30")
	f.Add("m:AbCdEfGhIjKl-_01:-3")
	f.Add("p:+sport:42")
	f.Fuzz(func(t *testing.T, data string) {
		id, off, ok := parseMoreData(data)
		if !ok {
			return
		}
		if d := moreData(id, off); d != data || len(d) > maxMoreData || off < 0 {
			t.Fatalf("%q parsed to %q %d, which encodes as %q", data, id, off, d)
		}
	})
}
