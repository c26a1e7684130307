package digest_test

import (
	"context"
	"testing"

	"newsdigest/eval"
	"newsdigest/internal/shareddata"
)

// TestBriefingOnRealDays: the morning digest of each day of two dated
// outlet sets (Arabic, six Saudi outlets; English, Ahram Online), for a
// subscriber with all topics: every 10-story digest fits one phone screen
// (eval.PhoneChars visible characters, eval.PhoneLines lines), none opens
// with a sport or service piece, and none puts a one-story section first.
func TestBriefingOnRealDays(t *testing.T) {
	shareddata.Path(t, "news-multi-outlet", "ar", "saudinewsnet2015.jsonl")
	rep, err := eval.EvaluateBriefing(context.Background(), shareddata.Dir(t), []string{"ar/saudinewsnet2015.jsonl", "en/newscred2013.jsonl"})
	if err != nil {
		t.Fatal(err)
	}
	for name, split := range map[string]eval.BriefingSplit{"tuning": rep.Tune, "held-out": rep.HeldOut} {
		v := split.Shipped
		if v.Full == 0 || v.FitsPhone != v.Full {
			t.Errorf("%s days: %d of %d ten-story digests fit a phone screen (chars %v, lines %v)", name, v.FitsPhone, v.Full, v.Chars, v.Lines)
		}
		if v.SportLeadTopic+v.SportLeadDesk+v.ServiceLead > 0 {
			t.Errorf("%s days: light leads: %v", name, v.LeadExamples)
		}
		if v.OneItemFirst > 0 {
			t.Errorf("%s days: %d digests open their sections with a one-story section", name, v.OneItemFirst)
		}
	}
	if n := rep.Tune.Baseline.SportLeadDesk + rep.HeldOut.Baseline.SportLeadDesk; n == 0 {
		t.Errorf("the previous ranking led no day with sport either: the check above could not fail")
	}
}
