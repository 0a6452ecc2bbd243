package z3

/*
#include "shim.h"
*/
import "C"

// And returns the conjunction of es, which must be Booleans; it is true
// when es is empty.
func (c *Context) And(es ...Expr) Expr {
	if len(es) == 0 {
		return c.BoolVal(true)
	}
	return c.nary("And", C.KEN_AND, boolean, es)
}

// Or returns the disjunction of es, which must be Booleans; it is false
// when es is empty.
func (c *Context) Or(es ...Expr) Expr {
	if len(es) == 0 {
		return c.BoolVal(false)
	}
	return c.nary("Or", C.KEN_OR, boolean, es)
}

// Distinct returns the Boolean that holds when es are pairwise different.
// It is true when es has fewer than two terms.
func (c *Context) Distinct(es ...Expr) Expr {
	if len(es) < 2 {
		// Z3 4.8.12 rejects an empty distinct; a single term is distinct
		// from nothing. Check it all the same, so misuse is not silent.
		if !c.check("Distinct", es...) {
			return c.failed(boolean)
		}
		return c.BoolVal(true)
	}
	return c.nary("Distinct", C.KEN_DISTINCT, boolean, es)
}

// Not returns the Boolean negation of e. For bitwise complement use
// Expr.Not.
func (c *Context) Not(e Expr) Expr {
	return c.unary("Not", C.KEN_NOT, boolean, e)
}

// Implies returns the Boolean a => b.
func (c *Context) Implies(a, b Expr) Expr {
	return c.binary("Implies", C.KEN_IMPLIES, boolean, a, b)
}

// Iff returns the Boolean a <=> b.
func (c *Context) Iff(a, b Expr) Expr {
	return c.binary("Iff", C.KEN_IFF, boolean, a, b)
}

// Ite returns "if cond then then else els": cond must be a Boolean, and
// then and els of one sort, which is the result's.
func (c *Context) Ite(cond, then, els Expr) Expr {
	if !c.check("Ite", cond, then, els) {
		return c.failed(likeOperand, then, els)
	}
	return c.result("Ite", likeOperand,
		C.ken_ternary(c.z, C.KEN_ITE, cond.a, then.a, els.a), then, els)
}

// Simplify returns an equivalent, usually smaller, form of e, with
// constant subterms folded.
func (c *Context) Simplify(e Expr) Expr {
	return c.unary("Simplify", C.KEN_SIMPLIFY, likeOperand, e)
}
