package sema

import (
	"strings"

	"github.com/kenlsp/ken/analysis/dialect"
	"github.com/kenlsp/ken/analysis/syntax"
)

// expr types x, reports what is wrong inside it, and records its type.
func (c *checker) expr(x syntax.Expr) *Type {
	if x == nil {
		return unknownType
	}
	t := c.exprType(x)
	if t == nil {
		t = unknownType
	}
	c.info.Types[x] = t
	return t
}

func (c *checker) exprType(x syntax.Expr) *Type {
	switch x := x.(type) {
	case *syntax.IntLit:
		if hasUnsignedSuffix(x.Raw) {
			return uint64Type
		}
		return int64Type
	case *syntax.StringLit:
		return stringType(len(x.Value) + 1)
	case *syntax.BoolLit:
		return boolType
	case *syntax.Ident:
		return c.ident(x)
	case *syntax.Variable:
		return c.useVar(x)
	case *syntax.ParamExpr:
		if x.Raw == "$#" {
			return int64Type
		}
		return unknownType // bpftrace types a positional parameter by its value
	case *syntax.MapExpr:
		return c.mapValue(x)
	case *syntax.CallExpr:
		return c.call(x, ctxValue)
	case *syntax.ParenExpr:
		return c.expr(x.X)
	case *syntax.UnaryExpr:
		return c.unary(x)
	case *syntax.PostfixExpr:
		return c.increment(x, x.X, x.Op)
	case *syntax.BinaryExpr:
		return c.binary(x)
	case *syntax.TernaryExpr:
		return c.ternary(x)
	case *syntax.IfExpr:
		return c.ifExpr(x)
	case *syntax.Block:
		return c.block(x)
	case *syntax.TupleExpr:
		return c.tuple(x)
	case *syntax.RecordExpr:
		return c.record(x)
	case *syntax.CastExpr:
		return c.cast(x)
	case *syntax.FieldExpr:
		return c.field(x)
	case *syntax.TupleIndexExpr:
		return c.tupleIndex(x)
	case *syntax.IndexExpr:
		return c.index(x)
	case *syntax.SizeofExpr, *syntax.OffsetofExpr:
		c.typeArg(x)
		return uint64Type
	case *syntax.TypeinfoExpr:
		c.typeArg(x)
		return unknownType
	case *syntax.ComptimeExpr:
		return c.expr(x.X)
	case *syntax.RangeExpr:
		c.expr(x.Lo)
		c.expr(x.Hi)
		return unknownType
	}
	return unknownType
}

// hasUnsignedSuffix reports whether an integer literal ends in a C suffix
// with u, as 10UL or 0x10u.
func hasUnsignedSuffix(raw string) bool {
	suffix := strings.TrimRight(strings.ToLower(raw), "l")
	return strings.HasSuffix(suffix, "u")
}

// typeArg checks the operand of sizeof, offsetof and typeinfo, which is a
// type or an expression.
func (c *checker) typeArg(x syntax.Expr) {
	var arg syntax.Node
	switch x := x.(type) {
	case *syntax.SizeofExpr:
		arg = x.Arg
	case *syntax.OffsetofExpr:
		arg = x.Arg
	case *syntax.TypeinfoExpr:
		arg = x.Arg
	}
	switch a := arg.(type) {
	case syntax.Type:
		c.resolveType(a)
	case syntax.Expr:
		c.expr(a)
	}
}

func (c *checker) tuple(x *syntax.TupleExpr) *Type {
	elems := make([]*Type, len(x.Elems))
	for i, e := range x.Elems {
		elems[i] = c.value(e)
	}
	return &Type{Kind: Tuple, Elems: elems}
}

func (c *checker) record(x *syntax.RecordExpr) *Type {
	t := &Type{Kind: Record, Name: "record"}
	for _, f := range x.Fields {
		ft := c.value(f.Value)
		if f.Name != nil {
			t.Fields = append(t.Fields, RecordField{Name: f.Name.Name, Type: ft})
		}
	}
	return t
}

func (c *checker) tupleIndex(x *syntax.TupleIndexExpr) *Type {
	t := c.expr(x.X)
	if t.Kind != Tuple || x.Index == nil {
		if !t.IsUnknown() && t.Kind != Tuple {
			c.errorf(x, CodeTypeMismatch, "only tuples can be indexed with .N, not '%s'", t)
		}
		return unknownType
	}
	if int(x.Index.Value) >= len(t.Elems) {
		c.errorf(x.Index, CodeTypeMismatch, "index %d is out of range for a tuple of %d elements", x.Index.Value, len(t.Elems))
		return unknownType
	}
	return t.Elems[x.Index.Value]
}

func (c *checker) index(x *syntax.IndexExpr) *Type {
	t := c.expr(x.X)
	c.value(x.Index)
	switch t.Kind {
	case Array, Pointer:
		return orUnknown(t.Elem)
	case String:
		return intType(8, true)
	}
	return unknownType
}

func (c *checker) unary(x *syntax.UnaryExpr) *Type {
	if x.Op == syntax.Inc || x.Op == syntax.Dec {
		return c.increment(x, x.X, x.Op)
	}
	t := c.value(x.X)
	switch x.Op {
	case syntax.Star:
		return c.deref(x, t)
	case syntax.Amp:
		return pointerTo(t)
	case syntax.Bang:
		if t.Kind == String || t.Kind == Tuple || t.Kind == Record {
			c.errorf(x, CodeTypeMismatch, "the ! operator needs an integer operand, not '%s'", t)
		}
		if c.dialect.AtLeast(dialect.V(0, 24)) {
			return boolType
		}
		return uint64Type // bpftrace 0.23 gives !x the type uint64
	}
	if !t.IsUnknown() && !t.IsIntegral() && t.Kind != Aggregate {
		c.errorf(x, CodeTypeMismatch, "the %s operator needs an integer operand, not '%s'", x.Op, t)
		return unknownType
	}
	if t.Kind == Int {
		return intType(64, t.Signed) // -pid is a uint64
	}
	return int64Type
}

func (c *checker) deref(x *syntax.UnaryExpr, t *Type) *Type {
	switch t.Kind {
	case Pointer:
		return orUnknown(t.Elem)
	case Int:
		return uint64Type // bpftrace reads 8 bytes at an integer address
	case Unknown:
		return unknownType
	}
	c.errorf(x, CodeTypeMismatch, "cannot dereference a value of type '%s'", t)
	return unknownType
}

// increment checks x++, x--, ++x and --x.
func (c *checker) increment(n syntax.Node, x syntax.Expr, op syntax.Token) *Type {
	var t *Type
	switch v := x.(type) {
	case *syntax.Variable:
		t = c.useVar(v)
		c.info.Types[v] = t
	case *syntax.MapExpr:
		t = c.incrementMap(v)
	default:
		t = c.expr(x)
	}
	if t.Kind == Aggregate {
		c.errorf(n, CodeAggregateOperand, "%s cannot be applied to an aggregation ('%s')", op, t)
		return unknownType
	}
	if !t.IsUnknown() && !t.IsIntegral() {
		c.errorf(n, CodeTypeMismatch, "%s needs an integer, not '%s'", op, t)
		return unknownType
	}
	return t
}

// incrementMap types @m++: a map that was never assigned starts at zero,
// so the increment itself defines it as an integer.
func (c *checker) incrementMap(m *syntax.MapExpr) *Type {
	info := c.mapInfo(m.Name)
	if info.Value.IsUnknown() {
		c.writeMap(m, int64Type)
		return int64Type
	}
	t := info.Value
	c.writeMap(m, t)
	return t
}

var (
	comparisons = map[syntax.Token]bool{
		syntax.Eq: true, syntax.Ne: true, syntax.Lt: true, syntax.Gt: true, syntax.Le: true, syntax.Ge: true,
	}
	logical = map[syntax.Token]bool{syntax.AndAnd: true, syntax.OrOr: true}
)

func (c *checker) binary(x *syntax.BinaryExpr) *Type {
	a, b := c.value(x.X), c.value(x.Y)
	op := x.Op.String()
	switch {
	case comparisons[x.Op]:
		c.compare(x, a, b, op)
		return c.truthType(a, b)
	case logical[x.Op]:
		for _, t := range []*Type{a, b} {
			if t.Kind == String || t.Kind == Tuple || t.Kind == Record {
				c.errorf(x, CodeTypeMismatch, "the %s operator needs integer operands, not '%s'", op, t)
				break
			}
		}
		return c.truthType(a, b)
	}
	return c.arith(x, a, b, op)
}

// truthType is the type of a comparison or logical operator: bool from
// bpftrace 0.24; before, a 64-bit integer that is unsigned unless both
// operands are signed, as arithmetic is.
func (c *checker) truthType(a, b *Type) *Type {
	if c.dialect.AtLeast(dialect.V(0, 24)) {
		return boolType
	}
	return intType(64, signedOperands(a, b))
}

// signedOperands reports whether an operation on a and b is signed: only
// when neither is a known unsigned integer.
func signedOperands(a, b *Type) bool {
	return !(a.Kind == Int && !a.Signed) && !(b.Kind == Int && !b.Signed)
}

func (c *checker) compare(x syntax.Node, a, b *Type, op string) {
	if a.IsUnknown() || b.IsUnknown() {
		return
	}
	// Only pairs bpftrace is known to refuse are reported: a string with
	// anything but a string (func == "x" compares a ksym_t), and a number
	// with a value that has no order.
	mismatch := stringLike(a) != stringLike(b)
	if !stringLike(a) && !stringLike(b) {
		mismatch = nonNumeric(a) != nonNumeric(b) && (arithmetic(a) || arithmetic(b))
	}
	if mismatch {
		c.errorf(x, CodeTypeMismatch, "type mismatch for '%s': comparing '%s' with '%s'", op, a, b)
	}
}

// stringLike reports whether t compares as a string.
func stringLike(t *Type) bool { return t.Kind == String }

// nonNumeric reports whether t is a value that never takes part in
// arithmetic: tuples, records, buffers and histogram-like aggregations.
func nonNumeric(t *Type) bool {
	switch t.Kind {
	case Tuple, Record, Buffer:
		return true
	case Aggregate:
		return !arithmetic(t)
	}
	return false
}

// arithmetic reports whether t can be an operand of arithmetic: integers,
// pointers, and the scalar aggregations bpftrace reads as integers.
func arithmetic(t *Type) bool {
	if t.IsIntegral() {
		return true
	}
	if t.Kind == Aggregate {
		switch t.Name {
		case "count", "sum", "min", "max", "avg":
			return true
		}
	}
	return false
}

// arith checks x op y for an arithmetic or bitwise operator.
func (c *checker) arith(x syntax.Node, a, b *Type, op string) *Type {
	if a.IsUnknown() || b.IsUnknown() {
		return unknownType
	}
	if stringLike(a) || stringLike(b) || nonNumeric(a) || nonNumeric(b) {
		c.errorf(x, CodeTypeMismatch, "type mismatch for '%s': comparing '%s' with '%s'", op, a, b)
		return unknownType
	}
	if !arithmetic(a) || !arithmetic(b) {
		return unknownType
	}
	if a.Kind == Pointer || b.Kind == Pointer {
		return c.pointerArith(x, a, b, op)
	}
	if a.Kind == Int && b.Kind == Int {
		// bpftrace computes in 64 bits, unsigned unless both operands
		// are signed: (uint16)x >> 8 is a uint64.
		return intType(64, a.Signed && b.Signed)
	}
	return int64Type
}

// pointerArith checks arithmetic with a pointer operand: bpftrace allows
// only adding an integer to a pointer and subtracting one from it.
func (c *checker) pointerArith(x syntax.Node, a, b *Type, op string) *Type {
	switch {
	case op == "+" && a.Kind == Pointer && b.Kind != Pointer:
		return a
	case op == "+" && b.Kind == Pointer && a.Kind != Pointer:
		return b
	case op == "-" && a.Kind == Pointer && b.Kind != Pointer:
		return a
	}
	c.errorf(x, CodePointerOperation, "the %s operator cannot be used on '%s' and '%s'; cast the pointer to an integer first", op, a, b)
	return unknownType
}

func (c *checker) ternary(x *syntax.TernaryExpr) *Type {
	c.condition(x.Cond)
	var then *Type
	if x.Then != nil {
		then = c.value(x.Then)
	} else {
		then = c.info.Types[x.Cond]
	}
	els := c.value(x.Else)
	if then.IsUnknown() || els.IsUnknown() {
		return unknownType
	}
	if stringLike(then) != stringLike(els) || then.Kind == Tuple != (els.Kind == Tuple) {
		c.errorf(x, CodeTypeMismatch, "the branches of ?: have different types: '%s' and '%s'", then, els)
		return unknownType
	}
	return then
}
