package eval

import (
	"fmt"
	"math"
	"slices"

	"github.com/kenlsp/ken/analysis/syntax"
)

// timeVal is what the units check knows of a value that is a time in
// nanoseconds divided by div; delta says it is a difference of two times.
type timeVal struct {
	div   uint64
	delta bool
}

// timeFields are kernel fields holding a monotonic time in nanoseconds,
// comparable with nsecs.
var timeFields = map[string]bool{"start_time": true, "start_boottime": true}

// unitEval follows values through variables and maps, remembering each.
type unitEval struct {
	fs    *facts
	memos map[origin]*unitMemo
}

// unitMemo is the value of a variable or map; busy breaks cycles.
type unitMemo struct {
	v        timeVal
	ok, busy bool
}

func newUnitEval(fs *facts) *unitEval {
	return &unitEval{fs: fs, memos: map[origin]*unitMemo{}}
}

// eval returns the time x holds, if it holds one.
func (u *unitEval) eval(x syntax.Expr, scope int) (timeVal, bool) {
	if isNil(x) {
		return timeVal{}, false
	}
	switch x := x.(type) {
	case *syntax.Ident:
		return timeVal{div: 1}, x.Name == "nsecs" || x.Name == "elapsed"
	case *syntax.FieldExpr:
		return timeVal{div: 1}, !isNil(x.Name) && timeFields[x.Name.Name]
	case *syntax.CallExpr:
		return u.call(x, scope)
	case *syntax.ParenExpr:
		return u.eval(x.X, scope)
	case *syntax.CastExpr:
		return u.eval(x.X, scope)
	case *syntax.BinaryExpr:
		return u.binary(x, scope)
	case *syntax.TernaryExpr:
		if v, ok := u.eval(x.Then, scope); ok {
			return v, true
		}
		return u.eval(x.Else, scope)
	case *syntax.Variable, *syntax.MapExpr:
		return u.stored(u.fs.originOf(x, scope))
	}
	return timeVal{}, false
}

// stored evaluates the values of a variable or map once: the first that
// holds a time decides. A variable met again while it is being evaluated
// (a cycle) holds no time.
func (u *unitEval) stored(src origin) (timeVal, bool) {
	if m, ok := u.memos[src]; ok {
		return m.v, m.ok && !m.busy
	}
	m := &unitMemo{busy: true}
	u.memos[src] = m
	for _, s := range u.fs.valuesOf(src) {
		if v, ok := u.eval(s.x, s.scope); ok {
			m.v, m.ok = v, true
			break
		}
	}
	m.busy = false
	return m.v, m.ok
}

// call handles nsecs() and aggregations, which carry their argument's
// time.
func (u *unitEval) call(c *syntax.CallExpr, scope int) (timeVal, bool) {
	if isNil(c.Fun) {
		return timeVal{}, false
	}
	switch {
	case c.Fun.Name == "nsecs":
		return timeVal{div: 1}, true
	case slices.Contains(aggregationNames, c.Fun.Name) && len(c.Args) > 0:
		return u.eval(c.Args[0], scope)
	}
	return timeVal{}, false
}

// binary handles scaling by a constant and sums and differences of times.
func (u *unitEval) binary(b *syntax.BinaryExpr, scope int) (timeVal, bool) {
	switch b.Op {
	case syntax.Slash, syntax.Star:
		c, isConst := constValue(b.Y)
		v, ok := u.eval(b.X, scope)
		if !ok || !isConst || c == 0 {
			return timeVal{}, false
		}
		if b.Op == syntax.Star {
			if v.div%c != 0 {
				return timeVal{}, false
			}
			v.div /= c
			return v, true
		}
		if v.div > math.MaxUint64/c {
			return timeVal{}, false
		}
		v.div *= c
		return v, true
	case syntax.Minus, syntax.Plus:
		vx, okx := u.eval(b.X, scope)
		vy, oky := u.eval(b.Y, scope)
		switch {
		case okx && oky && vx.div != vy.div:
			return timeVal{}, false // mixed units: no meaningful delta
		case okx && oky:
			return timeVal{div: vx.div, delta: b.Op == syntax.Minus || vx.delta || vy.delta}, true
		case okx:
			return vx, true
		case oky && b.Op == syntax.Plus:
			return vy, true
		}
	}
	return timeVal{}, false
}

// constValue returns the value of an integer literal, parentheses allowed.
func constValue(x syntax.Expr) (uint64, bool) {
	for {
		p, ok := x.(*syntax.ParenExpr)
		if !ok || p == nil {
			break
		}
		x = p.X
	}
	lit, ok := x.(*syntax.IntLit)
	if !ok || lit == nil {
		return 0, false
	}
	return lit.Value, true
}

// unitName names a divisor of nanoseconds.
func unitName(div uint64) string {
	for _, name := range []string{"ns", "us", "ms", "s"} {
		if unitDivisors[name] == div {
			return name
		}
	}
	return fmt.Sprintf("nanoseconds divided by %d", div)
}
