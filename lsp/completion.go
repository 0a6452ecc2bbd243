package lsp

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"go.lsp.dev/protocol"

	"github.com/kenlsp/ken/analysis/catalog"
	"github.com/kenlsp/ken/analysis/sema"
	"github.com/kenlsp/ken/analysis/source"
	"github.com/kenlsp/ken/analysis/syntax"
)

func init() {
	handleRequest("textDocument/completion", (*Server).completion)
}

// maxKernelItems caps the kernel functions offered at once: a prefix such
// as "s" matches thousands of the ~56k names, more than a menu can show
// or a client can filter quickly. The list is then marked incomplete, so
// the client asks again as the person types.
const maxKernelItems = 200

// completion offers what may be written at the cursor: probe kinds and
// skeletons where a probe starts, kernel functions and tracepoints inside
// attach points, and in probe bodies builtins, fields, maps and variables.
func (s *Server) completion(ctx context.Context, params json.RawMessage) (any, error) {
	var p protocol.CompletionParams
	d, err := s.documentRequest(ctx, params, &p)
	if err != nil {
		return nil, err
	}
	q := s.newQuery(d, offset(d.file, p.Position))
	list := q.complete()
	if list.Items == nil {
		list.Items = []protocol.CompletionItem{}
	}
	return list, nil
}

// complete decides what kind of text the cursor is in and lists what fits.
func (q *query) complete() protocol.CompletionList {
	if c, ok := q.annotationAt(); ok {
		return q.completeAnnotation(c)
	}
	if q.inCommentOrString() {
		return protocol.CompletionList{}
	}
	p := probeOf(q.path)
	switch {
	case p == nil && len(q.path) > 0:
		return protocol.CompletionList{} // in a macro, fn, config block...
	case p == nil || q.off <= attachPointsEnd(p):
		return q.completeAttachPoint()
	}
	return q.completeCode(p)
}

// inCommentOrString reports whether the cursor is inside a comment or a
// string literal, where nothing is completed.
func (q *query) inCommentOrString() bool {
	for _, c := range q.ast.Comments {
		end := int(c.Start) + len(c.Text)
		// A line comment runs to the end of its line, so the cursor at its
		// end is still in it; after a block comment's "*/" it is not.
		if int(c.Start) < q.off && (q.off < end || q.off == end && strings.HasPrefix(c.Text, "//")) {
			return true
		}
	}
	lit, ok := innermost(q.path).(*syntax.StringLit)
	return ok && int(lit.Start) < q.off && q.off < int(lit.End())
}

// attachPointsEnd is where the attach points of p end; the predicate and
// body come after. The cursor at that very offset is still typing the
// last attach point.
func attachPointsEnd(p *syntax.Probe) int {
	return int(p.AttachPoints[len(p.AttachPoints)-1].End())
}

// typedBefore returns the text of the token being typed: the bytes before
// the cursor back to the last byte for which stop is true.
func (q *query) typedBefore(stop func(byte) bool) (string, int) {
	start := q.off
	for start > 0 && !stop(q.file.Text[start-1]) {
		start--
	}
	return string(q.file.Text[start:q.off]), start
}

// completeAttachPoint completes the attach point being typed, part by
// part: the provider, then a kernel function or tracepoint.
func (q *query) completeAttachPoint() protocol.CompletionList {
	typed, start := q.typedBefore(func(c byte) bool {
		return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == ',' || c == '{' || c == '}' || c == '='
	})
	parts := strings.Split(typed, ":")
	last := parts[len(parts)-1]
	at := source.Span{Start: q.off - len(last), End: q.off}
	if len(parts) == 1 {
		items := q.probeKindItems(at)
		if q.atLineStart(start) {
			items = append(items, q.snippetItems(at)...)
		}
		return protocol.CompletionList{Items: items}
	}
	if q.kernel == nil {
		return protocol.CompletionList{}
	}
	switch catalog.CanonicalKind(parts[0]) {
	case "kprobe", "kretprobe", "fentry", "fexit":
		if len(parts) <= 3 {
			return q.kernelFuncItems(last, at)
		}
	case "tracepoint":
		switch len(parts) {
		case 2:
			return protocol.CompletionList{Items: q.categoryItems(last, at)}
		case 3:
			return protocol.CompletionList{Items: q.tracepointItems(parts[1], last, at)}
		}
	}
	return protocol.CompletionList{}
}

// atLineStart reports whether only blanks precede offset on its line,
// where a whole probe may be inserted.
func (q *query) atLineStart(offset int) bool {
	lineStart := q.file.LineStart(q.file.Line(offset))
	return strings.TrimSpace(string(q.file.Text[lineStart:offset])) == ""
}

// edit replaces the span being typed with text.
func (q *query) edit(at source.Span, text string) *protocol.TextEdit {
	return &protocol.TextEdit{Range: toRange(q.file, at), NewText: text}
}

// probeKindItems lists the providers of the configured bpftrace, each in
// a spelling it accepts (BEGIN before 0.24, begin after).
func (q *query) probeKindItems(at source.Span) []protocol.CompletionItem {
	var items []protocol.CompletionItem
	for _, k := range catalog.ProbeKinds() {
		name, ok := q.spelling(k)
		if !ok {
			continue
		}
		parts, _ := k.LayoutIn(q.ver)
		layout := name
		if len(parts) > 0 {
			layout += ":" + strings.Join(parts, ":")
		}
		items = append(items, protocol.CompletionItem{
			Label: name, Kind: protocol.CompletionItemKindKeyword,
			Detail: layout, Documentation: k.Doc,
			TextEdit: q.edit(at, name),
		})
	}
	return items
}

// spelling returns the first name of k that the configured bpftrace
// accepts.
func (q *query) spelling(k catalog.ProbeKind) (string, bool) {
	for _, name := range append([]string{k.Name}, k.Aliases...) {
		if k.AcceptsName(name, q.ver) {
			return name, true
		}
	}
	return "", false
}

// probeSnippets are skeletons of the most common probes; $1, $2 are the
// places to fill in and $0 where the cursor ends.
var probeSnippets = []struct {
	kind, body, doc string
}{
	{"kprobe", ":${1:function}\n{\n\t$0\n}", "Trace a kernel function's entry; arguments are arg0, arg1, ..."},
	{"kretprobe", ":${1:function}\n{\n\t$0\n}", "Trace a kernel function's return; its result is retval"},
	{"tracepoint", ":${1:category}:${2:name}\n{\n\t$0\n}", "Trace a static kernel tracepoint; its fields are in args"},
	{"interval", ":s:${1:1}\n{\n\t$0\n}", "Run every N seconds, on one CPU"},
	{"profile", ":hz:${1:99}\n{\n\t@[kstack] = count();$0\n}", "Sample every CPU N times a second"},
	{"begin", "\n{\n\t$0\n}", "Run once when the program starts"},
	{"end", "\n{\n\t$0\n}", "Run once when the program stops"},
}

// snippetItems offers probe skeletons in the configured dialect.
func (q *query) snippetItems(at source.Span) []protocol.CompletionItem {
	var items []protocol.CompletionItem
	for _, sn := range probeSnippets {
		k, ok := catalog.LookupProbeKind(sn.kind)
		if !ok {
			continue
		}
		name, ok := q.spelling(k)
		if !ok {
			continue
		}
		text := name + sn.body
		items = append(items, protocol.CompletionItem{
			Label: name + " probe", Kind: protocol.CompletionItemKindSnippet,
			Detail: "probe skeleton", Documentation: sn.doc,
			FilterText: name, InsertTextFormat: protocol.InsertTextFormatSnippet,
			TextEdit: q.edit(at, text),
		})
	}
	return items
}

// kernelFuncItems lists the kernel functions that start with prefix, with
// their prototypes. Names come from a sorted index, so finding them is a
// binary search and a slice; the cap bounds the BTF decoded for the
// prototypes (about 0.2 ms for 200 of them once BTF is loaded).
func (q *query) kernelFuncItems(prefix string, at source.Span) protocol.CompletionList {
	if strings.ContainsAny(prefix, "*?+") {
		return protocol.CompletionList{} // a pattern or an offset, not a name
	}
	names := q.kernel.MatchFuncs(prefix+"*", maxKernelItems+1)
	list := protocol.CompletionList{IsIncomplete: len(names) > maxKernelItems}
	names = names[:min(len(names), maxKernelItems)]
	list.Items = make([]protocol.CompletionItem, len(names))
	for i, name := range names {
		detail := "kernel function"
		if fn, ok := q.kernel.Func(name); ok {
			detail = sema.CDecl(fn, "")
		}
		list.Items[i] = protocol.CompletionItem{
			Label: name, Kind: protocol.CompletionItemKindFunction,
			Detail: detail, Documentation: "Kernel function", TextEdit: q.edit(at, name),
		}
	}
	return list
}

// categoryItems lists the tracepoint categories that start with prefix.
func (q *query) categoryItems(prefix string, at source.Span) []protocol.CompletionItem {
	var items []protocol.CompletionItem
	counts := map[string]int{}
	for _, id := range q.kernel.Tracepoints() {
		if strings.HasPrefix(id.Category, prefix) {
			counts[id.Category]++
		}
	}
	for cat, n := range counts {
		items = append(items, protocol.CompletionItem{
			Label: cat, Kind: protocol.CompletionItemKindModule,
			Detail: fmt.Sprintf("%d %s", n, plural(n, "tracepoint", "tracepoints")), TextEdit: q.edit(at, cat),
		})
	}
	sortByLabel(items)
	return items
}

// maxDocumentedTracepoints bounds how many tracepoint formats one
// completion parses to document the fields: a category such as syscalls
// has hundreds, and the list shrinks as the person types.
const maxDocumentedTracepoints = 50

// tracepointItems lists the tracepoints of category that start with
// prefix, with their fields as documentation when the list is short.
func (q *query) tracepointItems(category, prefix string, at source.Span) []protocol.CompletionItem {
	ids := q.kernel.MatchTracepoints(category, prefix+"*", 0)
	items := make([]protocol.CompletionItem, len(ids))
	for i, id := range ids {
		items[i] = protocol.CompletionItem{
			Label: id.Name, Kind: protocol.CompletionItemKindEvent,
			Detail: "tracepoint " + id.String(), TextEdit: q.edit(at, id.Name),
		}
		if len(ids) <= maxDocumentedTracepoints {
			items[i].Documentation = q.tracepointFields(id.Category, id.Name)
		}
	}
	return items
}

// tracepointFields lists the fields args has in a tracepoint.
func (q *query) tracepointFields(category, name string) string {
	tp, ok := q.kernel.Tracepoint(category, name)
	if !ok {
		return ""
	}
	var fields []string
	for _, f := range tp.Fields {
		if !f.Common {
			fields = append(fields, tracepointDecl(f))
		}
	}
	return "args: " + strings.Join(fields, "; ")
}

// completeCode completes inside a probe's predicate or body, by what
// precedes the word being typed.
func (q *query) completeCode(p *syntax.Probe) protocol.CompletionList {
	_, start := q.typedBefore(func(c byte) bool { return !isWordByte(c) })
	before := q.file.Text[:start]
	var items []protocol.CompletionItem
	switch {
	case len(before) > 0 && before[len(before)-1] == '$':
		items = q.variableItems(p, source.Span{Start: start - 1, End: q.off})
	case len(before) > 0 && before[len(before)-1] == '@':
		items = q.mapItems(source.Span{Start: start - 1, End: q.off})
	case len(before) > 0 && before[len(before)-1] == '.', len(before) > 1 && string(before[len(before)-2:]) == "->":
		items = q.fieldItems(p, start, source.Span{Start: start, End: q.off})
	default:
		items = q.builtinItems(p, source.Span{Start: start, End: q.off})
	}
	return protocol.CompletionList{Items: items}
}

func isWordByte(c byte) bool {
	return c == '_' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9'
}

// variableItems lists the scratch variables assigned in p. A name
// assigned in several blocks is one item, described by its first
// assignment.
func (q *query) variableItems(p *syntax.Probe, at source.Span) []protocol.CompletionItem {
	probe := nodeSpan(p)
	first := map[string]*sema.Var{}
	for _, v := range q.info.Vars {
		if v.Def.Start < probe.Start || v.Def.End > probe.End {
			continue
		}
		if f := first[v.Name]; f == nil || v.Def.Start < f.Def.Start {
			first[v.Name] = v
		}
	}
	var items []protocol.CompletionItem
	for _, v := range first {
		items = append(items, protocol.CompletionItem{
			Label: v.Name, Kind: protocol.CompletionItemKindVariable,
			Detail:        typeWithTypedef(v.Type),
			Documentation: fmt.Sprintf("Scratch variable, first assigned on line %d", q.file.Line(v.Def.Start)+1),
			TextEdit:      q.edit(at, v.Name),
		})
	}
	sortByLabel(items)
	return items
}

// mapItems lists the file's maps.
func (q *query) mapItems(at source.Span) []protocol.CompletionItem {
	var items []protocol.CompletionItem
	for _, m := range q.info.Maps {
		if m.Name == "@" || onlyAt(m, at.Start) {
			continue // nothing to complete, or just the name being typed
		}
		items = append(items, protocol.CompletionItem{
			Label: m.Name, Kind: protocol.CompletionItemKindVariable,
			Detail:        mapSignature(m) + ": " + m.Value.String(),
			Documentation: fmt.Sprintf("Map written %s; read %s.", q.uses(m.Writes), q.uses(m.Reads)),
			TextEdit:      q.edit(at, m.Name),
		})
	}
	sortByLabel(items)
	return items
}

// onlyAt reports whether every use of m starts at offset: the map is
// just the half-typed name at the cursor.
func onlyAt(m *sema.Map, offset int) bool {
	for _, s := range slices.Concat(m.Writes, m.Reads) {
		if s.Start != offset {
			return false
		}
	}
	return true
}

func sortByLabel(items []protocol.CompletionItem) {
	slices.SortFunc(items, func(a, b protocol.CompletionItem) int { return strings.Compare(a.Label, b.Label) })
}

// fieldItems lists the fields of the receiver of the '.' or '->' that
// ends just before offset start. The parser keeps a FieldExpr without a
// name for "x." at the end of broken text, so the receiver is typed even
// while the person is still typing.
func (q *query) fieldItems(p *syntax.Probe, start int, at source.Span) []protocol.CompletionItem {
	var recv syntax.Expr
	syntax.Inspect(p, func(n syntax.Node) bool {
		if fe, ok := n.(*syntax.FieldExpr); ok && int(fe.OpPos)+1+btoi(fe.Arrow) == start {
			recv = fe.X
		}
		return recv == nil
	})
	if recv == nil {
		return nil
	}
	var items []protocol.CompletionItem
	for _, m := range sema.Members(q.info.Types[recv]) {
		detail := m.Type.String()
		if m.C != "" && m.C != detail {
			detail += " (" + m.C + ")"
		}
		doc := ""
		switch {
		case m.NetworkOrder:
			doc = "Network byte order (big-endian)."
		case m.Offset >= 0:
			doc = fmt.Sprintf("Byte offset %d.", m.Offset)
		}
		items = append(items, protocol.CompletionItem{
			Label: m.Name, Kind: protocol.CompletionItemKindField,
			Detail: detail, Documentation: doc, TextEdit: q.edit(at, m.Name),
		})
	}
	return items
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

// familyMembers are the members of a numbered builtin family offered by
// completion; higher ones are rarely used and still accepted when typed.
const familyMembers = 6

// builtinItems lists the builtin variables and functions the configured
// bpftrace allows in every kind of p's attach points.
func (q *query) builtinItems(p *syntax.Probe, at source.Span) []protocol.CompletionItem {
	kinds := q.probeKinds(p)
	allowed := func(ok func(kind string) bool) bool {
		for _, k := range kinds {
			if !ok(k) {
				return false
			}
		}
		return true
	}
	var items []protocol.CompletionItem
	variables := map[string]bool{}
	for _, v := range catalog.Variables() {
		if v.Internal || strings.HasPrefix(v.Name, "$") || !v.AvailableIn(q.ver) ||
			!allowed(func(k string) bool { return v.AllowedInAt(k, q.ver) }) {
			continue
		}
		variables[v.Name] = true
		for _, name := range familyNames(v) {
			items = append(items, protocol.CompletionItem{
				Label: name, Kind: protocol.CompletionItemKindVariable,
				Detail: v.TypeIn(q.ver), Documentation: v.Doc, TextEdit: q.edit(at, name),
			})
		}
	}
	for _, f := range catalog.Functions() {
		if f.Internal || variables[f.Name] || !f.AvailableIn(q.ver) ||
			!allowed(func(k string) bool { return f.AllowedInAt(k, q.ver) }) {
			continue
		}
		items = append(items, q.functionItem(f, at))
	}
	return items
}

// familyNames expands a numbered family such as argN into arg0, arg1, ...
func familyNames(v catalog.Variable) []string {
	if !v.Family {
		return []string{v.Name}
	}
	base := strings.TrimSuffix(v.Name, "N")
	names := make([]string, familyMembers)
	for i := range names {
		names[i] = fmt.Sprintf("%s%d", base, i)
	}
	return names
}

// functionItem offers a call with the cursor between its parentheses.
func (q *query) functionItem(f catalog.Function, at source.Span) protocol.CompletionItem {
	_, maxArgs := f.ArgsIn(q.ver)
	text := f.Name + "($0)"
	if maxArgs == 0 {
		text = f.Name + "()"
	}
	doc := f.Doc
	if f.Unsafe {
		doc += " (needs --unsafe)"
	}
	return protocol.CompletionItem{
		Label: f.Name, Kind: protocol.CompletionItemKindFunction,
		Detail: f.Signature, Documentation: doc,
		InsertTextFormat: protocol.InsertTextFormatSnippet,
		TextEdit:         q.edit(at, text),
	}
}
