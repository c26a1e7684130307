package eval

import (
	"fmt"
	"io"
	"sort"
	"strings"
)

// Confusion counts (gold, predicted) pairs of a single-label classifier.
type Confusion struct {
	counts map[[2]string]int
	labels map[string]bool
}

// NewConfusion returns an empty matrix.
func NewConfusion() *Confusion {
	return &Confusion{counts: map[[2]string]int{}, labels: map[string]bool{}}
}

// Add records one prediction.
func (c *Confusion) Add(gold, pred string) {
	c.counts[[2]string{gold, pred}]++
	c.labels[gold] = true
	c.labels[pred] = true
}

// Labels returns every label seen, sorted.
func (c *Confusion) Labels() []string {
	out := make([]string, 0, len(c.labels))
	for l := range c.labels {
		out = append(out, l)
	}
	sort.Strings(out)
	return out
}

// Total is the number of predictions recorded.
func (c *Confusion) Total() int {
	n := 0
	for _, v := range c.counts {
		n += v
	}
	return n
}

// Accuracy is the share of predictions equal to the gold label.
func (c *Confusion) Accuracy() float64 {
	ok := 0
	for k, v := range c.counts {
		if k[0] == k[1] {
			ok += v
		}
	}
	if t := c.Total(); t > 0 {
		return float64(ok) / float64(t)
	}
	return 0
}

// F1 returns the F1 of one label (0 when it was never gold nor predicted correctly).
func (c *Confusion) F1(label string) float64 {
	var tp, fp, fn int
	for k, v := range c.counts {
		switch {
		case k[0] == label && k[1] == label:
			tp += v
		case k[1] == label:
			fp += v
		case k[0] == label:
			fn += v
		}
	}
	return prf(tp, tp+fp, tp+fn).F
}

// MacroF1 averages F1 over the gold labels (labels only ever predicted, never
// gold, count as false positives of the others but are not averaged).
func (c *Confusion) MacroF1() float64 {
	gold := map[string]bool{}
	for k := range c.counts {
		gold[k[0]] = true
	}
	if len(gold) == 0 {
		return 0
	}
	var sum float64
	for l := range gold {
		sum += c.F1(l)
	}
	return sum / float64(len(gold))
}

// Write prints the matrix: one row per gold label, one column per predicted.
func (c *Confusion) Write(w io.Writer) {
	labels := c.Labels()
	width := 6
	for _, l := range labels {
		width = max(width, len(l))
	}
	fmt.Fprintf(w, "%-*s", width+2, "gold\\pred")
	for _, l := range labels {
		fmt.Fprintf(w, " %*s", width, l)
	}
	fmt.Fprintf(w, " %*s\n", width, "F1")
	for _, g := range labels {
		if !c.isGold(g) {
			continue
		}
		fmt.Fprintf(w, "%-*s", width+2, g)
		for _, p := range labels {
			fmt.Fprintf(w, " %*d", width, c.counts[[2]string{g, p}])
		}
		fmt.Fprintf(w, " %*.3f\n", width, c.F1(g))
	}
	fmt.Fprintln(w, strings.Repeat("-", (width+1)*(len(labels)+2)+1))
}

func (c *Confusion) isGold(l string) bool {
	for k := range c.counts {
		if k[0] == l {
			return true
		}
	}
	return false
}
