package digest_test

import (
	"testing"
	"time"

	"newsdigest/digest"
)

// BenchmarkSelectLearned measures what feedback costs one chat's digest:
// Select over the stories of 2,000 ANT articles with no learned weights
// (the baseline, and the cost a chat without feedback shares with every
// chat like it), with topic weights only, and with the weights of ten
// taps (topics, outlets, headline words, read from the engine's memo of
// each headline's stems), the same over stories without that memo (the
// headlines stemmed per chat, as before the memo), then the selection
// rendered (what a chat with feedback pays alone, since its selection is
// its own), and the same from the push's Pool (made once per push, so
// outside the passes) without weights and with the ten taps. The passes
// run one after the other in every iteration, so load hits them alike.
// Run:
//
//	go test -run '^$' -bench SelectLearned -benchtime 200x ./digest
func BenchmarkSelectLearned(b *testing.B) {
	eng, err := digest.NewEngine(digest.Config{})
	if err != nil {
		b.Fatal(err)
	}
	stories := eng.Stories(loadANT(b, 2000))
	now := stories[0].Published.Add(time.Hour)
	topics := map[string]float64{}
	for _, t := range []string{"sport", "economy", "politics"} {
		for k, v := range digest.FeedbackWeights(nil, t, t != "sport") {
			topics[k] = v
		}
	}
	taps := map[string]float64{}
	for i := range 10 {
		s := stories[i*len(stories)/10]
		topic := "society"
		if len(s.Topics) > 0 {
			topic = s.Topics[0].ID
		}
		for k, v := range digest.FeedbackWeights(&s, topic, i%2 == 0) {
			taps[k] += v
		}
	}
	// The same stories as a caller outside the engine would build them:
	// without the engine's memo of headline stems.
	plain := make([]digest.Story, len(stories))
	for i, s := range stories {
		plain[i] = digest.Story{ID: s.ID, Title: s.Title, Summary: s.Summary, Lang: s.Lang, Topics: s.Topics, Sources: s.Sources,
			Published: s.Published, LatestURL: s.LatestURL, FirstReported: s.FirstReported, Disputed: s.Disputed, Articles: s.Articles}
	}
	opts := digest.RenderOptions{Lang: "ar", Now: now}
	pool := digest.NewPool(stories, now)
	idx := make([]int, len(stories))
	for i := range idx {
		idx[i] = i
	}
	var buf []digest.Story
	passes := []pass{
		{"none", func() { _ = digest.ReferenceSelect(stories, digest.Prefs{}, now) }},
		{"topics", func() { _ = digest.ReferenceSelect(stories, digest.Prefs{Weights: topics}, now) }},
		{"taps", func() { _ = digest.ReferenceSelect(stories, digest.Prefs{Weights: taps}, now) }},
		{"taps-unmemoised", func() { _ = digest.ReferenceSelect(plain, digest.Prefs{Weights: taps}, now) }},
		{"taps+render", func() { _ = digest.RenderHTML(digest.ReferenceSelect(stories, digest.Prefs{Weights: taps}, now), opts) }},
		{"pool-none", func() { buf = pool.SelectInto(buf, idx, digest.Prefs{}).Stories[:0] }},
		{"pool-taps", func() { buf = pool.SelectInto(buf, idx, digest.Prefs{Weights: taps}).Stories[:0] }},
	}
	elapsed := timePasses(b, passes)
	for i, p := range passes {
		b.ReportMetric(float64(elapsed[i].Microseconds())/float64(b.N), p.name+"-us/chat")
		if i > 0 {
			b.ReportMetric(float64(elapsed[i])/float64(elapsed[0]), p.name+"/none")
		}
	}
	b.ReportMetric(float64(len(stories)), "stories")
	b.ReportMetric(float64(len(taps)), "tap-weights")
}
