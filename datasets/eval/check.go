package eval

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/kenlsp/ken/analysis/syntax"
)

// Check returns every expectation of e that the program f (parsed from src)
// does not meet, in the order of the fields of Expect and of the groups
// within each; an empty result means the program meets them all. It never
// panics, whatever the tree: a nil f is an empty program.
func (e Expect) Check(f *syntax.File, src []byte) []Miss {
	fs := collect(f, src)
	var misses []Miss
	add := func(kind, format string, args ...any) {
		misses = append(misses, Miss{Kind: kind, Message: fmt.Sprintf(format, args...)})
	}
	for _, g := range e.Probes {
		if !fs.probeMatches(g) {
			add(KindProbes, "no probe matches any of %s", list(g))
		}
	}
	checkAtoms(e.Outputs, fs.closure(fs.outputRoots(), valuesOnly), func(g []string) {
		add(KindOutputs, "nothing the program prints (printf and print arguments, printed maps) involves any of %s", list(g))
	})
	checkAtoms(e.Filters, fs.closure(fs.conds, keysAndValues), func(g []string) {
		add(KindFilters, "no predicate or if condition tests any of %s", list(g))
	})
	checkAtoms(e.Keys, fs.closure(fs.keyRoots(), valuesOnly), func(g []string) {
		add(KindKeys, "no printed map has a key involving any of %s", list(g))
	})
	aggs := fs.aggregations()
	for _, g := range e.Aggregations {
		if !slices.ContainsFunc(g, func(a string) bool { return aggs[a] }) {
			add(KindAggregations, "no map is filled with any of %s", list(g))
		}
	}
	if e.ByteOrder {
		misses = append(misses, fs.checkByteOrder()...)
	}
	if e.Units != "" {
		misses = append(misses, fs.checkUnits(e.Units)...)
	}
	if e.Interval > 0 {
		misses = append(misses, fs.checkInterval(e.Interval)...)
	}
	for _, a := range e.Forbid {
		if k, err := parseAtom(a); err == nil && fs.all[k] {
			add(KindForbid, "the program uses %s, which the prompt rules out", a)
		}
	}
	return misses
}

// checkAtoms calls miss for each group none of whose atoms is in set.
func checkAtoms(groups [][]string, set atomSet, miss func([]string)) {
	for _, g := range groups {
		if !set.hasAny(g) {
			miss(g)
		}
	}
}

// list joins alternatives for a message.
func list(alts []string) string { return strings.Join(alts, ", ") }

// probeMatches reports whether an attach point matches a pattern of g.
func (fs *facts) probeMatches(g []string) bool {
	for _, alt := range g {
		pat, err := normalizePattern(alt)
		if err != nil {
			continue
		}
		for _, p := range fs.probes {
			if slices.ContainsFunc(p.points, func(pt string) bool { return attachMatches(pat, pt) }) {
				return true
			}
		}
	}
	return false
}

// aggregations returns the aggregations that fill some map.
func (fs *facts) aggregations() map[string]bool {
	aggs := map[string]bool{}
	for _, m := range fs.maps {
		for _, a := range m.aggs {
			aggs[a] = true
		}
	}
	return aggs
}

// checkByteOrder reports each printed value, printed map key or condition
// that a network-order field reaches unconverted.
func (fs *facts) checkByteOrder() []Miss {
	r := newRawNet(fs)
	var misses []Miss
	seen := map[string]bool{}
	sinks := append(fs.outputRoots(), fs.conds...)
	for _, s := range sinks {
		field := r.find(s.x, s.scope)
		if field == "" {
			continue
		}
		msg := fmt.Sprintf("%s is in network byte order but reaches %s without ntohs, ntohl, bswap or ntop", field, fs.snippet(s.x))
		if !seen[msg] {
			seen[msg] = true
			misses = append(misses, Miss{Kind: KindByteOrder, Message: msg})
		}
	}
	return misses
}

// checkUnits requires at least one reported time delta and every reported
// delta in unit.
func (fs *facts) checkUnits(unit string) []Miss {
	want := unitDivisors[unit]
	u := newUnitEval(fs)
	found := false
	var misses []Miss
	for _, s := range fs.valueRoots() {
		v, ok := u.eval(s.x, s.scope)
		if !ok || !v.delta {
			continue
		}
		found = true
		if v.div != want {
			misses = append(misses, Miss{Kind: KindUnits, Message: fmt.Sprintf(
				"the time delta in %s is in %s, not %s (divide nanoseconds by %d)", fs.snippet(s.x), unitName(v.div), unit, want)})
		}
	}
	if !found {
		misses = append(misses, Miss{Kind: KindUnits, Message: fmt.Sprintf(
			"no time delta (a difference of nsecs readings) is printed or stored in a printed map, so nothing is reported in %s", unit)})
	}
	return misses
}

// checkInterval requires an interval probe of the period that prints.
func (fs *facts) checkInterval(seconds float64) []Miss {
	want := intervalNanos(seconds)
	var silent, other []string
	for _, p := range fs.probes {
		for i, pt := range p.points {
			ns, ok := intervalPeriod(pt)
			switch {
			case !ok:
			case ns == want && p.prints:
				return nil
			case ns == want:
				silent = append(silent, p.raw[i])
			default:
				other = append(other, p.raw[i])
			}
		}
	}
	if len(silent) > 0 {
		return []Miss{{Kind: KindInterval, Message: fmt.Sprintf("the interval probe %s prints nothing (no print, printf or time call)", list(silent))}}
	}
	msg := fmt.Sprintf("no interval probe fires every %ss", strconv.FormatFloat(seconds, 'g', -1, 64))
	if len(other) > 0 {
		msg += " (found " + list(other) + ")"
	}
	return []Miss{{Kind: KindInterval, Message: msg}}
}

// intervalPeriod returns the period in nanoseconds of a normalised
// interval attach point: interval:UNIT:N (s, ms, us, ns or hz), or
// interval:N with an optional duration suffix (interval:5s).
func intervalPeriod(point string) (int64, bool) {
	parts := strings.Split(point, ":")
	if parts[0] != "interval" {
		return 0, false
	}
	switch len(parts) {
	case 2:
		v, err := syntax.ParseInt(parts[1])
		return int64(v), err == nil && v > 0 && v < 1<<62
	case 3:
		n, err := strconv.ParseUint(parts[2], 10, 62)
		if err != nil || n == 0 {
			return 0, false
		}
		if parts[1] == "hz" {
			return int64(1_000_000_000 / n), true
		}
		mul, ok := unitDivisors[parts[1]]
		if !ok || n > (1<<62)/mul {
			return 0, false
		}
		return int64(n * mul), true
	}
	return 0, false
}

// snippet returns the source text of n on one line, shortened, in
// backquotes; or a description when the text is not available. Pos and End
// of a node built by hand with missing children can dereference nil inside
// package syntax; snippet recovers from that, so that Check never panics.
func (fs *facts) snippet(n syntax.Node) (text string) {
	const unknown = "an output"
	defer func() {
		if recover() != nil {
			text = unknown
		}
	}()
	if isNil(n) {
		return unknown
	}
	start, end := int(n.Pos()), int(n.End())
	if start < 0 || end > len(fs.src) || start >= end {
		return unknown
	}
	runes := []rune(strings.Join(strings.Fields(string(fs.src[start:end])), " "))
	if len(runes) > 60 {
		runes = append(runes[:57], []rune("...")...)
	}
	return "`" + string(runes) + "`"
}
