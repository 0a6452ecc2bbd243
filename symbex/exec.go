package symbex

import (
	"fmt"

	"github.com/kenlsp/ken/analysis/sema"
	"github.com/kenlsp/ken/analysis/source"
	"github.com/kenlsp/ken/analysis/syntax"
	"github.com/kenlsp/ken/symbex/z3"
)

// symbol is a named unknown of the execution, shown in counterexamples.
type symbol struct {
	name string
	expr z3.Expr
	bits uint
}

// value is a symbolic bpftrace value: a 64-bit vector, with what the
// checks need to know about where it came from.
type value struct {
	e z3.Expr
	// net is set while the value is exactly a network-order kernel field,
	// not converted.
	net *netField
	// clock is set for a read of a monotonic clock (nsecs, elapsed).
	clock bool
	// nanos names the clock a value counts nanoseconds of: the clock
	// itself, a sum with it or a difference of it and a start.
	nanos string
	// fromMap and fromKey say which element a value was read from, for
	// clock deltas; fromElem is 1 + the tuple element it is, or 0.
	fromMap  string
	fromKey  z3.Expr
	fromElem int
	// host is set while the value derives from a kernel struct member
	// whose BTF type says host byte order (skc_num, skc_hash): swapping it
	// or reading it as an address is a mistake.
	host *netField
	// nullable names the hooked function's parameter the value is, when
	// its contract says the pointer may be NULL.
	nullable string
	syms     []*symbol
	// elems are a tuple's element values; nil for other values.
	elems []value
}

// netField is a field read whose byte order its type says.
type netField struct {
	raw   z3.Expr // the field as stored, bits wide
	read  z3.Expr // the field as read, 64 bits wide (host-order members)
	bits  uint
	name  string
	ctype string // the C type, for messages
}

// exec executes one probe.
type exec struct {
	v            *verifier
	probe        *sema.Probe
	checks       bool // record obligations (false when replaying an entry probe)
	pc           z3.Expr
	bodyPC       z3.Expr // the path condition where the body begins: the predicate held
	assumptions  []z3.Expr
	vars         map[*sema.Var]value
	varsByName   map[string]value
	maps         map[string]z3.Expr // arrays from 64-bit keys to 64-bit values
	present      map[string]z3.Expr // arrays from keys to whether the element exists
	builtins     map[string]value
	fields       map[string]value
	entry        *exec                  // the paired entry probe's execution, if any
	written      map[string]bool        // maps this probe writes
	stored       map[string][]storedKey // the keys this probe stores each map under
	inexact      map[string]bool        // maps this probe stores under keys ken cannot compare
	initial      map[string]mapState    // each map as it was when the probe began
	entryDeletes map[string]bool        // maps a return probe deletes: their entry elements do not outlive a call
	entryRan     z3.Expr                // true when the paired entry probe ran for this call
	loops        int
	unrolled     int          // copies of the unroll bodies being executed, nested ones multiplied
	pending      []annotation // annotations of this probe not yet reached
	id           int
	solver       *z3.Solver           // reused by every query of the probe, in push/pop scopes
	params       map[string]string    // while evaluating a contract: parameter name to argN
	contract     []string             // the contract conditions assumed for this probe
	hookParams   map[string]string    // the hooked function's parameter names, for annotations
	nullable     map[string]string    // argN of a parameter that may be NULL, to its name
	nullReported map[string]bool      // nullable parameters already reported in this probe
	nullAt       map[source.Span]bool // reads through NULL already reported
	testedTexts  map[string]bool      // what the probe tests, by text (see tested)
}

func (v *verifier) newExec(p *sema.Probe, checks bool) *exec {
	v.execs++ // names each execution's unknowns apart within the verifier's Z3 context
	x := &exec{
		v: v, probe: p, checks: checks, pc: v.z.BoolVal(true),
		vars: map[*sema.Var]value{}, varsByName: map[string]value{}, maps: map[string]z3.Expr{}, present: map[string]z3.Expr{},
		builtins: map[string]value{}, fields: map[string]value{}, written: map[string]bool{}, id: v.execs,
		stored: map[string][]storedKey{}, inexact: map[string]bool{}, initial: map[string]mapState{},
	}
	if checks {
		x.pending = v.annotationsIn(p.Decl)
	}
	return x
}

// pairWith makes x the return half of e's function call: the same thread
// (ids shared; the CPU too when oneCPU), a later time, and the maps as e
// left them.
//
// The entry probe may not have run for this call: the probe was attached
// while the function was already running, or the entry's predicate
// failed. Then the maps are as they were before the entry. For a map the
// return probe deletes, the element the entry would store is absent then:
// the previous return of this thread deleted it.
func (x *exec) pairWith(e *exec, deletes map[string]bool, oneCPU bool) {
	x.entry, x.entryDeletes = e, deletes
	// What held of the entry's own unknowns (its clock is not 0, its
	// contract's preconditions) still holds of them here.
	x.assumptions = append(x.assumptions, e.assumptions...)
	z := x.v.z
	ran := z.And(z.Fresh("entry ran", z.BoolSort()), e.pc)
	x.entryRan = ran
	for name, arr := range e.maps {
		before, known := e.initial[name]
		if !known {
			x.maps[name], x.present[name] = arr, e.present[name]
			continue
		}
		x.maps[name] = z.Ite(ran, arr, before.values)
		x.present[name] = z.Ite(ran, e.present[name], before.present)
		if deletes[name] {
			for _, k := range e.stored[name] {
				x.assumptions = append(x.assumptions,
					z.Not(z.Select(before.present, k.key.e)), z.Select(before.values, k.key.e).Eq(z.BVVal(0, 64)))
			}
		}
	}
	shared := []string{"tid", "pid", "uid", "gid", "cgroup"}
	if oneCPU {
		shared = append(shared, "cpu", "numaid")
	}
	for _, id := range shared {
		if b, ok := e.builtins[id]; ok {
			x.builtins[id] = b
		}
	}
	for _, clock := range []string{"nsecs", "elapsed"} {
		if b, ok := e.builtins[clock]; ok {
			later := x.builtin(clock)
			x.assumptions = append(x.assumptions, later.e.UGE(b.e))
		}
	}
}

// run executes the predicate and the body.
func (x *exec) run() {
	x.assumeContract()
	d := x.probe.Decl
	if d.Predicate != nil {
		c := x.condition(d.Predicate)
		x.pc = x.v.z.And(x.pc, c)
	}
	x.bodyPC = x.pc
	x.block(d.Body.Stmts)
	x.flushAnnotations(int(d.Body.Rbrace) + 1)
}

func (x *exec) block(stmts []syntax.Stmt) {
	for _, s := range stmts {
		x.flushAnnotations(int(s.Pos()))
		x.stmt(s)
	}
}

func (x *exec) stmt(s syntax.Stmt) {
	switch s := s.(type) {
	case *syntax.ExprStmt:
		x.effect(s.X)
	case *syntax.AssignStmt:
		x.assign(s)
	case *syntax.LetStmt:
		if s.Var != nil && s.Value != nil {
			x.setVar(s.Var, x.eval(s.Value))
		}
	case *syntax.WhileStmt, *syntax.ForStmt, *syntax.UnrollStmt:
		x.loop(s)
	case *syntax.JumpStmt, *syntax.DiscardStmt, *syntax.BadStmt:
		// return ends the probe early: the following code sees a path
		// condition that is too wide, which only over-approximates.
	}
}

// effect runs an expression statement: calls (printf is a sink) and ifs.
func (x *exec) effect(e syntax.Expr) {
	switch e := e.(type) {
	case *syntax.IfExpr:
		x.ifStmt(e)
	case *syntax.CallExpr:
		x.call(e)
	default:
		x.eval(e)
	}
}

// ifStmt executes both branches under their conditions and merges.
func (x *exec) ifStmt(e *syntax.IfExpr) {
	c := x.condition(e.Cond)
	saved := x.snapshot()
	outer := x.pc
	x.pc = x.v.z.And(outer, c)
	if e.Then != nil {
		x.blockUntil(e.Then.Stmts, e.Then.Rbrace)
	}
	thenState := x.snapshot()
	x.restore(saved)
	x.pc = x.v.z.And(outer, x.v.z.Not(c))
	switch els := e.Else.(type) {
	case *syntax.Block:
		x.blockUntil(els.Stmts, els.Rbrace)
	case *syntax.IfExpr:
		x.ifStmt(els)
	}
	x.pc = outer
	x.merge(c, thenState)
	// A branch that always returns leaves the rest of the probe to the
	// other one: if (!has_key(@m, tid)) { return; } guards what follows.
	if e.Then != nil && x.leaves(e.Then.Stmts) {
		x.pc = x.v.z.And(x.pc, x.v.z.Not(c))
	}
	if els, ok := e.Else.(*syntax.Block); ok && x.leaves(els.Stmts) {
		x.pc = x.v.z.And(x.pc, c)
	}
}

// blockUntil runs a block and then the annotations at its end, before the
// closing brace: they hold inside the block, not after it.
func (x *exec) blockUntil(stmts []syntax.Stmt, rbrace syntax.Pos) {
	x.block(stmts)
	x.flushAnnotations(int(rbrace))
}

// leaves reports whether a block ends the path through what follows it:
// return or exit() end the probe; inside a loop, continue and break end
// the iteration, and the loop's path condition is restored after it.
func (x *exec) leaves(stmts []syntax.Stmt) bool {
	if alwaysReturns(stmts) {
		return true
	}
	if x.loops == 0 || len(stmts) == 0 {
		return false
	}
	j, ok := stmts[len(stmts)-1].(*syntax.JumpStmt)
	return ok && (j.Kind == "continue" || j.Kind == "break")
}

// alwaysReturns reports whether a block ends the probe: its last statement
// is return or exit().
func alwaysReturns(stmts []syntax.Stmt) bool {
	if len(stmts) == 0 {
		return false
	}
	switch s := stmts[len(stmts)-1].(type) {
	case *syntax.JumpStmt:
		return s.Kind == "return"
	case *syntax.ExprStmt:
		call, ok := s.X.(*syntax.CallExpr)
		return ok && call.Fun.Name == "exit"
	}
	return false
}

// state is what branches change.
type state struct {
	vars    map[*sema.Var]value
	named   map[string]value
	maps    map[string]z3.Expr
	present map[string]z3.Expr
}

func (x *exec) snapshot() state {
	s := state{vars: map[*sema.Var]value{}, named: map[string]value{}, maps: map[string]z3.Expr{}, present: map[string]z3.Expr{}}
	for k, v := range x.present {
		s.present[k] = v
	}
	for k, v := range x.vars {
		s.vars[k] = v
	}
	for k, v := range x.varsByName {
		s.named[k] = v
	}
	for k, v := range x.maps {
		s.maps[k] = v
	}
	return s
}

func (x *exec) restore(s state) {
	x.vars, x.varsByName, x.maps, x.present = s.vars, s.named, s.maps, s.present
}

// merge joins the then-state with the current (else) state under c. A
// variable or map only one branch touched has, on the other path, what it
// had before the if: for a map that is its state on entry to the probe
// (the branch was the first to touch it), for a variable an unknown.
func (x *exec) merge(c z3.Expr, then state) {
	z := x.v.z
	var join func(tv, ev value) value
	join = func(tv, ev value) value {
		if tv.e == ev.e && len(tv.elems) == 0 && len(ev.elems) == 0 {
			// Unchanged by either branch: keep the very value, so that
			// what is keyed by it (fields read through it) stays the same.
			return tv
		}
		out := value{e: z.Ite(c, tv.e, ev.e), syms: append(append([]*symbol{}, tv.syms...), ev.syms...), net: derivedNet(tv, ev), host: derivedHost(tv, ev)}
		if len(tv.elems) == len(ev.elems) {
			for i := range tv.elems {
				out.elems = append(out.elems, join(tv.elems[i], ev.elems[i]))
			}
		}
		return out
	}
	for k := range unionKeys(then.vars, x.vars) {
		tv, inThen := then.vars[k]
		ev, inElse := x.vars[k]
		if !inThen {
			tv = x.fresh(k.Name, 64)
		}
		if !inElse {
			ev = x.fresh(k.Name, 64)
		}
		x.vars[k] = join(tv, ev)
	}
	for k := range unionKeys(then.named, x.varsByName) {
		tv, inThen := then.named[k]
		ev, inElse := x.varsByName[k]
		if !inThen {
			tv = x.fresh(k, 64)
		}
		if !inElse {
			ev = x.fresh(k, 64)
		}
		x.varsByName[k] = join(tv, ev)
	}
	for k := range unionKeys(then.maps, x.maps) {
		x.maps[k] = z.Ite(c, x.mapOr(then.maps, k, false), x.mapOr(x.maps, k, false))
	}
	for k := range unionKeys(then.present, x.present) {
		x.present[k] = z.Ite(c, x.mapOr(then.present, k, true), x.mapOr(x.present, k, true))
	}
}

// mapOr is a branch's array for map k, or the map's state on entry when
// the branch did not touch it.
func (x *exec) mapOr(arrays map[string]z3.Expr, k string, present bool) z3.Expr {
	if a, ok := arrays[k]; ok {
		return a
	}
	init, ok := x.initial[k]
	if !ok {
		// Known only from the paired entry probe: unknown before it.
		init = x.freshMap(k)
		x.initial[k] = init
	}
	if present {
		return init.present
	}
	return init.values
}

// unionKeys is the set of keys of two maps.
func unionKeys[K comparable, V any](a, b map[K]V) map[K]bool {
	keys := make(map[K]bool, len(a)+len(b))
	for k := range a {
		keys[k] = true
	}
	for k := range b {
		keys[k] = true
	}
	return keys
}

// maxUnrolled bounds the copies of unroll bodies executed one by one,
// nested unrolls multiplied: unroll(20) inside unroll(20) would be 400.
const maxUnrolled = 32

// unrollExactly runs unroll(N) { body } as bpftrace compiles it, N copies
// of the body one after another, when N is a small literal and the body
// has no break, continue or return to cut a copy short.
func (x *exec) unrollExactly(u *syntax.UnrollStmt) bool {
	n, ok := unparen(u.Count).(*syntax.IntLit)
	if !ok || u.Body == nil || contains[*syntax.JumpStmt](u.Body) {
		return false
	}
	copies := max(1, x.unrolled) * int(min(n.Value, maxUnrolled+1))
	if copies > maxUnrolled {
		return false
	}
	saved := x.unrolled
	x.unrolled = copies
	x.loops++ // the checks that judge one pass of a loop stay off
	for range n.Value {
		x.blockUntil(u.Body.Stmts, u.Body.Rbrace)
	}
	x.loops--
	x.unrolled = saved
	return true
}

// loop havocs what the body assigns, then checks the body once in that
// state, which covers every iteration.
func (x *exec) loop(s syntax.Stmt) {
	if u, ok := s.(*syntax.UnrollStmt); ok && x.unrollExactly(u) {
		return
	}
	if w, ok := s.(*syntax.WhileStmt); ok {
		x.firstIteration(w)
	}
	x.havocAssigned(s)
	x.loops++
	saved := x.pc // a continue or break inside narrows it for the body only
	switch s := s.(type) {
	case *syntax.WhileStmt:
		x.pc = x.v.z.And(x.pc, x.condition(s.Cond))
		if s.Body != nil {
			x.blockUntil(s.Body.Stmts, s.Body.Rbrace)
		}
	case *syntax.UnrollStmt:
		if s.Body != nil {
			x.blockUntil(s.Body.Stmts, s.Body.Rbrace)
		}
	case *syntax.ForStmt:
		if s.Var != nil {
			// A map entry is a (key, value) tuple: one of each per pass.
			entry := x.fresh(s.Var.Name, 64)
			entry.elems = []value{x.fresh(s.Var.Name+".0", 64), x.fresh(s.Var.Name+".1", 64)}
			x.setVar(s.Var, entry)
		}
		if s.Body != nil {
			x.blockUntil(s.Body.Stmts, s.Body.Rbrace)
		}
	}
	x.pc = saved
	x.loops--
	x.havocAssigned(s)
}

// firstIteration checks that a while loop's condition can hold when the
// loop is reached: a loop that can never start is dead code. Later
// iterations are not judged (the loop's variables are unknown there).
func (x *exec) firstIteration(w *syntax.WhileStmt) {
	if !x.checks || x.loops > 0 {
		return
	}
	x.checks = false
	c := x.eval(w.Cond).e.NE(x.v.z.BVVal(0, 64))
	x.checks = true
	x.conditionCheck(w.Cond, c)
}

// havocAssigned gives every variable and map the statement assigns a fresh
// value.
func (x *exec) havocAssigned(s syntax.Stmt) {
	havoc := func(target syntax.Expr) {
		switch t := target.(type) {
		case *syntax.Variable:
			x.setVar(t, x.fresh(t.Name, 64))
		case *syntax.MapExpr:
			x.havocMap(t.Name)
		}
	}
	syntax.Inspect(s, func(n syntax.Node) bool {
		switch n := n.(type) {
		case *syntax.AssignStmt:
			havoc(n.Lhs)
		case *syntax.PostfixExpr:
			if n.Op == syntax.Inc || n.Op == syntax.Dec {
				havoc(n.X)
			}
		case *syntax.UnaryExpr:
			if n.Op == syntax.Inc || n.Op == syntax.Dec {
				havoc(n.X)
			}
		case *syntax.CallExpr:
			if n.Fun.Name == "delete" || n.Fun.Name == "clear" || n.Fun.Name == "zero" {
				for _, a := range n.Args {
					if m, ok := a.(*syntax.MapExpr); ok {
						x.havocMap(m.Name)
					}
				}
			}
		}
		return true
	})
}

func (x *exec) havocMap(name string) {
	m := x.freshMap(name)
	x.maps[name], x.present[name] = m.values, m.present
	if _, ok := x.initial[name]; !ok {
		x.initial[name] = m
	}
	for i := range x.v.tupleArity(name) {
		x.havocMap(elemMap(name, i))
	}
}

// elemMap names the array that holds element i of a map's tuple values.
func elemMap(name string, i int) string {
	return fmt.Sprintf("%s#%d", name, i)
}

// freshMap is a map whose contents are unknown.
func (x *exec) freshMap(name string) mapState {
	z := x.v.z
	keys := z.BVSort(64 * uint(max(1, x.v.keyArity(name))))
	return mapState{values: z.Fresh(name, z.ArraySort(keys, z.BVSort(64))), present: z.Fresh(name+"?", z.ArraySort(keys, z.BoolSort()))}
}

// mapState is one map's contents: values and which keys exist.
type mapState struct {
	values, present z3.Expr
}

// setVar assigns a scratch variable.
func (x *exec) setVar(v *syntax.Variable, val value) {
	if sym := x.v.res.Info.Vars[v]; sym != nil {
		x.vars[sym] = val
	}
	x.varsByName[v.Name] = val
}

// fresh makes a named unknown of the given width, zero-extended to 64.
func (x *exec) fresh(name string, bits uint) value {
	bits = max(1, min(bits, 64))
	c := x.v.z.Fresh(fmt.Sprintf("%s#%d", name, x.id), x.v.z.BVSort(bits))
	sym := &symbol{name: name, expr: c, bits: bits}
	return value{e: widen(c, bits, false), syms: []*symbol{sym}}
}

// widen extends a bits-wide vector to 64 bits.
func widen(e z3.Expr, bits uint, signed bool) z3.Expr {
	if bits >= 64 {
		return e
	}
	if signed {
		return e.SignExt(64 - bits)
	}
	return e.ZeroExt(64 - bits)
}

// condition evaluates e as a truth value and checks that it can be both.
func (x *exec) condition(e syntax.Expr) z3.Expr {
	c := x.eval(e).e.NE(x.v.z.BVVal(0, 64))
	x.conditionCheck(e, c)
	return c
}

func (x *exec) assign(s *syntax.AssignStmt) {
	val := x.eval(s.Rhs)
	if s.Op != syntax.Assign {
		old := x.eval(s.Lhs)
		val = x.arith(s.Op.BinaryOp(), old, val, s.Lhs, s.Rhs)
	}
	switch lhs := s.Lhs.(type) {
	case *syntax.Variable:
		x.setVar(lhs, val)
	case *syntax.MapExpr:
		x.writeMap(lhs, val)
	}
}
