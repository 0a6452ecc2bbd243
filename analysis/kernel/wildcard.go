package kernel

import (
	"slices"
	"sort"
	"strings"
)

// HasWildcard reports whether pattern contains a wildcard character.
func HasWildcard(pattern string) bool {
	return strings.ContainsAny(pattern, "*?")
}

// MatchWildcard reports whether name matches pattern as bpftrace matches
// attach points: "*" matches any run of characters, possibly empty, and
// every other character matches itself. "?" matches exactly one character;
// bpftrace itself has no such wildcard, and "?" never occurs in kernel
// symbol names, so accepting it costs nothing.
func MatchWildcard(pattern, name string) bool {
	// Greedy matching that remembers only the last "*": on a mismatch the
	// star absorbs one more character. Each "*" splits the pattern into
	// pieces that must match in order, so backtracking to the last star is
	// enough and the cost is at most len(pattern)*len(name).
	p, n := 0, 0
	star, mark := -1, 0
	for n < len(name) {
		switch {
		case p < len(pattern) && pattern[p] == '*':
			star, mark = p, n
			p++
		case p < len(pattern) && (pattern[p] == '?' || pattern[p] == name[n]):
			p++
			n++
		case star >= 0:
			mark++
			p, n = star+1, mark
		default:
			return false
		}
	}
	for p < len(pattern) && pattern[p] == '*' {
		p++
	}
	return p == len(pattern)
}

// literalPrefix returns the part of pattern before its first wildcard.
func literalPrefix(pattern string) string {
	if i := strings.IndexAny(pattern, "*?"); i >= 0 {
		return pattern[:i]
	}
	return pattern
}

// matchSorted returns the names of the sorted slice names that match
// pattern, at most limit of them (limit <= 0: all). Only the range of names
// that start with the pattern's literal prefix is examined. When every name
// in that range matches (the pattern is "prefix*"), the result shares
// names' backing array, capped so that appending to it copies.
func matchSorted(names []string, pattern string, limit int) []string {
	prefix := literalPrefix(pattern)
	lo, _ := slices.BinarySearch(names, prefix)
	hi := lo + sort.Search(len(names)-lo, func(i int) bool {
		return !strings.HasPrefix(names[lo+i], prefix)
	})
	if lo == hi {
		return nil
	}
	if !HasWildcard(pattern) {
		if names[lo] == pattern {
			return names[lo : lo+1 : lo+1]
		}
		return nil
	}
	if pattern == prefix+"*" {
		if limit > 0 && hi-lo > limit {
			hi = lo + limit
		}
		return names[lo:hi:hi]
	}
	var out []string
	for _, name := range names[lo:hi] {
		if MatchWildcard(pattern, name) {
			out = append(out, name)
			if len(out) == limit {
				break
			}
		}
	}
	return out
}
