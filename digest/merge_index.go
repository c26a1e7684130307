package digest

import (
	"iter"
	"time"
)

// candIndex maps index keys (LSH bands, title words, rare lead terms) to the
// articles filed under them, oldest first. It forgets: as the oldest-first
// sweep advances, articles published more than the merge window before the
// current one leave their buckets (and empty buckets leave the map), so the
// index holds one window of news and the cost per article does not grow
// with the store. Undated articles cannot fall out of a window and stay.
type candIndex struct {
	live   map[uint64][]int // dated articles of the current window
	kept   map[uint64][]int // undated articles
	keys   [][]uint64       // article → its keys, until it is forgotten
	tail   int              // oldest dated article not yet forgotten
	next   int              // articles added so far
	window time.Duration
	// arena backs new buckets: nearly every key (an LSH band of one
	// article) never gets a second article, and a slice allocated for
	// each was the call's most frequent allocation.
	arena []int
}

func newCandIndex(n int, window time.Duration) candIndex {
	return candIndex{live: map[uint64][]int{}, kept: map[uint64][]int{}, keys: make([][]uint64, n), tail: -1, window: window}
}

// buckets yields the buckets of keys, each key's undated one first. It
// yields rather than returns them: a slice of them per article was a
// fifth of the merger's allocations.
func (x *candIndex) buckets(keys []uint64) iter.Seq[[]int] {
	return func(yield func([]int) bool) {
		for _, k := range keys {
			if b := x.kept[k]; len(b) > 0 && !yield(b) {
				return
			}
			if b := x.live[k]; len(b) > 0 && !yield(b) {
				return
			}
		}
	}
}

// add files article i (published at t, zero when unknown) under keys.
func (x *candIndex) add(i int, t time.Time, keys []uint64) {
	m := x.live
	if t.IsZero() {
		m = x.kept
	} else if x.tail < 0 {
		x.tail = i
	}
	for _, k := range keys {
		if b, ok := m[k]; ok {
			m[k] = append(b, i)
		} else {
			m[k] = x.single(i)
		}
	}
	if !t.IsZero() {
		x.keys[i] = keys
	}
	x.next = i + 1
}

// single returns a new bucket holding i, carved from the arena (capped,
// so a second article moves it to its own array).
func (x *candIndex) single(i int) []int {
	if len(x.arena) == cap(x.arena) {
		x.arena = make([]int, 0, 4096)
	}
	x.arena = append(x.arena, i)
	n := len(x.arena)
	return x.arena[n-1 : n : n]
}

// forget drops the dated articles published before now minus the window.
// Articles are added in time order, so they are the oldest, at the front of
// each of their buckets.
func (x *candIndex) forget(prep []prepared, now time.Time) {
	if x.tail < 0 || now.IsZero() {
		return
	}
	cut := now.Add(-x.window)
	for ; x.tail < x.next && prep[x.tail].Published.Before(cut); x.tail++ {
		for _, k := range x.keys[x.tail] {
			b := x.live[k]
			if len(b) > 0 && b[0] == x.tail {
				b = b[1:]
			}
			if len(b) == 0 {
				delete(x.live, k)
			} else {
				x.live[k] = b
			}
		}
		x.keys[x.tail] = nil
	}
}
