package symbex

import (
	"fmt"
	"math"
	"time"

	"github.com/kenlsp/ken/analysis/sema"
	"github.com/kenlsp/ken/analysis/syntax"
)

// checkNanosScaled reports a nanosecond value multiplied by 1000 or more:
// no unit finer than a nanosecond exists for it to become, so the
// conversion runs the wrong way (× 1000000 where ns to ms is / 1000000),
// and the product wraps 64 bits once the value passes 2^64 / k.
func (x *exec) checkNanosScaled(at syntax.Expr, v value, factor syntax.Expr) {
	lit, ok := unparen(factor).(*syntax.IntLit)
	if !x.checks || v.nanos == "" || !ok || lit.Value < 1000 {
		return
	}
	limit := time.Duration(math.MaxUint64 / lit.Value)
	when := fmt.Sprintf("once it passes %s", roughly(limit))
	if v.clock {
		when = fmt.Sprintf("once the %s has run %s", clockOrigin(v.nanos), roughly(limit))
	}
	x.add(Obligation{Code: CodeOverflow, Span: span(at), Verdict: Refuted,
		Claim: fmt.Sprintf("%s × %s fits in 64 bits", literalText(x, at), lit.Raw),
		Counterexample: fmt.Sprintf("%s counts nanoseconds, so multiplying it by %s makes a finer unit than any there is, and the product wraps %s; to convert nanoseconds to a coarser unit divide instead (/ %s)",
			literalText(x, at), lit.Raw, when, lit.Raw),
	})
}

// clockOrigin says what a clock counts from.
func clockOrigin(clock string) string {
	if clock == "elapsed" {
		return "trace"
	}
	return "machine"
}

// checkTruncation reports a cast to 32 bits or fewer of a value that
// always needs more: a timestamp (nsecs passes 2^32 4.3 s after boot), a
// kernel address (they all lie above 0xffff800000000000), or a pid or tid
// cast to 16 bits or fewer (pid_max is up to 4194304).
func (x *exec) checkTruncation(e *syntax.CastExpr, v value, bits uint) {
	if !x.checks || bits > 32 {
		return
	}
	what := literalText(x, e.X)
	var why string
	switch {
	case v.clock:
		why = fmt.Sprintf("%s counts nanoseconds since the %s started and passes 2^%d after %s, so the cast wraps; keep it 64-bit, or divide first to a coarser unit", what, clockOrigin(v.nanos), bits, roughly(time.Duration(uint64(1)<<bits)))
	case x.kernelPointer(e.X):
		why = fmt.Sprintf("%s is a kernel address, and kernel addresses lie above 0xffff800000000000, so the cast keeps only the low %d bits and different objects collide; keep it 64-bit", what, bits)
	case bits <= 16 && isIDRead(e.X):
		why = fmt.Sprintf("%s goes up to pid_max, which is 4194304 on 64-bit kernels, so the cast to %d bits makes different ids collide; use (uint32)", what, bits)
	default:
		return
	}
	x.add(Obligation{Code: CodeTruncation, Span: span(e), Verdict: Refuted,
		Claim: fmt.Sprintf("%s fits in %d bits", what, bits), Counterexample: why})
}

// kernelPointer reports an expression BTF types as a pointer into kernel
// memory.
func (x *exec) kernelPointer(e syntax.Expr) bool {
	t := x.typeOf(e)
	return t != nil && t.Kind == sema.Pointer && fromBTF(t)
}

// isIDRead reports a read of pid or tid.
func isIDRead(e syntax.Expr) bool {
	id, ok := unparen(e).(*syntax.Ident)
	return ok && (id.Name == "pid" || id.Name == "tid")
}

// roughly writes a duration as a person would say it: 4.3 s, 5.1 hours,
// 213 days.
func roughly(d time.Duration) string {
	switch {
	case d >= 48*time.Hour:
		return fmt.Sprintf("%.0f days", d.Hours()/24)
	case d >= time.Hour:
		return fmt.Sprintf("%.1f hours", d.Hours())
	case d >= time.Second:
		return fmt.Sprintf("%.1f s", d.Seconds())
	}
	return fmt.Sprintf("%.1f ms", float64(d)/float64(time.Millisecond))
}

// checkNeverPositive reports hist() or sum() of a value that is never
// above 0 where the call runs, as after a flipped test (args.ret <= 0
// where args.ret > 0 was meant): hist() puts every such value in its
// buckets for 0 and below, and sum() only ever subtracts or adds 0.
func (x *exec) checkNeverPositive(fn string, arg syntax.Expr, v value) {
	// Only signed values: return values and sizes that carry errors. An
	// unsigned one (a latency, a count) is never below 0, and proving it
	// is not always 0 costs a division-heavy query per histogram.
	t := x.typeOf(arg)
	if !x.checks || x.loops > 0 || t == nil || t.Kind != sema.Int || !t.Signed || isConstant(arg) {
		return
	}
	if !x.mentionsTested(arg) || !x.isAlways(v.e.SLE(x.v.z.BVVal(0, 64))) {
		return
	}
	what := literalText(x, arg)
	effect := "puts every value in its buckets for 0 and below; count errors with count(), or pass -" + what
	if fn == "sum" {
		effect = "only ever subtracts or adds 0, though a total of sizes or events is never negative; test for the values meant (> 0)"
	}
	x.add(Obligation{Code: CodeNeverPositive, Span: span(arg), Verdict: Refuted,
		Claim:          fmt.Sprintf("the value %s() takes can be above 0", fn),
		Counterexample: fmt.Sprintf("%s is never above 0 here (the tests on this path say so), so %s() %s", what, fn, effect),
	})
}
