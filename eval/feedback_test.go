package eval

import (
	"cmp"
	"context"
	"flag"
	"fmt"
	"hash/fnv"
	"slices"
	"strings"
	"testing"
	"time"

	"newsdigest/digest"
	"newsdigest/internal/shareddata"
	"newsdigest/subscriptions"
)

// feedbackDays splits the multi-outlet Arabic sets (9 Egyptian and 6 Saudi
// outlets) into days of perDay articles, in an order fixed by a hash of
// their IDs, and returns days from, from+1, … from+days-1, each day's
// articles spread over its 24 hours.
func feedbackDays(t *testing.T, from, days, perDay int, start time.Time) [][]digest.Article {
	t.Helper()
	var recs []Record
	for _, f := range []string{"newscred2013.jsonl", "saudinewsnet2015.jsonl"} {
		ds, err := LoadFile(context.Background(), shareddata.Path(t, "news-multi-outlet", "ar", f))
		if err != nil {
			t.Fatal(err)
		}
		recs = append(recs, ds.Records...)
	}
	key := func(r Record) uint64 { h := fnv.New64a(); h.Write([]byte(r.ID)); return h.Sum64() }
	slices.SortFunc(recs, func(a, b Record) int { return cmp.Compare(key(a), key(b)) })
	out := make([][]digest.Article, days)
	for d := range days {
		for i, r := range recs[(from+d)*perDay : (from+d+1)*perDay] {
			a := Article(r)
			a.Published = start.Add(time.Duration(d)*24*time.Hour + time.Duration(i)*24*time.Hour/time.Duration(perDay))
			out[d] = append(out[d], a)
		}
	}
	return out
}

var tuneDays = flag.Bool("tune-days", false, "TestFeedbackSimulation: run on the days the feedback limits were chosen on (1–10), not the held-out 11–20")

// reader is one simulated subscriber: what they learned, and which topic
// they press 👎 (or 👍) whenever its row is under their digest.
type reader struct {
	name        string
	topic       string
	up, presses bool
	learned     subscriptions.Learned
	counts      []int // per day: stories of topic in the digest
	leadDays    int   // days the digest's top story was of topic
}

// TestFeedbackSimulation measures, on ten days of held-out multi-outlet
// Arabic news (days 11–20 of the hashed order; the steps, caps and limits
// were chosen looking at days 1–10, -tune-days), what the buttons do to a
// reader's digests: a reader who
// presses 👎 on politics whenever it has a row gets fewer politics
// stories than one who presses nothing, one who presses 👍 on economy
// gets more, and neither topic is wiped out or takes over. The table is in
// docs/EVALUATION.md ("Feedback"). Run:
//
//	go test -run TestFeedbackSimulation -v ./eval/
func TestFeedbackSimulation(t *testing.T) {
	if testing.Short() {
		t.Skip("builds ten days of stories")
	}
	const days, perDay = 10, 250
	from := days // held out
	if *tuneDays {
		from = 0
	}
	start := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	eng, err := digest.NewEngine(digest.Config{})
	if err != nil {
		t.Fatal(err)
	}
	readers := []*reader{
		{name: "control (politics)", topic: "politics"},
		{name: "👎 politics", topic: "politics", presses: true},
		{name: "control (economy)", topic: "economy"},
		{name: "👍 economy", topic: "economy", up: true, presses: true},
	}
	for d, arts := range feedbackDays(t, from, days, perDay, start) {
		stories := eng.Stories(arts)
		now := start.Add(time.Duration(d+1) * 24 * time.Hour)
		for _, r := range readers {
			sel := digest.Select(stories, digest.Prefs{Lang: "ar", Weights: r.learned.WeightsAt(now)}, now)
			r.counts = append(r.counts, countTopic(sel.Stories, r.topic))
			if len(sel.Stories) > 0 && topicOf(sel.Stories[0]) == r.topic {
				r.leadDays++
			}
			if r.presses {
				press(r, sel, stories, now)
			}
		}
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%-20s %-30s %5s %9s\n", "reader", "stories of the topic per day", "total", "lead days")
	for _, r := range readers {
		fmt.Fprintf(&b, "%-20s %-30s %5d %9d\n", r.name, fmt.Sprint(r.counts), sum(r.counts[1:]), r.leadDays)
	}
	t.Logf("top 10 of days %d–%d × %d articles (totals from the second day: the first is before any press)\n%s", from+1, from+days, perDay, b.String())
	down, ctlDown, up, ctlUp := readers[1], readers[0], readers[3], readers[2]
	if sum(down.counts[1:]) >= sum(ctlDown.counts[1:]) || sum(up.counts[1:]) <= sum(ctlUp.counts[1:]) {
		t.Errorf("feedback did not move the topics: 👎 %v vs %v, 👍 %v vs %v", down.counts, ctlDown.counts, up.counts, ctlUp.counts)
	}
	if sum(down.counts[1:]) == 0 {
		t.Errorf("👎 wiped politics out of every digest: %v", down.counts)
	}
	if slices.Max(up.counts) == digest.DefaultMaxStories {
		t.Errorf("👍 economy took over a whole digest: %v", up.counts)
	}
}

// press taps the reader's button when the digest has a row for their topic.
func press(r *reader, sel digest.Selection, stories []digest.Story, now time.Time) {
	for _, f := range digest.FeedbackTargets(sel, 3) {
		if f.Topic != r.topic {
			continue
		}
		i := slices.IndexFunc(stories, func(s digest.Story) bool { return s.ID == f.StoryID })
		r.learned.Apply(now, digest.FeedbackWeights(&stories[i], f.Topic, r.up))
	}
}

func topicOf(s digest.Story) string {
	if len(s.Topics) == 0 {
		return ""
	}
	return s.Topics[0].ID
}

func countTopic(stories []digest.Story, topic string) int {
	n := 0
	for _, s := range stories {
		if topicOf(s) == topic {
			n++
		}
	}
	return n
}

func sum(xs []int) int {
	n := 0
	for _, x := range xs {
		n += x
	}
	return n
}
