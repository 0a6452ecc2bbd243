package symbex

import (
	"fmt"
	"math/bits"
	"strings"

	"github.com/kenlsp/ken/analysis/diag"
	"github.com/kenlsp/ken/analysis/sema"
	"github.com/kenlsp/ken/analysis/source"
	"github.com/kenlsp/ken/analysis/syntax"
	"github.com/kenlsp/ken/symbex/z3"
)

// exampleHost is the host-order value counterexamples use: a port for
// 16-bit fields, 10.0.0.1 for 32-bit ones.
func exampleHost(bitsWide uint) uint64 {
	switch bitsWide {
	case 16:
		return 80
	case 32:
		return 0x0a000001
	}
	return 0x0102030405060708
}

// swapBytes reverses the low n bits' bytes of v.
func swapBytes(v uint64, n uint) uint64 {
	return bits.ReverseBytes64(v) >> (64 - n)
}

// byteOrder checks a value used where host order is meant (printed, a map
// key, compared with a number). Proved when it equals the field converted
// to host order; refuted when it is the raw network-order field; no claim
// for other values derived from the field.
func (x *exec) byteOrder(at syntax.Node, v value, use string) {
	x.checkHandSwapped(at, v, use)
	n := v.net
	if n == nil || n.bits%8 != 0 || n.bits < 16 {
		return
	}
	claim := fmt.Sprintf("%s is %s in host byte order", n.name, use)
	host := widen(byteSwap(n.raw, n.bits), n.bits, false)
	verdict, _ := x.check(v.e.Eq(host))
	if verdict == Proved {
		x.add(Obligation{Code: CodeByteOrder, Span: span(at), Claim: claim, Verdict: Proved})
		return
	}
	if raw, _ := x.check(v.e.Eq(widen(n.raw, n.bits, false))); raw != Proved {
		return // derived some other way: ken makes no claim
	}
	h := exampleHost(n.bits)
	x.add(Obligation{
		Code: CodeByteOrder, Span: span(at), Claim: claim,
		Verdict: Refuted, Fixes: x.swapFix(at, n),
		Counterexample: fmt.Sprintf("%s is in network byte order: when %s = %#x (%d in host order), the value %s is %d; convert it with bswap(), or ntop() for an address",
			n.name, n.name, swapBytes(h, n.bits), h, use, swapBytes(h, n.bits)),
	})
}

// checkAddressOrder reports ntop() of a kernel member that BTF types as
// a host-order integer: ntop() prints the bytes as they lie in memory, so
// it shows an address only for network-order values (__be32 skc_daddr),
// never for host-order ones such as skc_hash.
func (x *exec) checkAddressOrder(at syntax.Expr, v value) {
	h := v.host
	if !x.checks || h == nil || h.bits != 32 || !x.isMember(v) {
		return
	}
	const host = 0x0a000001 // 10.0.0.1
	x.add(Obligation{Code: CodeByteOrder, Span: span(at), Verdict: Refuted,
		Claim: "the address ntop() prints is in network byte order",
		Counterexample: fmt.Sprintf("%s is a host-order %s, not an address (those are __be32): when %s = %#x, ntop() prints %s, not 10.0.0.1",
			h.name, h.ctype, h.name, host, dottedQuad(host)),
	})
}

// dottedQuad is how ntop() prints a 32-bit value stored little-endian.
func dottedQuad(v uint32) string {
	return fmt.Sprintf("%d.%d.%d.%d", v&0xff, v>>8&0xff, v>>16&0xff, v>>24)
}

// checkSwappedOrder reports bswap() of a kernel member that BTF types as
// a host-order integer: the swap turns a right value into a wrong one
// (bswap(skc_num), where skc_dport was meant to be swapped).
func (x *exec) checkSwappedOrder(at syntax.Expr, v value) {
	h := v.host
	if !x.checks || h == nil || h.bits > 32 || !x.isMember(v) {
		return
	}
	example := exampleHost(h.bits)
	x.add(Obligation{Code: CodeByteOrder, Span: span(at), Verdict: Refuted,
		Claim: "the value bswap() swaps is in network byte order",
		Counterexample: fmt.Sprintf("%s is a host-order %s (network-order members are __be16 or __be32): when %s = %d, bswap() gives %d; use it as it is",
			h.name, h.ctype, h.name, example, swapBytes(example, h.bits)),
	})
}

// isMember reports whether v is its host-order member as read, not a
// value computed from it.
func (x *exec) isMember(v value) bool {
	verdict, _ := x.check(v.e.Eq(v.host.read))
	return verdict == Proved
}

// checkHandSwapped reports a host-order member whose bytes were swapped
// by hand, (p >> 8) | ((p << 8) & 0xff00), where the network-order member
// next to it was meant (skc_num for skc_dport).
func (x *exec) checkHandSwapped(at syntax.Node, v value, use string) {
	h := v.host
	if !x.checks || h == nil || h.bits%8 != 0 || h.bits > 32 {
		return
	}
	if verdict, _ := x.check(v.e.Eq(widen(byteSwap(h.raw, h.bits), h.bits, false))); verdict != Proved {
		return
	}
	example := exampleHost(h.bits)
	x.add(Obligation{Code: CodeByteOrder, Span: span(at), Verdict: Refuted,
		Claim: fmt.Sprintf("the value %s is in host byte order", use),
		Counterexample: fmt.Sprintf("it is %s with its bytes swapped, and %s is a host-order %s already (network-order members are __be16 or __be32): when %s = %d, the value %s is %d",
			h.name, h.name, h.ctype, h.name, example, use, swapBytes(example, h.bits)),
	})
}

// swapFix wraps a raw 16-bit network-order value in bswap(). A 32-bit
// one is usually an address, for ntop(), which changes the format too:
// ken leaves that to the person.
func (x *exec) swapFix(at syntax.Node, n *netField) []diag.Fix {
	if n.bits != 16 {
		return nil
	}
	return []diag.Fix{{Title: "Convert to host order with bswap()", Edits: []diag.Edit{
		{Span: source.Span{Start: int(at.Pos()), End: int(at.Pos())}, NewText: "bswap("},
		{Span: source.Span{Start: int(at.End()), End: int(at.End())}, NewText: ")"},
	}}}
}

// guardFix adds a test to the probe's predicate: /GUARD/ where there is
// none, /(OLD) && GUARD/ where there is one.
func (x *exec) guardFix(guard string) []diag.Fix {
	d := x.probe.Decl
	if d.Body == nil || guard == "" {
		return nil
	}
	title := "Guard the probe with /" + guard + "/"
	if d.Predicate == nil {
		// On its own line before a brace that has its own line, as
		// bpftrace's tools write predicates; else before the brace.
		at := int(d.Body.Lbrace)
		text := x.v.res.File.Text
		sep := " "
		if at > 0 && text[at-1] == '\n' {
			sep = "\n"
		}
		return []diag.Fix{{Title: title, Edits: []diag.Edit{{Span: source.Span{Start: at, End: at}, NewText: "/" + guard + "/" + sep}}}}
	}
	start, end := int(d.Predicate.Pos()), int(d.Predicate.End())
	return []diag.Fix{{Title: title, Edits: []diag.Edit{
		{Span: source.Span{Start: start, End: start}, NewText: "("},
		{Span: source.Span{Start: end, End: end}, NewText: ") && " + guard},
	}}}
}

// printfSink checks the arguments of printf-like calls.
func (x *exec) printfSink(e *syntax.CallExpr) {
	for i, a := range e.Args {
		v := x.eval(a)
		if i > 0 {
			x.byteOrder(a, v, "printed")
			x.checkPrintedEntry(a)
		}
	}
}

// checkPrintedEntry reports a printed element (directly, or through str,
// ntop or a cast) that the paired entry probe stores and this probe
// deletes, when the entry may not have run for this call: then the
// element is absent and 0 (an empty string, 0.0.0.0) is printed.
func (x *exec) checkPrintedEntry(arg syntax.Expr) {
	m, ok := printedElement(arg)
	if !ok || !x.checks || x.entry == nil || len(x.entry.stored[m.Name]) == 0 || x.entry.inexact[m.Name] {
		return
	}
	x.checks = false
	v := x.eval(m)
	x.checks = true
	if v.fromMap == "" || !x.startMayBeMissing(v) {
		return
	}
	x.add(Obligation{Code: CodeEntryMissing, Span: span(m), Verdict: Refuted,
		Claim: fmt.Sprintf("%s holds what the entry probe stored for this call", m.Name),
		Counterexample: fmt.Sprintf("when the entry probe did not run for this call (attached mid-call, or its predicate failed), %s is absent and 0 is printed; guard the probe with /%s/",
			m.Name, literalText(x, m)),
		Related: []diag.Related{{Span: span(x.entry.stored[m.Name][0].at), Message: "where the entry probe stores it"}},
		Fixes:   x.guardFix(literalText(x, m)),
	})
}

// printedElement finds the map element an argument prints, looking
// through str(), ntop(), casts and parentheses.
func printedElement(e syntax.Expr) (*syntax.MapExpr, bool) {
	for {
		switch x := e.(type) {
		case *syntax.MapExpr:
			return x, len(x.Keys) > 0
		case *syntax.ParenExpr:
			e = x.X
		case *syntax.CastExpr:
			e = x.X
		case *syntax.CallExpr:
			if (x.Fun.Name != "str" && x.Fun.Name != "ntop") || len(x.Args) == 0 {
				return nil, false
			}
			e = x.Args[len(x.Args)-1]
			if x.Fun.Name == "str" {
				e = x.Args[0]
			}
		default:
			return nil, false
		}
	}
}

// checkComparedOrder checks a network-order value compared with a number
// literal, which is written in host order.
func (x *exec) checkComparedOrder(e *syntax.BinaryExpr, a, b value) {
	if isNumber(e.Y) {
		x.byteOrder(e.X, a, "compared with "+literalText(x, e.Y))
	} else if isNumber(e.X) {
		x.byteOrder(e.Y, b, "compared with "+literalText(x, e.X))
	}
}

func isNumber(e syntax.Expr) bool {
	_, ok := unparen(e).(*syntax.IntLit)
	return ok
}

func literalText(x *exec, e syntax.Expr) string {
	return string(x.v.res.File.Text[e.Pos():e.End()])
}

func unparen(e syntax.Expr) syntax.Expr {
	for {
		p, ok := e.(*syntax.ParenExpr)
		if !ok {
			return e
		}
		e = p.X
	}
}

// storedKey is one key a probe stored a map element under.
type storedKey struct {
	key value
	at  *syntax.MapExpr
}

// checkEntryKey checks, in a return probe, a read or delete of a map its
// entry probe stores: it must use the key the entry stored under, or it
// reads another thread's element (pid for tid is the classic slip), or
// deletes another thread's element and leaves this one behind for ever.
func (x *exec) checkEntryKey(m *syntax.MapExpr, key value, use string) {
	if !x.checks || x.entry == nil || len(x.entry.stored[m.Name]) == 0 || x.entry.inexact[m.Name] {
		return
	}
	z := x.v.z
	var same []z3.Expr
	syms := append([]*symbol{}, key.syms...)
	for _, k := range x.entry.stored[m.Name] {
		same = append(same, key.e.Eq(k.key.e))
	}
	verdict, model := x.check(z.Implies(x.entryRan, z.Or(same...)))
	if verdict != Refuted {
		return
	}
	first := x.entry.stored[m.Name][0]
	for _, k := range x.entry.stored[m.Name] {
		syms = append(syms, k.key.syms...)
	}
	consequence := "this reads another thread's element (or nothing)"
	if use == "deleted" {
		consequence = "this deletes another thread's element and leaves the one the entry stored in the map for good"
	}
	x.add(Obligation{Code: CodeEntryKey, Span: span(m), Verdict: Refuted,
		Claim:          fmt.Sprintf("%s is %s under the key the entry probe stored it under", m.Name, use),
		Counterexample: fmt.Sprintf("when %s the keys differ, so %s", x.describeModel(model, syms), consequence),
		Related:        []diag.Related{{Span: span(first.at), Message: "where the entry probe stores it"}},
	})
}

// checkClockDelta checks nsecs - @start[key] in a return probe whose entry
// probe stored the start: the start must exist (the probe is guarded
// against calls whose entry it missed) and be this thread's, so that the
// delta cannot wrap. Elsewhere ken knows nothing of who stored the start
// and makes no claim.
func (x *exec) checkClockDelta(at, start syntax.Expr, a, b value) {
	if !a.clock || b.fromMap == "" {
		return
	}
	if x.entry == nil || !x.entry.written[b.fromMap] {
		x.checkUnpairedStart(at, start, b)
		return
	}
	if x.startMayBeMissing(b) {
		x.add(Obligation{Code: CodeClockWrap, Span: span(at), Verdict: Refuted,
			Claim:          fmt.Sprintf("the start read from %s exists", b.fromMap),
			Counterexample: fmt.Sprintf("when the entry probe did not run for this call (attached mid-call, or its predicate failed), %s is 0 and the difference is the time since boot; guard the probe with %s", b.fromMap, x.startGuard(start, b)),
			Related:        x.entryRelated(), Fixes: x.guardFix(x.startGuardExpr(start, b))})
		return
	}
	// Stale starts of earlier calls are from the past too: only a start
	// stored by this call's entry under another key can be in the future.
	verdict, model := x.check(x.v.z.Implies(x.entryRan, a.e.UGE(b.e)))
	o := Obligation{Code: CodeClockWrap, Span: span(at), Verdict: verdict,
		Claim: fmt.Sprintf("the start read from %s is this thread's, earlier than now", b.fromMap)}
	if verdict == Refuted {
		o.Counterexample = fmt.Sprintf("this time difference can wrap around: when %s, %s is read under another key than the entry probe stored it, so the start is another thread's (or 0)", x.describeModel(model, keySymbols(x, b)), b.fromMap)
		o.Related = x.entryRelated()
	}
	x.add(o)
}

// checkUnpairedStart checks clock - @start[key] where no paired entry
// probe stores the start (a wakeup before a switch, a fork before an
// exit): the start must exist, or the difference is the time since boot.
// Only start maps are judged: every store to them is a clock read, none
// in BEGIN, and some probe deletes their elements, so that a missing
// element is how the program says "not started".
func (x *exec) checkUnpairedStart(at, start syntax.Expr, b value) {
	if !x.checks || isSpecial(x.probe.Decl) || !x.v.startMap(b.fromMap, b.fromElem) {
		return
	}
	if verdict, _ := x.check(x.startExists(b)); verdict != Refuted {
		return
	}
	x.add(Obligation{Code: CodeClockWrap, Span: span(at), Verdict: Refuted,
		Claim: fmt.Sprintf("the start read from %s exists", b.fromMap),
		Counterexample: fmt.Sprintf("when no probe stored this element (the event began before tracing did, or the probe that stores it did not fire for it), %s is 0 and the difference is the time since boot; guard the probe with %s",
			b.fromMap, x.startGuard(start, b)),
		Related: x.v.startStores(b.fromMap), Fixes: x.guardFix(x.startGuardExpr(start, b)),
	})
}

// startGuard is the predicate that makes a start read safe, as the
// counterexample words it.
func (x *exec) startGuard(start syntax.Expr, b value) string {
	if g := x.startGuardExpr(start, b); g != "" {
		return "/" + g + "/"
	}
	return fmt.Sprintf("a test that the element of %s exists (has_key)", b.fromMap)
}

// startGuardExpr is the test that the start exists: the read itself when
// it is a map element, has_key() of the element a tuple's start is read
// from; "" when ken cannot write it.
func (x *exec) startGuardExpr(start syntax.Expr, b value) string {
	if m, ok := unparen(start).(*syntax.MapExpr); ok {
		return literalText(x, m)
	}
	if x.entry != nil && len(x.entry.stored[b.fromMap]) > 0 {
		m := x.entry.stored[b.fromMap][0].at
		keys := make([]string, len(m.Keys))
		for i, k := range m.Keys {
			keys[i] = literalText(x, k)
		}
		return fmt.Sprintf("has_key(%s, %s)", m.Name, strings.Join(keys, ", "))
	}
	return ""
}

// startMayBeMissing reports whether the start element can be absent where
// it is read, when it is read under the key the entry stores it under (a
// read under another key is checkEntryKey's finding). Only maps the
// return probe deletes are judged: without the delete, stale elements of
// earlier calls may remain, and ken cannot tell.
func (x *exec) startMayBeMissing(b value) bool {
	if !x.entryDeletes[b.fromMap] {
		return false
	}
	z := x.v.z
	var sameKey []z3.Expr
	for _, k := range x.entry.stored[b.fromMap] {
		sameKey = append(sameKey, b.fromKey.Eq(k.key.e))
	}
	verdict, _ := x.check(x.startExists(b), z.Or(sameKey...))
	return verdict == Refuted
}

// startExists is the condition that the element a start b was read from
// is there: stored (a start is never 0), or present in the map.
func (x *exec) startExists(b value) z3.Expr {
	z := x.v.z
	return z.Or(b.e.NE(z.BVVal(0, 64)), z.Select(x.present[b.fromMap], b.fromKey))
}

// entryRelated points at the entry probe that stores the start.
func (x *exec) entryRelated() []diag.Related {
	return []diag.Related{{Span: span(x.entry.probe.Decl.AttachPoints[0]), Message: "the entry probe that stores the start"}}
}

// keySymbols are the ids a counterexample about a map key should show.
func keySymbols(x *exec, b value) []*symbol {
	var syms []*symbol
	seen := map[string]bool{}
	for _, id := range []string{"tid", "pid"} {
		for _, src := range []*exec{x, x.entry} {
			if s, ok := src.builtins[id]; ok && !seen[id] {
				syms = append(syms, s.syms...)
				seen[id] = true
			}
		}
	}
	return append(syms, b.syms...)
}

// checkDivisor reports a divisor that is 0 whenever the division runs: BPF
// defines x / 0 as 0, so the program runs and prints zeros. A divisor
// that is only sometimes 0 is not reported: programs often divide counts
// that are 0 until something happens, and 0 is then the right answer.
func (x *exec) checkDivisor(at syntax.Expr, divisor value) {
	if !x.checks || x.loops > 0 {
		return
	}
	if verdict, _ := x.check(divisor.e.Eq(x.v.z.BVVal(0, 64))); verdict == Proved {
		x.add(Obligation{Code: CodeDivByZero, Span: span(at), Verdict: Refuted,
			Claim:          "the divisor is not 0",
			Counterexample: "it is 0 whenever this runs, and BPF makes any division by 0 give 0"})
	}
}

// deadReason explains a comparison that can never be true by the type of
// its operand, when that is why: an unsigned value below zero, a narrow
// one above its range.
func (x *exec) deadReason(e syntax.Expr) string {
	b, ok := unparen(e).(*syntax.BinaryExpr)
	if !ok {
		return ""
	}
	lit, isLit := unparen(b.Y).(*syntax.IntLit)
	if p, ok := unparen(b.X).(*syntax.ParamExpr); ok && p.Raw == "$#" && isLit && b.Op == syntax.Lt && lit.Value == 0 {
		return "$# counts the positional parameters, so it is never below 0"
	}
	t := x.typeOf(b.X)
	if !isLit || t == nil || t.Kind != sema.Int || t.Bits <= 0 || t.Bits > 64 {
		return ""
	}
	what := literalText(x, b.X)
	switch {
	case !t.Signed && (b.Op == syntax.Lt && lit.Value == 0):
		return fmt.Sprintf("%s is unsigned (%s), so it is never below 0", what, t)
	case t.Bits < 64 && lit.Value > (uint64(1)<<t.Bits)-1 && (b.Op == syntax.Eq || b.Op == syntax.Gt || b.Op == syntax.Ge):
		return fmt.Sprintf("%s is a %d-bit value (%s), so it never reaches %s", what, t.Bits, t, lit.Raw)
	}
	return ""
}

// conditionCheck reports a condition that can never be true on the path
// that reaches it: what it guards never runs. (A condition that is always
// true is often a deliberate belt-and-braces test, so it is not reported.)
// Literal conditions are deliberate too.
func (x *exec) conditionCheck(e syntax.Expr, c z3.Expr) {
	if !x.checks || x.loops > 0 || isConstant(e) {
		return
	}
	if verdict, _ := x.check(x.v.z.Not(c)); verdict == Proved {
		why := "it is false whenever this code runs"
		if reason := x.deadReason(e); reason != "" {
			why = "it is never true: " + reason
		}
		x.add(Obligation{Code: CodeDeadCondition, Span: span(e), Verdict: Refuted,
			Claim: "this condition can be true", Counterexample: why + ", so what it guards never runs"})
	}
}

// isConstant reports conditions written as constants, such as if (1).
func isConstant(e syntax.Expr) bool {
	switch e := unparen(e).(type) {
	case *syntax.IntLit, *syntax.BoolLit:
		return true
	case *syntax.UnaryExpr:
		return isConstant(e.X)
	}
	return false
}
