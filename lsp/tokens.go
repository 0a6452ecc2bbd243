package lsp

import (
	"context"
	"encoding/json"
	"regexp"
	"sort"
	"strings"

	"go.lsp.dev/protocol"

	"github.com/kenlsp/ken/analysis"
	"github.com/kenlsp/ken/analysis/catalog"
	"github.com/kenlsp/ken/analysis/sema"
	"github.com/kenlsp/ken/analysis/source"
	"github.com/kenlsp/ken/analysis/syntax"
)

// This file answers textDocument/semanticTokens/full. Tokens come from the
// tree, the semantic model and the comments rather than from the lexer,
// so that a name is coloured by what it is (a builtin, a map that is
// written, a parameter), not by how it is spelled.

func init() {
	handleRequest("textDocument/semanticTokens/full", (*Server).semanticTokens)
}

// Indices into the legend that lifecycle.go declares; looked up by name so
// that reordering the legend cannot silently change colours.
var (
	tokNamespace  = legendIndex(tokenTypes, "namespace")
	tokFunction   = legendIndex(tokenTypes, "function")
	tokVariable   = legendIndex(tokenTypes, "variable")
	tokParameter  = legendIndex(tokenTypes, "parameter")
	tokProperty   = legendIndex(tokenTypes, "property")
	tokKeyword    = legendIndex(tokenTypes, "keyword")
	tokString     = legendIndex(tokenTypes, "string")
	tokNumber     = legendIndex(tokenTypes, "number")
	tokComment    = legendIndex(tokenTypes, "comment")
	tokType       = legendIndex(tokenTypes, "type")
	tokEnumMember = legendIndex(tokenTypes, "enumMember")
	tokMacro      = legendIndex(tokenTypes, "macro")

	modDeclaration    = 1 << legendIndex(tokenModifiers, "declaration")
	modReadonly       = 1 << legendIndex(tokenModifiers, "readonly")
	modDefaultLibrary = 1 << legendIndex(tokenModifiers, "defaultLibrary")
	modModification   = 1 << legendIndex(tokenModifiers, "modification")
)

// legendIndex returns the index of name in legend. A missing name is a
// programming error caught by any test, so it panics at start-up.
func legendIndex(legend []string, name string) int {
	for i, n := range legend {
		if n == name {
			return i
		}
	}
	panic("ken lsp: the semantic token legend lacks " + name)
}

func (s *Server) semanticTokens(ctx context.Context, params json.RawMessage) (any, error) {
	var p protocol.SemanticTokensParams
	d, err := s.documentRequest(ctx, params, &p)
	if err != nil {
		return nil, err
	}
	isEnum := func(string) bool { return false }
	if k := s.settings.config().Kernel; k != nil {
		isEnum = func(name string) bool { _, ok := k.Enumerator(name); return ok }
	}
	toks := collectTokens(d.file, d.result, isEnum)
	return protocol.SemanticTokens{Data: encodeTokens(d.file, toks)}, nil
}

// semToken is one token before encoding: a byte span, which may cross
// lines, a type index and modifier bits.
type semToken struct {
	span source.Span
	typ  int
	mods int
}

// tokenizer collects the tokens of one file.
type tokenizer struct {
	f       *source.File
	info    *sema.Info
	isEnum  func(string) bool // kernel enum constants
	toks    []semToken
	claimed map[syntax.Node]bool // names already coloured by their parent
	writes  map[syntax.Pos]bool  // maps and variables assignedBy there
	macros  map[string]bool      // the file's macros
	fns     map[string]bool      // the file's fn subprograms
	defines map[string]bool      // #defined names and C enum constants
	params  map[*sema.Var]bool   // fn parameters
	mparams map[syntax.Node]bool // macro parameters and their uses
}

// collectTokens returns the tokens of r sorted by position, without
// overlaps. isEnum reports kernel enum constants.
func collectTokens(f *source.File, r *analysis.Result, isEnum func(string) bool) []semToken {
	t := &tokenizer{
		f: f, info: r.Info, isEnum: isEnum,
		claimed: make(map[syntax.Node]bool),
		writes:  make(map[syntax.Pos]bool),
		macros:  make(map[string]bool),
		fns:     make(map[string]bool),
		defines: make(map[string]bool),
		params:  make(map[*sema.Var]bool),
		mparams: make(map[syntax.Node]bool),
	}
	t.collectNames(r.AST)
	for _, d := range r.AST.Decls {
		for pos := range writeTargets(d) {
			t.writes[pos] = true
		}
		syntax.Inspect(d, t.node)
	}
	for _, c := range r.AST.Comments {
		t.add(int(c.Start), len(c.Text), tokComment, 0)
	}
	return sortTokens(t.toks)
}

// collectNames learns the names declared at the top level, which calls
// and bare names anywhere may refer to.
func (t *tokenizer) collectNames(file *syntax.File) {
	for _, d := range file.Decls {
		switch d := d.(type) {
		case *syntax.Macro:
			t.macroNames(d)
		case *syntax.Func:
			t.funcNames(d)
		case *syntax.Directive:
			if name, ok := defineDirectiveName(d.Text); ok {
				t.defines[name] = true
			}
		case *syntax.CDefinition:
			for _, name := range cEnumConstants(d.Text) {
				t.defines[name] = true
			}
		}
	}
}

// macroNames records a macro and the variables of its body that are its
// parameters: ken does not check macro bodies, so they have no *sema.Var.
func (t *tokenizer) macroNames(m *syntax.Macro) {
	if m.Name != nil {
		t.macros[m.Name.Name] = true
	}
	params := make(map[string]bool)
	for _, p := range m.Params {
		params[paramName(p)] = true
	}
	syntax.Inspect(m.Body, func(n syntax.Node) bool {
		if name := paramName(n); name != "" && params[name] {
			t.mparams[n] = true
		}
		return true
	})
}

// paramName returns the name of a node that can be a macro parameter: a
// variable, a map or a bare name.
func paramName(n syntax.Node) string {
	if id, ok := n.(*syntax.Ident); ok {
		return id.Name
	}
	return symbolName(n)
}

// funcNames records a fn and its parameters.
func (t *tokenizer) funcNames(fn *syntax.Func) {
	if fn.Name != nil {
		t.fns[fn.Name.Name] = true
	}
	for _, p := range fn.Params {
		if p.Var == nil {
			continue
		}
		if v := t.info.Vars[p.Var]; v != nil {
			t.params[v] = true
		}
	}
}

// add records a token of n bytes at off; empty tokens are dropped.
func (t *tokenizer) add(off, n, typ, mods int) {
	if n > 0 {
		t.toks = append(t.toks, semToken{span: source.Span{Start: off, End: off + n}, typ: typ, mods: mods})
	}
}

// addNode records a token that covers n.
func (t *tokenizer) addNode(n syntax.Node, typ, mods int) {
	t.add(int(n.Pos()), int(n.End()-n.Pos()), typ, mods)
}

// claim colours a name for its parent, so that the walk does not colour
// it again as a value.
func (t *tokenizer) claim(id *syntax.Ident, typ, mods int) {
	if id == nil {
		return
	}
	t.claimed[id] = true
	t.addNode(id, typ, mods)
}

// macroParams colours a macro's parameters as declarations; the body's
// uses are coloured as parameters by variable.
func (t *tokenizer) macroParams(params []syntax.Expr) {
	for _, p := range params {
		if paramName(p) == "" {
			continue
		}
		t.claimed[p] = true
		t.addNode(p, tokParameter, modDeclaration)
	}
}

// keyword records the keyword that starts at p.
func (t *tokenizer) keyword(p syntax.Pos) {
	end := int(p)
	for end < len(t.f.Text) && isTokenWordByte(t.f.Text[end]) {
		end++
	}
	t.add(int(p), end-int(p), tokKeyword, 0)
}

func isTokenWordByte(c byte) bool {
	return c == '_' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9'
}

// node colours n, or the names it owns, and lets the walk go on into its
// children.
func (t *tokenizer) node(n syntax.Node) bool {
	switch n := n.(type) {
	case *syntax.Probe:
		for _, ap := range n.AttachPoints {
			t.attachPoint(ap)
		}
	case *syntax.Directive:
		t.directive(n)
	case *syntax.Macro:
		t.keyword(n.Keyword)
		t.claim(n.Name, tokMacro, modDeclaration)
		t.macroParams(n.Params)
	case *syntax.Func:
		t.keyword(n.Keyword)
		t.claim(n.Name, tokFunction, modDeclaration)
	case *syntax.MapDecl:
		t.keyword(n.Let)
		t.claim(n.Kind, tokType, 0)
	case *syntax.ConfigEntry:
		t.claim(n.Key, tokProperty, 0)
	case *syntax.IfExpr:
		t.ifExpr(n)
	case *syntax.CallExpr:
		typ, mods := t.callType(n.Fun.Name)
		t.claim(n.Fun, typ, mods)
	case *syntax.FieldExpr:
		t.claim(n.Name, tokProperty, 0)
	case *syntax.RecordField:
		t.claim(n.Name, tokProperty, 0)
	case *syntax.OffsetofExpr:
		t.keyword(n.Keyword)
		for _, f := range n.Fields {
			t.claim(f, tokProperty, 0)
		}
	case *syntax.NamedType:
		t.namedType(n)
	default:
		t.leaf(n)
	}
	return true
}

// leaf colours the nodes that are tokens by themselves, and the keywords
// that start statements and expressions.
func (t *tokenizer) leaf(n syntax.Node) {
	switch n := n.(type) {
	case *syntax.Config:
		t.keyword(n.Keyword)
	case *syntax.Import:
		t.keyword(n.Keyword)
	case *syntax.LetStmt:
		t.keyword(n.Let)
	case *syntax.WhileStmt:
		t.keyword(n.Keyword)
	case *syntax.UnrollStmt:
		t.keyword(n.Keyword)
	case *syntax.ForStmt:
		t.keyword(n.Keyword)
	case *syntax.JumpStmt:
		t.keyword(n.Keyword)
	case *syntax.SizeofExpr:
		t.keyword(n.Keyword)
	case *syntax.TypeinfoExpr:
		t.keyword(n.Keyword)
	case *syntax.ComptimeExpr:
		t.keyword(n.Keyword)
	case *syntax.TypeofType:
		t.keyword(n.Keyword)
	case *syntax.BoolLit:
		t.addNode(n, tokKeyword, 0)
	case *syntax.IntLit:
		t.addNode(n, tokNumber, 0)
	case *syntax.StringLit:
		t.addNode(n, tokString, 0)
	case *syntax.ParamExpr:
		t.addNode(n, tokParameter, modReadonly)
	case *syntax.MapExpr:
		t.mapExpr(n)
	case *syntax.Variable:
		t.variable(n)
	case *syntax.Ident:
		t.ident(n)
	}
}

// attachPoint colours the provider and the parts of an attach point: the
// last part names the function, tracepoint or event, the ones between
// are namespaces (module, category, binary), and numbers are numbers.
func (t *tokenizer) attachPoint(ap *syntax.AttachPoint) {
	off := int(ap.Start)
	if ap.Label != "" {
		off += len(ap.Label) + 1
	}
	t.add(off, len(ap.Provider), tokNamespace, 0)
	off += len(ap.Provider)
	for i, part := range ap.Parts {
		off++ // the colon
		typ := tokNamespace
		switch {
		case isAttachNumeral(part):
			typ = tokNumber
		case strings.HasPrefix(part, `"`):
			typ = tokString
		case i == len(ap.Parts)-1:
			typ = tokFunction
		}
		t.add(off, len(part), typ, 0)
		off += len(part)
	}
}

// isAttachNumeral reports whether s is a decimal number, like interval:s:1's 1.
func isAttachNumeral(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// directive colours a preprocessor line: the directive as a keyword, an
// #include's file as a string and a #define's name as a macro. A shebang
// is a comment.
func (t *tokenizer) directive(d *syntax.Directive) {
	start := int(d.Start)
	if strings.HasPrefix(d.Text, "#!") {
		t.add(start, len(d.Text), tokComment, 0)
		return
	}
	word := 1 + len(d.Text[1:]) - len(strings.TrimLeft(d.Text[1:], " \t"))
	for word < len(d.Text) && isTokenWordByte(d.Text[word]) {
		word++
	}
	t.add(start, word, tokKeyword, 0)
	rest := d.Text[word:]
	arg := len(rest) - len(strings.TrimLeft(rest, " \t"))
	switch name := strings.TrimSpace(d.Text[1:word]); name {
	case "include":
		t.add(start+word+arg, len(strings.TrimSpace(rest)), tokString, 0)
	case "define":
		n := 0
		for arg+n < len(rest) && isTokenWordByte(rest[arg+n]) {
			n++
		}
		t.add(start+word+arg, n, tokMacro, modDeclaration)
	}
}

// defineDirectiveName returns the name a #define line defines.
func defineDirectiveName(text string) (string, bool) {
	fields := strings.Fields(strings.TrimPrefix(text, "#"))
	if len(fields) < 2 || fields[0] != "define" {
		return "", false
	}
	name, _, _ := strings.Cut(fields[1], "(")
	return name, name != ""
}

// cEnumBody matches the body of a C enum definition.
var cEnumBody = regexp.MustCompile(`\benum\b[^{]*\{([^}]*)\}`)

// cEnumConstants lists the constants the enums of C text declare.
func cEnumConstants(text string) []string {
	var names []string
	for _, body := range cEnumBody.FindAllStringSubmatch(text, -1) {
		for _, item := range strings.Split(body[1], ",") {
			name, _, _ := strings.Cut(item, "=")
			if name = strings.TrimSpace(name); name != "" {
				names = append(names, name)
			}
		}
	}
	return names
}

// ifExpr colours if and, when there is one, else. The tree keeps no
// position for else, so it is found after the then block, past white
// space and comments.
func (t *tokenizer) ifExpr(x *syntax.IfExpr) {
	t.keyword(x.Keyword)
	if x.Else == nil || x.Then == nil {
		return
	}
	if at, ok := t.elseAfter(int(x.Then.End()), int(x.Else.Pos())); ok {
		t.keyword(syntax.Pos(at))
	}
}

// elseAfter finds the else keyword in text[from:to].
func (t *tokenizer) elseAfter(from, to int) (int, bool) {
	text := t.f.Text[:min(to, len(t.f.Text))]
	for i := from; i < len(text); {
		rest := string(text[i:min(i+2, len(text))])
		switch {
		case text[i] == ' ' || text[i] == '\t' || text[i] == '\n' || text[i] == '\r':
			i++
		case rest == "//":
			for i < len(text) && text[i] != '\n' {
				i++
			}
		case rest == "/*":
			end := strings.Index(string(text[i+2:]), "*/")
			if end < 0 {
				return 0, false
			}
			i += end + 4
		default:
			return i, strings.HasPrefix(string(text[i:]), "else")
		}
	}
	return 0, false
}

// callType is the colour of a called name: the file's fns and macros
// first, as they may shadow builtins, then builtin functions.
func (t *tokenizer) callType(name string) (int, int) {
	switch {
	case t.fns[name]:
		return tokFunction, 0
	case t.macros[name]:
		return tokMacro, 0
	}
	if _, ok := catalog.LookupFunction(name); ok {
		return tokFunction, modDefaultLibrary
	}
	return tokFunction, 0
}

// namedType colours a type name, with struct, union or enum as a keyword.
func (t *tokenizer) namedType(n *syntax.NamedType) {
	start := int(n.Start)
	if n.Keyword != "" {
		t.add(start, len(n.Keyword), tokKeyword, 0)
		start += len(n.Keyword)
		for start < min(int(n.NameEnd), len(t.f.Text)) && (t.f.Text[start] == ' ' || t.f.Text[start] == '\t') {
			start++
		}
	}
	t.add(start, int(n.NameEnd)-start, tokType, 0)
}

// mapExpr colours a map's name; an assignment modifies it.
func (t *tokenizer) mapExpr(m *syntax.MapExpr) {
	if t.claimed[m] {
		return
	}
	mods := 0
	if t.writes[m.Start] {
		mods = modModification
	}
	t.add(int(m.Start), len(m.Name), tokVariable, mods)
}

// variable colours a scratch variable: a declaration where its scope
// creates it, a modification where it is assignedBy again, a parameter in
// fns and macros.
func (t *tokenizer) variable(v *syntax.Variable) {
	if t.claimed[v] {
		return
	}
	typ, mods := tokVariable, 0
	sym := t.info.Vars[v]
	switch {
	case sym != nil && sym.Def.Start == int(v.Start):
		mods = modDeclaration
	case t.writes[v.Start]:
		mods = modModification
	}
	if t.params[sym] || t.mparams[v] {
		typ = tokParameter
	}
	t.add(int(v.Start), len(v.Name), typ, mods)
}

// ident colours a bare name by what it refers to: a builtin variable, a
// macro nameUsed without parentheses, a #define or an enum constant. Names
// ken cannot place are left to the editor's grammar.
func (t *tokenizer) ident(id *syntax.Ident) {
	if t.claimed[id] {
		return
	}
	switch {
	case t.mparams[id]:
		t.addNode(id, tokParameter, 0)
	case t.macros[id.Name]:
		t.addNode(id, tokMacro, 0)
	case t.defines[id.Name]:
		t.addNode(id, tokMacro, 0)
	case knownBuiltinVariable(id.Name):
		t.addNode(id, tokVariable, modReadonly|modDefaultLibrary)
	case t.isEnum(id.Name):
		t.addNode(id, tokEnumMember, modReadonly)
	}
}

// knownBuiltinVariable reports whether name is a builtin such as pid or arg0.
func knownBuiltinVariable(name string) bool {
	_, ok := catalog.LookupVariable(name)
	return ok
}

// sortTokens orders tokens by position and drops any that overlaps the
// one before it, as the protocol requires disjoint tokens.
func sortTokens(toks []semToken) []semToken {
	sort.SliceStable(toks, func(i, j int) bool { return toks[i].span.Start < toks[j].span.Start })
	out := toks[:0]
	end := -1
	for _, tk := range toks {
		if tk.span.Start < end {
			continue
		}
		out = append(out, tk)
		end = tk.span.End
	}
	return out
}

// encodeTokens turns sorted tokens into the protocol's relative encoding:
// per token, the line delta, the start column (relative to the previous
// token on the same line), the length, the type and the modifiers, with
// columns and lengths in UTF-16 units. A token that crosses lines (a
// block comment) becomes one token per line, which every client accepts.
func encodeTokens(f *source.File, toks []semToken) []uint32 {
	data := make([]uint32, 0, 5*len(toks))
	prevLine, prevChar := 0, 0
	for _, tk := range toks {
		for _, seg := range lineSegments(f, tk.span) {
			line, char := f.Line(seg.Start), f.UTF16Column(seg.Start)
			length := f.UTF16Column(seg.End) - char
			delta := char
			if line == prevLine {
				delta = char - prevChar
			}
			data = append(data, uint32(line-prevLine), uint32(delta), uint32(length), uint32(tk.typ), uint32(tk.mods))
			prevLine, prevChar = line, char
		}
	}
	return data
}

// lineSegments splits s at line ends, leaving out the line breaks and
// the empty pieces.
func lineSegments(f *source.File, s source.Span) []source.Span {
	var segs []source.Span
	for line := f.Line(s.Start); line <= f.Line(s.End); line++ {
		seg := source.Span{Start: max(s.Start, f.LineStart(line)), End: min(s.End, f.LineEnd(line))}
		if seg.End > seg.Start && f.Text[seg.End-1] == '\r' {
			seg.End--
		}
		if seg.End > seg.Start {
			segs = append(segs, seg)
		}
	}
	return segs
}
