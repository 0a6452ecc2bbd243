package z3

/*
#include "shim.h"
*/
import "C"

// Model is an assignment of values to constants that satisfies a solver's
// assertions. A nil *Model is allowed and reports nothing.
type Model struct {
	c *Context
	m C.Z3_model
}

// ready reports whether m can evaluate e, recording why not otherwise.
func (m *Model) ready(op string, e Expr) bool {
	return m != nil && m.m != nil && m.c.check(op, e)
}

// Eval returns e's value in m, a constant term. Constants the model leaves
// free get a default value (model completion), so the result is always a
// constant.
func (m *Model) Eval(e Expr) Expr {
	if !m.ready("Eval", e) {
		return Expr{}
	}
	return m.c.result("Eval", likeOperand, C.ken_model_eval(m.c.z, m.m, e.a), e)
}

// Uint64 returns the value of e, a bit-vector of at most 64 bits, in m.
// It reports false if e is wider or not a bit-vector.
func (m *Model) Uint64(e Expr) (uint64, bool) {
	v, _, ok := m.numeral("Uint64", e)
	return v, ok
}

// Int64 returns the value of e, a bit-vector of at most 64 bits, in m, read
// as a two's complement number of e's width. It reports false if e is wider
// or not a bit-vector.
func (m *Model) Int64(e Expr) (int64, bool) {
	v, bits, ok := m.numeral("Int64", e)
	if !ok {
		return 0, false
	}
	if bits < 64 && v>>(bits-1)&1 == 1 {
		v |= ^uint64(0) << bits // copy the sign bit up
	}
	return int64(v), true
}

// numeral evaluates the bit-vector e in m and returns its value and width.
func (m *Model) numeral(op string, e Expr) (v uint64, bits uint, ok bool) {
	if !m.ready(op, e) {
		return 0, 0, false
	}
	var cv C.uint64_t
	var cb C.unsigned
	switch C.ken_model_numeral(m.c.z, m.m, e.a, &cv, &cb) {
	case C.KEN_NUM_OK:
		return uint64(cv), uint(cb), true
	case C.KEN_NUM_ERROR:
		m.c.fail(op, C.Z3_OK)
	}
	return 0, 0, false
}

// Bool returns the value of the Boolean e in m. It reports false if e is
// not a Boolean.
func (m *Model) Bool(e Expr) (bool, bool) {
	if !m.ready("Bool", e) {
		return false, false
	}
	var v C.int
	switch C.ken_model_bool(m.c.z, m.m, e.a, &v) {
	case C.KEN_NUM_OK:
		return v == C.Z3_L_TRUE, true
	case C.KEN_NUM_ERROR:
		m.c.fail("Bool", C.Z3_OK)
	}
	return false, false
}

// String returns the model's assignments, one per line.
func (m *Model) String() string {
	if m == nil || m.m == nil || !m.c.usable() {
		return "<invalid model>"
	}
	return C.GoString(C.Z3_model_to_string(m.c.z, m.m))
}
