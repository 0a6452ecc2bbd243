package z3

/*
#include "shim.h"
*/
import "C"

import (
	"context"
	"math"
	"sync"
	"time"
)

// Result is the outcome of a satisfiability check.
type Result int

// The outcomes of a check. Unknown is the zero value, so a check that
// could not run reports it.
const (
	Unknown Result = iota // Z3 gave up: timeout, interruption, or incompleteness
	Sat                   // the assertions have a model
	Unsat                 // the assertions contradict each other
)

// String returns "unknown", "sat" or "unsat", as SMT-LIB does.
func (r Result) String() string {
	switch r {
	case Sat:
		return "sat"
	case Unsat:
		return "unsat"
	}
	return "unknown"
}

// Solver is an incremental Z3 solver: a stack of assertions with Push and
// Pop, checked on demand. It belongs to its Context and its goroutine.
type Solver struct {
	c       *Context
	s       C.Z3_solver
	timeout C.unsigned // the "timeout" parameter Z3 has, in milliseconds
	result  Result     // of the last check
	checked bool       // a check ran, and nothing changed the solver since
}

// noTimeout is Z3's "timeout" value for none (its default).
const noTimeout = math.MaxUint32

// NewSolver returns a new solver. If it cannot be made, the error is
// recorded and the Solver's calls fail.
func (c *Context) NewSolver() *Solver {
	s := &Solver{c: c, timeout: noTimeout}
	if !c.live("NewSolver") {
		return s
	}
	if code := C.ken_new_solver(c.z, &s.s); code != C.Z3_OK {
		c.fail("NewSolver", code)
		return s
	}
	c.solvers = append(c.solvers, s.s)
	return s
}

// ready reports whether s can make Z3 calls, recording why not otherwise.
func (s *Solver) ready(op string) bool {
	if s == nil {
		return false
	}
	if !s.c.live(op) {
		return false
	}
	if s.s == nil {
		s.c.record(opError(op, ErrInvalid))
		return false
	}
	return true
}

// err returns the error a failed call on s reports.
func (s *Solver) err(op string) error {
	if s == nil || s.c == nil {
		return opError(op, ErrInvalid)
	}
	return s.c.err
}

// Assert adds e, a Boolean, to the assertions.
func (s *Solver) Assert(e Expr) {
	if !s.ready("Assert") || !s.c.check("Assert", e) {
		return
	}
	s.checked = false
	switch code := C.ken_solver_assert(s.c.z, s.s, e.a); code {
	case C.Z3_OK:
	case C.Z3_INVALID_ARG:
		// Z3's whole message would be "invalid argument".
		C.Z3_set_error(s.c.z, C.Z3_OK)
		s.c.record(&Error{Op: "Assert", Code: int(code), Msg: "assertion is not a Boolean: " + e.String()})
	default:
		s.c.fail("Assert", code)
	}
}

// Push opens a scope: Pop drops the assertions made since.
func (s *Solver) Push() {
	if !s.ready("Push") {
		return
	}
	s.checked = false
	if code := C.ken_solver_push(s.c.z, s.s); code != C.Z3_OK {
		s.c.fail("Push", code)
	}
}

// Pop closes the n innermost scopes. Popping more than were pushed records
// ErrScopes and pops nothing.
func (s *Solver) Pop(n uint) {
	if !s.ready("Pop") {
		return
	}
	s.checked = false
	var have C.unsigned
	code := C.ken_solver_pop(s.c.z, s.s, C.unsigned(min(n, math.MaxUint32)), &have)
	switch {
	case code == C.Z3_IOB || n > math.MaxUint32:
		s.c.record(opError("Pop", ErrScopes))
	case code != C.Z3_OK:
		s.c.fail("Pop", code)
	}
}

// Check reports whether the assertions are satisfiable, giving Z3 at most
// timeout (none if timeout <= 0). On a timeout it returns Unknown and a nil
// error; ReasonUnknown says why. If the Context has an error, Check does
// not run and returns it.
func (s *Solver) Check(timeout time.Duration) (Result, error) {
	return s.check("Check", timeout, nil)
}

// CheckAssuming is Check with assumptions: Booleans that hold for this
// check only.
func (s *Solver) CheckAssuming(timeout time.Duration, assumptions ...Expr) (Result, error) {
	return s.check("CheckAssuming", timeout, assumptions)
}

// CheckContext is Check that also stops, returning Unknown and an error
// wrapping ctx.Err(), when ctx is done first.
func (s *Solver) CheckContext(ctx context.Context, timeout time.Duration) (Result, error) {
	return s.checkContext(ctx, "CheckContext", timeout, nil)
}

// CheckAssumingContext is CheckAssuming that also stops when ctx is done,
// like CheckContext.
func (s *Solver) CheckAssumingContext(ctx context.Context, timeout time.Duration, assumptions ...Expr) (Result, error) {
	return s.checkContext(ctx, "CheckAssumingContext", timeout, assumptions)
}

// check runs one check.
func (s *Solver) check(op string, timeout time.Duration, assumptions []Expr) (Result, error) {
	if !s.ready(op) || !s.c.check(op, assumptions...) || s.c.err != nil {
		return Unknown, s.err(op)
	}
	c := s.c
	s.checked = false
	if !s.setTimeout(op, timeout) {
		return Unknown, c.err
	}
	args := make([]C.Z3_ast, len(assumptions))
	for i, e := range assumptions {
		args[i] = e.a
	}
	var r C.int
	code := C.ken_solver_check(c.z, s.s, C.unsigned(len(args)), first(args), &r)
	if code != C.Z3_OK {
		c.fail(op, code)
		return Unknown, c.err
	}
	switch r {
	case C.Z3_L_TRUE:
		s.result = Sat
	case C.Z3_L_FALSE:
		s.result = Unsat
	default:
		s.result = Unknown
	}
	s.checked = true
	return s.result, nil
}

// setTimeout gives Z3 the timeout for the next check, unless it has it
// already: setting parameters is a few calls, and most checks repeat the
// last timeout.
func (s *Solver) setTimeout(op string, timeout time.Duration) bool {
	ms := C.unsigned(noTimeout)
	if timeout > 0 {
		// Round up, so a sub-millisecond timeout is not "none" (0 would
		// mean an immediate timeout to some Z3 versions).
		ms = C.unsigned(min((timeout+time.Millisecond-1)/time.Millisecond, noTimeout-1))
	}
	if ms == s.timeout {
		return true
	}
	if code := C.ken_solver_timeout(s.c.z, s.s, ms); code != C.Z3_OK {
		s.c.fail(op, code)
		return false
	}
	s.timeout = ms
	return true
}

// checkContext runs one check that ctx can interrupt.
func (s *Solver) checkContext(ctx context.Context, op string, timeout time.Duration, assumptions []Expr) (Result, error) {
	if err := ctx.Err(); err != nil {
		return Unknown, opError(op, err)
	}
	if !s.ready(op) {
		return Unknown, s.err(op)
	}
	stop := interruptOnDone(ctx, s.c.z)
	r, err := s.check(op, timeout, assumptions)
	stop()
	if err == nil && r == Unknown && ctx.Err() != nil {
		return Unknown, opError(op, ctx.Err())
	}
	return r, err
}

// interruptEvery is how often the watcher repeats its interrupt.
const interruptEvery = 5 * time.Millisecond

// interruptOnDone starts a watcher that calls Z3_interrupt on z once ctx is
// done, and returns the function that stops it; the caller must call it as
// soon as the check returns. Z3 drops an interrupt that arrives before the
// search has begun, so the watcher repeats it until stopped. stop waits for
// the watcher, and the mutex keeps it from interrupting after stop began,
// so no interrupt can reach a later call, or a closed context.
func interruptOnDone(ctx context.Context, z C.Z3_context) (stop func()) {
	var mu sync.Mutex
	running := true
	quit := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		select {
		case <-quit:
			return
		case <-ctx.Done():
		}
		tick := time.NewTicker(interruptEvery)
		defer tick.Stop()
		for {
			mu.Lock()
			if running {
				C.Z3_interrupt(z)
			}
			mu.Unlock()
			select {
			case <-quit:
				return
			case <-tick.C:
			}
		}
	}()
	return func() {
		mu.Lock()
		running = false
		mu.Unlock()
		close(quit)
		<-done
	}
}

// ReasonUnknown returns Z3's reason for the last check's Unknown result,
// and "" after any other result. Z3 4.8.12 reports a timeout as "timeout"
// or, for a solver with scopes pushed, "canceled"; an interrupt from
// CheckContext as "interrupted" or "canceled". CheckContext's error, not
// this reason, is what tells cancellation apart.
func (s *Solver) ReasonUnknown() string {
	if s == nil || s.s == nil || !s.c.usable() || !s.checked || s.result != Unknown {
		return ""
	}
	return C.GoString(C.Z3_solver_get_reason_unknown(s.c.z, s.s))
}

// Model returns the model the last check found. The check must have been
// Sat, with no Assert, Push or Pop since; otherwise Model records
// ErrNoModel and returns nil, whose methods report nothing.
func (s *Solver) Model() *Model {
	if !s.ready("Model") {
		return nil
	}
	if !s.checked || s.result != Sat {
		s.c.record(opError("Model", ErrNoModel))
		return nil
	}
	m := C.ken_solver_model(s.c.z, s.s)
	if m == nil {
		s.c.fail("Model", C.Z3_OK)
		return nil
	}
	s.c.models = append(s.c.models, m)
	return &Model{c: s.c, m: m}
}

// String returns the assertions in SMT-LIB syntax, for debugging.
func (s *Solver) String() string {
	if s == nil || s.s == nil || !s.c.usable() {
		return "<invalid solver>"
	}
	return C.GoString(C.Z3_solver_to_string(s.c.z, s.s))
}
