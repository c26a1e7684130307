package eval

import (
	"fmt"
	"io"

	"newsdigest/digest"
)

// ClusterStats describes how the engine grouped a data set into stories.
// The data sets have no story labels; the one ground truth they hold is
// records with identical bodies (the same report filed twice), which must
// end up in one story, and their categories, which a merged story should
// mostly share.
type ClusterStats struct {
	Articles, Stories, Merged, Largest int
	DupPairs, DupPairsMerged           int // pairs of records with identical non-empty text
	MergedPairs, MixedPairs            int // article pairs in one story / of those with different categories
}

// Cluster runs the engine's clustering on records and measures it.
func Cluster(eng *digest.Engine, recs []Record) ClusterStats {
	arts := make([]digest.Article, len(recs))
	category := map[string]string{} // record ID → category, all mixedPairs needs
	for i, r := range recs {
		arts[i] = Article(r)
		category[r.ID] = r.Category
	}
	st := ClusterStats{Articles: len(recs)}
	storyOf := map[string]string{}
	for _, s := range eng.Stories(arts) {
		st.Stories++
		if n := len(s.Articles); n > 1 {
			st.Merged++
			st.Largest = max(st.Largest, n)
			st.MergedPairs += n * (n - 1) / 2
			st.MixedPairs += mixedPairs(s.Articles, category)
		}
		for _, id := range s.Articles {
			storyOf[id] = s.ID
		}
	}
	st.countDuplicates(recs, storyOf)
	return st
}

func mixedPairs(ids []string, category map[string]string) int {
	n := 0
	for i := range ids {
		for j := i + 1; j < len(ids); j++ {
			if category[ids[i]] != category[ids[j]] {
				n++
			}
		}
	}
	return n
}

func (st *ClusterStats) countDuplicates(recs []Record, storyOf map[string]string) {
	groups := map[string][]string{}
	for _, r := range recs {
		if key := collapseSpace(r.Text); key != "" {
			groups[key] = append(groups[key], r.ID)
		}
	}
	for _, ids := range groups {
		for i := range ids {
			for j := i + 1; j < len(ids); j++ {
				st.DupPairs++
				if storyOf[ids[i]] == storyOf[ids[j]] {
					st.DupPairsMerged++
				}
			}
		}
	}
}

func (st ClusterStats) write(w io.Writer) {
	fmt.Fprintf(w, "\nClustering (all %d records, default 48 h window): %d stories, %d with several articles (largest %d)\n",
		st.Articles, st.Stories, st.Merged, st.Largest)
	if st.DupPairs > 0 {
		fmt.Fprintf(w, "  identical-text pairs merged: %d/%d (%.1f%%)\n", st.DupPairsMerged, st.DupPairs, pct(st.DupPairsMerged, st.DupPairs))
	}
	if st.MergedPairs > 0 {
		fmt.Fprintf(w, "  merged pairs with different categories: %d/%d (%.1f%%)\n", st.MixedPairs, st.MergedPairs, pct(st.MixedPairs, st.MergedPairs))
	}
}

func pct(a, b int) float64 { return 100 * float64(a) / float64(b) }
