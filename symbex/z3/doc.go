// Package z3 is a small cgo binding to the Z3 SMT solver (libz3, 4.8.12 or
// later), holding just what ken's symbolic executor needs: booleans,
// bit-vectors, arrays, and incremental solvers with per-check timeouts.
//
// # Ownership
//
// A Context owns every Sort, Expr, Solver and Model made from it. The
// Context is created with Z3_mk_context_rc, and the binding takes one Z3
// reference on each object it hands out and keeps it in a list owned by the
// Context; Close releases them all. Nothing is freed earlier, so a Context's
// memory grows with every term built: use one Context per verification job
// and Close it when the job ends. Finalizers are not used, because one could
// run on another goroutine in the middle of a Z3 call.
//
// Exprs and Sorts are small values. Z3 shares structurally equal terms, so
// two Exprs of one Context are == exactly when they are the same term, and
// likewise for Sorts; they can serve as map keys.
//
// # Errors
//
// Z3's default error handler ends the process; the binding replaces it, and
// no call panics on bad input. Instead a Context records the first error any
// call on it meets (sticky, reported by Err): a Z3 error as an *Error, or one
// the binding detects itself, wrapping ErrInvalid, ErrForeign, ErrClosed,
// ErrNoContext, ErrNoModel or ErrScopes. A term-building call that fails
// returns a placeholder of the intended sort where that can be told (a fresh
// constant named "invalid!N"), or the zero Expr, so the caller can carry on
// and check Err once. Solver.Check refuses to run once the Context has an
// error, and returns it.
//
// # Concurrency
//
// A Context and everything made from it belong to one goroutine at a time;
// nothing here is safe for concurrent use. Separate Contexts may be used in
// parallel. The one cross-goroutine path is CheckContext, whose watcher calls
// Z3_interrupt, the Z3 call meant to be made from another thread.
//
// # Semantics
//
// Bit-vector operators are Z3's (SMT-LIB's): x/0 is all ones, x%0 is x, and
// shifts by the width or more give 0 (or the sign for AShr). Callers that
// model eBPF, where x/0 is 0, must say so themselves.
package z3
