package symbex

import (
	"github.com/kenlsp/ken/analysis/catalog"
	"github.com/kenlsp/ken/analysis/diag"
	"github.com/kenlsp/ken/analysis/syntax"
)

// startMaps describes how a file stores into its maps, to tell the maps
// that hold start times.
type startMaps struct {
	clock    map[string]bool // map, or map#element, stored a clock read
	other    map[string]bool // stored anything else, or in BEGIN
	deleted  map[string]bool // some event probe deletes its elements
	storedAt map[string][]*syntax.MapExpr
}

// startMap reports whether element elem (0: the whole value, i+1: tuple
// element i) of a map holds start times: every store to it is nsecs or
// elapsed, none is in BEGIN, and the program deletes its elements.
func (v *verifier) startMap(name string, elem int) bool {
	if v.starts == nil {
		v.starts = scanStartMaps(v.res.AST)
	}
	key := name
	if elem > 0 {
		key = elemMap(name, elem-1)
	}
	s := v.starts
	return s.clock[key] && !s.other[key] && !s.other[name] && s.deleted[name]
}

// startStores points at where the file stores a start map.
func (v *verifier) startStores(name string) []diag.Related {
	var rel []diag.Related
	for _, m := range v.starts.storedAt[name] {
		rel = append(rel, diag.Related{Span: span(m), Message: "where the start is stored"})
	}
	return rel
}

// scanStartMaps reads every store to a map and every delete of one.
func scanStartMaps(file *syntax.File) *startMaps {
	s := &startMaps{clock: map[string]bool{}, other: map[string]bool{}, deleted: map[string]bool{}, storedAt: map[string][]*syntax.MapExpr{}}
	for _, d := range file.Decls {
		p, ok := d.(*syntax.Probe)
		if !ok {
			continue
		}
		special := isSpecial(p)
		syntax.Inspect(p, func(n syntax.Node) bool {
			switch n := n.(type) {
			case *syntax.AssignStmt:
				if m, ok := n.Lhs.(*syntax.MapExpr); ok {
					s.noteStore(m, n, special)
				}
			case *syntax.UnaryExpr:
				if m, ok := n.X.(*syntax.MapExpr); ok && (n.Op == syntax.Inc || n.Op == syntax.Dec) {
					s.other[m.Name] = true
				}
			case *syntax.PostfixExpr:
				if m, ok := n.X.(*syntax.MapExpr); ok {
					s.other[m.Name] = true
				}
			case *syntax.CallExpr:
				if m, ok := firstMapArg(n); ok && n.Fun.Name == "delete" && !special {
					s.deleted[m.Name] = true
				}
			}
			return true
		})
	}
	return s
}

// noteStore classifies one assignment to a map.
func (s *startMaps) noteStore(m *syntax.MapExpr, a *syntax.AssignStmt, special bool) {
	rhs := unparen(a.Rhs)
	switch {
	case special || a.Op != syntax.Assign:
		s.other[m.Name] = true
	case isClockRead(rhs):
		s.clock[m.Name] = true
		s.storedAt[m.Name] = append(s.storedAt[m.Name], m)
	case isTuple(rhs):
		for i, el := range rhs.(*syntax.TupleExpr).Elems {
			if isClockRead(unparen(el)) {
				s.clock[elemMap(m.Name, i)] = true
			} else {
				s.other[elemMap(m.Name, i)] = true
			}
		}
		s.storedAt[m.Name] = append(s.storedAt[m.Name], m)
	default:
		s.other[m.Name] = true
	}
}

func isClockRead(e syntax.Expr) bool {
	id, ok := e.(*syntax.Ident)
	return ok && (id.Name == "nsecs" || id.Name == "elapsed")
}

func isTuple(e syntax.Expr) bool {
	_, ok := e.(*syntax.TupleExpr)
	return ok
}

func firstMapArg(c *syntax.CallExpr) (*syntax.MapExpr, bool) {
	if len(c.Args) == 0 {
		return nil, false
	}
	m, ok := c.Args[0].(*syntax.MapExpr)
	return m, ok
}

// isSpecial reports BEGIN and END probes, which run once, before and
// after every event.
func isSpecial(p *syntax.Probe) bool {
	for _, ap := range p.AttachPoints {
		switch catalog.CanonicalKind(ap.Provider) {
		case "begin", "end":
			return true
		}
	}
	return false
}
