package main

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/kenlsp/ken/analysis/sema"
	"github.com/kenlsp/ken/analysis/syntax"
)

// operator is one kind of semantic mistake. gen returns every place the
// mistake can be made in a program, one candidate each, in source order.
type operator struct {
	name string
	gen  func(p *program) []candidate
}

// operators are all the mutation operators, in a fixed order.
var operators = []operator{
	{"drop-bswap", dropBswap},
	{"swap-tid-pid", swapTidPid},
	{"remove-predicate", removePredicate},
	{"flip-comparison", flipComparison},
	{"delete-before-use", deleteBeforeUse},
	{"wrong-field", wrongField},
	{"off-by-constant", offByConstant},
}

// dropBswap forgets a byte-order conversion: bswap(x) becomes x, and so
// does the 16-bit swap written by hand, (x >> 8) | ((x << 8) & 0xff00) or
// (x >> 8) | ((x & 0xff) << 8).
func dropBswap(p *program) []candidate {
	var out []candidate
	for _, n := range p.nodes {
		switch n := n.(type) {
		case *syntax.CallExpr:
			if n.Fun.Name == "bswap" && len(n.Args) == 1 {
				x := operand(p, n.Args[0])
				out = append(out, one(fmt.Sprintf("%s -> %s", p.src(n), x), replace(n, x)))
			}
		case *syntax.BinaryExpr:
			if x := handSwapped(p, n); x != nil {
				out = append(out, one(fmt.Sprintf("%s -> %s", p.src(n), p.src(x)), replace(n, operand(p, x))))
			}
		}
	}
	return out
}

// operand returns the text of e, parenthesised unless it is a primary
// expression that can stand anywhere.
func operand(p *program, e syntax.Expr) string {
	switch e.(type) {
	case *syntax.Ident, *syntax.Variable, *syntax.MapExpr, *syntax.FieldExpr, *syntax.CallExpr,
		*syntax.ParenExpr, *syntax.IntLit, *syntax.IndexExpr, *syntax.ParamExpr:
		return p.src(e)
	}
	return "(" + p.src(e) + ")"
}

// handSwapped returns x when e swaps the two low bytes of x by hand.
func handSwapped(p *program, e *syntax.BinaryExpr) syntax.Expr {
	if e.Op != syntax.Pipe {
		return nil
	}
	a, b := unparen(e.X), unparen(e.Y)
	for range 2 {
		if x := shifted(a, syntax.Shr); x != nil {
			if y := lowByteUp(b); y != nil && squash(p.src(x)) == squash(p.src(y)) {
				return x
			}
		}
		a, b = b, a
	}
	return nil
}

// shifted returns x when e is x OP 8.
func shifted(e syntax.Expr, op syntax.Token) syntax.Expr {
	b, ok := unparen(e).(*syntax.BinaryExpr)
	if !ok || b.Op != op || !isInt(b.Y, 8) {
		return nil
	}
	return unparen(b.X)
}

// lowByteUp returns x when e is (x << 8) & 0xff00 or (x & 0xff) << 8.
func lowByteUp(e syntax.Expr) syntax.Expr {
	b, ok := unparen(e).(*syntax.BinaryExpr)
	if !ok {
		return nil
	}
	switch {
	case b.Op == syntax.Amp && isInt(b.Y, 0xff00):
		return shifted(b.X, syntax.Shl)
	case b.Op == syntax.Shl && isInt(b.Y, 8):
		m, ok := unparen(b.X).(*syntax.BinaryExpr)
		if ok && m.Op == syntax.Amp && isInt(m.Y, 0xff) {
			return unparen(m.X)
		}
	}
	return nil
}

func isInt(e syntax.Expr, v uint64) bool {
	n, ok := unparen(e).(*syntax.IntLit)
	return ok && n.Value == v
}

// swapTidPid keys a map by the wrong id: tid becomes pid in one map key,
// or pid becomes tid, in @m[...] and in delete(@m, key).
func swapTidPid(p *program) []candidate {
	other := map[string]string{"tid": "pid", "pid": "tid"}
	var out []candidate
	swap := func(in string, keys []syntax.Expr) {
		for _, k := range keys {
			id, ok := k.(*syntax.Ident)
			if !ok || other[id.Name] == "" {
				continue
			}
			out = append(out, one(fmt.Sprintf("%s key %s -> %s", in, id.Name, other[id.Name]), replace(id, other[id.Name])))
		}
	}
	for _, n := range p.nodes {
		switch n := n.(type) {
		case *syntax.MapExpr:
			swap(n.Name, n.Keys)
		case *syntax.CallExpr:
			if m, ok := deletedMap(n); ok && m.Keys == nil {
				swap(m.Name, n.Args[1:])
			}
		}
	}
	return out
}

// removePredicate drops a probe's /predicate/, so that the probe also
// runs when it should not.
func removePredicate(p *program) []candidate {
	var out []candidate
	for _, d := range p.file.Decls {
		pr, ok := d.(*syntax.Probe)
		if !ok || pr.Predicate == nil {
			continue
		}
		open := p.skipBack(int(pr.Predicate.Pos()))
		end := p.skipForward(int(pr.Predicate.End()))
		if open < 0 || end >= len(p.text) || p.text[open] != '/' || p.text[end] != '/' {
			continue
		}
		from, to := p.wholeLines(syntax.Pos(open), syntax.Pos(end+1))
		out = append(out, one("remove /"+p.src(pr.Predicate)+"/", edit{from, to, ""}))
	}
	return out
}

// skipBack returns the offset of the last byte before off that is
// neither white space nor inside a comment, or -1.
func (p *program) skipBack(off int) int {
	i := off - 1
	for i >= 0 {
		if c := p.commentEndingAt(i + 1); c != nil {
			i = int(c.Start) - 1
			continue
		}
		if !isBlank(p.text[i]) {
			break
		}
		i--
	}
	return i
}

// skipForward returns the offset of the first byte from off on that is
// neither white space nor inside a comment, or len(text).
func (p *program) skipForward(off int) int {
	i := off
	for i < len(p.text) {
		if c := p.commentAt(i); c != nil {
			i = int(c.Start) + len(c.Text)
			continue
		}
		if !isBlank(p.text[i]) {
			break
		}
		i++
	}
	return i
}

func (p *program) commentAt(off int) *syntax.Comment {
	for _, c := range p.file.Comments {
		if int(c.Start) == off {
			return c
		}
	}
	return nil
}

func (p *program) commentEndingAt(off int) *syntax.Comment {
	for _, c := range p.file.Comments {
		if int(c.Start)+len(c.Text) == off {
			return c
		}
	}
	return nil
}

func isBlank(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

// negated maps each comparison to its negation.
var negated = map[syntax.Token]syntax.Token{
	syntax.Lt: syntax.Ge, syntax.Ge: syntax.Lt,
	syntax.Gt: syntax.Le, syntax.Le: syntax.Gt,
	syntax.Eq: syntax.Ne, syntax.Ne: syntax.Eq,
}

func isComparison(op syntax.Token) bool {
	_, ok := negated[op]
	return ok
}

// flipComparison negates one comparison: < and >=, > and <=, == and !=.
func flipComparison(p *program) []candidate {
	var out []candidate
	for _, n := range p.nodes {
		b, ok := n.(*syntax.BinaryExpr)
		if !ok {
			continue
		}
		to, ok := negated[b.Op]
		if !ok {
			continue
		}
		op := edit{b.OpPos, b.OpPos + syntax.Pos(len(b.Op.String())), to.String()}
		if string(p.text[op.start:op.end]) != b.Op.String() {
			continue
		}
		out = append(out, one(fmt.Sprintf("%s -> %s %s %s", p.src(b), p.src(b.X), to, p.src(b.Y)), op))
	}
	return out
}

// offByConstant changes the integer literal N a comparison tests against
// to N*1000 (a unit slip: µs for ms) or to 0.
func offByConstant(p *program) []candidate {
	var out []candidate
	for _, n := range p.nodes {
		b, ok := n.(*syntax.BinaryExpr)
		if !ok || !isComparison(b.Op) {
			continue
		}
		for _, side := range []syntax.Expr{b.X, b.Y} {
			lit, ok := unparen(side).(*syntax.IntLit)
			if !ok || lit.Value == 0 {
				continue
			}
			if lit.Value <= math.MaxInt64/1000 {
				repl := strconv.FormatUint(lit.Value*1000, 10)
				out = append(out, one(fmt.Sprintf("%s: %s -> %s", p.src(b), lit.Raw, repl), replace(lit, repl)))
			}
			out = append(out, one(fmt.Sprintf("%s: %s -> 0", p.src(b), lit.Raw), replace(lit, "0")))
		}
	}
	return out
}

// deletedMap returns the map a delete call deletes from: @m[k] in
// delete(@m[k]), @m (without keys) in delete(@m, k).
func deletedMap(c *syntax.CallExpr) (*syntax.MapExpr, bool) {
	if c.Fun.Name != "delete" || len(c.Args) == 0 {
		return nil, false
	}
	m, ok := c.Args[0].(*syntax.MapExpr)
	if !ok || (m.Keys == nil) != (len(c.Args) == 2) {
		return nil, false
	}
	return m, true
}

// deleteKey names the element a delete call deletes, as @m[k].
func deleteKey(p *program, c *syntax.CallExpr) (string, bool) {
	m, ok := deletedMap(c)
	switch {
	case !ok:
		return "", false
	case m.Keys != nil:
		return squash(p.src(m)), true
	}
	return squash(m.Name + "[" + p.src(c.Args[1]) + "]"), true
}

// mapReads returns the reads of keyed map elements: every @m[k] that is
// not assigned with = and not the argument of delete.
func mapReads(p *program) []*syntax.MapExpr {
	var out []*syntax.MapExpr
	for _, n := range p.nodes {
		m, ok := n.(*syntax.MapExpr)
		if !ok || m.Keys == nil {
			continue
		}
		switch parent := p.parent[m].(type) {
		case *syntax.AssignStmt:
			if parent.Lhs == m && parent.Op == syntax.Assign {
				continue
			}
		case *syntax.CallExpr:
			if parent.Fun.Name == "delete" {
				continue
			}
		}
		out = append(out, m)
	}
	return out
}

// deleteBeforeUse deletes a map element before it is read: a delete moved
// up to before an earlier statement of its block that reads the element,
// or delete(@m[k]) inserted before a statement that reads @m[k].
func deleteBeforeUse(p *program) []candidate {
	var out []candidate
	reads := mapReads(p)
	// Moves.
	for _, n := range p.nodes {
		c, ok := n.(*syntax.CallExpr)
		if !ok {
			continue
		}
		key, ok := deleteKey(p, c)
		d, block := p.stmtOf(c)
		if !ok || d == nil {
			continue
		}
		if es, ok := d.(*syntax.ExprStmt); !ok || es.X != c {
			continue
		}
		seen := map[syntax.Stmt]bool{}
		for _, r := range reads {
			s, b := p.stmtOf(r)
			if b != block || s == nil || s.Pos() >= d.Pos() || seen[s] || squash(p.src(r)) != key {
				continue
			}
			seen[s] = true
			from, to := p.lineSpan(d)
			text := p.src(d)
			if !strings.HasSuffix(text, ";") {
				text += ";"
			}
			out = append(out, one(fmt.Sprintf("move %s before %s", p.src(c), firstLine(p.src(s))),
				edit{s.Pos(), s.Pos(), text + separator(p, s.Pos())}, edit{from, to, ""}))
		}
	}
	// Insertions.
	seen := map[string]bool{}
	for _, r := range reads {
		s, _ := p.stmtOf(r)
		if s == nil || p.probe[r] == nil {
			continue
		}
		key := fmt.Sprintf("%d %s", s.Pos(), squash(p.src(r)))
		if seen[key] {
			continue
		}
		seen[key] = true
		del := "delete(" + p.src(r) + ");"
		out = append(out, one(fmt.Sprintf("insert %s before %s", del, firstLine(p.src(s))),
			edit{s.Pos(), s.Pos(), del + separator(p, s.Pos())}))
	}
	return out
}

// separator is what follows a statement inserted at off: a new line with
// the same indent when off starts its line, else a space.
func separator(p *program, off syntax.Pos) string {
	if p.startsLine(off) {
		return "\n" + p.indent(off)
	}
	return " "
}

func firstLine(s string) string {
	line, _, cut := strings.Cut(s, "\n")
	if cut {
		return line + " ..."
	}
	return line
}

// wrongField reads the wrong member of a kernel struct: a network-order
// field (__be16, __be32) becomes its host-order sibling, the nearest
// member of the same width in host order, as skc_dport becomes skc_num;
// and a host-order field that is some network-order field's sibling
// becomes that field. It needs the program's types.
func wrongField(p *program) []candidate {
	if p.info == nil {
		return nil
	}
	var out []candidate
	for _, n := range p.nodes {
		f, ok := n.(*syntax.FieldExpr)
		if !ok || f.Name == nil {
			continue
		}
		t := p.info.Types[f]
		if t == nil || t.Kind != sema.Int || (t.Bits != 16 && t.Bits != 32) {
			continue
		}
		if sib := pairedField(sema.Members(p.info.Types[f.X]), f.Name.Name); sib != "" {
			out = append(out, one(fmt.Sprintf("%s -> %s", p.src(f), sib), replace(f.Name, sib)))
		}
	}
	return out
}

// pairedField returns the member of ms that member name is confused with:
// its sibling when name is in network order, else the nearest
// network-order member whose sibling it is; "" when there is none.
func pairedField(ms []sema.Member, name string) string {
	self := slices.IndexFunc(ms, func(m sema.Member) bool { return m.Name == name })
	if self < 0 || !plainInt(ms[self]) {
		return ""
	}
	if ms[self].NetworkOrder {
		if sib := sibling(ms, self); sib >= 0 {
			return ms[sib].Name
		}
		return ""
	}
	best, bestDist := "", math.MaxInt
	for i, m := range ms {
		if m.NetworkOrder && plainInt(m) && sibling(ms, i) == self {
			if d := distance(ms, i, self); d < bestDist {
				best, bestDist = m.Name, d
			}
		}
	}
	return best
}

// sibling returns the index of the member of ms nearest to ms[self] that
// has its width and the other byte order, or -1.
func sibling(ms []sema.Member, self int) int {
	me := ms[self]
	best, bestDist := -1, math.MaxInt
	for i, m := range ms {
		if i == self || !plainInt(m) || m.Type.Bits != me.Type.Bits || m.NetworkOrder == me.NetworkOrder {
			continue
		}
		if d := distance(ms, i, self); d < bestDist {
			best, bestDist = i, d
		}
	}
	return best
}

// plainInt reports whether m is an integer member that is not a bitfield.
func plainInt(m sema.Member) bool {
	return m.Type != nil && m.Type.Kind == sema.Int && m.BitSize == 0
}

// distance is how far apart members i and j lie: in bytes when both
// offsets are known, else in places.
func distance(ms []sema.Member, i, j int) int {
	d := i - j
	if ms[i].Offset >= 0 && ms[j].Offset >= 0 {
		d = ms[i].Offset - ms[j].Offset
	}
	if d < 0 {
		d = -d
	}
	return d
}
