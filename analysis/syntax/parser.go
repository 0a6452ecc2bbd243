package syntax

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/kenlsp/ken/analysis/diag"
	"github.com/kenlsp/ken/analysis/source"
)

// Parse parses a whole bpftrace file. It always returns a tree, whatever
// the input: text it cannot parse becomes Bad nodes, and every problem is a
// diagnostic with an exact span. There is no limit on the number of errors.
func Parse(f *source.File) (*File, []diag.Diagnostic) {
	p := &parser{}
	p.src = f.Text
	p.scanner.errorf = p.errorf
	p.advance()
	file := p.parseFile()
	file.Comments = p.comments
	file.Size = Pos(len(f.Text))
	return file, p.diags
}

type parser struct {
	scanner
	tok   token // the current token
	prev  token // the token before it, for positions of missing tokens
	diags []diag.Diagnostic

	// recovering is set by a grammar error and cleared where the parser is
	// back in step (a ';' or '}' consumed, a new top-level item). Grammar
	// errors in between are consequences of the first and are not reported;
	// lexical errors always are.
	recovering bool

	depth int // nesting of blocks and expressions, bounded by maxDepth
}

// maxDepth bounds the nesting of blocks and expressions. Real programs stay
// far below it; past it a hostile file would exhaust the stack, which in Go
// is fatal, so the parser gives up on the rest of the text instead.
const maxDepth = 500

// enter counts one more level of nesting and reports whether the parser may
// go deeper. Past maxDepth it reports the error once and skips to the end.
func (p *parser) enter() bool {
	p.depth++
	if p.depth <= maxDepth {
		return true
	}
	if p.depth == maxDepth+1 {
		p.errorf(p.tok.pos, len(p.src), CodeUnexpected, "nesting deeper than %d levels; the rest of the file is not parsed", maxDepth)
	}
	for !p.is(EOF) {
		p.advance()
	}
	p.recovering = true
	return false
}

func (p *parser) leave() { p.depth-- }

// state is what backtracking restores.
type state struct {
	off              int
	tok, prev        token
	ncomment, ndiags int
	recovering       bool
}

func (p *parser) save() state {
	return state{p.off, p.tok, p.prev, len(p.comments), len(p.diags), p.recovering}
}

func (p *parser) restore(s state) {
	p.off, p.tok, p.prev = s.off, s.tok, s.prev
	p.comments, p.diags = p.comments[:s.ncomment], p.diags[:s.ndiags]
	p.recovering = s.recovering
}

// advance moves to the next token. Illegal characters were reported by
// the scanner and are skipped like white space, so that a stray byte costs
// one diagnostic and nothing else.
func (p *parser) advance() {
	p.prev = p.tok
	p.tok = p.next()
	for p.tok.kind == ILLEGAL {
		p.errorf(p.tok.pos, p.tok.end, CodeUnexpected, "%s", p.describe())
		p.tok = p.next()
	}
}

func (p *parser) text(t token) string { return string(p.src[t.pos:t.end]) }

func (p *parser) is(k Token) bool { return p.tok.kind == k }

// isKeyword reports whether the current token is the identifier kw.
func (p *parser) isKeyword(kw string) bool {
	return p.tok.kind == IDENT && p.tok.end-p.tok.pos == len(kw) && string(p.src[p.tok.pos:p.tok.end]) == kw
}

// byteAfter returns the first byte after offset i that is not layout.
func (p *parser) byteAfter(i int) byte { return p.at(p.layoutEnd(i)) }

// atLineStart reports whether the current token is the first on its line
// and starts in column one: where a new probe starts in any sane file.
func (p *parser) atLineStart() bool {
	return p.tok.pos == 0 || p.src[p.tok.pos-1] == '\n'
}

// errorf records an error. A second error at the same offset adds nothing
// for the reader and is dropped; this keeps recovery from cascading.
func (p *parser) errorf(start, end int, code, format string, args ...any) {
	if n := len(p.diags); n > 0 && p.diags[n-1].Span.Start == start {
		return
	}
	p.diags = append(p.diags, diag.Diagnostic{
		Span:     source.Span{Start: start, End: end},
		Severity: diag.Error,
		Code:     code,
		Message:  fmt.Sprintf(format, args...),
		Source:   "ken",
	})
}

// describe names the current token for "found X" in messages.
func (p *parser) describe() string {
	switch p.tok.kind {
	case EOF:
		return "end of file"
	case ILLEGAL:
		r, _ := utf8.DecodeRune(p.src[p.tok.pos:p.tok.end])
		if r == utf8.RuneError {
			return fmt.Sprintf("invalid byte 0x%02x", p.src[p.tok.pos])
		}
		return fmt.Sprintf("unexpected character %q (%U)", r, r)
	}
	text := p.text(p.tok)
	if len(text) > 24 {
		text = text[:24] + "..."
	}
	return "'" + text + "'"
}

// errorExpected reports that what was found at the current token is not
// what the grammar wants here.
func (p *parser) errorExpected(what string) {
	p.grammarError(p.tok.pos, p.tok.end, CodeExpected, "expected %s, found %s", what, p.describe())
}

// grammarError reports an error in the structure of the program, unless
// it follows from an error already reported: the parser is recovering, the
// previous token is an unterminated string, or the text ended inside an
// unterminated comment.
func (p *parser) grammarError(start, end int, code, format string, args ...any) {
	if p.recovering || p.unterminated(p.prev) || (p.tok.kind == EOF && p.openComment) {
		return
	}
	p.errorf(start, end, code, format, args...)
	p.recovering = true
}

// unterminated reports whether t is a string literal without its closing
// quote.
func (p *parser) unterminated(t token) bool {
	return t.kind == STRING && p.openStrings[t.pos]
}

// expect consumes a token of kind k, or reports it missing. It returns the
// token's position, or the current position when it was missing.
func (p *parser) expect(k Token) (Pos, bool) {
	pos := Pos(p.tok.pos)
	if p.tok.kind != k {
		p.errorExpected("'" + k.String() + "'")
		return pos, false
	}
	p.advance()
	return pos, true
}

// ---- Top level ----

// Sections of a file, in the order bpftrace requires them.
const (
	sectionC      = iota // preprocessor lines and C definitions
	sectionConfig        // config and imports
	sectionMain          // probes, macros, functions, map declarations
)

func (p *parser) parseFile() *File {
	file := &File{}
	section := sectionC
	for !p.is(EOF) {
		p.recovering = false
		before := p.tok.pos
		d, sec := p.parseDecl(len(file.Decls) == 0)
		if sec < section {
			p.errorf(int(d.Pos()), int(d.End()), CodeMisplaced, "%s", misplacedMessage(d))
		}
		section = max(section, sec)
		file.Decls = append(file.Decls, d)
		if p.tok.pos == before && !p.is(EOF) {
			p.grammarError(p.tok.pos, p.tok.end, CodeUnexpected, "unexpected %s", p.describe())
			p.advance()
		}
	}
	return file
}

func misplacedMessage(d Decl) string {
	switch d := d.(type) {
	case *Directive:
		if strings.HasPrefix(d.Text, "#!") {
			return "the #! line must be the first line of the file"
		}
		return "C definitions must appear before probes and functions"
	case *CDefinition:
		return "C definitions must appear before probes and functions"
	case *Config:
		return "config must appear before probes and functions"
	}
	return "imports must appear before probes and functions"
}

// parseDecl parses one top-level item and says which section it belongs to.
// A #! line is only allowed as the first item, after comments at most.
func (p *parser) parseDecl(first bool) (Decl, int) {
	switch {
	case p.is(DIRECTIVE):
		d := &Directive{Start: Pos(p.tok.pos), Text: strings.TrimRight(p.text(p.tok), " \t\r")}
		p.advance()
		if strings.HasPrefix(d.Text, "#!") && !first {
			return d, sectionC - 1
		}
		return d, sectionC
	case p.isKeyword("struct") || p.isKeyword("union") || p.isKeyword("enum"):
		if p.looksLikeCDefinition() {
			start := p.tok.pos
			p.off = p.scanCDefinition(start)
			d := &CDefinition{Start: Pos(start), Text: string(p.src[start:p.off])}
			p.advance()
			return d, sectionC
		}
	case p.isKeyword("config") && (p.byteAfter(p.tok.end) == '=' || p.byteAfter(p.tok.end) == '{'):
		return p.parseConfig(), sectionConfig
	case p.isKeyword("import"):
		return p.parseImport(), sectionConfig
	case p.isKeyword("macro") && isIdentStart(p.byteAfter(p.tok.end)):
		return p.parseMacro(), sectionMain
	case p.isKeyword("fn") && isIdentStart(p.byteAfter(p.tok.end)):
		return p.parseFunc(), sectionMain
	case p.isKeyword("let"):
		return p.parseMapDecl(), sectionMain
	case p.is(IDENT) || p.is(Star) || p.is(Comma):
		return p.parseProbe(), sectionMain
	}
	return p.parseBadDecl(), sectionMain
}

// looksLikeCDefinition distinguishes struct Foo { ... } from a probe whose
// provider happens to be called struct: a definition reaches '{' through
// names and balanced groups only.
func (p *parser) looksLikeCDefinition() bool {
	i := p.layoutEnd(p.tok.end)
	for i < len(p.src) {
		switch c := p.src[i]; {
		case c == '{':
			return true
		case isIdentStart(c):
			i = p.layoutEnd(p.identEnd(i))
		case c == '(' || c == '[':
			close := byte(')')
			if c == '[' {
				close = ']'
			}
			end := balancedEnd(p.src, i, c, close)
			if end == i || p.src[end-1] != close {
				return false
			}
			i = p.layoutEnd(end)
		default:
			return false
		}
	}
	return false
}

// parseBadDecl reports and skips top-level text that starts nothing: up to
// and including a balanced block, or up to the next line that starts in
// column one.
func (p *parser) parseBadDecl() Decl {
	from := p.tok.pos
	if p.is(RBrace) {
		p.grammarError(p.tok.pos, p.tok.end, CodeUnexpected, "unexpected '}' outside of a block")
	} else {
		p.errorExpected("a probe, macro, function or map declaration")
	}
	p.skipDecl()
	return &BadDecl{From: Pos(from), To: Pos(max(p.prev.end, from))}
}

// skipDecl skips the rest of a broken top-level item: up to and including
// a balanced block, or up to the next line that starts in column one, where
// a '}' is taken as the end of the broken item.
func (p *parser) skipDecl() {
	for !p.is(EOF) {
		if p.is(LBrace) {
			p.skipBalanced()
			return
		}
		p.advance()
		if p.atLineStart() {
			if p.is(RBrace) {
				p.advance()
			}
			return
		}
	}
}

// skipBalanced skips from '{' to its matching '}' inclusive.
func (p *parser) skipBalanced() {
	depth := 0
	for !p.is(EOF) {
		switch p.tok.kind {
		case LBrace:
			depth++
		case RBrace:
			depth--
		}
		p.advance()
		if depth == 0 {
			return
		}
	}
}

func (p *parser) parseConfig() *Config {
	c := &Config{Keyword: Pos(p.tok.pos)}
	p.advance()
	p.expect(Assign)
	if _, ok := p.expect(LBrace); !ok {
		c.Rbrace = Pos(p.prev.end)
		return c
	}
	for !p.is(RBrace) && !p.is(EOF) {
		if !p.is(IDENT) {
			p.errorExpected("config key")
			p.skipStatement()
			continue
		}
		e := &ConfigEntry{Key: p.parseIdent()}
		p.expect(Assign)
		e.Value = p.parseConfigValue()
		c.Entries = append(c.Entries, e)
		if p.is(Semi) {
			p.advance()
		} else if !p.is(RBrace) {
			p.errorExpected("';' or '}'")
			p.skipStatement()
		}
	}
	c.Rbrace = Pos(p.tok.pos)
	if _, c.Closed = p.expect(RBrace); !c.Closed {
		c.Rbrace = Pos(p.prev.end)
	}
	return c
}

func (p *parser) parseConfigValue() Expr {
	switch {
	case p.is(STRING):
		return p.parseString()
	case p.is(INT):
		return p.parseInt()
	case p.isKeyword("true") || p.isKeyword("false"):
		b := &BoolLit{Start: Pos(p.tok.pos), Value: p.isKeyword("true")}
		p.advance()
		return b
	case p.is(IDENT):
		return p.parseIdent()
	}
	p.errorExpected("string, integer, boolean or identifier")
	return p.missingExpr()
}

// parseImport parses import "path"; at the top level or in a block.
func (p *parser) parseImport() *Import {
	imp := &Import{Keyword: Pos(p.tok.pos)}
	p.advance()
	if !p.is(STRING) {
		p.errorExpected("string after 'import'")
		p.skipStatement()
		return imp
	}
	imp.Path = p.parseString()
	if pos, ok := p.expect(Semi); ok {
		imp.Semi = pos
	}
	return imp
}

func (p *parser) parseMacro() *Macro {
	m := &Macro{Keyword: Pos(p.tok.pos)}
	p.advance()
	m.Name = p.parseIdent()
	if _, ok := p.expect(LParen); ok {
		for !p.is(RParen) && !p.is(EOF) && !p.is(LBrace) {
			m.Params = append(m.Params, p.parseMacroParam())
			if !p.is(Comma) {
				break
			}
			p.advance()
		}
		p.expect(RParen)
	}
	m.Body = p.parseBody(true)
	return m
}

func (p *parser) parseMacroParam() Expr {
	switch p.tok.kind {
	case VAR:
		return p.parseVariable()
	case MAP:
		m := &MapExpr{Start: Pos(p.tok.pos), Name: p.text(p.tok)}
		p.advance()
		return m
	case IDENT:
		if IsBuiltin(p.text(p.tok)) {
			p.errorf(p.tok.pos, p.tok.end, CodeExpected, "builtin '%s' can't be used as a macro parameter", p.text(p.tok))
		}
		return p.parseIdent()
	}
	p.errorExpected("macro parameter ($var, @map, or identifier)")
	bad := &BadExpr{From: Pos(p.tok.pos), To: Pos(p.tok.end)}
	if !p.is(RParen) {
		p.advance()
	}
	return bad
}

func (p *parser) parseFunc() *Func {
	fn := &Func{Keyword: Pos(p.tok.pos)}
	p.advance()
	fn.Name = p.parseIdent()
	p.expect(LParen)
	for p.is(VAR) {
		param := &FuncParam{Var: p.parseVariable()}
		if _, ok := p.expect(Colon); ok {
			param.Type = p.parseTypeAnnotation()
		}
		fn.Params = append(fn.Params, param)
		if !p.is(Comma) {
			break
		}
		p.advance()
	}
	p.expect(RParen)
	if _, ok := p.expect(Colon); ok {
		fn.Result = p.parseTypeAnnotation()
	}
	fn.Body = p.parseBody(false)
	return fn
}

// parseMapDecl parses let @name = kind(size); at the top level.
func (p *parser) parseMapDecl() Decl {
	d := &MapDecl{Let: Pos(p.tok.pos)}
	p.advance()
	if !p.is(MAP) {
		p.errorf(int(d.Let), p.tok.end, CodeMisplaced,
			"let at the top level must declare a map, e.g. let @a = hash(2);")
		p.skipStatement()
		return &BadDecl{From: d.Let, To: Pos(p.prev.end)}
	}
	d.Map = &MapExpr{Start: Pos(p.tok.pos), Name: p.text(p.tok)}
	p.advance()
	p.expect(Assign)
	if p.is(IDENT) {
		d.Kind = p.parseIdent()
	} else {
		p.errorExpected("map type such as hash, lruhash, percpuhash or percpuarray")
	}
	if _, ok := p.expect(LParen); ok {
		if p.is(INT) {
			d.Size = p.parseInt()
		} else {
			p.errorExpected("the map's maximum number of entries")
		}
		p.expect(RParen)
	}
	d.End_ = Pos(p.prev.end)
	if p.is(Semi) {
		d.End_ = Pos(p.tok.end)
		p.advance()
	}
	return d
}

// ---- Probes ----

func (p *parser) parseProbe() Decl {
	probe := &Probe{}
	for {
		if p.is(Comma) {
			p.errorExpected("attach point")
			p.advance()
			continue
		}
		ap := p.parseAttachPoint()
		if ap == nil {
			break
		}
		probe.AttachPoints = append(probe.AttachPoints, ap)
		if !p.is(Comma) {
			break
		}
		p.advance()
		if p.is(LBrace) || p.is(Slash) {
			break // bpftrace allows a trailing comma
		}
	}
	if len(probe.AttachPoints) == 0 {
		return p.parseBadDecl()
	}
	if p.is(Slash) {
		p.advance()
		probe.Predicate = p.parseExpr()
		if !p.is(Slash) {
			p.errorExpected("'/' to close the predicate")
		} else {
			p.advance()
		}
	}
	if !p.is(LBrace) {
		p.errorExpected("'{' to start the probe's block")
		if !p.skipToBlockOnLine() {
			p.skipDecl()
			return probe
		}
	}
	probe.Body = p.parseBlock(false)
	return probe
}

// skipToBlockOnLine skips what remains of a broken probe header up to a '{'
// on the same line, so that the block is still parsed. It reports whether
// it found one.
func (p *parser) skipToBlockOnLine() bool {
	st := p.save()
	line := p.prev.end
	for !p.is(EOF) && !p.is(LBrace) && !p.is(RBrace) && !p.is(Semi) {
		if strings.IndexByte(string(p.src[line:p.tok.pos]), '\n') >= 0 {
			break
		}
		p.advance()
	}
	if p.is(LBrace) {
		return true
	}
	p.restore(st)
	return false
}

// parseAttachPoint scans one attach point as raw text, as bpftrace does,
// and splits it into its parts.
func (p *parser) parseAttachPoint() *AttachPoint {
	if !p.is(IDENT) && !p.is(Star) {
		p.errorExpected("attach point")
		return nil
	}
	start := p.tok.pos
	p.off = p.scanAttachPoint(start)
	ap := newAttachPoint(Pos(start), string(p.src[start:p.off]))
	p.advance()
	return ap
}

// newAttachPoint splits raw at the colons that are not inside quotes.
func newAttachPoint(start Pos, raw string) *AttachPoint {
	ap := &AttachPoint{Start: start, Raw: raw}
	rest := raw
	if i := strings.IndexAny(rest, "=:\""); i > 0 && rest[i] == '=' && isIdentifier(rest[:i]) {
		ap.Label, rest = rest[:i], rest[i+1:]
	}
	var parts []string
	inQuote, from := false, 0
	for i := 0; i < len(rest); i++ {
		switch rest[i] {
		case '\\':
			i++
		case '"':
			inQuote = !inQuote
		case ':':
			if !inQuote {
				parts = append(parts, rest[from:i])
				from = i + 1
			}
		}
	}
	parts = append(parts, rest[from:])
	ap.Provider, ap.Parts = parts[0], parts[1:]
	return ap
}

func isIdentifier(s string) bool {
	if s == "" || !isIdentStart(s[0]) {
		return false
	}
	for i := 1; i < len(s); i++ {
		if !isIdentBody(s[i]) {
			return false
		}
	}
	return true
}

// ---- Blocks and statements ----

// parseBody parses the block that must follow a construct's header. When
// the '{' is missing it skips to one on the same line, or returns an empty,
// unclosed block so that callers always have a body.
func (p *parser) parseBody(allowValue bool) *Block {
	if !p.is(LBrace) {
		p.errorExpected("'{'")
		if !p.skipToBlockOnLine() {
			empty := &Block{Lbrace: Pos(p.prev.end), Rbrace: Pos(p.prev.end)}
			p.skipStatement()
			return empty
		}
	}
	return p.parseBlock(allowValue)
}

// parseBlock parses { statements }. With allowValue, a final expression
// without ';' is the block's value (if branches, block expressions, macro
// bodies); otherwise it is an ordinary statement.
func (p *parser) parseBlock(allowValue bool) *Block {
	b := &Block{Lbrace: Pos(p.tok.pos)}
	p.advance()
	defer p.leave()
	if !p.enter() {
		b.Rbrace = Pos(p.prev.end)
		return b
	}
	for !p.is(RBrace) && !p.is(EOF) {
		if p.startsNewDecl() {
			break
		}
		before := p.tok.pos
		s := p.parseStmt()
		if s != nil {
			b.Stmts = append(b.Stmts, s)
		}
		if p.tok.pos == before {
			from := p.tok.pos
			p.grammarError(p.tok.pos, p.tok.end, CodeUnexpected, "unexpected %s in block", p.describe())
			p.advance()
			b.Stmts = append(b.Stmts, &BadStmt{From: Pos(from), To: Pos(p.prev.end)})
		}
	}
	b.Rbrace = Pos(p.tok.pos)
	if p.is(RBrace) {
		b.Closed = true
		p.advance()
		p.recovering = false
	} else {
		b.Rbrace = Pos(p.prev.end)
		p.errorExpected("'}'")
		n := len(p.diags) - 1
		if n >= 0 && p.diags[n].Span.Start == p.tok.pos {
			p.diags[n].Related = append(p.diags[n].Related, diag.Related{
				Span:    source.Span{Start: int(b.Lbrace), End: int(b.Lbrace) + 1},
				Message: "the block opened here is not closed",
			})
		}
	}
	if n := len(b.Stmts); n > 0 && allowValue {
		if es, ok := b.Stmts[n-1].(*ExprStmt); ok && es.Semi == 0 {
			b.Value, b.Stmts = es.X, b.Stmts[:n-1]
		}
	}
	for _, s := range b.Stmts {
		if es, ok := s.(*ExprStmt); ok {
			discardValues(es.X)
		}
	}
	return b
}

// discardValues turns the values of an if or block expression used as a
// statement into statements, as bpftrace does: the value is thrown away, and
// the tree then reads the same however the author placed the semicolons.
func discardValues(x Expr) {
	switch x := x.(type) {
	case *IfExpr:
		discardValues(x.Then)
		if x.Else != nil {
			discardValues(x.Else)
		}
	case *Block:
		if x.Value != nil {
			x.Stmts = append(x.Stmts, &ExprStmt{X: x.Value})
			discardValues(x.Value)
			x.Value = nil
		}
	}
}

// isStatementLike reports whether x is an if or block expression, which
// end a statement without a ';'.
func isStatementLike(x Expr) bool {
	switch x.(type) {
	case *IfExpr, *Block:
		return true
	}
	return false
}

// startsNewDecl reports whether the current token, inside a block, looks
// like the start of a new probe or top-level item: the previous block is
// missing its '}'. Only text in column one is considered, so ordinary
// statements never match.
func (p *parser) startsNewDecl() bool {
	if !p.atLineStart() || !p.is(IDENT) {
		return false
	}
	next := p.at(p.tok.end)
	switch p.text(p.tok) {
	case "BEGIN", "END", "begin", "end":
		return next == ' ' || next == '{' || next == '\n' || next == ','
	case "macro", "fn":
		return isIdentStart(p.byteAfter(p.tok.end))
	}
	return next == ':'
}

func (p *parser) parseStmt() Stmt {
	if p.is(IDENT) {
		switch p.text(p.tok) {
		case "import":
			return p.parseImport()
		case "while", "unroll":
			return p.parseLoop()
		case "for":
			return p.parseFor()
		case "break", "continue", "return":
			return p.parseJump()
		case "let":
			return p.parseLet()
		case "else":
			p.grammarError(p.tok.pos, p.tok.end, CodeExpected, "'else' without a preceding 'if'")
			p.advance()
			if p.is(IDENT) && p.isKeyword("if") {
				return &ExprStmt{X: p.parseIf()}
			}
			if p.is(LBrace) {
				return &ExprStmt{X: p.parseBlock(false)}
			}
			return nil
		case "if":
			s := &ExprStmt{X: p.parseIf()}
			if p.is(Semi) {
				s.Semi = Pos(p.tok.pos)
				p.advance()
			}
			return s
		case "_":
			if p.byteAfter(p.tok.end) == '=' && p.at(p.layoutEnd(p.tok.end)+1) != '=' {
				return p.parseDiscard()
			}
		}
	}
	if p.is(LBrace) {
		return &ExprStmt{X: p.parseBlock(true)}
	}
	if !p.canStartExpr() {
		return nil
	}
	x := p.parseExpr()
	if p.is(Assign) || p.tok.kind.IsCompoundAssign() {
		return p.parseAssign(x)
	}
	s := &ExprStmt{X: x}
	s.Semi = p.parseStmtEnd()
	return s
}

// canStartExpr reports whether the current token can begin an expression.
func (p *parser) canStartExpr() bool {
	switch p.tok.kind {
	case IDENT, INT, STRING, MAP, VAR, PARAM, PARAMCOUNT, LParen, LBrace,
		Minus, Bang, Tilde, Star, Amp, Inc, Dec:
		return true
	}
	return false
}

// startsStatement reports whether the current token plausibly begins the
// next statement after a missing ';': a variable, map or name, or anything
// on a new line.
func (p *parser) startsStatement() bool {
	switch p.tok.kind {
	case VAR, MAP, IDENT:
		return true
	}
	return strings.IndexByte(string(p.src[p.prev.end:p.tok.pos]), '\n') >= 0 && p.canStartExpr()
}

// parseStmtEnd consumes the ';' that ends a statement and returns its
// position, or 0 before a '}'. When the ';' is missing and the next token
// cannot start a statement, the rest of the statement is skipped.
func (p *parser) parseStmtEnd() Pos {
	switch {
	case p.is(Semi):
		pos := Pos(p.tok.pos)
		p.advance()
		p.recovering = false
		return pos
	case p.is(RBrace) || p.is(EOF):
		return 0
	}
	p.errorExpected("';'")
	if !p.startsStatement() {
		p.skipStatement()
	}
	return 0
}

// skipStatement skips to the end of the current statement: past the next
// ';' or up to the '}' of the enclosing block, over balanced groups.
func (p *parser) skipStatement() {
	depth := 0
	for !p.is(EOF) {
		switch p.tok.kind {
		case LParen, LBrack, LBrace:
			depth++
		case RParen, RBrack:
			depth = max(depth-1, 0)
		case RBrace:
			if depth == 0 {
				return
			}
			depth--
		case Semi:
			if depth == 0 {
				p.advance()
				return
			}
		}
		p.advance()
		if depth == 0 && p.startsNewDecl() {
			return
		}
	}
}

func (p *parser) parseAssign(lhs Expr) Stmt {
	s := &AssignStmt{Lhs: lhs, OpPos: Pos(p.tok.pos), Op: p.tok.kind}
	p.advance()
	s.Rhs = p.parseExpr()
	switch l := unparen(lhs).(type) {
	case *Variable, *MapExpr, *BadExpr:
	case *FieldExpr, *TupleIndexExpr:
		p.errorf(int(l.Pos()), int(l.End()), CodeInvalidAssignment,
			"tuples and records are immutable once created; create a new value and assign it instead")
	default:
		p.errorf(int(l.Pos()), int(l.End()), CodeInvalidAssignment,
			"cannot assign to this expression; only variables and maps can be assigned")
	}
	s.Semi = p.parseStmtEnd()
	return s
}

func unparen(x Expr) Expr {
	for {
		px, ok := x.(*ParenExpr)
		if !ok {
			return x
		}
		x = px.X
	}
}

func (p *parser) parseLet() Stmt {
	s := &LetStmt{Let: Pos(p.tok.pos)}
	p.advance()
	if !p.is(VAR) {
		if p.is(MAP) {
			p.errorf(p.tok.pos, p.tok.end, CodeMisplaced, "map declarations must be at the top level")
		} else {
			p.errorExpected("variable after 'let'")
		}
		p.skipStatement()
		return &BadStmt{From: s.Let, To: Pos(p.prev.end)}
	}
	s.Var = p.parseVariable()
	if p.is(Colon) {
		p.advance()
		s.Type = p.parseTypeAnnotation()
	}
	if p.is(Assign) {
		p.advance()
		s.Value = p.parseExpr()
	}
	s.Semi = p.parseStmtEnd()
	return s
}

func (p *parser) parseDiscard() Stmt {
	s := &DiscardStmt{Underscore: Pos(p.tok.pos)}
	p.advance()
	p.advance() // '='
	s.X = p.parseExpr()
	s.Semi = p.parseStmtEnd()
	return s
}

func (p *parser) parseJump() Stmt {
	s := &JumpStmt{Keyword: Pos(p.tok.pos), Kind: p.text(p.tok)}
	p.advance()
	if s.Kind == "return" && !p.is(Semi) && !p.is(RBrace) && !p.is(EOF) {
		s.Value = p.parseExpr()
	}
	s.Semi = p.parseStmtEnd()
	return s
}

// parseCondition parses the condition of if, while and unroll: a full
// expression when parenthesised, else a unary expression, so that the '{'
// of the body is never mistaken for part of the condition.
func (p *parser) parseCondition() Expr {
	if !p.is(LParen) {
		return p.parseUnary()
	}
	p.advance()
	x := p.parseExpr()
	p.expect(RParen)
	return x
}

func (p *parser) parseLoop() Stmt {
	kw, pos := p.text(p.tok), Pos(p.tok.pos)
	p.advance()
	cond := p.parseCondition()
	body := p.parseBody(false)
	if kw == "while" {
		return &WhileStmt{Keyword: pos, Cond: cond, Body: body}
	}
	return &UnrollStmt{Keyword: pos, Count: cond, Body: body}
}

func (p *parser) parseFor() Stmt {
	s := &ForStmt{Keyword: Pos(p.tok.pos)}
	p.advance()
	paren := p.is(LParen)
	if paren {
		p.advance()
	}
	if !p.is(VAR) {
		p.errorExpected("variable in for loop")
		p.skipToBlockEnd()
		return &BadStmt{From: s.Keyword, To: Pos(p.prev.end)}
	}
	s.Var = p.parseVariable()
	if _, ok := p.expect(Colon); !ok {
		p.skipToBlockEnd()
		return &BadStmt{From: s.Keyword, To: Pos(p.prev.end)}
	}
	s.Iter = p.parsePrimary()
	if p.is(DotDot) {
		p.advance()
		s.Iter = &RangeExpr{Lo: s.Iter, Hi: p.parsePrimary()}
	} else if m, ok := s.Iter.(*MapExpr); !ok || m.Keys != nil {
		p.errorf(int(s.Iter.Pos()), int(s.Iter.End()), CodeExpected, "expected map or range in for loop")
	}
	if paren {
		p.expect(RParen)
	}
	s.Body = p.parseBody(false)
	return s
}

// skipToBlockEnd skips a broken loop header and its block.
func (p *parser) skipToBlockEnd() {
	for !p.is(EOF) && !p.is(LBrace) && !p.is(RBrace) {
		p.advance()
	}
	if p.is(LBrace) {
		p.skipBalanced()
	}
}

// ---- Expressions ----

func (p *parser) parseExpr() Expr {
	x := p.parseBinary(1)
	if !p.is(Question) {
		return x
	}
	p.advance()
	t := &TernaryExpr{Cond: x}
	if p.is(Colon) {
		p.advance()
		t.Else = p.parseExpr()
		return t
	}
	t.Then = p.parseExpr()
	if _, ok := p.expect(Colon); ok {
		t.Else = p.parseExpr()
	} else {
		t.Else = p.missingExpr()
	}
	return t
}

// binaryPrecedence returns the precedence of the current token as a binary
// operator, or 0. A '/' followed by '{' closes a predicate.
func (p *parser) binaryPrecedence() int {
	if p.is(Slash) && p.byteAfter(p.tok.end) == '{' {
		return 0
	}
	return p.tok.kind.Precedence()
}

func (p *parser) parseBinary(minPrec int) Expr {
	x := p.parseUnary()
	for {
		prec := p.binaryPrecedence()
		if prec == 0 || prec < minPrec {
			return x
		}
		b := &BinaryExpr{X: x, OpPos: Pos(p.tok.pos), Op: p.tok.kind}
		p.advance()
		b.Y = p.parseBinary(prec + 1)
		x = b
	}
}

func (p *parser) parseUnary() Expr {
	defer p.leave()
	if !p.enter() {
		return p.missingExpr()
	}
	switch op := p.tok.kind; op {
	case Inc, Dec, Amp, Star, Bang, Tilde, Minus:
		u := &UnaryExpr{OpPos: Pos(p.tok.pos), Op: op}
		p.advance()
		u.X = p.parseUnary()
		switch {
		case (op == Inc || op == Dec) && !isAssignable(u.X):
			p.errorf(int(u.X.Pos()), int(u.X.End()), CodeInvalidAssignment, "increment/decrement requires a variable or map")
		case op == Amp && !isAddressable(u.X):
			p.errorf(int(u.X.Pos()), int(u.X.End()), CodeExpected, "address-of operator (&) can only be used on a map or variable")
		}
		return u
	}
	return p.parsePostfix(p.parsePrimary())
}

func isAssignable(x Expr) bool {
	switch x.(type) {
	case *Variable, *MapExpr, *BadExpr:
		return true
	}
	return false
}

func isAddressable(x Expr) bool {
	switch x := x.(type) {
	case *Variable, *BadExpr:
		return true
	case *MapExpr:
		return x.Keys == nil
	}
	return false
}

func (p *parser) parsePostfix(x Expr) Expr {
	for {
		switch p.tok.kind {
		case Dot, Arrow:
			f := &FieldExpr{X: x, Arrow: p.is(Arrow), OpPos: Pos(p.tok.pos)}
			p.advance()
			if p.is(INT) && !f.Arrow {
				x = &TupleIndexExpr{X: x, Index: p.parseInt()}
				continue
			}
			if !p.is(IDENT) {
				p.errorExpected("field name after '" + p.text(p.prev) + "'")
				return f
			}
			f.Name = p.parseIdent()
			x = f
		case LBrack:
			p.advance()
			lbrack := Pos(p.prev.pos)
			ix := &IndexExpr{X: x, Index: p.parseExpr()}
			ix.Rbrack = p.closing(RBrack, lbrack)
			x = ix
		case Inc, Dec:
			if !isAssignable(x) {
				p.errorf(p.tok.pos, p.tok.end, CodeInvalidAssignment, "increment/decrement requires a variable or map")
				p.advance()
				continue
			}
			x = &PostfixExpr{X: x, Op: p.tok.kind, OpEnd: Pos(p.tok.end)}
			p.advance()
		default:
			return x
		}
	}
}

func (p *parser) parsePrimary() Expr {
	switch p.tok.kind {
	case LParen:
		return p.parseParen()
	case LBrace:
		return p.parseBlock(true)
	case IDENT:
		return p.parseIdentExpr()
	case MAP:
		return p.parseMap()
	case VAR:
		return p.parseVariable()
	case PARAM, PARAMCOUNT:
		x := &ParamExpr{Start: Pos(p.tok.pos), Raw: p.text(p.tok)}
		p.advance()
		return x
	case INT:
		return p.parseInt()
	case STRING:
		return p.parseString()
	}
	p.errorExpected("expression")
	switch p.tok.kind {
	case Semi, RBrace, RParen, RBrack, Comma, Colon, EOF, Slash:
		return p.missingExpr()
	}
	bad := &BadExpr{From: Pos(p.tok.pos), To: Pos(p.tok.end)}
	p.advance()
	return bad
}

func (p *parser) parseIdentExpr() Expr {
	switch p.text(p.tok) {
	case "if":
		return p.parseIf()
	case "true", "false":
		b := &BoolLit{Start: Pos(p.tok.pos), Value: p.isKeyword("true")}
		p.advance()
		return b
	case "sizeof", "typeinfo", "offsetof":
		if p.byteAfter(p.tok.end) == '(' {
			return p.parseTypeFunc()
		}
	case "comptime":
		c := &ComptimeExpr{Keyword: Pos(p.tok.pos)}
		p.advance()
		c.X = p.parseUnary()
		return c
	}
	id := p.parseIdent()
	if !p.is(LParen) {
		return id
	}
	call := &CallExpr{Fun: id, Lparen: Pos(p.tok.pos)}
	p.advance()
	call.Args = p.parseExprList(RParen)
	call.Rparen = p.closing(RParen, call.Lparen)
	return call
}

// closing expects the closer of a group opened at open. When it is missing
// the error points at what was found, with the opener as related location,
// and the group ends where the closer should have been.
func (p *parser) closing(k Token, open Pos) Pos {
	if p.is(k) {
		pos := Pos(p.tok.pos)
		p.advance()
		return pos
	}
	p.errorExpected("'" + k.String() + "'")
	if n := len(p.diags) - 1; n >= 0 && p.diags[n].Span.Start == p.tok.pos {
		p.diags[n].Related = append(p.diags[n].Related, diag.Related{
			Span:    source.Span{Start: int(open), End: int(open) + 1},
			Message: "to match this '" + string(p.src[open]) + "'",
		})
	}
	return Pos(max(p.prev.end-1, int(open)))
}

// parseExprList parses comma-separated expressions up to (not including)
// the closer.
func (p *parser) parseExprList(closer Token) []Expr {
	var xs []Expr
	for !p.is(closer) && !p.is(EOF) && !p.is(Semi) && !p.is(RBrace) {
		xs = append(xs, p.parseExpr())
		if !p.is(Comma) {
			break
		}
		p.advance()
	}
	return xs
}

func (p *parser) parseIf() *IfExpr {
	x := &IfExpr{Keyword: Pos(p.tok.pos)}
	p.advance()
	x.Cond = p.parseCondition()
	x.Then = p.parseBody(true)
	if !p.isKeyword("else") {
		return x
	}
	p.advance()
	switch {
	case p.is(LBrace):
		x.Else = p.parseBlock(true)
	case p.isKeyword("if"):
		x.Else = p.parseIf()
	default:
		p.errorExpected("'{' or 'if' after 'else'")
	}
	return x
}

func (p *parser) parseMap() Expr {
	m := &MapExpr{Start: Pos(p.tok.pos), Name: p.text(p.tok)}
	p.advance()
	if !p.is(LBrack) {
		return m
	}
	m.Lbrack = Pos(p.tok.pos)
	p.advance()
	m.Keys = p.parseExprList(RBrack)
	if m.Keys == nil {
		p.errorExpected("map key")
		m.Keys = []Expr{}
	}
	m.Rbrack = p.closing(RBrack, m.Lbrack)
	return m
}

// missingExpr stands for an expression that is not there: an empty BadExpr
// right after the last token consumed, so that it lies inside its parent.
func (p *parser) missingExpr() *BadExpr {
	return &BadExpr{From: Pos(p.prev.end), To: Pos(p.prev.end)}
}

func (p *parser) parseVariable() *Variable {
	v := &Variable{Start: Pos(p.tok.pos), Name: p.text(p.tok)}
	p.advance()
	return v
}

func (p *parser) parseIdent() *Ident {
	if !p.is(IDENT) {
		p.errorExpected("identifier")
		return &Ident{Start: Pos(p.prev.end)}
	}
	id := &Ident{Start: Pos(p.tok.pos), Name: p.text(p.tok)}
	p.advance()
	return id
}

func (p *parser) parseInt() *IntLit {
	lit := &IntLit{Start: Pos(p.tok.pos), Raw: p.text(p.tok)}
	v, err := ParseInt(lit.Raw)
	if err != nil {
		p.errorf(p.tok.pos, p.tok.end, CodeInvalidInteger, "%v", err)
	}
	lit.Value = v
	p.advance()
	return lit
}

func (p *parser) parseString() *StringLit {
	lit := &StringLit{Start: Pos(p.tok.pos), Raw: p.text(p.tok)}
	value, errs := unquote(lit.Raw)
	for _, e := range errs {
		p.errorf(p.tok.pos+e.Start, p.tok.pos+e.End, CodeInvalidEscape, "%s", e.Msg)
	}
	lit.Value = value
	p.advance()
	return lit
}

// parseParen parses what follows '(': an empty tuple, a record, a cast, a
// tuple or a parenthesised expression, in that order of preference, as
// bpftrace does.
func (p *parser) parseParen() Expr {
	lparen := Pos(p.tok.pos)
	p.advance()
	if p.is(RParen) {
		p.advance()
		return &TupleExpr{Lparen: lparen, Elems: []Expr{}, Rparen: Pos(p.prev.pos)}
	}
	if p.is(IDENT) && !IsBuiltin(p.text(p.tok)) {
		if i := p.layoutEnd(p.tok.end); p.at(i) == '=' && p.at(i+1) != '=' {
			return p.parseRecord(lparen)
		}
	}
	if cast := p.tryCast(lparen); cast != nil {
		return cast
	}
	first := p.parseExpr()
	if !p.is(Comma) {
		return &ParenExpr{Lparen: lparen, X: first, Rparen: p.closing(RParen, lparen)}
	}
	t := &TupleExpr{Lparen: lparen, Elems: []Expr{first}}
	for p.is(Comma) {
		p.advance()
		if p.is(RParen) {
			break
		}
		t.Elems = append(t.Elems, p.parseExpr())
	}
	t.Rparen = p.closing(RParen, lparen)
	return t
}

func (p *parser) parseRecord(lparen Pos) Expr {
	r := &RecordExpr{Lparen: lparen}
	seen := map[string]bool{}
	for p.is(IDENT) {
		f := &RecordField{Name: p.parseIdent()}
		p.expect(Assign)
		f.Value = p.parseExpr()
		if seen[f.Name.Name] {
			p.errorf(int(f.Name.Pos()), int(f.Name.End()), CodeDuplicateRecordName,
				"record already has a field named '%s'", f.Name.Name)
		}
		seen[f.Name.Name] = true
		r.Fields = append(r.Fields, f)
		if !p.is(Comma) {
			break
		}
		p.advance()
	}
	r.Rparen = p.closing(RParen, lparen)
	return r
}

// tryCast parses (type)expr when the parenthesis holds a type and is
// followed by something that starts an expression; otherwise it rewinds and
// returns nil.
func (p *parser) tryCast(lparen Pos) Expr {
	st := p.save()
	var typ Type
	if p.isKeyword("typeof") {
		typ = p.parseTypeof()
	} else if p.is(IDENT) && !IsBuiltin(p.text(p.tok)) {
		typ = p.parseType(false)
	}
	if typ == nil || !p.is(RParen) {
		p.restore(st)
		return nil
	}
	p.advance()
	if !p.canStartCastOperand() {
		p.restore(st)
		return nil
	}
	return &CastExpr{Lparen: lparen, Type: typ, X: p.parseUnary()}
}

// canStartCastOperand mirrors bpftrace's test for what may follow (type).
func (p *parser) canStartCastOperand() bool {
	switch p.tok.kind {
	case INT, VAR, MAP, STRING, LParen, Minus, Dec, Bang, Tilde, Star, Amp, IDENT, PARAM, PARAMCOUNT:
		return true
	}
	return false
}

// parseType parses a type: a name, struct/union/enum name, with any pointer
// and array suffixes. Without report it returns nil on failure silently,
// for speculative parses.
func (p *parser) parseType(report bool) Type {
	if !p.is(IDENT) {
		if report {
			p.errorExpected("type name")
		}
		return nil
	}
	t := &NamedType{Start: Pos(p.tok.pos), Name: p.text(p.tok)}
	p.advance()
	if t.Name == "struct" || t.Name == "union" || t.Name == "enum" {
		if !p.is(IDENT) {
			if report {
				p.errorExpected(t.Name + " name")
			}
			return nil
		}
		t.Keyword, t.Name = t.Name, p.text(p.tok)
		p.advance()
	}
	t.NameEnd = Pos(p.prev.end)
	var typ Type = t
	for {
		switch {
		case p.is(Star):
			typ = &PointerType{Elem: typ, Star: Pos(p.tok.pos)}
			p.advance()
		case p.is(LBrack):
			p.advance()
			a := &ArrayType{Elem: typ}
			if p.is(INT) {
				a.Len = p.parseInt()
			}
			if !p.is(RBrack) {
				if report {
					p.errorExpected("']'")
				}
				return nil
			}
			a.Rbrack = Pos(p.tok.pos)
			p.advance()
			typ = a
		default:
			return typ
		}
	}
}

// parseTypeAnnotation parses the type of a let or fn parameter.
func (p *parser) parseTypeAnnotation() Type {
	if p.isKeyword("typeof") {
		return p.parseTypeof()
	}
	if t := p.parseType(true); t != nil {
		return t
	}
	return nil
}

func (p *parser) parseTypeof() Type {
	t := &TypeofType{Keyword: Pos(p.tok.pos)}
	p.advance()
	lparen, _ := p.expect(LParen)
	t.Arg = p.parseTypeOrExpr()
	t.Rparen = p.closing(RParen, lparen)
	return t
}

// parseTypeOrExpr parses the argument of sizeof, typeof and typeinfo: a
// type when it is unambiguously one, else an expression.
func (p *parser) parseTypeOrExpr() Node {
	if p.looksLikeType() {
		if t := p.parseType(true); t != nil {
			return t
		}
	}
	return p.parseExpr()
}

// looksLikeType decides, from the text alone, whether the argument of
// sizeof and friends is a type: struct/union/enum X, a builtin type name,
// or any non-builtin name with pointer or array suffixes.
func (p *parser) looksLikeType() bool {
	if !p.is(IDENT) {
		return false
	}
	name := p.text(p.tok)
	if IsBuiltin(name) {
		return false
	}
	i := p.tok.end
	known := IsBuiltinType(name)
	if name == "struct" || name == "union" || name == "enum" {
		j := p.layoutEnd(i)
		if !isIdentStart(p.at(j)) {
			return false
		}
		i, known = p.identEnd(j), true
	}
	suffix := false
	for {
		j := p.layoutEnd(i)
		if p.at(j) == '*' {
			i, suffix = j+1, true
		} else if p.at(j) == '[' {
			end := balancedEnd(p.src, j, '[', ']')
			if end == j || p.src[end-1] != ']' {
				return false
			}
			i, suffix = end, true
		} else {
			next := p.at(j)
			return (known || suffix) && (next == ')' || next == ',')
		}
	}
}

// parseTypeFunc parses sizeof(...), offsetof(..., fields) and typeinfo(...).
func (p *parser) parseTypeFunc() Expr {
	kw, pos := p.text(p.tok), Pos(p.tok.pos)
	p.advance()
	lparen := Pos(p.tok.pos)
	p.advance()
	arg := p.parseTypeOrExpr()
	switch kw {
	case "sizeof":
		return &SizeofExpr{Keyword: pos, Arg: arg, Rparen: p.closing(RParen, lparen)}
	case "typeinfo":
		return &TypeinfoExpr{Keyword: pos, Arg: arg, Rparen: p.closing(RParen, lparen)}
	}
	o := &OffsetofExpr{Keyword: pos, Arg: arg}
	if _, ok := p.expect(Comma); ok {
		o.Fields = append(o.Fields, p.parseIdent())
		for p.is(Dot) {
			p.advance()
			o.Fields = append(o.Fields, p.parseIdent())
		}
	}
	o.Rparen = p.closing(RParen, lparen)
	return o
}
