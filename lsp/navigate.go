package lsp

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"sort"

	"go.lsp.dev/protocol"

	"github.com/kenlsp/ken/analysis"
	"github.com/kenlsp/ken/analysis/catalog"
	"github.com/kenlsp/ken/analysis/source"
	"github.com/kenlsp/ken/analysis/syntax"
)

// This file answers the requests that follow a name to its other
// occurrences: definition, references, highlights and rename. Maps are
// global to the file; scratch variables belong to one scope, and the
// semantic model's *sema.Var tells which occurrences share one.

func init() {
	handleRequest("textDocument/definition", (*Server).definition)
	handleRequest("textDocument/references", (*Server).references)
	handleRequest("textDocument/documentHighlight", (*Server).documentHighlight)
	handleRequest("textDocument/prepareRename", (*Server).prepareRename)
	handleRequest("textDocument/rename", (*Server).rename)
}

// occurrence is one place where a symbol's name is written.
type occurrence struct {
	span  source.Span // the name alone, sigil included
	write bool        // an assignment, declaration, increment or parameter
}

// symbol is a map or scratch variable and all its occurrences in one
// file, in source order, without duplicates.
type symbol struct {
	name  string
	isMap bool
	at    source.Span // the occurrence under the cursor
	occs  []occurrence
	// def is the occurrence that defines the symbol: a map's first write,
	// a variable's first assignment or declaration. Nil when it has none.
	def *source.Span
	// scope is where other names collide with a rename: the declaration
	// that holds a variable, or nil for the whole file.
	scope syntax.Node
}

// errCannotRename says what can be renamed; the specific reasons wrap it.
var errCannotRename = errors.New("only maps (@name) and scratch variables ($name) can be renamed")

// symbolAt finds the map or variable whose name contains off. The error
// says why there is none, for prepareRename to show.
func symbolAt(r *analysis.Result, off int) (*symbol, error) {
	path := enclosing(r.AST, off)
	switch n := innermost(path).(type) {
	case *syntax.MapExpr:
		if off <= int(n.Start)+len(n.Name) {
			return mapSymbol(r.AST, path, n)
		}
	case *syntax.Variable:
		return varSymbol(r, path, n)
	case *syntax.Ident:
		return nil, identError(n)
	case *syntax.AttachPoint:
		return nil, fmt.Errorf("attach point %s names a kernel or user event: %w", n.Raw, errCannotRename)
	case *syntax.ParamExpr:
		return nil, fmt.Errorf("%s is a positional parameter: %w", n.Raw, errCannotRename)
	}
	return nil, errCannotRename
}

// identError explains why a bare name cannot be renamed.
func identError(id *syntax.Ident) error {
	if _, ok := catalog.LookupVariable(id.Name); ok {
		return fmt.Errorf("%s is a builtin variable: %w", id.Name, errCannotRename)
	}
	if _, ok := catalog.LookupFunction(id.Name); ok {
		return fmt.Errorf("%s is a builtin function: %w", id.Name, errCannotRename)
	}
	return fmt.Errorf("%s is not a map or scratch variable: %w", id.Name, errCannotRename)
}

// mapSymbol collects the occurrences of m's map. They are found in the
// tree rather than in sema.Info because ken checks macros only at their
// calls, so a macro body's maps are missing there; a macro parameter
// spelled like a map is a different symbol, local to its macro.
func mapSymbol(file *syntax.File, path []syntax.Node, m *syntax.MapExpr) (*symbol, error) {
	if m.Name == "@" {
		return nil, fmt.Errorf("the anonymous map @ has no name: %w", errCannotRename)
	}
	sym := &symbol{name: m.Name, isMap: true, at: symbolNameSpan(m.Start, m.Name)}
	if macro := macroDeclaring(path, m.Name); macro != nil {
		sym.scope = macro
		sym.occs = occurrencesIn(macro, m.Name)
	} else {
		for _, d := range file.Decls {
			if macroDeclares(d, m.Name) {
				continue
			}
			sym.occs = append(sym.occs, occurrencesIn(d, m.Name)...)
		}
	}
	sym.def = firstWrite(sym.occs)
	return sym, nil
}

// varSymbol collects the occurrences of v's variable from its *sema.Var,
// which all occurrences in one scope share. Macro bodies have none (see
// mapSymbol): there a variable is local to the macro, found by name.
func varSymbol(r *analysis.Result, path []syntax.Node, v *syntax.Variable) (*symbol, error) {
	decl := path[0]
	sym := &symbol{name: v.Name, at: symbolNameSpan(v.Start, v.Name), scope: decl}
	if _, ok := decl.(*syntax.Macro); ok {
		sym.occs = occurrencesIn(decl, v.Name)
		sym.def = firstWrite(sym.occs)
		return sym, nil
	}
	info := r.Info.Vars[v]
	if info == nil {
		return nil, fmt.Errorf("%s is read before any assignment in this scope, so ken cannot tell which variable it is", v.Name)
	}
	writes := writeTargets(decl)
	sym.occs = append(sym.occs, occurrence{span: info.Def, write: true})
	for _, s := range info.Uses {
		sym.occs = append(sym.occs, occurrence{span: s, write: writes[syntax.Pos(s.Start)]})
	}
	sym.occs = sortOccurrences(sym.occs)
	def := info.Def
	sym.def = &def
	return sym, nil
}

// symbolNameSpan is the span of a name written at start.
func symbolNameSpan(start syntax.Pos, name string) source.Span {
	return source.Span{Start: int(start), End: int(start) + len(name)}
}

// macroDeclaring returns the macro in path that has a parameter called
// name, or nil.
func macroDeclaring(path []syntax.Node, name string) *syntax.Macro {
	if len(path) == 0 || !macroDeclares(path[0], name) {
		return nil
	}
	return path[0].(*syntax.Macro)
}

// macroDeclares reports whether d is a macro with a parameter called name.
func macroDeclares(d syntax.Node, name string) bool {
	m, ok := d.(*syntax.Macro)
	if !ok {
		return false
	}
	for _, p := range m.Params {
		if symbolName(p) == name {
			return true
		}
	}
	return false
}

// symbolName returns the name of a map or variable node, or "".
func symbolName(n syntax.Node) string {
	switch n := n.(type) {
	case *syntax.MapExpr:
		return n.Name
	case *syntax.Variable:
		return n.Name
	}
	return ""
}

// occurrencesIn finds the maps or variables called name under n.
func occurrencesIn(n syntax.Node, name string) []occurrence {
	writes := writeTargets(n)
	var occs []occurrence
	syntax.Inspect(n, func(c syntax.Node) bool {
		if symbolName(c) == name {
			occs = append(occs, occurrence{span: symbolNameSpan(c.Pos(), name), write: writes[c.Pos()]})
		}
		return true
	})
	return occs
}

// writeTargets returns the positions of the maps and variables under n
// that are assigned, declared, incremented or are parameters.
func writeTargets(n syntax.Node) map[syntax.Pos]bool {
	writes := make(map[syntax.Pos]bool)
	syntax.Inspect(n, func(c syntax.Node) bool {
		for _, t := range assignedBy(c) {
			if t != nil && symbolName(t) != "" {
				writes[t.Pos()] = true
			}
		}
		return true
	})
	return writes
}

// assignedBy returns the nodes that n writes or declares.
func assignedBy(n syntax.Node) []syntax.Node {
	switch n := n.(type) {
	case *syntax.AssignStmt:
		return []syntax.Node{n.Lhs}
	case *syntax.PostfixExpr:
		return []syntax.Node{n.X}
	case *syntax.UnaryExpr:
		if n.Op == syntax.Inc || n.Op == syntax.Dec {
			return []syntax.Node{n.X}
		}
	case *syntax.MapDecl:
		return []syntax.Node{n.Map}
	case *syntax.LetStmt:
		return []syntax.Node{n.Var}
	case *syntax.ForStmt:
		return []syntax.Node{n.Var}
	case *syntax.FuncParam:
		return []syntax.Node{n.Var}
	case *syntax.Macro:
		out := make([]syntax.Node, len(n.Params))
		for i, p := range n.Params {
			out[i] = p
		}
		return out
	}
	return nil
}

// firstWrite returns the span of the first write in occs, or nil.
func firstWrite(occs []occurrence) *source.Span {
	for _, o := range occs {
		if o.write {
			s := o.span
			return &s
		}
	}
	return nil
}

// sortOccurrences orders occs by position and drops repeats: sema records
// the target of $x += 1 both as a read and as a write.
func sortOccurrences(occs []occurrence) []occurrence {
	sort.SliceStable(occs, func(i, j int) bool { return occs[i].span.Start < occs[j].span.Start })
	out := occs[:0]
	for _, o := range occs {
		if n := len(out); n > 0 && out[n-1].span == o.span {
			out[n-1].write = out[n-1].write || o.write
			continue
		}
		out = append(out, o)
	}
	return out
}

// symbolAtPosition resolves the symbol at an LSP position of d.
func symbolAtPosition(d *document, p protocol.Position) (*symbol, error) {
	return symbolAt(d.result, offset(d.file, p))
}

// definition goes from a map to its first assignment, from a variable to
// the assignment or declaration that created it in its scope, and from a
// macro or fn call to the macro or fn.
func (s *Server) definition(ctx context.Context, params json.RawMessage) (any, error) {
	var p protocol.DefinitionParams
	d, err := s.documentRequest(ctx, params, &p)
	if err != nil {
		return nil, err
	}
	if target := userDefinition(d.result.AST, offset(d.file, p.Position)); target != nil {
		return []protocol.Location{{URI: d.uri, Range: toRange(d.file, *target)}}, nil
	}
	sym, err := symbolAtPosition(d, p.Position)
	if err != nil || sym.def == nil {
		return nil, nil
	}
	return []protocol.Location{{URI: d.uri, Range: toRange(d.file, *sym.def)}}, nil
}

// userDefinition returns the name of the macro or fn that the call at off
// invokes, or nil.
func userDefinition(file *syntax.File, off int) *source.Span {
	path := enclosing(file, off)
	id, ok := innermost(path).(*syntax.Ident)
	if !ok || len(path) < 2 || !maybeCall(path[len(path)-2], id) {
		return nil
	}
	for _, d := range file.Decls {
		var name *syntax.Ident
		switch d := d.(type) {
		case *syntax.Macro:
			name = d.Name
		case *syntax.Func:
			name = d.Name
		}
		if name != nil && name != id && name.Name == id.Name {
			s := symbolNameSpan(name.Start, name.Name)
			return &s
		}
	}
	return nil
}

// maybeCall reports whether id, a child of parent, can name a macro or
// fn: a field or config key spelled like one does not.
func maybeCall(parent syntax.Node, id *syntax.Ident) bool {
	switch parent.(type) {
	case *syntax.FieldExpr, *syntax.RecordField, *syntax.ConfigEntry, *syntax.OffsetofExpr, *syntax.MapDecl:
		return false
	}
	return true
}

// references lists every occurrence of the symbol, the defining one only
// when the client asks for declarations.
func (s *Server) references(ctx context.Context, params json.RawMessage) (any, error) {
	var p protocol.ReferenceParams
	d, err := s.documentRequest(ctx, params, &p)
	if err != nil {
		return nil, err
	}
	sym, err := symbolAtPosition(d, p.Position)
	if err != nil {
		return []protocol.Location{}, nil
	}
	locs := []protocol.Location{}
	for _, o := range sym.occs {
		if !p.Context.IncludeDeclaration && sym.def != nil && o.span == *sym.def {
			continue
		}
		locs = append(locs, protocol.Location{URI: d.uri, Range: toRange(d.file, o.span)})
	}
	return locs, nil
}

// documentHighlight marks the symbol's occurrences, writes apart from
// reads.
func (s *Server) documentHighlight(ctx context.Context, params json.RawMessage) (any, error) {
	var p protocol.DocumentHighlightParams
	d, err := s.documentRequest(ctx, params, &p)
	if err != nil {
		return nil, err
	}
	sym, err := symbolAtPosition(d, p.Position)
	if err != nil {
		return []protocol.DocumentHighlight{}, nil
	}
	out := make([]protocol.DocumentHighlight, len(sym.occs))
	for i, o := range sym.occs {
		kind := protocol.DocumentHighlightKindRead
		if o.write {
			kind = protocol.DocumentHighlightKindWrite
		}
		out[i] = protocol.DocumentHighlight{Range: toRange(d.file, o.span), Kind: kind}
	}
	return out, nil
}

// prepareRename answers the range of the name under the cursor, or an
// error that says why it cannot be renamed, which editors show as it is.
func (s *Server) prepareRename(ctx context.Context, params json.RawMessage) (any, error) {
	var p protocol.PrepareRenameParams
	d, err := s.documentRequest(ctx, params, &p)
	if err != nil {
		return nil, err
	}
	sym, err := symbolAtPosition(d, p.Position)
	if err != nil {
		return nil, err
	}
	return toRange(d.file, sym.at), nil
}

// rename replaces every occurrence of the symbol, in an edit bound to the
// version it was computed for.
func (s *Server) rename(ctx context.Context, params json.RawMessage) (any, error) {
	var p protocol.RenameParams
	d, err := s.documentRequest(ctx, params, &p)
	if err != nil {
		return nil, err
	}
	sym, err := symbolAtPosition(d, p.Position)
	if err != nil {
		return nil, err
	}
	if p.NewName == sym.name {
		return s.versionedEdit(d, []protocol.TextEdit{}), nil
	}
	if err := checkNewName(d.result.AST, sym, p.NewName); err != nil {
		return nil, err
	}
	edits := make([]protocol.TextEdit, len(sym.occs))
	for i, o := range sym.occs {
		edits[i] = protocol.TextEdit{Range: toRange(d.file, o.span), NewText: p.NewName}
	}
	return s.versionedEdit(d, edits), nil
}

var (
	renameMapForm = regexp.MustCompile(`^@[A-Za-z_][A-Za-z0-9_]*$`)
	renameVarForm = regexp.MustCompile(`^\$[A-Za-z_][A-Za-z0-9_]*$`)
)

// checkNewName refuses a name of the wrong form, and one already used
// where the renamed symbol lives: merging two maps or variables silently
// would change what the program does.
func checkNewName(file *syntax.File, sym *symbol, name string) error {
	form, what := renameVarForm, "a scratch variable's name is $ followed by letters, digits or _"
	if sym.isMap {
		form, what = renameMapForm, "a map's name is @ followed by letters, digits or _"
	}
	if !form.MatchString(name) {
		return fmt.Errorf("cannot rename %s to %q: %s", sym.name, name, what)
	}
	if nameUsed(file, sym.scope, name) {
		where := "this file"
		if sym.scope != nil {
			where = "the same " + scopeKind(sym.scope)
		}
		return fmt.Errorf("cannot rename %s to %s: %s is already used in %s", sym.name, name, name, where)
	}
	return nil
}

// nameUsed reports whether a map or variable called name occurs under scope,
// or anywhere in file when scope is nil.
func nameUsed(file *syntax.File, scope syntax.Node, name string) bool {
	found := false
	visit := func(n syntax.Node) bool {
		found = found || symbolName(n) == name
		return !found
	}
	if scope != nil {
		syntax.Inspect(scope, visit)
		return found
	}
	syntax.InspectFile(file, visit)
	return found
}

// scopeKind names a declaration for messages.
func scopeKind(n syntax.Node) string {
	switch n.(type) {
	case *syntax.Probe:
		return "probe"
	case *syntax.Macro:
		return "macro"
	case *syntax.Func:
		return "fn"
	}
	return "declaration"
}
