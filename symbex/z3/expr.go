package z3

/*
#include <stdlib.h>
#include "shim.h"
*/
import "C"

import "unsafe"

// Expr is a Z3 term: a Boolean, a bit-vector or an array. It is a small
// value; the zero Expr is invalid, and operations on it record ErrInvalid
// in the Context of any other operand. Exprs of one Context are ==
// exactly when they are the same term.
type Expr struct {
	c *Context
	a C.Z3_ast
}

// invalidName names the placeholders failed operations return, so that
// they stand out when printed ("invalid!0").
var invalidName = C.CString("invalid")

// Valid reports whether e is a term of a Context that is not closed.
func (e Expr) Valid() bool {
	return e.a != nil && e.c.usable()
}

// Context returns the Context that owns e, or nil for the zero Expr.
func (e Expr) Context() *Context {
	return e.c
}

// Sort returns e's sort.
func (e Expr) Sort() Sort {
	if !e.c.check("Sort", e) {
		return Sort{}
	}
	// No reference is taken: e holds its sort, and e lives until Close.
	return Sort{c: e.c, s: C.Z3_get_sort(e.c.z, e.a)}
}

// String returns e in SMT-LIB syntax. It records no error, so that
// printing is always safe.
func (e Expr) String() string {
	if !e.Valid() {
		return "<invalid>"
	}
	return C.GoString(C.Z3_ast_to_string(e.c.z, e.a))
}

// BoolVal returns the Boolean constant b.
func (c *Context) BoolVal(b bool) Expr {
	if !c.live("BoolVal") {
		return Expr{}
	}
	i := 0
	if b {
		i = 1
	}
	if c.bools[i].a == nil {
		c.bools[i] = c.keep("BoolVal", C.ken_bool_val(c.z, C.int(i)))
	}
	return c.bools[i]
}

// BVVal returns the bit-vector constant v of the given width, keeping only
// v's low bits when the width is under 64.
func (c *Context) BVVal(v uint64, bits uint) Expr {
	s := c.BVSort(bits)
	if s.s == nil {
		return Expr{}
	}
	if bits < 64 {
		v &= 1<<bits - 1
	}
	return c.keep("BVVal", C.ken_bv_val(c.z, C.uint64_t(v), s.s))
}

// BVValSigned returns the bit-vector constant v of the given width in two's
// complement: truncated when the width is under 64, sign-extended above.
func (c *Context) BVValSigned(v int64, bits uint) Expr {
	if bits <= 64 {
		return c.BVVal(uint64(v), bits)
	}
	return c.BVVal(uint64(v), 64).SignExt(bits - 64)
}

// Const returns the constant (free variable) named name of sort s. The
// same name and sort give the same constant.
func (c *Context) Const(name string, s Sort) Expr {
	if !c.checkSort("Const", s) {
		return Expr{}
	}
	cname := C.CString(name)
	defer C.free(unsafe.Pointer(cname))
	return c.keep("Const", C.ken_const(c.z, cname, s.s))
}

// Fresh returns a constant of sort s distinct from every other, named
// after prefix ("prefix!N").
func (c *Context) Fresh(prefix string, s Sort) Expr {
	if !c.checkSort("Fresh", s) {
		return Expr{}
	}
	cprefix := C.CString(prefix)
	defer C.free(unsafe.Pointer(cprefix))
	return c.keep("Fresh", C.ken_fresh(c.z, cprefix, s.s))
}

// A shape says what sort of placeholder a failed operation returns.
type shape uint8

const (
	likeOperand shape = iota // the sort of the first valid operand
	boolean                  // Bool
)

// placeholder returns a fresh constant of sort s to stand for the result
// of a failed operation, or the zero Expr when s is unknown. The error is
// recorded already, so placeholder records none of its own.
func (c *Context) placeholder(s Sort) Expr {
	if !c.usable() || s.c != c || s.s == nil {
		return Expr{}
	}
	r := C.ken_fresh(c.z, invalidName, s.s)
	if r == nil {
		C.Z3_set_error(c.z, C.Z3_OK)
		return Expr{}
	}
	c.refs = append(c.refs, r)
	return Expr{c: c, a: r}
}

// quietly calls want when c is usable. It runs after a failure, so any
// error want meets comes second and is not kept.
func (c *Context) quietly(want func() Sort) Sort {
	if !c.usable() {
		return Sort{}
	}
	return want()
}

// failed returns the placeholder for a failed operation on es.
func (c *Context) failed(res shape, es ...Expr) Expr {
	if !c.usable() {
		return Expr{}
	}
	if res == boolean {
		return c.placeholder(c.BoolSort())
	}
	for _, e := range es {
		if e.c == c && e.a != nil {
			return c.placeholder(Sort{c: c, s: C.Z3_get_sort(c.z, e.a)})
		}
	}
	return Expr{}
}

// result wraps the AST a shim helper returned for op on es, or records the
// error and returns a placeholder when it returned nil.
func (c *Context) result(op string, res shape, r C.Z3_ast, es ...Expr) Expr {
	if r == nil {
		c.fail(op, C.Z3_OK)
		return c.failed(res, es...)
	}
	c.refs = append(c.refs, r)
	return Expr{c: c, a: r}
}

// unary applies a one-operand operation.
func (c *Context) unary(op string, code C.int, res shape, a Expr) Expr {
	if !c.check(op, a) {
		return c.failed(res, a)
	}
	return c.result(op, res, C.ken_unary(c.z, code, a.a), a)
}

// binary applies a two-operand operation.
func (c *Context) binary(op string, code C.int, res shape, a, b Expr) Expr {
	if !c.check(op, a, b) {
		return c.failed(res, a, b)
	}
	return c.result(op, res, C.ken_binary(c.z, code, a.a, b.a), a, b)
}

// ternary applies a three-operand operation.
func (c *Context) ternary(op string, code C.int, res shape, a, b, d Expr) Expr {
	if !c.check(op, a, b, d) {
		return c.failed(res, a, b, d)
	}
	return c.result(op, res, C.ken_ternary(c.z, code, a.a, b.a, d.a), a, b, d)
}

// nary applies an operation on any number of operands.
func (c *Context) nary(op string, code C.int, res shape, es []Expr) Expr {
	if !c.check(op, es...) {
		return c.failed(res, es...)
	}
	args := make([]C.Z3_ast, len(es))
	for i, e := range es {
		args[i] = e.a
	}
	return c.result(op, res, C.ken_nary(c.z, code, C.unsigned(len(args)), first(args)), es...)
}

// indexed applies an operation with unsigned parameters i and j (Z3's
// indexed operators such as extract). want gives the result's sort for a
// placeholder, and is called only on failure.
func (c *Context) indexed(op string, code C.int, i, j uint, a Expr, want func() Sort) Expr {
	if !c.check(op, a) || !c.fits(op, i, j) {
		return c.placeholder(c.quietly(want))
	}
	r := C.ken_indexed(c.z, code, C.unsigned(i), C.unsigned(j), a.a)
	if r == nil {
		c.fail(op, C.Z3_OK)
		return c.placeholder(c.quietly(want))
	}
	c.refs = append(c.refs, r)
	return Expr{c: c, a: r}
}
