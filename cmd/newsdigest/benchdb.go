package main

import (
	"cmp"
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"time"

	"newsdigest/digest"
	"newsdigest/eval"
	"newsdigest/news"
	"newsdigest/subscriptions"
)

// benchZones are the subscribers' zones: the Arab world, Europe, the
// Americas and Asia, whole and half hours.
var benchZones = []string{"Asia/Baghdad", "Africa/Cairo", "Asia/Riyadh", "Africa/Tunis", "Africa/Casablanca",
	"Asia/Beirut", "Asia/Dubai", "Europe/London", "Europe/Berlin", "America/New_York", "Asia/Kolkata", "UTC"}

// benchKeywords are keywords some subscribers follow or exclude.
var benchKeywords = []string{"oil", "election", "football", "نفط", "انتخابات", "كرة"}

type benchBuilt struct {
	window int // articles first seen in the 24 h before the push
}

// buildBenchDB writes the generated articles and subscribers to f.db.
func buildBenchDB(ctx context.Context, f benchFlags, due time.Time) (benchBuilt, error) {
	var built benchBuilt
	rng := rand.New(rand.NewPCG(f.seed, 13))
	arts, err := benchArticles(ctx, f, due, rng)
	if err != nil {
		return built, err
	}
	db, err := openDB(f.db)
	if err != nil {
		return built, err
	}
	defer db.Close()
	store, err := news.NewStore(ctx, db)
	if err != nil {
		return built, err
	}
	for start := 0; start < len(arts); start += 1000 {
		if _, err := store.Add(ctx, arts[start:min(start+1000, len(arts))]); err != nil {
			return built, fmt.Errorf("bench: store articles: %w", err)
		}
	}
	for _, a := range arts {
		if !a.Fetched.Before(due.Add(-24 * time.Hour)) {
			built.window++
		}
	}
	subs, err := subscriptions.NewStore(ctx, db)
	if err != nil {
		return built, err
	}
	for start := 1; start <= f.subscribers; start += 5000 {
		batch := make([]subscriptions.Subscriber, 0, 5000)
		for id := start; id < start+5000 && id <= f.subscribers; id++ {
			batch = append(batch, benchSubscriber(int64(id), due, f.stories, rng))
		}
		if err := subs.PutMany(ctx, batch); err != nil {
			return built, fmt.Errorf("bench: store subscribers: %w", err)
		}
	}
	return built, nil
}

// benchArticles draws n articles from the data sets in f.data (or the
// embedded seeds), dated over f.days before due in first-seen order. A
// record used again is varied (paragraphs rotated, a line from another
// record added) and gets its own ID and hash, so it is stored again.
func benchArticles(ctx context.Context, f benchFlags, due time.Time, rng *rand.Rand) ([]news.Article, error) {
	pool, err := benchPool(ctx, f.data)
	if err != nil {
		return nil, err
	}
	span := time.Duration(f.days) * 24 * time.Hour
	out := make([]news.Article, f.articles)
	for i := range out {
		src := pool[i%len(pool)]
		a := src
		if copyN := i / len(pool); copyN > 0 {
			a.Text = varyText(src.Text, copyN, pool[rng.IntN(len(pool))].Title)
		}
		a.ID = fmt.Sprintf("bench-%d", i)
		a.URL = fmt.Sprintf("https://bench.example/%d", i)
		a.Published = due.Add(-time.Duration(rng.Int64N(int64(span))))
		fetched := a.Published.Add(time.Duration(rng.IntN(15)) * time.Minute)
		if latest := due.Add(-time.Second); fetched.After(latest) {
			fetched = latest
		}
		out[i] = news.Article{Article: a, Fetched: fetched, Feed: "bench", Hash: a.ID}
	}
	slices.SortFunc(out, func(a, b news.Article) int { return a.Fetched.Compare(b.Fetched) })
	return out, nil
}

// benchPool is the articles to draw from, in a shuffled-by-name order that
// mixes the data sets.
func benchPool(ctx context.Context, dir string) ([]digest.Article, error) {
	if dir == "" {
		seeds, err := news.LoadSeeds(ctx, seedsFS(""))
		if err != nil {
			return nil, fmt.Errorf("bench: seeds: %w", err)
		}
		pool := make([]digest.Article, len(seeds))
		for i, s := range seeds {
			pool[i] = s.Article
		}
		return pool, nil
	}
	sets, err := eval.LoadDir(ctx, dir)
	if err != nil {
		return nil, fmt.Errorf("bench: %w", err)
	}
	var pool []digest.Article
	for _, ds := range sets {
		for _, r := range ds.Records {
			if r.Text == "" && r.Title == "" {
				continue
			}
			pool = append(pool, digest.Article{Title: r.Title, Text: r.Text, Lang: r.Lang, Source: cmp.Or(r.Source, ds.Name)})
		}
	}
	if len(pool) == 0 {
		return nil, fmt.Errorf("bench: no articles in %s", dir)
	}
	// Interleave the data sets so any prefix (a small --articles) mixes
	// languages and outlets.
	rand.New(rand.NewPCG(7, 7)).Shuffle(len(pool), func(i, j int) { pool[i], pool[j] = pool[j], pool[i] })
	return pool, nil
}

// varyText rotates the paragraphs of text by n and adds a line.
func varyText(text string, n int, extra string) string {
	paras := strings.Split(text, "\n")
	k := n % len(paras)
	paras = append(paras[k:], paras[:k]...)
	return strings.Join(append(paras, extra), "\n")
}

// benchSubscriber is a subscriber due at the due minute in its own zone:
// 60 % Arabic, 5 % groups, 30 % with one to three topics, 15 % with
// keywords, a third with a second daily time; digests of stories stories,
// except 15 % with 5 and 15 % with the shipped default (10).
func benchSubscriber(id int64, due time.Time, stories int, rng *rand.Rand) subscriptions.Subscriber {
	typ, chat := subscriptions.ChatPrivate, id
	if rng.IntN(20) == 0 {
		typ, chat = subscriptions.ChatGroup, -id
	}
	lang := "en"
	if rng.IntN(10) < 6 {
		lang = "ar"
	}
	s := subscriptions.New(chat, typ, lang, due.Add(-30*24*time.Hour))
	s.TimeZone = benchZones[rng.IntN(len(benchZones))]
	loc, _ := subscriptions.LoadZone(s.TimeZone)
	local := due.In(loc)
	s.Times = []string{local.Format("15:04")}
	if rng.IntN(3) == 0 {
		s.Times = append(s.Times, local.Add(12*time.Hour).Format("15:04"))
	}
	if rng.IntN(10) < 3 {
		tax := digest.Taxonomy()
		for range 1 + rng.IntN(3) {
			s.Topics = append(s.Topics, tax[rng.IntN(len(tax))].ID)
		}
		slices.Sort(s.Topics)
		s.Topics = slices.Compact(s.Topics)
	}
	switch rng.IntN(20) {
	case 0, 1:
		s.Include = []string{benchKeywords[rng.IntN(len(benchKeywords))]}
	case 2:
		s.Exclude = []string{benchKeywords[rng.IntN(len(benchKeywords))]}
	}
	switch rng.IntN(7) {
	case 0:
		s.MaxStories = 5
	case 1:
		s.MaxStories = 0 // the default
	default:
		s.MaxStories = stories
	}
	return s
}
