package z3

/*
#cgo LDFLAGS: -lz3
#include "shim.h"
*/
import "C"

// Context owns Z3 objects: every Sort, Expr, Solver and Model made from it
// lives until Close. A Context is not safe for concurrent use: use one per
// goroutine. The zero Context is not usable; call NewContext.
type Context struct {
	z      C.Z3_context // nil once closed, or if Z3 could not make it
	closed bool
	err    error // the first error met, sticky

	// The objects the Context holds one Z3 reference on, released by Close.
	refs    []C.Z3_ast
	solvers []C.Z3_solver
	models  []C.Z3_model

	// Caches, so that building many terms of a few sorts does not grow
	// refs for the sorts too.
	boolSort   Sort
	bvSorts    map[uint]Sort
	arraySorts map[[2]C.Z3_sort]Sort
	bools      [2]Expr // false, true
}

// NewContext returns a new Context. It never panics: if Z3 cannot create a
// context, the Context's Err is ErrNoContext and every call on it fails.
func NewContext() *Context {
	c := &Context{
		z:          C.ken_new_context(),
		bvSorts:    make(map[uint]Sort),
		arraySorts: make(map[[2]C.Z3_sort]Sort),
	}
	if c.z == nil {
		c.err = opError("NewContext", ErrNoContext)
	}
	return c
}

// Close releases the Z3 context and everything made from it. It is safe to
// call twice; any later use of the Context or its values records ErrClosed.
func (c *Context) Close() {
	if c == nil || c.closed {
		return
	}
	c.closed = true
	if c.z == nil {
		return
	}
	C.ken_del_context(c.z,
		first(c.models), C.size_t(len(c.models)),
		first(c.solvers), C.size_t(len(c.solvers)),
		first(c.refs), C.size_t(len(c.refs)))
	c.z = nil
	c.refs, c.solvers, c.models = nil, nil, nil
	c.bvSorts, c.arraySorts = nil, nil
}

// first returns a pointer to the first element of s for C, or nil when s is
// empty. The elements are C pointers, so passing the Go array is allowed.
func first[T any](s []T) *T {
	if len(s) == 0 {
		return nil
	}
	return &s[0]
}

// Err returns the first error met by any call on c, or nil if none.
func (c *Context) Err() error {
	if c == nil {
		return opError("Err", ErrInvalid)
	}
	return c.err
}

// live reports whether c can make Z3 calls, recording why not otherwise.
func (c *Context) live(op string) bool {
	switch {
	case c == nil:
		return false
	case c.closed:
		c.record(opError(op, ErrClosed))
		return false
	case c.z == nil:
		c.record(opError(op, ErrNoContext))
		return false
	}
	return true
}

// usable is live without recording anything, for calls that only build a
// placeholder after an error has been recorded already.
func (c *Context) usable() bool {
	return c != nil && !c.closed && c.z != nil
}

// check reports whether c is live and every e is a valid Expr of c,
// recording the first problem otherwise.
func (c *Context) check(op string, es ...Expr) bool {
	if !c.live(op) {
		return false
	}
	for _, e := range es {
		if err := c.owns(e.c, e.a == nil); err != nil {
			c.record(opError(op, err))
			return false
		}
	}
	return true
}

// checkSort is check for a Sort.
func (c *Context) checkSort(op string, s Sort) bool {
	if !c.live(op) {
		return false
	}
	if err := c.owns(s.c, s.s == nil); err != nil {
		c.record(opError(op, err))
		return false
	}
	return true
}

// owns tells whether a value whose context is o (and which is zero when
// zero is set) may be used with c.
func (c *Context) owns(o *Context, zero bool) error {
	switch {
	case o == nil || zero:
		return ErrInvalid
	case o != c:
		return ErrForeign
	}
	return nil
}

// keep wraps an AST the shim returned, already referenced, and adds it to
// the references Close releases. A nil AST means the call failed: keep
// records Z3's error and returns the zero Expr.
func (c *Context) keep(op string, a C.Z3_ast) Expr {
	if a == nil {
		c.fail(op, C.Z3_OK)
		return Expr{}
	}
	c.refs = append(c.refs, a)
	return Expr{c: c, a: a}
}

// keepSort is keep for sorts.
func (c *Context) keepSort(op string, s C.Z3_sort) Sort {
	if s == nil {
		c.fail(op, C.Z3_OK)
		return Sort{}
	}
	c.refs = append(c.refs, C.Z3_sort_to_ast(c.z, s))
	return Sort{c: c, s: s}
}

// ctxOf returns the Context of the first operand that has one, which is
// where an operation on Exprs records its errors.
func ctxOf(es ...Expr) *Context {
	for _, e := range es {
		if e.c != nil {
			return e.c
		}
	}
	return nil
}
