package symbex

import (
	"fmt"
	"strings"

	"github.com/cilium/ebpf/btf"

	"github.com/kenlsp/ken/analysis/sema"
	"github.com/kenlsp/ken/analysis/source"
	"github.com/kenlsp/ken/analysis/syntax"
	"github.com/kenlsp/ken/symbex/contracts"
	"github.com/kenlsp/ken/symbex/z3"
)

// curatedContracts is the project's curated contract set, parsed once.
func curatedContracts() *contracts.Set {
	set, err := contracts.Curated()
	if err != nil {
		return nil
	}
	return set
}

// assumeContract adds the preconditions of the function a kprobe or
// fentry probe hooks: the kernel guarantees them on entry, so a check that
// contradicts one would be a false alarm. It records them for editors.
func (x *exec) assumeContract() {
	f := x.hookedFunction()
	if f == nil {
		return
	}
	params := x.paramPositions(f.Name)
	x.hookParams = params
	x.nullable, x.nullReported = map[string]string{}, map[string]bool{}
	for _, p := range f.Params {
		if arg, ok := params[p.Name]; ok && p.Nullable {
			x.nullable[arg] = p.Name
		}
	}
	for _, pre := range f.Pre {
		expr, err := contracts.ParseCondition(pre)
		if err != nil || !mentionsOnly(expr, params) {
			continue
		}
		x.params = params
		saved := x.checks
		x.checks = false
		c := x.eval(expr).e.NE(x.v.z.BVVal(0, 64))
		x.checks, x.params = saved, nil
		x.assumptions = append(x.assumptions, c)
		x.contract = append(x.contract, pre)
	}
}

// checkNullBase reports a member read through a pointer that is NULL on
// every path to it, or through a parameter the hooked function's contract
// says may be NULL (ip_output's sk, for a forwarded packet) when nothing
// on the path tests it: bpftrace's read of NULL fails quietly and gives 0,
// which the program then reports as data.
func (x *exec) checkNullBase(e *syntax.FieldExpr) {
	if !x.checks || !e.Arrow || !plainBase(e.X) || x.nullAt[span(e)] {
		return
	}
	base := x.eval(e.X)
	null := base.e.Eq(x.v.z.BVVal(0, 64))
	claim := literalText(x, e.X) + " is not NULL where it is followed"
	switch {
	case x.mentionsTested(e.X) && x.isAlways(null):
		x.reportNull(e, claim, fmt.Sprintf("%s is NULL on every path here (a test before this says so), so %s reads 0: bpftrace's read of NULL fails quietly",
			literalText(x, e.X), literalText(x, e)))
	case base.nullable != "" && !x.nullReported[base.nullable] && x.satisfiable(null):
		x.nullReported[base.nullable] = true
		x.reportNull(e, claim, fmt.Sprintf("%s's contract says %s may be NULL, and nothing on this path tests it: then %s reads 0 (bpftrace's read fails quietly); test %s != 0 first",
			x.hookedFunction().Name, base.nullable, literalText(x, e), literalText(x, e.X)))
	}
}

// checkNullString reports str() or buf() of a pointer that is NULL on
// every path to the call, as after a flipped test (retval == 0 where
// retval != 0 was meant): it reads nothing and prints an empty string.
func (x *exec) checkNullString(fn string, arg syntax.Expr, v value) {
	if !x.checks || x.loops > 0 || isConstant(arg) || x.nullAt[span(arg)] {
		return
	}
	if t := x.typeOf(arg); t != nil && t.Kind != sema.Int && t.Kind != sema.Pointer {
		return // a string or array already holds its bytes
	}
	if !x.mentionsTested(arg) || !x.isAlways(v.e.Eq(x.v.z.BVVal(0, 64))) {
		return
	}
	what := literalText(x, arg)
	x.reportNull(arg, what+" is not NULL where "+fn+"() reads it",
		fmt.Sprintf("%s is 0 on every path here (a test before this says so), so %s() reads nothing and gives an empty string", what, fn))
}

// isAlways reports whether c holds on every execution of a path that some
// execution takes.
func (x *exec) isAlways(c z3.Expr) bool {
	verdict, _ := x.check(c)
	return verdict == Proved && x.satisfiable(x.v.z.BoolVal(true))
}

// reportNull records a read through NULL at e, once.
func (x *exec) reportNull(e syntax.Expr, claim, why string) {
	if x.nullAt == nil {
		x.nullAt = map[source.Span]bool{}
	}
	x.nullAt[span(e)] = true
	x.add(Obligation{Code: CodeNullDeref, Span: span(e), Verdict: Refuted, Claim: claim, Counterexample: why})
}

// plainBase reports a base whose evaluation has no effects: a variable,
// an argument, a cast of one, or a member read through one (reads are
// kept per probe, so reading again reads the same value).
func plainBase(e syntax.Expr) bool {
	switch e := unparen(e).(type) {
	case *syntax.Variable, *syntax.Ident:
		return true
	case *syntax.CastExpr:
		return plainBase(e.X)
	case *syntax.FieldExpr:
		return plainBase(e.X)
	}
	return false
}

// hookedFunction is the contract of the function an entry probe with one
// attach point hooks.
func (x *exec) hookedFunction() *contracts.Function {
	set := x.v.contracts
	if set == nil || len(x.probe.Kinds) != 1 || len(x.probe.Decl.AttachPoints) != 1 {
		return nil
	}
	if kind := x.probe.Kinds[0]; kind != "kprobe" && kind != "fentry" {
		return nil
	}
	parts := x.probe.Decl.AttachPoints[0].Parts
	if len(parts) == 0 {
		return nil
	}
	name, _, _ := strings.Cut(parts[len(parts)-1], "+")
	f, _ := set.Function(name)
	return f
}

// paramPositions maps the function's parameter names to argN, from its
// BTF prototype.
func (x *exec) paramPositions(name string) map[string]string {
	positions := map[string]string{}
	k := x.v.cfg.Kernel
	if k == nil {
		return positions
	}
	fn, ok := k.Func(name)
	if !ok {
		return positions
	}
	proto, ok := fn.Type.(*btf.FuncProto)
	if !ok {
		return positions
	}
	for i, p := range proto.Params {
		positions[p.Name] = argPosition(i)
	}
	return positions
}

// registerArgs is how many parameters x86-64 passes in registers; the
// rest are on the stack, where bpftrace reads them as sarg0, sarg1, ...
const registerArgs = 6

// argPosition names the bpftrace builtin that holds parameter i.
func argPosition(i int) string {
	if i < registerArgs {
		return fmt.Sprintf("arg%d", i)
	}
	return fmt.Sprintf("sarg%d", i-registerArgs)
}

// mentionsOnly reports whether a condition names only parameters ken can
// place and NULL: a condition about fields or retval is not assumed here.
func mentionsOnly(cond syntax.Expr, params map[string]string) bool {
	for _, n := range contracts.ConditionNames(cond) {
		if _, ok := params[n]; !ok && n != "NULL" {
			return false
		}
	}
	return true
}
