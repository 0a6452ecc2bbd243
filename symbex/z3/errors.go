package z3

/*
#include "shim.h"
*/
import "C"

import (
	"errors"
	"fmt"
)

// Errors the binding detects itself. Each is recorded wrapped with the name
// of the operation that met it, e.g. "z3: Add: invalid (zero) expression".
var (
	// ErrNoContext means Z3 could not create the context.
	ErrNoContext = errors.New("z3 could not create a context")
	// ErrClosed means the Context was used after Close.
	ErrClosed = errors.New("context is closed")
	// ErrInvalid means a zero Expr, Sort, Solver or Model was used.
	ErrInvalid = errors.New("invalid (zero) value")
	// ErrForeign means an Expr or Sort of one Context was given to another.
	ErrForeign = errors.New("value belongs to another context")
	// ErrNoModel means Model was asked for when the last check was not Sat,
	// or the solver changed since.
	ErrNoModel = errors.New("no model: the last check was not sat")
	// ErrRange means a width or bit index does not fit Z3's 32-bit
	// unsigned parameters.
	ErrRange = errors.New("width or index out of range")
	// ErrScopes means Pop was asked to pop more scopes than were pushed.
	ErrScopes = errors.New("pop of more scopes than pushed")
)

// Error is a failure Z3 itself reported, such as a sort mismatch.
type Error struct {
	Op   string // the binding's operation, such as "Add"
	Code int    // Z3's Z3_error_code; 12 (Z3_EXCEPTION) for most misuse
	Msg  string // Z3's message
}

// Error returns "z3: Op: Msg".
func (e *Error) Error() string {
	return "z3: " + e.Op + ": " + e.Msg
}

// opError wraps a sentinel with the operation that met it.
func opError(op string, err error) error {
	return fmt.Errorf("z3: %s: %w", op, err)
}

// record keeps err unless an earlier error is already kept: the first error
// is the cause, later ones are usually its echoes.
func (c *Context) record(err error) {
	if c != nil && c.err == nil {
		c.err = err
	}
}

// fail records the Z3 error with the given code, or, when code is Z3_OK,
// Z3's current one: the helper that failed left it in place (see shim.c).
// It then clears the code, since not every Z3 call resets it.
func (c *Context) fail(op string, code C.int) {
	if code == C.Z3_OK {
		code = C.int(C.Z3_get_error_code(c.z))
	}
	msg := "no result"
	if code != C.Z3_OK {
		msg = C.GoString(C.Z3_get_error_msg(c.z, C.Z3_error_code(code)))
	}
	C.Z3_set_error(c.z, C.Z3_OK)
	c.record(&Error{Op: op, Code: int(code), Msg: msg})
}
