package digest_test

import (
	"testing"
	"time"

	"newsdigest/digest"
)

// BenchmarkBoilerplateANT10k measures learning and stripping boilerplate
// on 10,000 Arabic articles beside a bare tokenisation pass over the same
// text, both timed in every iteration so the ratio holds on a loaded machine:
//
//	go test -run '^$' -bench BoilerplateANT10k -benchtime 3x ./digest
func BenchmarkBoilerplateANT10k(b *testing.B) {
	arts := loadANT(b, 10000)
	var tok, bp time.Duration
	stripped := 0
	for b.Loop() {
		d, _ := measure(func() {
			for _, a := range arts {
				_ = digest.Words(a.Title + "\n" + a.Text)
			}
		})
		tok += d
		d, _ = measure(func() {
			l := digest.LearnBoilerplate(arts)
			stripped = 0
			for _, a := range arts {
				if l.Strip(a).Text != a.Text {
					stripped++
				}
			}
		})
		bp += d
	}
	n := float64(b.N * len(arts))
	b.ReportMetric(float64(bp.Nanoseconds())/n, "boilerplate-ns/article")
	b.ReportMetric(float64(bp)/float64(tok), "boilerplate/tokenize")
	b.ReportMetric(float64(stripped), "articles-stripped")
}

// BenchmarkStoriesLearnt measures what the multi-day boilerplate memory
// costs: Engine.Learn over 10,000 ANT articles one at a time (the ingest
// path), and Stories on them by an engine that learnt them against a fresh
// engine's, both timed in every iteration:
//
//	go test -run '^$' -bench StoriesLearnt -benchtime 1x ./digest
func BenchmarkStoriesLearnt(b *testing.B) {
	arts := loadANT(b, 10000)
	var learn, fresh, learnt time.Duration
	for b.Loop() {
		eng, err := digest.NewEngine(digest.Config{})
		if err != nil {
			b.Fatal(err)
		}
		d, _ := measure(func() {
			for _, a := range arts {
				eng.Learn(a)
			}
		})
		learn += d
		d, _ = measure(func() { _ = eng.Stories(arts) })
		learnt += d
		plain, err := digest.NewEngine(digest.Config{})
		if err != nil {
			b.Fatal(err)
		}
		d, _ = measure(func() { _ = plain.Stories(arts) })
		fresh += d
	}
	n := float64(b.N * len(arts))
	b.ReportMetric(float64(learn.Nanoseconds())/n, "learn-ns/article")
	b.ReportMetric(float64(learnt.Nanoseconds())/n, "stories-learnt-ns/article")
	b.ReportMetric(float64(fresh.Nanoseconds())/n, "stories-fresh-ns/article")
	b.ReportMetric(float64(learnt)/float64(fresh), "learnt/fresh")
}
