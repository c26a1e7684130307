package eval

import (
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
)

// Ceiling is what leave-one-outlet-out can reach at best in one language:
// a topic that only one outlet labels has no training article in the fold
// that tests that outlet, so no classifier can predict it there and its F1
// in the pooled figures is 0 however good the model is. The other topics
// are counted as perfect, so the bound is the share of gold topics that at
// least two outlets label (MacroF1 averages over gold topics).
type Ceiling struct {
	OneOutlet map[string]string // gold topic → the only outlet labelling it
	Unfolded  float64           // macro-F1 bound, topics as they are
	Folded    float64           // with world and middle-east as one class
}

// topicCeiling computes the Ceiling of one language's documents.
func topicCeiling(docs []TopicDoc) Ceiling {
	unfolded := outletSets(docs, func(topic string) string { return topic })
	c := Ceiling{OneOutlet: map[string]string{}, Unfolded: learnableShare(unfolded),
		Folded: learnableShare(outletSets(docs, fold))}
	for topic, outs := range unfolded {
		if len(outs) == 1 {
			c.OneOutlet[topic] = slices.Collect(maps.Keys(outs))[0]
		}
	}
	return c
}

// outletSets maps each class (class of the gold topic) to the outlets
// that label it.
func outletSets(docs []TopicDoc, class func(topic string) string) map[string]map[string]bool {
	out := map[string]map[string]bool{}
	for _, d := range docs {
		k := class(d.Topic)
		if out[k] == nil {
			out[k] = map[string]bool{}
		}
		out[k][d.Outlet] = true
	}
	return out
}

// learnableShare is the share of topics that two or more outlets label.
func learnableShare(outletsOf map[string]map[string]bool) float64 {
	if len(outletsOf) == 0 {
		return 0
	}
	n := 0
	for _, outs := range outletsOf {
		if len(outs) >= 2 {
			n++
		}
	}
	return float64(n) / float64(len(outletsOf))
}

// write prints the ceiling line under the pooled figures.
func (c Ceiling) write(w io.Writer, lang string) {
	var alone []string
	for _, t := range slices.Sorted(maps.Keys(c.OneOutlet)) {
		alone = append(alone, fmt.Sprintf("%s (%s)", t, c.OneOutlet[t]))
	}
	which := "none"
	if len(alone) > 0 {
		which = strings.Join(alone, ", ")
	}
	fmt.Fprintf(w, "  ceiling (%s): topics only one outlet labels, so no fold trains on them: %s; macro-F1 at most %.4f unfolded, %.4f folded\n",
		lang, which, c.Unfolded, c.Folded)
}
