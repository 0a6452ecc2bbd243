package sema

import (
	"github.com/kenlsp/ken/analysis/diag"
	"github.com/kenlsp/ken/analysis/dialect"
	"github.com/kenlsp/ken/analysis/source"
	"github.com/kenlsp/ken/analysis/syntax"
)

func (c *checker) stmts(list []syntax.Stmt) {
	for _, s := range list {
		c.stmt(s)
	}
}

// block checks an inner block in its own scope and returns the type of its
// trailing value, if any.
func (c *checker) block(b *syntax.Block) *Type {
	if b == nil {
		return unknownType
	}
	leave := c.enterBlock()
	defer leave()
	c.stmts(b.Stmts)
	if b.Value != nil {
		return c.expr(b.Value)
	}
	return noneType
}

func (c *checker) stmt(s syntax.Stmt) {
	switch s := s.(type) {
	case *syntax.ExprStmt:
		c.exprStmt(s.X)
	case *syntax.AssignStmt:
		c.assign(s)
	case *syntax.LetStmt:
		c.let(s)
	case *syntax.WhileStmt:
		c.condition(s.Cond)
		c.loopBody(s.Body)
	case *syntax.UnrollStmt:
		c.expr(s.Count)
		c.loopBody(s.Body)
	case *syntax.ForStmt:
		c.forStmt(s)
	case *syntax.JumpStmt:
		if s.Kind != "return" && c.loops == 0 {
			c.errorf(s, CodeJumpOutsideLoop, "%s is only valid inside a while, for or unroll loop", s.Kind)
		}
		if s.Value != nil {
			c.expr(s.Value)
		}
	case *syntax.DiscardStmt:
		c.expr(s.X)
	}
}

// exprStmt checks an expression evaluated for its effect: the one place
// where a call without a value (printf, exit...) is allowed.
func (c *checker) exprStmt(x syntax.Expr) {
	switch x := x.(type) {
	case *syntax.CallExpr:
		c.call(x, ctxStatement)
	case *syntax.IfExpr:
		c.ifExpr(x)
	default:
		c.expr(x)
	}
}

func (c *checker) condition(x syntax.Expr) {
	t := c.expr(x)
	if t.Kind == String || t.Kind == Tuple || t.Kind == Record {
		c.errorf(x, CodeTypeMismatch, "a condition must be an integer, not '%s'", t)
	}
}

// predicate checks a probe's /filter/: bpftrace refuses an aggregation
// there, though it reads one as a number in a comparison.
func (c *checker) predicate(x syntax.Expr) {
	c.condition(x)
	if t := c.info.Types[x]; t != nil && t.Kind == Aggregate {
		c.errorf(x, CodeTypeMismatch, "a predicate cannot be an aggregation ('%s'); compare it, as in /%s > 0/", t, exprText(c.src, x))
	}
}

// exprText is the source text of x.
func exprText(src *source.File, x syntax.Expr) string {
	return string(src.Text[x.Pos():x.End()])
}

func (c *checker) ifExpr(x *syntax.IfExpr) *Type {
	c.condition(x.Cond)
	t := c.block(x.Then)
	switch e := x.Else.(type) {
	case *syntax.Block:
		c.block(e)
	case *syntax.IfExpr:
		c.ifExpr(e)
	}
	return t
}

func (c *checker) forStmt(s *syntax.ForStmt) {
	var elem *Type
	switch it := s.Iter.(type) {
	case *syntax.MapExpr:
		c.mapRef(it)
		m := c.mapInfo(it.Name)
		elem = &Type{Kind: Tuple, Elems: []*Type{orUnknown(m.Key), orUnknown(m.Value)}}
	case *syntax.RangeExpr:
		c.expr(it.Lo)
		c.expr(it.Hi)
		elem = int64Type
	default:
		if s.Iter != nil {
			c.expr(s.Iter)
		}
		elem = unknownType
	}
	leave := c.enterBlock()
	defer leave()
	if s.Var != nil {
		c.declare(s.Var, elem)
	}
	if s.Body != nil {
		c.loops++
		c.stmts(s.Body.Stmts)
		c.loops--
	}
}

// loopBody checks the body of a while or unroll loop.
func (c *checker) loopBody(b *syntax.Block) {
	c.loops++
	c.block(b)
	c.loops--
}

func orUnknown(t *Type) *Type {
	if t == nil {
		return unknownType
	}
	return t
}

func (c *checker) let(s *syntax.LetStmt) {
	t := unknownType
	if s.Type != nil {
		t = c.resolveType(s.Type)
	}
	var vt *Type
	if s.Value != nil {
		vt = variableValue(c.value(s.Value))
		if s.Type == nil {
			t = vt
		}
	}
	if s.Var == nil {
		return
	}
	if prev := c.scope.lookup(s.Var.Name); prev != nil {
		d := newDiag(diag.Error, span(s.Var), CodeLateDeclaration, "%s is declared after it was already assigned or used; move the let before its first use", s.Var.Name)
		d.Related = []diag.Related{{Span: prev.Def, Message: "first assigned here"}}
		c.report(d)
		return
	}
	sym := c.declare(s.Var, t)
	if vt != nil && s.Type != nil {
		c.typedInitializer(s, sym, vt)
	}
}

// typedInitializer checks let $x: T = v. bpftrace 0.23 and older type the
// variable from v before they apply T, so any other integer type clashes.
func (c *checker) typedInitializer(s *syntax.LetStmt, sym *Var, vt *Type) {
	t := sym.Type
	if c.dialect.AtLeast(dialect.V(0, 24)) || t.Kind != Int || vt.Kind != Int || (t.Bits == vt.Bits && t.Signed == vt.Signed) {
		return
	}
	c.errorf(s.Value, CodeIntegerMismatch, "bpftrace %s types %s from its initializer ('%s'), which clashes with the declared '%s'; cast the value: (%s)",
		c.dialect, s.Var.Name, vt, t, t)
}

// isLiteral reports whether x is a non-negative integer literal, which
// bpftrace 0.23 lets into an integer variable of any type. A negative one
// is an int64 like any other value.
// A #define is expanded before bpftrace sees it, so a name defined as a
// literal is one too.
func (c *checker) isLiteral(x syntax.Expr) bool {
	switch x := unparen(x).(type) {
	case *syntax.IntLit:
		return true
	case *syntax.Ident:
		return c.defineLiterals[x.Name]
	}
	return false
}

// isNegativeLiteral reports whether x is -N for a literal N, which fits a
// signed variable of any width but no unsigned one.
func (c *checker) isNegativeLiteral(x syntax.Expr) bool {
	u, ok := unparen(x).(*syntax.UnaryExpr)
	return ok && u.Op == syntax.Minus && c.isLiteral(u.X)
}

// variableValue is the type a variable takes from a value: reading a
// count, sum, min, max or avg map gives a plain int64.
func variableValue(t *Type) *Type {
	if t.Kind == Aggregate && arithmetic(t) {
		return int64Type
	}
	return t
}

func (c *checker) assign(s *syntax.AssignStmt) {
	switch lhs := s.Lhs.(type) {
	case *syntax.MapExpr:
		c.assignMap(lhs, s)
	case *syntax.Variable:
		t := variableValue(c.value(s.Rhs))
		if s.Op != syntax.Assign {
			// bpftrace checks the operand of op= against the variable as if
			// it were assigned.
			old := c.useVar(lhs)
			c.arith(s, old, t, s.Op.BinaryOp().String())
		}
		literal := c.isLiteral(s.Rhs)
		if c.isNegativeLiteral(s.Rhs) {
			if old := c.scope.lookup(lhs.Name); old != nil && old.Type.Kind == Int && old.Type.Signed {
				literal = true
			}
		}
		c.assignVar(lhs, t, literal)
		c.info.Types[lhs] = t
	default:
		c.expr(s.Lhs)
		c.expr(s.Rhs)
	}
}

// assignMap checks @m[k] = v and @m[k] op= v.
func (c *checker) assignMap(lhs *syntax.MapExpr, s *syntax.AssignStmt) {
	var t *Type
	if call, ok := s.Rhs.(*syntax.CallExpr); ok && s.Op == syntax.Assign {
		t = c.call(call, ctxMapValue)
	} else {
		t = c.value(s.Rhs)
		if t.Kind == Aggregate {
			c.errorf(s.Rhs, CodeAggregateCopy, "a '%s' value cannot be copied into another map; call %s() directly, or cast to an integer: (int64)", t, t.Name)
			t = unknownType
		}
	}
	if s.Op != syntax.Assign {
		old := c.readMap(lhs)
		t = c.arith(s, orUnknown(old.Value), t, s.Op.String())
		c.writeMap(lhs, t)
		return
	}
	c.writeMap(lhs, t)
}

// value checks an expression whose result is used, and reports a call that
// has none.
func (c *checker) value(x syntax.Expr) *Type {
	t := c.expr(x)
	if t.Kind == None {
		c.errorf(x, CodeNoValue, "this expression has no value to use")
		return unknownType
	}
	return t
}
