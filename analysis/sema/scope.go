package sema

import (
	"fmt"

	"github.com/kenlsp/ken/analysis/diag"
	"github.com/kenlsp/ken/analysis/dialect"
	"github.com/kenlsp/ken/analysis/syntax"
)

// scope is one block's scratch variables. bpftrace 0.22 made variables
// block scoped; before it, a variable lived for the whole probe, which the
// checker models by never opening inner scopes.
type scope struct {
	parent *scope
	vars   map[string]*Var
}

func newScope(parent *scope) *scope {
	return &scope{parent: parent, vars: make(map[string]*Var)}
}

func (s *scope) lookup(name string) *Var {
	for ; s != nil; s = s.parent {
		if v, ok := s.vars[name]; ok {
			return v
		}
	}
	return nil
}

// blockScoping is the first bpftrace with block-scoped scratch variables.
var blockScoping = dialect.V(0, 22)

// enterBlock opens a scope for an inner block and returns the function
// that closes it.
func (c *checker) enterBlock() func() {
	if !c.dialect.AtLeast(blockScoping) {
		return func() {}
	}
	outer := c.scope
	c.scope = newScope(outer)
	return func() { c.scope = outer }
}

// declare creates v in the current scope with type t.
func (c *checker) declare(v *syntax.Variable, t *Type) *Var {
	sym := &Var{Name: v.Name, Type: t, Def: span(v)}
	c.scope.vars[v.Name] = sym
	c.info.Vars[v] = sym
	return sym
}

// assignVar records an assignment of a value of type t to v: the first one
// in scope declares it, later ones must keep its type.
//
// literal says the value is an integer literal, which bpftrace lets into a
// variable of any integer type.
func (c *checker) assignVar(v *syntax.Variable, t *Type, literal bool) {
	sym := c.scope.lookup(v.Name)
	if sym == nil {
		c.declare(v, t)
		return
	}
	c.info.Vars[v] = sym
	sym.Uses = append(sym.Uses, span(v))
	if sym.Type.IsUnknown() {
		sym.Type = t
		return
	}
	if c.integerMismatch(v, sym, t, literal) {
		return
	}
	if !compatible(sym.Type, t) {
		d := newDiag(diag.Error, span(v), CodeVariableTypeChange,
			"type mismatch for %s: assigning a value of type '%s' to a variable that holds '%s'",
			v.Name, t, sym.Type)
		d.Related = []diag.Related{{Span: sym.Def, Message: "first assigned here"}}
		c.report(d)
	}
}

// useVar resolves a read of v.
func (c *checker) useVar(v *syntax.Variable) *Type {
	sym := c.scope.lookup(v.Name)
	if sym == nil {
		c.reportUndefinedVar(v)
		return unknownType
	}
	c.info.Vars[v] = sym
	sym.Uses = append(sym.Uses, span(v))
	return sym.Type
}

func (c *checker) reportUndefinedVar(v *syntax.Variable) {
	msg := "undefined variable %s: it is read before any assignment"
	if c.dialect.AtLeast(blockScoping) {
		msg += " in this scope"
	}
	d := newDiag(diag.Error, span(v), CodeUndefinedVariable, msg, v.Name)
	if prev := c.elsewhere(v); prev != nil {
		d.Related = []diag.Related{{Span: prev.Def, Message: "assigned here, in a scope that has ended (scratch variables belong to one probe and one block)"}}
	}
	c.report(d)
}

// elsewhere finds an assignment of v's name outside the current scopes,
// to explain an undefined-variable error.
func (c *checker) elsewhere(v *syntax.Variable) *Var {
	var found *Var
	for node, sym := range c.info.Vars {
		if node.Name == v.Name && sym.Def.Start < int(v.Start) && (found == nil || sym.Def.Start > found.Def.Start) {
			found = sym
		}
	}
	return found
}

// integerMismatch reports an integer assignment bpftrace 0.23 and older
// refuse: another signedness, or a wider type than the variable's.
func (c *checker) integerMismatch(v *syntax.Variable, sym *Var, t *Type, literal bool) bool {
	old := sym.Type
	if literal || old.Kind != Int || t.Kind != Int || c.dialect.AtLeast(dialect.V(0, 24)) {
		return false
	}
	var msg string
	switch {
	case old.Signed != t.Signed:
		msg = fmt.Sprintf("type mismatch for %s: assigning '%s' to a variable that holds '%s'; add a cast", v.Name, t, old)
	case t.Bits > old.Bits:
		msg = fmt.Sprintf("integer size mismatch for %s: '%s' is wider than the variable's '%s'; add a cast", v.Name, t, old)
	default:
		return false
	}
	d := diag.Diagnostic{Span: span(v), Severity: diag.Error, Code: CodeIntegerMismatch, Message: msg,
		Related: []diag.Related{{Span: sym.Def, Message: "its type was set here"}}}
	c.report(d)
	return true
}
