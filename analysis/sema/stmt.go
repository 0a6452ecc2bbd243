package sema

import (
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
		c.block(s.Body)
	case *syntax.UnrollStmt:
		c.expr(s.Count)
		c.block(s.Body)
	case *syntax.ForStmt:
		c.forStmt(s)
	case *syntax.JumpStmt:
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
		c.stmts(s.Body.Stmts)
	}
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
	if s.Value != nil {
		vt := c.value(s.Value)
		if s.Type == nil {
			t = vt
		}
	}
	if s.Var != nil {
		c.declare(s.Var, t)
	}
}

func (c *checker) assign(s *syntax.AssignStmt) {
	switch lhs := s.Lhs.(type) {
	case *syntax.MapExpr:
		c.assignMap(lhs, s)
	case *syntax.Variable:
		t := c.value(s.Rhs)
		if s.Op != syntax.Assign {
			c.useVar(lhs)
			t = c.arith(s, c.info.Types[lhs], t, s.Op.String())
		}
		c.assignVar(lhs, t)
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
