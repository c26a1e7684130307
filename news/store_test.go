package news

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"newsdigest/digest"
	"newsdigest/internal/dbtest"
)

// fakeClock is a settable clock for stores and ingesters in tests.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func newFakeClock() *fakeClock {
	return &fakeClock{t: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)}
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

func newTestStore(t *testing.T, clock *fakeClock) *Store {
	t.Helper()
	s, err := NewStore(context.Background(), dbtest.Open(t), WithClock(clock.Now))
	if err != nil {
		t.Fatalf("NewStore: %v", err)
	}
	return s
}

func art(id, url, title, text string) Article {
	return Article{Article: digest.Article{ID: id, URL: url, Title: title, Text: text}, Feed: "https://feed.example/rss"}
}

func ids(arts []Article) []string {
	var out []string
	for _, a := range arts {
		out = append(out, a.ID)
	}
	return out
}

func TestStoreAddDedupsByIDAndHash(t *testing.T) {
	ctx := context.Background()
	s := newTestStore(t, newFakeClock())
	added, err := s.Add(ctx, []Article{
		art("a", "https://one.example/a", "Quake hits coast", "A strong quake hit the coast."),
		art("b", "https://one.example/b", "Rain", "Heavy rain fell."),
		art("a", "https://one.example/a", "Quake hits coast (updated)", "Different text, same ID."),
		art("mirror", "https://mirror.example/a", "Quake hits coast", "A  strong quake\nhit the coast."),
	})
	if err != nil {
		t.Fatalf("Add: %v", err)
	}
	if got := ids(added); !slices.Equal(got, []string{"a", "b"}) {
		t.Fatalf("added %v, want [a b]: same ID and mirrored text are duplicates", got)
	}
	if added[0].Seq != 1 || added[1].Seq != 2 || added[0].Fetched.IsZero() || added[0].Published.IsZero() {
		t.Errorf("Seq/Fetched/Published not filled: %+v", added)
	}
	again, err := s.Add(ctx, []Article{art("b", "", "Rain", "Heavy rain fell."), art("c", "", "Sun", "Sun came out.")})
	if err != nil || !slices.Equal(ids(again), []string{"c"}) || again[0].Seq != 3 {
		t.Fatalf("second Add = %+v, %v; want only c with Seq 3", again, err)
	}
}

func TestStoreAddFillsIDFromHash(t *testing.T) {
	s := newTestStore(t, newFakeClock())
	added, err := s.Add(context.Background(), []Article{art("", "", "No link", "An item with neither link nor GUID.")})
	if err != nil || len(added) != 1 || added[0].ID != "hash:"+added[0].Hash {
		t.Fatalf("Add = %+v, %v; want ID from the content hash", added, err)
	}
}

func TestStoreSinceRangeScan(t *testing.T) {
	ctx := context.Background()
	s := newTestStore(t, newFakeClock())
	var in []Article
	for i := range 10 {
		in = append(in, art(fmt.Sprint("id", i), "", fmt.Sprint("title ", i), fmt.Sprint("text ", i)))
	}
	if _, err := s.Add(ctx, in); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		after uint64
		limit int
		want  []string
	}{
		{0, 0, ids(in)},
		{7, 0, []string{"id7", "id8", "id9"}},
		{2, 3, []string{"id2", "id3", "id4"}},
		{10, 0, nil},
		{99, 5, nil},
	}
	for _, tt := range tests {
		got, err := s.Since(ctx, tt.after, tt.limit)
		if err != nil || !slices.Equal(ids(got), tt.want) {
			t.Errorf("Since(%d, %d) = %v, %v; want %v", tt.after, tt.limit, ids(got), err, tt.want)
		}
	}
	if last, err := s.LastSeq(ctx); err != nil || last != 10 {
		t.Errorf("LastSeq = %d, %v; want 10", last, err)
	}
}

func TestStoreSinceTimeAndPrune(t *testing.T) {
	ctx := context.Background()
	clock := newFakeClock()
	s := newTestStore(t, clock)
	start := clock.Now()
	for day := range 5 {
		if _, err := s.Add(ctx, []Article{art(fmt.Sprint("day", day), "", fmt.Sprint("t", day), fmt.Sprint("x", day))}); err != nil {
			t.Fatal(err)
		}
		clock.Advance(24 * time.Hour)
	}
	got, err := s.SinceTime(ctx, start.Add(3*24*time.Hour))
	if err != nil || !slices.Equal(ids(got), []string{"day3", "day4"}) {
		t.Fatalf("SinceTime = %v, %v; want day3 day4", ids(got), err)
	}
	n, err := s.Prune(ctx, start.Add(2*24*time.Hour))
	if err != nil || n != 2 {
		t.Fatalf("Prune = %d, %v; want 2", n, err)
	}
	left, _ := s.Since(ctx, 0, 0)
	if !slices.Equal(ids(left), []string{"day2", "day3", "day4"}) {
		t.Errorf("after prune: %v", ids(left))
	}
	if last, _ := s.LastSeq(ctx); last != 5 {
		t.Errorf("LastSeq after prune = %d, want 5 (cursors must not go back)", last)
	}
}

func TestStorePruneManyChunks(t *testing.T) {
	ctx := context.Background()
	clock := newFakeClock()
	s := newTestStore(t, clock)
	var in []Article
	for i := range pruneChunk*2 + 5 {
		in = append(in, art(fmt.Sprint(i), "", "", fmt.Sprint("body ", i)))
	}
	if _, err := s.Add(ctx, in); err != nil {
		t.Fatal(err)
	}
	clock.Advance(time.Hour)
	keep, _ := s.Add(ctx, []Article{art("new", "", "", "fresh")})
	n, err := s.Prune(ctx, clock.Now())
	if err != nil || n != len(in) {
		t.Fatalf("Prune = %d, %v; want %d", n, err, len(in))
	}
	if c, _ := s.Count(ctx); c != 1 {
		t.Errorf("Count = %d, want 1", c)
	}
	// A pruned article is still known: a feed that keeps listing it does
	// not bring it back as new.
	if re, _ := s.Add(ctx, []Article{art("0", "", "", "body 0"), art("other-id", "", "", "body 1")}); len(re) != 0 {
		t.Errorf("pruned articles came back: %v", ids(re))
	}
	// Once forgotten, they count as new again; the kept article stays known.
	forgotten, err := s.ForgetPruned(ctx, clock.Now())
	if err != nil || forgotten != len(in) {
		t.Fatalf("ForgetPruned = %d, %v; want %d", forgotten, err, len(in))
	}
	re, _ := s.Add(ctx, []Article{art("0", "", "", "body 0"), art("new", "", "", "fresh")})
	if !slices.Equal(ids(re), []string{"0"}) || re[0].Seq <= keep[0].Seq {
		t.Errorf("after forgetting, re-added = %+v", re)
	}
}

func TestStoreCancelledContext(t *testing.T) {
	s := newTestStore(t, newFakeClock())
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := s.Add(ctx, []Article{art("a", "", "", "x")}); !errors.Is(err, context.Canceled) {
		t.Errorf("Add on cancelled ctx = %v", err)
	}
	if _, err := s.Since(ctx, 0, 0); !errors.Is(err, context.Canceled) {
		t.Errorf("Since on cancelled ctx = %v", err)
	}
}
