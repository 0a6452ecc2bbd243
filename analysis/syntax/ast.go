package syntax

// Pos is a byte offset into the source text. Fields of this type are
// positions, not content: Dump and tree comparisons ignore them.
type Pos int

// Node is any node of the tree. End is exclusive: the node covers the bytes
// [Pos(), End()) and Pos() <= End() always holds.
type Node interface {
	Pos() Pos
	End() Pos
}

// Decl is a top-level item of a file.
type Decl interface {
	Node
	declNode()
}

// Stmt is a statement inside a block.
type Stmt interface {
	Node
	stmtNode()
}

// Expr is an expression.
type Expr interface {
	Node
	exprNode()
}

// Type is a type written in the source: in casts, sizeof, let and fn.
type Type interface {
	Node
	typeNode()
}

// Comment is a // or /* */ comment, text included.
type Comment struct {
	Start Pos
	Text  string
}

// File is a whole parsed file. Comments are kept apart from the tree, in
// source order, for the printer.
type File struct {
	Decls    []Decl
	Comments []*Comment
	Size     Pos // length of the source text
}

// ---- Declarations ----

type (
	// Directive is a line that starts with '#': a shebang (#!...) or a C
	// preprocessor line (#include, #define). Text excludes the newline.
	Directive struct {
		Start Pos
		Text  string
	}

	// CDefinition is a C struct, union or enum definition, kept as text for
	// the C parser of the semantic stage.
	CDefinition struct {
		Start Pos
		Text  string
	}

	// Config is a config = { key = value; ... } block.
	Config struct {
		Keyword Pos
		Entries []*ConfigEntry
		Rbrace  Pos // position of '}', or of where it was missing
		Closed  bool
	}

	// ConfigEntry is one key = value; of a config block. Value is an IntLit,
	// StringLit, BoolLit or Ident.
	ConfigEntry struct {
		Key   *Ident
		Value Expr
	}

	// Import is an import "path"; at the top level or in a block.
	Import struct {
		Keyword Pos
		Path    *StringLit // nil when missing
		Semi    Pos        // 0 when missing
	}

	// Macro is macro name(params) { body }. Params are Variables, MapExprs
	// or Idents.
	Macro struct {
		Keyword Pos
		Name    *Ident
		Params  []Expr
		Body    *Block
	}

	// Func is a subprogram: fn name($a: type, ...): type { body }.
	Func struct {
		Keyword Pos
		Name    *Ident
		Params  []*FuncParam
		Result  Type // nil when missing
		Body    *Block
	}

	// FuncParam is one $name: type parameter of a Func.
	FuncParam struct {
		Var  *Variable
		Type Type // nil when missing
	}

	// MapDecl is let @name = kind(size); at the top level.
	MapDecl struct {
		Let  Pos
		Map  *MapExpr
		Kind *Ident
		Size *IntLit // nil when missing
		End_ Pos
	}

	// Probe is attach points, an optional predicate and a body. Body is nil
	// only when the source ends or breaks off before the block.
	Probe struct {
		AttachPoints []*AttachPoint
		Predicate    Expr // nil when absent
		Body         *Block
	}

	// BadDecl spans top-level text that could not be parsed.
	BadDecl struct {
		From, To Pos
	}
)

// AttachPoint is one attach point of a probe, such as kprobe:tcp_connect or
// uprobe:/bin/bash:readline. Raw is the text as written; Provider and Parts
// are its colon-separated pieces (quotes kept), Label the optional name=
// prefix.
type AttachPoint struct {
	Start    Pos
	Raw      string
	Label    string
	Provider string
	Parts    []string
}

// ---- Statements ----

type (
	// ExprStmt is an expression evaluated for its effect, such as a call.
	ExprStmt struct {
		X    Expr
		Semi Pos // 0 when absent (before '}' or after an if/block)
	}

	// AssignStmt is lhs = rhs or lhs op= rhs. Lhs is a Variable, MapExpr,
	// or (for errors the semantic stage reports) another expression.
	AssignStmt struct {
		Lhs   Expr
		OpPos Pos
		Op    Token // Assign or a compound assignment
		Rhs   Expr
		Semi  Pos
	}

	// LetStmt is let $x; let $x: type; let $x = value; let $x: type = value.
	LetStmt struct {
		Let   Pos
		Var   *Variable
		Type  Type // nil when absent
		Value Expr // nil when absent
		Semi  Pos
	}

	// WhileStmt is while cond { body }.
	WhileStmt struct {
		Keyword Pos
		Cond    Expr
		Body    *Block
	}

	// UnrollStmt is unroll(count) { body }.
	UnrollStmt struct {
		Keyword Pos
		Count   Expr
		Body    *Block
	}

	// ForStmt is for $v : iter { body }, where Iter is a MapExpr or a
	// RangeExpr.
	ForStmt struct {
		Keyword Pos
		Var     *Variable
		Iter    Expr
		Body    *Block
	}

	// JumpStmt is break, continue or return (with an optional value).
	JumpStmt struct {
		Keyword Pos
		Kind    string // "break", "continue" or "return"
		Value   Expr   // return value, nil when absent
		Semi    Pos
	}

	// DiscardStmt is _ = expr;.
	DiscardStmt struct {
		Underscore Pos
		X          Expr
		Semi       Pos
	}

	// BadStmt spans statement text that could not be parsed.
	BadStmt struct {
		From, To Pos
	}
)

// ---- Expressions ----

type (
	// Ident is a bare identifier: a builtin (pid, comm), a macro call without
	// parentheses, a type name in sizeof, an enum value.
	Ident struct {
		Start Pos
		Name  string
	}

	// IntLit is an integer literal with its suffix (a C size suffix or a
	// duration unit). Value is the parsed value with the unit applied: 1ms
	// is 1000000 (nanoseconds); it is 0 when the literal is invalid.
	IntLit struct {
		Start Pos
		Raw   string
		Value uint64
	}

	// StringLit is a string literal. Raw includes the quotes; Value has the
	// escapes decoded.
	StringLit struct {
		Start Pos
		Raw   string
		Value string
	}

	// BoolLit is true or false.
	BoolLit struct {
		Start Pos
		Value bool
	}

	// MapExpr is @name, @name[keys] or the anonymous map @. Name includes
	// the '@'. Keys is nil without brackets.
	MapExpr struct {
		Start  Pos
		Name   string
		Lbrack Pos
		Keys   []Expr
		Rbrack Pos
	}

	// Variable is a scratch variable; Name includes the '$'.
	Variable struct {
		Start Pos
		Name  string
	}

	// ParamExpr is a positional parameter $1 or the parameter count $#.
	ParamExpr struct {
		Start Pos
		Raw   string
	}

	// CallExpr is a function or macro call.
	CallExpr struct {
		Fun    *Ident
		Lparen Pos
		Args   []Expr
		Rparen Pos
	}

	// UnaryExpr is a prefix operator: - ! ~ * & ++ --.
	UnaryExpr struct {
		OpPos Pos
		Op    Token
		X     Expr
	}

	// PostfixExpr is x++ or x--.
	PostfixExpr struct {
		X     Expr
		Op    Token
		OpEnd Pos
	}

	// BinaryExpr is x op y.
	BinaryExpr struct {
		X     Expr
		OpPos Pos
		Op    Token
		Y     Expr
	}

	// TernaryExpr is cond ? then : else, or cond ?: else when Then is nil.
	TernaryExpr struct {
		Cond Expr
		Then Expr
		Else Expr
	}

	// IfExpr is if cond { then } else ..., used as a statement or, in
	// bpftrace 0.26, as an expression. Else is nil, a *Block or an *IfExpr.
	IfExpr struct {
		Keyword Pos
		Cond    Expr
		Then    *Block
		Else    Expr
	}

	// Block is { statements; value }. Value is the trailing expression of a
	// block used as a value (an if branch, a macro body); in probe and loop
	// bodies a trailing expression is a statement and Value is nil.
	Block struct {
		Lbrace Pos
		Stmts  []Stmt
		Value  Expr
		Rbrace Pos // position of '}', or where it was missing
		Closed bool
	}

	// ParenExpr is (x), kept so that printing keeps the author's grouping.
	ParenExpr struct {
		Lparen Pos
		X      Expr
		Rparen Pos
	}

	// TupleExpr is (a, b, ...), () or (a,).
	TupleExpr struct {
		Lparen Pos
		Elems  []Expr
		Rparen Pos
	}

	// RecordExpr is (name = value, ...).
	RecordExpr struct {
		Lparen Pos
		Fields []*RecordField
		Rparen Pos
	}

	// RecordField is one name = value of a record.
	RecordField struct {
		Name  *Ident
		Value Expr
	}

	// CastExpr is (type)x.
	CastExpr struct {
		Lparen Pos
		Type   Type
		X      Expr
	}

	// FieldExpr is x.name or x->name. Name is nil when the source breaks off
	// after the operator, so that completion still knows the receiver.
	FieldExpr struct {
		X     Expr
		Arrow bool
		OpPos Pos
		Name  *Ident
	}

	// TupleIndexExpr is x.0.
	TupleIndexExpr struct {
		X     Expr
		Index *IntLit
	}

	// IndexExpr is x[index] on an array or pointer.
	IndexExpr struct {
		X      Expr
		Index  Expr
		Rbrack Pos
	}

	// RangeExpr is lo..hi in a for loop.
	RangeExpr struct {
		Lo, Hi Expr
	}

	// SizeofExpr is sizeof(type) or sizeof(expr): Arg is a Type or an Expr.
	SizeofExpr struct {
		Keyword Pos
		Arg     Node
		Rparen  Pos
	}

	// OffsetofExpr is offsetof(type or expr, field.field...).
	OffsetofExpr struct {
		Keyword Pos
		Arg     Node
		Fields  []*Ident
		Rparen  Pos
	}

	// TypeinfoExpr is typeinfo(type or expr).
	TypeinfoExpr struct {
		Keyword Pos
		Arg     Node
		Rparen  Pos
	}

	// ComptimeExpr is comptime x.
	ComptimeExpr struct {
		Keyword Pos
		X       Expr
	}

	// BadExpr spans expression text that could not be parsed.
	BadExpr struct {
		From, To Pos
	}
)

// ---- Types ----

type (
	// NamedType is a type name: uint32, string, struct sock, my_typedef.
	// Keyword is "struct", "union", "enum" or empty.
	NamedType struct {
		Start   Pos
		Keyword string
		Name    string
		NameEnd Pos
	}

	// PointerType is elem *.
	PointerType struct {
		Elem Type
		Star Pos
	}

	// ArrayType is elem[len]; Len is nil for elem[].
	ArrayType struct {
		Elem   Type
		Len    *IntLit
		Rbrack Pos
	}

	// TypeofType is typeof(type or expr): Arg is a Type or an Expr.
	TypeofType struct {
		Keyword Pos
		Arg     Node
		Rparen  Pos
	}
)

// ---- Positions ----

func (d *Directive) Pos() Pos   { return d.Start }
func (d *CDefinition) Pos() Pos { return d.Start }
func (d *Config) Pos() Pos      { return d.Keyword }
func (d *ConfigEntry) Pos() Pos { return d.Key.Pos() }
func (d *Import) Pos() Pos      { return d.Keyword }
func (d *Macro) Pos() Pos       { return d.Keyword }
func (d *Func) Pos() Pos        { return d.Keyword }
func (d *FuncParam) Pos() Pos   { return d.Var.Pos() }
func (d *MapDecl) Pos() Pos     { return d.Let }
func (d *Probe) Pos() Pos       { return d.AttachPoints[0].Pos() }
func (d *BadDecl) Pos() Pos     { return d.From }
func (a *AttachPoint) Pos() Pos { return a.Start }

func (d *Directive) End() Pos   { return d.Start + Pos(len(d.Text)) }
func (d *CDefinition) End() Pos { return d.Start + Pos(len(d.Text)) }
func (d *Config) End() Pos {
	if d.Closed {
		return d.Rbrace + 1
	}
	return d.Rbrace
}
func (d *ConfigEntry) End() Pos { return endOf(d.Value, d.Key.End()) }
func (d *Import) End() Pos      { return semiEnd(d.Semi, endOf(d.Path, d.Keyword+6)) }
func (d *Macro) End() Pos       { return d.Body.End() }
func (d *Func) End() Pos        { return d.Body.End() }
func (d *FuncParam) End() Pos   { return endOf(d.Type, d.Var.End()) }
func (d *MapDecl) End() Pos     { return d.End_ }
func (d *Probe) End() Pos {
	if d.Body != nil {
		return d.Body.End()
	}
	if d.Predicate != nil {
		return d.Predicate.End()
	}
	return d.AttachPoints[len(d.AttachPoints)-1].End()
}
func (d *BadDecl) End() Pos     { return d.To }
func (a *AttachPoint) End() Pos { return a.Start + Pos(len(a.Raw)) }

func (s *ExprStmt) Pos() Pos    { return s.X.Pos() }
func (s *AssignStmt) Pos() Pos  { return s.Lhs.Pos() }
func (s *LetStmt) Pos() Pos     { return s.Let }
func (s *WhileStmt) Pos() Pos   { return s.Keyword }
func (s *UnrollStmt) Pos() Pos  { return s.Keyword }
func (s *ForStmt) Pos() Pos     { return s.Keyword }
func (s *JumpStmt) Pos() Pos    { return s.Keyword }
func (s *DiscardStmt) Pos() Pos { return s.Underscore }
func (s *BadStmt) Pos() Pos     { return s.From }

func (s *ExprStmt) End() Pos   { return semiEnd(s.Semi, s.X.End()) }
func (s *AssignStmt) End() Pos { return semiEnd(s.Semi, s.Rhs.End()) }
func (s *LetStmt) End() Pos {
	end := s.Var.End()
	if s.Type != nil {
		end = s.Type.End()
	}
	return semiEnd(s.Semi, endOf(s.Value, end))
}
func (s *WhileStmt) End() Pos  { return s.Body.End() }
func (s *UnrollStmt) End() Pos { return s.Body.End() }
func (s *ForStmt) End() Pos    { return s.Body.End() }
func (s *JumpStmt) End() Pos {
	return semiEnd(s.Semi, endOf(s.Value, s.Keyword+Pos(len(s.Kind))))
}
func (s *DiscardStmt) End() Pos { return semiEnd(s.Semi, s.X.End()) }
func (s *BadStmt) End() Pos     { return s.To }

func (x *Ident) Pos() Pos          { return x.Start }
func (x *IntLit) Pos() Pos         { return x.Start }
func (x *StringLit) Pos() Pos      { return x.Start }
func (x *BoolLit) Pos() Pos        { return x.Start }
func (x *MapExpr) Pos() Pos        { return x.Start }
func (x *Variable) Pos() Pos       { return x.Start }
func (x *ParamExpr) Pos() Pos      { return x.Start }
func (x *CallExpr) Pos() Pos       { return x.Fun.Pos() }
func (x *UnaryExpr) Pos() Pos      { return x.OpPos }
func (x *PostfixExpr) Pos() Pos    { return x.X.Pos() }
func (x *BinaryExpr) Pos() Pos     { return x.X.Pos() }
func (x *TernaryExpr) Pos() Pos    { return x.Cond.Pos() }
func (x *IfExpr) Pos() Pos         { return x.Keyword }
func (x *Block) Pos() Pos          { return x.Lbrace }
func (x *ParenExpr) Pos() Pos      { return x.Lparen }
func (x *TupleExpr) Pos() Pos      { return x.Lparen }
func (x *RecordExpr) Pos() Pos     { return x.Lparen }
func (x *RecordField) Pos() Pos    { return x.Name.Pos() }
func (x *CastExpr) Pos() Pos       { return x.Lparen }
func (x *FieldExpr) Pos() Pos      { return x.X.Pos() }
func (x *TupleIndexExpr) Pos() Pos { return x.X.Pos() }
func (x *IndexExpr) Pos() Pos      { return x.X.Pos() }
func (x *RangeExpr) Pos() Pos      { return x.Lo.Pos() }
func (x *SizeofExpr) Pos() Pos     { return x.Keyword }
func (x *OffsetofExpr) Pos() Pos   { return x.Keyword }
func (x *TypeinfoExpr) Pos() Pos   { return x.Keyword }
func (x *ComptimeExpr) Pos() Pos   { return x.Keyword }
func (x *BadExpr) Pos() Pos        { return x.From }

func (x *Ident) End() Pos     { return x.Start + Pos(len(x.Name)) }
func (x *IntLit) End() Pos    { return x.Start + Pos(len(x.Raw)) }
func (x *StringLit) End() Pos { return x.Start + Pos(len(x.Raw)) }
func (x *BoolLit) End() Pos {
	if x.Value {
		return x.Start + 4
	}
	return x.Start + 5
}
func (x *MapExpr) End() Pos {
	if x.Keys != nil {
		return x.Rbrack + 1
	}
	return x.Start + Pos(len(x.Name))
}
func (x *Variable) End() Pos    { return x.Start + Pos(len(x.Name)) }
func (x *ParamExpr) End() Pos   { return x.Start + Pos(len(x.Raw)) }
func (x *CallExpr) End() Pos    { return x.Rparen + 1 }
func (x *UnaryExpr) End() Pos   { return x.X.End() }
func (x *PostfixExpr) End() Pos { return x.OpEnd }
func (x *BinaryExpr) End() Pos  { return x.Y.End() }
func (x *TernaryExpr) End() Pos { return x.Else.End() }
func (x *IfExpr) End() Pos {
	if x.Else != nil {
		return x.Else.End()
	}
	return x.Then.End()
}
func (x *Block) End() Pos {
	if x.Closed {
		return x.Rbrace + 1
	}
	return x.Rbrace
}
func (x *ParenExpr) End() Pos      { return x.Rparen + 1 }
func (x *TupleExpr) End() Pos      { return x.Rparen + 1 }
func (x *RecordExpr) End() Pos     { return x.Rparen + 1 }
func (x *RecordField) End() Pos    { return x.Value.End() }
func (x *CastExpr) End() Pos       { return x.X.End() }
func (x *TupleIndexExpr) End() Pos { return x.Index.End() }
func (x *IndexExpr) End() Pos      { return x.Rbrack + 1 }
func (x *RangeExpr) End() Pos      { return x.Hi.End() }
func (x *SizeofExpr) End() Pos     { return x.Rparen + 1 }
func (x *OffsetofExpr) End() Pos   { return x.Rparen + 1 }
func (x *TypeinfoExpr) End() Pos   { return x.Rparen + 1 }
func (x *ComptimeExpr) End() Pos   { return x.X.End() }
func (x *BadExpr) End() Pos        { return x.To }
func (x *FieldExpr) End() Pos {
	if x.Name != nil {
		return x.Name.End()
	}
	return x.OpPos + 1 + Pos(btoi(x.Arrow))
}

func (t *NamedType) Pos() Pos   { return t.Start }
func (t *PointerType) Pos() Pos { return t.Elem.Pos() }
func (t *ArrayType) Pos() Pos   { return t.Elem.Pos() }
func (t *TypeofType) Pos() Pos  { return t.Keyword }
func (t *NamedType) End() Pos   { return t.NameEnd }
func (t *PointerType) End() Pos { return t.Star + 1 }
func (t *ArrayType) End() Pos   { return t.Rbrack + 1 }
func (t *TypeofType) End() Pos  { return t.Rparen + 1 }

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

// endOf returns n.End(), or def when n is nil.
func endOf(n Node, def Pos) Pos {
	if isNil(n) {
		return def
	}
	return n.End()
}

// semiEnd extends end over a semicolon at semi, when there is one.
func semiEnd(semi, end Pos) Pos {
	if semi > 0 && semi >= end {
		return semi + 1
	}
	return end
}

func (*Directive) declNode()   {}
func (*CDefinition) declNode() {}
func (*Config) declNode()      {}
func (*Import) declNode()      {}
func (*Macro) declNode()       {}
func (*Func) declNode()        {}
func (*MapDecl) declNode()     {}
func (*Probe) declNode()       {}
func (*BadDecl) declNode()     {}

func (*ExprStmt) stmtNode()    {}
func (*AssignStmt) stmtNode()  {}
func (*LetStmt) stmtNode()     {}
func (*WhileStmt) stmtNode()   {}
func (*UnrollStmt) stmtNode()  {}
func (*ForStmt) stmtNode()     {}
func (*JumpStmt) stmtNode()    {}
func (*DiscardStmt) stmtNode() {}
func (*Import) stmtNode()      {}
func (*BadStmt) stmtNode()     {}

func (*Ident) exprNode()          {}
func (*IntLit) exprNode()         {}
func (*StringLit) exprNode()      {}
func (*BoolLit) exprNode()        {}
func (*MapExpr) exprNode()        {}
func (*Variable) exprNode()       {}
func (*ParamExpr) exprNode()      {}
func (*CallExpr) exprNode()       {}
func (*UnaryExpr) exprNode()      {}
func (*PostfixExpr) exprNode()    {}
func (*BinaryExpr) exprNode()     {}
func (*TernaryExpr) exprNode()    {}
func (*IfExpr) exprNode()         {}
func (*Block) exprNode()          {}
func (*ParenExpr) exprNode()      {}
func (*TupleExpr) exprNode()      {}
func (*RecordExpr) exprNode()     {}
func (*CastExpr) exprNode()       {}
func (*FieldExpr) exprNode()      {}
func (*TupleIndexExpr) exprNode() {}
func (*IndexExpr) exprNode()      {}
func (*RangeExpr) exprNode()      {}
func (*SizeofExpr) exprNode()     {}
func (*OffsetofExpr) exprNode()   {}
func (*TypeinfoExpr) exprNode()   {}
func (*ComptimeExpr) exprNode()   {}
func (*BadExpr) exprNode()        {}

func (*NamedType) typeNode()   {}
func (*PointerType) typeNode() {}
func (*ArrayType) typeNode()   {}
func (*TypeofType) typeNode()  {}
