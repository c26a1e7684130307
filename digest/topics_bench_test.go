package digest_test

import (
	"testing"
	"time"

	"newsdigest/digest"
)

// BenchmarkTopicClassify measures the embedded topic model on 2,000 ANT
// articles against the stemming it needs (digest.Terms, the baseline): each
// iteration times both passes one after the other, so the ratio holds on a
// loaded machine. Run:
//
//	go test -run '^$' -bench TopicClassify -benchtime 3x ./digest
func BenchmarkTopicClassify(b *testing.B) {
	arts := loadANT(b, 2000)
	model, err := digest.EmbeddedModel()
	if err != nil {
		b.Fatal(err)
	}
	terms := make([][]string, len(arts))
	var stem, classify time.Duration
	for b.Loop() {
		start := time.Now()
		for i, a := range arts {
			terms[i] = digest.Terms(a.Title + "\n" + a.Text)
		}
		stem += time.Since(start)
		start = time.Now()
		for _, t := range terms {
			_ = model.ClassifyTerms("ar", t)
		}
		classify += time.Since(start)
	}
	n := float64(b.N * len(arts))
	b.ReportMetric(float64(classify.Nanoseconds())/n, "classify-ns/article")
	b.ReportMetric(float64(stem.Nanoseconds())/n, "terms-ns/article")
	b.ReportMetric(float64(classify)/float64(stem), "classify/terms")
}
