package eval

import (
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/kenlsp/ken/analysis/syntax"
)

// edit replaces src[start:end] with text.
type edit struct {
	start, end int
	text       string
}

// applyEdits applies edits that do not overlap an earlier one (in source
// order) and reports whether any applied.
func applyEdits(src string, edits []edit) (string, bool) {
	sort.SliceStable(edits, func(i, j int) bool { return edits[i].start < edits[j].start })
	out, last, applied := "", 0, false
	for _, e := range edits {
		if e.start < last || e.end > len(src) || e.start > e.end {
			continue
		}
		out += src[last:e.start] + e.text
		last, applied = e.end, true
	}
	return out + src[last:], applied
}

// mutate rewrites src with find until find has nothing left to change (so
// that nested rewrites all happen) and reports whether anything changed.
func mutate(t *testing.T, src string, find func(f *syntax.File, src string) []edit) (string, bool) {
	changed := false
	for range 20 {
		f := parse(t, "mutant.bt", src)
		next, ok := applyEdits(src, find(f, src))
		if !ok {
			return src, changed
		}
		src, changed = next, true
	}
	t.Fatalf("mutation does not converge:\n%s", src)
	return "", false
}

// each calls visit on every node of f.
func each(f *syntax.File, visit func(syntax.Node)) {
	syntax.InspectFile(f, func(n syntax.Node) bool {
		visit(n)
		return true
	})
}

// span is the edit replacing node n by text.
func span(n syntax.Node, text string) edit { return edit{int(n.Pos()), int(n.End()), text} }

// replaceProbes renames every attach point matching a pattern of g.
func replaceProbes(g []string) func(*syntax.File, string) []edit {
	return func(f *syntax.File, _ string) []edit {
		var es []edit
		each(f, func(n syntax.Node) {
			ap, ok := n.(*syntax.AttachPoint)
			if !ok {
				return
			}
			for _, alt := range g {
				pat, _ := normalizePattern(alt)
				if attachMatches(pat, normalizeAttach(ap)) {
					es = append(es, span(ap, "kprobe:ken_mutant"))
					return
				}
			}
		})
		return es
	}
}

// renameAtoms replaces every occurrence of an atom of g, wherever it is.
func renameAtoms(g []string) func(*syntax.File, string) []edit {
	keys := map[string]bool{}
	for _, a := range g {
		k, _ := parseAtom(a)
		keys[k] = true
	}
	return func(f *syntax.File, _ string) []edit {
		var es []edit
		each(f, func(n syntax.Node) {
			if a, ok := nodeAtom(n); ok && keys[a] {
				switch n.(type) {
				case *syntax.Ident:
					es = append(es, span(n, "ken_mutant"))
				case *syntax.StringLit:
					es = append(es, span(n, `"ken mutant"`))
				case *syntax.IntLit:
					es = append(es, span(n, "987654321"))
				}
			}
		})
		return es
	}
}

// dropConditions replaces every predicate and if condition with 1.
func dropConditions(f *syntax.File, src string) []edit {
	var es []edit
	each(f, func(n syntax.Node) {
		var cond syntax.Expr
		switch n := n.(type) {
		case *syntax.Probe:
			cond = n.Predicate
		case *syntax.IfExpr:
			cond = n.Cond
		}
		if cond != nil && src[cond.Pos():cond.End()] != "1" {
			es = append(es, span(cond, "1"))
		}
	})
	return es
}

// swapKeys replaces every map key with cpu.
func swapKeys(f *syntax.File, _ string) []edit {
	var es []edit
	each(f, func(n syntax.Node) {
		if m, ok := n.(*syntax.MapExpr); ok && len(m.Keys) > 0 && !(len(m.Keys) == 1 && isIdent(m.Keys[0], "cpu")) {
			es = append(es, edit{int(m.Lbrack) + 1, int(m.Rbrack), "cpu"})
		}
	})
	return es
}

func isIdent(x syntax.Expr, name string) bool {
	id, ok := x.(*syntax.Ident)
	return ok && id.Name == name
}

// swapAggregations replaces each aggregation of g by one outside it.
func swapAggregations(g []string) func(*syntax.File, string) []edit {
	other := "max"
	if slices.Contains(g, other) {
		other = "min"
	}
	return func(f *syntax.File, _ string) []edit {
		var es []edit
		each(f, func(n syntax.Node) {
			if c, ok := n.(*syntax.CallExpr); ok && slices.Contains(g, c.Fun.Name) {
				es = append(es, span(c.Fun, other))
			}
		})
		return es
	}
}

// dropConversions replaces every byte-order conversion call by its last
// argument.
func dropConversions(f *syntax.File, src string) []edit {
	var es []edit
	each(f, func(n syntax.Node) {
		if c, ok := n.(*syntax.CallExpr); ok && converters[c.Fun.Name] && len(c.Args) > 0 {
			arg := c.Args[len(c.Args)-1]
			es = append(es, span(c, "("+src[arg.Pos():arg.End()]+")"))
		}
	})
	return es
}

// dropUnitDivisions removes divisions by 1000, 1000000 and 1000000000.
func dropUnitDivisions(f *syntax.File, src string) []edit {
	var es []edit
	each(f, func(n syntax.Node) {
		b, ok := n.(*syntax.BinaryExpr)
		if !ok || b.Op != syntax.Slash {
			return
		}
		if c, ok := constValue(b.Y); ok && (c == 1e3 || c == 1e6 || c == 1e9) {
			es = append(es, span(b, src[b.X.Pos():b.X.End()]))
		}
	})
	return es
}

// scaleDeltas divides every subtraction by 1000, for expectations in ns.
func scaleDeltas(f *syntax.File, src string) []edit {
	var es []edit
	each(f, func(n syntax.Node) {
		if b, ok := n.(*syntax.BinaryExpr); ok && b.Op == syntax.Minus {
			es = append(es, span(b, "(("+src[b.Pos():b.End()]+") / 1000)"))
		}
	})
	return es[:min(len(es), 1)]
}

// retimeIntervals changes the period of every interval probe.
func retimeIntervals(seconds float64) func(*syntax.File, string) []edit {
	other := "interval:s:" + strconv.Itoa(int(seconds)+7)
	return func(f *syntax.File, _ string) []edit {
		var es []edit
		each(f, func(n syntax.Node) {
			if ap, ok := n.(*syntax.AttachPoint); ok && ap.Raw != other && catalogKind(ap) == "interval" {
				es = append(es, span(ap, other))
			}
		})
		return es
	}
}

func catalogKind(ap *syntax.AttachPoint) string {
	k, _, _ := strings.Cut(normalizeAttach(ap), ":")
	return k
}

// callForbidden inserts a call of atom at the start of the first probe.
func callForbidden(atom string) func(*syntax.File, string) []edit {
	return func(f *syntax.File, src string) []edit {
		for _, d := range f.Decls {
			if p, ok := d.(*syntax.Probe); ok && p.Body != nil {
				at := int(p.Body.Lbrace) + 1
				call := " " + atom + "(\"ken mutant\");"
				if src[at:min(len(src), at+len(call))] == call {
					return nil
				}
				return []edit{{at, at, call}}
			}
		}
		return nil
	}
}

// mutant is a rewrite that one expectation must catch.
type mutant struct {
	name  string
	kind  string
	count int // misses of kind the mutant must cause at least
	find  func(*syntax.File, string) []edit
}

// mutants returns, for every expectation of e, a rewrite that defeats it.
func mutants(e Expect) []mutant {
	var ms []mutant
	for i, g := range e.Probes {
		ms = append(ms, mutant{fmt.Sprintf("replace the probes of group %d", i+1), KindProbes, 1, replaceProbes(g)})
	}
	for i, g := range e.Outputs {
		ms = append(ms, mutant{fmt.Sprintf("remove outputs group %d", i+1), KindOutputs, 1, renameAtoms(g)})
	}
	if len(e.Filters) > 0 {
		ms = append(ms, mutant{"drop every predicate and condition", KindFilters, len(e.Filters), dropConditions})
	}
	if len(e.Keys) > 0 {
		ms = append(ms, mutant{"swap every map key for cpu", KindKeys, len(e.Keys), swapKeys})
	}
	for i, g := range e.Aggregations {
		ms = append(ms, mutant{fmt.Sprintf("swap aggregation group %d", i+1), KindAggregations, 1, swapAggregations(g)})
	}
	if e.ByteOrder {
		ms = append(ms, mutant{"remove byte-order conversions", KindByteOrder, 1, dropConversions})
	}
	switch e.Units {
	case "":
	case "ns":
		ms = append(ms, mutant{"scale the delta", KindUnits, 1, scaleDeltas})
	default:
		ms = append(ms, mutant{"remove the unit division", KindUnits, 1, dropUnitDivisions})
	}
	if e.Interval > 0 {
		ms = append(ms, mutant{"change the interval", KindInterval, 1, retimeIntervals(e.Interval)})
	}
	for _, a := range e.Forbid {
		ms = append(ms, mutant{"call " + a, KindForbid, 1, callForbidden(a)})
	}
	return ms
}

// TestMutantsAreCaught proves that every expectation of every prompt can
// fail: for each, a rewrite of the reference solution that defeats it must
// be reported as a miss of that kind.
func TestMutantsAreCaught(t *testing.T) {
	for _, p := range load(t) {
		t.Run(p.ID, func(t *testing.T) {
			src, err := Solution(p.ID)
			if err != nil {
				t.Fatal(err)
			}
			kinds := map[string]bool{}
			for _, m := range mutants(p.Expect) {
				kinds[m.kind] = true
				mutated, changed := mutate(t, src, m.find)
				if !changed {
					t.Errorf("%s: the mutation does not apply to the solution", m.name)
					continue
				}
				got := 0
				for _, miss := range p.Expect.Check(parse(t, "mutant.bt", mutated), []byte(mutated)) {
					if miss.Kind == m.kind {
						got++
					}
				}
				if got < m.count {
					t.Errorf("%s: %d %s misses, want at least %d; mutant:\n%s", m.name, got, m.kind, m.count, mutated)
				}
			}
			for _, k := range p.Expect.Kinds() {
				if !kinds[k] {
					t.Errorf("no mutant for %s", k)
				}
			}
		})
	}
}
