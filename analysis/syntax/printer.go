package syntax

import (
	"bytes"
	"strings"
)

// Printer prints a tree in ken's canonical layout, with the file's comments
// and single blank lines kept where the author put them. Printing a
// tree parsed from src and parsing the result again gives the same tree.
//
// The layout follows bpftrace's own formatter (bpftrace --fmt, 0.27): each
// attach point and the predicate on their own lines, the '{' of probes,
// macros and functions on its own line, two-space indentation. Unlike
// bpftrace --fmt it never rewrites the program (-> stays ->, a ?: b stays,
// for loops keep their parentheses), so the output runs on the same bpftrace
// versions as the input.
type Printer struct {
	Indent string // one level of indentation; two spaces when empty
}

// Print prints file, parsed from src, with the default layout.
func Print(file *File, src []byte) []byte {
	return Printer{}.Print(file, src)
}

// Print prints file, parsed from src. Bad nodes are printed as the source
// text they span, so that printing a broken file loses nothing.
func (cfg Printer) Print(file *File, src []byte) []byte {
	indent := cfg.Indent
	if indent == "" {
		indent = "  "
	}
	p := &printer{src: src, comments: file.Comments, indentUnit: indent, lineStart: true}
	for _, d := range file.Decls {
		p.flushComments(d.Pos())
		p.startLine(d.Pos())
		p.decl(d)
		p.lastEnd = d.End()
	}
	p.flushComments(Pos(len(src)) + 1)
	if !p.lineStart {
		p.newline()
	}
	return p.out.Bytes()
}

type printer struct {
	out        bytes.Buffer
	src        []byte
	comments   []*Comment
	next       int // index of the next comment to print
	indentUnit string
	depth      int
	lineStart  bool // nothing written on the current output line yet
	lastEnd    Pos  // source end of the last thing printed, for layout decisions
}

func (p *printer) write(s string) {
	if p.lineStart && s != "" {
		for range p.depth {
			p.out.WriteString(p.indentUnit)
		}
		p.lineStart = false
	}
	p.out.WriteString(s)
}

func (p *printer) newline() {
	p.out.WriteByte('\n')
	p.lineStart = true
}

// sourceLines counts the newlines in the source between two offsets.
func (p *printer) sourceLines(from, to Pos) int {
	from, to = max(from, 0), min(to, Pos(len(p.src)))
	if from >= to {
		return 0
	}
	return bytes.Count(p.src[from:to], []byte{'\n'})
}

// blankLineBefore reports whether the author left a blank line between the
// last printed thing and pos.
func (p *printer) blankLineBefore(pos Pos) bool {
	return p.lastEnd > 0 && p.sourceLines(p.lastEnd, pos) >= 2
}

// startLine moves to a fresh output line for something that starts at pos
// in the source, keeping one blank line if the author left one.
func (p *printer) startLine(pos Pos) {
	if p.out.Len() == 0 {
		return
	}
	if !p.lineStart {
		p.newline()
	}
	if p.blankLineBefore(pos) {
		p.newline()
	}
}

// flushComments prints the comments that start before pos. A comment on
// the same source line as what was printed last stays at the end of that
// line; the others get their own lines.
func (p *printer) flushComments(pos Pos) {
	for p.next < len(p.comments) && p.comments[p.next].Start < pos {
		c := p.comments[p.next]
		p.next++
		text := strings.TrimRight(c.Text, " \t\r")
		switch {
		case p.out.Len() > 0 && !p.lineStart && p.sourceLines(p.lastEnd, c.Start) == 0:
			p.write(" " + text)
		default:
			p.startLine(c.Start)
			p.write(text)
		}
		p.lastEnd = c.Start + Pos(len(c.Text))
		if strings.HasPrefix(text, "//") {
			p.newline()
		}
	}
}

func (p *printer) sourceText(from, to Pos) string {
	from, to = max(from, 0), min(to, Pos(len(p.src)))
	if from >= to {
		return ""
	}
	return string(p.src[from:to])
}

// ---- Declarations ----

func (p *printer) decl(d Decl) {
	switch d := d.(type) {
	case *Directive:
		p.write(d.Text)
	case *CDefinition:
		p.write(d.Text)
	case *Config:
		p.config(d)
	case *Import:
		p.importDecl(d)
	case *Macro:
		p.write("macro " + d.Name.Name + "(")
		p.exprList(d.Params)
		p.write(")")
		p.newline()
		p.block(d.Body)
	case *Func:
		p.fn(d)
	case *MapDecl:
		p.mapDecl(d)
	case *Probe:
		p.probe(d)
	case *BadDecl:
		p.write(p.sourceText(d.From, d.To))
	}
}

func (p *printer) importDecl(imp *Import) {
	if imp.Path == nil {
		p.write(p.sourceText(imp.Pos(), imp.End()))
		return
	}
	p.write("import " + imp.Path.Raw + ";")
}

func (p *printer) config(c *Config) {
	p.write("config = {")
	p.depth++
	for _, e := range c.Entries {
		p.flushComments(e.Pos())
		p.newline()
		p.write(e.Key.Name + " = ")
		p.expr(e.Value)
		p.write(";")
		p.lastEnd = e.End()
	}
	p.flushComments(c.Rbrace)
	p.depth--
	if len(c.Entries) > 0 {
		p.newline()
	}
	p.write("}")
}

func (p *printer) fn(f *Func) {
	p.write("fn " + f.Name.Name + "(")
	for i, param := range f.Params {
		if i > 0 {
			p.write(", ")
		}
		p.write(param.Var.Name + " : ")
		p.typ(param.Type)
	}
	p.write(") : ")
	p.typ(f.Result)
	p.newline()
	p.block(f.Body)
}

func (p *printer) mapDecl(d *MapDecl) {
	p.write("let " + d.Map.Name + " = ")
	if d.Kind != nil {
		p.write(d.Kind.Name)
	}
	p.write("(")
	if d.Size != nil {
		p.write(d.Size.Raw)
	}
	p.write(");")
}

func (p *printer) probe(pr *Probe) {
	for i, ap := range pr.AttachPoints {
		if i > 0 {
			p.write(",")
			p.newline()
		}
		p.write(ap.Raw)
	}
	if pr.Predicate != nil {
		p.newline()
		pred := p.exprString(pr.Predicate)
		if strings.HasPrefix(pred, "*") || strings.HasPrefix(pred, "/") {
			pred = " " + pred
		}
		p.write("/" + pred + "/")
	}
	if pr.Body != nil {
		p.newline()
		p.block(pr.Body)
	}
}

// ---- Blocks and statements ----

func (p *printer) block(b *Block) {
	p.write("{")
	p.lastEnd = b.Lbrace + 1
	if len(b.Stmts) == 0 && b.Value == nil && !p.commentsBefore(b.Rbrace) {
		p.write("}")
		return
	}
	p.depth++
	for _, s := range b.Stmts {
		p.item(s, func() { p.stmt(s) })
	}
	if b.Value != nil {
		p.item(b.Value, func() { p.expr(b.Value) })
	}
	p.flushComments(b.Rbrace)
	p.depth--
	if !p.lineStart {
		p.newline()
	}
	p.write("}")
	p.lastEnd = b.End()
}

// item prints one statement of a block on its own line, after the comments
// that precede it.
func (p *printer) item(n Node, print func()) {
	p.flushComments(n.Pos())
	p.startLine(n.Pos())
	print()
	p.lastEnd = n.End()
}

func (p *printer) commentsBefore(pos Pos) bool {
	return p.next < len(p.comments) && p.comments[p.next].Start < pos
}

func (p *printer) stmt(s Stmt) {
	switch s := s.(type) {
	case *ExprStmt:
		p.expr(s.X)
		if !isStatementLike(s.X) {
			p.write(";")
		}
	case *AssignStmt:
		p.expr(s.Lhs)
		p.write(" " + s.Op.String() + " ")
		p.expr(s.Rhs)
		p.write(";")
	case *LetStmt:
		p.write("let " + s.Var.Name)
		if s.Type != nil {
			p.write(" : ")
			p.typ(s.Type)
		}
		if s.Value != nil {
			p.write(" = ")
			p.expr(s.Value)
		}
		p.write(";")
	case *WhileStmt:
		p.headedBlock("while (", s.Cond, s.Body)
	case *UnrollStmt:
		p.headedBlock("unroll (", s.Count, s.Body)
	case *ForStmt:
		p.headedBlock("for ("+s.Var.Name+" : ", s.Iter, s.Body)
	case *JumpStmt:
		p.write(s.Kind)
		if s.Value != nil {
			p.write(" ")
			p.expr(s.Value)
		}
		p.write(";")
	case *DiscardStmt:
		p.write("_ = ")
		p.expr(s.X)
		p.write(";")
	case *Import:
		p.importDecl(s)
	case *BadStmt:
		p.write(p.sourceText(s.From, s.To))
	}
}

// ---- Expressions ----

func (p *printer) exprList(xs []Expr) {
	for i, x := range xs {
		if i > 0 {
			p.write(", ")
		}
		p.expr(x)
	}
}

// exprString prints x on its own and returns the text.
func (p *printer) exprString(x Expr) string {
	sub := &printer{src: p.src, indentUnit: p.indentUnit, depth: p.depth}
	sub.expr(x)
	return sub.out.String()
}

func (p *printer) expr(x Expr) {
	switch x := x.(type) {
	case *Ident:
		p.write(x.Name)
	case *IntLit:
		p.write(x.Raw)
	case *StringLit:
		p.write(x.Raw)
	case *BoolLit:
		p.write(map[bool]string{true: "true", false: "false"}[x.Value])
	case *MapExpr:
		p.write(x.Name)
		if x.Keys != nil {
			p.write("[")
			p.exprList(x.Keys)
			p.write("]")
		}
	case *Variable:
		p.write(x.Name)
	case *ParamExpr:
		p.write(x.Raw)
	case *CallExpr:
		p.write(x.Fun.Name + "(")
		p.exprList(x.Args)
		p.write(")")
	case *UnaryExpr:
		p.write(x.Op.String())
		if fusesWith(x.Op, firstByte(x.X)) {
			p.write(" ")
		}
		p.expr(x.X)
	case *PostfixExpr:
		p.expr(x.X)
		p.write(x.Op.String())
	case *BinaryExpr:
		p.expr(x.X)
		p.write(" " + x.Op.String() + " ")
		p.expr(x.Y)
	case *TernaryExpr:
		p.expr(x.Cond)
		if x.Then == nil {
			p.write(" ?: ")
		} else {
			p.write(" ? ")
			p.expr(x.Then)
			p.write(" : ")
		}
		p.expr(x.Else)
	case *IfExpr:
		p.ifExpr(x)
	case *Block:
		p.block(x)
	case *ParenExpr:
		p.write("(")
		p.expr(x.X)
		p.write(")")
	case *TupleExpr:
		p.write("(")
		p.exprList(x.Elems)
		if len(x.Elems) == 1 {
			p.write(",")
		}
		p.write(")")
	case *RecordExpr:
		p.write("(")
		for i, f := range x.Fields {
			if i > 0 {
				p.write(", ")
			}
			p.write(f.Name.Name + "=")
			p.expr(f.Value)
		}
		p.write(")")
	case *CastExpr:
		p.write("(")
		p.typ(x.Type)
		p.write(")")
		p.expr(x.X)
	case *FieldExpr:
		p.expr(x.X)
		if x.Arrow {
			p.write("->")
		} else {
			p.write(".")
		}
		if x.Name != nil {
			p.write(x.Name.Name)
		}
	case *TupleIndexExpr:
		p.expr(x.X)
		p.write("." + x.Index.Raw)
	case *IndexExpr:
		p.expr(x.X)
		p.write("[")
		p.expr(x.Index)
		p.write("]")
	case *RangeExpr:
		p.expr(x.Lo)
		p.write("..")
		p.expr(x.Hi)
	case *SizeofExpr:
		p.write("sizeof(")
		p.typeOrExpr(x.Arg)
		p.write(")")
	case *TypeinfoExpr:
		p.write("typeinfo(")
		p.typeOrExpr(x.Arg)
		p.write(")")
	case *OffsetofExpr:
		p.write("offsetof(")
		p.typeOrExpr(x.Arg)
		for i, f := range x.Fields {
			if i == 0 {
				p.write(", ")
			} else {
				p.write(".")
			}
			p.write(f.Name)
		}
		p.write(")")
	case *ComptimeExpr:
		p.write("comptime ")
		p.expr(x.X)
	case *BadExpr:
		p.write(p.sourceText(x.From, x.To))
	}
}

// headedBlock prints the "keyword (x) { ... }" shape of if, while, unroll
// and for; head is everything up to x.
func (p *printer) headedBlock(head string, x Expr, body *Block) {
	p.write(head)
	p.expr(x)
	p.write(") ")
	p.block(body)
}

func (p *printer) ifExpr(x *IfExpr) {
	p.headedBlock("if (", x.Cond, x.Then)
	if x.Else != nil {
		p.write(" else ")
		p.expr(x.Else)
	}
}

// firstByte returns the first byte x prints as, when it is an operator.
func firstByte(x Expr) byte {
	switch x := x.(type) {
	case *UnaryExpr:
		return x.Op.String()[0]
	case *BinaryExpr:
		return firstByte(x.X)
	case *PostfixExpr:
		return firstByte(x.X)
	case *TernaryExpr:
		return firstByte(x.Cond)
	case *FieldExpr:
		return firstByte(x.X)
	case *IndexExpr:
		return firstByte(x.X)
	case *TupleIndexExpr:
		return firstByte(x.X)
	}
	return 0
}

// fusesWith reports whether a prefix operator followed directly by c would
// scan as a different token, as - followed by - scans as --.
func fusesWith(op Token, c byte) bool {
	switch op {
	case Minus, Dec:
		return c == '-'
	case Inc:
		return c == '+'
	case Amp:
		return c == '&'
	}
	return false
}

func (p *printer) typeOrExpr(n Node) {
	if t, ok := n.(Type); ok {
		p.typ(t)
	} else if x, ok := n.(Expr); ok {
		p.expr(x)
	}
}

func (p *printer) typ(t Type) {
	switch t := t.(type) {
	case *NamedType:
		if t.Keyword != "" {
			p.write(t.Keyword + " ")
		}
		p.write(t.Name)
	case *PointerType:
		p.typ(t.Elem)
		p.write("*")
	case *ArrayType:
		p.typ(t.Elem)
		p.write("[")
		if t.Len != nil {
			p.write(t.Len.Raw)
		}
		p.write("]")
	case *TypeofType:
		p.write("typeof(")
		p.typeOrExpr(t.Arg)
		p.write(")")
	}
}
