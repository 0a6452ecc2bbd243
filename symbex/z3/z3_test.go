package z3

import (
	"context"
	"errors"
	"fmt"
	"math/big"
	"strings"
	"sync"
	"testing"
	"time"
)

// newContext returns a Context closed when the test ends.
func newContext(t testing.TB) *Context {
	t.Helper()
	c := NewContext()
	if err := c.Err(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	return c
}

// bswap16 swaps the bytes of a 16-bit e, as ntohs does on a little-endian
// machine.
func bswap16(e Expr) Expr {
	return e.Extract(7, 0).Concat(e.Extract(15, 8))
}

// prove reports whether claim holds for every value of its constants: its
// negation must be unsatisfiable.
func prove(t *testing.T, c *Context, claim Expr) {
	t.Helper()
	s := c.NewSolver()
	s.Assert(c.Not(claim))
	r, err := s.Check(10 * time.Second)
	if err != nil {
		t.Fatalf("check: %v", err)
	}
	if r != Unsat {
		m := ""
		if r == Sat {
			m = s.Model().String()
		}
		t.Fatalf("%v: not proved (%v), counterexample:\n%s", claim, r, m)
	}
}

func TestProve(t *testing.T) {
	tests := []struct {
		name  string
		claim func(c *Context) Expr
	}{
		{"add commutes", func(c *Context) Expr {
			x, y := c.Const("x", c.BVSort(64)), c.Const("y", c.BVSort(64))
			return x.Add(y).Eq(y.Add(x))
		}},
		{"mul distributes", func(c *Context) Expr {
			x, y, z := c.Const("x", c.BVSort(16)), c.Const("y", c.BVSort(16)), c.Const("z", c.BVSort(16))
			return x.Mul(y.Add(z)).Eq(x.Mul(y).Add(x.Mul(z)))
		}},
		{"neg is not plus one", func(c *Context) Expr {
			x := c.Const("x", c.BVSort(32))
			return x.Neg().Eq(x.Not().Add(c.BVVal(1, 32)))
		}},
		{"xor self", func(c *Context) Expr {
			x := c.Const("x", c.BVSort(64))
			return x.Xor(x).Eq(c.BVVal(0, 64))
		}},
		{"and or absorb", func(c *Context) Expr {
			x, y := c.Const("x", c.BVSort(8)), c.Const("y", c.BVSort(8))
			return x.And(x.Or(y)).Eq(x)
		}},
		{"shl is mul by two", func(c *Context) Expr {
			x := c.Const("x", c.BVSort(64))
			return x.Shl(c.BVVal(1, 64)).Eq(x.Mul(c.BVVal(2, 64)))
		}},
		{"lshr vs ashr", func(c *Context) Expr {
			v := c.BVVal(0x80, 8)
			return c.And(
				v.LShr(c.BVVal(7, 8)).Eq(c.BVVal(1, 8)),
				v.AShr(c.BVVal(7, 8)).Eq(c.BVVal(0xff, 8)),
				v.Shl(c.BVVal(8, 8)).Eq(c.BVVal(0, 8)))
		}},
		{"bswap16 0x5000", func(c *Context) Expr {
			return bswap16(c.BVVal(0x5000, 16)).Eq(c.BVVal(0x0050, 16))
		}},
		{"bswap16 involution", func(c *Context) Expr {
			x := c.Const("x", c.BVSort(16))
			return bswap16(bswap16(x)).Eq(x)
		}},
		{"extract concat", func(c *Context) Expr {
			x := c.Const("x", c.BVSort(32))
			return x.Extract(31, 16).Concat(x.Extract(15, 0)).Eq(x)
		}},
		{"zero and sign extension", func(c *Context) Expr {
			m1 := c.BVValSigned(-1, 8)
			return c.And(
				m1.ZeroExt(8).Eq(c.BVVal(0x00ff, 16)),
				m1.SignExt(8).Eq(c.BVVal(0xffff, 16)),
				c.BVValSigned(-2, 100).Eq(c.BVValSigned(-1, 100).Add(c.BVValSigned(-1, 100))),
				c.BVVal(0x1ff, 8).Eq(c.BVVal(0xff, 8)))
		}},
		{"signed vs unsigned compare", func(c *Context) Expr {
			ff, one := c.BVVal(0xff, 8), c.BVVal(1, 8)
			return c.And(ff.UGT(one), ff.UGE(one), ff.SLT(one), ff.SLE(one),
				one.ULT(ff), one.ULE(ff), one.SGT(ff), one.SGE(ff))
		}},
		{"ult and slt agree below the sign bit", func(c *Context) Expr {
			x, y := c.Const("x", c.BVSort(32)), c.Const("y", c.BVSort(32))
			half := c.BVVal(1<<31, 32)
			return c.Implies(c.And(x.ULT(half), y.ULT(half)), c.Iff(x.ULT(y), x.SLT(y)))
		}},
		{"signed division", func(c *Context) Expr {
			m7, two := c.BVValSigned(-7, 8), c.BVVal(2, 8)
			return c.And(
				m7.SDiv(two).Eq(c.BVValSigned(-3, 8)),
				m7.SRem(two).Eq(c.BVValSigned(-1, 8)),
				m7.SMod(two).Eq(c.BVVal(1, 8)))
		}},
		{"division by zero", func(c *Context) Expr {
			x, zero := c.Const("x", c.BVSort(8)), c.BVVal(0, 8)
			return c.And(x.UDiv(zero).Eq(c.BVVal(0xff, 8)), x.URem(zero).Eq(x))
		}},
		{"ite clamps", func(c *Context) Expr {
			x, ten := c.Const("x", c.BVSort(64)), c.BVVal(10, 64)
			return c.Ite(x.ULT(ten), x, ten).ULE(ten)
		}},
		{"distinct", func(c *Context) Expr {
			x := c.Const("x", c.BVSort(8))
			return c.And(c.Distinct(x, x.Add(c.BVVal(1, 8)), x.Add(c.BVVal(2, 8))),
				c.Not(x.NE(x)), c.Distinct(x), c.And(), c.Not(c.Or()))
		}},
		{"store then select", func(c *Context) Expr {
			bv := c.BVSort(64)
			a := c.Const("m", c.ArraySort(bv, bv))
			i, j, v := c.Const("i", bv), c.Const("j", bv), c.Const("v", bv)
			st := c.Store(a, i, v)
			return c.And(c.Select(st, i).Eq(v),
				c.Implies(i.NE(j), c.Select(st, j).Eq(c.Select(a, j))))
		}},
		{"const array default zero", func(c *Context) Expr {
			bv := c.BVSort(64)
			m := c.ConstArray(bv, c.BVVal(0, 64))
			k := c.Const("k", bv)
			return c.Select(m, k).Eq(c.BVVal(0, 64))
		}},
		{"uint8 200+100 overflows", func(c *Context) Expr {
			return c.Not(c.AddNoOverflow(c.BVVal(200, 8), c.BVVal(100, 8), false))
		}},
		{"uint8 100+100 fits", func(c *Context) Expr {
			return c.AddNoOverflow(c.BVVal(100, 8), c.BVVal(100, 8), false)
		}},
		{"int8 100+100 overflows", func(c *Context) Expr {
			return c.Not(c.AddNoOverflow(c.BVVal(100, 8), c.BVVal(100, 8), true))
		}},
		{"sdiv and neg overflow at the minimum only", func(c *Context) Expr {
			x, min, m1 := c.Const("x", c.BVSort(8)), c.BVVal(0x80, 8), c.BVValSigned(-1, 8)
			return c.And(c.Iff(c.NegNoOverflow(x), x.NE(min)),
				c.Iff(c.SDivNoOverflow(x, m1), x.NE(min)))
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := newContext(t)
			claim := tt.claim(c)
			if err := c.Err(); err != nil {
				t.Fatal(err)
			}
			prove(t, c, claim)
		})
	}
}

// TestOverflowPredicates checks each of Z3's overflow predicates against
// the same arithmetic done 16 bits wide, for every pair of 8-bit operands.
func TestOverflowPredicates(t *testing.T) {
	type ops struct{ a, b, a16, b16, s16 Expr } // s16: the 16-bit result
	tests := []struct {
		name string
		pred func(c *Context, a, b Expr) Expr
		wide func(a, b Expr) Expr // the 16-bit operation
		sign bool                 // extend the operands signed
		ref  func(c *Context, r Expr) Expr
	}{
		{"add unsigned", func(c *Context, a, b Expr) Expr { return c.AddNoOverflow(a, b, false) },
			Expr.Add, false, func(c *Context, r Expr) Expr { return r.ULE(c.BVVal(0xff, 16)) }},
		{"add signed", func(c *Context, a, b Expr) Expr { return c.AddNoOverflow(a, b, true) },
			Expr.Add, true, func(c *Context, r Expr) Expr { return r.SLE(c.BVVal(127, 16)) }},
		{"add underflow", (*Context).AddNoUnderflow,
			Expr.Add, true, func(c *Context, r Expr) Expr { return r.SGE(c.BVValSigned(-128, 16)) }},
		{"sub overflow", (*Context).SubNoOverflow,
			Expr.Sub, true, func(c *Context, r Expr) Expr { return r.SLE(c.BVVal(127, 16)) }},
		{"sub underflow unsigned", func(c *Context, a, b Expr) Expr { return c.SubNoUnderflow(a, b, false) },
			Expr.Sub, false, func(c *Context, r Expr) Expr { return r.SGE(c.BVVal(0, 16)) }},
		{"sub underflow signed", func(c *Context, a, b Expr) Expr { return c.SubNoUnderflow(a, b, true) },
			Expr.Sub, true, func(c *Context, r Expr) Expr { return r.SGE(c.BVValSigned(-128, 16)) }},
		{"mul unsigned", func(c *Context, a, b Expr) Expr { return c.MulNoOverflow(a, b, false) },
			Expr.Mul, false, func(c *Context, r Expr) Expr { return r.ULE(c.BVVal(0xff, 16)) }},
		{"mul signed", func(c *Context, a, b Expr) Expr { return c.MulNoOverflow(a, b, true) },
			Expr.Mul, true, func(c *Context, r Expr) Expr { return r.SLE(c.BVVal(127, 16)) }},
		{"mul underflow", (*Context).MulNoUnderflow,
			Expr.Mul, true, func(c *Context, r Expr) Expr { return r.SGE(c.BVValSigned(-128, 16)) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := newContext(t)
			a, b := c.Const("a", c.BVSort(8)), c.Const("b", c.BVSort(8))
			ext := Expr.ZeroExt
			if tt.sign {
				ext = Expr.SignExt
			}
			ref := tt.ref(c, tt.wide(ext(a, 8), ext(b, 8)))
			prove(t, c, c.Iff(tt.pred(c, a, b), ref))
		})
	}
}

func TestModel(t *testing.T) {
	c := newContext(t)
	x := c.Const("x", c.BVSort(8))
	s := c.NewSolver()
	s.Assert(x.Mul(c.BVVal(3, 8)).Eq(c.BVVal(21, 8)))
	r, err := s.Check(time.Second)
	if err != nil || r != Sat {
		t.Fatalf("Check = %v, %v; want sat", r, err)
	}
	m := s.Model()
	if v, ok := m.Uint64(x); !ok || v != 7 {
		t.Errorf("Uint64(x) = %d, %v; want 7, true", v, ok)
	}
	if v := m.Eval(x.Add(c.BVVal(1, 8))); v != c.BVVal(8, 8) {
		t.Errorf("Eval(x+1) = %v; want #x08", v)
	}
	if v, ok := m.Int64(x.Sub(c.BVVal(8, 8))); !ok || v != -1 {
		t.Errorf("Int64(x-8) = %d, %v; want -1, true", v, ok)
	}
	if v, ok := m.Int64(c.BVValSigned(-5, 64)); !ok || v != -5 {
		t.Errorf("Int64(-5 in 64 bits) = %d, %v", v, ok)
	}
	if v, ok := m.Bool(x.UGT(c.BVVal(6, 8))); !ok || !v {
		t.Errorf("Bool(x > 6) = %v, %v; want true, true", v, ok)
	}
	// Model completion gives constants the solver never saw a value.
	if _, ok := m.Uint64(c.Const("unseen", c.BVSort(32))); !ok {
		t.Error("Uint64(unseen): not a numeral")
	}
	if _, ok := m.Uint64(c.Const("wide", c.BVSort(65))); ok {
		t.Error("Uint64 of a 65-bit value reported ok")
	}
	if _, ok := m.Bool(x); ok {
		t.Error("Bool of a bit-vector reported ok")
	}
	if !strings.Contains(m.String(), "x") || x.String() != "x" || c.BVVal(0x50, 8).String() != "#x50" {
		t.Errorf("strings: model %q, x %q", m, x)
	}
	if fresh := c.Fresh("tmp", c.BVSort(8)); fresh == c.Fresh("tmp", c.BVSort(8)) || c.Const("x", c.BVSort(8)) != x {
		t.Error("Fresh constants are not fresh, or Const names are not shared")
	}
	if s := c.ArraySort(c.BVSort(64), c.BoolSort()); !s.IsArray() || s.Domain().BVSize() != 64 || !s.Range().IsBool() {
		t.Errorf("array sort %v", s)
	}
	if err := c.Err(); err != nil {
		t.Fatal(err)
	}
}

func TestCheckAssuming(t *testing.T) {
	c := newContext(t)
	x := c.Const("x", c.BVSort(32))
	s := c.NewSolver()
	s.Assert(x.UGT(c.BVVal(10, 32)))
	if r, err := s.CheckAssuming(time.Second, x.ULT(c.BVVal(5, 32))); r != Unsat || err != nil {
		t.Fatalf("CheckAssuming(x < 5) = %v, %v; want unsat", r, err)
	}
	if r, err := s.Check(time.Second); r != Sat || err != nil {
		t.Fatalf("Check after the assumption = %v, %v; want sat", r, err)
	}
}

func TestPushPop(t *testing.T) {
	c := newContext(t)
	x := c.Const("x", c.BVSort(64))
	s := c.NewSolver()
	s.Assert(x.Eq(c.BVVal(1, 64)))
	steps := []struct {
		do   func()
		want Result
	}{
		{func() {}, Sat},
		{func() { s.Push(); s.Assert(x.Eq(c.BVVal(2, 64))) }, Unsat},
		{func() { s.Push(); s.Push() }, Unsat},
		{func() { s.Pop(2) }, Unsat},
		{func() { s.Pop(1) }, Sat},
	}
	for i, st := range steps {
		st.do()
		if r, err := s.Check(time.Second); r != st.want || err != nil {
			t.Fatalf("step %d: Check = %v, %v; want %v", i, r, err, st.want)
		}
	}
	if v, ok := s.Model().Uint64(x); !ok || v != 1 {
		t.Errorf("x = %d, %v; want 1", v, ok)
	}
}

// semiprime returns p*q for two 32-bit primes, with p and q: factoring it
// over 64-bit bit-vectors is far beyond a 50 ms budget.
func semiprime() (n, p, q uint64) {
	next := func(from int64) uint64 {
		for v := big.NewInt(from); ; v.Add(v, big.NewInt(2)) {
			if v.ProbablyPrime(20) {
				return v.Uint64()
			}
		}
	}
	p, q = next(3_000_000_019), next(3_900_000_001)
	return p * q, p, q
}

// assertFactoring asserts x*y == n with x, y > 1 and no overflow.
func assertFactoring(c *Context, s *Solver, n uint64) {
	bv := c.BVSort(64)
	x, y, one := c.Const("x", bv), c.Const("y", bv), c.BVVal(1, 64)
	s.Assert(x.Mul(y).Eq(c.BVVal(n, 64)))
	s.Assert(c.MulNoOverflow(x, y, false))
	s.Assert(x.UGT(one))
	s.Assert(y.UGT(one))
}

func TestTimeout(t *testing.T) {
	c := newContext(t)
	s := c.NewSolver()
	n, _, _ := semiprime()
	s.Push()
	assertFactoring(c, s, n)
	start := time.Now()
	r, err := s.Check(50 * time.Millisecond)
	elapsed := time.Since(start)
	t.Logf("factoring %d with a 50ms timeout: %v (%q) after %v", n, r, s.ReasonUnknown(), elapsed)
	if err != nil || r != Unknown {
		t.Fatalf("Check = %v, %v; want unknown", r, err)
	}
	if reason := s.ReasonUnknown(); !strings.Contains(reason, "timeout") && !strings.Contains(reason, "canceled") {
		t.Errorf("ReasonUnknown = %q; want a timeout", reason)
	}
	if elapsed > 2*time.Second {
		t.Errorf("a 50ms check took %v", elapsed)
	}
	// The solver stays usable, and the next check's timeout is its own.
	s.Pop(1)
	if r, err := s.Check(0); r != Sat || err != nil {
		t.Fatalf("Check after the timeout = %v, %v; want sat", r, err)
	}
}

func TestCheckContext(t *testing.T) {
	c := newContext(t)
	s := c.NewSolver()
	n, _, _ := semiprime()
	s.Push()
	assertFactoring(c, s, n)

	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(50*time.Millisecond, cancel)
	start := time.Now()
	r, err := s.CheckContext(ctx, 0)
	elapsed := time.Since(start)
	t.Logf("cancelled after 50ms: %v, %v after %v", r, err, elapsed)
	if r != Unknown || !errors.Is(err, context.Canceled) {
		t.Fatalf("CheckContext = %v, %v; want unknown, canceled", r, err)
	}
	if elapsed > 2*time.Second {
		t.Errorf("cancelled check took %v", elapsed)
	}
	if c.Err() != nil {
		t.Errorf("cancellation poisoned the context: %v", c.Err())
	}

	// A context done before the check stops it before it starts.
	if r, err := s.CheckContext(ctx, 0); r != Unknown || !errors.Is(err, context.Canceled) {
		t.Errorf("CheckContext(done) = %v, %v", r, err)
	}

	// Cancelling as the check starts, before Z3 listens for interrupts,
	// still stops it.
	for _, d := range []time.Duration{0, 100 * time.Microsecond, time.Millisecond} {
		ctx, cancel := context.WithCancel(context.Background())
		time.AfterFunc(d, cancel)
		start := time.Now()
		r, err := s.CheckContext(ctx, 0)
		if elapsed := time.Since(start); r != Unknown || !errors.Is(err, context.Canceled) || elapsed > 2*time.Second {
			t.Errorf("cancel after %v: %v, %v after %v", d, r, err, elapsed)
		}
	}

	// None leaves an interrupt behind for the next check.
	s.Pop(1)
	if r, err := s.CheckContext(context.Background(), time.Second); r != Sat || err != nil {
		t.Fatalf("CheckContext after cancellation = %v, %v; want sat", r, err)
	}
	x := c.Const("x", c.BVSort(8))
	if r, err := s.CheckAssumingContext(context.Background(), time.Second, x.Eq(c.BVVal(1, 8)), x.Eq(c.BVVal(2, 8))); r != Unsat || err != nil {
		t.Fatalf("CheckAssumingContext = %v, %v; want unsat", r, err)
	}
}

func TestErrors(t *testing.T) {
	other := newContext(t)
	tests := []struct {
		name string
		do   func(c *Context) Expr // the result, if any, must be a usable placeholder
		want error                 // a sentinel, or nil for a Z3 *Error
	}{
		{"width mismatch", func(c *Context) Expr {
			return c.BVVal(1, 8).Add(c.BVVal(1, 16))
		}, nil},
		{"compare width mismatch", func(c *Context) Expr {
			return c.BVVal(1, 8).ULT(c.BVVal(1, 16))
		}, nil},
		{"bool as bit-vector", func(c *Context) Expr {
			return c.BoolVal(true).Mul(c.BVVal(1, 1))
		}, nil},
		{"bit-vector as bool", func(c *Context) Expr {
			return c.And(c.BoolVal(true), c.BVVal(1, 8))
		}, nil},
		{"extract out of range", func(c *Context) Expr {
			return c.BVVal(1, 8).Extract(8, 0)
		}, nil},
		{"extract reversed", func(c *Context) Expr {
			return c.BVVal(1, 8).Extract(2, 3)
		}, nil},
		{"huge extension", func(c *Context) Expr {
			return c.BVVal(1, 8).ZeroExt(1 << 40)
		}, ErrRange},
		{"zero width", func(c *Context) Expr {
			return c.BVVal(1, 0)
		}, nil},
		{"ite on a bit-vector", func(c *Context) Expr {
			return c.Ite(c.BVVal(1, 8), c.BVVal(1, 8), c.BVVal(2, 8))
		}, nil},
		{"select with the wrong index", func(c *Context) Expr {
			bv := c.BVSort(64)
			return c.Select(c.ConstArray(bv, c.BVVal(0, 8)), c.BVVal(1, 32))
		}, nil},
		{"eq across sorts", func(c *Context) Expr {
			return c.BoolVal(true).Eq(c.BVVal(1, 1))
		}, nil},
		{"zero expr", func(c *Context) Expr {
			return c.BVVal(1, 8).Add(Expr{})
		}, ErrInvalid},
		{"zero sort", func(c *Context) Expr {
			return c.Const("x", Sort{})
		}, ErrInvalid},
		{"foreign expr", func(c *Context) Expr {
			return c.BVVal(1, 8).Add(other.BVVal(1, 8))
		}, ErrForeign},
		{"assert a bit-vector", func(c *Context) Expr {
			c.NewSolver().Assert(c.BVVal(1, 8))
			return Expr{}
		}, nil},
		{"pop more than pushed", func(c *Context) Expr {
			s := c.NewSolver()
			s.Push()
			s.Pop(2)
			return Expr{}
		}, ErrScopes},
		{"model before check", func(c *Context) Expr {
			m := c.NewSolver().Model()
			if _, ok := m.Uint64(c.BVVal(1, 8)); ok || m.String() == "" || m.Eval(c.BVVal(1, 8)).Valid() {
				panic("nil model reported something")
			}
			return Expr{}
		}, ErrNoModel},
		{"model after unsat", func(c *Context) Expr {
			s := c.NewSolver()
			s.Assert(c.BoolVal(false))
			s.Check(0)
			s.Model()
			return Expr{}
		}, ErrNoModel},
		{"use after close", func(c *Context) Expr {
			x := c.BVVal(1, 8)
			s := c.NewSolver()
			c.Close()
			c.Close()
			s.Assert(c.BoolVal(true))
			if r, err := s.Check(0); r != Unknown || err == nil {
				panic("check after close ran")
			}
			_ = x.Add(x).String() + x.Sort().String()
			return Expr{}
		}, ErrClosed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := newContext(t)
			r := tt.do(c)
			err := c.Err()
			t.Logf("%v", err)
			var zerr *Error
			switch {
			case err == nil:
				t.Fatal("no error recorded")
			case tt.want != nil && !errors.Is(err, tt.want):
				t.Fatalf("err = %v; want %v", err, tt.want)
			case tt.want == nil && !errors.As(err, &zerr):
				t.Fatalf("err = %v; want a Z3 *Error", err)
			}
			// The placeholder, if any, builds on without a crash, the error
			// stays the first one, and checks refuse to run.
			_ = r.Add(r).Eq(r).String()
			if !errors.Is(c.Err(), err) {
				t.Errorf("error changed to %v", c.Err())
			}
			if res, cerr := c.NewSolver().Check(0); res != Unknown || cerr == nil {
				t.Errorf("Check on a failed context = %v, %v", res, cerr)
			}
		})
	}
}

func TestPlaceholderSort(t *testing.T) {
	c := newContext(t)
	if r := c.BVVal(1, 8).Add(c.BVVal(1, 16)); !r.Valid() || r.Sort().BVSize() != 8 {
		t.Errorf("Add placeholder %v of sort %v; want 8 bits", r, r.Sort())
	}
	if r := c.BVVal(1, 8).ULT(c.BVVal(1, 16)); !r.Sort().IsBool() {
		t.Errorf("ULT placeholder %v is not a Boolean", r)
	}
	if r := c.BVVal(1, 8).Extract(11, 4); r.Sort().BVSize() != 8 {
		t.Errorf("Extract placeholder %v of sort %v; want 8 bits", r, r.Sort())
	}
	if !strings.HasPrefix(c.BVVal(1, 8).Sub(c.BoolVal(true)).String(), "invalid!") {
		t.Error("placeholders are not named invalid!N")
	}
}

func TestZeroValues(t *testing.T) {
	var nilc *Context
	var nils *Solver
	var nilm *Model
	// None of these may panic.
	_ = nilc.BoolVal(true).Add(Expr{}).Not().Extract(3, 0).String()
	_ = nilc.And(Expr{}, Expr{}).Sort().BVSize()
	_ = (Expr{}).Concat(Expr{}).Sort().String()
	nilc.Close()
	nils.Assert(Expr{})
	nils.Push()
	nils.Pop(1)
	if r, err := nils.Check(0); r != Unknown || err == nil {
		t.Errorf("nil solver Check = %v, %v", r, err)
	}
	if _, ok := nilm.Bool(Expr{}); ok {
		t.Error("nil model reported a value")
	}
	if nilc.Err() == nil || nils.Model() != nil || nils.ReasonUnknown() != "" {
		t.Error("nil receivers report success")
	}
}

func TestConcurrent(t *testing.T) {
	var wg sync.WaitGroup
	errs := make(chan error, 20)
	for g := range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c := NewContext()
			defer c.Close()
			x := c.Const("x", c.BVSort(32))
			s := c.NewSolver()
			want := uint64(1000 + g)
			s.Assert(x.Mul(c.BVVal(3, 32)).Eq(c.BVVal(3*want, 32)))
			s.Assert(x.ULT(c.BVVal(1<<30, 32)))
			r, err := s.Check(10 * time.Second)
			if err != nil || r != Sat {
				errs <- fmt.Errorf("goroutine %d: %v, %v", g, r, err)
				return
			}
			if v, ok := s.Model().Uint64(x); !ok || v != want {
				errs <- fmt.Errorf("goroutine %d: x = %d, want %d", g, v, want)
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

// BenchmarkSmallQuery times a typical byte-order query: could a port read
// in network order, converted with ntohs, equal 80 with the raw value
// also 80? (Only if it is a palindrome in bytes, which 80 is not.) The
// terms are rebuilt each time, as the symbolic executor would.
func BenchmarkSmallQuery(b *testing.B) {
	c := newContext(b)
	s := c.NewSolver()
	for b.Loop() {
		port := c.Const("port", c.BVSort(16))
		eighty := c.BVVal(80, 16)
		s.Push()
		s.Assert(bswap16(port).Eq(eighty))
		r, err := s.CheckAssuming(time.Second, port.Eq(eighty))
		s.Pop(1)
		if r != Unsat || err != nil {
			b.Fatalf("Check = %v, %v; want unsat", r, err)
		}
	}
}

// BenchmarkNewContext times making and closing a Context with one solver,
// the fixed cost a Context per verification job pays.
func BenchmarkNewContext(b *testing.B) {
	for b.Loop() {
		c := NewContext()
		c.NewSolver()
		c.Close()
	}
}
