package eval

import (
	"errors"
	"fmt"
	"math"
	"regexp"
	"slices"
	"strings"
)

var (
	slugPattern  = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)
	identPattern = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)
)

// aggregationNames are the functions an "aggregations" atom may name.
var aggregationNames = []string{"count", "sum", "avg", "min", "max", "stats", "hist", "lhist"}

// unitDivisors maps each unit of Expect.Units to what nanoseconds are
// divided by to get it.
var unitDivisors = map[string]uint64{"ns": 1, "us": 1_000, "ms": 1_000_000, "s": 1_000_000_000}

// validate reports the first problem of a prompt.
func (p Prompt) validate() error {
	switch {
	case !slugPattern.MatchString(p.ID):
		return fmt.Errorf("id %q is not a slug (lowercase letters and digits joined by '-')", p.ID)
	case strings.TrimSpace(p.Prompt) == "":
		return errors.New("empty prompt")
	case !slices.Contains(Categories, p.Category):
		return fmt.Errorf("category %q is not one of %s", p.Category, strings.Join(Categories, ", "))
	}
	return p.Expect.validate()
}

// validate reports the first malformed expectation, or that there is none.
func (e Expect) validate() error {
	if len(e.Kinds()) == 0 {
		return errors.New("expect is empty")
	}
	groups := []struct {
		kind  string
		gs    [][]string
		check func(string) error
	}{
		{KindProbes, e.Probes, checkPattern},
		{KindOutputs, e.Outputs, checkAtom},
		{KindFilters, e.Filters, checkAtom},
		{KindKeys, e.Keys, checkAtom},
		{KindAggregations, e.Aggregations, checkAggregation},
	}
	for _, g := range groups {
		if err := checkGroups(g.gs, g.check); err != nil {
			return fmt.Errorf("%s: %v", g.kind, err)
		}
	}
	if _, ok := unitDivisors[e.Units]; e.Units != "" && !ok {
		return fmt.Errorf("units: %q is not one of ns, us, ms, s", e.Units)
	}
	if e.Interval < 0 || math.IsInf(e.Interval, 0) || math.IsNaN(e.Interval) || (e.Interval > 0 && intervalNanos(e.Interval) == 0) {
		return fmt.Errorf("interval: %v is not a period in seconds", e.Interval)
	}
	for _, a := range e.Forbid {
		if err := checkAtom(a); err != nil {
			return fmt.Errorf("forbid: %v", err)
		}
	}
	return nil
}

// checkGroups checks that every group has alternatives and each is valid.
func checkGroups(gs [][]string, check func(string) error) error {
	for i, g := range gs {
		if len(g) == 0 {
			return fmt.Errorf("group %d is empty", i+1)
		}
		for _, alt := range g {
			if err := check(alt); err != nil {
				return fmt.Errorf("group %d: %v", i+1, err)
			}
		}
	}
	return nil
}

// checkAggregation accepts the name of an aggregation function.
func checkAggregation(s string) error {
	if !slices.Contains(aggregationNames, s) {
		return fmt.Errorf("%q is not one of %s", s, strings.Join(aggregationNames, ", "))
	}
	return nil
}

// checkAtom accepts an identifier, a quoted string or an integer literal.
func checkAtom(s string) error {
	_, err := parseAtom(s)
	return err
}

// checkPattern accepts an attach-point pattern: a known provider, then
// colon-separated parts in which '*' is a wildcard.
func checkPattern(s string) error {
	_, err := normalizePattern(s)
	return err
}

// intervalNanos converts a period in seconds to nanoseconds, 0 when it is
// not a positive whole number of nanoseconds that fits.
func intervalNanos(seconds float64) int64 {
	ns := seconds * 1e9
	if !(ns >= 1) || ns > math.MaxInt64/2 || ns != math.Round(ns) {
		return 0
	}
	return int64(ns)
}
