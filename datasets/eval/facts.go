package eval

import (
	"reflect"
	"slices"

	"github.com/kenlsp/ken/analysis/syntax"
)

// scoped is an expression with the scope its scratch variables live in:
// the index of the probe (or function or macro) among the file's
// declarations.
type scoped struct {
	scope int
	x     syntax.Expr
}

// varKey names a scratch variable of one scope.
type varKey struct {
	scope int
	name  string
}

// probeFacts is what Check needs of one probe.
type probeFacts struct {
	points []string // normalised attach points
	raw    []string // attach points as written
	prints bool     // the body calls a function that prints
}

// mapFacts is what Check needs of one map, over the whole file.
type mapFacts struct {
	values   []scoped // right-hand sides assigned to it (aggregations included)
	keys     []scoped // its key expressions, outside delete()
	aggs     []string // aggregations that fill it
	written  bool     // assigned, incremented or aggregated
	deleted  bool     // passed to delete()
	endClear bool     // clear()ed or zero()ed in an END probe
	printed  bool     // passed whole to print()
}

// facts is the flow-insensitive summary of a program that every check
// reads: what is printed, what is tested, and where each variable and map
// gets its values.
type facts struct {
	src     []byte
	probes  []probeFacts
	vars    map[varKey][]scoped
	maps    map[string]*mapFacts
	mapList []string // map names in order of first appearance
	outputs []scoped // printf/print arguments (not format strings)
	conds   []scoped // predicates and if conditions
	all     atomSet  // every atom in the tree except field names
}

// printers are the functions whose arguments after the first (a format or
// a path) are printed.
var printers = map[string]bool{"printf": true, "errorf": true, "warnf": true, "debugf": true, "cat": true}

// printingCalls are the calls that make an interval probe print something.
var printingCalls = map[string]bool{"print": true, "printf": true, "time": true, "cat": true, "errorf": true, "warnf": true}

// collect summarises a parsed file.
func collect(f *syntax.File, src []byte) *facts {
	fs := &facts{src: src, vars: map[varKey][]scoped{}, maps: map[string]*mapFacts{}, all: atomSet{}}
	if f == nil {
		return fs
	}
	for i, d := range f.Decls {
		if isNil(d) {
			continue
		}
		c := &collector{facts: fs, scope: i, probe: -1, skip: map[*syntax.MapExpr]bool{}, field: map[syntax.Node]bool{}}
		if p, ok := d.(*syntax.Probe); ok {
			c.startProbe(p)
		}
		syntax.Inspect(d, c.visit)
	}
	return fs
}

// mapOf returns the facts of a map, creating them on first use.
func (fs *facts) mapOf(name string) *mapFacts {
	m, ok := fs.maps[name]
	if !ok {
		m = &mapFacts{}
		fs.maps[name] = m
		fs.mapList = append(fs.mapList, name)
	}
	return m
}

// printedMaps returns the maps bpftrace prints: those passed whole to
// print(), and those written that are neither deleted from nor cleared at
// END (bpftrace prints every non-empty map when the program ends).
func (fs *facts) printedMaps() []*mapFacts {
	var ms []*mapFacts
	for _, name := range fs.mapList {
		m := fs.maps[name]
		if m.printed || (m.written && !m.deleted && !m.endClear) {
			ms = append(ms, m)
		}
	}
	return ms
}

// collector walks one declaration.
type collector struct {
	*facts
	scope int
	probe int                      // index into facts.probes, -1 outside probes
	isEnd bool                     // the probe is END
	skip  map[*syntax.MapExpr]bool // maps inside delete(): their keys are not keys
	field map[syntax.Node]bool     // names after . or ->
}

// startProbe records a probe's attach points and its predicate.
func (c *collector) startProbe(p *syntax.Probe) {
	var pf probeFacts
	for _, ap := range p.AttachPoints {
		if isNil(ap) {
			continue
		}
		n := normalizeAttach(ap)
		pf.points = append(pf.points, n)
		pf.raw = append(pf.raw, ap.Raw)
		c.isEnd = c.isEnd || n == "end"
	}
	c.probes = append(c.probes, pf)
	c.probe = len(c.probes) - 1
	if p.Predicate != nil {
		c.conds = append(c.conds, scoped{c.scope, p.Predicate})
	}
}

// visit is the syntax.Inspect callback.
func (c *collector) visit(n syntax.Node) bool {
	if a, ok := nodeAtom(n); ok && !c.field[n] {
		c.all[a] = true
	}
	switch n := n.(type) {
	case *syntax.FieldExpr:
		if !isNil(n.Name) {
			c.field[n.Name] = true
		}
	case *syntax.AssignStmt:
		c.assign(n)
	case *syntax.LetStmt:
		if !isNil(n.Var) && !isNil(n.Value) {
			c.define(n.Var.Name, n.Value)
		}
	case *syntax.ForStmt:
		if !isNil(n.Var) && !isNil(n.Iter) {
			c.define(n.Var.Name, n.Iter)
		}
	case *syntax.PostfixExpr:
		c.increment(n.X, n.Op)
	case *syntax.UnaryExpr:
		c.increment(n.X, n.Op)
	case *syntax.IfExpr:
		if !isNil(n.Cond) {
			c.conds = append(c.conds, scoped{c.scope, n.Cond})
		}
	case *syntax.CallExpr:
		c.call(n)
	case *syntax.MapExpr:
		m := c.mapOf(n.Name)
		if !c.skip[n] {
			for _, k := range n.Keys {
				m.keys = append(m.keys, scoped{c.scope, k})
			}
		}
	}
	return true
}

// define records a value of a scratch variable.
func (c *collector) define(name string, value syntax.Expr) {
	k := varKey{c.scope, name}
	c.vars[k] = append(c.vars[k], scoped{c.scope, value})
}

// assign records an assignment to a map or a variable.
func (c *collector) assign(a *syntax.AssignStmt) {
	if isNil(a.Rhs) || isNil(a.Lhs) {
		return
	}
	switch lhs := a.Lhs.(type) {
	case *syntax.Variable:
		c.define(lhs.Name, a.Rhs)
	case *syntax.MapExpr:
		m := c.mapOf(lhs.Name)
		m.written = true
		m.values = append(m.values, scoped{c.scope, a.Rhs})
		switch {
		case a.Op == syntax.PlusAssign && isIntLit(a.Rhs, 1):
			m.aggs = append(m.aggs, "count")
		case a.Op == syntax.PlusAssign:
			m.aggs = append(m.aggs, "sum")
		case a.Op == syntax.Assign:
			if call, ok := a.Rhs.(*syntax.CallExpr); ok && !isNil(call.Fun) && slices.Contains(aggregationNames, call.Fun.Name) {
				m.aggs = append(m.aggs, call.Fun.Name)
			}
		}
	}
}

// increment records @m++, ++@m and their decrements.
func (c *collector) increment(x syntax.Expr, op syntax.Token) {
	m, ok := x.(*syntax.MapExpr)
	if !ok || m == nil || (op != syntax.Inc && op != syntax.Dec) {
		return
	}
	mf := c.mapOf(m.Name)
	mf.written = true
	if op == syntax.Inc {
		mf.aggs = append(mf.aggs, "count")
	}
}

// call records what a call prints, deletes or clears.
func (c *collector) call(call *syntax.CallExpr) {
	if isNil(call.Fun) {
		return
	}
	name := call.Fun.Name
	if c.probe >= 0 && printingCalls[name] {
		c.probes[c.probe].prints = true
	}
	switch {
	case printers[name]:
		for _, a := range call.Args[min(1, len(call.Args)):] {
			c.outputs = append(c.outputs, scoped{c.scope, a})
		}
	case name == "print" && len(call.Args) > 0:
		if m, ok := call.Args[0].(*syntax.MapExpr); ok && m != nil && m.Keys == nil {
			c.mapOf(m.Name).printed = true
		} else {
			c.outputs = append(c.outputs, scoped{c.scope, call.Args[0]})
		}
	case name == "delete" && len(call.Args) > 0:
		if m, ok := call.Args[0].(*syntax.MapExpr); ok && m != nil {
			c.mapOf(m.Name).deleted = true
			c.skip[m] = true
		}
	case (name == "clear" || name == "zero") && c.isEnd && len(call.Args) > 0:
		if m, ok := call.Args[0].(*syntax.MapExpr); ok && m != nil {
			c.mapOf(m.Name).endClear = true
		}
	}
}

// isIntLit reports whether x is the integer literal v.
func isIntLit(x syntax.Expr, v uint64) bool {
	lit, ok := x.(*syntax.IntLit)
	return ok && lit != nil && lit.Value == v
}

// origin names where a read value comes from: a scratch variable of a
// scope, or a map (scope -1).
type origin struct {
	scope int
	name  string
}

// originOf returns the origin a Variable or MapExpr reads.
func (fs *facts) originOf(x syntax.Expr, scope int) origin {
	switch x := x.(type) {
	case *syntax.Variable:
		return origin{scope, x.Name}
	case *syntax.MapExpr:
		return origin{-1, x.Name}
	}
	return origin{-2, ""}
}

// valuesOf returns the values assigned to an origin.
func (fs *facts) valuesOf(src origin) []scoped {
	if src.scope == -1 {
		if m := fs.maps[src.name]; m != nil {
			return m.values
		}
		return nil
	}
	return fs.vars[varKey(src)]
}

// isNil reports whether n is nil or an interface holding a nil pointer, so
// that checks survive trees built by hand as well as parsed ones.
func isNil(n syntax.Node) bool {
	if n == nil {
		return true
	}
	v := reflect.ValueOf(n)
	return v.Kind() == reflect.Pointer && v.IsNil()
}
