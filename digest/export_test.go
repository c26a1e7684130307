package digest

// NearDuplicatePairs is nearDuplicatePairs as NearDuplicates reports its
// pairs: (i, j), i < j, ordered by j then i.
func NearDuplicatePairs(stories []Story) [][2]int {
	var out [][2]int
	for j, near := range nearDuplicatePairs(stories) {
		for _, i := range near {
			if int(i) < j {
				out = append(out, [2]int{int(i), j})
			}
		}
	}
	return out
}

// RoundScores is roundScores: topic scores rounded to 1e-9, for comparing
// two engines whose sums may run in another order.
var RoundScores = roundScores
