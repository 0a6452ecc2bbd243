package lsp

import (
	"context"
	"encoding/json"
	"regexp"
	"sort"
	"strings"
	"unicode/utf8"

	"go.lsp.dev/protocol"

	"github.com/kenlsp/ken/analysis"
	"github.com/kenlsp/ken/analysis/sema"
	"github.com/kenlsp/ken/analysis/source"
	"github.com/kenlsp/ken/analysis/syntax"
)

// This file answers textDocument/documentSymbol with the outline of a
// file: its probes (with their scratch variables), maps, macros, fns,
// config, imports, #includes, #defines and C definitions.

func init() {
	handleRequest("textDocument/documentSymbol", (*Server).documentSymbol)
}

func (s *Server) documentSymbol(ctx context.Context, params json.RawMessage) (any, error) {
	var p protocol.DocumentSymbolParams
	d, err := s.documentRequest(ctx, params, &p)
	if err != nil {
		return nil, err
	}
	return documentSymbols(d.file, d.result), nil
}

// documentSymbols returns the outline of r, in source order. Maps are
// global, so they are top-level symbols placed where each is first nameUsed.
func documentSymbols(f *source.File, r *analysis.Result) []protocol.DocumentSymbol {
	out := []protocol.DocumentSymbol{}
	for _, decl := range r.AST.Decls {
		if sym, ok := declSymbol(f, r.Info, decl); ok {
			out = append(out, sym)
		}
	}
	out = append(out, mapSymbols(f, r.Info)...)
	sort.SliceStable(out, func(i, j int) bool { return positionBefore(out[i].Range.Start, out[j].Range.Start) })
	return out
}

// positionBefore reports whether position a comes before b.
func positionBefore(a, b protocol.Position) bool {
	return a.Line < b.Line || a.Line == b.Line && a.Character < b.Character
}

// declSymbol describes one top-level declaration; ok is false for those
// the outline leaves out (map declarations, which the map symbols cover,
// and broken text).
func declSymbol(f *source.File, info *sema.Info, decl syntax.Decl) (protocol.DocumentSymbol, bool) {
	switch d := decl.(type) {
	case *syntax.Probe:
		return probeSymbol(f, info, d), true
	case *syntax.Macro:
		return userSymbol(f, info, d, d.Name, d.Body, "macro")
	case *syntax.Func:
		return userSymbol(f, info, d, d.Name, d.Body, "fn")
	case *syntax.Config:
		return configSymbol(f, d), true
	case *syntax.Import:
		if d.Path == nil || d.Path.Value == "" {
			return protocol.DocumentSymbol{}, false
		}
		return newSymbol(f, d.Path.Value, protocol.SymbolKindModule, d, d.Path), true
	case *syntax.Directive:
		return directiveSymbol(f, d)
	case *syntax.CDefinition:
		return cSymbol(f, d)
	}
	return protocol.DocumentSymbol{}, false
}

// newSymbol is a symbol that covers whole and is selected at sel.
func newSymbol(f *source.File, name string, kind protocol.SymbolKind, whole, sel syntax.Node) protocol.DocumentSymbol {
	return protocol.DocumentSymbol{
		Name:           name,
		Kind:           kind,
		Range:          toRange(f, symbolSpan(whole)),
		SelectionRange: toRange(f, symbolSpan(sel)),
	}
}

// symbolSpan is the source span of n.
func symbolSpan(n syntax.Node) source.Span {
	return source.Span{Start: int(n.Pos()), End: int(n.End())}
}

// probeSymbol names a probe by its attach points, as bpftrace lists it;
// its predicate is the detail and its scratch variables its children.
func probeSymbol(f *source.File, info *sema.Info, p *syntax.Probe) protocol.DocumentSymbol {
	names := make([]string, len(p.AttachPoints))
	for i, ap := range p.AttachPoints {
		names[i] = ap.Raw
	}
	sym := newSymbol(f, strings.Join(names, ", "), protocol.SymbolKindEvent, p, p.AttachPoints[0])
	if p.Predicate != nil {
		sym.Detail = "/" + outlineText(spanText(f, symbolSpan(p.Predicate)), 60) + "/"
	}
	sym.Children = varSymbols(f, info, symbolSpan(p))
	return sym
}

// userSymbol describes a macro or fn, with its parameter list as detail.
func userSymbol(f *source.File, info *sema.Info, decl syntax.Decl, name *syntax.Ident, body *syntax.Block, keyword string) (protocol.DocumentSymbol, bool) {
	if name == nil || name.Name == "" {
		return protocol.DocumentSymbol{}, false
	}
	sym := newSymbol(f, name.Name, protocol.SymbolKindFunction, decl, name)
	header := source.Span{Start: int(name.End()), End: int(decl.End())}
	if body != nil {
		header.End = int(body.Lbrace)
	}
	sym.Detail = keyword + " " + name.Name + outlineText(spanText(f, header), 80)
	sym.Children = varSymbols(f, info, symbolSpan(decl))
	return sym, true
}

// configSymbol lists a config block's settings.
func configSymbol(f *source.File, c *syntax.Config) protocol.DocumentSymbol {
	sym := protocol.DocumentSymbol{
		Name:           "config",
		Kind:           protocol.SymbolKindNamespace,
		Range:          toRange(f, symbolSpan(c)),
		SelectionRange: toRange(f, source.Span{Start: int(c.Keyword), End: int(c.Keyword) + len("config")}),
	}
	for _, e := range c.Entries {
		if e.Key == nil || e.Key.Name == "" {
			continue
		}
		child := newSymbol(f, e.Key.Name, protocol.SymbolKindProperty, e, e.Key)
		if e.Value != nil {
			child.Detail = outlineText(spanText(f, symbolSpan(e.Value)), 60)
		}
		sym.Children = append(sym.Children, child)
	}
	return sym
}

// directiveSymbol describes #include and #define lines; other directives
// (conditionals, the shebang) are not part of the outline.
func directiveSymbol(f *source.File, d *syntax.Directive) (protocol.DocumentSymbol, bool) {
	fields := strings.Fields(strings.TrimPrefix(d.Text, "#"))
	if len(fields) < 2 {
		return protocol.DocumentSymbol{}, false
	}
	var sym protocol.DocumentSymbol
	switch fields[0] {
	case "include":
		sym = newSymbol(f, strings.Join(fields[1:], " "), protocol.SymbolKindModule, d, d)
	case "define":
		name, _, _ := strings.Cut(fields[1], "(")
		sym = newSymbol(f, name, protocol.SymbolKindConstant, d, d)
		sym.Detail = outlineText(strings.Join(fields[2:], " "), 60)
	default:
		return protocol.DocumentSymbol{}, false
	}
	return sym, sym.Name != ""
}

// cHead matches the start of a C struct, union or enum definition.
var cHead = regexp.MustCompile(`^\s*(struct|union|enum)\s+([A-Za-z_]\w*)`)

// cSymbol describes a C definition by its tag and name.
func cSymbol(f *source.File, d *syntax.CDefinition) (protocol.DocumentSymbol, bool) {
	m := cHead.FindStringSubmatch(d.Text)
	if m == nil {
		return protocol.DocumentSymbol{}, false
	}
	kind := protocol.SymbolKindStruct
	if m[1] == "enum" {
		kind = protocol.SymbolKindEnum
	}
	return newSymbol(f, m[1]+" "+m[2], kind, d, d), true
}

// mapSymbols describes each map where it is first written (or, when
// nothing writes it, first read), with its key and value types.
func mapSymbols(f *source.File, info *sema.Info) []protocol.DocumentSymbol {
	var out []protocol.DocumentSymbol
	for _, m := range info.Maps {
		at, ok := firstUse(m)
		if !ok {
			continue
		}
		out = append(out, protocol.DocumentSymbol{
			Name:           m.Name,
			Detail:         mapDetail(m),
			Kind:           protocol.SymbolKindVariable,
			Range:          toRange(f, at),
			SelectionRange: toRange(f, source.Span{Start: at.Start, End: at.Start + len(m.Name)}),
		})
	}
	return out
}

// firstUse is the span of m's first write, or else of its first read.
func firstUse(m *sema.Map) (source.Span, bool) {
	if len(m.Writes) > 0 {
		return m.Writes[0], true
	}
	if len(m.Reads) > 0 {
		return m.Reads[0], true
	}
	return source.Span{}, false
}

// mapDetail is "key → value", or just the value's type for a map nameUsed
// without keys.
func mapDetail(m *sema.Map) string {
	if m.Key == nil {
		return outlineType(m.Value)
	}
	return outlineType(m.Key) + " → " + outlineType(m.Value)
}

// outlineType prints t, saying "unknown" where ken could not tell.
func outlineType(t *sema.Type) string {
	if t == nil {
		return "unknown"
	}
	return t.String()
}

// knownType prints t, or nothing where ken could not tell (a fn's
// parameters before calls give them types).
func knownType(t *sema.Type) string {
	if t.IsUnknown() {
		return ""
	}
	return t.String()
}

// varSymbols lists the scratch variables created inside within, each
// once, in source order.
func varSymbols(f *source.File, info *sema.Info, within source.Span) []protocol.DocumentSymbol {
	seen := make(map[*sema.Var]bool)
	var vars []*sema.Var
	for _, v := range info.Vars {
		if !seen[v] && within.Start <= v.Def.Start && v.Def.End <= within.End {
			seen[v] = true
			vars = append(vars, v)
		}
	}
	sort.Slice(vars, func(i, j int) bool { return vars[i].Def.Start < vars[j].Def.Start })
	var out []protocol.DocumentSymbol
	for _, v := range vars {
		out = append(out, protocol.DocumentSymbol{
			Name:           v.Name,
			Detail:         knownType(v.Type),
			Kind:           protocol.SymbolKindVariable,
			Range:          toRange(f, v.Def),
			SelectionRange: toRange(f, v.Def),
		})
	}
	return out
}

// spanText returns the source text of s, clamped to the text, so that
// the odd spans of a broken parse cannot make it fail.
func spanText(f *source.File, s source.Span) string {
	start := min(max(s.Start, 0), len(f.Text))
	return string(f.Text[start:min(max(s.End, start), len(f.Text))])
}

// outlineText collapses white space in s and cuts it to at most n bytes, so
// that a detail fits an outline row.
func outlineText(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n-- // never cut a character in two
	}
	return strings.TrimRight(s[:n], " ") + "…"
}
