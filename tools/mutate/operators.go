package main

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"

	"github.com/kenlsp/ken/analysis/syntax"
)

// operator is one kind of mistake. gen returns every place the mistake can
// be made in a program, one candidate each; r picks among slips where
// there are several, so the result is deterministic for a seed.
type operator struct {
	name string
	gen  func(p *program, r *rand.Rand) []candidate
}

// operators are all the mutation operators, in a fixed order.
var operators = []operator{
	{"field-typo", fieldTypo},
	{"field-drop-struct", fieldDropStruct},
	{"tracepoint-typo", tracepointTypo},
	{"probe-func-typo", probeFuncTypo},
	{"kprobe-to-tracepoint-args", kprobeToTracepointArgs},
	{"tracepoint-to-kprobe-args", tracepointToKprobeArgs},
	{"retval-in-entry", retvalInEntry},
	{"printf-verb", printfVerbSwap},
	{"printf-arity", printfArity},
	{"str-drop", strDrop},
	{"str-add", strAdd},
	{"var-rename", varRename},
	{"var-rename-def", varRenameDef},
	{"var-in-inner-block", varInInnerBlock},
	{"map-key-change", mapKeyChange},
	{"map-keyless", mapKeyless},
	{"aggregation-arith", aggregationArith},
	{"cast-typo", castTypo},
	{"builtin-typo", builtinTypo},
	{"arity", arity},
	{"int-width", intWidth},
	{"pointer-arith", pointerArith},
}

// one returns the candidate made of edits.
func one(desc string, edits ...edit) candidate { return candidate{desc, edits} }

// fieldTypo misspells the name of a field after . or ->.
func fieldTypo(p *program, r *rand.Rand) []candidate {
	var out []candidate
	for _, l := range p.nodes {
		f, ok := l.node.(*syntax.FieldExpr)
		if !ok || f.Name == nil {
			continue
		}
		if t := typo(f.Name.Name, r); t != "" {
			out = append(out, one(fmt.Sprintf("field %s -> %s", f.Name.Name, t), replace(f.Name, t)))
		}
	}
	return out
}

// fieldDropStruct skips a member of a chain: a->b.c becomes a->c, as when
// one forgets that a field sits in an embedded struct.
func fieldDropStruct(p *program, _ *rand.Rand) []candidate {
	var out []candidate
	for _, l := range p.nodes {
		outer, ok := l.node.(*syntax.FieldExpr)
		if !ok || outer.Name == nil {
			continue
		}
		inner, ok := outer.X.(*syntax.FieldExpr)
		if !ok || inner.Name == nil {
			continue
		}
		op := "."
		if inner.Arrow {
			op = "->"
		}
		out = append(out, one(fmt.Sprintf("%s -> %s%s%s", p.src(outer), p.src(inner.X), op, outer.Name.Name),
			edit{inner.Name.Pos(), outer.Name.Pos(), ""}))
	}
	return out
}

// partSpan returns where part i of ap lies in the source.
func partSpan(ap *syntax.AttachPoint, i int) (start, end syntax.Pos) {
	off := ap.Start + syntax.Pos(len(ap.Provider)+1)
	if ap.Label != "" {
		off += syntax.Pos(len(ap.Label) + 1)
	}
	for _, part := range ap.Parts[:i] {
		off += syntax.Pos(len(part) + 1)
	}
	return off, off + syntax.Pos(len(ap.Parts[i]))
}

// attachTypos misspells each part of the attach points that have one of
// kinds and nparts parts; parts with wildcards, quotes or paths are left
// alone, since a slip there may still match something.
func attachTypos(p *program, r *rand.Rand, nparts int, kinds []string) []candidate {
	var out []candidate
	for _, d := range p.file.Decls {
		pr, ok := d.(*syntax.Probe)
		if !ok {
			continue
		}
		for _, ap := range pr.AttachPoints {
			if !slices.Contains(kinds, kind(ap)) || len(ap.Parts) != nparts {
				continue
			}
			for i, part := range ap.Parts {
				if strings.ContainsAny(part, "*?\"/[{") {
					continue
				}
				t := typo(part, r)
				if t == "" {
					continue
				}
				start, end := partSpan(ap, i)
				out = append(out, one(fmt.Sprintf("attach point %s: %s -> %s", ap.Raw, part, t), edit{start, end, t}))
			}
		}
	}
	return out
}

// tracepointTypo misspells the category or the event of a tracepoint.
func tracepointTypo(p *program, r *rand.Rand) []candidate {
	return attachTypos(p, r, 2, []string{"tracepoint"})
}

// probeFuncTypo misspells the kernel function of a kprobe, fentry or raw
// tracepoint.
func probeFuncTypo(p *program, r *rand.Rand) []candidate {
	return attachTypos(p, r, 1, []string{"kprobe", "kretprobe", "fentry", "fexit", "rawtracepoint"})
}

// kprobeToTracepointArgs writes args.field for argN in a kprobe, as if it
// were a tracepoint.
func kprobeToTracepointArgs(p *program, r *rand.Rand) []candidate {
	var out []candidate
	for _, l := range p.nodes {
		id := p.valueIdent(l.node)
		if id == nil || !isArgN(id.Name) || !probeIs(l.probe, "kprobe", "uprobe") {
			continue
		}
		op := "."
		if r.IntN(2) == 0 {
			op = "->"
		}
		repl := "args" + op + paramNames[int(id.Name[3]-'0')%len(paramNames)]
		out = append(out, one(fmt.Sprintf("%s -> %s in a %s", id.Name, repl, kind(l.probe.AttachPoints[0])), replace(id, repl)))
	}
	return out
}

// tracepointToKprobeArgs writes argN for args.field in a tracepoint, as if
// it were a kprobe.
func tracepointToKprobeArgs(p *program, r *rand.Rand) []candidate {
	var out []candidate
	for _, l := range p.nodes {
		f, ok := l.node.(*syntax.FieldExpr)
		if !ok || f.Name == nil || !probeIs(l.probe, "tracepoint") {
			continue
		}
		if id := p.valueIdent(f.X); id == nil || id.Name != "args" {
			continue
		}
		repl := fmt.Sprintf("arg%d", r.IntN(3))
		out = append(out, one(fmt.Sprintf("%s -> %s in a tracepoint", p.src(f), repl), replace(f, repl)))
	}
	return out
}

// retvalInEntry reads retval in a probe that fires on entry, where there is
// no return value yet.
func retvalInEntry(p *program, _ *rand.Rand) []candidate {
	var out []candidate
	for _, l := range p.nodes {
		id := p.valueIdent(l.node)
		if id == nil || !(slices.Contains(numericBuiltins, id.Name) || isArgN(id.Name)) ||
			!probeIs(l.probe, "kprobe", "uprobe", "tracepoint", "fentry", "usdt", "rawtracepoint") {
			continue
		}
		out = append(out, one(fmt.Sprintf("%s -> retval in a %s", id.Name, kind(l.probe.AttachPoints[0])), replace(id, "retval")))
	}
	return out
}

// printfFormat returns the format literal of a printf call, or nil.
func printfFormat(c *syntax.CallExpr) *syntax.StringLit {
	if len(c.Args) == 0 {
		return nil
	}
	s, _ := c.Args[0].(*syntax.StringLit)
	return s
}

// printfVerbSwap swaps a string conversion for an integer one or back, in
// a printf whose argument for it exists.
func printfVerbSwap(p *program, _ *rand.Rand) []candidate {
	var out []candidate
	for _, c := range p.calls("printf") {
		format := printfFormat(c)
		if format == nil {
			continue
		}
		for i, v := range verbs(format.Raw) {
			repl := swappedVerb(v.conv)
			if repl == "" || i+1 >= len(c.Args) {
				continue
			}
			old := format.Raw[v.start:v.end]
			start := format.Start + syntax.Pos(v.start)
			out = append(out, one(fmt.Sprintf("printf %%%s -> %%%s for %s", old, repl, p.src(c.Args[i+1])),
				edit{start, start + syntax.Pos(len(old)), repl}))
		}
	}
	return out
}

// printfArity drops the last argument of a printf or passes one too many.
func printfArity(p *program, _ *rand.Rand) []candidate {
	var out []candidate
	for _, c := range p.calls("printf") {
		if printfFormat(c) == nil {
			continue
		}
		n := len(c.Args)
		last := c.Args[n-1]
		if n >= 2 {
			out = append(out, one(fmt.Sprintf("printf drops its last argument %s", p.src(last)),
				edit{c.Args[n-2].End(), last.End(), ""}))
			out = append(out, one(fmt.Sprintf("printf repeats its last argument %s", p.src(last)),
				insert(last.End(), ", "+p.src(last))))
		} else {
			out = append(out, one("printf gets an argument without a conversion", insert(last.End(), ", pid")))
		}
	}
	return out
}

// strDrop unwraps str(x) to x.
func strDrop(p *program, _ *rand.Rand) []candidate {
	var out []candidate
	for _, c := range p.calls("str") {
		if len(c.Args) == 0 {
			continue
		}
		out = append(out, one(fmt.Sprintf("%s -> %s", p.src(c), p.src(c.Args[0])), replace(c, p.src(c.Args[0]))))
	}
	return out
}

// strAdd wraps a printf argument or a map key in str().
func strAdd(p *program, _ *rand.Rand) []candidate {
	var out []candidate
	wrap := func(x syntax.Expr, where string) {
		if c, ok := x.(*syntax.CallExpr); ok && c.Fun.Name == "str" {
			return
		}
		out = append(out, one(fmt.Sprintf("%s -> str(%s) as %s", p.src(x), p.src(x), where), replace(x, "str("+p.src(x)+")")))
	}
	for _, l := range p.nodes {
		switch n := l.node.(type) {
		case *syntax.CallExpr:
			if n.Fun.Name == "printf" && printfFormat(n) != nil {
				for _, a := range n.Args[1:] {
					wrap(a, "printf argument")
				}
			}
		case *syntax.MapExpr:
			for _, k := range n.Keys {
				wrap(k, "map key")
			}
		}
	}
	return out
}

// varNames returns the names of all scratch variables of the program.
func (p *program) varNames() map[string]bool {
	names := map[string]bool{}
	for _, l := range p.nodes {
		if v, ok := l.node.(*syntax.Variable); ok {
			names[v.Name] = true
		}
	}
	return names
}

// freshTypo misspells variable name so that it names no variable of p.
func (p *program) freshTypo(name string, r *rand.Rand) string {
	t := typo(strings.TrimPrefix(name, "$"), r)
	if t == "" || p.varNames()["$"+t] {
		return ""
	}
	return "$" + t
}

// varRename misspells one read of a scratch variable.
func varRename(p *program, r *rand.Rand) []candidate {
	var out []candidate
	for _, l := range p.nodes {
		v, ok := l.node.(*syntax.Variable)
		if !ok || p.defs[v] {
			continue
		}
		if t := p.freshTypo(v.Name, r); t != "" {
			out = append(out, one(fmt.Sprintf("read of %s -> %s", v.Name, t), replace(v, t)))
		}
	}
	return out
}

// firstAssigns returns, per probe, the statements that first assign each
// scratch variable with =, in source order.
func (p *program) firstAssigns() []*syntax.AssignStmt {
	var out []*syntax.AssignStmt
	seen := map[*syntax.Probe]map[string]bool{}
	for _, l := range p.nodes {
		a, ok := l.node.(*syntax.AssignStmt)
		if !ok || a.Op != syntax.Assign || l.probe == nil {
			continue
		}
		v, ok := a.Lhs.(*syntax.Variable)
		if !ok {
			continue
		}
		if seen[l.probe] == nil {
			seen[l.probe] = map[string]bool{}
		}
		if !seen[l.probe][v.Name] {
			seen[l.probe][v.Name] = true
			out = append(out, a)
		}
	}
	return out
}

// readLater reports whether the variable assigned by a is read after a in
// the same probe.
func (p *program) readLater(a *syntax.AssignStmt) bool {
	name := a.Lhs.(*syntax.Variable).Name
	probe := p.probe[a]
	for _, l := range p.nodes {
		v, ok := l.node.(*syntax.Variable)
		if ok && v.Name == name && !p.defs[v] && l.probe == probe && v.Pos() >= a.End() {
			return true
		}
	}
	return false
}

// varRenameDef misspells the first assignment of a variable that is read
// later, so the reads find it undefined.
func varRenameDef(p *program, r *rand.Rand) []candidate {
	var out []candidate
	for _, a := range p.firstAssigns() {
		if !p.readLater(a) {
			continue
		}
		v := a.Lhs.(*syntax.Variable)
		if t := p.freshTypo(v.Name, r); t != "" {
			out = append(out, one(fmt.Sprintf("first assignment of %s -> %s", v.Name, t), replace(v, t)))
		}
	}
	return out
}

// varInInnerBlock moves the first assignment of a variable read later into
// an if block, so the reads after the block are outside its scope.
func varInInnerBlock(p *program, _ *rand.Rand) []candidate {
	var out []candidate
	for _, a := range p.firstAssigns() {
		if !p.readLater(a) {
			continue
		}
		end := ""
		if a.Semi == 0 {
			end = ";"
		}
		out = append(out, one(fmt.Sprintf("first assignment of %s moved into if (pid > 0) { }", p.src(a.Lhs)),
			insert(a.Pos(), "if (pid > 0) { "), insert(a.End(), end+" }")))
	}
	return out
}

// keyedAccesses returns the keyed accesses of the maps that are accessed
// with keys at least twice, so that changing one access makes it disagree
// with another.
func (p *program) keyedAccesses() []*syntax.MapExpr {
	var all []*syntax.MapExpr
	count := map[string]int{}
	for _, l := range p.nodes {
		if m, ok := l.node.(*syntax.MapExpr); ok && len(m.Keys) > 0 {
			all = append(all, m)
			count[m.Name]++
		}
	}
	return slices.DeleteFunc(all, func(m *syntax.MapExpr) bool { return count[m.Name] < 2 })
}

// mapKeyChange replaces one key of one map access by a literal of another
// type: a string for an integer key, an integer for a string.
func mapKeyChange(p *program, _ *rand.Rand) []candidate {
	var out []candidate
	for _, m := range p.keyedAccesses() {
		for _, k := range m.Keys {
			repls := []string{`"x"`, "1"}
			if _, ok := k.(*syntax.StringLit); ok {
				repls = []string{"1"}
			}
			for _, repl := range repls {
				out = append(out, one(fmt.Sprintf("key %s of %s -> %s", p.src(k), p.src(m), repl), replace(k, repl)))
			}
		}
	}
	return out
}

// mapKeyless drops the brackets of one access to a keyed map.
func mapKeyless(p *program, _ *rand.Rand) []candidate {
	var out []candidate
	for _, m := range p.keyedAccesses() {
		out = append(out, one(fmt.Sprintf("%s -> %s", p.src(m), m.Name), edit{m.Lbrack, m.Rbrack + 1, ""}))
	}
	return out
}

// aggregationArith uses the value of an aggregation as a number: in the
// assignment itself, or in a threshold test after it.
func aggregationArith(p *program, _ *rand.Rand) []candidate {
	var out []candidate
	for _, l := range p.nodes {
		a, ok := l.node.(*syntax.AssignStmt)
		if !ok || a.Op != syntax.Assign {
			continue
		}
		m, ok := a.Lhs.(*syntax.MapExpr)
		c, isCall := a.Rhs.(*syntax.CallExpr)
		if !ok || !isCall || !slices.Contains(aggregations, c.Fun.Name) {
			continue
		}
		out = append(out, one(fmt.Sprintf("%s -> %s + 1", p.src(c), p.src(c)), insert(c.End(), " + 1")))
		out = append(out, one(fmt.Sprintf("threshold test on %s after %s", p.src(m), p.src(a)),
			p.after(a, fmt.Sprintf(`if (%s > 100) { printf("hot\n"); }`, p.src(m)))))
	}
	return out
}

// after returns the edit that adds stmt on a line of its own after s, as
// indented as s.
func (p *program) after(s syntax.Stmt, stmt string) edit {
	semi := ""
	if end := s.End(); end == 0 || p.text[end-1] != ';' && p.text[end-1] != '}' {
		semi = ";"
	}
	return insert(s.End(), semi+"\n"+p.indent(s.Pos())+stmt)
}

// before returns the edit that adds stmt on a line of its own before s.
func (p *program) before(s syntax.Stmt, stmt string) edit {
	return insert(s.Pos(), stmt+"\n"+p.indent(s.Pos()))
}

// castTypo misspells a struct, union or enum name in a type, or drops its
// keyword.
func castTypo(p *program, r *rand.Rand) []candidate {
	var out []candidate
	for _, l := range p.nodes {
		t, ok := l.node.(*syntax.NamedType)
		if !ok || t.Keyword == "" {
			continue
		}
		nameStart := t.NameEnd - syntax.Pos(len(t.Name))
		if ty := typo(t.Name, r); ty != "" {
			out = append(out, one(fmt.Sprintf("%s %s -> %s %s", t.Keyword, t.Name, t.Keyword, ty), edit{nameStart, t.NameEnd, ty}))
		}
		out = append(out, one(fmt.Sprintf("%s %s -> %s", t.Keyword, t.Name, t.Name), edit{t.Start, nameStart, ""}))
	}
	return out
}

// builtinTypo misspells a builtin function or variable.
func builtinTypo(p *program, _ *rand.Rand) []candidate {
	var out []candidate
	for _, l := range p.nodes {
		var id *syntax.Ident
		var slip string
		switch n := l.node.(type) {
		case *syntax.CallExpr:
			id, slip = n.Fun, funcSlips[n.Fun.Name]
		case *syntax.Ident:
			if id = p.valueIdent(n); id != nil {
				slip = varSlips[n.Name]
			}
		}
		if slip != "" {
			out = append(out, one(fmt.Sprintf("%s -> %s", id.Name, slip), replace(id, slip)))
		}
	}
	return out
}

// arity passes one argument too many or too few to a builtin function.
func arity(p *program, _ *rand.Rand) []candidate {
	var out []candidate
	for _, c := range p.calls(builtinFuncs...) {
		n := len(c.Args)
		if n == 0 {
			out = append(out, one(fmt.Sprintf("%s() -> %s(1)", c.Fun.Name, c.Fun.Name), insert(c.Lparen+1, "1")))
			continue
		}
		out = append(out, one(fmt.Sprintf("%s gets an extra argument 1", p.src(c)), insert(c.Args[n-1].End(), ", 1")))
		from := c.Args[0].Pos()
		if n >= 2 {
			from = c.Args[n-2].End()
		}
		out = append(out, one(fmt.Sprintf("%s loses its argument %s", p.src(c), p.src(c.Args[n-1])), edit{from, c.Args[n-1].End(), ""}))
	}
	return out
}

// intWidth gives a variable or map a second value of another sign or
// width: $v = 0 before $v = nsecs, or @m = -1 after @m = nsecs.
func intWidth(p *program, _ *rand.Rand) []candidate {
	var out []candidate
	for _, a := range p.firstAssigns() {
		v := p.src(a.Lhs)
		out = append(out, one(fmt.Sprintf("%s = 0 before %s", v, p.src(a)), p.before(a, v+" = 0;")))
	}
	for _, l := range p.nodes {
		a, ok := l.node.(*syntax.AssignStmt)
		if !ok || a.Op != syntax.Assign || l.probe == nil {
			continue
		}
		if c, ok := a.Rhs.(*syntax.CallExpr); ok && slices.Contains(aggregations, c.Fun.Name) {
			continue
		}
		lhs := p.src(a.Lhs)
		out = append(out, one(fmt.Sprintf("%s = -1 after %s", lhs, p.src(a)), p.after(a, lhs+" = -1;")))
	}
	return out
}

// pointerArith subtracts two pointers: variables assigned a pointer cast
// or curtask in the same probe.
func pointerArith(p *program, _ *rand.Rand) []candidate {
	var out []candidate
	ptrs := map[*syntax.Probe][]*syntax.AssignStmt{}
	for _, a := range p.firstAssigns() {
		if isPointer(a.Rhs) {
			pr := p.probe[a]
			ptrs[pr] = append(ptrs[pr], a)
		}
	}
	for _, d := range p.file.Decls {
		pr, ok := d.(*syntax.Probe)
		as := ptrs[pr]
		if !ok || len(as) == 0 {
			continue
		}
		last := as[len(as)-1]
		other := "curtask"
		if len(as) >= 2 {
			other = p.src(as[len(as)-2].Lhs)
		}
		stmt := fmt.Sprintf("$ptrdiff = %s - %s;", p.src(last.Lhs), other)
		out = append(out, one(stmt+" after "+p.src(last), p.after(last, stmt)))
	}
	return out
}

// isPointer reports whether x is written as a pointer: a cast to a pointer
// type or curtask.
func isPointer(x syntax.Expr) bool {
	switch x := x.(type) {
	case *syntax.CastExpr:
		_, ok := x.Type.(*syntax.PointerType)
		return ok
	case *syntax.Ident:
		return x.Name == "curtask"
	case *syntax.ParenExpr:
		return isPointer(x.X)
	}
	return false
}
