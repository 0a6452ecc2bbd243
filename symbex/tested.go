package symbex

import "github.com/kenlsp/ken/analysis/syntax"

// tested is the text of every expression the probe tests: an operand of
// a comparison, or a condition of its own (/@s[tid]/, if ($p), !$p). A
// value can be pinned to NULL or to a sign only by such a test, so the
// checks that need the solver to say so ask only about these: the
// queries are not free, and most reads are never tested.
func (x *exec) tested() map[string]bool {
	if x.testedTexts != nil {
		return x.testedTexts
	}
	x.testedTexts = map[string]bool{}
	add := func(e syntax.Expr) {
		if e != nil {
			x.testedTexts[literalText(x, unparen(e))] = true
		}
	}
	d := x.probe.Decl
	add(d.Predicate)
	syntax.Inspect(d, func(n syntax.Node) bool {
		switch n := n.(type) {
		case *syntax.BinaryExpr:
			switch n.Op {
			case syntax.Eq, syntax.Ne, syntax.Lt, syntax.Gt, syntax.Le, syntax.Ge:
				add(n.X)
				add(n.Y)
			case syntax.AndAnd, syntax.OrOr:
				add(n.X)
				add(n.Y)
			}
		case *syntax.UnaryExpr:
			if n.Op == syntax.Bang {
				add(n.X)
			}
		case *syntax.IfExpr:
			add(n.Cond)
		case *syntax.TernaryExpr:
			add(n.Cond)
		case *syntax.WhileStmt:
			add(n.Cond)
		}
		return true
	})
	return x.testedTexts
}

// mentionsTested reports whether e, or a part of it, is something the
// probe tests.
func (x *exec) mentionsTested(e syntax.Expr) bool {
	tested := x.tested()
	found := false
	syntax.Inspect(e, func(n syntax.Node) bool {
		if ex, ok := n.(syntax.Expr); ok && tested[literalText(x, unparen(ex))] {
			found = true
		}
		return !found
	})
	return found
}
