package z3

/*
#include "shim.h"
*/
import "C"

// Bit-vector operations. Both operands must have the same width; a
// mismatch, or an operand that is not a bit-vector, records Z3's error in
// the Context and returns a placeholder (see the package documentation).

// Add returns e + f, modulo 2^width.
func (e Expr) Add(f Expr) Expr { return ctxOf(e, f).binary("Add", C.KEN_BVADD, likeOperand, e, f) }

// Sub returns e - f, modulo 2^width.
func (e Expr) Sub(f Expr) Expr { return ctxOf(e, f).binary("Sub", C.KEN_BVSUB, likeOperand, e, f) }

// Mul returns e * f, modulo 2^width.
func (e Expr) Mul(f Expr) Expr { return ctxOf(e, f).binary("Mul", C.KEN_BVMUL, likeOperand, e, f) }

// UDiv returns the unsigned quotient e / f; e / 0 is all ones.
func (e Expr) UDiv(f Expr) Expr {
	return ctxOf(e, f).binary("UDiv", C.KEN_BVUDIV, likeOperand, e, f)
}

// SDiv returns the signed quotient e / f, rounded toward zero.
func (e Expr) SDiv(f Expr) Expr {
	return ctxOf(e, f).binary("SDiv", C.KEN_BVSDIV, likeOperand, e, f)
}

// URem returns the unsigned remainder e % f; e % 0 is e.
func (e Expr) URem(f Expr) Expr {
	return ctxOf(e, f).binary("URem", C.KEN_BVUREM, likeOperand, e, f)
}

// SRem returns the signed remainder of SDiv, with the sign of e (C's %).
func (e Expr) SRem(f Expr) Expr {
	return ctxOf(e, f).binary("SRem", C.KEN_BVSREM, likeOperand, e, f)
}

// SMod returns the signed remainder with the sign of f (floored modulo).
func (e Expr) SMod(f Expr) Expr {
	return ctxOf(e, f).binary("SMod", C.KEN_BVSMOD, likeOperand, e, f)
}

// And returns the bitwise e & f.
func (e Expr) And(f Expr) Expr { return ctxOf(e, f).binary("And", C.KEN_BVAND, likeOperand, e, f) }

// Or returns the bitwise e | f.
func (e Expr) Or(f Expr) Expr { return ctxOf(e, f).binary("Or", C.KEN_BVOR, likeOperand, e, f) }

// Xor returns the bitwise e ^ f.
func (e Expr) Xor(f Expr) Expr { return ctxOf(e, f).binary("Xor", C.KEN_BVXOR, likeOperand, e, f) }

// Shl returns e << f; shifting by the width or more gives 0.
func (e Expr) Shl(f Expr) Expr { return ctxOf(e, f).binary("Shl", C.KEN_BVSHL, likeOperand, e, f) }

// LShr returns the logical (unsigned) e >> f.
func (e Expr) LShr(f Expr) Expr {
	return ctxOf(e, f).binary("LShr", C.KEN_BVLSHR, likeOperand, e, f)
}

// AShr returns the arithmetic (signed) e >> f.
func (e Expr) AShr(f Expr) Expr {
	return ctxOf(e, f).binary("AShr", C.KEN_BVASHR, likeOperand, e, f)
}

// Neg returns -e, modulo 2^width.
func (e Expr) Neg() Expr { return e.c.unary("Neg", C.KEN_BVNEG, likeOperand, e) }

// Not returns the bitwise complement ^e. For Boolean negation use
// Context.Not.
func (e Expr) Not() Expr { return e.c.unary("Not", C.KEN_BVNOT, likeOperand, e) }

// Eq returns the Boolean e == f. It takes operands of any one sort.
func (e Expr) Eq(f Expr) Expr { return ctxOf(e, f).binary("Eq", C.KEN_EQ, boolean, e, f) }

// NE returns the Boolean e != f. It takes operands of any one sort.
func (e Expr) NE(f Expr) Expr {
	return ctxOf(e, f).nary("NE", C.KEN_DISTINCT, boolean, []Expr{e, f})
}

// ULT returns the Boolean unsigned e < f.
func (e Expr) ULT(f Expr) Expr { return ctxOf(e, f).binary("ULT", C.KEN_BVULT, boolean, e, f) }

// ULE returns the Boolean unsigned e <= f.
func (e Expr) ULE(f Expr) Expr { return ctxOf(e, f).binary("ULE", C.KEN_BVULE, boolean, e, f) }

// UGT returns the Boolean unsigned e > f.
func (e Expr) UGT(f Expr) Expr { return ctxOf(e, f).binary("UGT", C.KEN_BVUGT, boolean, e, f) }

// UGE returns the Boolean unsigned e >= f.
func (e Expr) UGE(f Expr) Expr { return ctxOf(e, f).binary("UGE", C.KEN_BVUGE, boolean, e, f) }

// SLT returns the Boolean signed e < f.
func (e Expr) SLT(f Expr) Expr { return ctxOf(e, f).binary("SLT", C.KEN_BVSLT, boolean, e, f) }

// SLE returns the Boolean signed e <= f.
func (e Expr) SLE(f Expr) Expr { return ctxOf(e, f).binary("SLE", C.KEN_BVSLE, boolean, e, f) }

// SGT returns the Boolean signed e > f.
func (e Expr) SGT(f Expr) Expr { return ctxOf(e, f).binary("SGT", C.KEN_BVSGT, boolean, e, f) }

// SGE returns the Boolean signed e >= f.
func (e Expr) SGE(f Expr) Expr { return ctxOf(e, f).binary("SGE", C.KEN_BVSGE, boolean, e, f) }

// Extract returns bits hi down to lo of e, inclusive: a bit-vector of
// width hi-lo+1. It needs lo <= hi < e's width.
func (e Expr) Extract(hi, lo uint) Expr {
	return e.c.indexed("Extract", C.KEN_EXTRACT, hi, lo, e, func() Sort {
		if hi < lo {
			return e.c.BVSort(1)
		}
		return e.c.BVSort(hi - lo + 1)
	})
}

// ZeroExt returns e widened by n bits, filled with zeros.
func (e Expr) ZeroExt(n uint) Expr {
	return e.c.indexed("ZeroExt", C.KEN_ZERO_EXT, n, 0, e, func() Sort {
		return e.c.BVSort(e.Sort().BVSize() + n)
	})
}

// SignExt returns e widened by n bits, filled with copies of its sign bit.
func (e Expr) SignExt(n uint) Expr {
	return e.c.indexed("SignExt", C.KEN_SIGN_EXT, n, 0, e, func() Sort {
		return e.c.BVSort(e.Sort().BVSize() + n)
	})
}

// Concat returns e followed by f: e gives the high bits. The widths may
// differ.
func (e Expr) Concat(f Expr) Expr {
	c := ctxOf(e, f)
	if !c.check("Concat", e, f) {
		return c.failed(likeOperand, e, f)
	}
	r := C.ken_binary(c.z, C.KEN_CONCAT, e.a, f.a)
	if r == nil {
		c.fail("Concat", C.Z3_OK)
		return c.placeholder(c.BVSort(e.Sort().BVSize() + f.Sort().BVSize()))
	}
	c.refs = append(c.refs, r)
	return Expr{c: c, a: r}
}

// Overflow predicates: each returns a Boolean that holds when the operation
// does NOT overflow (or underflow) the operands' width, for the symbolic
// executor to assert or to check the negation of.

// AddNoOverflow holds when a + b fits: as unsigned numbers, or as signed
// ones (no positive overflow) when signed is set.
func (c *Context) AddNoOverflow(a, b Expr, signed bool) Expr {
	op := C.int(C.KEN_ADD_NO_OVERFLOW_U)
	if signed {
		op = C.KEN_ADD_NO_OVERFLOW_S
	}
	return c.binary("AddNoOverflow", op, boolean, a, b)
}

// AddNoUnderflow holds when the signed a + b does not go below the minimum.
func (c *Context) AddNoUnderflow(a, b Expr) Expr {
	return c.binary("AddNoUnderflow", C.KEN_ADD_NO_UNDERFLOW, boolean, a, b)
}

// SubNoOverflow holds when the signed a - b does not go above the maximum.
func (c *Context) SubNoOverflow(a, b Expr) Expr {
	return c.binary("SubNoOverflow", C.KEN_SUB_NO_OVERFLOW, boolean, a, b)
}

// SubNoUnderflow holds when a - b does not go below the minimum: below 0
// (that is, a >= b) as unsigned numbers, or below the signed minimum when
// signed is set.
func (c *Context) SubNoUnderflow(a, b Expr, signed bool) Expr {
	op := C.int(C.KEN_SUB_NO_UNDERFLOW_U)
	if signed {
		op = C.KEN_SUB_NO_UNDERFLOW_S
	}
	return c.binary("SubNoUnderflow", op, boolean, a, b)
}

// MulNoOverflow holds when a * b fits: as unsigned numbers, or as signed
// ones (no positive overflow) when signed is set.
func (c *Context) MulNoOverflow(a, b Expr, signed bool) Expr {
	op := C.int(C.KEN_MUL_NO_OVERFLOW_U)
	if signed {
		op = C.KEN_MUL_NO_OVERFLOW_S
	}
	return c.binary("MulNoOverflow", op, boolean, a, b)
}

// MulNoUnderflow holds when the signed a * b does not go below the minimum.
func (c *Context) MulNoUnderflow(a, b Expr) Expr {
	return c.binary("MulNoUnderflow", C.KEN_MUL_NO_UNDERFLOW, boolean, a, b)
}

// SDivNoOverflow holds unless a is the signed minimum and b is -1, the one
// signed division whose quotient does not fit.
func (c *Context) SDivNoOverflow(a, b Expr) Expr {
	return c.binary("SDivNoOverflow", C.KEN_SDIV_NO_OVERFLOW, boolean, a, b)
}

// NegNoOverflow holds unless a is the signed minimum, whose negation does
// not fit.
func (c *Context) NegNoOverflow(a Expr) Expr {
	return c.unary("NegNoOverflow", C.KEN_NEG_NO_OVERFLOW, boolean, a)
}
