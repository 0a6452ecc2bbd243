package dialect

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/kenlsp/ken/analysis/diag"
	"github.com/kenlsp/ken/analysis/source"
	"github.com/kenlsp/ken/analysis/syntax"
)

// Code is the diagnostic code of every finding of Check.
const Code = "ken/dialect"

// Check reports each use in file of syntax that bpftrace v does not accept:
// features newer than v, forms v no longer accepts, and unstable features
// whose config gate the file leaves closed. Each finding is an Error with
// Code, spanning the keyword, operator or construct at fault, with a fix
// when v has an equivalent spelling. The result is sorted by position.
//
// src must be the text file was parsed from. Whether a condition is
// parenthesised and where some ';' and '?' tokens are is not in the tree, so
// with a nil src those checks are skipped and spans are coarser. v is
// clamped to the modelled range; the zero version means Newest.
func Check(file *syntax.File, src *source.File, v Version) []diag.Diagnostic {
	found := check(file, src, v)
	ds := make([]diag.Diagnostic, len(found))
	for i, f := range found {
		ds[i] = f.diag
	}
	diag.Sort(ds)
	return ds
}

// finding is one diagnostic and the feature behind it, kept apart so that
// tests can see which feature fired.
type finding struct {
	feature Feature
	diag    diag.Diagnostic
}

// check runs the checker and returns its findings in walk order.
func check(file *syntax.File, src *source.File, v Version) []finding {
	c := &checker{
		file:    file,
		v:       v.Clamp(),
		stmtIfs: map[*syntax.IfExpr]bool{},
		bodies:  map[*syntax.Block]bool{},
		imports: map[*syntax.Import]bool{},
	}
	if src != nil {
		c.text = src.Text
	}
	c.decls()
	syntax.InspectFile(file, c.node)
	return c.found
}

// checker walks one file. The tree does not link children to parents, so
// parents record in stmtIfs and bodies what their children are before the
// walk reaches them (Inspect visits parents first).
type checker struct {
	file *syntax.File
	text []byte // nil when the source text is unknown
	v    Version

	stmtIfs map[*syntax.IfExpr]bool // ifs used as statements, not as values
	bodies  map[*syntax.Block]bool  // blocks that are the body of a construct
	imports map[*syntax.Import]bool // top-level imports
	found   []finding
}

// report records a use of f at sp when v lacks f, or when f is gated and
// the file's config leaves the gate closed. what names the construct in the
// message; "" means f's own name.
func (c *checker) report(f Feature, sp source.Span, what string, fixes ...diag.Fix) {
	if r := f.Refines(); r != 0 && !Has(c.v, r) {
		return // the finding on r covers this construct
	}
	if what == "" {
		what = f.Name()
	}
	var msg string
	switch {
	case !Has(c.v, f) && c.v.Less(f.Since()):
		msg = fmt.Sprintf("%s needs bpftrace %s or newer; this file is checked as bpftrace %s", what, f.Since(), c.v)
	case !Has(c.v, f):
		msg = fmt.Sprintf("%s is rejected by bpftrace %s and newer; this file is checked as bpftrace %s", what, f.Until(), c.v)
	case f.Gate() != "" && !c.gateOpen(f.Gate()):
		msg = fmt.Sprintf("%s is unstable in bpftrace %s: enable it with `config = { %s = enable }`", what, c.v, f.Gate())
		fixes = nil
	default:
		return
	}
	c.found = append(c.found, finding{feature: f, diag: diag.Diagnostic{
		Span: sp, Severity: diag.Error, Code: Code, Message: msg, Source: "ken", Fixes: fixes,
	}})
}

// gateOpen reports whether the file's config block enables key, as bpftrace
// reads it: "enable", "warn" or a truthy value.
func (c *checker) gateOpen(key string) bool {
	for _, d := range c.file.Decls {
		cfg, ok := d.(*syntax.Config)
		if !ok {
			continue
		}
		for _, e := range cfg.Entries {
			if e.Key != nil && e.Key.Name == key && enables(e.Value) {
				return true
			}
		}
	}
	return false
}

// enables reports whether a config value turns an unstable feature on.
func enables(x syntax.Expr) bool {
	switch x := x.(type) {
	case *syntax.BoolLit:
		return x.Value
	case *syntax.IntLit:
		return x.Value != 0
	case *syntax.Ident:
		return truthy(x.Name)
	case *syntax.StringLit:
		return truthy(x.Value)
	}
	return false
}

func truthy(s string) bool {
	switch strings.ToLower(s) {
	case "enable", "warn", "true", "on", "yes", "1":
		return true
	}
	return false
}

// ---- Declarations ----

// decls checks the top-level items and records which blocks are bodies.
func (c *checker) decls() {
	sawImport := false
	for _, d := range c.file.Decls {
		switch d := d.(type) {
		case *syntax.Config:
			c.config(d, sawImport)
		case *syntax.Import:
			c.imports[d] = true
			sawImport = true
			c.report(FeatureImport, keyword(d.Keyword, "import"), "")
		case *syntax.Macro:
			c.bodies[d.Body] = true
			c.report(FeatureMacro, keyword(d.Keyword, "macro"), "")
		case *syntax.Func:
			c.bodies[d.Body] = true
			c.report(FeatureUserFunction, keyword(d.Keyword, "fn"), "")
		case *syntax.MapDecl:
			c.mapDecl(d)
		case *syntax.CDefinition:
			c.cDefinition(d)
		case *syntax.Probe:
			if d.Body != nil {
				c.bodies[d.Body] = true
			}
			for _, ap := range d.AttachPoints {
				c.attachPoint(ap)
			}
		}
	}
}

func (c *checker) config(d *syntax.Config, afterImport bool) {
	kw := keyword(d.Keyword, "config")
	c.report(FeatureConfigBlock, kw, "")
	for _, e := range d.Entries {
		if b, ok := e.Value.(*syntax.BoolLit); ok {
			c.boolLit(b)
		}
	}
	if afterImport {
		c.report(FeatureImportBeforeConfig, kw, "")
	}
	if len(d.Entries) == 0 && d.Closed {
		c.report(FeatureConfigEmpty, span(d.Pos(), d.End()), "")
		return
	}
	if n := len(d.Entries); n > 0 && c.text != nil {
		if semi := skipLayout(c.text, int(d.Entries[n-1].End())); c.at(semi) == ';' {
			sp := source.Span{Start: semi, End: semi + 1}
			c.report(FeatureConfigTrailingSemicolon, sp, "", deleteFix("Remove the `;`", sp))
		}
	}
}

func (c *checker) mapDecl(d *syntax.MapDecl) {
	c.report(FeatureMapDeclaration, keyword(d.Let, "let"), "")
	if c.text == nil || d.End_ <= 0 {
		return
	}
	if end := int(d.End_); c.at(end-1) != ';' {
		last := source.Span{Start: end - 1, End: end} // the ')' the ';' should follow
		c.report(FeatureMapDeclWithoutSemicolon, last, "", insertFix("Add `;`", end, ";"))
	}
}

// cDefinition looks for __attribute__ after the closing brace of a C
// definition, which bpftrace 0.26 passes on to the C parser.
func (c *checker) cDefinition(d *syntax.CDefinition) {
	brace := strings.LastIndexByte(d.Text, '}')
	if brace < 0 {
		return
	}
	if i := strings.Index(d.Text[brace:], "__attribute__"); i >= 0 {
		start := int(d.Start) + brace + i
		c.report(FeatureCStructAttribute, source.Span{Start: start, End: start + len("__attribute__")}, "")
	}
}

// attachPoint checks the spelling of the probe type and the optional name=
// label.
func (c *checker) attachPoint(ap *syntax.AttachPoint) {
	start := int(ap.Start)
	if ap.Label != "" {
		sp := source.Span{Start: start, End: start + len(ap.Label) + 1}
		c.report(FeatureProbeName, sp, "", deleteFix("Remove the probe name", sp))
		start = sp.End
	}
	p := ap.Provider
	if (strings.EqualFold(p, "begin") || strings.EqualFold(p, "end")) && p != strings.ToUpper(p) {
		sp := source.Span{Start: start, End: start + len(p)}
		upper := strings.ToUpper(p)
		c.report(FeatureLowercaseBeginEnd, sp, "`"+p+"`", replaceFix("Write `"+upper+"`", sp, upper))
	}
}

// ---- Statements and expressions ----

// node checks one node of the walk; it always descends.
func (c *checker) node(n syntax.Node) bool {
	switch n := n.(type) {
	case *syntax.ExprStmt:
		c.exprStmt(n)
	case *syntax.Block:
		c.block(n)
	case *syntax.IfExpr:
		c.ifExpr(n)
	case *syntax.WhileStmt:
		c.bodies[n.Body] = true
		c.loopParens(n.Keyword, "while", n.Cond)
	case *syntax.UnrollStmt:
		c.bodies[n.Body] = true
		c.loopParens(n.Keyword, "unroll", n.Count)
		if !isUnrollCount(n.Count) {
			c.report(FeatureUnrollExpression, span(n.Count.Pos(), n.Count.End()), "")
		}
	case *syntax.ForStmt:
		c.forStmt(n)
	case *syntax.JumpStmt:
		if n.Kind == "return" && n.Value != nil {
			c.report(FeatureReturnValue, span(n.Value.Pos(), n.Value.End()), "")
		}
	case *syntax.LetStmt:
		if n.Type != nil {
			c.report(FeatureTypedLet, keyword(n.Let, "let"), "")
		} else {
			c.report(FeatureLet, keyword(n.Let, "let"), "")
		}
	case *syntax.DiscardStmt:
		c.discard(n)
	case *syntax.Import:
		if !c.imports[n] {
			c.report(FeatureBlockImport, keyword(n.Keyword, "import"), "")
		}
	default:
		c.expr(n)
	}
	return true
}

func (c *checker) exprStmt(s *syntax.ExprStmt) {
	switch x := s.X.(type) {
	case *syntax.IfExpr:
		c.stmtIfs[x] = true
	case *syntax.Block:
		c.bodies[x] = true // a statement, reported here rather than as a value
		c.report(FeatureBlockExpression, keyword(x.Lbrace, "{"), "")
	}
	if isBlockLike(s.X) && s.Semi > 0 {
		sp := keyword(s.Semi, ";")
		c.report(FeatureSemicolonAfterBlock, sp, "", deleteFix("Remove the `;`", sp))
	}
}

// block checks a block used as a value (statement blocks and bodies were
// marked by their parents) and the statements 0.26 reads in its sigil-led
// statement form.
func (c *checker) block(b *syntax.Block) {
	if !c.bodies[b] {
		c.report(FeatureBlockExpression, keyword(b.Lbrace, "{"), "")
	}
	// A trailing if whose branches yield nothing is an if statement that
	// ken's parser kept as the block's value (the end of a macro body).
	if x, ok := b.Value.(*syntax.IfExpr); ok && x.Then != nil && x.Then.Value == nil {
		c.stmtIfs[x] = true
	}
	for _, s := range b.Stmts {
		if es, ok := s.(*syntax.ExprStmt); ok {
			c.sigilTernary(es.X)
		}
	}
	if b.Value != nil {
		c.sigilTernary(b.Value)
	}
}

// sigilTernary reports a ?: statement that starts with $var or @map: from
// 0.26 such a statement is parsed as an assignment or a binary expression,
// and the '?' is a syntax error.
func (c *checker) sigilTernary(x syntax.Expr) {
	t, ok := x.(*syntax.TernaryExpr)
	if !ok {
		return
	}
	switch leftmost(t.Cond).(type) {
	case *syntax.Variable, *syntax.MapExpr:
	default:
		return
	}
	sp := span(t.Pos(), t.End())
	if q := c.tokenAfter(t.Cond.End(), '?'); q >= 0 {
		sp = source.Span{Start: q, End: q + 1}
	}
	fix := diag.Fix{Title: "Parenthesise the condition", Edits: wrapEdits(t.Cond.Pos(), t.Cond.End())}
	c.report(FeatureSigilTernaryStatement, sp, "", fix)
}

func (c *checker) ifExpr(x *syntax.IfExpr) {
	c.bodies[x.Then] = true
	switch e := x.Else.(type) {
	case *syntax.Block:
		c.bodies[e] = true
	case *syntax.IfExpr:
		c.stmtIfs[e] = true // an else-if is part of x, reported with it
	}
	if !c.stmtIfs[x] {
		c.report(FeatureIfExpression, keyword(x.Keyword, "if"), "")
	}
	if c.text != nil && !c.parenAfter(x.Keyword, "if") && !isBad(x.Cond) {
		fix := diag.Fix{Title: "Parenthesise the condition", Edits: wrapEdits(x.Cond.Pos(), x.Cond.End())}
		c.report(FeatureIfWithoutParens, span(x.Cond.Pos(), x.Cond.End()), "", fix)
	}
}

// loopParens reports a while or unroll condition without parentheses.
func (c *checker) loopParens(kw syntax.Pos, word string, cond syntax.Expr) {
	if c.text == nil || c.parenAfter(kw, word) || isBad(cond) {
		return
	}
	fix := diag.Fix{Title: "Parenthesise the condition", Edits: wrapEdits(cond.Pos(), cond.End())}
	c.report(FeatureLoopWithoutParens, span(cond.Pos(), cond.End()), "`"+word+"` without parentheses", fix)
}

func (c *checker) forStmt(s *syntax.ForStmt) {
	c.bodies[s.Body] = true
	switch it := s.Iter.(type) {
	case *syntax.RangeExpr:
		c.report(FeatureRangeFor, span(it.Pos(), it.End()), "")
	case *syntax.MapExpr:
		c.report(FeatureForMap, keyword(s.Keyword, "for"), "")
	}
	if c.text == nil || c.parenAfter(s.Keyword, "for") || s.Var == nil || s.Iter == nil {
		return
	}
	fix := diag.Fix{Title: "Parenthesise the loop header", Edits: wrapEdits(s.Var.Pos(), s.Iter.End())}
	c.report(FeatureLoopWithoutParens, span(s.Var.Pos(), s.Iter.End()), "`for` without parentheses", fix)
}

func (c *checker) discard(s *syntax.DiscardStmt) {
	sp := keyword(s.Underscore, "_")
	var fixes []diag.Fix
	if s.X != nil && int(s.X.Pos()) > sp.Start {
		fixes = append(fixes, deleteFix("Remove `_ =`", source.Span{Start: sp.Start, End: int(s.X.Pos())}))
	}
	c.report(FeatureDiscard, sp, "", fixes...)
}

// expr checks expressions, types and the other leaves of the tree.
func (c *checker) expr(n syntax.Node) {
	switch n := n.(type) {
	case *syntax.IntLit:
		c.intLit(n)
	case *syntax.UnaryExpr:
		if n.Op == syntax.Amp {
			c.report(FeatureAddressOf, keyword(n.OpPos, "&"), "")
		}
	case *syntax.TernaryExpr:
		if n.Then == nil {
			c.elvis(n)
		}
	case *syntax.RecordExpr:
		c.report(FeatureRecord, span(n.Pos(), n.End()), "")
	case *syntax.TupleExpr:
		if len(n.Elems) < 2 {
			c.report(FeatureShortTuple, span(n.Pos(), n.End()), "")
		}
	case *syntax.CastExpr:
		if _, ok := n.Type.(*syntax.ArrayType); ok {
			c.report(FeatureArrayCast, span(n.Type.Pos(), n.Type.End()), "")
		}
	case *syntax.TypeofType:
		c.report(FeatureTypeof, keyword(n.Keyword, "typeof"), "")
	case *syntax.TypeinfoExpr:
		c.report(FeatureTypeinfo, keyword(n.Keyword, "typeinfo"), "")
	case *syntax.ComptimeExpr:
		c.report(FeatureComptime, keyword(n.Keyword, "comptime"), "")
	case *syntax.OffsetofExpr:
		c.offsetof(n)
	case *syntax.FieldExpr:
		c.fieldName(n.Name)
	}
}

func (c *checker) intLit(x *syntax.IntLit) {
	suffix := intSuffix(x.Raw)
	at := source.Span{Start: int(x.End()) - len(suffix), End: int(x.End())}
	switch {
	case durationSuffixes[suffix]:
		var fixes []diag.Fix
		if v, err := syntax.ParseInt(x.Raw); err == nil {
			ns := strconv.FormatUint(v, 10)
			fixes = append(fixes, replaceFix("Write "+ns+" (nanoseconds)", span(x.Pos(), x.End()), ns))
		}
		c.report(FeatureDurationLiteral, span(x.Pos(), x.End()), "duration literal `"+x.Raw+"`", fixes...)
	case suffix != "" && strings.Trim(suffix, "uUlL") == "" && suffix != strings.ToLower(suffix):
		lower := strings.ToLower(suffix)
		c.report(FeatureUppercaseIntSuffix, at, "uppercase integer suffix `"+suffix+"`",
			replaceFix("Write `"+lower+"`", at, lower))
	}
}

// boolLit reports true or false as a config value. Elsewhere versions
// before 0.24 read them as names, which the kernel's BTF defines as enum
// constants 1 and 0; whether they resolve is the semantic stage's question.
func (c *checker) boolLit(x *syntax.BoolLit) {
	word, num := "false", "0"
	if x.Value {
		word, num = "true", "1"
	}
	sp := span(x.Pos(), x.End())
	c.report(FeatureBoolLiteral, sp, "`"+word+"`", replaceFix("Write "+num, sp, num))
}

// elvis reports a ?: b, with a fix spelling it a ? a : b when a can be
// evaluated twice without changing the result.
func (c *checker) elvis(t *syntax.TernaryExpr) {
	sp := span(t.Pos(), t.End())
	var fixes []diag.Fix
	if q := c.tokenAfter(t.Cond.End(), '?'); q >= 0 {
		if colon := c.tokenAfter(syntax.Pos(q+1), ':'); colon >= 0 {
			sp = source.Span{Start: q, End: colon + 1}
			if repeatable(t.Cond) {
				cond := string(c.text[t.Cond.Pos():t.Cond.End()])
				fixes = append(fixes, replaceFix("Write `? "+cond+" :`", sp, "? "+cond+" :"))
			}
		}
	}
	c.report(FeatureElvis, sp, "", fixes...)
}

func (c *checker) offsetof(x *syntax.OffsetofExpr) {
	c.report(FeatureOffsetof, keyword(x.Keyword, "offsetof"), "")
	if len(x.Fields) > 1 {
		c.report(FeatureOffsetofNested, span(x.Fields[0].Pos(), x.Fields[len(x.Fields)-1].End()), "")
	}
	for _, f := range x.Fields {
		c.fieldName(f)
	}
}

// fieldName reports a field named like a keyword of 0.17-0.20, which those
// versions' grammar did not accept after '.' or '->'.
func (c *checker) fieldName(id *syntax.Ident) {
	if id != nil && oldKeywords[id.Name] {
		c.report(FeatureKeywordFieldName, span(id.Pos(), id.End()), "field name `"+id.Name+"`")
	}
}

// oldKeywords are the words the lexer of 0.17-0.20 returned as keyword
// tokens.
var oldKeywords = map[string]bool{
	"if": true, "else": true, "unroll": true, "while": true, "config": true, "for": true,
	"return": true, "continue": true, "break": true, "sizeof": true, "offsetof": true,
}

// durationSuffixes are the unit suffixes of duration literals.
var durationSuffixes = map[string]bool{
	"ns": true, "us": true, "ms": true, "s": true, "m": true, "h": true, "d": true,
}

// ---- Helpers ----

// isBlockLike reports whether x is an if or a block, which end a statement
// without ';'.
func isBlockLike(x syntax.Expr) bool {
	switch x.(type) {
	case *syntax.IfExpr, *syntax.Block:
		return true
	}
	return false
}

func isBad(x syntax.Expr) bool {
	_, ok := x.(*syntax.BadExpr)
	return x == nil || ok
}

// isUnrollCount reports whether x is what 0.17-0.23 accepted as an unroll
// count: an integer, possibly negated, or a positional parameter.
func isUnrollCount(x syntax.Expr) bool {
	switch x := x.(type) {
	case nil, *syntax.IntLit, *syntax.ParamExpr, *syntax.BadExpr:
		return true
	case *syntax.UnaryExpr:
		_, ok := x.X.(*syntax.IntLit)
		return ok && x.Op == syntax.Minus
	}
	return false
}

// leftmost returns the expression a statement starts with, looking through
// binary operators and postfix forms.
func leftmost(x syntax.Expr) syntax.Expr {
	for {
		switch t := x.(type) {
		case *syntax.BinaryExpr:
			x = t.X
		case *syntax.TernaryExpr:
			x = t.Cond
		case *syntax.PostfixExpr:
			x = t.X
		case *syntax.FieldExpr:
			x = t.X
		case *syntax.IndexExpr:
			x = t.X
		case *syntax.TupleIndexExpr:
			x = t.X
		default:
			return x
		}
	}
}

// volatile are builtins whose value changes between two reads.
var volatile = map[string]bool{"nsecs": true, "rand": true, "elapsed": true, "jiffies": true}

// repeatable reports whether x reads the same value when evaluated twice
// and has no effects, so that a ?: b can be spelled a ? a : b.
func repeatable(x syntax.Expr) bool {
	switch x := x.(type) {
	case *syntax.Variable, *syntax.ParamExpr, *syntax.IntLit, *syntax.StringLit:
		return true
	case *syntax.Ident:
		return !volatile[x.Name]
	case *syntax.MapExpr:
		for _, k := range x.Keys {
			if !repeatable(k) {
				return false
			}
		}
		return true
	case *syntax.FieldExpr:
		return x.Name != nil && repeatable(x.X)
	case *syntax.TupleIndexExpr:
		return repeatable(x.X)
	case *syntax.ParenExpr:
		return repeatable(x.X)
	}
	return false
}

// intSuffix returns the suffix of an integer literal: what follows the
// digits and any exponent. Hex literals have none.
func intSuffix(raw string) string {
	if len(raw) > 1 && raw[0] == '0' && (raw[1] == 'x' || raw[1] == 'X') {
		return ""
	}
	i := digitsEnd(raw, 0)
	if i+1 < len(raw) && (raw[i] == 'e' || raw[i] == 'E') && isDigit(raw[i+1]) {
		i = digitsEnd(raw, i+1)
	}
	return raw[i:]
}

func digitsEnd(s string, i int) int {
	for i < len(s) && (isDigit(s[i]) || s[i] == '_') {
		i++
	}
	return i
}

func isDigit(b byte) bool { return '0' <= b && b <= '9' }

// at returns the byte at offset i of the text, or 0 outside it.
func (c *checker) at(i int) byte {
	if i < 0 || i >= len(c.text) {
		return 0
	}
	return c.text[i]
}

// parenAfter reports whether the first token after the keyword word at kw
// is '('.
func (c *checker) parenAfter(kw syntax.Pos, word string) bool {
	return c.at(skipLayout(c.text, int(kw)+len(word))) == '('
}

// tokenAfter returns the offset of the first token at or after from when it
// is the single-byte token tok, or -1 (also when the text is unknown).
func (c *checker) tokenAfter(from syntax.Pos, tok byte) int {
	if c.text == nil {
		return -1
	}
	if i := skipLayout(c.text, int(from)); c.at(i) == tok {
		return i
	}
	return -1
}

// skipLayout returns the offset of the first byte at or after i that is not
// white space or part of a comment.
func skipLayout(text []byte, i int) int {
	for i < len(text) {
		switch {
		case text[i] == ' ' || text[i] == '\t' || text[i] == '\n' || text[i] == '\r':
			i++
		case text[i] == '/' && i+1 < len(text) && text[i+1] == '/':
			for i < len(text) && text[i] != '\n' {
				i++
			}
		case text[i] == '/' && i+1 < len(text) && text[i+1] == '*':
			end := strings.Index(string(text[i+2:]), "*/")
			if end < 0 {
				return len(text)
			}
			i += 2 + end + 2
		default:
			return i
		}
	}
	return i
}

func span(from, to syntax.Pos) source.Span { return source.Span{Start: int(from), End: int(to)} }

// keyword returns the span of the token word written at pos.
func keyword(pos syntax.Pos, word string) source.Span {
	return source.Span{Start: int(pos), End: int(pos) + len(word)}
}

func replaceFix(title string, sp source.Span, text string) diag.Fix {
	return diag.Fix{Title: title, Edits: []diag.Edit{{Span: sp, NewText: text}}}
}

func deleteFix(title string, sp source.Span) diag.Fix { return replaceFix(title, sp, "") }

func insertFix(title string, at int, text string) diag.Fix {
	return replaceFix(title, source.Span{Start: at, End: at}, text)
}

// wrapEdits puts parentheses around [from, to).
func wrapEdits(from, to syntax.Pos) []diag.Edit {
	return []diag.Edit{
		{Span: source.Span{Start: int(from), End: int(from)}, NewText: "("},
		{Span: source.Span{Start: int(to), End: int(to)}, NewText: ")"},
	}
}
