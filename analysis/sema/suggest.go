package sema

// maxSuggestLen bounds the names ken looks for near misses of: a typo is
// in a name a person typed, and comparing a huge one with tens of
// thousands of kernel functions would stall the editor.
const maxSuggestLen = 128

// closest returns the candidate nearest to name by edit distance, or ""
// when none is close enough to be the likely intent: at most a third of
// the name's length (and at most 5 edits), and at least one edit.
func closest(name string, candidates []string) string {
	if len(name) > maxSuggestLen {
		return ""
	}
	limit := min(5, max(1, len(name)/3))
	best, bestDist := "", limit+1
	for _, cand := range candidates {
		if cand == name || abs(len(cand)-len(name)) > limit {
			continue
		}
		if d := editDistance(name, cand, bestDist); d < bestDist {
			best, bestDist = cand, d
		}
	}
	return best
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}

// editDistance is the Levenshtein distance between a and b, or a value of
// at least limit once it is clear the distance is that large.
func editDistance(a, b string, limit int) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		rowMin := cur[0]
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			rowMin = min(rowMin, cur[j])
		}
		if rowMin >= limit {
			return limit
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
