package z3

/*
#include "shim.h"
*/
import "C"

// Select returns a[i]. i must have the array's domain sort.
func (c *Context) Select(a, i Expr) Expr {
	if !c.check("Select", a, i) {
		return c.placeholder(c.rangeOf(a))
	}
	r := C.ken_binary(c.z, C.KEN_SELECT, a.a, i.a)
	if r == nil {
		c.fail("Select", C.Z3_OK)
		return c.placeholder(c.rangeOf(a))
	}
	c.refs = append(c.refs, r)
	return Expr{c: c, a: r}
}

// rangeOf returns the element sort of a, if a is an array of c, for a
// failed Select's placeholder.
func (c *Context) rangeOf(a Expr) Sort {
	if a.c != c || a.a == nil || !c.usable() {
		return Sort{}
	}
	return Sort{c: c, s: C.Z3_get_sort(c.z, a.a)}.Range()
}

// Store returns the array a with a[i] replaced by v.
func (c *Context) Store(a, i, v Expr) Expr {
	if !c.check("Store", a, i, v) {
		return c.failed(likeOperand, a)
	}
	return c.result("Store", likeOperand,
		C.ken_ternary(c.z, C.KEN_STORE, a.a, i.a, v.a), a)
}

// ConstArray returns the array over domain that holds v at every index,
// such as a map whose absent keys read as zero.
func (c *Context) ConstArray(domain Sort, v Expr) Expr {
	if !c.checkSort("ConstArray", domain) || !c.check("ConstArray", v) {
		return Expr{}
	}
	r := C.ken_const_array(c.z, domain.s, v.a)
	if r == nil {
		c.fail("ConstArray", C.Z3_OK)
		return c.placeholder(c.ArraySort(domain, v.Sort()))
	}
	c.refs = append(c.refs, r)
	return Expr{c: c, a: r}
}
