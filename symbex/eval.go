package symbex

import (
	"cmp"
	"strings"

	"github.com/kenlsp/ken/analysis/sema"
	"github.com/kenlsp/ken/analysis/syntax"
	"github.com/kenlsp/ken/symbex/z3"
)

// eval computes the value of e. What ken does not model (strings,
// records, stacks, function results) is a fresh unknown, which keeps every
// proof sound.
func (x *exec) eval(e syntax.Expr) value {
	switch e := e.(type) {
	case *syntax.IntLit:
		return value{e: x.v.z.BVVal(e.Value, 64)}
	case *syntax.BoolLit:
		return x.truth(x.v.z.BoolVal(e.Value))
	case *syntax.StringLit:
		return x.v.stringValue(e.Value)
	case *syntax.ParamExpr:
		return x.v.param(e.Raw)
	case *syntax.TupleExpr:
		return x.tuple(e)
	case *syntax.TupleIndexExpr:
		return x.tupleIndex(e)
	case *syntax.IndexExpr:
		return x.index(e)
	case *syntax.ParenExpr:
		return x.eval(e.X)
	case *syntax.Ident:
		return x.ident(e)
	case *syntax.Variable:
		return x.variable(e)
	case *syntax.MapExpr:
		return x.readMap(e)
	case *syntax.FieldExpr:
		return x.field(e)
	case *syntax.CastExpr:
		return x.cast(e)
	case *syntax.UnaryExpr:
		return x.unary(e)
	case *syntax.PostfixExpr:
		old, _ := x.increment(e.X, e.Op)
		return old
	case *syntax.BinaryExpr:
		return x.binary(e)
	case *syntax.TernaryExpr:
		return x.ternary(e)
	case *syntax.CallExpr:
		return x.call(e)
	case *syntax.SizeofExpr, *syntax.OffsetofExpr:
		// A size or an offset is a constant of the program: one value per
		// text (the type and member named), as the text says what is measured.
		return x.memo("size "+literalText(x, e), "sizeof")
	case *syntax.IfExpr:
		x.ifStmt(e)
	default:
		x.evalChildren(e)
	}
	return x.fresh("value", 64)
}

// evalChildren evaluates the operands of an expression ken does not model
// (@m[k].0, $a[i], a string slice), for the checks of what they read.
func (x *exec) evalChildren(e syntax.Expr) {
	syntax.Inspect(e, func(n syntax.Node) bool {
		if n == syntax.Node(e) {
			return true
		}
		if child, ok := n.(syntax.Expr); ok {
			x.eval(child)
		}
		return false
	})
}

// typeOf is sema's type of e, or nil. Annotation expressions have no
// types of their own: they take the type of the same access path in the
// program.
func (x *exec) typeOf(e syntax.Expr) *sema.Type {
	if t := x.v.res.Info.Types[e]; t != nil {
		if typedByPath(e) {
			x.v.pathTypes[pathKey(x, e)] = t
		}
		return t
	}
	if !typedByPath(e) {
		return nil
	}
	if t := x.v.pathTypes[pathKey(x, e)]; t != nil {
		return t
	}
	// A field read through another path to the same memory (sk->x for
	// $sock->x) has that read's type.
	if f, ok := e.(*syntax.FieldExpr); ok && valueBase(f.X, x.params) {
		return x.v.pathTypes[x.fieldKey(f)]
	}
	return nil
}

// pathKey is an access path's text with -> written as ., which reach the
// same value.
func pathKey(x *exec, e syntax.Expr) string {
	return strings.ReplaceAll(literalText(x, e), "->", ".")
}

// typedByPath reports whether the text of e names one value: a field, a
// variable, a map element.
func typedByPath(e syntax.Expr) bool {
	switch e.(type) {
	case *syntax.FieldExpr, *syntax.Variable, *syntax.MapExpr:
		return true
	}
	return false
}

// operand evaluates an operand of && or || as a truth value; only whole
// conditions are checked for being dead.
// logical evaluates && and ||. The right operand runs only when the left
// one has not decided: its checks see that, as if (@s[tid] && nsecs -
// @s[tid] > 10) reads the start only when it exists.
func (x *exec) logical(e *syntax.BinaryExpr) value {
	z := x.v.z
	zero := z.BVVal(0, 64)
	a := x.eval(e.X)
	left := a.e.NE(zero)
	runs, combine := left, z.And
	if e.Op == syntax.OrOr {
		runs, combine = z.Not(left), z.Or
	}
	b := x.underCondition(runs, func() value { return x.eval(e.Y) })
	v := x.truth(combine(left, b.e.NE(zero)))
	v.syms = append(append([]*symbol{}, a.syms...), b.syms...)
	return v
}

// underCondition evaluates with c added to the path condition.
func (x *exec) underCondition(c z3.Expr, eval func() value) value {
	outer := x.pc
	x.pc = x.v.z.And(outer, c)
	defer func() { x.pc = outer }()
	return eval()
}

// truth turns a Z3 boolean into bpftrace's 0/1.
func (x *exec) truth(b z3.Expr) value {
	z := x.v.z
	return value{e: z.Ite(b, z.BVVal(1, 64), z.BVVal(0, 64))}
}

// builtinBits are the widths of the builtins ken models; their values are
// otherwise unknown.
var builtinBits = map[string]uint{
	"pid": 32, "tid": 32, "uid": 32, "gid": 32, "cpu": 32, "numaid": 32, "rand": 32, "cpid": 32,
	"nsecs": 64, "elapsed": 64, "jiffies": 64, "cgroup": 64, "retval": 64,
	// Strings and stacks stand for their value as an unknown: the same
	// within a probe, so that @m[comm] names one element.
	"comm": 64, "username": 64, "func": 64, "probe": 64, "kstack": 64, "ustack": 64,
	// Pointers the probe sees: one per probe, like the ids.
	"curtask": 64, "ctx": 64,
}

func (x *exec) ident(e *syntax.Ident) value {
	if arg, ok := x.params[e.Name]; ok {
		return x.builtin(arg)
	}
	if e.Name == "NULL" && x.params != nil {
		return value{e: x.v.z.BVVal(0, 64)}
	}
	if _, ok := builtinBits[e.Name]; ok || isArgN(e.Name) {
		return x.builtin(e.Name)
	}
	if c, ok := x.v.constant(e.Name); ok {
		return value{e: x.v.z.BVVal(c, 64)}
	}
	return x.fresh(e.Name, 64)
}

// isArgN reports whether name is arg0, arg1, ...: one value per probe.
func isArgN(name string) bool {
	digits, ok := strings.CutPrefix(name, "arg")
	if !ok {
		digits, ok = strings.CutPrefix(name, "sarg") // stack arguments
	}
	return ok && digits != "" && strings.Trim(digits, "0123456789") == ""
}

// builtin returns the probe's one value of a builtin: pid is the same
// wherever the probe reads it.
func (x *exec) builtin(name string) value {
	if b, ok := x.builtins[name]; ok {
		return b
	}
	bits, ok := builtinBits[name]
	if !ok {
		bits = 64
	}
	b := x.fresh(name, bits)
	b.clock = name == "nsecs" || name == "elapsed"
	if b.clock {
		b.nanos = name
	}
	b.nullable = x.nullable[name]
	if b.clock {
		// A clock read is never 0: the kernel has been up for a while.
		x.assumptions = append(x.assumptions, b.e.NE(x.v.z.BVVal(0, 64)))
	}
	x.builtins[name] = b
	return b
}

func (x *exec) variable(e *syntax.Variable) value {
	if sym := x.v.res.Info.Vars[e]; sym != nil {
		if val, ok := x.vars[sym]; ok {
			return val
		}
	}
	if val, ok := x.varsByName[e.Name]; ok {
		return val
	}
	return x.fresh(e.Name, 64)
}

// field reads a kernel field: the same access path gives the same value
// within the probe, and a network-order type marks the value.
func (x *exec) field(e *syntax.FieldExpr) value {
	if readsMap(e.X) {
		x.eval(e.X) // for the checks of the element read (@m[k].field)
	}
	x.checkNullBase(e)
	path := x.fieldKey(e)
	if val, ok := x.fields[path]; ok {
		return val
	}
	t := x.typeOf(e)
	if t != nil && strings.HasPrefix(path, "*") {
		x.v.pathTypes[path] = t // for reads of the same memory by another path
	}
	name := path
	if e.Name != nil {
		name = e.Name.Name
	}
	val := x.memoryValue(name, t)
	if fromBTF(x.typeOf(e.X)) && t != nil && t.Kind == sema.Int && !t.NetworkOrder() && t.Bits >= 16 && !t.Enum {
		val.host = &netField{raw: val.syms[0].expr, read: val.e, bits: uint(t.Bits), name: name, ctype: cmp.Or(t.Name, t.String())}
	}
	x.fields[path] = val
	return val
}

// fromBTF reports whether t is a kernel struct (or a pointer to one) that
// BTF describes, whose members' typedefs say their byte order. Tracepoint
// fields are left out: their format files say only u16 or u32.
func fromBTF(t *sema.Type) bool {
	if t != nil && t.Kind == sema.Pointer {
		t = t.Elem
	}
	return t != nil && t.Kind == sema.Record && t.BTF != nil
}

// memoryValue is an unknown read from kernel memory, as wide and as
// signed as its type, marked when the type says network byte order.
func (x *exec) memoryValue(name string, t *sema.Type) value {
	bits := uint(64)
	if t != nil && t.Kind == sema.Int && t.Bits > 0 {
		bits = uint(t.Bits)
	}
	val := x.fresh(name, bits)
	if t != nil && t.Kind == sema.Int && t.Signed {
		// A signed field holds negative values too: int res < 0 can be true.
		val.e = widen(val.syms[0].expr, bits, true)
	}
	if t.NetworkOrder() {
		val.net = &netField{raw: val.syms[0].expr, bits: bits, name: name}
	}
	return val
}

// index reads element i of an array or pointer: one value per base and
// index within the probe, as fields are (args.argv[1] read twice is one
// read).
func (x *exec) index(e *syntax.IndexExpr) value {
	base, i := x.eval(e.X), x.eval(e.Index)
	key := "*" + base.e.String() + "[" + i.e.String() + "]"
	if !valueBase(e.X, x.params) {
		key = "[" + pathKey(x, e.X) + "][" + i.e.String() + "]"
	}
	if val, ok := x.fields[key]; ok {
		return val
	}
	val := x.memoryValue(literalText(x, e), x.typeOf(e))
	x.fields[key] = val
	return val
}

// fieldKey names the memory a field read reads: the base's value and the
// member, so that $sk->x and sk->x read one value when $sk holds the
// parameter sk, and $p->x after $p changes reads another. Bases that are
// no value (args, ctx, curtask) are named by their text, with args.x and
// args->x (and p.x and p->x from bpftrace 0.25 on) the same.
func (x *exec) fieldKey(e *syntax.FieldExpr) string {
	member := ""
	if e.Name != nil {
		member = e.Name.Name
	}
	if valueBase(e.X, x.params) {
		return "*" + x.eval(e.X).e.String() + "." + member
	}
	return strings.ReplaceAll(string(x.v.res.File.Text[e.Pos():e.End()]), "->", ".")
}

// valueBase reports whether a field's base is a value ken tracks: a
// variable, a cast, another field, an argument or a hooked function's
// parameter in an annotation.
func valueBase(e syntax.Expr, params map[string]string) bool {
	switch b := unparen(e).(type) {
	case *syntax.Variable, *syntax.CastExpr:
		return true
	case *syntax.FieldExpr:
		return valueBase(b.X, params)
	case *syntax.Ident:
		_, isParam := params[b.Name]
		_, isBuiltin := builtinBits[b.Name] // curtask, ctx: one value per probe
		return isParam || isBuiltin || isArgN(b.Name)
	}
	return false
}

// readsMap reports whether e reads a map element.
func readsMap(e syntax.Expr) bool {
	return contains[*syntax.MapExpr](e)
}

// contains reports whether a node of type T lies anywhere under root.
func contains[T syntax.Node](root syntax.Node) bool {
	found := false
	syntax.Inspect(root, func(n syntax.Node) bool {
		if _, ok := n.(T); ok {
			found = true
		}
		return !found
	})
	return found
}

// cast truncates or extends to an integer type; other casts are unknown.
func (x *exec) cast(e *syntax.CastExpr) value {
	val := x.eval(e.X)
	bits, signed, known := x.castWidth(e)
	if !known {
		// A cast ken cannot read (an annotation's cast to a type it
		// does not know) makes the value unknown: keeping it would prove
		// (T)v == v where the cast changes v.
		return x.fresh("cast", 64)
	}
	if bits >= 64 {
		return val
	}
	x.checkTruncation(e, val, bits)
	return value{e: widen(val.e.Extract(bits-1, 0), bits, signed), syms: val.syms, net: val.net, host: val.host}
}

// castWidth is the integer width and signedness a cast converts to: sema's
// type, or for an annotation's cast, bpftrace's integer type names. 64
// bits stand for casts that keep the value (pointers, 64-bit integers).
func (x *exec) castWidth(e *syntax.CastExpr) (bits uint, signed, known bool) {
	if t := x.v.res.Info.Types[e]; t != nil {
		if t.Kind != sema.Int || t.Bits <= 0 || t.Bits >= 64 {
			return 64, false, true
		}
		return uint(t.Bits), t.Signed, true
	}
	named, ok := e.Type.(*syntax.NamedType)
	if !ok || named.Keyword != "" {
		return 64, false, !ok // a pointer cast keeps the value
	}
	if w, ok := intTypeBits[strings.TrimPrefix(named.Name, "u")]; ok {
		return w, !strings.HasPrefix(named.Name, "u"), true
	}
	return 0, false, false
}

// intTypeBits are bpftrace's integer type names without their u.
var intTypeBits = map[string]uint{"int8": 8, "int16": 16, "int32": 32, "int64": 64}

func (x *exec) unary(e *syntax.UnaryExpr) value {
	z := x.v.z
	switch e.Op {
	case syntax.Minus:
		v := x.eval(e.X)
		return value{e: v.e.Neg(), syms: v.syms, net: v.net, host: v.host}
	case syntax.Tilde:
		v := x.eval(e.X)
		return value{e: v.e.Not(), syms: v.syms, net: v.net, host: v.host}
	case syntax.Bang:
		v := x.eval(e.X)
		return x.truth(v.e.Eq(z.BVVal(0, 64)))
	case syntax.Inc, syntax.Dec:
		_, next := x.increment(e.X, e.Op)
		return next
	}
	return x.fresh("value", 64)
}

// increment runs ++ or -- on a variable or map element and returns the
// old and the new value: x++ is the old one, ++x the new.
func (x *exec) increment(target syntax.Expr, op syntax.Token) (old, next value) {
	old = x.eval(target)
	one := x.v.z.BVVal(1, 64)
	next = value{e: old.e.Add(one), syms: old.syms}
	if op == syntax.Dec {
		next.e = old.e.Sub(one)
	}
	switch t := target.(type) {
	case *syntax.Variable:
		x.setVar(t, next)
	case *syntax.MapExpr:
		x.writeMap(t, next)
	}
	return old, next
}

func (x *exec) ternary(e *syntax.TernaryExpr) value {
	then := x.eval(e.Cond)
	c := then.e.NE(x.v.z.BVVal(0, 64))
	x.conditionCheck(e.Cond, c)
	if e.Then != nil {
		then = x.underCondition(c, func() value { return x.eval(e.Then) })
	}
	els := x.underCondition(x.v.z.Not(c), func() value { return x.eval(e.Else) })
	return value{e: x.v.z.Ite(c, then.e, els.e), syms: append(then.syms, els.syms...), net: derivedNet(then, els), host: derivedHost(then, els)}
}

// signedOp reports whether sema typed the operation as signed.
func (x *exec) signedOp(e syntax.Expr) bool {
	t := x.typeOf(e)
	if t != nil {
		return t.Kind == sema.Int && t.Signed
	}
	// Annotation expressions have no types: a literal is int64 in the
	// program, which leaves the comparison to the other operand, and a
	// cast says its own signedness.
	switch u := unparen(e).(type) {
	case *syntax.IntLit:
		return true
	case *syntax.CastExpr:
		_, signed, known := x.castWidth(u)
		return known && signed
	}
	return false
}

func (x *exec) binary(e *syntax.BinaryExpr) value {
	if e.Op == syntax.AndAnd || e.Op == syntax.OrOr {
		return x.logical(e)
	}
	a, b := x.eval(e.X), x.eval(e.Y)
	if cmp, ok := x.compare(e, a, b); ok {
		return cmp
	}
	return x.arith(e.Op, a, b, e.X, e.Y)
}

// compare evaluates a comparison, checking byte order against literals.
func (x *exec) compare(e *syntax.BinaryExpr, a, b value) (value, bool) {
	signed := x.signedOp(e.X) && x.signedOp(e.Y)
	var c z3.Expr
	switch e.Op {
	case syntax.Eq:
		c = a.e.Eq(b.e)
	case syntax.Ne:
		c = a.e.NE(b.e)
	case syntax.Lt:
		c = pick(signed, a.e.SLT(b.e), a.e.ULT(b.e))
	case syntax.Le:
		c = pick(signed, a.e.SLE(b.e), a.e.ULE(b.e))
	case syntax.Gt:
		c = pick(signed, a.e.SGT(b.e), a.e.UGT(b.e))
	case syntax.Ge:
		c = pick(signed, a.e.SGE(b.e), a.e.UGE(b.e))
	default:
		return value{}, false
	}
	x.checkComparedOrder(e, a, b)
	out := x.truth(c)
	out.syms = append(append([]*symbol{}, a.syms...), b.syms...)
	return out, true
}

func pick(signed bool, s, u z3.Expr) z3.Expr {
	if signed {
		return s
	}
	return u
}

// arith evaluates an arithmetic or bitwise operator; division by zero is
// zero, as in BPF.
func (x *exec) arith(op syntax.Token, a, b value, ex, ey syntax.Expr) value {
	z := x.v.z
	signed := x.signedOp(ex) && x.signedOp(ey)
	zero := z.BVVal(0, 64)
	out := value{syms: append(append([]*symbol{}, a.syms...), b.syms...), net: derivedNet(a, b), host: derivedHost(a, b)}
	switch op {
	case syntax.Plus:
		out.e = a.e.Add(b.e)
		out.nanos = cmp.Or(a.nanos, b.nanos)
	case syntax.Minus:
		out.e = a.e.Sub(b.e)
		out.nanos = a.nanos
		x.checkClockDelta(ex, ey, a, b)
	case syntax.Star:
		out.e = a.e.Mul(b.e)
		x.checkNanosScaled(ex, a, ey)
		x.checkNanosScaled(ey, b, ex)
	case syntax.Slash:
		x.checkDivisor(ey, b)
		out.e = z.Ite(b.e.Eq(zero), zero, pick(signed, a.e.SDiv(b.e), a.e.UDiv(b.e)))
	case syntax.Percent:
		x.checkDivisor(ey, b)
		out.e = z.Ite(b.e.Eq(zero), zero, pick(signed, a.e.SRem(b.e), a.e.URem(b.e)))
	case syntax.Amp:
		out.e = a.e.And(b.e)
	case syntax.Pipe:
		out.e = a.e.Or(b.e)
	case syntax.Caret:
		out.e = a.e.Xor(b.e)
	case syntax.Shl:
		out.e = a.e.Shl(b.e)
	case syntax.Shr:
		out.e = pick(signed, a.e.AShr(b.e), a.e.LShr(b.e))
	default:
		return x.fresh("value", 64)
	}
	return out
}

// derivedHost is the host-order member a value computed from a and b
// derives from, if any: the checks then decide by its value whether it is
// the member itself or the member with its bytes swapped.
func derivedHost(a, b value) *netField {
	if a.host != nil {
		return a.host
	}
	return b.host
}

// derivedNet is the network-order field a value computed from a and b
// derives from, if any: the byte-order check then decides whether the
// result is that field in host order, the raw field, or something else.
func derivedNet(a, b value) *netField {
	if a.net != nil {
		return a.net
	}
	return b.net
}

// call evaluates a builtin call: bswap is modelled exactly, printf is a
// sink, and every other result is unknown.
func (x *exec) call(e *syntax.CallExpr) value {
	switch e.Fun.Name {
	case "bswap":
		if len(e.Args) == 1 {
			return x.bswap(e.Args[0])
		}
	case "printf", "errorf", "warnf":
		x.printfSink(e)
		return x.fresh("none", 64)
	case "delete":
		x.deleteCall(e)
		return x.fresh("none", 64)
	case "has_key":
		if v, ok := x.hasKey(e); ok {
			return v
		}
	}
	inputs := []string{e.Fun.Name}
	for i, a := range e.Args {
		// A whole map (print(@m), clear(@m)) is no read of an element.
		if m, isMap := a.(*syntax.MapExpr); !isMap || len(m.Keys) > 0 {
			v := x.eval(a)
			inputs = append(inputs, v.e.String())
			if e.Fun.Name == "ntop" && i == len(e.Args)-1 {
				x.checkAddressOrder(a, v)
			}
			if i == 0 && (e.Fun.Name == "hist" || e.Fun.Name == "sum") {
				x.checkNeverPositive(e.Fun.Name, a, v)
			}
			if i == 0 && (e.Fun.Name == "str" || e.Fun.Name == "buf") {
				x.checkNullString(e.Fun.Name, a, v)
			}
		} else {
			inputs = append(inputs, m.Name)
		}
	}
	if pureCalls[e.Fun.Name] {
		// Keyed by the arguments' values: strncmp($c, "sudo", 4) is one
		// value while $c holds one string.
		return x.memo("call "+strings.Join(inputs, "\x00"), e.Fun.Name)
	}
	return x.fresh(e.Fun.Name, 64)
}

// pureCalls are the functions whose result depends on their arguments and
// the memory they read only: within one probe, as with fields, ken takes
// the memory not to change, so the same call gives the same value
// (str(arg1) in the predicate is str(arg1) in an assertion).
var pureCalls = map[string]bool{
	"str": true, "strncmp": true, "strcontains": true, "ntop": true, "pton": true, "buf": true,
	"ksym": true, "usym": true, "kaddr": true, "uaddr": true, "cgroupid": true, "sizeof": true,
	"offsetof": true, "strlen": true, "kstack": true, "ustack": true, "path": true, "macaddr": true,
	"reg": true,
}

// memo is one unknown per key within the probe.
func (x *exec) memo(key, name string) value {
	if v, ok := x.fields[key]; ok {
		return v
	}
	v := x.fresh(name, 64)
	x.fields[key] = v
	return v
}

// bswap reverses the bytes of the argument's own width.
func (x *exec) bswap(arg syntax.Expr) value {
	v := x.eval(arg)
	x.checkSwappedOrder(arg, v)
	bits := uint(64)
	if t := x.typeOf(arg); t != nil && t.Kind == sema.Int && t.Bits >= 16 && t.Bits <= 64 {
		bits = uint(t.Bits)
	}
	return value{e: widen(byteSwap(v.e.Extract(bits-1, 0), bits), bits, false), syms: v.syms, net: v.net}
}

// byteSwap reverses the bytes of a bits-wide vector.
func byteSwap(e z3.Expr, bits uint) z3.Expr {
	out := e.Extract(7, 0)
	for lo := uint(8); lo < bits; lo += 8 {
		out = out.Concat(e.Extract(lo+7, lo))
	}
	return out
}

// mapKey returns the key of an access as one vector: the keys' 64-bit
// values side by side. exact is false when a key is not an integer or a
// pointer: such a key (a string, a stack) stands for its value only as an
// unknown, equal where the same value is read, so proofs stay sound but
// claims that keys differ are not made. ok is false for accesses ken does
// not model (a key count that differs from the map's).
func (x *exec) mapKey(m *syntax.MapExpr) (key value, exact, ok bool) {
	parts, exact := x.keyParts(m)
	if len(parts) != x.v.keyArity(m.Name) {
		return value{}, false, false
	}
	if len(parts) == 0 {
		return value{e: x.v.z.BVVal(0, 64)}, true, true
	}
	key = parts[0]
	for _, v := range parts[1:] {
		key = value{e: key.e.Concat(v.e), syms: append(append([]*symbol{}, key.syms...), v.syms...)}
	}
	return key, exact, true
}

// keyParts evaluates a map access's keys, one value per key: the
// elements of a tuple held in a variable count one each, as @m[$t] with
// $t = (a, b) is the element @m[a, b]. exact is false when a key is a
// string, a stack or a tuple of those, which ken cannot compare.
func (x *exec) keyParts(m *syntax.MapExpr) (parts []value, exact bool) {
	exact = true
	for _, k := range m.Keys {
		v := x.eval(k)
		x.byteOrder(k, v, "used as a map key")
		t := x.typeOf(k)
		// Annotation expressions have no sema types: their keys are integers.
		if t != nil && !exactKey(t) {
			exact = false
		}
		if len(m.Keys) == 1 && len(v.elems) > 1 && t != nil && t.Kind == sema.Tuple {
			return v.elems, exact
		}
		parts = append(parts, v)
	}
	return parts, exact
}

// exactKey reports types whose values ken models exactly as keys.
func exactKey(t *sema.Type) bool {
	switch t.Kind {
	case sema.Int, sema.Pointer:
		return true
	case sema.Tuple:
		for _, el := range t.Elems {
			if el == nil || !exactKey(el) {
				return false
			}
		}
		return true
	}
	return false
}

func (x *exec) mapArray(name string) z3.Expr {
	if arr, ok := x.maps[name]; ok {
		return arr
	}
	x.havocMap(name)
	return x.maps[name]
}

// tuple is a tuple's elements; the tuple as a whole is an unknown.
func (x *exec) tuple(e *syntax.TupleExpr) value {
	t := x.fresh("tuple", 64)
	for _, el := range e.Elems {
		t.elems = append(t.elems, x.eval(el))
	}
	return t
}

// tupleIndex reads element i of a tuple ken knows the elements of.
func (x *exec) tupleIndex(e *syntax.TupleIndexExpr) value {
	t := x.eval(e.X)
	if e.Index != nil && int(e.Index.Value) < len(t.elems) {
		return t.elems[e.Index.Value]
	}
	return x.fresh("element", 64)
}

func (x *exec) readMap(m *syntax.MapExpr) value {
	key, exact, ok := x.mapKey(m)
	if !ok {
		return x.fresh(m.Name, 64)
	}
	v := value{e: x.v.z.Select(x.mapArray(m.Name), key.e)}
	// The element is named in counterexamples by how the program wrote it.
	v.syms = append(append([]*symbol{}, key.syms...), &symbol{name: literalText(x, m), expr: v.e, bits: 64})
	for i := range x.v.tupleArity(m.Name) {
		el := value{e: x.v.z.Select(x.mapArray(elemMap(m.Name, i)), key.e), syms: key.syms}
		if exact {
			el.fromMap, el.fromKey, el.fromElem = m.Name, key.e, i+1
		}
		v.elems = append(v.elems, el)
	}
	if exact {
		v.fromMap, v.fromKey = m.Name, key.e
	}
	x.checkNotDeleted(m, key)
	if exact {
		x.checkEntryKey(m, key, "read")
	}
	return v
}

// checkNotDeleted reports a read of an element that is deleted on every
// path to it: the read is always 0, which is never what was meant.
func (x *exec) checkNotDeleted(m *syntax.MapExpr, key value) {
	present, ok := x.present[m.Name]
	if !ok || !x.checks {
		return
	}
	if verdict, _ := x.check(x.v.z.Not(x.v.z.Select(present, key.e))); verdict == Proved {
		x.add(Obligation{Code: CodeReadDeleted, Span: span(m), Verdict: Refuted,
			Claim:          m.Name + " holds an element for this key here",
			Counterexample: "it was deleted before this read on every path, so the read is always 0; read it before the delete"})
	}
}

func (x *exec) writeMap(m *syntax.MapExpr, val value) {
	x.storeMap(m, val, true)
}

// storeMap writes or (exists false) deletes one element.
func (x *exec) storeMap(m *syntax.MapExpr, val value, exists bool) {
	x.written[m.Name] = true
	key, exact, ok := x.mapKey(m)
	if !ok {
		x.havocMap(m.Name)
		return
	}
	arr := x.mapArray(m.Name)
	z := x.v.z
	switch {
	case exists && exact:
		x.stored[m.Name] = append(x.stored[m.Name], storedKey{key: key, at: m})
	case exists:
		// A store under a key ken cannot compare makes every claim
		// about this map's keys unsafe.
		x.inexact[m.Name] = true
	case exact:
		x.checkEntryKey(m, key, "deleted")
	}
	x.maps[m.Name] = z.Store(arr, key.e, val.e)
	x.present[m.Name] = z.Store(x.present[m.Name], key.e, z.BoolVal(exists))
	for i := range x.v.tupleArity(m.Name) {
		// A delete or a value that is not a tuple of that size zeroes or
		// forgets the elements.
		el := z.BVVal(0, 64)
		if exists {
			el = x.fresh("element", 64).e
			if i < len(val.elems) {
				el = val.elems[i].e
			}
		}
		name := elemMap(m.Name, i)
		x.maps[name] = z.Store(x.mapArray(name), key.e, el)
	}
}

// hasKey models has_key(@m, k): whether the element exists.
func (x *exec) hasKey(e *syntax.CallExpr) (value, bool) {
	if len(e.Args) != 2 {
		return value{}, false
	}
	m, ok := e.Args[0].(*syntax.MapExpr)
	if !ok {
		return value{}, false
	}
	key, _, ok := x.mapKey(&syntax.MapExpr{Start: m.Start, Name: m.Name, Keys: keyArgs(e), Rbrack: m.Rbrack})
	if !ok {
		return value{}, false
	}
	x.mapArray(m.Name)
	v := x.truth(x.v.z.Select(x.present[m.Name], key.e))
	v.syms = key.syms
	return v, true
}

// deleteCall models delete(@m[k]) and delete(@m, k): the key reads as zero.
func (x *exec) deleteCall(e *syntax.CallExpr) {
	if len(e.Args) == 0 {
		return
	}
	m, ok := e.Args[0].(*syntax.MapExpr)
	if !ok {
		return
	}
	if len(e.Args) == 2 {
		m = &syntax.MapExpr{Start: m.Start, Name: m.Name, Keys: keyArgs(e), Rbrack: m.Rbrack}
	}
	x.storeMap(m, value{e: x.v.z.BVVal(0, 64)}, false)
}
