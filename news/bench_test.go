package news

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"runtime"
	"runtime/metrics"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mmcdole/gofeed"
	bolt "go.etcd.io/bbolt"
)

const (
	benchFeeds = 200
	benchItems = 50
	benchHosts = 8 // loopback addresses 127.0.0.1-8, so the per-host limit acts as on the real web
)

// benchFarm serves benchFeeds RSS documents of benchItems ANT articles each
// from benchHosts loopback servers, answering 304 to a matching ETag.
type benchFarm struct {
	docs [][]byte
	urls []string
}

func newBenchFarm(b *testing.B) *benchFarm {
	recs := readANT(b, benchFeeds*benchItems)
	if len(recs) < benchFeeds*benchItems {
		b.Fatalf("need %d ANT records, have %d", benchFeeds*benchItems, len(recs))
	}
	farm := &benchFarm{}
	for i := range benchFeeds {
		farm.docs = append(farm.docs, []byte(antRSS(recs[i*benchItems:(i+1)*benchItems], fmt.Sprintf("https://outlet%d.example", i))))
	}
	handler := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		i, err := strconv.Atoi(r.URL.Path[len("/feed/"):])
		if err != nil || i < 0 || i >= len(farm.docs) {
			http.NotFound(w, r)
			return
		}
		etag := fmt.Sprintf(`"v%d"`, i)
		if r.Header.Get("If-None-Match") == etag {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		w.Header().Set("ETag", etag)
		w.Header().Set("Content-Type", "application/rss+xml; charset=utf-8")
		w.Write(farm.docs[i])
	})
	var servers []*httptest.Server
	for h := 1; h <= benchHosts; h++ {
		ln, err := net.Listen("tcp", fmt.Sprintf("127.0.0.%d:0", h))
		if err != nil {
			b.Skipf("cannot listen on 127.0.0.%d: %v", h, err)
		}
		srv := &httptest.Server{Listener: ln, Config: &http.Server{Handler: handler}}
		srv.Start()
		b.Cleanup(srv.Close)
		servers = append(servers, srv)
	}
	for i := range benchFeeds {
		farm.urls = append(farm.urls, fmt.Sprintf("%s/feed/%d", servers[i%benchHosts].URL, i))
	}
	return farm
}

// newBenchStore opens a fresh bbolt file with every farm feed subscribed.
func (farm *benchFarm) newBenchStore(b *testing.B) *Store {
	db, err := bolt.Open(b.TempDir()+"/bench.db", 0o600, &bolt.Options{Timeout: time.Second, NoSync: false})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	s, err := NewStore(context.Background(), db)
	if err != nil {
		b.Fatal(err)
	}
	for _, u := range farm.urls {
		if _, _, err := s.AddFeed(context.Background(), u, []string{"bench"}); err != nil {
			b.Fatal(err)
		}
	}
	return s
}

// heapPeak samples live heap bytes every millisecond until stopped and
// returns the peak above the level at start.
func heapPeak() (stop func() uint64) {
	sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	read := func() uint64 { metrics.Read(sample); return sample[0].Value.Uint64() }
	runtime.GC()
	base := read()
	var peak atomic.Uint64
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		t := time.NewTicker(time.Millisecond)
		defer t.Stop()
		for {
			if v := read(); v > peak.Load() {
				peak.Store(v)
			}
			select {
			case <-done:
				return
			case <-t.C:
			}
		}
	})
	return func() uint64 {
		close(done)
		wg.Wait()
		return max(peak.Load(), base) - base
	}
}

func ingestQuiet(s *Store) *Ingester {
	return NewIngester(s, IngesterOptions{Fetcher: FetcherOptions{AllowPrivate: true}, Logger: quietLogger()})
}

// BenchmarkIngest: 200 feeds × 50 ANT articles over loopback HTTP.
//
//	parse-only:   gofeed parsing the same 200 documents in memory (baseline)
//	first:        a full ingest into an empty store (fetch, decode, parse, normalise, dedup, bbolt)
//	not-modified: the next pass, where every feed answers 304
func BenchmarkIngest(b *testing.B) {
	farm := newBenchFarm(b)
	ctx := context.Background()
	b.Run("parse-only", func(b *testing.B) {
		stop := heapPeak()
		for b.Loop() {
			for _, d := range farm.docs {
				if _, err := gofeed.NewParser().Parse(bytes.NewReader(d)); err != nil {
					b.Fatal(err)
				}
			}
		}
		reportRate(b, benchFeeds*benchItems, stop())
	})
	b.Run("first", func(b *testing.B) {
		var stored int
		var peak uint64
		for b.Loop() {
			b.StopTimer()
			s := farm.newBenchStore(b)
			stop := heapPeak()
			b.StartTimer()
			rep, err := ingestQuiet(s).Run(ctx)
			b.StopTimer()
			peak = max(peak, stop())
			if err != nil || rep.OK != benchFeeds {
				b.Fatalf("run: %d ok of %d, %v", rep.OK, benchFeeds, err)
			}
			stored = rep.New
			b.StartTimer()
		}
		reportRate(b, stored, peak)
	})
	b.Run("not-modified", func(b *testing.B) {
		s := farm.newBenchStore(b)
		if _, err := ingestQuiet(s).Run(ctx); err != nil {
			b.Fatal(err)
		}
		in := ingestQuiet(s)
		stop := heapPeak()
		for b.Loop() {
			rep, err := in.Run(ctx)
			if err != nil || rep.NotModified != benchFeeds {
				b.Fatalf("304 pass: %d not modified of %d, %v", rep.NotModified, benchFeeds, err)
			}
		}
		reportRate(b, 0, stop())
	})
}

// reportRate reports feeds and articles (items) per second and the peak
// heap above the level before the run.
func reportRate(b *testing.B, perOp int, peak uint64) {
	b.ReportMetric(float64(benchFeeds)*float64(b.N)/b.Elapsed().Seconds(), "feeds/s")
	b.ReportMetric(float64(perOp)*float64(b.N)/b.Elapsed().Seconds(), "articles/s")
	b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MiB")
	b.ReportMetric(float64(perOp), "articles/op")
}
