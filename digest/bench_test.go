package digest_test

import (
	"context"
	"runtime"
	"testing"

	"newsdigest/digest"
	"newsdigest/eval"
	"newsdigest/internal/shareddata"
)

// loadANT returns up to n ANT articles as the engine reads them.
func loadANT(b *testing.B, n int) []digest.Article {
	b.Helper()
	ds, err := eval.LoadFile(context.Background(), shareddata.Path(b, "ant-jawharafm", "articles.jsonl"))
	if err != nil {
		b.Fatal(err)
	}
	arts := make([]digest.Article, 0, n)
	for _, r := range ds.Records[:min(n, len(ds.Records))] {
		arts = append(arts, eval.Article(r))
	}
	return arts
}

// BenchmarkANT10k measures the engine on 10,000 Arabic articles beside a
// bare tokenisation pass over the same text in the same run, so the ratio
// says what clustering, summarising and classifying cost on top of reading
// the words once. Run:
//
//	go test -run '^$' -bench ANT10k -benchtime 3x ./digest
func BenchmarkANT10k(b *testing.B) {
	arts := loadANT(b, 10000)
	eng, err := digest.NewEngine(digest.Config{})
	if err != nil {
		b.Fatal(err)
	}
	b.Run("tokenize", func(b *testing.B) {
		perArticle(b, len(arts), func() {
			for _, a := range arts {
				_ = digest.Words(a.Title + "\n" + a.Text)
			}
		})
	})
	b.Run("summarize", func(b *testing.B) {
		perArticle(b, len(arts), func() {
			for _, a := range arts {
				_ = digest.Summarize(a, 0)
			}
		})
	})
	b.Run("stories", func(b *testing.B) {
		perArticle(b, len(arts), func() { _ = eng.Stories(arts) })
	})
}

// perArticle runs f b.N times and reports time and allocations per article.
func perArticle(b *testing.B, n int, f func()) {
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	b.ResetTimer()
	for b.Loop() {
		f()
	}
	b.StopTimer()
	runtime.ReadMemStats(&after)
	total := float64(b.N * n)
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/total, "ns/article")
	b.ReportMetric(float64(after.Mallocs-before.Mallocs)/total, "allocs/article")
}
