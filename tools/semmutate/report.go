package main

import (
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// Targets the verifier is held to.
const (
	falseAlarmTarget = 0.02
	p95Target        = 200 * time.Millisecond
	maxTarget        = 2 * time.Second
)

// examples is how many unflagged mutants are listed.
const examples = 10

func (r *results) print(w io.Writer) {
	perFile := "every kept mutant"
	if r.PerFile > 0 {
		perFile = fmt.Sprintf("at most %d mutants per program", r.PerFile)
	}
	fmt.Fprintf(w, "semmutate: %s; kernel %s; dialect %s; seed %d; %s\n", r.Bpftrace, r.Kernel, r.Dialect, r.Seed, perFile)

	verified := r.verified()
	fmt.Fprintf(w, "\nprograms: %d with %q, %d verified", len(r.Originals), okVerdict, len(verified))
	if r.NotOK > 0 {
		fmt.Fprintf(w, " (%d other files skipped)", r.NotOK)
	}
	fmt.Fprintln(w)
	for _, o := range r.Originals {
		if o.Status != statusVerified {
			fmt.Fprintf(w, "  not verified, %s: %s: %s\n", o.Status, o.File, o.Error)
		}
	}

	r.printOperators(w)
	r.printFalseAlarms(w, verified)
	r.printTimes(w, verified)
	r.printUnflagged(w)
}

// verified returns the originals the verifier ran on.
func (r *results) verified() []original {
	var out []original
	for _, o := range r.Originals {
		if o.Status == statusVerified {
			out = append(out, o)
		}
	}
	return out
}

func (r *results) printOperators(w io.Writer) {
	fmt.Fprintf(w, "\nmutants per operator (kept = ken accepts and bpftrace compiles; score = flagged / kept):\n")
	fmt.Fprintf(w, "  %-18s %10s %6s %8s %8s %5s %8s %7s\n", "operator", "candidates", "tried", "ken-rej", "bpf-rej", "kept", "flagged", "score")
	total := opStats{Operator: "all", ByCode: map[string]int{}}
	for _, s := range r.Operators {
		fmt.Fprintf(w, "  %-18s %10d %6d %8d %8d %5d %8d %7s\n", s.Operator, s.Candidates, s.Tried, s.KenRejected, s.BpftraceRejected, s.Kept, s.Flagged, percent(s.Flagged, s.Kept))
		total.Candidates += s.Candidates
		total.Tried += s.Tried
		total.KenRejected += s.KenRejected
		total.BpftraceRejected += s.BpftraceRejected
		total.Kept += s.Kept
		total.Flagged += s.Flagged
		for code, n := range s.ByCode {
			total.ByCode[code] += n
		}
	}
	s := total
	fmt.Fprintf(w, "  %-18s %10d %6d %8d %8d %5d %8d %7s\n", s.Operator, s.Candidates, s.Tried, s.KenRejected, s.BpftraceRejected, s.Kept, s.Flagged, percent(s.Flagged, s.Kept))
	codes := make([]string, 0, len(total.ByCode))
	for code := range total.ByCode {
		codes = append(codes, code)
	}
	slices.Sort(codes)
	var parts []string
	for _, code := range codes {
		parts = append(parts, fmt.Sprintf("%s %d", code, total.ByCode[code]))
	}
	if len(parts) > 0 {
		fmt.Fprintf(w, "  flagged mutants by the code of a new finding: %s\n", strings.Join(parts, ", "))
	}
}

func (r *results) printFalseAlarms(w io.Writer, verified []original) {
	var refuted, unknown []original
	for _, o := range verified {
		if len(o.Refuted) > 0 {
			refuted = append(refuted, o)
		}
		if len(o.Unknown) > 0 {
			unknown = append(unknown, o)
		}
	}
	share := 0.0
	if len(verified) > 0 {
		share = float64(len(refuted)) / float64(len(verified))
	}
	fmt.Fprintf(w, "\nfalse alarms: %d of %d original programs (%s) have a refuted obligation (target <= %.0f%%: %s)\n",
		len(refuted), len(verified), percent(len(refuted), len(verified)), falseAlarmTarget*100, met(share <= falseAlarmTarget))
	listObligations(w, refuted, func(o original) []obligation { return o.Refuted })
	fmt.Fprintf(w, "unknown obligations: %d of %d original programs\n", len(unknown), len(verified))
	listObligations(w, unknown, func(o original) []obligation { return o.Unknown })
}

func listObligations(w io.Writer, progs []original, get func(original) []obligation) {
	for _, o := range progs {
		for _, ob := range get(o) {
			fmt.Fprintf(w, "  %s:%d:%d: %s: %s", o.File, ob.Line, ob.Column, ob.Code, ob.Claim)
			if ob.Counterexample != "" {
				fmt.Fprintf(w, ": %s", ob.Counterexample)
			}
			fmt.Fprintln(w)
		}
	}
}

func (r *results) printTimes(w io.Writer, verified []original) {
	var orig, mut []time.Duration
	for _, o := range verified {
		orig = append(orig, o.Elapsed)
	}
	for _, m := range r.Mutants {
		mut = append(mut, m.Elapsed)
	}
	q := quantiles(orig)
	fmt.Fprintf(w, "\nverification time per original program (median of %d runs; first verification of the run, not counted: %s):\n", r.Runs, round(r.WarmUp))
	fmt.Fprintf(w, "  %s over %d programs (targets p95 < %s: %s; none > %s: %s)\n",
		q, len(orig), p95Target, met(q.p95 < p95Target), maxTarget, met(q.max <= maxTarget))
	if len(mut) > 0 {
		fmt.Fprintf(w, "verification time per kept mutant (one run): %s over %d mutants\n", quantiles(mut), len(mut))
	}
}

// printUnflagged lists unflagged mutants, taking the operators in turn
// so that the examples show each kind, and within an operator a choice
// drawn with the run's seed so that they come from across the corpus.
func (r *results) printUnflagged(w io.Writer) {
	byOp := map[string][]mutantResult{}
	total := 0
	for _, m := range r.Mutants {
		if !m.Flagged {
			byOp[m.Operator] = append(byOp[m.Operator], m)
			total++
		}
	}
	rng := rand.New(rand.NewPCG(r.Seed, 0))
	for _, op := range operators {
		ms := byOp[op.name]
		rng.Shuffle(len(ms), func(i, j int) { ms[i], ms[j] = ms[j], ms[i] })
	}
	fmt.Fprintf(w, "\n%d unflagged mutants; %d examples (each is equivalent to its original, or a mistake the verifier misses):\n", total, min(examples, total))
	shown := 0
	for i := 0; shown < min(examples, total); i++ {
		for _, op := range operators {
			ms := byOp[op.name]
			if i >= len(ms) || shown == examples {
				continue
			}
			m := ms[i]
			fmt.Fprintf(w, "  %s:%d %s: %s\n      - %s\n      + %s\n", filepath.Base(m.File), m.Line, m.Operator, m.Change, m.Before, m.After)
			shown++
		}
	}
}

// summary is the p50, p95 and maximum of a set of durations.
type summary struct{ p50, p95, max time.Duration }

func (s summary) String() string {
	return fmt.Sprintf("p50 %s, p95 %s, max %s", round(s.p50), round(s.p95), round(s.max))
}

// quantiles returns the nearest-rank quantiles of ds.
func quantiles(ds []time.Duration) summary {
	if len(ds) == 0 {
		return summary{}
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	rank := func(q float64) time.Duration {
		i := int(math.Ceil(q*float64(len(s)))) - 1
		return s[max(0, min(i, len(s)-1))]
	}
	return summary{p50: rank(0.50), p95: rank(0.95), max: s[len(s)-1]}
}

func round(d time.Duration) time.Duration {
	switch {
	case d >= time.Second:
		return d.Round(10 * time.Millisecond)
	case d >= time.Millisecond:
		return d.Round(10 * time.Microsecond)
	}
	return d.Round(time.Microsecond)
}

func percent(n, of int) string {
	if of == 0 {
		return "-"
	}
	return fmt.Sprintf("%.1f%%", 100*float64(n)/float64(of))
}

func met(ok bool) string {
	if ok {
		return "met"
	}
	return "NOT met"
}
